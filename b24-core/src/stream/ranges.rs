//! Parallel range export: a cursor list split into ID ranges that are fetched at the same time.
//!
//! One request opens the export: the first 49 pages by the fast cursor (the count included)
//! and the highest ID under the caller's filter. The rest of the span is then cut into pieces
//! of about 2,500 records (one `batch` of 50 pages each, by the fast cursor inside the piece's
//! bounds). Up to `workers` pieces are in flight; the client's pacing keeps them within the
//! portal's limits. A piece that holds more records than one request carries continues from
//! its last ID as a new part, so no request ever holds more than 2,500 records and memory
//! stays constant however the IDs cluster.
//!
//! Pieces partition the span (`[from, to)` with `>=ID` / `<ID` filters) and the cursor inside a
//! piece never repeats an ID, so every record is delivered exactly once. Delivered in ID order
//! (`ordered`), finished pieces wait for the ones before them, at most `workers` of them;
//! otherwise each piece's records come as soon as it is fetched.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use futures_util::stream::FuturesUnordered;
use serde_json::Value;

use super::PAGE_SIZE;
use super::pages::Lister;
use super::params::{numeric_id, set_param, with_filter};
use crate::batch::MAX_COMMANDS;
use crate::error::Error;

/// Records one request carries at most: 50 pages of 50.
const PER_REQUEST: u64 = (PAGE_SIZE * MAX_COMMANDS) as u64;

/// The IDs under the caller's filter, and where the ranges start.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Span {
    /// The lowest ID.
    pub(super) lowest: u64,
    /// The highest ID.
    pub(super) highest: u64,
    /// How many records there are, when the portal counted them.
    pub(super) total: Option<u64>,
    /// The first ID the ranges cover (the opening request delivered the ones before).
    pub(super) from: u64,
}

impl Span {
    /// Records per ID, between 0 and 1 (1 when unknown).
    fn density(&self) -> f64 {
        let ids = (self.highest - self.lowest).saturating_add(1) as f64;
        match self.total {
            Some(total) if total > 0 => (total as f64 / ids).min(1.0),
            _ => 1.0,
        }
    }

    /// IDs per piece: as many as hold one request's worth of records at the span's density.
    fn piece_ids(&self) -> u64 {
        ((PER_REQUEST as f64 / self.density()).floor() as u64).max(PER_REQUEST)
    }
}

/// What the opening request found.
pub(super) enum Opened {
    /// The first records, and the span of the rest (none: the first records are all).
    Ranges(Vec<Value>, Option<Span>),
    /// The first records, and the ID after which the rest follows; the IDs are not numbers,
    /// so the rest is paged one request after another.
    Resume(Vec<Value>, Value),
}

/// The opening request: the first 49 pages by the fast cursor (the first counted, for the
/// total) and the first page by ID descending, for the highest ID — one `batch`.
pub(super) async fn open(lister: &Lister, field: &str) -> Result<Opened, Error> {
    let mut first = lister.params().clone();
    set_param(&mut first, "order", serde_json::json!({ field: "ASC" }));
    set_param(&mut first, "start", Value::from(0));
    let mut commands = lister.cursor_commands(field, &first, MAX_COMMANDS - 1);
    let keys: Vec<String> = commands.iter().map(|command| command.key.clone()).collect();
    let mut last = lister.params().clone();
    set_param(&mut last, "select", serde_json::json!([field]));
    set_param(&mut last, "order", serde_json::json!({ field: "DESC" }));
    set_param(&mut last, "start", Value::from(-1));
    commands.push(lister.command(String::from("last"), last));
    let mut outcomes = lister.send(commands).await;
    let pages = lister.pages(&mut outcomes, &keys)?;
    let highest = lister.done(&mut outcomes, "last")?;
    let complete = pages.len() < keys.len() || pages.iter().any(|page| page.len() < PAGE_SIZE);
    let items: Vec<Value> = pages.into_iter().flatten().collect();
    let id = |item: Option<&Value>| item.and_then(|item| item.get(field)).cloned();
    let (Some(lowest), Some(after)) = (id(items.first()), id(items.last())) else {
        return Ok(Opened::Ranges(items, None));
    };
    if complete {
        return Ok(Opened::Ranges(items, None));
    }
    let highest = id(lister.items(highest.result).first());
    let numbers = (
        numeric_id(&lowest),
        numeric_id(&after),
        highest.as_ref().and_then(numeric_id),
    );
    let (Some(lowest), Some(last), Some(highest)) = numbers else {
        return Ok(Opened::Resume(items, after));
    };
    let span = (last < highest).then(|| Span {
        lowest,
        highest,
        total: lister.total(),
        from: last + 1,
    });
    Ok(Opened::Ranges(items, span))
}

