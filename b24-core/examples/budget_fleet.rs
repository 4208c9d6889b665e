//! The fleet runs of issue 17: worker processes sharing one portal's budget through a store,
//! against emulator portals at the STANDARD limit (2 requests/s, burst 50).
//!
//! ```text
//! cargo run -p b24-core --features budget-postgres,budget-redis --example budget_fleet -- \
//!     [--requests 3000] [--scenarios postgres,redis,unshared,two-hosts,skew,kill,property]
//! ```
//!
//! Every scenario gets its own emulator portal, so they all run at once: the wall time is that
//! of the longest (the PostgreSQL and Redis fleets, `--requests` at 2 per second). The
//! PostgreSQL scenarios need `B24_TEST_POSTGRES` (`.ci/postgres.sh`); the Redis fleet needs
//! `B24_TEST_REDIS` (`.ci/redis.sh`) and the kill scenario `redis-server` (it starts, kills and
//! restarts a server of its own). Prints one line per scenario and exits non-zero when any
//! fails or cannot run. The same binary is the worker (`budget_fleet worker …`).

use std::collections::BTreeMap;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use b24_core::schedule::{RateLimit, RetryPolicy};
use b24_core::{Client, Error};
use b24_emulator::Emulator;
use b24_emulator::limits::RateLimit as PortalLimit;
use serde_json::{Value, json};

/// The worker's arguments.
#[derive(Debug, Default)]
struct WorkerArgs {
    webhook: String,
    budget: String,
    requests: i64,
    tasks: usize,
    local_address: Option<std::net::IpAddr>,
    clock_offset: f64,
    deals: bool,
    operating_limit: Option<f64>,
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    if args.first().map(String::as_str) == Some("worker") {
        let worker = parse_worker(&args[1..]);
        let report = runtime.block_on(work(worker));
        println!("{report}");
        return std::process::ExitCode::SUCCESS;
    }
    let subscriber = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::WARN)
        .finish();
    let _ = tracing::subscriber::set_global_default(subscriber);
    let mut requests = 3000i64;
    let mut scenarios = String::from("postgres,redis,unshared,two-hosts,skew,kill,property");
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--requests" => requests = iter.next().and_then(|n| n.parse().ok()).unwrap_or(3000),
            "--scenarios" => scenarios = iter.next().cloned().unwrap_or_default(),
            other => {
                eprintln!("unknown argument {other}");
                return std::process::ExitCode::from(2);
            }
        }
    }
    let ok = runtime.block_on(orchestrate(requests, &scenarios));
    if ok {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}

fn parse_worker(args: &[String]) -> WorkerArgs {
    let mut worker = WorkerArgs {
        tasks: 4,
        ..WorkerArgs::default()
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let value = iter.next().cloned().unwrap_or_default();
        match arg.as_str() {
            "--webhook" => worker.webhook = value,
            "--budget" => worker.budget = value,
            "--requests" => worker.requests = value.parse().unwrap_or(0),
            "--tasks" => worker.tasks = value.parse().unwrap_or(4),
            "--local-address" => worker.local_address = value.parse().ok(),
            "--clock-offset" => worker.clock_offset = value.parse().unwrap_or(0.0),
            "--deals" => worker.deals = value == "yes",
            "--operating-limit" => worker.operating_limit = value.parse().ok(),
            _ => {}
        }
    }
    worker
}

/// One worker: `requests` calls over `tasks` tasks; reports what became of them as JSON.
async fn work(args: WorkerArgs) -> Value {
    let budget = if args.clock_offset != 0.0 {
        let separator = if args.budget.contains('?') { '&' } else { '?' };
        format!(
            "{}{separator}clock_offset={}",
            args.budget, args.clock_offset
        )
    } else {
        args.budget.clone()
    };
    let mut builder = Client::builder()
        .webhook_url(&args.webhook)
        .and_then(|builder| builder.budget(&budget))
        .expect("worker configuration")
        .rate_limit(Some(RateLimit::STANDARD))
        .retry(
            RetryPolicy::attempts(20).max_wait(Duration::from_secs(if args.deals {
                1
            } else {
                600
            })),
        )
        .deadline(Duration::from_secs(3600));
    if let Some(address) = args.local_address {
        builder = builder.local_address(address);
    }
    if let Some(limit) = args.operating_limit {
        builder = builder.operating_limit(limit);
    }
    let client = builder.build().expect("worker client");
    let left = Arc::new(AtomicI64::new(args.requests));
    let mut tasks = Vec::new();
    for _ in 0..args.tasks.max(1) {
        let client = client.clone();
        let left = Arc::clone(&left);
        let deals = args.deals;
        tasks.push(tokio::spawn(async move {
            let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
            while left.fetch_sub(1, Ordering::SeqCst) > 0 {
                let result = if deals {
                    client
                        .call_raw("crm.deal.list", &json!({"start": 49_950, "select": ["ID"]}))
                        .await
                } else {
                    client.call_raw("profile", &json!({})).await
                };
                let outcome = match &result {
                    Ok(_) => String::from("ok"),
                    Err(Error::Api(api)) => api.code.to_string(),
                    Err(other) => format!("error: {other}"),
                };
                let blocked = outcome == "OPERATION_TIME_LIMIT";
                *outcomes.entry(outcome).or_default() += 1;
                if blocked {
                    // Blocked until the window moves: the run for this method is over.
                    left.store(0, Ordering::SeqCst);
                }
            }
            outcomes
        }));
    }
    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    for task in tasks {
        for (outcome, count) in task.await.unwrap_or_default() {
            *outcomes.entry(outcome).or_default() += count;
        }
    }
    json!({ "outcomes": outcomes })
}

