//! The REST 3.0 success envelope `{"result": {"item"|"items"|"result": …}, "time": …}` and its
//! decoding; anything else becomes a typed [`V3Error`].

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};

use super::error::V3Error;
use crate::envelope::Time;
use crate::error::Error;
use crate::transport::{Received, excerpt};

/// The header that marks an answer the server replayed from its idempotency store.
pub(crate) const REPLAYED: &str = "idempotent-replayed";

/// A successful REST 3.0 answer: the typed `result` and what came around it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Answer<T> {
    /// The method's `result`.
    pub result: T,
    /// Timing and operating-time accounting.
    pub time: Option<Time>,
    /// The server answered from its idempotency store (`Idempotent-Replayed: true`): the write
    /// ran once, earlier, and this is its stored answer.
    pub replayed: bool,
}

impl<T> crate::client::Answer for Answer<T> {
    fn time(&self) -> Option<&Time> {
        self.time.as_ref()
    }
}

/// `result` of a method that returns one object: `{"item": {…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Item<T> {
    /// The object.
    pub item: T,
}

/// `result` of a list method: `{"items": […]}` (no `total`, no `next`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Items<T> {
    /// The objects of this page.
    pub items: Vec<T>,
}

/// `result` of a method that only reports success: `{"result": true}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Done {
    /// Whether the server did it.
    pub result: bool,
}

#[derive(Deserialize)]
struct Wire<T> {
    result: T,
    #[serde(default)]
    time: Option<Time>,
}

#[derive(Deserialize)]
struct Probe {
    error: Option<IgnoredAny>,
}

/// Reads one answer of `method`: a typed answer on success, [`Error::V3`] for an error
/// answer of any shape (also one with status 200), [`Error::MalformedAnswer`] for a
/// successful status whose body is not JSON, [`Error::Decode`] when the result does not fit
/// `T`.
pub(crate) fn decode<T: DeserializeOwned>(
    method: &str,
    received: &Received,
) -> Result<Answer<T>, Error> {
    let body = received.body.as_slice();
    let success = (200..300).contains(&received.status);
    let refused = || {
        Error::V3(Box::new(V3Error::from_answer(
            method,
            received.status,
            body,
        )))
    };
    if !success {
        return Err(refused());
    }
    match serde_json::from_slice::<Probe>(body) {
        Ok(Probe { error: Some(_) }) => return Err(refused()),
        Ok(Probe { error: None }) => {}
        Err(error) if error.is_syntax() || error.is_eof() => {
            return Err(Error::MalformedAnswer {
                method: method.to_owned(),
                message: error.to_string(),
                body: excerpt(body),
            });
        }
        // Valid JSON of another shape (an array, a string): the decoding below names it.
        Err(_) => {}
    }
    let deserializer = &mut serde_json::Deserializer::from_slice(body);
    let wire: Wire<T> =
        serde_path_to_error::deserialize(deserializer).map_err(|error| Error::Decode {
            method: method.to_owned(),
            path: error.path().to_string(),
            message: error.inner().to_string(),
            body: excerpt(body),
        })?;
    let replayed = received
        .header(reqwest::header::HeaderName::from_static(REPLAYED))
        .is_some_and(|value| value.trim().eq_ignore_ascii_case("true"));
    Ok(Answer {
        result: wire.result,
        time: wire.time,
        replayed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::v3::V3Code;

    fn received(status: u16, body: &[u8], replayed: bool) -> Received {
        let mut headers = reqwest::header::HeaderMap::new();
        if replayed {
            headers.insert(REPLAYED, reqwest::header::HeaderValue::from_static("true"));
        }
        Received {
            status,
            headers,
            body: body.to_vec(),
        }
    }

    #[test]
    fn items_and_the_replay_mark() {
        let body = br#"{"result":{"items":[{"id":1},{"id":2}]},"time":{"start":1,"finish":1.5,"duration":0.5,"processing":0}}"#;
        let answer: Answer<Items<serde_json::Value>> =
            decode("tasks.task.list", &received(200, body, true)).unwrap();
        assert_eq!(answer.result.items.len(), 2);
        assert!(answer.replayed);
    }

    #[test]
    fn errors_html_and_garbage_are_typed() {
        let error = decode::<Item<serde_json::Value>>(
            "tasks.task.get",
            &received(200, br#"{"error":{"code":"BITRIX_REST_V3_EXCEPTION_ENTITYNOTFOUNDEXCEPTION","message":"no"}}"#, false),
        )
        .unwrap_err();
        let Error::V3(v3) = &error else {
            panic!("{error}")
        };
        assert_eq!(v3.code, V3Code::EntityNotFound);
        let html = decode::<Item<serde_json::Value>>(
            "tasks.task.get",
            &received(404, b"<!DOCTYPE html><html>Not found</html>", false),
        )
        .unwrap_err();
        assert!(
            matches!(&html, Error::V3(v3) if v3.code == V3Code::Absent && v3.raw_body.is_some())
        );
        let cut = decode::<Item<serde_json::Value>>(
            "tasks.task.get",
            &received(200, br#"{"result":{"item":{"id""#, false),
        )
        .unwrap_err();
        assert!(matches!(cut, Error::MalformedAnswer { .. }), "{cut}");
        let shape = decode::<Item<u64>>(
            "tasks.task.get",
            &received(200, br#"{"result":{"item":"x"}}"#, false),
        )
        .unwrap_err();
        assert!(
            matches!(&shape, Error::Decode { path, .. } if path == "result.item"),
            "{shape}"
        );
    }
}
