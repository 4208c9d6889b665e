//! Streaming list methods: every item of a list, one at a time, in constant memory.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::batch::{Command, MAX_COMMANDS, Outcome};
use crate::client::Client;
use crate::error::Error;
use crate::method::{self, Method};
use crate::registry;
use crate::scope::Scope;

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

/// How to page a list method named at run time, for [`Client::stream_list`]: where its items
/// are inside `result`, and the ID field of the fast cursor when it supports one.
///
/// ```no_run
/// # async fn demo(client: b24_core::Client) -> Result<(), b24_core::Error> {
/// use b24_core::stream::ListSpec;
/// use futures_util::StreamExt;
///
/// // What the registry knows, with the caller's own cursor field.
/// let list = ListSpec::from_registry("crm.item.list")?.cursor("id");
/// let params = serde_json::json!({"entityTypeId": 2});
/// let mut items = client.stream_list(&list, &params)?;
/// while let Some(item) = items.next().await {
///     println!("{}", item?);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListSpec {
    method: String,
    items: Option<String>,
    cursor: Option<String>,
}

impl ListSpec {
    /// A list method whose `result` is the array of items, paged by offset; the name must be
    /// a method name ([`Error::InvalidMethodName`] otherwise).
    pub fn new(method: &str) -> Result<ListSpec, Error> {
        method::check_name(method)?;
        Ok(ListSpec {
            method: method.to_owned(),
            items: None,
            cursor: None,
        })
    }

    /// What the [registry] knows about `method`: where its items are and
    /// its cursor field. [`Error::UnknownMethod`] when no linked type declares it,
    /// [`Error::NotAListMethod`] when it is not declared a list method.
    pub fn from_registry(method: &str) -> Result<ListSpec, Error> {
        let info = registry::find(method).ok_or_else(|| Error::UnknownMethod(method.to_owned()))?;
        let shape = info.meta.list.ok_or_else(|| Error::NotAListMethod {
            method: info.name.to_owned(),
        })?;
        Ok(ListSpec {
            method: info.name.to_owned(),
            items: shape.key().map(str::to_owned),
            cursor: info.meta.cursor.map(str::to_owned),
        })
    }

    /// The items are under `key` inside `result` (`crm.item.list` → `items`).
    pub fn items_under(mut self, key: &str) -> Self {
        self.items = Some(key.to_owned());
        self
    }

    /// Pages with the fast cursor on the ID field `field` (when the parameters leave the
    /// order and the `>field` bound to it).
    pub fn cursor(mut self, field: &str) -> Self {
        self.cursor = Some(field.to_owned());
        self
    }

    /// Pages by offset even when the method supports the fast cursor.
    pub fn without_cursor(mut self) -> Self {
        self.cursor = None;
        self
    }

    /// The method name.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The key of the items inside `result`, or `None` when `result` is the list.
    pub fn items_key(&self) -> Option<&str> {
        self.items.as_deref()
    }

    /// The ID field of the fast cursor, if used.
    pub fn cursor_field(&self) -> Option<&str> {
        self.cursor.as_deref()
    }
}

impl Client {
    /// Streams every item of a list method, decoding each into `T`.
    ///
    /// Methods declared with `cursor = "ID"` use the fast cursor when the request sets no
    /// `order` of its own: ordered by ID, filtered by `>ID`, without counting (`start = -1`),
    /// chaining 50 pages per `batch` request through `$result` references — 2,500 items per
    /// HTTP request. Other list methods page by offset, 50 pages per `batch` request. Only the
    /// current request's items are held in memory.
    pub fn stream<M, T>(&self, request: &M) -> Result<ItemStream<T>, Error>
    where
        M: Method,
        T: DeserializeOwned + Send + 'static,
    {
        let Some(shape) = M::META.list else {
            return Err(Error::NotAListMethod {
                method: M::NAME.to_owned(),
            });
        };
        let params = method::params(request)?;
        let list = ListSpec {
            method: String::new(),
            items: shape.key().map(str::to_owned),
            cursor: M::META.cursor.map(str::to_owned),
        };
        Ok(self.stream_pages(Cow::Borrowed(M::NAME), Some(M::SCOPE), list, params))
    }

    /// Streams every item of a list method given by name, as JSON, paging as the
    /// [registry] says (see [`ListSpec::from_registry`]) exactly as
    /// [`stream`](Self::stream) does for a typed request.
    pub fn stream_raw(&self, method: &str, params: &Value) -> Result<ItemStream<Value>, Error> {
        self.stream_list(&ListSpec::from_registry(method)?, params)
    }

    /// Streams every item of the list method `list` describes, as JSON, with the fast cursor
    /// when `list` names a cursor field (and `params` leave the order to it), by offset
    /// otherwise. The scope check applies when the registry knows the method.
    pub fn stream_list(&self, list: &ListSpec, params: &Value) -> Result<ItemStream<Value>, Error> {
        let scope = registry::find(&list.method).map(|info| info.scope.clone());
        let method = Cow::Owned(list.method.clone());
        Ok(self.stream_pages(method, scope, list.clone(), params.clone()))
    }

