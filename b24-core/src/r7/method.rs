//! The [`Route`] trait that `#[r7_method]` implements, and how a request is laid out on the
//! wire: path, query string and body.

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The HTTP verb of a route. The R7 API has no `PATCH` and no method-override header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verb {
    /// `GET` (`[Read]` on the server).
    Get,
    /// `POST` (`[Create]`); success is `201 Created` even for actions.
    Post,
    /// `PUT` (`[Update]`); also batch deletes and actions such as `close`.
    Put,
    /// `DELETE` (`[Delete]`).
    Delete,
}

impl Verb {
    /// The verb as sent, e.g. `PUT`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Delete => "DELETE",
        }
    }

    /// Whether parameters go in the query string by default (`GET`, `DELETE`).
    pub const fn query_by_default(self) -> bool {
        matches!(self, Verb::Get | Verb::Delete)
    }
}

impl fmt::Display for Verb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The response format, chosen by the path suffix the client appends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Format {
    /// `….json` (default): a JSON envelope.
    #[default]
    Json,
    /// `….xml`: the envelope as XML (`<result>…</result>`). A body then travels
    /// form-urlencoded, since the server answers JSON to a JSON body whatever the suffix.
    Xml,
}

impl Format {
    /// The path suffix, `.json` or `.xml`.
    pub const fn suffix(self) -> &'static str {
        match self {
            Format::Json => ".json",
            Format::Xml => ".xml",
        }
    }
}

/// Where a parameter goes: any combination of path, query string and body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Place {
    /// Fills the route's `{placeholder}`.
    pub path: bool,
    /// Goes in the query string.
    pub query: bool,
    /// Goes in the body.
    pub body: bool,
}

impl Place {
    /// Path only.
    pub const PATH: Place = Place {
        path: true,
        query: false,
        body: false,
    };
    /// Query string only.
    pub const QUERY: Place = Place {
        path: false,
        query: true,
        body: false,
    };
    /// Body only.
    pub const BODY: Place = Place {
        path: false,
        query: false,
        body: true,
    };
}

/// The declared placement of one request field, keyed by the name serde writes.
///
/// Fields without an entry follow the defaults: paging and filter ("context") parameters
/// ([`CONTEXT_PARAMETERS`]) in the query string, everything else in the query string for
/// `GET`/`DELETE` and in the body for `POST`/`PUT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// The name serde writes for the field.
    pub wire: &'static str,
    /// The `{placeholder}` the field fills, if it is a path field.
    pub placeholder: Option<&'static str>,
    /// Where its value goes.
    pub place: Place,
}

impl Field {
    /// A path field filling `{placeholder}`.
    pub const fn path(wire: &'static str, placeholder: &'static str) -> Field {
        Field {
            wire,
            placeholder: Some(placeholder),
            place: Place::PATH,
        }
    }

    /// A query-string field.
    pub const fn query(wire: &'static str) -> Field {
        Field {
            wire,
            placeholder: None,
            place: Place::QUERY,
        }
    }

    /// A body field.
    pub const fn body(wire: &'static str) -> Field {
        Field {
            wire,
            placeholder: None,
            place: Place::BODY,
        }
    }

    /// Also sends the field in the query string.
    pub const fn and_query(mut self) -> Field {
        self.place.query = true;
        self
    }

    /// Also sends the field in the body (the `stageid` quirk: a path value the server
    /// binds under another name).
    pub const fn and_body(mut self) -> Field {
        self.place.body = true;
        self
    }
}

/// Parameters the server reads from the query string only, whatever the verb
/// (`ApiContext`): paging, sorting and filtering.
pub const CONTEXT_PARAMETERS: &[&str] = &[
    "count",
    "startIndex",
    "sortBy",
    "sortOrder",
    "filterBy",
    "filterOp",
    "filterValue",
    "updatedSince",
    "fields",
    "type",
];

/// An R7-Office REST route: a request value that knows its verb, path template, parameter
/// placement and response type.
///
/// Implement it with [`#[r7_method]`](crate::r7_method) rather than by hand. The request
/// serialises (with serde) to an object whose entries are laid out by [`Route::FIELDS`];
/// `null` entries (`Option::None`) are left out, as the server reads `null` as an empty string.
pub trait Route: Serialize {
    /// The HTTP verb.
    const VERB: Verb;
    /// The path template relative to the portal root, e.g.
    /// `api/2.0/crm/case/{caseid}/access`, without the format suffix.
    const TEMPLATE: &'static str;
    /// Declared placements; fields not listed follow the defaults.
    const FIELDS: &'static [Field];
    /// The response format [`Client::call`](crate::r7::Client::call) asks for.
    const FORMAT: Format = Format::Json;
    /// The type of the envelope's `response`.
    type Response: DeserializeOwned;
}

/// A list route that pages with `startIndex` / `count`: usable with
/// [`Client::pages`](crate::r7::Client::pages). `#[r7_method(..., list)]` implements it.
pub trait ListRoute: Route {}

/// A request laid out for the wire.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Encoded {
    /// The expanded path, without the format suffix.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Map<String, Value>,
}

