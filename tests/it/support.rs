//! Helpers shared by the integration tests.

use b24_core::{Client, ClientBuilder, Error, ErrorCode};
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

/// A started emulator and a webhook client for it without client-side pacing.
pub async fn unpaced_portal() -> (Emulator, Client) {
    let (emulator, _) = portal().await;
    let client = unpaced_for(&emulator);
    (emulator, client)
}

/// A webhook client of `url` without client-side pacing, configured further by `configure`.
pub fn unpaced(url: &str, configure: impl FnOnce(ClientBuilder) -> ClientBuilder) -> Client {
    let builder = Client::builder()
        .webhook_url(url)
        .expect("a valid webhook URL")
        .rate_limit(None);
    configure(builder).build().expect("a valid configuration")
}

/// A webhook client of `url` that gives up after one retry: for tests of what a failure looks
/// like, which would otherwise wait out the default back-off (half a minute over 8 attempts).
pub fn retrying_once(url: &str) -> Client {
    Client::builder()
        .webhook_url(url)
        .expect("a valid webhook URL")
        .retry(b24_core::schedule::RetryPolicy::attempts(2))
        .build()
        .expect("a valid configuration")
}

/// An R7 client of the loopback server at `addr`, holding the session token `token`.
pub fn r7_with_token(addr: std::net::SocketAddr, token: &str) -> b24_core::r7::Client {
    b24_core::r7::Client::builder()
        .portal(&format!("http://{addr}"))
        .token(token)
        .build()
        .expect("loopback portals are accepted")
}

/// A webhook client for `emulator` without client-side pacing (the emulator has no rate limit
/// unless a test sets one).
pub fn unpaced_for(emulator: &Emulator) -> Client {
    unpaced(&emulator.webhook_url(), |builder| builder)
}

/// Asserts that the first page of the list `request` holds 50 of `total` items and points at
/// the next page, at 50.
pub async fn assert_first_page<M, T>(client: &Client, request: &M, total: u64)
where
    M: b24_core::Method<Response = Vec<T>>,
{
    let first = client.call_envelope(request).await.expect("listed");
    assert_eq!(first.result.len(), 50);
    assert_eq!((first.total, first.next), (Some(total), Some(50)));
}

/// A started emulator and an unpaced client calling it as an application of user #1 with
/// `scopes` (event and placement methods refuse webhooks), bound offline to `events`.
pub async fn app_portal(scopes: &[&str], events: &[&str]) -> (Emulator, Client) {
    let emulator = Emulator::start()
        .await
        .expect("the emulator starts on loopback");
    let token = emulator.issue_oauth_token(1, scopes);
    let portal = b24_core::OAuth::with_token(&emulator.portal_url(), token);
    let client = Client::builder()
        .oauth(portal.expect("a loopback portal"))
        .rate_limit(None)
        .build()
        .expect("a valid configuration");
    for event in events {
        let bind = b24_methods::event::bind::EventBind::new(*event, "").with_event_type("offline");
        client.call(&bind).await.expect("bound");
    }
    (emulator, client)
}

/// The ID a creating call answers with (`calendar.section.add`, `task.commentitem.add`, …).
pub async fn created<M>(client: &Client, request: &M) -> i64
where
    M: b24_core::Method<Response = b24_core::types::Numeric>,
{
    let id = client.call(request).await.expect("created");
    id.as_i64().expect("an ID")
}

/// The offline queue of `client`'s application, in order: each event's name and data.
pub async fn offline_events(client: &Client) -> Vec<(String, serde_json::Value)> {
    let queue = client
        .call(&b24_methods::event::offline::get::EventOfflineGet::default())
        .await
        .expect("the offline queue");
    queue["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            let name = e["EVENT_NAME"].as_str().unwrap_or_default().to_owned();
            (name, e["EVENT_DATA"].clone())
        })
        .collect()
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

