//! Rust types of documented rows: the documented type tokens mapped to [`Ty`], and adjusted
//! to the documentation's own examples where the two disagree.

use serde_json::Value;

use super::model::Field;

/// The Rust type of a generated field or response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Ty {
    Numeric,
    /// An ID of a returned entity (`b24_core::Id`).
    Id,
    /// An amount kept as its digits (`b24_core::types::Decimal`).
    Decimal,
    Str,
    Flag,
    DateTime,
    File,
    MultiField,
    Value,
    Vec(Box<Ty>),
    /// A generated record, by name (or path, for a record of another module).
    Struct(String),
}

impl Ty {
    /// The type as written in the generated code.
    pub(super) fn rust(&self) -> String {
        match self {
            Ty::Numeric => String::from("Numeric"),
            Ty::Id => String::from("Id"),
            Ty::Decimal => String::from("Decimal"),
            Ty::Str => String::from("String"),
            Ty::Flag => String::from("Flag"),
            Ty::DateTime => String::from("DateTime"),
            Ty::File => String::from("FileData"),
            Ty::MultiField => String::from("MultiField"),
            Ty::Value => String::from("Value"),
            Ty::Vec(inner) => format!("Vec<{}>", inner.rust()),
            Ty::Struct(name) => name.clone(),
        }
    }

    /// `Vec<self>`.
    pub(super) fn list_of(self) -> Ty {
        Ty::Vec(Box::new(self))
    }

    /// Whether this is a list of generated records.
    pub(super) fn is_list_of_records(&self) -> bool {
        matches!(self, Ty::Vec(inner) if matches!(**inner, Ty::Struct(_)))
    }
}

/// The type of one documented scalar type token (`integer`, `string`, `boolean`, `date`,
/// `crm_multifield`, `*.id`, …); `None` for objects, arrays, entity names and unknown tokens.
pub(super) fn scalar(token: &str) -> Option<Ty> {
    let lower = token.to_ascii_lowercase();
    Some(match lower.as_str() {
        "integer" | "int" | "double" | "float" | "number" | "numeric" | "decimal" | "money"
        | "user.id" | "long" => Ty::Numeric,
        "string"
        | "text"
        | "char"
        | "enum"
        | "crm_status"
        | "crm_currency"
        | "str"
        | "varchar"
        | "crm_currency.currency"
        | "html"
        | "url"
        | "email"
        | "phone"
        | "color" => Ty::Str,
        "boolean" | "bool" | "bolean" => Ty::Flag,
        "datetime" | "date" | "date-time" | "datetime|date" | "timestamp_with_timezone" => {
            Ty::DateTime
        }
        "file" | "diskfile" => Ty::File,
        // Multi-fields are always lists of entries, whether or not the table says `[]`.
        "crm_multifield" => Ty::MultiField.list_of(),
        _ if lower.ends_with(".id") => Ty::Numeric,
        _ => return None,
    })
}

/// The type of a row whose type token names another entity (`crm_company`, `crm_category`):
/// an ID when the row's name says so (`COMPANY_ID`, `CONTACT_IDS`), else a generic value.
pub(super) fn id_like(name: &str, plural: bool) -> Ty {
    let looks_like_id = if plural {
        name.ends_with("IDS") || name.ends_with("Ids") || name.ends_with("ids")
    } else {
        name.ends_with("ID") || name.ends_with("Id") || name.ends_with("_id") || name == "id"
    };
    if looks_like_id {
        Ty::Numeric
    } else {
        Ty::Value
    }
}

