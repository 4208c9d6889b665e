//! Rust types of documented rows: the documented type tokens mapped to [`Ty`], and adjusted
//! to the documentation's own examples where the two disagree.

use serde_json::Value;

/// The Rust type of a generated field or response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Ty {
    Numeric,
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

/// Whether a documented example value can decode as a scalar type (structs and values always
/// "fit": their fields are lenient).
pub(super) fn scalar_fits(ty: &Ty, value: &Value) -> bool {
    if value.is_null() {
        return true;
    }
    match ty {
        Ty::Numeric => value.is_number() || value.is_string(),
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
