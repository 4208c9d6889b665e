//! One conformance suite for every budget store: the memory and file stores always, PostgreSQL
//! and Redis against real servers (`B24_TEST_POSTGRES` from `.ci/postgres.sh`,
//! `B24_TEST_REDIS` from `.ci/redis.sh`). A test whose server is missing fails when `CI` is
//! set and prints `SKIPPED` otherwise.

use std::sync::Arc;
use std::time::{Duration, Instant};

use b24_core::schedule::{BudgetStore, FileStore, MemoryStore, OperatingReport, RateLimit, open};

fn report(limit: f64, operating: Option<f64>, reset_at: Option<i64>) -> OperatingReport {
    OperatingReport {
        limit,
        operating,
        reset_at,
    }
}

/// A key no other test (or earlier run) uses.
fn fresh(name: &str) -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("test-{name}-{}-{nanos}-{n}", std::process::id())
}

/// The URL of a server the test needs, from `variable`; `None` (after a SKIPPED line) when it
/// is missing outside CI.
fn server(variable: &str, script: &str) -> Option<String> {
    match std::env::var(variable) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("{variable} is not set: start the server with `source {script}`")
        }
        _ => {
            eprintln!("SKIPPED: {variable} is not set (source {script})");
            None
        }
    }
}

const STEP: f64 = 1.0 / (2.0 * 0.995);

/// The bucket: the burst goes at once, then one request per drain time.
async fn bucket_paces(store: &dyn BudgetStore) {
    let key = fresh("pace");
    let limit = RateLimit::STANDARD;
    let mut waits = Vec::new();
    for _ in 0..60 {
        waits.push(store.book(&key, limit).await.unwrap().as_secs_f64());
    }
    assert!(waits[..49].iter().all(|w| *w < 0.05), "{waits:?}");
    assert!(waits[49] > 0.2, "{waits:?}");
    for pair in waits[50..].windows(2) {
        let step = pair[1] - pair[0];
        // Each booking happens a little later than the one before, and drains that much.
        assert!((step - STEP).abs() < 0.05, "step {step} in {waits:?}");
    }
    // Another key is another bucket.
    let other = fresh("other");
    assert!(store.book(&other, limit).await.unwrap() < Duration::from_millis(50));
}

/// A 503 seen by one worker reaches the next booking of every other.
async fn a_refusal_reaches_everyone(first: &dyn BudgetStore, second: &dyn BudgetStore) {
    let key = fresh("fill");
    let limit = RateLimit::STANDARD;
    assert!(first.book(&key, limit).await.unwrap() < Duration::from_millis(50));
    second.fill(&key, limit, Duration::ZERO).await.unwrap();
    let wait = first.book(&key, limit).await.unwrap().as_secs_f64();
    assert!((wait - 2.0 * STEP).abs() < 0.1, "{wait}");
    // Refusals pile up no further than "full now".
    second.fill(&key, limit, Duration::ZERO).await.unwrap();
    second.fill(&key, limit, Duration::ZERO).await.unwrap();
    let next = first.book(&key, limit).await.unwrap().as_secs_f64();
    assert!(next < wait + STEP + 0.1, "{next} after {wait}");
    // Full for longer: a worker back from pacing alone has requests booked until then.
    let later = fresh("fill-ahead");
    second
        .fill(&later, limit, Duration::from_secs(10))
        .await
        .unwrap();
    let wait = first.book(&later, limit).await.unwrap().as_secs_f64();
    assert!((wait - (10.0 + 2.0 * STEP)).abs() < 0.1, "{wait}");
}