/// Which request of which piece: pieces in ID order, the parts of a piece after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    piece: u64,
    part: u32,
}

impl Key {
    fn next(self, continued: bool) -> Key {
        if continued {
            Key {
                part: self.part + 1,
                ..self
            }
        } else {
            Key {
                piece: self.piece + 1,
                part: 0,
            }
        }
    }
}

/// One request's worth of a piece: IDs in `[from, to)`, in up to `pages` pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Part {
    key: Key,
    from: u64,
    to: u64,
    pages: usize,
}

/// What one part's request brought.
struct Fetched {
    key: Key,
    items: Vec<Value>,
    /// The rest of the piece, when the request was full and IDs remain.
    rest: Option<Part>,
}

/// The parallel export of one list.
pub(super) struct Ranges {
    lister: Arc<Lister>,
    field: Arc<str>,
    ordered: bool,
    workers: usize,
    span: Span,
    piece_ids: u64,
    /// The next piece not yet cut from the span.
    next_piece: u64,
    /// Parts waiting to be sent; continuations go first.
    queue: VecDeque<Part>,
    running: FuturesUnordered<BoxFuture<'static, Result<Fetched, Error>>>,
    /// Fetched parts waiting for the parts before them (ordered only), with whether they
    /// continue.
    finished: BTreeMap<Key, (Vec<Value>, bool)>,
    /// The part to deliver next (ordered only).
    next: Key,
    buffer: VecDeque<Value>,
}

impl Ranges {
    /// Delivers `items`, then exports `span` (if any) with up to `workers` requests in
    /// flight.
    pub(super) fn new(
        lister: Lister,
        field: Arc<str>,
        items: Vec<Value>,
        span: Option<Span>,
        workers: usize,
        ordered: bool,
    ) -> Self {
        // Without a span there is nothing to cut: an empty one past its end.
        let span = span.unwrap_or(Span {
            lowest: 1,
            highest: 0,
            total: None,
            from: 1,
        });
        Ranges {
            lister: Arc::new(lister),
            field,
            ordered,
            workers: workers.max(1),
            piece_ids: span.piece_ids(),
            span,
            next_piece: 0,
            queue: VecDeque::new(),
            running: FuturesUnordered::new(),
            finished: BTreeMap::new(),
            next: Key { piece: 0, part: 0 },
            buffer: items.into(),
        }
    }

