//! Streaming list methods: every item of a list, one at a time, in constant memory.
//!
//! [`Client::stream`] pages a list one `batch` after another (`pages`); [`Client::export`]
//! fetches ID ranges of a cursor list at the same time (`ranges`). `params` reads and changes
//! list parameters as the portal reads them.

mod pages;
pub mod params;
mod ranges;
mod spec;

use std::borrow::Cow;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use self::pages::{Lister, Pager};
use self::params::cursor_applies;
use self::ranges::{Opened, Ranges};
use crate::client::Client;
use crate::error::Error;
use crate::method::{self, ListMethod};
use crate::registry;
use crate::scope::Scope;

pub use self::spec::ListSpec;

/// Items per page of every Bitrix24 list method.
pub const PAGE_SIZE: usize = 50;

/// How far a stream got: items delivered so far, and the list's total once known.
#[derive(Debug, Default)]
pub struct Progress {
    delivered: AtomicU64,
    total: AtomicU64,
    requests: AtomicU64,
}

impl Progress {
    /// Items delivered so far.
    pub fn delivered(&self) -> u64 {
        self.delivered.load(Ordering::Relaxed)
    }

    /// The list's total, when the portal reported it.
    pub fn total(&self) -> Option<u64> {
        match self.total.load(Ordering::Relaxed) {
            0 => None,
            total => Some(total),
        }
    }

    /// HTTP requests made so far (batches count once).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}

/// The items of a list method, fetched page by page as they are consumed.
///
/// Created by [`Client::stream`]. It implements [`Stream`] of `Result<T, Error>`; after an
/// error the stream ends.
pub struct ItemStream<T> {
    inner: Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>,
    progress: Arc<Progress>,
}

impl<T> ItemStream<T> {
    /// Live progress, shareable with a progress bar.
    pub fn progress(&self) -> Arc<Progress> {
        self.progress.clone()
    }
}

impl<T> Stream for ItemStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T> std::fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemStream")
            .field("progress", &self.progress)
            .finish()
    }
}

/// Options of [`Client::export`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Export {
    /// Deliver the records in ascending ID order (default: as each range arrives).
    pub ordered: bool,
    /// Requests in flight at most (default: the client's
    /// [`max_in_flight`](crate::ClientBuilder::max_in_flight)).
    pub ranges: Option<usize>,
}

impl Export {
    /// Delivers the records in ascending ID order, as [`Client::stream`] does. Ranges fetched
    /// early wait for the ones before them, at most one per request in flight.
    pub fn ordered(mut self) -> Self {
        self.ordered = true;
        self
    }

    /// At most `requests` ranges in flight at once (at least one).
    pub fn ranges(mut self, requests: usize) -> Self {
        self.ranges = Some(requests.max(1));
        self
    }
}

/// Where the records of a list come from.
enum Source {
    Pages(Box<Pager>),
    Ranges(Box<Ranges>),
}

impl Source {
    /// Checks the scope, then picks the way to page: past `after` by the cursor for a resumed
    /// list, ranges for an export of a cursor list with numeric IDs (after the opening
    /// request), one batch after another otherwise.
    async fn open(
        lister: Lister,
        cursor: Option<Arc<str>>,
        export: Option<Export>,
        after: Option<Value>,
    ) -> Result<Source, Error> {
        lister.check_scope().await?;
        if let (Some(field), Some(after)) = (cursor.clone(), after) {
            return Ok(Source::Pages(Box::new(Pager::resume(
                lister,
                field,
                Vec::new(),
                after,
            ))));
        }
        let (Some(field), Some(options)) = (cursor.clone(), export) else {
            return Ok(Source::Pages(Box::new(Pager::new(lister, cursor))));
        };
        Ok(match ranges::open(&lister, &field).await? {
            Opened::Ranges(items, span) => {
                let workers = options.ranges.unwrap_or_else(|| lister.max_in_flight());
                let ranges = Ranges::new(lister, field, items, span, workers, options.ordered);
                Source::Ranges(Box::new(ranges))
            }
            Opened::Resume(items, after) => {
                Source::Pages(Box::new(Pager::resume(lister, field, items, after)))
            }
        })
    }

