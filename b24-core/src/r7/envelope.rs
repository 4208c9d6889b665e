//! The envelope `{count, startIndex, total, status, statusCode, response}` and its decoding,
//! from JSON or from the server's XML rendering of the same object.

use std::time::Duration;

use serde::Deserialize;
use serde::de::{DeserializeOwned, IntoDeserializer};

use super::error::{ApiError, Error, ErrorKind};
use super::method::Format;
use crate::transport::{Received, excerpt};

/// A successful answer: the typed `response` and what the server sent around it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Envelope<T> {
    /// The route's payload.
    pub response: T,
    /// Number of items in `response` (1 for an object; absent when 0).
    pub count: Option<u64>,
    /// Echo of the requested `startIndex` (absent when 0).
    pub start_index: Option<u64>,
    /// Total matches of a list; every CRM `*/filter` list sets it.
    pub total: Option<u64>,
    /// `statusCode` of the envelope, else the HTTP status.
    pub status_code: u16,
}

impl<T: DeserializeOwned> Envelope<T> {
    /// Decodes a successful answer's body (JSON, or the XML rendering with
    /// [`Format::Xml`]) as the client does; an error envelope becomes [`Error::Api`]. For
    /// fixtures, recorded answers and proxies.
    pub fn parse(body: &[u8], format: Format) -> Result<Envelope<T>, Error> {
        let content_type = match format {
            Format::Json => "application/json",
            Format::Xml => "text/xml",
        };
        decode(
            &Answer {
                route: "(parsed body)",
                status: 200,
                content_type: Some(content_type),
                retry_after: None,
                body,
                login: false,
            },
            format,
        )
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire<T> {
    #[serde(default)]
    status_code: Option<u16>,
    #[serde(default)]
    count: Option<u64>,
    #[serde(default)]
    start_index: Option<u64>,
    #[serde(default)]
    total: Option<u64>,
    response: Option<T>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorProbe {
    #[serde(default)]
    status: Option<u8>,
    #[serde(default)]
    error: Option<WireError>,
}

#[derive(Deserialize)]
struct WireError {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    hresult: Option<i64>,
}

/// What the transport hands to the decoder.
pub(crate) struct Answer<'a> {
    pub route: &'a str,
    pub status: u16,
    pub content_type: Option<&'a str>,
    pub retry_after: Option<Duration>,
    pub body: &'a [u8],
    pub login: bool,
}

impl<'a> Answer<'a> {
    /// What `received` says, for `route` (a login when `login`).
    pub(crate) fn of(route: &'a str, received: &'a Received, login: bool) -> Self {
        Answer {
            route,
            status: received.status,
            content_type: received.header(reqwest::header::CONTENT_TYPE),
            retry_after: received
                .header(reqwest::header::RETRY_AFTER)
                .and_then(|value| value.trim().parse::<u64>().ok())
                .map(Duration::from_secs),
            body: &received.body,
            login,
        }
    }

    fn is_xml(&self) -> bool {
        match self.content_type {
            Some(content_type) => content_type.contains("xml"),
            None => self.body.trim_ascii_start().starts_with(b"<result"),
        }
    }
}

/// Reads an answer: the typed envelope on success, a typed error otherwise.
pub(crate) fn decode<T: DeserializeOwned>(
    answer: &Answer<'_>,
    asked: Format,
) -> Result<Envelope<T>, Error> {
    let success = (200..300).contains(&answer.status);
    let xml = answer.is_xml() && (asked == Format::Xml || !success);
    let text = std::str::from_utf8(answer.body).ok();
    let probe = match (xml, text) {
        (true, Some(text)) => quick_xml::de::from_str::<ErrorProbe>(text).ok(),
        (false, _) => serde_json::from_slice::<ErrorProbe>(answer.body).ok(),
        (true, None) => None,
    };
    let Some(probe) = probe else {
        return Err(if success {
            decode_error(answer, ".", "the body is not an R7 envelope")
        } else {
            api_error(answer, None)
        });
    };
    if !success || probe.error.is_some() || probe.status == Some(1) {
        return Err(api_error(answer, Some(probe)));
    }
    let wire: Wire<T> = if xml {
        let text = text.unwrap_or_default();
        typed(answer, &mut quick_xml::de::Deserializer::from_str(text))?
    } else {
        typed(
            answer,
            &mut serde_json::Deserializer::from_slice(answer.body),
        )?
    };
    let response = match wire.response {
        Some(response) => response,
        // XML drops an empty array (and JSON has no `response` on some void routes): read
        // what is absent as an empty list, or fail for a type that cannot be empty.
        None => T::deserialize(Vec::<u8>::new().into_deserializer()).map_err(
            |error: serde::de::value::Error| {
                decode_error(answer, "response", &format!("missing `response`: {error}"))
            },
        )?,
    };
    Ok(Envelope {
        response,
        count: wire.count,
        start_index: wire.start_index,
        total: wire.total,
        status_code: wire.status_code.unwrap_or(answer.status),
    })
}

/// Deserialises the whole envelope, naming the path where it fails.
fn typed<'de, D, T>(answer: &Answer<'_>, deserializer: D) -> Result<T, Error>
where
    D: serde::Deserializer<'de>,
    D::Error: std::fmt::Display,
    T: Deserialize<'de>,
{
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        decode_error(
            answer,
            &error.path().to_string(),
            &error.inner().to_string(),
        )
    })
}

