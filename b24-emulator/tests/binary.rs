//! The `b24-emulator` binary: `--help`, argument errors, and serving on a random port.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_b24-emulator");

#[test]
fn help_is_printed() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("USAGE"), "{text}");
    assert!(text.contains("--port"), "{text}");
}

#[test]
fn bad_arguments_fail() {
    let out = Command::new(BIN).arg("--bogus").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(BIN)
        .args(["--port", "notaport"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// The binary started with `args` and `--ca-out` to a temporary file: the child, its stdout
/// and the CA path.
fn spawn(name: &str, args: &[&str]) -> (Child, BufReader<ChildStdout>, PathBuf) {
    let ca = std::env::temp_dir().join(format!("b24-emu-bin-{name}-{}.pem", std::process::id()));
    let mut child = Command::new(BIN)
        .args(args)
        .arg("--ca-out")
        .arg(&ca)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    (child, stdout, ca)
}

/// The next line the binary printed, trimmed.
fn line(stdout: &mut BufReader<ChildStdout>) -> String {
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    line.trim().to_owned()
}

/// A raw HTTP/1.1 GET of `{webhook}{method}`; `None` when the URL or the connection fails.
fn get(webhook: &str, method: &str) -> Option<String> {
    let rest = webhook.strip_prefix("http://")?;
    let (host, path) = rest.split_once('/')?;
    let mut stream = TcpStream::connect(host).ok()?;
    write!(
        stream,
        "GET /{path}{method} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn serves_and_prints_the_webhook() {
    let (child, mut stdout, ca) = spawn("serve", &["--port", "0"]);
    let line = line(&mut stdout);
    let url = line
        .strip_prefix("webhook: ")
        .unwrap_or_default()
        .to_owned();
    let response = get(&url, "server.time");
    stop(child);
    let _ = std::fs::remove_file(&ca);
    let response = response.unwrap_or_default();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with('/'),
        "{line}"
    );
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"result\":\""), "{response}");
}

#[test]
fn flags_seed_tls_and_limits() {
    let args = [
        "--seed-deals",
        "120",
        "--rate-limit",
        "standard",
        "--https-port",
        "0",
    ];
    let (child, mut stdout, ca) = spawn("test", &args);
    let lines: Vec<String> = (0..4).map(|_| line(&mut stdout)).collect();
    let url = lines[0].strip_prefix("webhook: ").unwrap_or_default();
    let response = get(url, "crm.deal.list?start=100");
    stop(child);
    let pem = std::fs::read_to_string(&ca).unwrap_or_default();
    let _ = std::fs::remove_file(&ca);
    assert!(
        lines[1].starts_with("https_webhook: https://127.0.0.1:"),
        "{lines:?}"
    );
    assert_eq!(lines[2], format!("ca: {}", ca.display()));
    assert!(lines[3].starts_with("base: http://127.0.0.1:"), "{lines:?}");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    let response = response.unwrap_or_default();
    assert!(response.contains("\"total\":120"), "{response}");
    assert!(response.contains("\"ID\":\"120\""), "{response}");
}
