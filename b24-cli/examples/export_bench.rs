//! Benchmark (not a test): `b24 export crm.deal.list` of 250,000 deals from an emulated portal
//! at the STANDARD request limit (2/s after a burst of 50). Prints the HTTP requests, the
//! 503s, the exporter's peak RSS and whether every deal came out exactly once.
//!
//! ```text
//! cargo run --release -p b24-cli --example export_bench [-- DEALS]
//! ```
//!
//! The portal runs in this process; the export runs in a child process (this same program,
//! re-executed) so that its peak RSS is its own.

use std::collections::HashSet;
use std::io::BufRead;
use std::process::{Command, ExitCode};
use std::time::Instant;

const CHILD: &str = "--export-child";

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(CHILD) {
        // The exporter: exactly what `b24 --webhook URL export crm.deal.list -o FILE` does
        // (every field of every deal).
        let code = b24_cli::run([
            "b24",
            "--webhook",
            &args[2],
            "--rate-limit",
            "standard",
            "--budget",
            &args[4],
            "export",
            "crm.deal.list",
            "-o",
            &args[3],
        ]);
        println!("peak_rss_kib {}", peak_rss_kib());
        return code;
    }
    let deals: u64 = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(250_000);
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let portal = runtime
        .block_on(
            b24_emulator::Emulator::builder()
                .rate_limit(b24_emulator::RateLimit::Standard)
                .start(),
        )
        .expect("the emulator starts");
    portal.seed("deal", deals);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("deals.ndjson");
    let budget = dir.path().join("budget.json");
    let started = Instant::now();
    let child = Command::new(std::env::current_exe().expect("own path"))
        .args([CHILD, &portal.webhook_url()])
        .arg(&out)
        .arg(&budget)
        .env("XDG_STATE_HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .output()
        .expect("the exporter runs");
    let wall = started.elapsed();
    let stdout = String::from_utf8_lossy(&child.stdout);
    let peak: u64 = stdout
        .lines()
        .find_map(|line| line.strip_prefix("peak_rss_kib "))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let mut ids = HashSet::new();
    let mut lines = 0u64;
    for line in std::io::BufReader::new(std::fs::File::open(&out).expect("the export file")).lines()
    {
        let deal: serde_json::Value = serde_json::from_str(&line.expect("a line")).expect("NDJSON");
        ids.insert(deal["ID"].as_str().unwrap_or_default().to_owned());
        lines += 1;
    }
    let requests = portal.total_requests();
    let refused = portal.status_count(503);
    let once = lines == deals && ids.len() as u64 == deals;
    println!("deals:          {deals}");
    println!("exit status:    {}", child.status);
    println!("wall time:      {:.1} s", wall.as_secs_f64());
    println!("HTTP requests:  {requests} (limit for the issue: <= 102)");
    println!("503 answers:    {refused}");
    println!(
        "peak RSS:       {:.1} MiB (limit: < 64 MiB)",
        peak as f64 / 1024.0
    );
    println!(
        "NDJSON lines:   {lines}, unique IDs {}: every deal exactly once: {once}",
        ids.len()
    );
    print!("{}", String::from_utf8_lossy(&child.stderr));
    let ok = child.status.success() && once && requests <= 102 && refused == 0 && peak < 64 * 1024;
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
