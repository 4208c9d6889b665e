//! Done-when of issue 16: 16 OS processes × 50 calls on an expired token sharing one store
//! (SQLite, then PostgreSQL) → exactly one refresh, no `invalid_grant`, 800/800 calls succeed;
//! and the process holding the refresh lease killed with SIGKILL mid-refresh → another one
//! finishes within the lease + 1 s and the account survives.
//!
//! The children are this test binary itself, running the ignored test `child` with its
//! settings in the environment; each prints one `RESULT ok=… failed=… sent=…` line.

mod support;

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use b24_app::{AccountStatus, Accounts, PostgresStore, RefreshSettings, SqliteStore, TokenStore};
use b24_emulator::Emulator;
use serde_json::json;
use support::{emulator, expired_account, oauth};

const PROCESSES: usize = 16;
const CALLS: usize = 50;

/// Where the children find their store: `sqlite:PATH` or `postgres:URL`.
async fn open(spec: &str) -> Arc<dyn TokenStore> {
    if let Some(path) = spec.strip_prefix("sqlite:") {
        Arc::new(SqliteStore::open(path).unwrap())
    } else if let Some(url) = spec.strip_prefix("postgres:") {
        Arc::new(PostgresStore::connect(url).await.unwrap())
    } else {
        panic!("unknown store {spec}")
    }
}

fn env(key: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| panic!("{key} not set"))
}

/// The child process: `calls` concurrent calls through one shared account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by the multi-process tests as a child process"]
async fn child() {
    let store = open(&env("B24_CHILD_STORE")).await;
    let emulator_url = env("B24_CHILD_EMULATOR");
    let credentials = b24_app::AppCredentials::new(support::CLIENT_ID, support::CLIENT_SECRET);
    let oauth = b24_app::OAuthClient::new(&emulator_url, credentials).unwrap();
    let lease = Duration::from_millis(env("B24_CHILD_LEASE_MS").parse().unwrap());
    let settings = RefreshSettings {
        lease,
        wait: lease * 3,
        ..RefreshSettings::default()
    };
    let accounts = Accounts::with_settings(store, oauth, settings);
    let tokens = accounts.tokens(&env("B24_CHILD_MEMBER")).await.unwrap();
    let client = tokens
        .client_builder()
        .unwrap()
        .rate_limit(None)
        .max_in_flight(CALLS)
        .build()
        .unwrap();
    let start_at: u64 = env("B24_CHILD_START_AT_MS").parse().unwrap();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    tokio::time::sleep(Duration::from_millis(start_at.saturating_sub(now_ms))).await;
    let calls: Vec<_> = (0..env("B24_CHILD_CALLS").parse::<usize>().unwrap())
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.call_raw("profile", &json!({})).await })
        })
        .collect();
    let (mut ok, mut failed) = (0, 0);
    for call in calls {
        match call.await {
            Ok(Ok(_)) => ok += 1,
            Ok(Err(error)) => {
                failed += 1;
                eprintln!("call failed: {error}");
            }
            Err(_) => failed += 1,
        }
    }
    println!(
        "RESULT ok={ok} failed={failed} sent={}",
        tokens.refreshes_sent()
    );
}

struct Setup {
    emu: Emulator,
    store: Arc<dyn TokenStore>,
    spec: String,
    member_id: String,
}

async fn setup(spec: String) -> Setup {
    let emu = emulator().await;
    let store = open(&spec).await;
    let account = expired_account(&emu);
    store.save(&account).await.unwrap();
    Setup {
        emu,
        store,
        spec,
        member_id: account.member_id,
    }
}

