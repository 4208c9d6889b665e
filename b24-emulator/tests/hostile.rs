//! Hostile requests: bodies with a million keys, clients that leave, `batch` references that
//! multiply a large result, half-sent heads, too many connections, and errors of the HTTP
//! layer, which all answer JSON.
//!
//! Three tests measure this process's CPU time or peak memory, so every test here runs alone
//! (a lock): each measures its own requests only.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use b24_emulator::r7::R7Emulator;
use b24_emulator::{Emulator, params};
use common::{Portal, RawAnswer, raw_exchange, read_answer};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

/// Serialises the tests of this file.
static ALONE: Mutex<()> = Mutex::const_new(());

/// CPU time (user + system) of this process, seconds.
fn process_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields[i].parse::<f64>().expect("clock ticks");
    // utime and stime, in clock ticks of 1/100 s.
    (ticks(11) + ticks(12)) / 100.0
}

/// Peak resident memory of this process, MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    kb / 1024.0
}

/// A form body of `n` distinct keys (`k0=1&k1=1&…`).
fn million_keys(n: usize) -> String {
    let mut body = String::with_capacity(n * 10);
    for i in 0..n {
        if i > 0 {
            body.push('&');
        }
        body.push_str(&format!("k{i}=1"));
    }
    body
}

/// A raw POST of a form body to `path`.
fn form_post(path: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn webhook_path(emu: &Emulator, method: &str) -> String {
    format!("/rest/1/{}/{method}", emu.webhook_code())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_million_keys_are_refused_within_a_second_of_cpu() {
    let _alone = ALONE.lock().await;
    let emu = Emulator::start().await.unwrap();
    let body = million_keys(1_000_000);
    assert!(body.len() > 9_000_000 && body.len() < 16 * 1024 * 1024);
    let request = form_post(&webhook_path(&emu, "server.time"), &body);
    let cpu = process_cpu();
    let started = Instant::now();
    // The linear search never answered this body (40,000 keys took 2.2 s of CPU).
    let answer = raw_exchange(emu.addr(), &request, Duration::from_secs(30))
        .await
        .expect("an answer within 30 s");
    let (cpu, wall) = (process_cpu() - cpu, started.elapsed());
    println!(
        "1,000,000-key form body: HTTP {} after {wall:?}, {cpu:.2} s CPU",
        answer.status
    );
    assert_eq!(answer.status, 400, "{}", answer.text());
    assert_eq!(
        answer.json(),
        json!({
            "error": "INVALID_REQUEST",
            "error_description": "Input variables exceeded 10000. To increase the limit change max_input_vars in php.ini.",
        })
    );
    // Generous for a debug build on a shared machine; this process also wrote the 9.9 MB.
    assert!(cpu < 1.0, "{cpu:.2} s of CPU");
    // Up to the limit the variables are decoded as usual.
    let body = million_keys(10_000);
    let request = form_post(&webhook_path(&emu, "server.time"), &body);
    let answer = raw_exchange(emu.addr(), &request, Duration::from_secs(30)).await;
    assert_eq!(answer.map(|a| a.status), Some(200));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_leaves_costs_nothing_after() {
    let _alone = ALONE.lock().await;
    let emu = Emulator::start().await.unwrap();
    let request = form_post(&webhook_path(&emu, "server.time"), &million_keys(1_000_000));
    let mut stream = TcpStream::connect(emu.addr()).await.unwrap();
    stream.write_all(&request).await.unwrap();
    // The client waits long enough for the work to start, then leaves without reading; then
    // this process is watched for a second.
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop(stream);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let cpu = process_cpu();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let cpu = process_cpu() - cpu;
    println!("CPU in the second after the client left: {cpu:.2} s");
    // The old decoder went on for minutes at a full core.
    assert!(cpu < 0.3, "{cpu:.2} s of CPU after the client left");
    // And the emulator still answers.
    let client = common::client();
    let a = common::get(&client, &format!("{}server.time", emu.webhook_url())).await;
    a.assert_ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_references_are_capped_by_size() {
    let _alone = ALONE.lock().await;
    let p = Portal::start().await;
    p.seed("deal", 50);
    let batch = |refs: usize| {
        let refs: Vec<String> = (0..refs)
            .map(|i| format!("fields[X{i}]=$result[a]"))
            .collect();
        let command = format!("crm.deal.add?{}", refs.join("&"));
        format!(
            "cmd[a]=crm.deal.list&cmd[b]={}",
            params::url_encode(&command)
        )
    };
    // A few copies of a 50-deal list are fine.
    let a = p
        .call_raw("batch", "application/x-www-form-urlencoded", &batch(3))
        .await;
    assert_eq!(a.assert_ok()["result"]["b"], json!(51), "{}", a.text);
    // 3,000 copies grew the old emulator by 735 MiB (20,000 by 3 GB); now the command is
    // refused once its references would exceed the 16 MiB a request may carry.
    let before = peak_rss_mib();
    let started = Instant::now();
    let a = p
        .call_raw("batch", "application/x-www-form-urlencoded", &batch(3_000))
        .await;
    let grown = peak_rss_mib() - before;
    println!(
        "batch with 3,000 references: HTTP {} after {:?}, peak memory +{grown:.0} MiB",
        a.status,
        started.elapsed()
    );
    let result = a.assert_ok();
    assert_eq!(result["result"]["a"].as_array().map(Vec::len), Some(50));
    assert_eq!(
        result["result_error"]["b"]["error"],
        json!("ERROR_BATCH_LENGTH_EXCEEDED"),
        "{}",
        a.text
    );
    assert_eq!(
        result["result_error"]["b"]["error_description"],
        json!("Max batch length exceeded: the references grow the batch beyond 16777216 bytes")
    );
    assert_eq!(
        p.request_count("crm.deal.add"),
        2,
        "the refused command did not run"
    );
    assert!(grown < 256.0, "peak memory grew by {grown:.0} MiB");
}

/// Reads until the emulator closes the connection (at most `wait`): what it sent, or `None`
/// when it did not close in time.
async fn until_closed(stream: &mut TcpStream, wait: Duration) -> Option<Vec<u8>> {
    let mut seen = Vec::new();
    let mut chunk = [0u8; 4096];
    tokio::time::timeout(wait, async {
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await
    .ok()?;
    Some(seen)
}

#[tokio::test]
async fn half_sent_heads_time_out_with_json() {
    let _alone = ALONE.lock().await;
    let limit = Duration::from_millis(500);
    let emu = Emulator::builder()
        .header_read_timeout(limit)
        .start()
        .await
        .unwrap();
    let addr = emu.addr();
    // 200 connections with half a head each: all answered 408 and closed.
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..200 {
        tasks.spawn(async move {
            let mut s = TcpStream::connect(addr).await.unwrap();
            s.write_all(b"GET /rest/server.time HTTP/1.1\r\nHost: x\r\n")
                .await
                .unwrap();
            until_closed(&mut s, Duration::from_secs(5)).await
        });
    }
    while let Some(seen) = tasks.join_next().await {
        let seen = seen.unwrap().expect("closed by the emulator");
        let text = String::from_utf8_lossy(&seen);
        assert!(text.starts_with("HTTP/1.1 408 "), "{text}");
        let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        let body: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(body["error"], json!("REQUEST_TIMEOUT"), "{text}");
    }
    let all_closed = started.elapsed();
    println!("200 half-sent heads closed after {all_closed:?}");
    assert!(all_closed < Duration::from_secs(3), "{all_closed:?}");

    // A head trickled a byte at a time gains nothing: the limit runs from its first byte.
    let mut s = TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    let head = b"GET /rest/server.time HTTP/1.1\r\nHost: x\r\nX-Slow: yes\r\n\r\n";
    let mut closed_after = None;
    for byte in head {
        if s.write_all(&[*byte]).await.is_err() {
            closed_after = Some(started.elapsed());
            break;
        }
        let mut one = [0u8; 1];
        if let Ok(Ok(_)) = tokio::time::timeout(Duration::from_millis(50), s.read(&mut one)).await {
            closed_after = Some(started.elapsed());
            break;
        }
    }
    let closed_after = closed_after.expect("the trickled head was cut off");
    assert!(closed_after < Duration::from_secs(2), "{closed_after:?}");

    // A fresh connection that sends nothing is closed quietly.
    let mut s = TcpStream::connect(addr).await.unwrap();
    assert_eq!(
        until_closed(&mut s, Duration::from_secs(3)).await,
        Some(Vec::new())
    );

    // A used connection may idle longer than a head may take.
    let mut s = TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET /rest/1/{}/server.time HTTP/1.1\r\nHost: x\r\n\r\n",
        emu.webhook_code()
    );
    let mut buf = Vec::new();
    for _ in 0..2 {
        s.write_all(request.as_bytes()).await.unwrap();
        let a = read_answer(&mut s, &mut buf).await.expect("an answer");
        assert_eq!(a.status, 200, "{}", a.text());
        tokio::time::sleep(limit * 2).await;
    }
}

#[tokio::test]
async fn too_many_connections_close_the_oldest_idle_ones() {
    let _alone = ALONE.lock().await;
    let emu = Emulator::builder()
        .max_connections(20)
        .start()
        .await
        .unwrap();
    let mut idle = Vec::new();
    for _ in 0..30 {
        idle.push(TcpStream::connect(emu.addr()).await.unwrap());
    }
    // A real request still gets through, and the first ten idle connections made room.
    let path = webhook_path(&emu, "server.time");
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n");
    let a = raw_exchange(emu.addr(), request.as_bytes(), Duration::from_secs(5)).await;
    assert_eq!(a.map(|a| a.status), Some(200));
    let mut closed = 0;
    for s in idle.iter_mut().take(10) {
        if until_closed(s, Duration::from_secs(2)).await.is_some() {
            closed += 1;
        }
    }
    assert_eq!(closed, 10);
}

/// Sends `request` and expects a JSON answer with `status`.
async fn json_answer(addr: SocketAddr, request: &[u8], status: u16) -> RawAnswer {
    let a = raw_exchange(addr, request, Duration::from_secs(10))
        .await
        .unwrap_or_else(|| {
            panic!(
                "no answer to {:?}",
                String::from_utf8_lossy(&request[..60.min(request.len())])
            )
        });
    assert_eq!(a.status, status, "{}", a.text());
    assert!(
        a.head.contains("content-type: application/json"),
        "{}",
        a.head
    );
    a
}

/// Requests the HTTP layer refuses by itself: malformed, URI too long, headers too large.
fn refused_by_http() -> [(Vec<u8>, u16); 4] {
    let long_uri = format!(
        "GET /rest/{} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(70_000)
    );
    let many_headers: String = (0..120).map(|i| format!("X-H{i}: 1\r\n")).collect();
    let big_header = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(500_000)
    );
    [
        (b"GARBAGE\r\n\r\n".to_vec(), 400),
        (long_uri.into_bytes(), 414),
        (
            format!("GET / HTTP/1.1\r\n{many_headers}\r\n").into_bytes(),
            431,
        ),
        (big_header.into_bytes(), 431),
    ]
}

#[tokio::test]
async fn errors_of_the_http_layer_are_json() {
    let _alone = ALONE.lock().await;
    let emu = Emulator::builder()
        .header_read_timeout(Duration::from_millis(500))
        .start()
        .await
        .unwrap();
    let addr = emu.addr();
    let codes = [
        (400, "INVALID_REQUEST"),
        (414, "REQUEST_URI_TOO_LONG"),
        (431, "REQUEST_HEADER_FIELDS_TOO_LARGE"),
    ];
    for (request, status) in refused_by_http() {
        let a = json_answer(addr, &request, status).await;
        let code = codes.iter().find(|(s, _)| *s == status).map(|(_, c)| *c);
        assert_eq!(a.json()["error"].as_str(), code, "{}", a.text());
    }
    // A body that stops halfway.
    let path = webhook_path(&emu, "server.time");
    let stalled = format!("POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
    let a = json_answer(addr, stalled.as_bytes(), 408).await;
    assert_eq!(a.json()["error"], json!("REQUEST_TIMEOUT"));
    // A control route with a verb it does not take, and a control body over axum's limit.
    let a = json_answer(
        addr,
        b"DELETE /_emulator/counters HTTP/1.1\r\nHost: x\r\n\r\n",
        405,
    )
    .await;
    assert_eq!(a.json()["ok"], json!(false));
    let big = format!("{{\"x\":\"{}\"}}", "a".repeat(3 * 1024 * 1024));
    let request = format!(
        "POST /_emulator/faults HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{big}",
        big.len()
    );
    let a = json_answer(addr, request.as_bytes(), 413).await;
    assert_eq!(a.json()["ok"], json!(false));

    // The R7 emulator answers the same requests in its own envelope.
    let r7 = R7Emulator::start().await.unwrap();
    for (request, status) in refused_by_http() {
        let a = json_answer(r7.addr(), &request, status).await;
        assert_eq!(a.json()["status"], json!(1), "{}", a.text());
        assert_eq!(a.json()["statusCode"], json!(status), "{}", a.text());
        assert!(a.json()["error"]["message"].is_string(), "{}", a.text());
    }
}
