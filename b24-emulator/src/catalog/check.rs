//! Parameter checks of a documented method, as loose as the server's: required parameters must
//! be present and non-empty, numeric parameters must not be words. Unknown parameters are
//! ignored.

use super::table::{Entry, Field};
use crate::envelope::ApiError;
use crate::value::Value;

/// Words in a documented error code that mark it as the "missing parameter" error.
const MISSING_WORDS: &[&str] = &["EMPTY", "REQUIRED", "MISSING", "NOT_SPECIFIED", "NOT_SET"];

/// Checks `params` against the method's parameter table.
pub fn params(entry: &Entry, params: &Value) -> Result<(), ApiError> {
    let table = entry.params();
    for field in &table {
        if !field.names.iter().all(|name| is_key(name)) {
            // A pattern (`UF_*`, `<CODE>`) names no one parameter: nothing to check.
            continue;
        }
        match lookup(params, field) {
            None if field.required => return Err(missing(entry, &table, field)),
            Some(value) => typed(entry, field, value)?,
            None => {}
        }
    }
    Ok(())
}

/// Whether `name` is a parameter name or a dotted path of them, not a pattern.
fn is_key(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// The value sent for `field` (any of its names, ASCII case ignored; a dotted name such as
/// `fields.CONTACT_ID` walks into the object), `None` when absent, `null` or an empty string.
fn lookup<'a>(params: &'a Value, field: &Field) -> Option<&'a Value> {
    field.names.iter().find_map(|name| {
        let mut value = params;
        for segment in name.split('.') {
            value = value.get_ci(segment)?;
        }
        match value {
            Value::Null => None,
            Value::Str(s) if s.is_empty() => None,
            present => Some(present),
        }
    })
}

/// The documented error for a missing `field`: a code naming the parameter (`CHAT_ID_EMPTY`),
/// else the method's one generic "missing" code (`MISSING_PARAMS`, `ERROR_ARGUMENT`), else
/// `BX_EMPTY_REQUIRED`.
fn missing(entry: &Entry, table: &[Field], field: &Field) -> ApiError {
    let is_missing_code = |code: &str| {
        MISSING_WORDS.iter().any(|word| code.contains(word)) || code == "ERROR_ARGUMENT"
    };
    let upper: Vec<String> = field
        .names
        .iter()
        .map(|name| name.to_ascii_uppercase())
        .collect();
    let names_it = |code: &&str| upper.iter().any(|name| code.contains(name.as_str()));
    let names_another = |code: &&str| {
        table.iter().any(|other| {
            other.name() != field.name()
                && other.name().len() > 2
                && code.contains(other.name().to_ascii_uppercase().as_str())
        })
    };
    let code = entry
        .error_codes
        .iter()
        .find(|code| is_missing_code(code) && names_it(code))
        .or_else(|| {
            entry
                .error_codes
                .iter()
                .find(|code| is_missing_code(code) && !names_another(code))
        })
        .copied()
        .unwrap_or("BX_EMPTY_REQUIRED");
    let description = format!("The required parameter '{}' is not filled", field.name());
    let error = ApiError::new(400, code, description);
    if code == "ERROR_ARGUMENT" {
        error.with("argument", Value::from(field.name()))
    } else {
        error
    }
}

/// Whether a type token is numeric: `integer`, `double`, `number` (entity references such as
/// `sale_status.id` are not: some of them are codes).
fn is_numeric(token: &str) -> bool {
    let lower = token.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "integer" | "int" | "double" | "float" | "number"
    )
}

/// The loose type check: a numeric parameter sent as a word (`"abc"`) is refused; lists and
/// maps pass (several IDs), as do numbers written as strings.
fn typed(entry: &Entry, field: &Field, value: &Value) -> Result<(), ApiError> {
    let mut tokens = field.tokens();
    let numeric = tokens.next().is_some_and(is_numeric) && tokens.all(is_numeric);
    let Value::Str(text) = value else {
        return Ok(());
    };
    if !numeric || text.trim().parse::<f64>().is_ok() {
        return Ok(());
    }
    let code = entry
        .error_codes
        .iter()
        .find(|code| {
            !code.contains("AUTH")
                && (code.contains("TYPE") || code.contains("INVALID") || code.contains("WRONG"))
        })
        .copied()
        .unwrap_or("INVALID_ARG_VALUE");
    Err(ApiError::new(
        400,
        code,
        format!(
            "The parameter '{}' must be {}",
            field.name(),
            field.ty.trim()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, ty: &str, required: bool) -> Field {
        Field {
            names: name.split('|').map(str::to_owned).collect(),
            ty: ty.to_owned(),
            required,
            children: Vec::new(),
        }
    }

    #[test]
    fn lookup_ignores_case_walks_dotted_names_and_treats_blank_as_absent() {
        let params = Value::object([
            ("chat_id", Value::Int(3)),
            ("FIELDS", Value::object([("CONTACT_ID", Value::Int(4))])),
            ("blank", Value::from("")),
        ]);
        assert_eq!(
            lookup(&params, &field("CHAT_ID", "integer", true)),
            Some(&Value::Int(3))
        );
        assert_eq!(
            lookup(&params, &field("fields.CONTACT_ID", "integer", true)),
            Some(&Value::Int(4))
        );
        assert_eq!(lookup(&params, &field("blank", "string", true)), None);
        assert_eq!(
            lookup(&params, &field("X|chat_ID", "integer", true)),
            Some(&Value::Int(3))
        );
    }

    #[test]
    fn numeric_parameters_refuse_words_only() {
        let line = "m\tcrm\t\t[]\t[]\tTYPE_ERROR\t";
        let entry = Entry::parse(line).expect("a complete line");
        let id = field("ID", "integer", false);
        assert!(typed(&entry, &id, &Value::from("12")).is_ok());
        assert!(typed(&entry, &id, &Value::List(vec![Value::Int(1)])).is_ok());
        let err = typed(&entry, &id, &Value::from("abc")).expect_err("a word");
        assert_eq!(err.code, "TYPE_ERROR");
        let text = field("NAME", "string", false);
        assert!(typed(&entry, &text, &Value::from("abc")).is_ok());
    }
}