    /// The next record; `None` once every piece is delivered.
    pub(super) async fn next_item(&mut self) -> Result<Option<Value>, Error> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Ok(Some(item));
            }
            if let Some((items, continued)) = self.finished.remove(&self.next) {
                self.next = self.next.next(continued);
                self.buffer.extend(items);
                continue;
            }
            self.send_parts();
            let Some(fetched) = self.running.next().await else {
                return Ok(None);
            };
            let fetched = fetched?;
            let continued = fetched.rest.is_some();
            if let Some(rest) = fetched.rest {
                self.queue.push_front(rest);
            }
            if self.ordered {
                self.finished
                    .insert(fetched.key, (fetched.items, continued));
            } else {
                self.buffer.extend(fetched.items);
            }
        }
    }

    /// Starts parts while places are free. Ordered, once `workers` fetched parts wait for an
    /// earlier one, only that earlier one may start, so memory stays bounded.
    fn send_parts(&mut self) {
        while self.running.len() < self.workers {
            let held_back = self.ordered && self.finished.len() >= self.workers;
            let part = if held_back {
                self.take_next()
            } else {
                self.take_any()
            };
            let Some(part) = part else { break };
            let lister = self.lister.clone();
            self.running
                .push(Box::pin(fetch(lister, self.field.clone(), part, self.span)));
        }
    }

    /// The first waiting part, or a new piece.
    fn take_any(&mut self) -> Option<Part> {
        self.queue.pop_front().or_else(|| self.cut_piece())
    }

    /// The part to deliver next, if it is waiting or still to be cut.
    fn take_next(&mut self) -> Option<Part> {
        if let Some(index) = self.queue.iter().position(|part| part.key == self.next) {
            return self.queue.remove(index);
        }
        let uncut = self.next.part == 0 && self.next.piece == self.next_piece;
        if uncut { self.cut_piece() } else { None }
    }

    /// Cuts the next piece from the span.
    fn cut_piece(&mut self) -> Option<Part> {
        let from = self
            .span
            .from
            .checked_add(self.next_piece.checked_mul(self.piece_ids)?)?;
        if from > self.span.highest {
            return None;
        }
        let to = from
            .saturating_add(self.piece_ids)
            .min(self.span.highest.saturating_add(1));
        let expected = (to - from) as f64 * self.span.density();
        // A quarter more pages than the density suggests: a page too many costs a sub-call,
        // one too few a whole request.
        let pages = ((expected * 1.25) / PAGE_SIZE as f64).ceil() as usize;
        let part = Part {
            key: Key {
                piece: self.next_piece,
                part: 0,
            },
            from,
            to,
            pages: pages.clamp(1, MAX_COMMANDS),
        };
        self.next_piece += 1;
        Some(part)
    }
}

/// Fetches one part: its pages by the fast cursor within `[from, to)`.
async fn fetch(
    lister: Arc<Lister>,
    field: Arc<str>,
    part: Part,
    span: Span,
) -> Result<Fetched, Error> {
    let field: &str = &field;
    let mut first = lister.params().clone();
    set_param(&mut first, "order", serde_json::json!({ field: "ASC" }));
    // The caller's own bounds on the field are never wider than the span's, which was read
    // under them, so replacing them keeps their meaning.
    let mut first = with_filter(&first, &format!(">={field}"), Value::from(part.from));
    if part.to <= span.highest {
        first = with_filter(&first, &format!("<{field}"), Value::from(part.to));
    }
    set_param(&mut first, "start", Value::from(-1));
    let commands = lister.cursor_commands(field, &first, part.pages);
    let pages = lister.run(commands).await?;
    let full = pages.len() == part.pages && pages.iter().all(|page| page.len() >= PAGE_SIZE);
    let items: Vec<Value> = pages.into_iter().flatten().collect();
    let last = items
        .last()
        .and_then(|item| item.get(field))
        .and_then(numeric_id);
    let rest = match last {
        Some(last) if full && last.saturating_add(1) < part.to => Some(Part {
            key: part.key.next(true),
            from: last + 1,
            to: part.to,
            pages: MAX_COMMANDS,
        }),
        _ => None,
    };
    Ok(Fetched {
        key: part.key,
        items,
        rest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(lowest: u64, highest: u64, total: Option<u64>) -> Span {
        Span {
            lowest,
            highest,
            total,
            from: lowest,
        }
    }

    #[test]
    fn dense_spans_are_cut_into_pieces_of_one_request() {
        assert_eq!(span(1, 250_000, Some(250_000)).piece_ids(), 2_500);
        // Half the IDs were deleted: pieces twice as wide hold as many records.
        assert_eq!(span(1, 500_000, Some(250_000)).piece_ids(), 5_000);
        // Unknown counts are taken as dense.
        assert_eq!(span(1, 10, None).piece_ids(), 2_500);
    }

    #[test]
    fn parts_after_a_continuation_come_after_it() {
        let key = Key { piece: 3, part: 0 };
        assert_eq!(key.next(true), Key { piece: 3, part: 1 });
        assert_eq!(key.next(false), Key { piece: 4, part: 0 });
        assert!(key.next(true) < key.next(false));
    }
}