/// Adjusts a documented type to the documentation's example of the value, where the two
/// disagree: an `array` that is a JSON object becomes the object (PHP's associative arrays), a
/// `string` sent as a number becomes [`Ty::Numeric`] (which accepts both), a single object
/// shown as a list becomes a list, anything else contradicted becomes a generic value.
pub(super) fn reconcile(ty: Ty, example: Option<&Value>) -> Ty {
    let Some(value) = example else {
        return ty;
    };
    if value.is_null() || scalar_fits(&ty, value) {
        return ty;
    }
    match (&ty, value) {
        (Ty::Vec(inner), Value::Object(_)) if matches!(**inner, Ty::Struct(_)) => (**inner).clone(),
        (Ty::Struct(_), Value::Array(items)) if items.iter().all(Value::is_object) => ty.list_of(),
        (Ty::Str, Value::Number(_)) => Ty::Numeric,
        (Ty::Vec(inner), Value::Array(items))
            if matches!(**inner, Ty::Str)
                && items
                    .iter()
                    .all(|item| item.is_number() || item.is_string()) =>
        {
            Ty::Numeric.list_of()
        }
        _ => Ty::Value,
    }
}

/// Narrows the type of a row of a record to what its documentation and example show beside
/// the token: a `char` shown as `Y`/`N` is a [`Ty::Flag`] (without an example it stays a
/// string: the name alone does not tell, and a `Flag` refuses other letters); a `double` with
/// a currency row beside it
/// (`OPPORTUNITY` and `CURRENCY_ID`) is money, a [`Ty::Decimal`]; the `ID`/`id` of a returned
/// record documented as an integer is an [`Ty::Id`] unless its example is no unsigned integer
/// (a `string` sent as a number stays [`Ty::Numeric`]: `im.recent.list` mixes `"chat1317"`).
pub(super) fn refine(
    ty: Ty,
    row: &Field,
    siblings: &[Field],
    returned: bool,
    example: Option<&Value>,
) -> Ty {
    let token = row
        .ty
        .split('|')
        .map(str::trim)
        .filter(|token| *token != "null")
        .collect::<Vec<_>>();
    let token = match token.as_slice() {
        [one] => one.to_ascii_lowercase(),
        _ => return ty,
    };
    match ty {
        Ty::Str if token == "char" && example.is_some_and(is_yes_no) => Ty::Flag,
        Ty::Numeric
            if matches!(token.as_str(), "double" | "float" | "decimal" | "money")
                && siblings
                    .iter()
                    .any(|sibling| sibling.name.to_ascii_lowercase().contains("currency")) =>
        {
            Ty::Decimal
        }
        Ty::Numeric
            if returned
                && (row.name == "ID" || row.name == "id")
                && (matches!(token.as_str(), "integer" | "int" | "long")
                    || token.ends_with(".id"))
                && example.is_none_or(is_unsigned) =>
        {
            Ty::Id
        }
        other => other,
    }
}

fn is_yes_no(value: &Value) -> bool {
    matches!(value.as_str(), Some("Y" | "N"))
}

fn is_unsigned(value: &Value) -> bool {
    match value {
        Value::Number(number) => number.is_u64(),
        Value::String(text) => text.parse::<u64>().is_ok(),
        _ => false,
    }
}

