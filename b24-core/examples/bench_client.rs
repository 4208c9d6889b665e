//! The b24 side of the benchmark in `bench/`: runs one workload against a portal and prints
//! one JSON line with what it saw. Process-level figures (CPU time, peak memory) and the
//! portal's counters are taken by the harness.
//!
//! ```text
//! bench_client --webhook URL --workload export|import|fetch|verify [--count N] [--first ID]
//!              [--prefix TEXT] [--no-rate-limit] [--sequential] [--ordered]
//! ```
//!
//! `export` fetches ID ranges in parallel (`Client::export`); with `--sequential` it pages one
//! request after another (`Client::stream`), as `verify` does. `import` runs one batch
//! (`Batch::ordered` with `--ordered`) and reports, besides the counts, how many created IDs
//! are out of input order (`misplaced`: items whose ID's rank differs from their position).

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use b24_core::{Batch, Client, Export, ItemStream, b24_method};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[b24_method("crm.deal.add", scope = "crm", response = b24_core::Id)]
#[derive(Serialize)]
struct DealAdd {
    fields: Value,
}

#[b24_method("crm.deal.list", scope = "crm", response = Vec<Deal>, read_only, list, cursor = "ID")]
#[derive(Serialize, Default)]
struct DealList {
    select: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filter: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct Deal {
    #[serde(rename = "ID")]
    id: b24_core::Id,
    #[serde(rename = "TITLE", default)]
    title: Option<String>,
}

/// Imports `count` deals exactly once; answers their IDs in input order. Writes whose outcome
/// is unknown (the connection broke after the request left) are looked up by their unique
/// title before anything is sent again.
async fn import(client: &Client, args: &Args) -> Result<Vec<u64>, Box<dyn std::error::Error>> {
    let titles: Vec<String> = (0..args.count)
        .map(|index| format!("{}{index}", args.prefix))
        .collect();
    let mut pending = titles.clone();
    let mut created: HashMap<String, u64> = HashMap::new();
    for _round in 0..10 {
        if pending.is_empty() {
            break;
        }
        let mut batch = Batch::new().ordered(args.ordered);
        let handles: Vec<_> = pending
            .iter()
            .map(|title| {
                batch.push(&DealAdd {
                    fields: json!({ "TITLE": title }),
                })
            })
            .collect::<Result<_, _>>()?;
        let results = client.batch(&batch).await?;
        let mut unknown = Vec::new();
        for (title, handle) in pending.iter().zip(&handles) {
            match results.get(handle) {
                Ok(id) => {
                    created.insert(title.clone(), id.0);
                }
                Err(
                    b24_core::Error::UnknownOutcome { .. } | b24_core::Error::NotExecuted { .. },
                ) => unknown.push(title.clone()),
                Err(error) => return Err(error.into()),
            }
        }
        // Which of the unknown ones did land?
        let mut landed = HashSet::new();
        for chunk in unknown.chunks(50) {
            let request = DealList {
                select: vec!["ID", "TITLE"],
                filter: Some(json!({ "@TITLE": chunk })),
            };
            for deal in client.call(&request).await? {
                if let Some(title) = deal.title {
                    created.insert(title.clone(), deal.id.0);
                    landed.insert(title);
                }
            }
        }
        pending = unknown
            .into_iter()
            .filter(|title| !landed.contains(title))
            .collect();
    }
    if !pending.is_empty() {
        return Err(format!("{} deals could not be imported", pending.len()).into());
    }
    Ok(titles
        .iter()
        .filter_map(|title| created.get(title).copied())
        .collect())
}

/// How many of `ids` (in input order) sit elsewhere than their rank among all of them.
fn misplaced(ids: &[u64]) -> usize {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    ids.iter()
        .zip(&sorted)
        .filter(|(id, rank)| id != rank)
        .count()
}

struct Args {
    webhook: String,
    workload: String,
    count: u64,
    first: u64,
    prefix: String,
    rate_limit: bool,
    sequential: bool,
    ordered: bool,
}

fn args() -> Result<Args, String> {
    let mut args = Args {
        webhook: String::new(),
        workload: String::new(),
        count: 0,
        first: 1,
        prefix: String::from("bench-import-"),
        rate_limit: true,
        sequential: false,
        ordered: false,
    };
    let mut words = std::env::args().skip(1);
    while let Some(word) = words.next() {
        let mut value = || words.next().ok_or(format!("{word} needs a value"));
        match word.as_str() {
            "--webhook" => args.webhook = value()?,
            "--workload" => args.workload = value()?,
            "--count" => args.count = value()?.parse().map_err(|_| "--count takes a number")?,
            "--first" => args.first = value()?.parse().map_err(|_| "--first takes a number")?,
            "--prefix" => args.prefix = value()?,
            "--no-rate-limit" => args.rate_limit = false,
            "--sequential" => args.sequential = true,
            "--ordered" => args.ordered = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if args.webhook.is_empty() || args.workload.is_empty() {
        return Err(String::from(
            "usage: bench_client --webhook URL --workload export|import|fetch|verify",
        ));
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = args()?;
    let limit = args
        .rate_limit
        .then_some(b24_core::schedule::RateLimit::STANDARD);
    let client = Client::builder()
        .webhook_url(&args.webhook)?
        .rate_limit(limit)
        .build()?;
    let started = Instant::now();
    let mut ids = Vec::new();
    let mut titles = 0u64;
    match args.workload.as_str() {
        "export" | "verify" => {
            let request = DealList {
                select: vec!["ID", "TITLE"],
                filter: None,
            };
            let parallel = args.workload == "export" && !args.sequential;
            let mut stream: ItemStream<Deal> = if parallel {
                client.export(&request, Export::default())?
            } else {
                client.stream(&request)?
            };
            while let Some(deal) = stream.next().await {
                let deal = deal?;
                if deal
                    .title
                    .as_deref()
                    .is_some_and(|title| title.starts_with(&args.prefix))
                {
                    titles += 1;
                }
                ids.push(deal.id.0);
            }
        }
        "import" => ids = import(&client, &args).await?,
        "fetch" => {
            let wanted: Vec<u64> = (args.first..args.first + args.count).collect();
            let mut batch = Batch::new();
            let handles: Vec<_> = wanted
                .chunks(50)
                .map(|chunk| {
                    batch.push(&DealList {
                        select: vec!["ID", "TITLE"],
                        filter: Some(json!({ "@ID": chunk })),
                    })
                })
                .collect::<Result<_, _>>()?;
            let results = client.batch(&batch).await?;
            for handle in &handles {
                ids.extend(results.get(handle)?.into_iter().map(|deal| deal.id.0));
            }
        }
        other => return Err(format!("unknown workload {other}").into()),
    }
    let unique: HashSet<u64> = ids.iter().copied().collect();
    println!(
        "{}",
        json!({
            "items": ids.len(),
            "unique": unique.len(),
            "prefixed": titles,
            "misplaced": if args.workload == "import" { misplaced(&ids) } else { 0 },
            "wall_s": started.elapsed().as_secs_f64(),
        })
    );
    Ok(())
}