    async fn next_item(&mut self) -> Result<Option<Value>, Error> {
        match self {
            Source::Pages(pager) => pager.next_item().await,
            Source::Ranges(ranges) => ranges.next_item().await,
        }
    }
}

/// A list stream before and after its first request.
enum Stage {
    Opening(Box<Opening>),
    Open(Source),
}

/// What a list stream opens with: the request, the cursor field when the fast cursor
/// applies, the export options, and the ID a resumed list starts after.
struct Opening {
    lister: Lister,
    cursor: Option<Arc<str>>,
    export: Option<Export>,
    after: Option<Value>,
}

impl Client {
    /// Streams every item of a list method, decoding each into the method's
    /// [`Item`](ListMethod::Item) type.
    ///
    /// Methods declared with `cursor = "ID"` use the fast cursor when the request sets no
    /// `order` of its own: ordered by ID, filtered by `>ID`, without counting (`start = -1`),
    /// chaining 50 pages per `batch` request through `$result` references — 2,500 items per
    /// HTTP request. Other list methods page by offset, 50 pages per `batch` request. Only the
    /// current request's items are held in memory.
    ///
    /// A method that is not a list does not compile here; [`stream_raw`](Self::stream_raw)
    /// streams any method by name.
    pub fn stream<M>(&self, request: &M) -> Result<ItemStream<M::Item>, Error>
    where
        M: ListMethod,
    {
        self.list_stream(request, None)
    }

    /// Streams every item of a list method as [`stream`](Self::stream) does, decoding each
    /// into `T` instead of the method's item type (a narrower record, or `serde_json::Value`).
    pub fn stream_as<T, M>(&self, request: &M) -> Result<ItemStream<T>, Error>
    where
        M: ListMethod,
        T: DeserializeOwned + Send + 'static,
    {
        self.list_stream(request, None)
    }

    /// Exports every item of a cursor list with several requests in flight, decoding each
    /// into the method's [`Item`](ListMethod::Item) type.
    ///
    /// The opening request fetches the first 2,450 records by the fast cursor and learns the
    /// count and the highest ID under the request's filter; the rest of the span is cut into
    /// ranges of about 2,500 records, each fetched with the fast cursor in one `batch` of 50
    /// pages, up to [`Export::ranges`] at a time within the client's pacing. That costs at
    /// most one request more than [`stream`](Self::stream). Every record comes exactly once; with [`Export::ordered`] in ascending
    /// ID order, otherwise range by range as they arrive. At most two ranges per request in
    /// flight are held in memory. Requests progress while the stream is polled.
    ///
    /// Lists without the fast cursor (no `cursor` in their declaration, or a request with its
    /// own `order` or `>ID` filter) are streamed as [`stream`](Self::stream) does.
    pub fn export<M>(&self, request: &M, options: Export) -> Result<ItemStream<M::Item>, Error>
    where
        M: ListMethod,
    {
        self.list_stream(request, Some(options))
    }

    /// Exports every item of a cursor list as [`export`](Self::export) does, decoding each
    /// into `T` instead of the method's item type.
    pub fn export_as<T, M>(&self, request: &M, options: Export) -> Result<ItemStream<T>, Error>
    where
        M: ListMethod,
        T: DeserializeOwned + Send + 'static,
    {
        self.list_stream(request, Some(options))
    }

    fn list_stream<M, T>(&self, request: &M, export: Option<Export>) -> Result<ItemStream<T>, Error>
    where
        M: ListMethod,
        T: DeserializeOwned + Send + 'static,
    {
        let Some(shape) = M::META.list else {
            return Err(Error::NotAListMethod {
                method: M::NAME.to_owned(),
            });
        };
        let params = method::params(request)?;
        let list = ListSpec::declared(M::NAME, shape.key(), M::META.cursor);
        Ok(self.stream_pages(Cow::Borrowed(M::NAME), Some(M::SCOPE), list, params, export))
    }