fn spawn(setup: &Setup, calls: usize, lease_ms: u64, start_in: Duration) -> Child {
    let start_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        + start_in;
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("B24_CHILD_STORE", &setup.spec)
        .env("B24_CHILD_EMULATOR", setup.emu.base_url())
        .env("B24_CHILD_MEMBER", &setup.member_id)
        .env("B24_CHILD_CALLS", calls.to_string())
        .env("B24_CHILD_LEASE_MS", lease_ms.to_string())
        .env("B24_CHILD_START_AT_MS", start_at.as_millis().to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits for a child off the async threads (the emulator serves on them); `(ok, failed,
/// refreshes sent)`.
async fn result(child: Child) -> (usize, usize, u64) {
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.split_once("RESULT ").map(|(_, rest)| rest))
        .unwrap_or_else(|| {
            panic!(
                "no RESULT line: {stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
    let field = |name: &str| -> u64 {
        line.split(' ')
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            .and_then(|v| v.parse().ok())
            .unwrap()
    };
    let failed = field("failed") as usize;
    if failed > 0 {
        // Shown with the failing test: why the child's calls failed.
        eprintln!("child stderr:\n{}", String::from_utf8_lossy(&output.stderr));
    }
    (field("ok") as usize, failed, field("sent"))
}

async fn sixteen_processes(spec: String) {
    let setup = setup(spec).await;
    let children: Vec<Child> = (0..PROCESSES)
        .map(|_| spawn(&setup, CALLS, 10_000, Duration::from_secs(3)))
        .collect();
    let (mut ok, mut failed, mut sent) = (0, 0, 0);
    for child in children {
        let (o, f, s) = result(child).await;
        (ok, failed, sent) = (ok + o, failed + f, sent + s);
    }
    let emu = &setup.emu;
    assert_eq!((ok, failed), (PROCESSES * CALLS, 0));
    assert_eq!(
        emu.oauth_grant_count("refresh_token"),
        1,
        "refreshes at the OAuth server"
    );
    assert_eq!(emu.oauth_error_count("invalid_grant"), 0);
    assert_eq!(emu.oauth_outcome_count("refresh_token", "ok"), 1);
    assert_eq!(sent, 1, "refresh requests sent by all processes");
    let account = setup.store.load(&setup.member_id).await.unwrap().unwrap();
    assert_eq!(account.status, AccountStatus::Active);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_processes_share_one_refresh_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    sixteen_processes(format!(
        "sqlite:{}",
        dir.path().join("accounts.db").display()
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_processes_share_one_refresh_on_postgres() {
    let Some(url) = support::postgres_url() else {
        return;
    };
    sixteen_processes(format!("postgres:{url}")).await;
}

/// Waits until some process holds the account's lease (probing takes it for a moment when it
/// is free, and gives it back).
async fn lease_taken(setup: &Setup) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let probe = "probe";
        if !setup
            .store
            .try_lease(&setup.member_id, probe, Duration::from_millis(1))
            .await
            .unwrap()
        {
            return;
        }
        setup
            .store
            .release_lease(&setup.member_id, probe)
            .await
            .unwrap();
        assert!(Instant::now() < deadline, "no process took the lease");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn killed_holder(spec: String) {
    const LEASE_MS: u64 = 3_000;
    let setup = setup(spec).await;
    // The OAuth server answers slowly: the first process to refresh holds the lease while it
    // waits, and is killed there.
    const OAUTH_DELAY: Duration = Duration::from_secs(6);
    setup.emu.set_oauth_delay(OAUTH_DELAY);
    let holder_started = Instant::now();
    let mut holder = spawn(&setup, 1, LEASE_MS, Duration::ZERO);
    lease_taken(&setup).await;
    let others: Vec<Child> = (0..3)
        .map(|_| spawn(&setup, 5, LEASE_MS, Duration::ZERO))
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    holder.kill().unwrap();
    let killed_at = Instant::now();
    let _ = holder.wait();
    setup.emu.set_oauth_delay(Duration::ZERO);
    let mut finished = Vec::new();
    for child in others {
        finished.push(result(child).await);
    }
    let took = killed_at.elapsed();
    assert!(
        took <= Duration::from_millis(LEASE_MS + 1_000),
        "the others finished {took:?} after the kill"
    );
    assert!(
        finished
            .iter()
            .all(|&(ok, failed, _)| (ok, failed) == (5, 0)),
        "{finished:?}"
    );
    assert_eq!(
        finished.iter().map(|r| r.2).sum::<u64>(),
        1,
        "one survivor refreshed"
    );
    // At the OAuth server, once the killed holder's request would have been redeemed: it never
    // got through, the survivor's did, and nobody presented a spent refresh token.
    tokio::time::sleep_until((holder_started + OAUTH_DELAY + Duration::from_secs(1)).into()).await;
    assert_eq!(
        setup.emu.oauth_outcome_count("refresh_token", "ok"),
        1,
        "exactly one successful refresh"
    );
    assert_eq!(
        setup
            .emu
            .oauth_outcome_count("refresh_token", "invalid_grant"),
        0,
        "no refused refresh"
    );
    assert_eq!(setup.emu.oauth_error_count("invalid_grant"), 0);
    let account = setup.store.load(&setup.member_id).await.unwrap().unwrap();
    assert_eq!(
        account.status,
        AccountStatus::Active,
        "the account survived"
    );
    let client = Accounts::new(Arc::clone(&setup.store), oauth(&setup.emu))
        .client(&setup.member_id)
        .await
        .unwrap();
    client.call_raw("profile", &json!({})).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_lease_holder_is_replaced_within_the_lease_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    killed_holder(format!(
        "sqlite:{}",
        dir.path().join("accounts.db").display()
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_lease_holder_is_replaced_within_the_lease_on_postgres() {
    let Some(url) = support::postgres_url() else {
        return;
    };
    killed_holder(format!("postgres:{url}")).await;
}