/// One worker process to start.
struct Spawn {
    budget: String,
    requests: i64,
    tasks: usize,
    local_address: Option<&'static str>,
    clock_offset: f64,
    deals: bool,
    operating_limit: Option<f64>,
}

impl Spawn {
    fn new(budget: &str, requests: i64) -> Self {
        Spawn {
            budget: budget.to_owned(),
            requests,
            tasks: 4,
            local_address: None,
            clock_offset: 0.0,
            deals: false,
            operating_limit: None,
        }
    }
}

/// Runs the workers against `portal` at once; returns their outcomes summed and the wall time.
async fn fleet(portal: &Emulator, workers: Vec<Spawn>) -> (BTreeMap<String, u64>, f64) {
    let me = std::env::current_exe().expect("the harness's own path");
    let started = Instant::now();
    let mut children = Vec::new();
    for spawn in workers {
        let mut command = tokio::process::Command::new(&me);
        command
            .arg("worker")
            .args(["--webhook", &portal.webhook_url()])
            .args(["--budget", &spawn.budget])
            .args(["--requests", &spawn.requests.to_string()])
            .args(["--tasks", &spawn.tasks.to_string()])
            .args(["--clock-offset", &spawn.clock_offset.to_string()])
            .args(["--deals", if spawn.deals { "yes" } else { "no" }])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        if let Some(address) = spawn.local_address {
            command.args(["--local-address", address]);
        }
        if let Some(limit) = spawn.operating_limit {
            command.args(["--operating-limit", &limit.to_string()]);
        }
        children.push(command.spawn().expect("a worker process"));
    }
    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    for child in children {
        let output = child.wait_with_output().await.expect("a worker's output");
        let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(
            |_| json!({ "outcomes": { format!("worker exit {}", output.status): 1 } }),
        );
        if let Some(map) = report["outcomes"].as_object() {
            for (outcome, count) in map {
                *outcomes.entry(outcome.clone()).or_default() += count.as_u64().unwrap_or(0);
            }
        }
    }
    (outcomes, started.elapsed().as_secs_f64())
}

/// A portal at the STANDARD limit.
async fn portal() -> Emulator {
    let portal = Emulator::start().await.expect("an emulator portal");
    portal.set_rate_limit(PortalLimit::Standard);
    portal
}

/// A scenario's verdict.
struct Verdict {
    name: &'static str,
    passed: bool,
    line: String,
}

fn verdict(name: &'static str, passed: bool, line: String) -> Verdict {
    Verdict { name, passed, line }
}

/// Splits `total` requests over `workers`.
fn split(total: i64, workers: i64) -> Vec<i64> {
    (0..workers)
        .map(|index| total / workers + i64::from(index < total % workers))
        .collect()
}

/// Eight workers sharing `total` requests, each with the budget store `budget`.
fn eight_workers(budget: &str, total: i64) -> Vec<Spawn> {
    split(total, 8)
        .into_iter()
        .map(|n| Spawn::new(budget, n))
        .collect()
}

/// Shared store, 8 workers: no 503, at least 1.9 requests per second.
async fn shared_fleet(name: &'static str, url: Option<String>, total: i64) -> Verdict {
    let Some(url) = url else {
        return verdict(
            name,
            false,
            String::from("no server URL in the environment"),
        );
    };
    let portal = portal().await;
    let workers = eight_workers(&format!("{url}?workers=8"), total);
    let (outcomes, wall) = fleet(&portal, workers).await;
    let (refused, served) = (portal.status_count(503), portal.status_count(200));
    let rate = served as f64 / wall;
    let passed = refused == 0 && rate >= 1.9 && outcomes.get("ok") == Some(&(total as u64));
    verdict(
        name,
        passed,
        format!(
            "{total} requests, 8 workers: {refused}×503, {rate:.3} req/s, {wall:.1} s, {outcomes:?}"
        ),
    )
}