/// Whether a documented example value can decode as a scalar type (structs and values always
/// "fit": their fields are lenient).
pub(super) fn scalar_fits(ty: &Ty, value: &Value) -> bool {
    if value.is_null() {
        return true;
    }
    match ty {
        Ty::Numeric | Ty::Decimal => value.is_number() || value.is_string(),
        Ty::Id => is_unsigned(value),
        Ty::Str | Ty::DateTime => value.is_string(),
        Ty::Flag => match value {
            Value::Bool(_) => true,
            Value::Number(number) => matches!(number.as_u64(), Some(0 | 1)),
            Value::String(text) => {
                matches!(
                    text.as_str(),
                    "Y" | "N" | "y" | "n" | "0" | "1" | "true" | "false" | ""
                )
            }
            _ => false,
        },
        Ty::Vec(inner) => match value {
            Value::Array(items) => items.iter().all(|item| scalar_fits(inner, item)),
            _ => false,
        },
        Ty::Struct(_) => value.is_object() || value.as_array().is_some_and(Vec::is_empty),
        Ty::File => match value {
            Value::Array(items) => items.len() == 2 && items.iter().all(Value::is_string),
            Value::Object(map) => map.contains_key("fileData"),
            _ => false,
        },
        Ty::MultiField => value.is_object(),
        Ty::Value => true,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn record() -> Ty {
        Ty::Struct(String::from("CrmDealGetResult"))
    }

    #[test]
    fn scalar_tokens_map_case_insensitively() {
        assert_eq!(scalar("Integer"), Some(Ty::Numeric));
        assert_eq!(scalar("user.id"), Some(Ty::Numeric));
        assert_eq!(scalar("crm_deal.id"), Some(Ty::Numeric));
        assert_eq!(scalar("crm_status"), Some(Ty::Str));
        assert_eq!(scalar("bolean"), Some(Ty::Flag));
        assert_eq!(scalar("datetime|date"), Some(Ty::DateTime));
        assert_eq!(scalar("diskfile"), Some(Ty::File));
        assert_eq!(scalar("crm_multifield"), Some(Ty::MultiField.list_of()));
        assert_eq!(scalar("object"), None);
        assert_eq!(scalar("crm_company"), None);
    }

    fn row(name: &str, ty: &str) -> Field {
        serde_json::from_value(json!({"name": name, "type": ty})).expect("row")
    }

    #[test]
    fn rows_narrow_to_flags_decimals_and_ids() {
        let currency = row("CURRENCY_ID", "crm_currency");
        let no_currency = row("TITLE", "string");
        // (row name, token, documented type, a currency beside it, returned, example, expected)
        #[rustfmt::skip]
        let cases = [
            // A char shown as Y/N is a flag, in a request or a result.
            ("OPENED", "char", Ty::Str, false, true, Some(json!("Y")), Ty::Flag),
            ("OPENED", "char", Ty::Str, false, false, Some(json!("N")), Ty::Flag),
            // Without an example the name does not tell (`IS_PRIMARY` may be fabricated
            // text); another letter shown, or another token: a string as documented.
            ("OPENED", "char", Ty::Str, false, true, None, Ty::Str),
            ("OPENED", "char", Ty::Str, false, true, Some(json!("D")), Ty::Str),
            ("OPENED", "string", Ty::Str, false, true, Some(json!("Y")), Ty::Str),
            // A double beside a currency is money; without one, or an integer: a number.
            ("OPPORTUNITY", "double", Ty::Numeric, true, true, None, Ty::Decimal),
            ("PRICE", "double", Ty::Numeric, true, false, None, Ty::Decimal),
            ("OPPORTUNITY", "double", Ty::Numeric, false, true, None, Ty::Numeric),
            ("QUANTITY", "integer", Ty::Numeric, true, true, None, Ty::Numeric),
            // The integer ID of a returned record is an Id, shown as unsigned or not shown.
            ("ID", "integer", Ty::Numeric, false, true, Some(json!("37")), Ty::Id),
            ("id", "integer", Ty::Numeric, false, true, Some(json!(5)), Ty::Id),
            ("ID", "integer", Ty::Numeric, false, true, None, Ty::Id),
            // A string sent as a number here may be a word elsewhere (`"chat1317"`); a
            // request, an example that is no unsigned integer, another name: as documented.
            ("id", "string", Ty::Numeric, false, true, Some(json!(5)), Ty::Numeric),
            ("ID", "integer", Ty::Numeric, false, false, Some(json!(5)), Ty::Numeric),
            ("ID", "integer", Ty::Numeric, false, true, Some(json!("ID")), Ty::Numeric),
            ("ID", "integer", Ty::Numeric, false, true, Some(json!(-1)), Ty::Numeric),
            ("OWNER_ID", "integer", Ty::Numeric, false, true, Some(json!(5)), Ty::Numeric),
        ];
        for (name, token, ty, beside, returned, example, expected) in cases {
            let field = row(name, token);
            let siblings = [
                field.clone(),
                if beside {
                    currency.clone()
                } else {
                    no_currency.clone()
                },
            ];
            assert_eq!(
                refine(ty, &field, &siblings, returned, example.as_ref()),
                expected,
                "{name}: {token}, example {example:?}"
            );
        }
        let beside_camel = [row("opportunity", "double"), row("currencyId", "string")];
        assert_eq!(
            refine(Ty::Numeric, &beside_camel[0], &beside_camel, true, None),
            Ty::Decimal
        );
    }

    #[test]
    fn rust_spelling_nests_lists() {
        assert_eq!(Ty::MultiField.list_of().rust(), "Vec<MultiField>");
        assert_eq!(
            record().list_of().list_of().rust(),
            "Vec<Vec<CrmDealGetResult>>"
        );
        assert_eq!(Ty::File.rust(), "FileData");
        assert!(record().list_of().is_list_of_records());
        assert!(!Ty::Str.list_of().is_list_of_records());
    }

    #[test]
    fn entity_rows_are_ids_only_when_named_so() {
        assert_eq!(id_like("COMPANY_ID", false), Ty::Numeric);
        assert_eq!(id_like("ownerId", false), Ty::Numeric);
        assert_eq!(id_like("id", false), Ty::Numeric);
        assert_eq!(id_like("CONTACT_IDS", true), Ty::Numeric);
        assert_eq!(id_like("CONTACT_IDS", false), Ty::Value);
        assert_eq!(id_like("COMPANY", false), Ty::Value);
        assert_eq!(id_like("COMPANY_ID", true), Ty::Value);
    }

    #[test]
    fn a_fitting_or_missing_example_keeps_the_documented_type() {
        assert_eq!(reconcile(Ty::Str, None), Ty::Str);
        assert_eq!(reconcile(Ty::Str, Some(&json!(null))), Ty::Str);
        assert_eq!(reconcile(Ty::Numeric, Some(&json!("12"))), Ty::Numeric);
        assert_eq!(reconcile(Ty::Flag, Some(&json!("Y"))), Ty::Flag);
        assert_eq!(reconcile(Ty::Flag, Some(&json!(1))), Ty::Flag);
        assert_eq!(reconcile(record(), Some(&json!([]))), record());
        assert_eq!(
            reconcile(Ty::File, Some(&json!(["a.txt", "aGk="]))),
            Ty::File
        );
    }

    #[test]
    fn the_example_decides_between_one_object_and_a_list() {
        assert_eq!(
            reconcile(record().list_of(), Some(&json!({"ID": 1}))),
            record()
        );
        assert_eq!(
            reconcile(record(), Some(&json!([{"ID": 1}, {"ID": 2}]))),
            record().list_of()
        );
        // A list holding something other than objects is no list of records.
        assert_eq!(reconcile(record(), Some(&json!([1, 2]))), Ty::Value);
    }

    #[test]
    fn numbers_sent_for_strings_become_numeric() {
        assert_eq!(reconcile(Ty::Str, Some(&json!(5))), Ty::Numeric);
        assert_eq!(
            reconcile(Ty::Str.list_of(), Some(&json!([1, "2"]))),
            Ty::Numeric.list_of()
        );
    }

    #[test]
    fn any_other_contradiction_becomes_a_generic_value() {
        assert_eq!(reconcile(Ty::Numeric, Some(&json!({"a": 1}))), Ty::Value);
        assert_eq!(reconcile(Ty::Flag, Some(&json!("maybe"))), Ty::Value);
        assert_eq!(reconcile(Ty::Flag, Some(&json!(2))), Ty::Value);
        assert_eq!(reconcile(Ty::DateTime, Some(&json!(17))), Ty::Value);
        assert_eq!(reconcile(Ty::Str.list_of(), Some(&json!("a"))), Ty::Value);
        assert_eq!(reconcile(Ty::File, Some(&json!(["a.txt"]))), Ty::Value);
    }

    #[test]
    fn fitting_is_checked_through_lists() {
        assert!(scalar_fits(&Ty::Numeric.list_of(), &json!([1, "2", null])));
        assert!(!scalar_fits(&Ty::Numeric.list_of(), &json!([true])));
        assert!(scalar_fits(&Ty::MultiField, &json!({"VALUE": "x"})));
        assert!(scalar_fits(&Ty::File, &json!({"fileData": ["a", "b"]})));
        assert!(scalar_fits(&Ty::Value, &json!(false)));
    }
}
