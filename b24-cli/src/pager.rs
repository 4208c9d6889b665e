//! Every item of a list method named at run time, in constant memory: b24-core's
//! [`Client::stream_list`](b24_core::Client::stream_list) (the fast cursor, 2,500 items per
//! HTTP request, or offset paging), its progress for the bar and the summary.

use std::sync::Arc;

use b24_core::stream::params::cursor_applies;
use b24_core::{ItemStream, ListSpec, Progress};
use futures_util::StreamExt;
use serde_json::Value;

use crate::connect::Session;
use crate::exit::Failure;

/// The items of one list, one at a time.
pub struct Pager {
    items: ItemStream<Value>,
    progress: Arc<Progress>,
}

impl Pager {
    /// A pager over `spec` with the caller's `params`; `after` resumes the fast cursor past an
    /// ID (a usage error when the list cannot page by it).
    pub fn new(
        session: &Session,
        spec: ListSpec,
        params: Value,
        after: Option<Value>,
    ) -> Result<Self, Failure> {
        let params = if params.is_object() {
            params
        } else {
            Value::Object(serde_json::Map::new())
        };
        let uses_cursor = spec
            .cursor_field()
            .is_some_and(|field| cursor_applies(&params, field));
        if after.is_some() && !uses_cursor {
            return Err(Failure::usage(
                "--resume works only with the ID cursor (no --filter on >ID, no order)",
            ));
        }
        let spec = match after {
            Some(after) => spec.resume_after(after),
            None => spec,
        };
        let items = session.client.stream_list(&spec, &params)?;
        Ok(Pager {
            progress: items.progress(),
            items,
        })
    }

    /// The next item; `None` at the end of the list.
    pub async fn next(&mut self) -> Result<Option<Value>, Failure> {
        self.items.next().await.transpose().map_err(Failure::from)
    }

    /// The list's total, once the portal reported it.
    pub fn total(&self) -> Option<u64> {
        self.progress.total()
    }

    /// HTTP requests made so far.
    pub fn requests(&self) -> u64 {
        self.progress.requests()
    }
}
