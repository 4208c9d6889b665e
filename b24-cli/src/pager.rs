//! Every item of a list method named at run time, page after page, in constant memory.
//!
//! `client.stream` needs the method as a Rust type; the command line only has its name, so
//! this pager drives the same protocol through `batch` calls built from JSON: the fast cursor
//! (ordered by ID, `>ID`, `start = -1`, each page filtered past the previous page's last ID
//! through a `$result[...]` reference: 2,500 items per HTTP request) for methods the registry
//! marks with a cursor, offset paging (50 pages per request) for the others. Only one
//! request's items are in memory at a time.

use b24_core::stream::params::{cursor_applies, set_param, with_filter};
use b24_core::{ErrorCode, ListSpec, form::to_query_string};
use serde_json::{Map, Value, json};

use crate::connect::Session;
use crate::exit::{Class, Failure, class_of_code};

/// Items per page of every list method.
pub const PAGE_SIZE: usize = 50;
/// Commands per `batch`.
const MAX_COMMANDS: usize = 50;
/// Attempts for one page request when its answer was lost (reads are safe to repeat).
const ATTEMPTS: u32 = 5;

enum State {
    Cursor { after: Option<Value> },
    Offset { next: u64 },
    Done,
}

/// Pages through one list.
pub struct Pager<'a> {
    session: &'a Session,
    spec: ListSpec,
    params: Value,
    cursor: Option<String>,
    state: State,
    first: bool,
    /// The list's total (of what is left to fetch), once the portal reported it.
    pub total: Option<u64>,
    /// Items returned so far.
    pub delivered: u64,
    /// HTTP requests made so far.
    pub requests: u64,
}

impl<'a> Pager<'a> {
    /// A pager over `spec` with the caller's `params`; `after` resumes the cursor past an ID.
    pub fn new(session: &'a Session, spec: ListSpec, params: Value, after: Option<Value>) -> Self {
        let params = if params.is_object() {
            params
        } else {
            json!({})
        };
        let cursor = spec
            .cursor_field()
            .filter(|field| cursor_applies(&params, field))
            .map(str::to_owned);
        let state = match &cursor {
            Some(_) => State::Cursor { after },
            None => State::Offset { next: 0 },
        };
        Pager {
            session,
            spec,
            params,
            cursor,
            state,
            first: true,
            total: None,
            delivered: 0,
            requests: 0,
        }
    }

    /// Whether the fast cursor is in use.
    pub fn uses_cursor(&self) -> bool {
        self.cursor.is_some()
    }

