//! The accept loops: plain HTTP, HTTPS (rustls) and the "moved portal" listener, each serving
//! the same axum router over hyper's HTTP/1.1 connection driver with keep-alive.
//!
//! Owning the accept loop lets the emulator know each request's source address (for the
//! leaky bucket), whether it arrived over TLS, lets a handler drop the connection without
//! an answer (the `reset` fault, see [`ResetConnection`]), and puts every connection behind
//! a [`Guarded`] stream: head and idle timeouts, a cap on open connections, and JSON bodies
//! for the errors hyper answers by itself.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tower_service::Service;

use crate::guard::{ConnLimits, ErrorBody, Guarded, Registry, Tracker};

/// A spawned server with its shutdown signal, shared by the handles of one emulator: stopped
/// gracefully by [`ServerTask::stop`], aborted when dropped.
#[derive(Debug)]
pub struct ServerTask {
    shutdown: Mutex<Option<watch::Sender<bool>>>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl ServerTask {
    /// Spawns `serve` on the current Tokio runtime; it gets the receiver that flips to `true`
    /// when the server is to stop.
    pub fn spawn<F, Fut>(serve: F) -> ServerTask
    where
        F: FnOnce(watch::Receiver<bool>) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let (tx, rx) = watch::channel(false);
        ServerTask {
            shutdown: Mutex::new(Some(tx)),
            task: Mutex::new(Some(tokio::spawn(serve(rx)))),
        }
    }

    /// Signals the stop, lets in-flight requests finish (at most 5 s) and waits for the task.
    pub async fn stop(&self) {
        if let Some(tx) = take(&self.shutdown) {
            let _ = tx.send(true);
        }
        if let Some(mut task) = take(&self.task)
            && tokio::time::timeout(Duration::from_secs(5), &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for ServerTask {
    fn drop(&mut self) {
        if let Some(task) = take(&self.task) {
            task.abort();
        }
    }
}

/// Takes the value out of a slot (a poisoned lock is recovered).
fn take<T>(slot: &Mutex<Option<T>>) -> Option<T> {
    slot.lock().unwrap_or_else(PoisonError::into_inner).take()
}

/// Which listener a connection came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListenerKind {
    /// The plain-HTTP portal address.
    Primary,
    /// The HTTPS portal address.
    Tls,
    /// The address a "moved" portal redirects to.
    Moved,
}

/// Per-connection facts, inserted into every request's extensions.
#[derive(Debug, Clone, Copy)]
pub struct ConnInfo {
    /// Source address.
    pub peer: SocketAddr,
    /// Listener.
    pub kind: ListenerKind,
    /// The listener's connection limits (a body may pause at most `header_read`).
    pub limits: ConnLimits,
}

/// How a listener serves: which one it is, TLS, connection limits and the JSON body of the
/// errors the HTTP layer answers by itself.
#[derive(Clone)]
pub struct Listener {
    /// Which listener.
    pub kind: ListenerKind,
    /// TLS, for the HTTPS listener.
    pub tls: Option<tokio_rustls::TlsAcceptor>,
    /// Timeouts and the cap on open connections.
    pub limits: ConnLimits,
    /// Error bodies in the API's own envelope.
    pub error_body: ErrorBody,
}

/// Why a request body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// Longer than the limit.
    TooLarge,
    /// The connection failed or the framing was broken.
    Broken,
    /// No bytes for longer than the pause allowed.
    Stalled,
}

/// Reads a body up to `limit` bytes, waiting at most `pause` for each piece. An oversized
/// body is drained (up to 4× the limit) so that the client receives the 413 answer instead of
/// a reset connection.
pub async fn read_body(
    mut body: Body,
    limit: usize,
    pause: Duration,
) -> Result<Vec<u8>, BodyError> {
    let mut buf = Vec::new();
    let mut seen: usize = 0;
    loop {
        let next = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx));
        let Ok(frame) = tokio::time::timeout(pause, next).await else {
            return Err(BodyError::Stalled);
        };
        match frame {
            None => break,
            Some(Err(_)) => return Err(BodyError::Broken),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    seen = seen.saturating_add(data.len());
                    if seen <= limit {
                        buf.extend_from_slice(&data);
                    } else {
                        buf = Vec::new();
                        if seen > limit.saturating_mul(4) {
                            break;
                        }
                    }
                }
            }
        }
    }
    if seen > limit {
        Err(BodyError::TooLarge)
    } else {
        Ok(buf)
    }
}