/// No sharing: every worker thinks it has the bucket to itself; the portal refuses.
async fn unshared(total: i64) -> Verdict {
    let portal = portal().await;
    let workers = eight_workers("memory", total);
    let (outcomes, wall) = fleet(&portal, workers).await;
    let refused = portal.status_count(503);
    verdict(
        "unshared",
        refused > 0,
        format!(
            "{total} requests, 8 workers, memory stores: {refused}×503 (must be > 0), {wall:.1} s, {outcomes:?}"
        ),
    )
}

/// Two hosts (127.0.0.2, 127.0.0.3), two workers each: two buckets, one operating account.
async fn two_hosts(url: Option<String>, total: i64) -> Verdict {
    let Some(url) = url else {
        return verdict(
            "two-hosts",
            false,
            String::from("B24_TEST_POSTGRES is not set"),
        );
    };
    let portal = portal().await;
    let budget = format!("{url}?workers=2");
    let hosts = ["127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3"];
    let workers = split(total, 4)
        .into_iter()
        .zip(hosts)
        .map(|(n, host)| Spawn {
            local_address: Some(host),
            ..Spawn::new(&budget, n)
        })
        .collect();
    let (outcomes, wall) = fleet(&portal, workers).await;
    let refused = portal.status_count(503);
    // One bucket would need (total - 50) / 2 seconds at least.
    let one_bucket = (total as f64 - 50.0) / 2.0;
    let buckets_ok = refused == 0 && wall < 0.75 * one_bucket;
    // Operating time at the cloud's 480 s: a list page deep in 50,000 deals costs 1.1 s of
    // modelled time, so both hosts together reach the limit in about 415 calls.
    portal.seed("deal", 50_000);
    portal.set_operating_limit(Some(480.0));
    let blocked_before = portal.status_count(429);
    let workers = hosts
        .iter()
        .map(|host| Spawn {
            local_address: Some(host),
            deals: true,
            tasks: 2,
            ..Spawn::new(&budget, 400)
        })
        .collect();
    let (deal_outcomes, deal_wall) = fleet(&portal, workers).await;
    let refusals_429 = portal.status_count(429) - blocked_before;
    let operating_ok = refusals_429 <= 4 && deal_outcomes.contains_key("OPERATION_TIME_LIMIT");
    verdict(
        "two-hosts",
        buckets_ok && operating_ok,
        format!(
            "{total} requests from 2 addresses: {refused}×503, {wall:.1} s (one bucket needs ≥ {one_bucket:.0} s), {outcomes:?}; \
             operating time to its limit: {refusals_429}×429 for 4 workers (≤ 4), {deal_wall:.1} s, {deal_outcomes:?}"
        ),
    )
}

/// Workers whose clocks are 5 s ahead and behind: the store's clock rules, no 503.
async fn skew(url: Option<String>, total: i64) -> Verdict {
    let Some(url) = url else {
        return verdict("skew", false, String::from("B24_TEST_POSTGRES is not set"));
    };
    let portal = portal().await;
    let workers = eight_workers(&format!("{url}?workers=8"), total)
        .into_iter()
        .enumerate()
        .map(|(index, spawn)| Spawn {
            clock_offset: if index % 2 == 0 { 5.0 } else { -5.0 },
            ..spawn
        })
        .collect();
    let (outcomes, wall) = fleet(&portal, workers).await;
    let refused = portal.status_count(503);
    verdict(
        "skew",
        refused == 0 && outcomes.get("ok") == Some(&(total as u64)),
        format!(
            "{total} requests, clocks ±5 s: {refused}×QUERY_LIMIT_EXCEEDED, {wall:.1} s, {outcomes:?}"
        ),
    )
}

