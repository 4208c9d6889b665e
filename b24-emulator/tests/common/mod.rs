//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::ops::Deref;

use b24_emulator::{Emulator, EmulatorBuilder};
use serde_json::Value;

/// A plain-http client (the workspace's reqwest has rustls without a default provider).
pub fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().build().expect("reqwest client")
}

/// A decoded answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub text: String,
    pub json: Value,
}

impl Answer {
    pub fn error(&self) -> &str {
        self.json["error"].as_str().unwrap_or("")
    }

    pub fn description(&self) -> &str {
        self.json["error_description"].as_str().unwrap_or("")
    }

    pub fn result(&self) -> &Value {
        &self.json["result"]
    }

    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str, description: &str) {
        assert_eq!(
            (self.status, self.error(), self.description()),
            (status, code, description),
            "{}",
            self.text
        );
    }

    #[track_caller]
    pub fn assert_ok(&self) -> &Value {
        assert_eq!(self.status, 200, "{}", self.text);
        assert!(self.json.get("error").is_none(), "{}", self.text);
        assert!(self.json["time"].is_object(), "{}", self.text);
        self.result()
    }
}

/// A response header as text (empty when absent).
pub fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

pub async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let content_type = header(&response, "content-type");
    let text = response.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        content_type,
        text,
        json,
    }
}

/// POST a JSON body.
pub async fn post_json(client: &reqwest::Client, url: &str, body: Value) -> Answer {
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("send");
    answer(response).await
}

/// POST a raw body with a content type.
pub async fn post_raw(
    client: &reqwest::Client,
    url: &str,
    content_type: &str,
    body: &str,
) -> Answer {
    let response = client
        .post(url)
        .header("content-type", content_type)
        .body(body.to_owned())
        .send()
        .await
        .expect("send");
    answer(response).await
}

/// GET a URL.
pub async fn get(client: &reqwest::Client, url: &str) -> Answer {
    answer(client.get(url).send().await.expect("send")).await
}

/// A running emulator with a plain-http client; derefs to the [`Emulator`].
pub struct Portal {
    pub emu: Emulator,
    pub c: reqwest::Client,
}

impl Deref for Portal {
    type Target = Emulator;

    fn deref(&self) -> &Emulator {
        &self.emu
    }
}

impl Portal {
    /// An emulator with default settings.
    pub async fn start() -> Portal {
        Portal::with(Emulator::builder()).await
    }

    /// An emulator from `builder`.
    pub async fn with(builder: EmulatorBuilder) -> Portal {
        Portal {
            emu: builder.start().await.expect("emulator starts"),
            c: client(),
        }
    }

    /// `{webhook}{method}` (the method may carry a query string).
    pub fn hook(&self, method: &str) -> String {
        format!("{}{method}", self.emu.webhook_url())
    }

    /// `{base}{path}` (`path` starts with `/`).
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.emu.base_url())
    }

    /// POSTs a JSON body to a method through the default webhook.
    pub async fn call(&self, method: &str, body: Value) -> Answer {
        post_json(&self.c, &self.hook(method), body).await
    }

    /// GETs a method (with its query string) through the default webhook.
    pub async fn get(&self, method: &str) -> Answer {
        get(&self.c, &self.hook(method)).await
    }

    /// POSTs a raw body to a method through the default webhook.
    pub async fn call_raw(&self, method: &str, content_type: &str, body: &str) -> Answer {
        post_raw(&self.c, &self.hook(method), content_type, body).await
    }

    /// POSTs a JSON body to `/_emulator/{route}` (the control API).
    pub async fn control(&self, route: &str, body: Value) -> Answer {
        post_json(&self.c, &self.at(&format!("/_emulator/{route}")), body).await
    }

    /// GETs `/_emulator/{route}`.
    pub async fn control_get(&self, route: &str) -> Answer {
        get(&self.c, &self.at(&format!("/_emulator/{route}"))).await
    }
}

/// One answer read off a raw connection.
#[derive(Debug)]
pub struct RawAnswer {
    pub status: u16,
    /// The head, lower-cased.
    pub head: String,
    pub body: Vec<u8>,
}

impl RawAnswer {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads one answer (head and `content-length` body, or up to the end of the stream) from
/// `stream`, keeping what follows in `buf`. `None` when the stream ends or fails first.
pub async fn read_answer(
    stream: &mut tokio::net::TcpStream,
    buf: &mut Vec<u8>,
) -> Option<RawAnswer> {
    use tokio::io::AsyncReadExt;
    let mut chunk = vec![0u8; 64 * 1024];
    let end = loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    buf.drain(..end + 4);
    let length = match length {
        Some(length) => length,
        None => loop {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                break buf.len();
            }
            buf.extend_from_slice(&chunk[..n]);
        },
    };
    while buf.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf.drain(..length).collect();
    Some(RawAnswer { status, head, body })
}

/// Sends `request` on a fresh connection to `addr` and reads one answer (at most `wait`).
pub async fn raw_exchange(
    addr: std::net::SocketAddr,
    request: &[u8],
    wait: std::time::Duration,
) -> Option<RawAnswer> {
    use tokio::io::AsyncWriteExt;
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
        stream.write_all(request).await.ok()?;
        read_answer(&mut stream, &mut Vec::new()).await
    };
    tokio::time::timeout(wait, exchange).await.ok().flatten()
}

/// A one-shot HTTP sink on loopback: returns its URL and a receiver for request bodies.
pub async fn sink() -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/handler", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Ok(n) = s.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let len = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if body.len() >= len {
                            assert!(
                                head.to_ascii_lowercase()
                                    .contains("application/x-www-form-urlencoded")
                            );
                            let _ = tx.send(body.to_owned());
                            break;
                        }
                    }
                }
                let _ = s
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .await;
            });
        }
    });
    (url, rx)
}
