//! What hostile requests cost the emulator: CPU for huge form bodies, peak memory for `batch`
//! references, how long half-sent requests hold their connections.
//!
//! ```text
//! cargo run --release -p b24-emulator --example hostile -- form [KEYS]       # default 1,000,000
//! cargo run --release -p b24-emulator --example hostile -- batch [REFS]      # default 20,000
//! cargo run --release -p b24-emulator --example hostile -- half-open [CONNS] # default 2,000
//! ```
//!
//! * `form`: one form body of KEYS keys POSTed to `server.time`; the answer and the CPU time
//!   of this process (the emulator plus a client that only writes) while it is served.
//! * `batch`: a `batch` whose second command references the first one's 50-deal list REFS
//!   times (`$result[a]`); the answer and the growth of this process's peak resident memory.
//! * `half-open`: CONNS connections each send half a request head and stall; how long until
//!   the emulator has closed all of them (the run gives up after 40 s).
//!
//! Linux only (`/proc/self`). Each measurement runs in a fresh process, so that peaks do not
//! mix.

use std::time::{Duration, Instant};

use b24_emulator::Emulator;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// CPU time (user + system) of this process, seconds, from `/proc/self/stat`.
fn process_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok());
    ticks(11).unwrap_or(0.0) / 100.0 + ticks(12).unwrap_or(0.0) / 100.0
}

/// Peak resident memory of this process, MiB, from `/proc/self/status`.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// `name(i)=1` joined by `&`, for `i` in `0..n`.
fn keys(n: usize, name: impl Fn(usize) -> String) -> String {
    let mut out = String::with_capacity(n * 12);
    for i in 0..n {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&name(i));
        out.push_str("=1");
    }
    out
}

/// What one POST cost: the answer (status and text, or the error) and the wall time.
struct Posted {
    status: u16,
    text: String,
    wall: f64,
}

/// POSTs a form body to `method` through the default webhook (waiting up to 120 s).
async fn post_form(emu: &Emulator, method: &str, body: &str) -> Result<Posted, reqwest::Error> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()?;
    let started = Instant::now();
    let answer = client
        .post(format!("{}{method}", emu.webhook_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await;
    let (status, text) = match answer {
        Ok(r) => (r.status().as_u16(), r.text().await.unwrap_or_default()),
        Err(e) => (0, format!("no answer: {e}")),
    };
    let wall = started.elapsed().as_secs_f64();
    Ok(Posted { status, text, wall })
}

async fn form(n: usize) -> Result<(), Box<dyn std::error::Error>> {
    let emu = Emulator::start().await?;
    let body = keys(n, |i| format!("k{i}"));
    let cpu = process_cpu();
    let posted = post_form(&emu, "server.time", &body).await?;
    let cpu = process_cpu() - cpu;
    let head: String = posted.text.chars().take(160).collect();
    println!(
        "form body of {n} keys ({} bytes): HTTP {} after {:.2} s wall, {cpu:.2} s CPU: {head}",
        body.len(),
        posted.status,
        posted.wall
    );
    Ok(())
}

async fn batch(refs: usize) -> Result<(), Box<dyn std::error::Error>> {
    let emu = Emulator::start().await?;
    emu.seed("deal", 50);
    let command = format!(
        "crm.deal.add?{}",
        keys(refs, |i| format!("fields[X{i}]")).replace("=1", "=$result[a]")
    );
    let body = format!(
        "cmd[a]=crm.deal.list&cmd[b]={}",
        b24_emulator::params::url_encode(&command)
    );
    let before = peak_rss_mib();
    let posted = post_form(&emu, "batch", &body).await?;
    let grown = peak_rss_mib() - before;
    let error: String = posted
        .text
        .split("\"result_error\":")
        .nth(1)
        .unwrap_or("")
        .chars()
        .take(200)
        .collect();
    println!(
        "batch with {refs} references ({} bytes): HTTP {} after {:.2} s, peak memory +{grown:.0} MiB, {} bytes answered; result_error: {error}",
        body.len(),
        posted.status,
        posted.wall,
        posted.text.len()
    );
    Ok(())
}

async fn half_open(n: usize) -> Result<(), Box<dyn std::error::Error>> {
    let emu = Emulator::start().await?;
    let addr = emu.addr();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..n {
        tasks.spawn(async move {
            let mut stream = TcpStream::connect(addr).await.ok()?;
            stream
                .write_all(b"GET /rest/server.time HTTP/1.1\r\nHost: x\r\n")
                .await
                .ok()?;
            let sent = Instant::now();
            let mut buf = [0u8; 512];
            let mut answer = Vec::new();
            // Read until the emulator closes the connection (or 40 s pass).
            let closed = tokio::time::timeout(Duration::from_secs(40), async {
                loop {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => answer.extend_from_slice(&buf[..n]),
                    }
                }
            })
            .await;
            let status =
                String::from_utf8_lossy(answer.get(9..12).unwrap_or_default()).into_owned();
            closed.ok().map(|()| (sent.elapsed(), status))
        });
    }
    let mut held_for = Vec::new();
    let mut statuses = std::collections::BTreeMap::<String, usize>::new();
    let mut open = 0;
    while let Some(done) = tasks.join_next().await {
        match done.ok().flatten() {
            Some((held, status)) => {
                held_for.push(held);
                *statuses.entry(status).or_default() += 1;
            }
            None => open += 1,
        }
    }
    let longest = held_for.iter().max().copied().unwrap_or_default();
    println!(
        "{n} half-sent requests: {} closed by the emulator (answers {statuses:?}), each at most {:.1} s after its half head, all within {:.1} s; {open} still open after 40 s",
        held_for.len(),
        longest.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_default();
    let n: Option<usize> = args.next().and_then(|a| a.parse().ok());
    match what.as_str() {
        "form" => form(n.unwrap_or(1_000_000)).await?,
        "batch" => batch(n.unwrap_or(20_000)).await?,
        "half-open" => half_open(n.unwrap_or(2_000)).await?,
        _ => eprintln!("usage: hostile form|batch|half-open [N]"),
    }
    Ok(())
}
