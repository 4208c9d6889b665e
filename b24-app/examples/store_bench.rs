//! Token-store benchmark (not a timed test): reads and writes per second and the refresh-lease
//! hand-over time (one holder releases, a waiter polling every millisecond takes it) for
//! SQLite and, when `B24_TEST_POSTGRES` is set (`source .ci/postgres.sh`), PostgreSQL.
//!
//! `cargo run --release -p b24-app --example store_bench`

use std::time::{Duration, Instant};

use b24_app::store::conformance::sample_account;
use b24_app::{PostgresStore, SqliteStore, TokenPair, TokenStore};

const READS: u32 = 2_000;
const WRITES: u32 = 1_000;
const HANDOVERS: u32 = 50;

async fn bench(name: &str, store: &dyn TokenStore) -> Result<(), b24_app::StoreError> {
    let member = format!("bench-{:x}", rand::random::<u32>());
    store.save(&sample_account(&member)).await?;
    let started = Instant::now();
    for _ in 0..READS {
        store.load(&member).await?;
    }
    let reads = f64::from(READS) / started.elapsed().as_secs_f64();
    let started = Instant::now();
    for i in 0..WRITES {
        let expected = if i == 0 {
            "refresh-1".to_owned()
        } else {
            format!("r{}", i - 1)
        };
        let next = TokenPair::new(&format!("a{i}"), &format!("r{i}"), i64::from(i));
        assert!(store.swap_tokens(&member, &expected, &next).await?);
    }
    let writes = f64::from(WRITES) / started.elapsed().as_secs_f64();
    let mut handovers = Vec::new();
    for _ in 0..HANDOVERS {
        assert!(
            store
                .try_lease(&member, "holder", Duration::from_secs(10))
                .await?
        );
        let released = Instant::now();
        store.release_lease(&member, "holder").await?;
        while !store
            .try_lease(&member, "waiter", Duration::from_secs(10))
            .await?
        {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        handovers.push(released.elapsed());
        store.release_lease(&member, "waiter").await?;
    }
    handovers.sort();
    store.delete(&member).await?;
    println!(
        "{name:10} reads/s {reads:9.0}   writes/s {writes:8.0}   lease hand-over median {:?}, max {:?}",
        handovers[handovers.len() / 2],
        handovers[handovers.len() - 1]
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    bench("SQLite", &SqliteStore::open(dir.path().join("bench.db"))?).await?;
    match std::env::var("B24_TEST_POSTGRES") {
        Ok(url) => bench("PostgreSQL", &PostgresStore::connect(&url).await?).await?,
        Err(_) => {
            println!("PostgreSQL skipped: B24_TEST_POSTGRES is not set (source .ci/postgres.sh)")
        }
    }
    Ok(())
}