    /// Streams every item of a list method given by name, as JSON, paging as the
    /// [registry](crate::registry) says (see [`ListSpec::from_registry`]) exactly as
    /// [`stream`](Self::stream) does for a typed request.
    pub fn stream_raw(&self, method: &str, params: &Value) -> Result<ItemStream<Value>, Error> {
        self.stream_list(&ListSpec::from_registry(method)?, params)
    }

    /// Streams every item of the list method `list` describes, as JSON, with the fast cursor
    /// when `list` names a cursor field (and `params` leave the order to it), by offset
    /// otherwise. The scope check applies when the registry knows the method.
    ///
    /// A list with a [resume point](ListSpec::resume_after) starts past it; that needs the
    /// fast cursor, and [`Error::Config`] says so when `list` or `params` rule it out.
    pub fn stream_list(&self, list: &ListSpec, params: &Value) -> Result<ItemStream<Value>, Error> {
        if list.resume_point().is_some()
            && !list
                .cursor_field()
                .is_some_and(|field| cursor_applies(params, field))
        {
            return Err(Error::Config(format!(
                "`{}` cannot resume after an ID: that needs the ID cursor (a list method with one, \
                 and no `order` or `>ID` filter of the caller's)",
                list.method()
            )));
        }
        let scope = registry::find(list.method()).map(|info| info.scope.clone());
        let method = Cow::Owned(list.method().to_owned());
        Ok(self.stream_pages(method, scope, list.clone(), params.clone(), None))
    }

    /// The items of `method`, paged as `list` says from `params`, each decoded into `T`.
    fn stream_pages<T>(
        &self,
        method: Cow<'static, str>,
        scope: Option<Scope>,
        list: ListSpec,
        mut params: Value,
        export: Option<Export>,
    ) -> ItemStream<T>
    where
        T: DeserializeOwned + Send + 'static,
    {
        if params.is_null() {
            params = Value::Object(Map::new());
        }
        let cursor: Option<Arc<str>> = list
            .cursor_field()
            .filter(|field| cursor_applies(&params, field))
            .map(Arc::from);
        let items = list.items_key().map(str::to_owned);
        let progress = Arc::new(Progress::default());
        let decode_method = method.to_string();
        let client_for_secrets = self.clone();
        let lister = Lister {
            client: self.clone(),
            method,
            scope,
            items,
            params,
            progress: progress.clone(),
        };
        let counter = progress.clone();
        let after = list.resume_point().cloned().filter(|_| cursor.is_some());
        let opening = Stage::Opening(Box::new(Opening {
            lister,
            cursor,
            export,
            after,
        }));
        let stream = futures_util::stream::unfold(Some(opening), move |stage| {
            let progress = counter.clone();
            let method = decode_method.clone();
            let client = client_for_secrets.clone();
            async move {
                let mut source = match stage? {
                    Stage::Open(source) => source,
                    Stage::Opening(opening) => {
                        let Opening {
                            lister,
                            cursor,
                            export,
                            after,
                        } = *opening;
                        match Source::open(lister, cursor, export, after).await {
                            Ok(source) => source,
                            Err(error) => return Some((Err(error), None)),
                        }
                    }
                };
                match source.next_item().await {
                    Ok(Some(value)) => {
                        let item =
                            serde_path_to_error::deserialize::<_, T>(value).map_err(|error| {
                                let decode = Error::Decode {
                                    method,
                                    path: format!("item.{}", error.path()),
                                    message: error.inner().to_string(),
                                    body: String::new(),
                                };
                                decode.scrubbed(&client.secrets())
                            });
                        progress.delivered.fetch_add(1, Ordering::Relaxed);
                        let keep_going = item.is_ok();
                        Some((item, keep_going.then_some(Stage::Open(source))))
                    }
                    Ok(None) => None,
                    Err(error) => Some((Err(error), None)),
                }
            }
        });
        ItemStream {
            inner: Box::pin(stream),
            progress,
        }
    }
}
