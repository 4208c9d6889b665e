//! Rust types of documented rows: the documented type tokens mapped to [`Ty`], and adjusted
//! to the documentation's own examples where the two disagree.

use serde_json::Value;

use super::evidence::{Evidence, is_flag, is_id};
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
/// the token:
/// - a `char` is a Y/N [`Ty::Flag`] when its example shows a flag, or when it has none and no
///   example in the whole catalog shows that name holding anything else (`evidence`: the
///   catalog has no descriptions; `IS_LIMIT` holds `D`/`T`, so it stays a string);
/// - a `double` with a currency row beside it (`OPPORTUNITY` and `CURRENCY_ID`) is money, a
///   [`Ty::Decimal`];
/// - in a `returned` record, an ID is an [`Ty::Id`]: the record's own `ID`/`id` documented as
///   an integer, and a foreign key (`COMPANY_ID: crm_company`, `ASSIGNED_BY_ID: user`,
///   `ownerId: integer`, `CONTACT_IDS: crm_contact[]`, `LAST_ACTIVITY_BY: user`) that no
///   example in the catalog shows holding a word; each only when its own example is an
///   unsigned integer or absent (a `string` sent as a number stays [`Ty::Numeric`]:
///   `im.recent.list` mixes `"chat1317"`).
pub(super) fn refine(
    ty: Ty,
    row: &Field,
    siblings: &[Field],
    returned: bool,
    example: Option<&Value>,
    evidence: &Evidence,
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
    let is_money = || {
        matches!(token.as_str(), "double" | "float" | "decimal" | "money")
            && siblings
                .iter()
                .any(|sibling| sibling.name.to_ascii_lowercase().contains("currency"))
    };
    let example = example.filter(|value| !value.is_null());
    match ty {
        Ty::Str if token == "char" => {
            let flag = match example {
                Some(value) => {
                    is_flag(value) && (is_yes_no(value) || evidence.may_be_flag(&row.name))
                }
                None => evidence.may_be_flag(&row.name),
            };
            if flag { Ty::Flag } else { Ty::Str }
        }
        Ty::Numeric if is_money() => Ty::Decimal,
        Ty::Numeric | Ty::Value if returned && is_id_row(&row.name, &token, evidence) => {
            if example.is_none_or(is_id) {
                Ty::Id
            } else {
                ty
            }
        }
        Ty::Vec(inner)
            if returned
                && *inner == Ty::Numeric
                && is_id_list_row(&row.name, &token, evidence)
                && example.is_none_or(|value| {
                    value
                        .as_array()
                        .is_some_and(|items| items.iter().all(is_unsigned))
                }) =>
        {
            Ty::Id.list_of()
        }
        other => other,
    }
}

/// Whether a row is an ID by its name and token: the record's own `ID`/`id` typed as an
/// integer, or a foreign key named so (`…_ID`, `…Id`; `…_BY`, `…By` for a `user`) typed as an
/// integer or as the entity it refers to, which no example shows holding a word.
fn is_id_row(name: &str, token: &str, evidence: &Evidence) -> bool {
    let integer = matches!(token, "integer" | "int" | "long") || token.ends_with(".id");
    if name == "ID" || name == "id" {
        return integer;
    }
    let reference = is_reference(token);
    let foreign = name.ends_with("_ID") || name.ends_with("Id") || name.ends_with("_id");
    let by_user = token == "user" && (name.ends_with("_BY") || name.ends_with("By"));
    ((foreign && (integer || reference)) || by_user) && evidence.may_be_id(name)
}

/// Whether a row is a list of IDs: `…_IDS`/`…Ids` typed as a list of the entities it refers to
/// (`crm_contact[]`) or of integers.
fn is_id_list_row(name: &str, token: &str, evidence: &Evidence) -> bool {
    let Some(element) = token.strip_suffix("[]") else {
        return false;
    };
    let integer = matches!(element, "integer" | "int") || element.ends_with(".id");
    (name.ends_with("_IDS") || name.ends_with("Ids"))
        && (integer || is_reference(element))
        && evidence.may_be_id(name)
}

