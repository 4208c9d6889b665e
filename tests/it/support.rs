//! Helpers shared by the integration tests.

use b24_core::{Client, Error, ErrorCode};
use b24_emulator::Emulator;

/// A started emulator and a webhook client for its default webhook.
pub async fn portal() -> (Emulator, Client) {
    portal_with(Emulator::builder()).await
}

/// A started emulator built from `builder`, and a webhook client for its default webhook.
pub async fn portal_with(builder: b24_emulator::EmulatorBuilder) -> (Emulator, Client) {
    let emulator = builder
        .start()
        .await
        .expect("the emulator starts on loopback");
    let client = Client::webhook(&emulator.webhook_url()).expect("loopback webhooks are accepted");
    (emulator, client)
}

/// A webhook client for `emulator` without client-side pacing (the emulator has no rate limit
/// unless a test sets one).
pub fn unpaced(emulator: &Emulator) -> Client {
    Client::builder()
        .webhook_url(&emulator.webhook_url())
        .expect("loopback webhooks are accepted")
        .rate_limit(None)
        .build()
        .expect("the client builds")
}

/// Every item of `stream` mapped by `id`, in delivery order, and the HTTP requests the stream
/// made; checks that its progress counted every item.
pub async fn drain_ids<T>(
    mut stream: b24_core::ItemStream<T>,
    id: impl Fn(T) -> u64,
) -> (Vec<u64>, u64) {
    use futures_util::StreamExt;

    let progress = stream.progress();
    let mut ids = Vec::new();
    while let Some(item) = stream.next().await {
        ids.push(id(item.expect("every item decodes")));
    }
    assert_eq!(progress.delivered(), ids.len() as u64);
    (ids, progress.requests())
}

/// The webhook URL of another webhook of the same portal.
pub fn webhook_url(emulator: &Emulator, user_id: u64, code: &str) -> String {
    format!("{}/rest/{user_id}/{code}/", emulator.base_url())
}

/// Unwraps an API error, checking its code and status.
#[track_caller]
pub fn assert_api_error<T: std::fmt::Debug>(
    result: Result<T, Error>,
    code: ErrorCode,
    status: u16,
) {
    match result {
        Err(Error::Api(api)) => {
            assert_eq!(api.code, code, "{api}");
            assert_eq!(api.status, status, "{api}");
        }
        other => panic!("expected {code} (HTTP {status}), got {other:?}"),
    }
}

/// A loopback server that answers each connection's request with the next canned response,
/// for answers no real portal gives on demand (HTML error pages, truncated bodies).
pub struct CannedServer {
    /// Its address, `127.0.0.1:port`.
    pub addr: std::net::SocketAddr,
    /// Number of requests it answered.
    pub hits: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl CannedServer {
    /// Starts answering with `responses` in turn (the last one repeats).
    pub async fn start(responses: Vec<String>) -> CannedServer {
        use std::sync::atomic::Ordering;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = hits.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let index = counter
                    .fetch_add(1, Ordering::SeqCst)
                    .min(responses.len() - 1);
                let response = responses[index].clone();
                tokio::spawn(async move {
                    let mut buffer = vec![0u8; 64 * 1024];
                    let mut read = 0;
                    // Read the head and the declared body, then answer.
                    loop {
                        let Ok(n) = socket.read(&mut buffer[read..]).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        read += n;
                        let text = String::from_utf8_lossy(&buffer[..read]);
                        if let Some(head_end) = text.find("\r\n\r\n") {
                            let length = text[..head_end]
                                .lines()
                                .find_map(|line| {
                                    let (name, value) = line.split_once(':')?;
                                    name.eq_ignore_ascii_case("content-length")
                                        .then(|| value.trim().parse::<usize>().ok())?
                                })
                                .unwrap_or(0);
                            if read >= head_end + 4 + length {
                                break;
                            }
                        }
                    }
                    let _ = socket.write_all(response.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        CannedServer { addr, hits }
    }

    /// A webhook URL pointing at this server.
    pub fn webhook_url(&self) -> String {
        format!("http://{}/rest/1/cannedcode/", self.addr)
    }
}

/// A complete HTTP/1.1 response with `status`, `content_type` and `body`.
pub fn http_response(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}