/// Operating time: near the limit the method waits for its reset, a 429 blocks every worker.
async fn operating_accounts(first: &dyn BudgetStore, second: &dyn BudgetStore) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let account = fresh("operating");
    // Far from the limit nothing waits, on either worker; near it the method waits.
    assert_eq!(
        first.operating_wait(&account, 480.0).await,
        Ok(Duration::ZERO)
    );
    for (used, waits) in [(100.0, false), (479.0, true)] {
        first
            .operating_record(&account, report(480.0, Some(used), Some(now + 30)))
            .await
            .unwrap();
        let wait = second.operating_wait(&account, 480.0).await.unwrap();
        assert_eq!(wait > Duration::ZERO, waits, "{used} s used: {wait:?}");
    }
    let wait = second.operating_wait(&account, 480.0).await.unwrap();
    assert!(
        wait > Duration::from_secs(20) && wait <= Duration::from_secs(31),
        "{wait:?}"
    );
    // A 429 with a known reset blocks until it, for every worker.
    let blocked = second.operating_block(&account).await.unwrap();
    assert!(
        blocked > Duration::from_secs(20) && blocked <= Duration::from_secs(31),
        "{blocked:?}"
    );
    // Without a reset: a minute.
    let unknown = fresh("unknown");
    let blocked = first.operating_block(&unknown).await.unwrap();
    assert!(
        blocked > Duration::from_secs(55) && blocked <= Duration::from_secs(60),
        "{blocked:?}"
    );
    let wait = second.operating_wait(&unknown, 480.0).await.unwrap();
    assert!(wait > Duration::from_secs(55), "{wait:?}");
    // Claims beyond the window are clamped to it.
    let far = fresh("far");
    first
        .operating_record(&far, report(480.0, Some(1e308), Some(i64::MAX)))
        .await
        .unwrap();
    let wait = second.operating_wait(&far, 480.0).await.unwrap();
    assert!(
        wait <= Duration::from_secs(600) && wait >= Duration::from_secs(590),
        "{wait:?}"
    );
}

/// Nonsense limits neither panic nor wait beyond ten minutes.
async fn degenerate_limits(store: &dyn BudgetStore) {
    for (drain, burst) in [
        (0.0, 0.0),
        (f64::NAN, f64::NAN),
        (-3.0, -1.0),
        (f64::INFINITY, 1e300),
    ] {
        let key = fresh("degenerate");
        let limit = RateLimit {
            drain_per_second: drain,
            burst,
        };
        for _ in 0..3 {
            assert!(store.book(&key, limit).await.unwrap() <= Duration::from_secs(600));
        }
        store.fill(&key, limit, Duration::ZERO).await.unwrap();
        assert!(store.book(&key, limit).await.unwrap() <= Duration::from_secs(600));
        let account = fresh("degenerate-operating");
        store
            .operating_record(&account, report(f64::NAN, Some(f64::NAN), Some(i64::MIN)))
            .await
            .unwrap();
        assert!(store.operating_wait(&account, -1.0).await.unwrap() <= Duration::from_secs(600));
    }
}

/// Many workers booking at once never put more than the burst into the bucket: every request's
/// send time counted, at no instant the level (sends so far minus what drained) passes it.
async fn concurrent_bookings_stay_under_the_burst(stores: Vec<Arc<dyn BudgetStore>>) {
    let key = fresh("concurrent");
    // A small, fast bucket, so the test takes a second: 20 per second, burst 10.
    let limit = RateLimit::new(20.0, 10.0);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (index, store) in stores.iter().cycle().take(32).enumerate() {
        let store = Arc::clone(store);
        let key = key.clone();
        tasks.push(tokio::spawn(async move {
            let mut sends = Vec::new();
            for _ in 0..(2 + index % 3) {
                let wait = store.book(&key, limit).await.unwrap();
                sends.push(started.elapsed().as_secs_f64() + wait.as_secs_f64());
            }
            sends
        }));
    }
    let mut sends = Vec::new();
    for task in tasks {
        sends.extend(task.await.unwrap());
    }
    assert_level_within(&mut sends, 20.0, 10.0);
}

/// Replays send times through the portal's bucket: never above `burst`.
fn assert_level_within(sends: &mut [f64], drain: f64, burst: f64) {
    sends.sort_by(f64::total_cmp);
    let (mut level, mut last) = (0.0f64, sends[0]);
    for (index, at) in sends.iter().enumerate() {
        level = (level - (at - last) * drain).max(0.0) + 1.0;
        last = *at;
        // A little slack for the time between a booking and reading the clock here.
        assert!(
            level <= burst + 0.5,
            "request {index} finds level {level}: {sends:?}"
        );
    }
}

