//! Delivery of online events: fire-and-forget form-encoded POSTs (PHP bracket syntax,
//! `Content-Type: application/x-www-form-urlencoded`) over plain HTTP to loopback handlers;
//! an `https://` handler is delivered to over plain HTTP as well. There are no retries, like on
//! the cloud.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::params;
use crate::state::Shared;
use crate::store::events::Delivery;
use crate::value::Value;

/// The form-encoded body of a delivery.
pub fn payload(shared: &Shared, d: &Delivery) -> String {
    let urls = shared.urls();
    let domain = urls
        .http
        .strip_prefix("http://")
        .unwrap_or(&urls.http)
        .to_owned();
    let mut auth = Vec::new();
    if let Some((token, scopes)) = &d.tokens {
        auth.push(("access_token", Value::from(token.as_str())));
        auth.push(("expires_in", Value::from("3600")));
        auth.push(("scope", Value::from(scopes.join(","))));
    }
    auth.push(("domain", Value::from(domain)));
    auth.push((
        "server_endpoint",
        Value::from("https://oauth.bitrix.info/rest/"),
    ));
    if d.tokens.is_some() {
        auth.push(("status", Value::from("L")));
    }
    auth.push((
        "client_endpoint",
        Value::from(format!("{}/rest/", urls.http)),
    ));
    auth.push(("member_id", Value::from(shared.member_id.as_str())));
    auth.push((
        "application_token",
        Value::from(shared.application_token.as_str()),
    ));
    let mut body = vec![("event".to_owned(), Value::from(d.event.as_str()))];
    if let Some(id) = d.handler_id {
        body.push(("event_handler_id".to_owned(), Value::from(id.to_string())));
    }
    body.push(("data".to_owned(), d.data.clone()));
    body.push(("ts".to_owned(), Value::from(d.ts.to_string())));
    body.push((
        "auth".to_owned(),
        Value::php_array(auth.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()),
    ));
    params::build_query(&Value::Map(body))
}

/// Sends deliveries in the background (no retries, errors ignored). Needs a Tokio runtime;
/// without one the deliveries are dropped.
pub fn send_all(shared: &Arc<Shared>, outbox: Vec<Delivery>) {
    if outbox.is_empty() {
        return;
    }
    let Ok(handle) = tokio::runtime::Handle::try_current() else {
        return;
    };
    for d in outbox {
        let body = payload(shared, &d);
        handle.spawn(async move {
            let _ = tokio::time::timeout(Duration::from_secs(10), post(&d.url, &body)).await;
        });
    }
}

/// A minimal HTTP/1.1 form POST to `http(s)://host[:port]/path` (sent as plain HTTP); answers
/// the handler's HTTP status (0 when the answer has no status line).
pub(crate) async fn post(url: &str, body: &str) -> std::io::Result<u16> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or(url);
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let addr = if authority.contains(':') && !authority.ends_with(']') {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: Bitrix24 Webhook Engine\r\n\
Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut sink = Vec::new();
    let _ = stream.read_to_end(&mut sink).await;
    let status = String::from_utf8_lossy(&sink[..sink.len().min(16)])
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    Ok(status)
}