impl Encoded {
    /// Replaces every query parameter named `name` (ASCII case-insensitively) with `value`.
    pub(crate) fn set_query(&mut self, name: &str, value: String) {
        self.query
            .retain(|(key, _)| !key.eq_ignore_ascii_case(name));
        self.query.push((name.to_owned(), value));
    }
}

/// Lays a request out on the wire; the error says what cannot be encoded.
pub(crate) fn encode<M: Route>(request: &M) -> Result<Encoded, String> {
    let value = serde_json::to_value(request).map_err(|error| error.to_string())?;
    let entries = match value {
        Value::Object(entries) => entries,
        Value::Null => Map::new(),
        _ => return Err(String::from("the request must serialise to a struct")),
    };
    let mut path_values: Vec<(&'static str, String)> = Vec::new();
    let mut query = Vec::new();
    let mut body = Map::new();
    for (name, value) in entries {
        if value.is_null() {
            continue;
        }
        let declared = M::FIELDS.iter().find(|field| field.wire == name);
        let place = match declared {
            Some(field) => field.place,
            None if is_context(&name) || M::VERB.query_by_default() => Place::QUERY,
            None => Place::BODY,
        };
        if let Some(placeholder) = declared.and_then(|field| field.placeholder) {
            let text = scalar_text(&value).ok_or_else(|| {
                format!("path parameter `{name}` must be a string, number or bool")
            })?;
            path_values.push((placeholder, text));
        }
        if place.query {
            flatten(&name, &value, &mut query);
        }
        if place.body {
            body.insert(name, value);
        }
    }
    let mut path = String::with_capacity(M::TEMPLATE.len() + 8);
    for (index, segment) in M::TEMPLATE.split('/').enumerate() {
        if index > 0 {
            path.push('/');
        }
        match segment
            .strip_prefix('{')
            .and_then(|rest| rest.strip_suffix('}'))
        {
            Some(placeholder) => {
                let (_, value) = path_values
                    .iter()
                    .find(|(name, _)| *name == placeholder)
                    .ok_or_else(|| format!("path parameter `{placeholder}` is missing"))?;
                if value.is_empty() {
                    return Err(format!("path parameter `{placeholder}` is empty"));
                }
                encode_segment(value, &mut path);
            }
            None => path.push_str(segment),
        }
    }
    Ok(Encoded { path, query, body })
}

fn is_context(name: &str) -> bool {
    CONTEXT_PARAMETERS
        .iter()
        .any(|context| context.eq_ignore_ascii_case(name))
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// Flattens a value into form pairs the way the server's binder reads them: arrays as
/// `name[]`, objects as `name[key]`, arrays of objects as `name[i][key]`; `null` and empty
/// arrays are left out.
pub(crate) fn flatten(name: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            let scalars = items
                .iter()
                .all(|item| !matches!(item, Value::Array(_) | Value::Object(_)));
            for (index, item) in items.iter().enumerate() {
                if scalars {
                    flatten(&format!("{name}[]"), item, out);
                } else {
                    flatten(&format!("{name}[{index}]"), item, out);
                }
            }
        }
        Value::Object(entries) => {
            for (key, item) in entries {
                flatten(&format!("{name}[{key}]"), item, out);
            }
        }
        scalar => {
            if let Some(text) = scalar_text(scalar) {
                out.push((name.to_owned(), text));
            }
        }
    }
}

/// Percent-encodes one path segment (RFC 3986 unreserved characters stay).
fn encode_segment(value: &str, out: &mut String) {
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Access {
        case_id: u64,
        is_private: bool,
        access_list: Vec<&'static str>,
        filter_value: Option<&'static str>,
        count: Option<u32>,
    }

    impl Route for Access {
        const VERB: Verb = Verb::Put;
        const TEMPLATE: &'static str = "api/2.0/crm/case/{caseid}/access";
        const FIELDS: &'static [Field] = &[Field::path("caseId", "caseid")];
        type Response = ();
    }

    #[test]
    fn lays_out_path_query_and_body() {
        let encoded = encode(&Access {
            case_id: 1234,
            is_private: true,
            access_list: vec!["a", "b"],
            filter_value: Some("x y"),
            count: None,
        })
        .unwrap();
        assert_eq!(encoded.path, "api/2.0/crm/case/1234/access");
        assert_eq!(
            encoded.query,
            [("filterValue".to_owned(), "x y".to_owned())]
        );
        assert_eq!(
            Value::Object(encoded.body),
            serde_json::json!({"isPrivate": true, "accessList": ["a", "b"]})
        );
    }

    #[test]
    fn flattens_like_the_binder() {
        let mut out = Vec::new();
        flatten(
            "customFieldList",
            &serde_json::json!([{"key": 1, "value": "x"}]),
            &mut out,
        );
        flatten("tags", &serde_json::json!(["a", "b"]), &mut out);
        let pairs: Vec<String> = out.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            pairs,
            [
                "customFieldList[0][key]=1",
                "customFieldList[0][value]=x",
                "tags[]=a",
                "tags[]=b"
            ]
        );
    }

    #[test]
    fn path_segments_are_escaped() {
        let mut out = String::new();
        encode_segment("a/b c", &mut out);
        assert_eq!(out, "a%2Fb%20c");
    }
}
