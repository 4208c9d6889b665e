//! `b24 import`: broken rows, and a job killed twice under injected faults that still ends
//! with every row written exactly once.

use std::collections::HashMap;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;

use crate::support::{Home, Portal, deals, write};

const MARKER: &str = "UF_CRM_B24_IMPORT";

fn journal_counts(path: &std::path::Path) -> HashMap<String, i64> {
    let db = rusqlite::Connection::open(path).unwrap();
    let mut statement = db
        .prepare("SELECT state, COUNT(*) FROM rows GROUP BY state")
        .unwrap();
    statement
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn map_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn broken_csv_rows_are_reported_by_line_and_the_rest_is_imported() {
    let portal = Portal::start(&[]);
    let home = Home::new();
    let input = home.path("rows.csv");
    write(
        &input,
        "TITLE,OPPORTUNITY\nfirst,1\nbroken,2,extra\nthird,3\n",
    );
    let stopped = home
        .on(&portal)
        .args([
            "import",
            "crm.deal.add",
            "--marker-field",
            MARKER,
            "--on-error",
            "stop",
        ])
        .arg("--input")
        .arg(&input)
        .arg("--journal")
        .arg(home.path("stop.sqlite"))
        .output()
        .unwrap();
    assert_eq!(stopped.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&stopped.stderr).contains("line 3:"),
        "{stopped:?}"
    );
    assert!(
        deals(&home, &portal, MARKER).is_empty(),
        "--on-error stop sends nothing"
    );

    let output = home
        .on(&portal)
        .args(["import", "crm.deal.add", "--marker-field", MARKER])
        .arg("--input")
        .arg(&input)
        .arg("--journal")
        .arg(home.path("go.sqlite"))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let map = map_lines(&String::from_utf8(output.stdout).unwrap());
    assert_eq!(map.len(), 3);
    assert_eq!(map[0]["line"], 2);
    assert_eq!(map[1]["line"], 3);
    assert!(map[1]["error"].as_str().unwrap().contains("line 3"));
    let written = deals(&home, &portal, MARKER);
    let titles: Vec<&str> = written.iter().map(|(_, title, _)| title.as_str()).collect();
    assert_eq!(titles, ["first", "third"]);
    assert_eq!(map[0]["id"].as_i64(), Some(written[0].0));
    assert_eq!(map[2]["id"].as_i64(), Some(written[1].0));
}

#[test]
fn a_job_killed_twice_under_faults_ends_with_every_row_once_in_input_order() {
    let rows: usize = std::env::var("B24_IMPORT_TEST_ROWS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let portal = Portal::start(&[]);
    let home = Home::new();
    let input = home.path("rows.ndjson");
    let text: String = (1..=rows)
        .map(|i| format!("{{\"TITLE\":\"row-{i}\",\"OPPORTUNITY\":{i}}}\n"))
        .collect();
    write(&input, &text);
    let journal = home.path("job.sqlite");
    let map = home.path("map.ndjson");
    portal.control(
        "faults",
        r#"{"seed": 18, "query_limit": 0.10, "reset": 0.02, "truncated": 0.02, "latency_ms": 15}"#,
    );
    let run = || {
        home.b24_std()
            .args([
                "--webhook",
                &portal.webhook,
                "--rate-limit",
                "off",
                "import",
                "crm.deal.add",
            ])
            .args(["--marker-field", MARKER])
            .arg("--input")
            .arg(&input)
            .arg("--journal")
            .arg(&journal)
            .arg("--output")
            .arg(&map)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut done_after_kill = Vec::new();
    for _ in 0..2 {
        let mut child = run();
        // Kill once rows are being written, well before the end.
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            std::thread::sleep(Duration::from_millis(300));
            let done = journal
                .exists()
                .then(|| journal_counts(&journal).get("done").copied().unwrap_or(0));
            if done.is_some_and(|d| d > done_after_kill.last().copied().unwrap_or(0) + 100)
                || std::time::Instant::now() > deadline
            {
                break;
            }
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let counts = journal_counts(&journal);
        done_after_kill.push(counts.get("done").copied().unwrap_or(0));
    }
    assert!(
        done_after_kill[0] > 0 && done_after_kill[1] < rows as i64,
        "killed mid-job: {done_after_kill:?}"
    );
    let last = run().wait_with_output().unwrap();
    assert!(
        last.status.success(),
        "{}",
        String::from_utf8_lossy(&last.stderr)
    );
    portal.control("faults", "{}");

    let counters = portal.get("counters");
    // Shown past the harness's capture: what this run went through.
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!(
            "import of {rows} rows: killed with {done_after_kill:?} rows done; 503s {}, resets {}\n",
            counters["statuses"]["503"], counters["statuses"]["reset"]
        )
        .as_bytes(),
    );
    assert!(
        counters["statuses"]["503"].as_u64().unwrap_or(0) > 0,
        "{counters}"
    );
    assert!(
        counters["statuses"]["reset"].as_u64().unwrap_or(0) > 0,
        "{counters}"
    );

    let written = deals(&home, &portal, MARKER);
    assert_eq!(written.len(), rows, "exactly {rows} deals");
    let mut by_title: HashMap<String, i64> = HashMap::new();
    for (id, title, marker) in &written {
        assert!(!marker.is_empty());
        assert!(
            by_title.insert(title.clone(), *id).is_none(),
            "{title} written twice"
        );
    }
    let entries = map_lines(&std::fs::read_to_string(&map).unwrap());
    assert_eq!(entries.len(), rows);
    for (index, entry) in entries.iter().enumerate() {
        assert_eq!(
            entry["line"].as_u64(),
            Some(index as u64 + 1),
            "input order"
        );
        let id = entry["id"].as_i64().expect("every row has its ID");
        assert_eq!(
            by_title[&format!("row-{}", index + 1)],
            id,
            "line {} maps to its deal",
            index + 1
        );
    }
}
