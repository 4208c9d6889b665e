//! Throughput of the emulator: starts it in-process and hammers `server.time` through the
//! default webhook with keep-alive HTTP/1.1 connections, then prints calls per second.
//!
//! ```text
//! cargo run --release -p b24-emulator --example throughput -- [REQUESTS] [CONNECTIONS] [METHOD]
//! ```
//!
//! Defaults: 200,000 requests over 64 connections, method `server.time`; the run stops after
//! 60 seconds at the latest. The client is a minimal HTTP/1.1 writer/reader so that the
//! measurement is dominated by the server, not by the client library.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads one HTTP response with a `content-length` body from `stream`, keeping leftovers in
/// `buf`. Returns the status code.
async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<u16> {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let status = head
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            let total = end + 4 + len;
            while buf.len() < total {
                let mut chunk = [0u8; 8192];
                let n = stream.read(&mut chunk).await?;
                if n == 0 {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            buf.drain(..total);
            return Ok(status);
        }
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let requests: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let connections: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(64)
        .max(1);
    let method = args.next().unwrap_or_else(|| "server.time".to_owned());
    let deadline = Duration::from_secs(60);

    let emulator = b24_emulator::Emulator::start().await?;
    let addr = emulator.addr();
    let path = format!(
        "/rest/{}/{}/{method}",
        emulator.webhook_user_id(),
        emulator.webhook_code()
    );
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").into_bytes();
    let request = Arc::new(request);

    // warm-up
    {
        let mut s = TcpStream::connect(addr).await?;
        let mut buf = Vec::new();
        for _ in 0..100 {
            s.write_all(&request).await?;
            read_response(&mut s, &mut buf).await?;
        }
    }

    let issued = Arc::new(AtomicU64::new(0));
    let ok = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (issued, ok, failed, request) = (
            Arc::clone(&issued),
            Arc::clone(&ok),
            Arc::clone(&failed),
            Arc::clone(&request),
        );
        tasks.push(tokio::spawn(async move {
            let Ok(mut s) = TcpStream::connect(addr).await else {
                return;
            };
            let _ = s.set_nodelay(true);
            let mut buf = Vec::with_capacity(16 * 1024);
            while issued.fetch_add(1, Ordering::Relaxed) < requests && started.elapsed() < deadline
            {
                if s.write_all(&request).await.is_err() {
                    failed.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                match read_response(&mut s, &mut buf).await {
                    Ok(200) => ok.fetch_add(1, Ordering::Relaxed),
                    _ => failed.fetch_add(1, Ordering::Relaxed),
                };
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let ok = ok.load(Ordering::Relaxed);
    let failed = failed.load(Ordering::Relaxed);
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "{ok} successful calls ({failed} failed) of `{method}` over {connections} keep-alive \
connections in {elapsed:.2} s: {:.0} calls/s",
        ok as f64 / elapsed
    );
    let _ = writeln!(
        out,
        "emulator counted {} requests",
        emulator.total_requests()
    );
    drop(out);
    emulator.shutdown().await;
    Ok(())
}
