//! The guard around one connection's bytes, below hyper: how long a client may take to send a
//! request head or stay idle, which connections give way when too many are open, and JSON in
//! place of the empty answers hyper writes by itself for requests it cannot parse.
//!
//! A connection is in one of three phases, seen from its bytes and from the service:
//!
//! * **idle**: every request so far has its answer; the next one has not started. A fresh
//!   connection may stay idle for [`ConnLimits::header_read`], a used one for
//!   [`ConnLimits::idle`] without traffic; then it is closed quietly.
//! * **head**: bytes of a request arrived, but hyper has not handed the request to the
//!   service yet. The whole head must arrive within [`ConnLimits::header_read`] of its first
//!   byte (a slowly trickling head gains nothing); otherwise the client gets `408` and the
//!   connection is closed. A client that closes its side mid-head gets `400`.
//! * **busy**: the service has the request. No timer here: a stalled body is the body
//!   reader's business ([`crate::server::read_body`]).
//!
//! When hyper rejects a request head (malformed: 400, URI too long: 414, headers too large:
//! 431) it writes a bodiless answer on its own. Such an answer can only be written in the head
//! phase, so the guard replaces it there by the same status with the listener's JSON error
//! body ([`ErrorBody`]).

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// How long connections may wait and how many may be open at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnLimits {
    /// Time for a request head to arrive from its first byte, and for the first request of a
    /// fresh connection to start (default 10 s). Also how long a request body may pause.
    pub header_read: Duration,
    /// Time a used connection may stay idle between requests (default 120 s, longer than
    /// the 90 s for which common clients keep idle connections, so that a client never
    /// reuses one the emulator is just closing).
    pub idle: Duration,
    /// Open connections per listener beyond which the oldest idle or half-sent ones are
    /// closed to make room for new ones (default 4,096). Connections whose request is being
    /// served are never closed for this.
    pub max_connections: usize,
}

impl Default for ConnLimits {
    fn default() -> Self {
        ConnLimits {
            header_read: Duration::from_secs(10),
            idle: Duration::from_secs(120),
            max_connections: 4096,
        }
    }
}