    /// The items of `method`, paged as `list` says from `params`, each decoded into `T`.
    fn stream_pages<T>(
        &self,
        method: Cow<'static, str>,
        scope: Option<Scope>,
        list: ListSpec,
        mut params: Value,
    ) -> ItemStream<T>
    where
        T: DeserializeOwned + Send + 'static,
    {
        if params.is_null() {
            params = Value::Object(Map::new());
        }
        let cursor = list.cursor.filter(|field| cursor_applies(&params, field));
        let progress = Arc::new(Progress::default());
        let pager = Pager {
            client: self.clone(),
            method,
            scope,
            items: list.items,
            cursor,
            params,
            state: State::First,
            buffer: VecDeque::new(),
            progress: progress.clone(),
        };
        let stream = futures_util::stream::unfold(Some(pager), |pager| async move {
            let mut pager = pager?;
            match pager.next_item().await {
                Ok(Some(value)) => {
                    let item = serde_path_to_error::deserialize::<_, T>(value).map_err(|error| {
                        let decode = Error::Decode {
                            method: pager.method.to_string(),
                            path: format!("item.{}", error.path()),
                            message: error.inner().to_string(),
                            body: String::new(),
                        };
                        decode.scrubbed(&pager.client.secrets())
                    });
                    pager.progress.delivered.fetch_add(1, Ordering::Relaxed);
                    let keep_going = item.is_ok();
                    Some((item, keep_going.then_some(pager)))
                }
                Ok(None) => None,
                Err(error) => Some((Err(error), None)),
            }
        });
        ItemStream {
            inner: Box::pin(stream),
            progress,
        }
    }
}

/// The fast cursor needs the list ordered by ID ascending and no `>ID` bound of the caller's.
fn cursor_applies(params: &Value, field: &str) -> bool {
    let order_ok = match param(params, "order") {
        None => true,
        Some(Value::Object(order)) => {
            order.is_empty()
                || (order.len() == 1
                    && order.iter().all(|(key, direction)| {
                        key.eq_ignore_ascii_case(field)
                            && direction
                                .as_str()
                                .is_some_and(|d| d.eq_ignore_ascii_case("asc"))
                    }))
        }
        Some(_) => false,
    };
    let filter_ok = match param(params, "filter") {
        None => true,
        Some(Value::Object(filter)) => !filter.keys().any(|key| {
            let name = key.trim_start_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_');
            name.eq_ignore_ascii_case(field) && key.starts_with('>')
        }),
        Some(_) => false,
    };
    order_ok && filter_ok
}

/// A top-level parameter, matched case-insensitively as legacy methods do.
fn param<'a>(params: &'a Value, name: &str) -> Option<&'a Value> {
    params
        .as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

fn set_param(params: &mut Value, name: &str, value: Value) {
    if let Value::Object(map) = params {
        let key = map
            .keys()
            .find(|key| key.eq_ignore_ascii_case(name))
            .cloned()
            .unwrap_or_else(|| name.to_owned());
        map.insert(key, value);
    }
}

fn with_filter(params: &Value, field: &str, after: Value) -> Value {
    let mut params = params.clone();
    let mut filter = match param(&params, "filter") {
        Some(Value::Object(filter)) => filter.clone(),
        _ => Map::new(),
    };
    filter.insert(format!(">{field}"), after);
    set_param(&mut params, "filter", Value::Object(filter));
    params
}

enum State {
    First,
    Cursor { after: Value },
    Offset { next: u64 },
    Done,
}

struct Pager {
    client: Client,
    method: Cow<'static, str>,
    scope: Option<Scope>,
    items: Option<String>,
    cursor: Option<String>,
    params: Value,
    state: State,
    buffer: VecDeque<Value>,
    progress: Arc<Progress>,
}

