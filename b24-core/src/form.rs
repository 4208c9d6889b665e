//! PHP-compatible form encoding, as Bitrix24 reads it.
//!
//! Commands inside `batch` travel as `method?query` strings that the server splits with PHP's
//! `parse_str`. [`to_query_string`] writes exactly what PHP's `http_build_query` writes for the
//! same data, so a command means the same thing as the equivalent direct call.

use std::fmt::Write;

use serde_json::Value;

/// Encodes parameters the way PHP's `http_build_query` encodes the same array.
///
/// - nested objects and arrays become bracketed keys (`fields[TITLE]=…`, `ID[0]=…`), with the
///   brackets percent-encoded as PHP does (`fields%5BTITLE%5D`);
/// - `null` values and empty arrays or objects are left out (PHP sends nothing for them);
/// - `true` is `1` and `false` is `0`;
/// - strings are percent-encoded with `+` for spaces (PHP's `urlencode`).
///
/// A top-level value that is not an object or array encodes to the empty string.
///
/// ```
/// use serde_json::json;
/// let query = b24_core::form::to_query_string(&json!({
///     "fields": {"TITLE": "R&D lead", "OPENED": true, "PHONE": [{"VALUE": "+1 555"}]},
///     "params": {"REGISTER_SONET_EVENT": null},
/// }));
/// assert_eq!(
///     query,
///     "fields%5BTITLE%5D=R%26D+lead&fields%5BOPENED%5D=1&fields%5BPHONE%5D%5B0%5D%5BVALUE%5D=%2B1+555"
/// );
/// ```
pub fn to_query_string(params: &Value) -> String {
    let mut out = String::new();
    match params {
        Value::Object(map) => {
            for (key, value) in map {
                let mut name = String::new();
                encode_into(&mut name, key);
                append(&mut out, &mut name, value);
            }
        }
        Value::Array(items) => {
            for (index, value) in items.iter().enumerate() {
                let mut name = index.to_string();
                append(&mut out, &mut name, value);
            }
        }
        _ => {}
    }
    out
}

fn append(out: &mut String, name: &mut String, value: &Value) {
    match value {
        Value::Null => {}
        Value::Bool(flag) => pair(out, name, if *flag { "1" } else { "0" }),
        Value::Number(number) => {
            let mut encoded = String::new();
            encode_into(&mut encoded, &php_number(number));
            pair(out, name, &encoded);
        }
        Value::String(text) => {
            let mut encoded = String::with_capacity(text.len());
            encode_into(&mut encoded, text);
            pair(out, name, &encoded);
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                nested(out, name, &index.to_string(), item);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let mut encoded = String::new();
                encode_into(&mut encoded, key);
                nested(out, name, &encoded, item);
            }
        }
    }
}

fn nested(out: &mut String, name: &mut String, encoded_key: &str, value: &Value) {
    let length = name.len();
    name.push_str("%5B");
    name.push_str(encoded_key);
    name.push_str("%5D");
    append(out, name, value);
    name.truncate(length);
}

fn pair(out: &mut String, name: &str, encoded_value: &str) {
    if !out.is_empty() {
        out.push('&');
    }
    out.push_str(name);
    out.push('=');
    out.push_str(encoded_value);
}

/// PHP's `urlencode`: alphanumerics and `-_.` stay, space becomes `+`, the rest `%XX`.
fn encode_into(out: &mut String, text: &str) {
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(byte as char),
            b' ' => out.push('+'),
            other => {
                let _ = write!(out, "%{other:02X}");
            }
        }
    }
}

/// A number as PHP converts it to a string: integers as is, floats with PHP's default
/// `precision` of 14 significant digits in `%G` style (`0.3`, `2`, `1.0E+20`, `1.0E-5`).
fn php_number(number: &serde_json::Number) -> String {
    if let Some(integer) = number.as_i64() {
        return integer.to_string();
    }
    if let Some(unsigned) = number.as_u64() {
        return unsigned.to_string();
    }
    let float = number.as_f64().unwrap_or_default();
    if float == 0.0 {
        return String::from(if float.is_sign_negative() { "-0" } else { "0" });
    }
    const PRECISION: i32 = 14;
    let scientific = format!("{:.*e}", (PRECISION - 1) as usize, float);
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if (-4..PRECISION).contains(&exponent) {
        let decimals = (PRECISION - 1 - exponent).max(0) as usize;
        let fixed = format!("{float:.decimals$}");
        return trim_fraction(&fixed).to_owned();
    }
    let mantissa = trim_fraction(mantissa);
    let mantissa = if mantissa.contains('.') {
        mantissa.to_owned()
    } else {
        format!("{mantissa}.0")
    };
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{mantissa}E{sign}{}", exponent.abs())
}

/// `1.500` → `1.5`, `2.000` → `2`; strings without a fraction stay as they are.
fn trim_fraction(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn scalars_and_nesting() {
        assert_eq!(
            to_query_string(&json!({"id": 5, "flag": false})),
            "id=5&flag=0"
        );
        assert_eq!(
            to_query_string(&json!({"a": {"b": {"c": "x y"}}})),
            "a%5Bb%5D%5Bc%5D=x+y"
        );
        assert_eq!(
            to_query_string(&json!({"ids": [1, 2]})),
            "ids%5B0%5D=1&ids%5B1%5D=2"
        );
        assert_eq!(
            to_query_string(&json!({"empty": [], "none": null, "obj": {}})),
            ""
        );
        assert_eq!(
            to_query_string(&json!({"filter": {">ID": 10}})),
            "filter%5B%3EID%5D=10"
        );
        assert_eq!(
            to_query_string(&json!({"t": "Привет"})),
            "t=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82"
        );
        assert_eq!(
            to_query_string(&json!({"ref": "$result[a][ID]"})),
            "ref=%24result%5Ba%5D%5BID%5D"
        );
        assert_eq!(to_query_string(&json!("scalar")), "");
    }

    #[test]
    fn numbers_print_as_php_prints_them() {
        assert_eq!(
            to_query_string(
                &json!({"a": 1.5, "b": 2.0, "c": -0.25, "d": 1e20, "e": 0.00001, "f": 1e15})
            ),
            "a=1.5&b=2&c=-0.25&d=1.0E%2B20&e=1.0E-5&f=1.0E%2B15"
        );
        assert_eq!(
            to_query_string(&json!({"g": 123456789012345.0, "h": 0.1 + 0.2})),
            "g=1.2345678901234E%2B14&h=0.3"
        );
        assert_eq!(
            to_query_string(&json!({"t": "~!*()' "})),
            "t=%7E%21%2A%28%29%27+"
        );
        assert_eq!(
            to_query_string(&json!({"a": u64::MAX})),
            format!("a={}", u64::MAX)
        );
    }
}
