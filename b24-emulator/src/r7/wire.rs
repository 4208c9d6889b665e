//! The R7 request side: the parameter bag (route values, query string, body) with the
//! server's conversions, and the errors a route answers with.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// `ArgumentException`'s message: the server's answer to most bad input.
pub const ARGUMENT: &str = "Value does not fall within the expected range.";
/// HRESULT of `ArgumentException`.
pub const HRESULT_ARGUMENT: i64 = -2_147_024_809;
/// HRESULT of other exceptions.
pub const HRESULT_GENERIC: i64 = -2_146_233_088;

/// Paging and filter ("context") parameters: read from the query string only.
const CONTEXT: &[&str] = &[
    "count",
    "startindex",
    "sortby",
    "sortorder",
    "filterby",
    "filterop",
    "filtervalue",
    "updatedsince",
    "fields",
    "type",
];

/// An error answer: the envelope `{status: 1, statusCode, error: {message, hresult, data}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// HTTP status.
    pub status: u16,
    /// `error.message`.
    pub message: String,
    /// `error.hresult`.
    pub hresult: i64,
}

impl Failure {
    /// A failure with the generic HRESULT.
    pub fn generic(status: u16, message: &str) -> Failure {
        Failure {
            status,
            message: message.to_owned(),
            hresult: HRESULT_GENERIC,
        }
    }

    /// 400 with an `ArgumentException` message.
    pub fn bad_request(message: &str) -> Failure {
        Failure {
            status: 400,
            message: message.to_owned(),
            hresult: HRESULT_ARGUMENT,
        }
    }

    /// 400 "Value does not fall within the expected range.".
    pub fn argument() -> Failure {
        Failure::bad_request(ARGUMENT)
    }

    /// 404 "Not found" (also what a read of an inaccessible item answers).
    pub fn not_found() -> Failure {
        Failure::generic(404, "Not found")
    }

    /// 403 "Access denied".
    pub fn forbidden() -> Failure {
        Failure::generic(403, "Access denied")
    }
}

/// The parameter bag: route values, then the query string, then the body; names are matched
/// ASCII case-insensitively and without a trailing `[]`.
#[derive(Debug, Default)]
pub struct Params {
    /// Values taken from the route template.
    pub route: Vec<(String, Value)>,
    /// The query string.
    pub query: Vec<(String, Value)>,
    /// The body (JSON object or form).
    pub body: Vec<(String, Value)>,
}

fn base_name(key: &str) -> &str {
    key.split('[').next().unwrap_or(key)
}

/// A scalar as text.
pub fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

fn cannot_convert(text: &str, name: &str) -> Failure {
    Failure::bad_request(&format!(
        "Cannot convert value '{text}' for parameter '{name}'"
    ))
}

impl Params {
    fn all(&self) -> impl Iterator<Item = &(String, Value)> {
        self.route.iter().chain(&self.query).chain(&self.body)
    }

    /// The first scalar value of `name` as text.
    pub fn text(&self, name: &str) -> Option<String> {
        if CONTEXT.contains(&name.to_ascii_lowercase().as_str()) {
            // Context parameters: the query string only, cut at the first comma.
            return self
                .query
                .iter()
                .find(|(key, _)| base_name(key).eq_ignore_ascii_case(name))
                .and_then(|(_, value)| text_of(value))
                .map(|text| text.split(',').next().unwrap_or_default().to_owned());
        }
        self.all()
            .find(|(key, _)| base_name(key).eq_ignore_ascii_case(name))
            .and_then(|(_, value)| match value {
                Value::Array(items) => items.first().and_then(text_of),
                other => text_of(other),
            })
    }

    /// `name` as non-empty text.
    fn given(&self, name: &str) -> Option<String> {
        self.text(name).filter(|text| !text.is_empty())
    }

    /// `name` as an integer; a value that does not convert is a 400.
    pub fn int(&self, name: &str) -> Result<Option<i64>, Failure> {
        self.given(name)
            .map(|text| text.trim().parse().map_err(|_| cannot_convert(&text, name)))
            .transpose()
    }

    /// `name` as a boolean (`true`/`false`, any case).
    pub fn bool(&self, name: &str) -> Result<Option<bool>, Failure> {
        self.given(name)
            .map(|text| match text.to_ascii_lowercase().as_str() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(cannot_convert(&text, name)),
            })
            .transpose()
    }

    /// `name` as an integer that must be given (a route value, an ID).
    pub fn id(&self, name: &str) -> Result<i64, Failure> {
        self.int(name)?.ok_or_else(Failure::argument)
    }

    /// Every scalar value of `name` (repeated keys, `name[]`, `name[i]` or a JSON array).
    pub fn list(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (key, value) in self.all() {
            if !base_name(key).eq_ignore_ascii_case(name)
                || key[base_name(key).len()..].contains("][")
            {
                continue;
            }
            match value {
                Value::Array(items) => out.extend(items.iter().filter_map(text_of)),
                other => out.extend(text_of(other)),
            }
        }
        out.retain(|item| !item.is_empty());
        out
    }

    /// Every value of `name` as an integer; one that does not convert is a 400.
    pub fn ids(&self, name: &str) -> Result<Vec<i64>, Failure> {
        self.list(name)
            .iter()
            .map(|id| id.parse().map_err(|_| Failure::argument()))
            .collect()
    }

    /// Objects of `name`: a JSON array of objects, or `name[i][key]=value` form pairs.
    pub fn objects(&self, name: &str) -> Vec<Map<String, Value>> {
        let mut indexed: BTreeMap<usize, Map<String, Value>> = BTreeMap::new();
        let mut out = Vec::new();
        for (key, value) in self.all() {
            if !base_name(key).eq_ignore_ascii_case(name) {
                continue;
            }
            if let Value::Array(items) = value {
                out.extend(items.iter().filter_map(|item| item.as_object().cloned()));
                continue;
            }
            let rest = &key[base_name(key).len()..];
            let parts: Vec<&str> = rest
                .trim_start_matches('[')
                .trim_end_matches(']')
                .split("][")
                .collect();
            if let [index, field] = parts.as_slice()
                && let Ok(index) = index.parse::<usize>()
            {
                indexed
                    .entry(index)
                    .or_default()
                    .insert((*field).to_owned(), value.clone());
            }
        }
        out.extend(indexed.into_values());
        out
    }

    /// A GUID of `name`, if given; an invalid one is a 400.
    pub fn guid(&self, name: &str) -> Result<Option<String>, Failure> {
        self.given(name)
            .map(|text| parse_guid(&text).ok_or_else(Failure::argument))
            .transpose()
    }

    /// GUIDs of `name`; an invalid one is a 400.
    pub fn guids(&self, name: &str) -> Result<Vec<String>, Failure> {
        self.list(name)
            .into_iter()
            .map(|text| parse_guid(&text).ok_or_else(Failure::argument))
            .collect()
    }
}

/// Any .NET GUID form, normalised to lower-case hyphenated.
pub fn parse_guid(text: &str) -> Option<String> {
    let hex: String = text
        .trim()
        .trim_matches(['{', '}'])
        .chars()
        .filter(|c| *c != '-')
        .collect();
    if hex.len() != 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let hex = hex.to_ascii_lowercase();
    Some(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

/// `application/x-www-form-urlencoded` pairs.
pub fn form_pairs(text: &str) -> Vec<(String, Value)> {
    form_urlencoded::parse(text.as_bytes())
        .map(|(key, value)| (key.into_owned(), Value::String(value.into_owned())))
        .collect()
}
