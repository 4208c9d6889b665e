//! Peak memory of decoding one large list answer, typed and as `serde_json::Value`.
//!
//! A tiny loopback server answers every request with the same body; the client decodes it
//! through the public API. Before each call the process's peak resident set is reset to its
//! current size (`echo 5 > /proc/self/clear_refs`); after it, `VmHWM` minus that size is the
//! memory the call needed: the body read from the socket, the decoding, the result. Linux only.
//!
//! ```text
//! cargo run --release -p b24-core --example decode_memory [-- --mib 64] [--with-tree]
//! ```
//!
//! `--with-tree` also decodes the answer as `Value` with the memory limit raised far enough to
//! let the tree be built, to show what the limit prevents (about 2.4 GB for 64 MiB of ones).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;

use b24_core::{Client, b24_method};
use serde::Serialize;
use serde_json::json;

#[b24_method("crm.deal.list", scope = "crm", response = Vec<u64>, read_only)]
#[derive(Serialize)]
struct Ones {}

const MIB: f64 = 1024.0 * 1024.0;

/// Serves `body` as the answer to every request on a loopback port; returns the port.
fn serve(body: Arc<Vec<u8>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let port = listener.local_addr().expect("its address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let body = body.clone();
            std::thread::spawn(move || {
                // The request is small: read its head and body, then answer and close.
                let mut request = vec![0u8; 64 * 1024];
                let _ = stream.read(&mut request);
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            });
        }
    });
    port
}

/// A field of `/proc/self/status`, in KiB.
fn status_kib(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `call`, printing the peak resident memory it added.
async fn measure<F, T>(label: &str, body_bytes: usize, call: F) -> Result<(), String>
where
    F: std::future::Future<Output = Result<T, b24_core::Error>>,
    T: Summary,
{
    std::fs::write("/proc/self/clear_refs", "5")
        .map_err(|error| format!("cannot reset the peak resident set: {error}"))?;
    let before = status_kib("VmRSS:").ok_or("no VmRSS in /proc/self/status")?;
    let started = std::time::Instant::now();
    let outcome = call.await;
    let peak = status_kib("VmHWM:").ok_or("no VmHWM in /proc/self/status")?;
    let added = (peak - before).max(0.0) * 1024.0;
    let what = match &outcome {
        Ok(value) => value.summary(),
        Err(error) => format!("refused: {error}"),
    };
    println!(
        "{label:<26} peak +{:>8.1} MiB ({:>5.1}x the body)  {:>6.2} s  {what}",
        added / MIB,
        added / body_bytes as f64,
        started.elapsed().as_secs_f64(),
    );
    Ok(())
}

/// A one-line description of a decoded result.
trait Summary {
    fn summary(&self) -> String;
}

impl Summary for Vec<u64> {
    fn summary(&self) -> String {
        format!("{} numbers", self.len())
    }
}

impl Summary for b24_core::Envelope<serde_json::Value> {
    fn summary(&self) -> String {
        let items = self.result.as_array().map_or(0, Vec::len);
        format!("{items} values")
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut mib = 64usize;
    let mut with_tree = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--mib" => mib = args.next().ok_or("--mib needs a number")?.parse()?,
            "--with-tree" => with_tree = true,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    // `{"result":[1,1,…]}` of the requested size: the shape that expands the most.
    let count = mib * 1024 * 1024 / 2;
    let mut body = Vec::with_capacity(count * 2 + 16);
    body.extend_from_slice(br#"{"result":["#);
    for index in 0..count {
        body.extend_from_slice(if index + 1 == count { b"1" } else { b"1," });
    }
    body.extend_from_slice(b"]}");
    let body_bytes = body.len();
    let port = serve(Arc::new(body));
    let url = format!("http://127.0.0.1:{port}/rest/1/code/");
    println!(
        "answer: {:.1} MiB, {count} list items; default limit 256 MiB",
        body_bytes as f64 / MIB
    );

    let client = Client::builder()
        .webhook_url(&url)?
        .rate_limit(None)
        .build()?;
    measure("typed (Vec<u64>)", body_bytes, client.call(&Ones {})).await?;
    measure(
        "as Value, default limit",
        body_bytes,
        client.call_raw("crm.deal.list", &json!({})),
    )
    .await?;
    if with_tree {
        let unbounded = Client::builder()
            .webhook_url(&url)?
            .rate_limit(None)
            .max_response_bytes(usize::MAX / 2)
            .build()?;
        measure(
            "as Value, limit lifted",
            body_bytes,
            unbounded.call_raw("crm.deal.list", &json!({})),
        )
        .await?;
    }
    Ok(())
}
