//! Fetching pages of a list: the request context every strategy shares ([`Lister`]) and the
//! sequential strategy ([`Pager`]): one `batch` of 50 pages at a time, by the fast cursor or by
//! offset.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde_json::Value;

use super::params::{set_param, with_filter};
use super::{PAGE_SIZE, Progress};
use crate::batch::{Command, MAX_COMMANDS, Outcome};
use crate::client::Client;
use crate::error::Error;
use crate::scope::Scope;

/// A list request and where its items go: what every way of paging it needs.
pub(super) struct Lister {
    pub(super) client: Client,
    pub(super) method: Cow<'static, str>,
    /// The scope the method needs, when known (typed, or found in the registry).
    pub(super) scope: Option<Scope>,
    /// The key of the items inside `result`, or `None` when `result` is the list.
    pub(super) items: Option<String>,
    /// The caller's parameters.
    pub(super) params: Value,
    /// Where the items are counted.
    pub(super) progress: Arc<Progress>,
}

impl Lister {
    /// Fails when the client knows it lacks the method's scope.
    pub(super) async fn check_scope(&self) -> Result<(), Error> {
        match &self.scope {
            Some(scope) => self.client.check_scope(&self.method, scope).await,
            None => Ok(()),
        }
    }

    /// The client's maximum of requests in flight.
    pub(super) fn max_in_flight(&self) -> usize {
        self.client.max_in_flight()
    }

    /// The caller's parameters.
    pub(super) fn params(&self) -> &Value {
        &self.params
    }

    /// The list's total, once a counted page reported it.
    pub(super) fn total(&self) -> Option<u64> {
        self.progress.total()
    }

    /// The items of one page's `result`.
    pub(super) fn items(&self, result: Value) -> Vec<Value> {
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

    /// A read-only command of this list method.
    pub(super) fn command(&self, key: String, params: Value) -> Command {
        Command {
            key,
            method: self.method.clone(),
            scope: self.scope.clone(),
            read_only: true,
            params,
        }
    }

    /// Up to `pages` pages in one batch, following the cursor on `field`: the first page asks
    /// with `first` as it is, every later one (uncounted) for the IDs past the previous page's
    /// last, through a `$result` reference.
    pub(super) fn cursor_commands(&self, field: &str, first: &Value, pages: usize) -> Vec<Command> {
        let last_index = PAGE_SIZE - 1;
        (0..pages.clamp(1, MAX_COMMANDS))
            .map(|page| {
                let params = if page == 0 {
                    first.clone()
                } else {
                    let path = match &self.items {
                        None => format!("$result[p{}][{last_index}][{field}]", page - 1),
                        Some(key) => {
                            format!("$result[p{}][{key}][{last_index}][{field}]", page - 1)
                        }
                    };
                    let mut params = with_filter(first, &format!(">{field}"), Value::String(path));
                    set_param(&mut params, "start", Value::from(-1));
                    params
                };
                self.command(format!("p{page}"), params)
            })
            .collect()
    }

    /// Runs commands as one batch request; their outcomes by key.
    pub(super) async fn send(&self, commands: Vec<Command>) -> HashMap<String, Outcome> {
        let outcomes = self.client.run_chunk(commands, false).await;
        self.progress.requests.fetch_add(1, Ordering::Relaxed);
        outcomes.into_iter().collect()
    }

    /// The envelope of one command, or its error.
    pub(super) fn done(
        &self,
        outcomes: &mut HashMap<String, Outcome>,
        key: &str,
    ) -> Result<crate::Envelope<Value>, Error> {
        match outcomes.remove(key) {
            Some(Outcome::Done(envelope)) => Ok(*envelope),
            other => Err(Outcome::error_of(other.as_ref(), &self.method)),
        }
    }

    /// Runs page commands as one batch; the pages in order, up to the first short one.
    pub(super) async fn run(&self, commands: Vec<Command>) -> Result<Vec<Vec<Value>>, Error> {
        let keys: Vec<String> = commands.iter().map(|command| command.key.clone()).collect();
        let mut outcomes = self.send(commands).await;
        self.pages(&mut outcomes, &keys)
    }

    /// The pages of `keys` in order, up to the first short one; a counted page's total goes
    /// to the progress.
    pub(super) fn pages(
        &self,
        outcomes: &mut HashMap<String, Outcome>,
        keys: &[String],
    ) -> Result<Vec<Vec<Value>>, Error> {
        let mut pages = Vec::with_capacity(keys.len());
        for key in keys {
            let envelope = self.done(outcomes, key)?;
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
        Ok(pages)
    }
}

/// Where a sequential pager stands.
enum State {
    First,
    Cursor { after: Value },
    Offset { next: u64 },
    Done,
}

/// Pages a list one batch after another, holding only the current batch's items.
pub(super) struct Pager {
    lister: Lister,
    cursor: Option<Arc<str>>,
    state: State,
    buffer: VecDeque<Value>,
}

impl Pager {
    /// A pager over `lister`'s list, by the fast cursor on `cursor` when given.
    pub(super) fn new(lister: Lister, cursor: Option<Arc<str>>) -> Self {
        Pager {
            lister,
            cursor,
            state: State::First,
            buffer: VecDeque::new(),
        }
    }

    /// A pager that delivers `items` first, then continues by the fast cursor on `cursor`
    /// past the ID `after`.
    pub(super) fn resume(
        lister: Lister,
        cursor: Arc<str>,
        items: Vec<Value>,
        after: Value,
    ) -> Self {
        Pager {
            lister,
            cursor: Some(cursor),
            state: State::Cursor { after },
            buffer: items.into(),
        }
    }

    /// The next item, fetching the next batch when the current one is used up.
    pub(super) async fn next_item(&mut self) -> Result<Option<Value>, Error> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Ok(Some(item));
            }
            match std::mem::replace(&mut self.state, State::Done) {
                State::Done => return Ok(None),
                State::First if self.cursor.is_some() => self.cursor_pages(None).await?,
                State::First => self.offset_pages(0).await?,
                State::Cursor { after } => self.cursor_pages(Some(after)).await?,
                State::Offset { next } => self.offset_pages(next).await?,
            }
        }
    }

    fn delivered_and_buffered(&self) -> u64 {
        self.lister.progress.delivered() + self.buffer.len() as u64
    }

    fn pages_left(&self) -> usize {
        match self.lister.progress.total() {
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
        let field: &str = &field;
        let mut first = self.lister.params.clone();
        set_param(&mut first, "order", serde_json::json!({ field: "ASC" }));
        let mut first = match &after {
            None => first,
            Some(after) => with_filter(&first, &format!(">{field}"), after.clone()),
        };
        set_param(
            &mut first,
            "start",
            Value::from(if after.is_none() { 0 } else { -1 }),
        );
        let commands = self
            .lister
            .cursor_commands(field, &first, self.pages_left());
        let mut more = true;
        let mut last = None;
        for items in self.lister.run(commands).await? {
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
            .lister
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
                let mut params = self.lister.params.clone();
                let start = next + (page * PAGE_SIZE) as u64;
                set_param(&mut params, "start", Value::from(start));
                self.lister.command(format!("p{page}"), params)
            })
            .collect();
        let mut more = true;
        for items in self.lister.run(commands).await? {
            if items.len() < PAGE_SIZE {
                more = false;
            }
            self.buffer.extend(items);
            if !more {
                break;
            }
        }
        let next = next + (pages * PAGE_SIZE) as u64;
        let below_total = self
            .lister
            .progress
            .total()
            .is_none_or(|total| next < total);
        self.state = if more && below_total {
            State::Offset { next }
        } else {
            State::Done
        };
        Ok(())
    }
}
