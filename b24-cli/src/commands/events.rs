//! `b24 events listen --forward-to URL`: binds offline events, polls the queue and re-posts
//! each event form-encoded (PHP brackets, as the portal's queue server does) to a local
//! handler, so that an application can be developed without a public address. Ctrl-C unbinds.

use std::time::Duration;

use b24_core::form::to_query_string;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::cli::EventsCommand;
use crate::connect::{ConnectionArgs, Session};
use crate::exit::{Failure, Outcome};

/// Bound when no `--event` is given.
const DEFAULT_EVENTS: &[&str] = &["ONCRMDEALADD", "ONCRMDEALUPDATE", "ONCRMDEALDELETE"];

/// Runs `b24 events`.
pub async fn run(connection: &ConnectionArgs, command: EventsCommand) -> Outcome {
    let EventsCommand::Listen {
        forward_to,
        event,
        interval,
    } = command;
    let target = Target::parse(&forward_to)?;
    let events: Vec<String> = if event.is_empty() {
        DEFAULT_EVENTS.iter().map(|e| (*e).to_owned()).collect()
    } else {
        event.iter().map(|e| e.to_ascii_uppercase()).collect()
    };
    let session = connection.connect().await?;
    for name in &events {
        session
            .call(
                "event.bind",
                &json!({ "event": name, "event_type": "offline" }),
            )
            .await?;
    }
    if let Some(emulator) = &session.emulator {
        eprintln!(
            "emulated portal: {} (webhook {})",
            emulator.base_url(),
            emulator.webhook_url()
        );
    }
    eprintln!(
        "listening for {} on {}; forwarding to {forward_to} (Ctrl-C to stop)",
        events.join(", "),
        session.redacted_base
    );
    let portal = session.redacted_base.clone();
    let poll = async {
        let mut keep = true;
        loop {
            keep = forward_batch(&session, &target, &portal, keep).await?;
            tokio::time::sleep(Duration::from_millis(interval.max(50))).await;
        }
        #[allow(unreachable_code)]
        Ok::<(), Failure>(())
    };
    let outcome = tokio::select! {
        result = poll => result,
        _ = tokio::signal::ctrl_c() => Ok(()),
    };
    for name in &events {
        if let Err(error) = session
            .call(
                "event.unbind",
                &json!({ "event": name, "event_type": "offline" }),
            )
            .await
        {
            eprintln!(
                "b24: could not unbind {name}: {}",
                crate::exit::describe(&error)
            );
        }
    }
    eprintln!("unbound {}", events.join(", "));
    outcome
}

/// Fetches queued events and forwards them. With `keep`, rows are claimed (`clear=0`) and
/// cleared once forwarded; portals without that feature get `clear=1`. Returns whether to
/// keep claiming.
async fn forward_batch(
    session: &Session,
    target: &Target,
    portal: &str,
    keep: bool,
) -> Result<bool, Failure> {
    let params = json!({ "clear": if keep { 0 } else { 1 }, "limit": 50 });
    let result = match session.call("event.offline.get", &params).await {
        Ok(envelope) => envelope.result,
        Err(error) if keep && error.code().and_then(|c| c.as_str()) == Some("WRONG_LICENSE") => {
            return Ok(false);
        }
        Err(error) => return Err(error.into()),
    };
    let rows = result
        .get("events")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut forwarded = Vec::new();
    for row in &rows {
        let event = row.get("EVENT_NAME").and_then(Value::as_str).unwrap_or("");
        let payload = json!({
            "event": event,
            "data": row.get("EVENT_DATA").cloned().unwrap_or(Value::Null),
            "ts": unix_now().to_string(),
            "auth": { "domain": domain(portal), "client_endpoint": portal.trim_end_matches("***/") },
        });
        match target.post(&to_query_string(&payload)).await {
            Ok(status) => eprintln!("{event} → {status}"),
            Err(error) => eprintln!("b24: {event} could not be delivered: {error}"),
        }
        if let Some(id) = row.get("MESSAGE_ID") {
            forwarded.push(id.clone());
        }
    }
    if keep && let Some(process) = result.get("process_id").filter(|p| p.is_string()) {
        session
            .call(
                "event.offline.clear",
                &json!({ "process_id": process, "message_id": forwarded }),
            )
            .await?;
    }
    Ok(keep)
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn domain(portal: &str) -> String {
    url::Url::parse(portal)
        .ok()
        .and_then(|url| {
            url.host_str().map(|host| match url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            })
        })
        .unwrap_or_default()
}

/// The local handler: plain HTTP (it runs on the developer's machine).
struct Target {
    host: String,
    port: u16,
    path: String,
}

impl Target {
    fn parse(text: &str) -> Result<Target, Failure> {
        let url = url::Url::parse(text)
            .map_err(|e| Failure::usage(format!("--forward-to `{text}`: {e}")))?;
        if url.scheme() != "http" {
            return Err(Failure::usage(
                "--forward-to takes an http:// address of a local handler",
            ));
        }
        let host = url
            .host_str()
            .ok_or_else(|| Failure::usage("--forward-to needs a host"))?
            .to_owned();
        let mut path = url.path().to_owned();
        if let Some(query) = url.query() {
            path = format!("{path}?{query}");
        }
        Ok(Target {
            host,
            port: url.port().unwrap_or(80),
            path,
        })
    }

    /// POSTs a form body; the answer's status line.
    async fn post(&self, body: &str) -> std::io::Result<String> {
        let connect = tokio::net::TcpStream::connect((self.host.as_str(), self.port));
        let mut stream = tokio::time::timeout(Duration::from_secs(5), connect)
            .await
            .map_err(|_| {
                std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out")
            })??;
        let request = format!(
            "POST {} HTTP/1.1\r\nHost: {}:{}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\nConnection: close\r\nUser-Agent: b24-events-listen\r\n\r\n{body}",
            self.path,
            self.host,
            self.port,
            body.len()
        );
        stream.write_all(request.as_bytes()).await?;
        let mut head = vec![0u8; 256];
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut head))
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer"))??;
        let text = String::from_utf8_lossy(&head[..read]);
        Ok(text.lines().next().unwrap_or("no status line").to_owned())
    }
}