async fn conformance(make: impl Fn() -> Arc<dyn BudgetStore>) {
    let (first, second) = (make(), make());
    bucket_paces(first.as_ref()).await;
    a_refusal_reaches_everyone(first.as_ref(), second.as_ref()).await;
    operating_accounts(first.as_ref(), second.as_ref()).await;
    degenerate_limits(first.as_ref()).await;
    concurrent_bookings_stay_under_the_burst((0..4).map(|_| make()).collect()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_store_conforms() {
    let shared: Arc<dyn BudgetStore> = Arc::new(MemoryStore::new());
    conformance(|| Arc::clone(&shared)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn file_store_conforms() {
    let path = std::env::temp_dir().join(fresh("file-store"));
    conformance(|| Arc::new(FileStore::new(&path))).await;
    let _ = std::fs::remove_file(&path);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_store_conforms() {
    let Some(url) = server("B24_TEST_POSTGRES", ".ci/postgres.sh") else {
        return;
    };
    conformance(|| open(&url).unwrap().store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_store_conforms() {
    let Some(url) = server("B24_TEST_REDIS", ".ci/redis.sh") else {
        return;
    };
    conformance(|| open(&url).unwrap().store).await;
}

/// A corrupted entry reads as a full bucket (a wait, never a burst) and never as a panic.
async fn corrupted_bucket_slows_down(store: &dyn BudgetStore, key: &str) {
    let wait = store.book(key, RateLimit::STANDARD).await.unwrap();
    assert!(wait > Duration::from_millis(200), "{wait:?}");
    assert!(wait <= Duration::from_secs(600), "{wait:?}");
}

#[tokio::test]
async fn a_corrupted_file_reads_as_a_full_bucket() {
    let path = std::env::temp_dir().join(fresh("corrupt"));
    for poison in [
        "{not json",
        r#"{"buckets":{"k":[{"level":"x"}]}}"#,
        "\u{0}\u{0}",
    ] {
        std::fs::write(&path, poison).unwrap();
        corrupted_bucket_slows_down(&FileStore::new(&path), "k").await;
    }
    // Hostile numbers are clamped: an ancient full bucket has drained.
    std::fs::write(
        &path,
        r#"{"buckets":{"k":[{"level":1e308,"at":0},0]},"accounts":{}}"#,
    )
    .unwrap();
    let wait = FileStore::new(&path)
        .book("k", RateLimit::STANDARD)
        .await
        .unwrap();
    assert_eq!(wait, Duration::ZERO);
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn an_unusable_file_is_an_error_not_a_free_pass() {
    let dir = std::env::temp_dir().join(fresh("dir"));
    std::fs::create_dir_all(&dir).unwrap();
    // A directory cannot be opened as the budget file.
    let error = FileStore::new(&dir)
        .book("k", RateLimit::STANDARD)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("budget store"), "{error}");
    let _ = std::fs::remove_dir(&dir);
}

/// The server `variable` names, its store and a fresh bucket `name` booked once in it, for a
/// test to corrupt; `None` when the server is missing outside CI.
async fn booked(
    variable: &str,
    script: &str,
    name: &str,
) -> Option<(String, Arc<dyn BudgetStore>, String)> {
    let url = server(variable, script)?;
    let store = open(&url).unwrap().store;
    let key = fresh(name);
    store.book(&key, RateLimit::STANDARD).await.unwrap();
    Some((url, store, key))
}

#[tokio::test]
async fn a_corrupted_postgres_row_reads_as_a_full_bucket() {
    let Some((url, store, key)) =
        booked("B24_TEST_POSTGRES", ".ci/postgres.sh", "corrupt-pg").await
    else {
        return;
    };
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .execute(
            "UPDATE b24_budget_bucket SET level = 'NaN', at = 'NaN' WHERE key = $1",
            &[&key],
        )
        .await
        .unwrap();
    corrupted_bucket_slows_down(store.as_ref(), &key).await;
}

#[tokio::test]
async fn a_corrupted_redis_key_reads_as_a_full_bucket_and_keys_expire() {
    let Some((url, store, key)) = booked("B24_TEST_REDIS", ".ci/redis.sh", "corrupt-redis").await
    else {
        return;
    };
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let stored = format!("b24:budget:bucket:{key}");
    let ttl: i64 = redis::cmd("PTTL")
        .arg(&stored)
        .query_async(&mut connection)
        .await
        .unwrap();
    assert!(
        ttl > 0 && ttl <= 120_000,
        "an idle bucket expires: {ttl} ms"
    );
    let _: () = redis::cmd("HSET")
        .arg(&stored)
        .arg("level")
        .arg("garbage")
        .arg("at")
        .arg("nan")
        .query_async(&mut connection)
        .await
        .unwrap();
    corrupted_bucket_slows_down(store.as_ref(), &key).await;
    // A script flushed from the server's cache (a restart) is loaded again.
    let _: () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query_async(&mut connection)
        .await
        .unwrap();
    store
        .book(&fresh("after-flush"), RateLimit::STANDARD)
        .await
        .unwrap();
}