fn decode_error(answer: &Answer<'_>, path: &str, message: &str) -> Error {
    Error::Decode {
        route: answer.route.to_owned(),
        path: path.to_owned(),
        message: message.to_owned(),
        body: excerpt(answer.body),
    }
}

fn api_error(answer: &Answer<'_>, probe: Option<ErrorProbe>) -> Error {
    let (message, hresult, raw_body) = match probe.and_then(|probe| probe.error) {
        Some(error) => (error.message.unwrap_or_default(), error.hresult, None),
        None => (String::new(), None, Some(excerpt(answer.body))),
    };
    let kind = match answer.status {
        // A login is refused with 500 ("User authentication failed"), 403 or 401.
        _ if answer.login && raw_body.is_none() => ErrorKind::LoginFailed,
        401 if answer.login => ErrorKind::LoginFailed,
        503 if answer.retry_after.is_some() => ErrorKind::RateLimited,
        200..=299 => ErrorKind::Other,
        status => ErrorKind::from_status(status),
    };
    Error::Api(Box::new(ApiError {
        route: answer.route.to_owned(),
        kind,
        status: answer.status,
        message,
        hresult,
        retry_after: answer.retry_after,
        raw_body,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer<'a>(status: u16, content_type: &'a str, body: &'a str) -> Answer<'a> {
        Answer {
            route: "GET api/2.0/x",
            status,
            content_type: Some(content_type),
            retry_after: None,
            body: body.as_bytes(),
            login: false,
        }
    }

    #[test]
    fn decodes_the_success_envelope() {
        let envelope: Envelope<Vec<u32>> = decode(
            &answer(
                200,
                "application/json; charset=UTF-8",
                r#"{"count":2,"startIndex":2,"nextIndex":5,"total":9,"status":0,"statusCode":200,"response":[1,2]}"#,
            ),
            Format::Json,
        )
        .unwrap();
        assert_eq!(envelope.response, [1, 2]);
        assert_eq!(
            (envelope.count, envelope.start_index, envelope.total),
            (Some(2), Some(2), Some(9))
        );
    }

    #[test]
    fn classifies_error_envelopes_and_pages() {
        let error = decode::<u32>(
            &answer(
                400,
                "application/json",
                r#"{"status":1,"statusCode":400,"error":{"message":"Value does not fall within the expected range.","hresult":-2147024809,"data":{}}}"#,
            ),
            Format::Json,
        )
        .unwrap_err();
        let Error::Api(api) = error else { panic!() };
        assert_eq!(api.kind, ErrorKind::BadRequest);
        assert_eq!(api.hresult, Some(-2147024809));
        assert!(api.is_envelope());

        let error = decode::<u32>(
            &answer(502, "text/html", "<html>Bad Gateway</html>"),
            Format::Json,
        )
        .unwrap_err();
        let Error::Api(api) = error else { panic!() };
        assert_eq!(api.kind, ErrorKind::Unavailable);
        assert!(api.raw_body.unwrap().contains("Bad Gateway"));
    }

    #[test]
    fn decodes_xml_lists_and_empty_lists() {
        #[derive(Deserialize, Debug, PartialEq)]
        struct Item {
            id: u32,
        }
        let body = "<result><count>2</count><status>0</status><response><id>1</id></response><response><id>2</id></response></result>";
        let envelope: Envelope<Vec<Item>> =
            decode(&answer(200, "text/xml", body), Format::Xml).unwrap();
        assert_eq!(envelope.response, [Item { id: 1 }, Item { id: 2 }]);
        let empty: Envelope<Vec<Item>> = decode(
            &answer(200, "text/xml", "<result><status>0</status></result>"),
            Format::Xml,
        )
        .unwrap();
        assert!(empty.response.is_empty());
    }
}