impl Pager {
    async fn next_item(&mut self) -> Result<Option<Value>, Error> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Ok(Some(item));
            }
            match std::mem::replace(&mut self.state, State::Done) {
                State::Done => return Ok(None),
                State::First => {
                    if let Some(scope) = &self.scope {
                        self.client.check_scope(&self.method, scope).await?;
                    }
                    match self.cursor {
                        Some(_) => self.cursor_pages(None).await?,
                        None => self.offset_pages(0).await?,
                    }
                }
                State::Cursor { after } => self.cursor_pages(Some(after)).await?,
                State::Offset { next } => self.offset_pages(next).await?,
            }
        }
    }

    fn items(&self, result: Value) -> Vec<Value> {
        let list = match (&self.items, result) {
            (None, list) => list,
            (Some(key), Value::Object(mut map)) => map.remove(key).unwrap_or(Value::Null),
            (Some(_), _) => Value::Null,
        };
        match list {
            Value::Array(items) => items,
            // PHP sends an empty list as `[]` but a keyed one as an object.
            Value::Object(map) => map.into_iter().map(|(_, item)| item).collect(),
            _ => Vec::new(),
        }
    }

    fn delivered_and_buffered(&self) -> u64 {
        self.progress.delivered() + self.buffer.len() as u64
    }

    fn pages_left(&self) -> usize {
        match self.progress.total() {
            Some(total) => {
                let left = total.saturating_sub(self.delivered_and_buffered());
                (left.div_ceil(PAGE_SIZE as u64) as usize).clamp(1, MAX_COMMANDS)
            }
            None => MAX_COMMANDS,
        }
    }

    /// Up to 50 pages in one `batch`, each filtered past the previous page's last ID. The very
    /// first page (`after` is `None`) is counted, so the total becomes known.
    async fn cursor_pages(&mut self, after: Option<Value>) -> Result<(), Error> {
        let Some(field) = self.cursor.clone() else {
            return Ok(());
        };
        let field = field.as_str();
        let mut base = self.params.clone();
        set_param(&mut base, "order", serde_json::json!({ field: "ASC" }));
        let pages = self.pages_left();
        let last_index = PAGE_SIZE - 1;
        let commands: Vec<Command> = (0..pages)
            .map(|page| {
                let mut params = match (page, &after) {
                    (0, None) => base.clone(),
                    (0, Some(after)) => with_filter(&base, field, after.clone()),
                    _ => {
                        let path = match &self.items {
                            None => format!("$result[p{}][{last_index}][{field}]", page - 1),
                            Some(key) => {
                                format!("$result[p{}][{key}][{last_index}][{field}]", page - 1)
                            }
                        };
                        with_filter(&base, field, Value::String(path))
                    }
                };
                let start = if page == 0 && after.is_none() { 0 } else { -1 };
                set_param(&mut params, "start", Value::from(start));
                self.command(page, params)
            })
            .collect();
        let pages = self.run(commands).await?;
        let mut more = true;
        let mut last = None;
        for items in pages {
            let full = items.len() >= PAGE_SIZE;
            last = items
                .last()
                .and_then(|item| item.get(field).cloned())
                .or(last);
            self.buffer.extend(items);
            if !full {
                more = false;
                break;
            }
        }
        let reached_total = self
            .progress
            .total()
            .is_some_and(|total| self.delivered_and_buffered() >= total);
        self.state = match (more && !reached_total, last) {
            (true, Some(after)) => State::Cursor { after },
            _ => State::Done,
        };
        Ok(())
    }

    /// Up to 50 pages by offset in one `batch`; the first page of the list is counted.
    async fn offset_pages(&mut self, next: u64) -> Result<(), Error> {
        let pages = self.pages_left();
        let commands: Vec<Command> = (0..pages)
            .map(|page| {
                let mut params = self.params.clone();
                set_param(
                    &mut params,
                    "start",
                    Value::from(next + (page * PAGE_SIZE) as u64),
                );
                self.command(page, params)
            })
            .collect();
        let mut more = true;
        for items in self.run(commands).await? {
            if items.len() < PAGE_SIZE {
                more = false;
            }
            self.buffer.extend(items);
            if !more {
                break;
            }
        }
        let next = next + (pages * PAGE_SIZE) as u64;
        let below_total = self.progress.total().is_none_or(|total| next < total);
        self.state = if more && below_total {
            State::Offset { next }
        } else {
            State::Done
        };
        Ok(())
    }

    fn command(&self, page: usize, params: Value) -> Command {
        Command {
            key: format!("p{page}"),
            method: self.method.clone(),
            scope: self.scope.clone(),
            read_only: true,
            params,
        }
    }

    /// Runs the page commands as one batch; the pages in order, up to the first failure.
    async fn run(&self, commands: Vec<Command>) -> Result<Vec<Vec<Value>>, Error> {
        let keys: Vec<String> = commands.iter().map(|command| command.key.clone()).collect();
        let mut outcomes: std::collections::HashMap<String, Outcome> = self
            .client
            .run_chunk(commands, false)
            .await
            .into_iter()
            .collect();
        self.progress.requests.fetch_add(1, Ordering::Relaxed);
        let mut pages = Vec::with_capacity(keys.len());
        for key in keys {
            match outcomes.remove(&key) {
                Some(Outcome::Done(envelope)) => {
                    if let Some(total) = envelope.total {
                        self.progress.total.fetch_max(total, Ordering::Relaxed);
                    }
                    let items = self.items(envelope.result);
                    let short = items.len() < PAGE_SIZE;
                    pages.push(items);
                    if short {
                        break;
                    }
                }
                other => return Err(Outcome::error_of(other.as_ref(), &self.method)),
            }
        }
        Ok(pages)
    }
}