/// The body of an error answer the HTTP layer gives on its own: `(content type, body)` for
/// a status.
pub type ErrorBody = fn(u16) -> (&'static str, String);

const IDLE: u8 = 0;
const HEAD: u8 = 1;
const BUSY: u8 = 2;

/// What the guard and the service know about one connection, shared between them and with
/// the listener's [`Registry`].
#[derive(Debug)]
pub struct Tracker {
    /// The registry's epoch, for `since`.
    epoch: Instant,
    /// Requests handed to the service.
    calls: AtomicU64,
    /// Requests the service has answered.
    answered: AtomicU64,
    /// [`IDLE`], [`HEAD`] or [`BUSY`], as last seen.
    phase: AtomicU8,
    /// When the current phase began (or, idle, the last traffic), milliseconds after `epoch`.
    since: AtomicU64,
    /// Set by the registry: close at the next opportunity (unless busy).
    evict: AtomicBool,
    /// Wakes the guard's reader for an eviction.
    waker: Mutex<Option<Waker>>,
}

impl Tracker {
    /// The service got a request.
    pub fn request_started(&self) {
        self.calls.fetch_add(1, Ordering::AcqRel);
        self.mark(BUSY);
    }

    /// The service produced the answer of a request.
    pub fn request_answered(&self) {
        self.answered.fetch_add(1, Ordering::AcqRel);
        self.mark(IDLE);
    }

    /// Enters `phase` now.
    fn mark(&self, phase: u8) {
        let millis = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.since.store(millis, Ordering::Release);
        self.phase.store(phase, Ordering::Release);
    }

    /// When the current phase began.
    fn since(&self) -> Instant {
        self.epoch + Duration::from_millis(self.since.load(Ordering::Acquire))
    }
}

/// The connections of one listener, for closing the oldest idle ones when too many are open.
#[derive(Debug)]
pub struct Registry {
    epoch: Instant,
    open: Mutex<Vec<Weak<Tracker>>>,
    limits: ConnLimits,
    evicted: AtomicUsize,
}

impl Registry {
    /// An empty registry.
    pub fn new(limits: ConnLimits) -> Registry {
        Registry {
            epoch: Instant::now(),
            open: Mutex::new(Vec::new()),
            limits,
            evicted: AtomicUsize::new(0),
        }
    }

    /// The limits.
    pub fn limits(&self) -> ConnLimits {
        self.limits
    }

    /// Connections closed to make room so far.
    pub fn evicted(&self) -> usize {
        self.evicted.load(Ordering::Relaxed)
    }

    /// Registers a new connection; when that makes more than `max_connections`, the oldest
    /// connection that is idle or half-sent is asked to close.
    pub fn register(&self) -> Arc<Tracker> {
        let tracker = Arc::new(Tracker {
            epoch: self.epoch,
            calls: AtomicU64::new(0),
            answered: AtomicU64::new(0),
            phase: AtomicU8::new(IDLE),
            since: AtomicU64::new(0),
            evict: AtomicBool::new(false),
            waker: Mutex::new(None),
        });
        tracker.mark(IDLE);
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.retain(|t| t.strong_count() > 0);
        if open.len() >= self.limits.max_connections {
            let victim = open
                .iter()
                .filter_map(Weak::upgrade)
                .filter(|t| t.phase.load(Ordering::Acquire) != BUSY)
                .filter(|t| !t.evict.load(Ordering::Acquire))
                .min_by_key(|t| t.since.load(Ordering::Acquire));
            if let Some(victim) = victim {
                victim.evict.store(true, Ordering::Release);
                let waker = victim
                    .waker
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take();
                if let Some(waker) = waker {
                    waker.wake();
                }
                self.evicted.fetch_add(1, Ordering::Relaxed);
            }
        }
        open.push(Arc::downgrade(&tracker));
        tracker
    }
}

/// An answer the guard writes in place of hyper's, and how much of it is out.
#[derive(Debug)]
struct Pending {
    bytes: Vec<u8>,
    written: usize,
}

/// A connection's byte stream with the guard's timers and rewriting (see the module docs).
#[derive(Debug)]
pub struct Guarded<S> {
    io: S,
    tracker: Arc<Tracker>,
    registry: Arc<Registry>,
    error_body: ErrorBody,
    /// Requests whose first bytes arrived (kept at `calls + 1` while a head is arriving).
    heads: u64,
    timer: Pin<Box<Sleep>>,
    armed: Option<Instant>,
    /// Our answer replacing hyper's own, while it is being written.
    replacement: Option<Pending>,
    /// After our own error answer: until when the rest of the request is read and dropped,
    /// and how much of it was.
    linger: Option<(Instant, usize)>,
}

/// How long, and how many bytes at most, what a client still sends after an error answer is
/// read and dropped before the connection closes: closing with unread bytes would reset the
/// connection, and a reset can destroy the answer before the client has read it.
const LINGER: Duration = Duration::from_secs(1);
const LINGER_BYTES: usize = 1 << 20;

impl<S> Guarded<S> {
    /// Guards `io`, a connection registered as `tracker`.
    pub fn new(
        io: S,
        tracker: Arc<Tracker>,
        registry: Arc<Registry>,
        error_body: ErrorBody,
    ) -> Guarded<S> {
        Guarded {
            io,
            tracker,
            registry,
            error_body,
            heads: 0,
            timer: Box::pin(tokio::time::sleep_until(Instant::now().into())),
            armed: None,
            replacement: None,
            linger: None,
        }
    }

    fn calls(&self) -> u64 {
        self.tracker.calls.load(Ordering::Acquire)
    }

    /// The phase as the bytes and the service's counters tell it.
    fn phase(&self) -> u8 {
        let calls = self.calls();
        if self.heads > calls {
            HEAD
        } else if self.tracker.answered.load(Ordering::Acquire) < calls {
            BUSY
        } else {
            IDLE
        }
    }

    /// When the current phase runs out, if it can.
    fn deadline(&self) -> Option<Instant> {
        let limits = self.registry.limits;
        let since = self.tracker.since();
        match self.phase() {
            HEAD => Some(since + limits.header_read),
            IDLE if self.calls() == 0 => Some(since + limits.header_read),
            IDLE => Some(since + limits.idle),
            _ => None,
        }
    }

    /// A complete answer with the listener's JSON error body; the connection closes after it.
    fn answer(&self, status: u16) -> Vec<u8> {
        let (content_type, body) = (self.error_body)(status);
        let reason = axum::http::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Error");
        let mut out = format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        out.extend_from_slice(body.as_bytes());
        out
    }
}

/// The status of a bodiless error answer hyper wrote by itself (`content-length: 0`, no
/// `content-type`, status 400 or above), if `buf` starts with one.
fn own_error_status(buf: &[u8]) -> Option<u16> {
    let rest = buf.strip_prefix(b"HTTP/1.1 ")?;
    let status: u16 = std::str::from_utf8(rest.get(..3)?).ok()?.parse().ok()?;
    if status < 400 {
        return None;
    }
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
    let bodiless = head.contains("\r\ncontent-length: 0") && !head.contains("\r\ncontent-type:");
    bodiless.then_some(status)
}

impl<S: AsyncRead + AsyncWrite + Unpin> Guarded<S> {
    /// Writes what is left of the replacement answer.
    fn poll_replacement(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some(pending) = &mut self.replacement {
            if pending.written >= pending.bytes.len() {
                break;
            }
            let n = std::task::ready!(
                Pin::new(&mut self.io).poll_write(cx, &pending.bytes[pending.written..])
            )?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            pending.written += n;
        }
        Poll::Ready(Ok(()))
    }

    /// Sends `status` with the JSON error body as far as the socket takes it without
    /// waiting (the connection is closed right after: best effort).
    fn send_and_close(&mut self, cx: &mut Context<'_>, status: u16) {
        self.replacement = Some(Pending {
            bytes: self.answer(status),
            written: 0,
        });
        if let Poll::Ready(Ok(())) = self.poll_replacement(cx) {
            let _ = Pin::new(&mut self.io).poll_flush(cx);
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for Guarded<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.tracker.evict.load(Ordering::Acquire) && this.phase() != BUSY {
            return match this.phase() {
                HEAD => {
                    this.send_and_close(cx, 503);
                    Poll::Ready(Err(io::ErrorKind::TimedOut.into()))
                }
                _ => Poll::Ready(Ok(())),
            };
        }
        let filled = buf.filled().len();
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let got = buf.filled().len() - filled;
                match this.phase() {
                    IDLE if got > 0 => {
                        this.heads = this.calls() + 1;
                        this.tracker.mark(HEAD);
                    }
                    HEAD if got == 0 => this.send_and_close(cx, 400),
                    _ => {}
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                {
                    let mut waker = this
                        .tracker
                        .waker
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner);
                    if !waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                        *waker = Some(cx.waker().clone());
                    }
                }
                let Some(deadline) = this.deadline() else {
                    return Poll::Pending;
                };
                if this.armed != Some(deadline) {
                    this.timer.as_mut().reset(deadline.into());
                    this.armed = Some(deadline);
                }
                if this.timer.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                if this.phase() == HEAD {
                    this.send_and_close(cx, 408);
                    return Poll::Ready(Err(io::ErrorKind::TimedOut.into()));
                }
                // Idle too long: end of stream, a quiet close.
                Poll::Ready(Ok(()))
            }
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for Guarded<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        // Hyper answers by itself only between requests; the pipelined next request of one
        // that was just answered counts as between requests too.
        if this.replacement.is_none()
            && this.phase() != BUSY
            && let Some(status) = own_error_status(buf)
        {
            this.replacement = Some(Pending {
                bytes: this.answer(status),
                written: 0,
            });
        }
        if this.replacement.is_some() {
            // Hyper's own answer (and anything after it) is swallowed once ours is out.
            std::task::ready!(this.poll_replacement(cx))?;
            return Poll::Ready(Ok(buf.len()));
        }
        let written = std::task::ready!(Pin::new(&mut this.io).poll_write(cx, buf))?;
        if this.phase() == IDLE {
            // An answer being written is traffic: the idle time starts after it.
            this.tracker.mark(IDLE);
        }
        Poll::Ready(Ok(written))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        std::task::ready!(this.poll_replacement(cx))?;
        Pin::new(&mut this.io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        std::task::ready!(this.poll_replacement(cx))?;
        if this.replacement.is_none() {
            return Pin::new(&mut this.io).poll_shutdown(cx);
        }
        // Our error answer is out: close our side, then drop what the client still sends.
        let (deadline, mut drained) = match this.linger {
            Some(linger) => linger,
            None => {
                std::task::ready!(Pin::new(&mut this.io).poll_shutdown(cx))?;
                let deadline = Instant::now() + LINGER;
                this.timer.as_mut().reset(deadline.into());
                this.armed = Some(deadline);
                (deadline, 0)
            }
        };
        let mut scratch = [0u8; 8192];
        while drained < LINGER_BYTES && Instant::now() < deadline {
            let mut buf = ReadBuf::new(&mut scratch);
            match Pin::new(&mut this.io).poll_read(cx, &mut buf) {
                Poll::Ready(Ok(())) if !buf.filled().is_empty() => {
                    drained += buf.filled().len();
                    this.linger = Some((deadline, drained));
                }
                Poll::Ready(_) => break,
                Poll::Pending => {
                    this.linger = Some((deadline, drained));
                    if this.timer.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    break;
                }
            }
        }
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hypers_own_answers_are_recognised() {
        let own =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        assert_eq!(own_error_status(own), Some(431));
        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(own_error_status(ours), None);
        let fine = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(own_error_status(fine), None);
        assert_eq!(own_error_status(b"HTTP/1.1 400 Bad"), None);
        assert_eq!(own_error_status(b"{\"result\":1}"), None);
    }
}
