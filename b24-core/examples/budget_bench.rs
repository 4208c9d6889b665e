//! Bookings per second and booking latency (p50, p99) of each budget store.
//!
//! ```text
//! cargo run --release -p b24-core --features budget-postgres,budget-redis \
//!     --example budget_bench -- [--bookings 5000] [--concurrency 16]
//! ```
//!
//! Memory and file stores always; PostgreSQL with `B24_TEST_POSTGRES`, Redis with
//! `B24_TEST_REDIS`. Each booking is timed from the call to its answer; nobody sleeps for the
//! waits the bookings return, so the figures are the store's, not the portal limit's.

use std::sync::Arc;
use std::time::{Duration, Instant};

use b24_core::schedule::{BudgetStore, RateLimit, open};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut bookings = 5000usize;
    let mut concurrency = 16usize;
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        match (pair[0].as_str(), pair.get(1).and_then(|n| n.parse().ok())) {
            ("--bookings", Some(n)) => bookings = n,
            ("--concurrency", Some(n)) => concurrency = n,
            _ => eprintln!("ignoring {pair:?}"),
        }
    }
    let file = std::env::temp_dir().join(format!("b24-bench-{}.json", std::process::id()));
    let mut stores = vec![
        (String::from("memory"), String::from("memory")),
        (String::from("file"), file.to_string_lossy().into_owned()),
    ];
    for (name, variable) in [
        ("postgres", "B24_TEST_POSTGRES"),
        ("redis", "B24_TEST_REDIS"),
    ] {
        match std::env::var(variable) {
            Ok(url) => stores.push((name.to_owned(), url)),
            Err(_) => println!("{name:>8}: not measured ({variable} is not set)"),
        }
    }
    println!(
        "{:>8}  {:>11}  {:>14}  {:>9}  {:>9}",
        "store", "concurrency", "bookings/s", "p50 ms", "p99 ms"
    );
    for (name, url) in stores {
        let store = open(&url).expect("a budget store").store;
        for tasks in [1, concurrency] {
            let (rate, p50, p99) = measure(&store, bookings, tasks).await;
            println!(
                "{name:>8}  {tasks:>11}  {rate:>14.0}  {:>9.3}  {:>9.3}",
                p50.as_secs_f64() * 1e3,
                p99.as_secs_f64() * 1e3
            );
        }
    }
    let _ = std::fs::remove_file(&file);
}

/// Books `bookings` requests over `tasks` tasks in a fresh bucket; bookings per second and
/// the latency percentiles.
async fn measure(
    store: &Arc<dyn BudgetStore>,
    bookings: usize,
    tasks: usize,
) -> (f64, Duration, Duration) {
    let key = format!(
        "bench-{}-{tasks}-{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    );
    // A limit that no bench reaches, so every booking does the same work.
    let limit = RateLimit::new(1e6, 1e6);
    // Warm up: the connection and the prepared statements or the script.
    store.book(&key, limit).await.expect("a booking");
    let started = Instant::now();
    let mut handles = Vec::new();
    for task in 0..tasks {
        let store = Arc::clone(store);
        let key = key.clone();
        let share = bookings / tasks + usize::from(task < bookings % tasks);
        handles.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(share);
            for _ in 0..share {
                let at = Instant::now();
                store.book(&key, limit).await.expect("a booking");
                latencies.push(at.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::with_capacity(bookings);
    for handle in handles {
        latencies.extend(handle.await.expect("a bench task"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let at = |share: f64| {
        latencies[((latencies.len() as f64 * share) as usize).min(latencies.len() - 1)]
    };
    (latencies.len() as f64 / elapsed, at(0.5), at(0.99))
}