/// A Redis of the scenario's own, killed a third into the run and started again.
async fn kill(total: i64) -> Verdict {
    let Ok(dir) = tempdir() else {
        return verdict("kill", false, String::from("no temporary directory"));
    };
    let port = free_port();
    let url = format!("redis://127.0.0.1:{port}/0");
    let start = || {
        std::process::Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args(["--save", "", "--appendonly", "no", "--dir", &dir])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map(Server)
    };
    let Ok(server) = start() else {
        return verdict(
            "kill",
            false,
            String::from("redis-server cannot be started"),
        );
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let portal = portal().await;
    let workers = eight_workers(&format!("{url}?workers=8"), total);
    let expected = (total as f64 - 50.0) / 2.0;
    let run = fleet(&portal, workers);
    let chaos = async {
        tokio::time::sleep(Duration::from_secs_f64(expected / 3.0)).await;
        drop(server);
        tokio::time::sleep(Duration::from_secs(10)).await;
        let restarted = start().ok();
        tokio::time::sleep(Duration::from_secs(10)).await;
        // Sharing resumed: the workers book in the new server again.
        let keys = redis_keys(&url).await;
        (restarted, keys)
    };
    let ((outcomes, wall), (restarted, keys)) = tokio::join!(run, chaos);
    drop(restarted);
    let _ = std::fs::remove_dir_all(&dir);
    let refused = portal.status_count(503);
    let requests = portal.total_requests();
    let share = refused as f64 / requests.max(1) as f64;
    verdict(
        "kill",
        share <= 0.01 && keys > 0 && outcomes.get("ok") == Some(&(total as u64)),
        format!(
            "{total} calls, store killed for 10 s: {refused}×503 of {requests} requests ({:.2}% ≤ 1%), \
             {keys} budget key(s) in the restarted store, {wall:.1} s, {outcomes:?}",
            share * 100.0
        ),
    )
}

/// 4 processes × 32 tasks on one host's file store: the portal's bucket never overflows (a
/// request finding it above the burst is the 503 counted here), and the level the portal
/// reports, sampled while the run lasts, never passes the burst.
async fn property() -> Verdict {
    let portal = portal().await;
    let Ok(dir) = tempdir() else {
        return verdict("property", false, String::from("no temporary directory"));
    };
    let budget = format!("{dir}/budget.json?workers=4");
    let workers = (0..4)
        .map(|_| Spawn {
            tasks: 32,
            ..Spawn::new(&budget, 48)
        })
        .collect();
    let done = std::sync::atomic::AtomicBool::new(false);
    let sampler = async {
        let mut highest = 0.0f64;
        let counters = format!("{}/_emulator/counters", portal.base_url());
        let http = reqwest::Client::new();
        while !done.load(Ordering::SeqCst) {
            if let Ok(answer) = http.get(&counters).send().await
                && let Ok(bytes) = answer.bytes().await
                && let Ok(body) = serde_json::from_slice::<Value>(&bytes)
                && let Some(sources) = body["sources"].as_object()
            {
                for source in sources.values() {
                    highest = highest.max(source["bucket_level"].as_f64().unwrap_or(0.0));
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        highest
    };
    let run = async {
        let result = fleet(&portal, workers).await;
        done.store(true, Ordering::SeqCst);
        result
    };
    let ((outcomes, wall), highest) = tokio::join!(run, sampler);
    let _ = std::fs::remove_dir_all(&dir);
    let refused = portal.status_count(503);
    verdict(
        "property",
        refused == 0 && highest <= 50.0 && outcomes.get("ok") == Some(&192),
        format!(
            "4 processes × 32 tasks, 192 requests: {refused}×503, highest level seen {highest:.2} (≤ 50), {wall:.1} s, {outcomes:?}"
        ),
    )
}

/// A server process of the harness's own, killed when dropped.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn redis_keys(url: &str) -> usize {
    let Ok(client) = redis::Client::open(url) else {
        return 0;
    };
    let Ok(mut connection) = client.get_multiplexed_async_connection().await else {
        return 0;
    };
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("b24:budget:bucket:*")
        .query_async(&mut connection)
        .await
        .unwrap_or_default();
    keys.len()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .unwrap_or(46379)
}

fn tempdir() -> std::io::Result<String> {
    let dir =
        std::env::temp_dir().join(format!("b24-fleet-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir.to_string_lossy().into_owned())
}

async fn orchestrate(requests: i64, scenarios: &str) -> bool {
    b24_core::install_crypto_provider();
    let postgres = std::env::var("B24_TEST_POSTGRES").ok();
    let redis = std::env::var("B24_TEST_REDIS").ok();
    let wanted: Vec<&str> = scenarios.split(',').map(str::trim).collect();
    let small = requests.clamp(100, 400);
    let started = Instant::now();
    let mut runs: Vec<std::pin::Pin<Box<dyn Future<Output = Verdict>>>> = Vec::new();
    for name in &wanted {
        match *name {
            "postgres" => runs.push(Box::pin(shared_fleet(
                "postgres",
                postgres.clone(),
                requests,
            ))),
            "redis" => runs.push(Box::pin(shared_fleet("redis", redis.clone(), requests))),
            "unshared" => runs.push(Box::pin(unshared(small))),
            "two-hosts" => runs.push(Box::pin(two_hosts(postgres.clone(), small))),
            "skew" => runs.push(Box::pin(skew(postgres.clone(), small))),
            "kill" => runs.push(Box::pin(kill(small))),
            "property" => runs.push(Box::pin(property())),
            other => {
                println!("FAIL {other}: unknown scenario");
                return false;
            }
        }
    }
    let verdicts = futures_util::future::join_all(runs).await;
    let mut all = true;
    for verdict in &verdicts {
        all &= verdict.passed;
        let mark = if verdict.passed { "PASS" } else { "FAIL" };
        println!("{mark} {}: {}", verdict.name, verdict.line);
    }
    println!(
        "budget fleet: {} scenario(s) in {:.1} s",
        verdicts.len(),
        started.elapsed().as_secs_f64()
    );
    all
}