/// The `(code, description)` of the API error a call must have failed with.
pub fn api_failure<T: std::fmt::Debug>(result: Result<T, Error>) -> (String, String) {
    match result {
        Err(Error::Api(api)) => (api.code.to_string(), api.description),
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// The code of the API error a call must have failed with.
pub fn api_code<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    api_failure(result).0
}

/// What a loopback test server does with one request.
pub enum Reply {
    /// Writes this raw HTTP response, then closes the connection.
    Send(String),
    /// Writes this raw HTTP response one byte at a time, `every` apart (a trickling server).
    Trickle(String, std::time::Duration),
    /// Keeps the connection open without answering (for at most a minute).
    Silent,
    /// Closes the connection without answering.
    Close,
}

/// A loopback server that answers each connection's request with the next canned response,
/// for answers no real portal gives on demand (HTML error pages, truncated bodies, hostile
/// servers).
pub struct CannedServer {
    /// Its address, `127.0.0.1:port`.
    pub addr: std::net::SocketAddr,
    /// Number of requests it answered.
    pub hits: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// Every request it read (head and body), in order.
    pub requests: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl CannedServer {
    /// Starts answering with `responses` in turn (the last one repeats).
    pub async fn start(responses: Vec<String>) -> CannedServer {
        CannedServer::serve(move |index, _| {
            Reply::Send(responses[index.min(responses.len() - 1)].clone())
        })
        .await
    }

    /// Starts answering the `n`-th request (from 0), whose head and body are `request`, with
    /// `reply(n, request)`.
    pub async fn serve(
        reply: impl Fn(usize, &str) -> Reply + Send + Sync + 'static,
    ) -> CannedServer {
        use std::sync::atomic::Ordering;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = hits.clone();
        let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let recorded = requests.clone();
        let reply = std::sync::Arc::new(reply);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let (counter, recorded, reply) = (counter.clone(), recorded.clone(), reply.clone());
                tokio::spawn(async move {
                    let mut buffer = vec![0u8; 64 * 1024];
                    let mut read = 0;
                    // Read the head and the declared body, then answer.
                    let request = loop {
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
                                break text.into_owned();
                            }
                        }
                    };
                    let index = counter.fetch_add(1, Ordering::SeqCst);
                    recorded.lock().unwrap().push(request.clone());
                    match reply(index, &request) {
                        Reply::Send(response) => {
                            let _ = socket.write_all(response.as_bytes()).await;
                        }
                        Reply::Trickle(response, every) => {
                            for byte in response.as_bytes() {
                                if socket.write_all(&[*byte]).await.is_err() {
                                    return;
                                }
                                tokio::time::sleep(every).await;
                            }
                        }
                        Reply::Silent => {
                            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                        }
                        Reply::Close => return,
                    }
                    let _ = socket.shutdown().await;
                });
            }
        });
        CannedServer {
            addr,
            hits,
            requests,
        }
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

/// The caller's own disk storage (entity type `user`) on the emulator's portal.
pub async fn callers_storage(
    client: &Client,
) -> b24_methods::disk::storage::get_list::DiskStorageGetListResult {
    let storages = client
        .call(&b24_methods::disk::storage::get_list::DiskStorageGetList::default())
        .await
        .expect("listed");
    storages
        .into_iter()
        .find(|storage| storage.entity_type.as_deref() == Some("user"))
        .expect("the caller's storage")
}

/// Adds the element `code` with `fields` to the list `iblock_code` (ID `list`) of the
/// `lists` type.
pub async fn add_list_element(
    client: &Client,
    list: i64,
    iblock_code: &str,
    code: String,
    fields: b24_methods::lists::element::ListsElement,
) {
    client
        .call(&b24_methods::lists::element::add::ListsElementAdd::new(
            "lists",
            list,
            iblock_code,
            code,
            vec![fields],
        ))
        .await
        .expect("added");
}

/// Creates the list `code` named `name` of the `lists` type and returns its ID.
pub async fn add_list(client: &Client, code: &str, name: &str) -> i64 {
    client
        .call(&b24_methods::lists::add::ListsAdd::new(
            "lists",
            code,
            b24_methods::lists::Lists::default().with_name(name),
        ))
        .await
        .expect("created")
        .as_i64()
        .expect("an ID")
}