/// Whether a token names another entity (`user`, `crm_company`, `location`): a plain name
/// that is no scalar type.
fn is_reference(token: &str) -> bool {
    !token.is_empty()
        && token
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte == b'_')
        && scalar(token).is_none()
        && !matches!(token, "object" | "array" | "any" | "mixed")
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
        let mut evidence = Evidence::default();
        evidence.learn(&json!({"result": {"IS_LIMIT": "D", "ENTITY_ID": "CRM_DEAL", "ID": "x"}}));
        // (row name, token, documented type, a currency beside it, returned, example, expected)
        #[rustfmt::skip]
        let cases = [
            // A char shown as Y/N is a flag, in a request or a result.
            ("OPENED", "char", Ty::Str, false, true, Some(json!("Y")), Ty::Flag),
            ("OPENED", "char", Ty::Str, false, false, Some(json!("N")), Ty::Flag),
            // Without an example (or a null one), a char is a flag unless some example in the
            // catalog shows its name holding another letter.
            ("IS_NEW", "char", Ty::Str, false, true, None, Ty::Flag),
            ("IS_NEW", "char", Ty::Str, false, false, Some(json!(null)), Ty::Flag),
            ("IS_LIMIT", "char", Ty::Str, false, true, None, Ty::Str),
            // Its own example wins: Y/N even where the name holds a word elsewhere; another
            // letter, or another token: a string as documented.
            ("IS_LIMIT", "char", Ty::Str, false, true, Some(json!("Y")), Ty::Flag),
            ("IS_LIMIT", "char", Ty::Str, false, true, Some(json!("")), Ty::Str),
            ("OPENED", "char", Ty::Str, false, true, Some(json!("D")), Ty::Str),
            ("OPENED", "string", Ty::Str, false, true, Some(json!("Y")), Ty::Str),
            // A double beside a currency is money; without one, or an integer: a number.
            ("OPPORTUNITY", "double", Ty::Numeric, true, true, None, Ty::Decimal),
            ("PRICE", "double", Ty::Numeric, true, false, None, Ty::Decimal),
            ("OPPORTUNITY", "double", Ty::Numeric, false, true, None, Ty::Numeric),
            ("QUANTITY", "integer", Ty::Numeric, true, true, None, Ty::Numeric),
            // The integer ID of a returned record is an Id, shown as unsigned or not shown
            // (the catalog-wide evidence does not apply to `ID` itself: it is the record's).
            ("ID", "integer", Ty::Numeric, false, true, Some(json!("37")), Ty::Id),
            ("id", "integer", Ty::Numeric, false, true, Some(json!(5)), Ty::Id),
            ("ID", "integer", Ty::Numeric, false, true, None, Ty::Id),
            ("id", "user.id", Ty::Numeric, false, true, Some(json!("")), Ty::Id),
            // Foreign keys, by token and name, unless the catalog shows the name holding a word.
            ("COMPANY_ID", "crm_company", Ty::Numeric, false, true, Some(json!("3")), Ty::Id),
            ("ASSIGNED_BY_ID", "user", Ty::Numeric, false, true, None, Ty::Id),
            ("OWNER_ID", "integer", Ty::Numeric, false, true, Some(json!(5)), Ty::Id),
            ("ownerId", "integer", Ty::Numeric, false, true, None, Ty::Id),
            ("LAST_ACTIVITY_BY", "user", Ty::Value, false, true, Some(json!("1")), Ty::Id),
            ("CONTACT_IDS", "crm_contact[]", Ty::Numeric.list_of(), false, true,
                Some(json!(["1", 2])), Ty::Id.list_of()),
            ("ENTITY_ID", "integer", Ty::Numeric, false, true, None, Ty::Numeric),
            // A string sent as a number here may be a word elsewhere (`"chat1317"`); a
            // request, an example that is no unsigned integer, another name: as documented.
            ("id", "string", Ty::Numeric, false, true, Some(json!(5)), Ty::Numeric),
            ("ID", "integer", Ty::Numeric, false, false, Some(json!(5)), Ty::Numeric),
            ("COMPANY_ID", "crm_company", Ty::Numeric, false, false, None, Ty::Numeric),
            ("ID", "integer", Ty::Numeric, false, true, Some(json!("ID")), Ty::Numeric),
            ("ID", "integer", Ty::Numeric, false, true, Some(json!(-1)), Ty::Numeric),
            ("COMPANY", "crm_company", Ty::Value, false, true, None, Ty::Value),
            ("PRICE_ID", "double", Ty::Numeric, false, true, None, Ty::Numeric),
            ("CONTACT_IDS", "crm_contact[]", Ty::Numeric.list_of(), false, true,
                Some(json!(["a"])), Ty::Numeric.list_of()),
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
                refine(ty, &field, &siblings, returned, example.as_ref(), &evidence),
                expected,
                "{name}: {token}, example {example:?}"
            );
        }
        let beside_camel = [row("opportunity", "double"), row("currencyId", "string")];
        assert_eq!(
            refine(
                Ty::Numeric,
                &beside_camel[0],
                &beside_camel,
                true,
                None,
                &evidence
            ),
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