    /// The next request's items; `None` at the end of the list.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<Value>>, Failure> {
        let pages = match self.total {
            Some(total) => (total
                .saturating_sub(self.delivered)
                .div_ceil(PAGE_SIZE as u64) as usize)
                .clamp(1, MAX_COMMANDS),
            None => MAX_COMMANDS,
        };
        let (commands, offset_next) = match std::mem::replace(&mut self.state, State::Done) {
            State::Done => return Ok(None),
            State::Cursor { after } => (self.cursor_commands(pages, after), None),
            State::Offset { next } => (self.offset_commands(pages, next), Some(next)),
        };
        let count_first = self.first;
        self.first = false;
        let page_results = self.run(commands, count_first).await?;
        let mut items = Vec::new();
        let mut more = true;
        let mut last = None;
        let fetched = page_results.len();
        for page in page_results {
            let full = page.len() >= PAGE_SIZE;
            if let Some(field) = &self.cursor {
                last = page
                    .last()
                    .and_then(|item| item.get(field).cloned())
                    .or(last);
            }
            items.extend(page);
            if !full {
                more = false;
                break;
            }
        }
        self.delivered += items.len() as u64;
        let reached_total = self.total.is_some_and(|total| self.delivered >= total);
        self.state = match (more && !reached_total, offset_next) {
            (false, _) => State::Done,
            (true, Some(next)) => State::Offset {
                next: next + (fetched * PAGE_SIZE) as u64,
            },
            (true, None) => match last {
                Some(after) => State::Cursor { after: Some(after) },
                None => State::Done,
            },
        };
        Ok(Some(items))
    }

    fn cursor_commands(&self, pages: usize, after: Option<Value>) -> Vec<(String, String)> {
        let field = self.cursor.as_deref().unwrap_or("ID");
        let mut base = self.params.clone();
        set_param(&mut base, "order", json!({ field: "ASC" }));
        let last = PAGE_SIZE - 1;
        (0..pages)
            .map(|page| {
                let mut params = match (page, &after) {
                    (0, None) => base.clone(),
                    (0, Some(after)) => with_filter(&base, &format!(">{field}"), after.clone()),
                    _ => {
                        let path = match self.spec.items_key() {
                            None => format!("$result[p{}][{last}][{field}]", page - 1),
                            Some(key) => format!("$result[p{}][{key}][{last}][{field}]", page - 1),
                        };
                        with_filter(&base, &format!(">{field}"), Value::String(path))
                    }
                };
                // The very first page is counted, so the total (for the progress bar) is known.
                let start = if page == 0 && self.first { 0 } else { -1 };
                set_param(&mut params, "start", Value::from(start));
                (format!("p{page}"), self.encode(&params))
            })
            .collect()
    }

    fn offset_commands(&self, pages: usize, next: u64) -> Vec<(String, String)> {
        (0..pages)
            .map(|page| {
                let mut params = self.params.clone();
                set_param(
                    &mut params,
                    "start",
                    Value::from(next + (page * PAGE_SIZE) as u64),
                );
                (format!("p{page}"), self.encode(&params))
            })
            .collect()
    }

    fn encode(&self, params: &Value) -> String {
        format!("{}?{}", self.spec.method(), to_query_string(params))
    }

    /// Runs the page commands as one batch: the pages in order, up to the first short one.
    async fn run(
        &mut self,
        commands: Vec<(String, String)>,
        counted: bool,
    ) -> Result<Vec<Vec<Value>>, Failure> {
        let keys: Vec<String> = commands.iter().map(|(key, _)| key.clone()).collect();
        let cmd: Map<String, Value> = commands
            .into_iter()
            .map(|(key, command)| (key, Value::String(command)))
            .collect();
        let body = json!({ "halt": 0, "cmd": cmd });
        let mut attempt = 0;
        let envelope = loop {
            attempt += 1;
            self.requests += 1;
            match self.session.call("batch", &body).await {
                Ok(envelope) => break envelope,
                // Reads are safe to repeat when their answer was lost.
                Err(
                    error @ (b24_core::Error::UnknownOutcome { .. }
                    | b24_core::Error::Transport { .. }),
                ) if attempt < ATTEMPTS => {
                    let _ = error;
                    tokio::time::sleep(std::time::Duration::from_millis(250 << attempt)).await;
                }
                Err(error) => return Err(error.into()),
            }
        };
        let result = &envelope.result;
        let mut pages = Vec::with_capacity(keys.len());
        for key in keys {
            if let Some(error) = keyed(result, "result_error", &key) {
                return Err(sub_error(self.spec.method(), error));
            }
            if counted
                && key == "p0"
                && let Some(total) = keyed(result, "result_total", &key).and_then(as_u64)
            {
                self.total = Some(total);
            }
            let Some(page) = keyed(result, "result", &key) else {
                return Err(Failure::api(format!(
                    "`{}`: the portal did not run page {key} of the batch",
                    self.spec.method()
                )));
            };
            let items = crate::output::list_items(page, self.spec.items_key()).unwrap_or_default();
            let short = items.len() < PAGE_SIZE;
            pages.push(items);
            if short {
                break;
            }
        }
        Ok(pages)
    }
}

/// `result.<collection>.<key>` of a batch answer (a map, or a list for numeric keys).
pub fn keyed<'v>(result: &'v Value, collection: &str, key: &str) -> Option<&'v Value> {
    match result.get(collection)? {
        Value::Object(map) => map.get(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    }
}

fn as_u64(value: &Value) -> Option<u64> {
    value.as_u64().or_else(|| value.as_str()?.parse().ok())
}

/// A failure for a command's entry in `result_error`.
pub fn sub_error(method: &str, error: &Value) -> Failure {
    let code = match error.get("error") {
        Some(Value::String(code)) => code.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let description = error
        .get("error_description")
        .and_then(Value::as_str)
        .unwrap_or("");
    let class: Class = class_of_code(&ErrorCode::from(code.as_str()));
    Failure::new(
        class,
        format!("{code}: {description} (`{method}` in batch)"),
    )
}
