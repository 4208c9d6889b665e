//! Observing requests: a callback the client calls after each HTTP request it makes, for
//! audit logs and metrics ([`ClientBuilder::observe`](super::ClientBuilder::observe)).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::error::Error;

/// One HTTP request the client made, as an observer sees it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Exchange<'a> {
    /// The method called: `batch` for a batch, and for the page requests of a stream.
    pub method: &'a str,
    /// How many commands a `batch` request carried.
    pub commands: Option<usize>,
    /// From sending to the decoded answer or the failure; waits for pacing left out.
    pub elapsed: Duration,
    /// `Ok` when an answer was decoded, otherwise this request's error (later attempts of the
    /// same call are observed on their own).
    pub outcome: Result<(), &'a Error>,
}

/// The callback, shared by the clones of a client.
#[derive(Clone)]
pub(crate) struct Observer(Arc<dyn Fn(&Exchange<'_>) + Send + Sync>);

impl Observer {
    pub(crate) fn new(callback: impl Fn(&Exchange<'_>) + Send + Sync + 'static) -> Self {
        Observer(Arc::new(callback))
    }

    pub(crate) fn tell(&self, exchange: &Exchange<'_>) {
        (self.0)(exchange);
    }
}

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Observer(..)")
    }
}

/// The number of commands in the parameters of a `batch` call; `None` for other methods.
pub(crate) fn batch_commands(method: &str, params: &Value) -> Option<usize> {
    if method != "batch" {
        return None;
    }
    match params.get("cmd")? {
        Value::Object(commands) => Some(commands.len()),
        Value::Array(commands) => Some(commands.len()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn batch_commands_are_counted_in_either_form() {
        let keyed = json!({"halt": 0, "cmd": {"a": "profile", "b": "scope"}});
        assert_eq!(batch_commands("batch", &keyed), Some(2));
        let listed = json!({"cmd": ["profile"]});
        assert_eq!(batch_commands("batch", &listed), Some(1));
        assert_eq!(batch_commands("profile", &keyed), None);
        assert_eq!(batch_commands("batch", &json!({})), None);
    }
}