/// Response extension asking the connection driver to close the connection without sending
/// the response.
#[derive(Debug, Clone, Copy)]
pub struct ResetConnection;

#[derive(Debug)]
struct ResetError;

impl std::fmt::Display for ResetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by fault injection")
    }
}

impl std::error::Error for ResetError {}

/// Serves `router` on `listener` until `shutdown` flips to `true` (or its sender is dropped);
/// then stops accepting and lets open connections finish their current request.
pub async fn serve(
    listener: TcpListener,
    how: Listener,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let registry = Arc::new(Registry::new(how.limits));
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
            }
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else {
                    // e.g. too many open files: back off briefly instead of spinning
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let accepted = Accepted {
                    tracker: registry.register(),
                    registry: Arc::clone(&registry),
                    error_body: how.error_body,
                    info: ConnInfo { peer, kind: how.kind, limits: how.limits },
                    router: router.clone(),
                    shutdown: shutdown.clone(),
                };
                match how.tls.clone() {
                    None => {
                        conns.spawn(connection(stream, accepted));
                    }
                    Some(acceptor) => {
                        let handshake_limit = how.limits.header_read;
                        conns.spawn(async move {
                            let handshake = acceptor.accept(stream);
                            let handshake = tokio::time::timeout(handshake_limit, handshake);
                            if let Ok(Ok(tls_stream)) = handshake.await {
                                connection(tls_stream, accepted).await;
                            }
                        });
                    }
                }
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    drop(listener);
    while conns.join_next().await.is_some() {}
}

/// What an accepted connection needs to be served.
struct Accepted {
    tracker: Arc<Tracker>,
    registry: Arc<Registry>,
    error_body: ErrorBody,
    info: ConnInfo,
    router: Router,
    shutdown: watch::Receiver<bool>,
}

async fn connection<S>(io: S, accepted: Accepted)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let Accepted {
        tracker,
        registry,
        error_body,
        info,
        router,
        mut shutdown,
    } = accepted;
    let io = Guarded::new(io, Arc::clone(&tracker), registry, error_body);
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        let mut router = router.clone();
        request.extensions_mut().insert(info);
        tracker.request_started();
        let tracker = Arc::clone(&tracker);
        async move {
            let response = match router.call(request).await {
                Ok(r) => r,
                Err(never) => match never {},
            };
            tracker.request_answered();
            if response.extensions().get::<ResetConnection>().is_some() {
                return Err::<_, ResetError>(ResetError);
            }
            Ok(response)
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        // The guard times request heads out (hyper's timer would close idle keep-alive
        // connections as soon as half-sent ones).
        .header_read_timeout(None)
        // Without a head limit of its own, hyper checks its read buffer's limit only while a
        // head is incomplete: a big head that arrives in one read (a loaded machine lets the
        // socket fill up) is accepted whole. This limit applies to complete heads too. It is
        // above the longest URI hyper takes, so a long URI still gets 414.
        .max_header_size(MAX_HEAD_BYTES)
        .keep_alive(true)
        .serve_connection(TokioIo::new(io), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = shutdown.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

/// The largest request head (request line and headers) a listener reads: 128 KiB.
const MAX_HEAD_BYTES: usize = 128 * 1024;

/// A TLS acceptor for the given rustls configuration.
pub fn acceptor(config: Arc<rustls::ServerConfig>) -> tokio_rustls::TlsAcceptor {
    tokio_rustls::TlsAcceptor::from(config)
}
