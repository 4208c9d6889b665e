//! The form decoder reads what PHP's `parse_str` reads: generated structures encoded by
//! `b24_core::form::to_query_string`, raw query strings with PHP's awkward names, and every
//! documented event payload (`../shared/bitrix24/examples/event.*.payload.json`).
//!
//! Needs `php` (Debian's `php-cli`): without it the test fails under `CI` and prints a
//! `SKIPPED` line otherwise.

mod support;

use std::io::Write;
use std::process::{Command, Stdio};

use b24_app::form::parse_str;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value, json};

const KEYS: &[&str] = &[
    "a", "ID", "0", "1", "2", "7", "-3", "05", "x y", "a.b", " lead", "a[b", "a]b", "[", "]", "[]",
    "a[0]", "&", "+", "%", "=", "ü", "ключ", "a b+c", "", "1e3", "FIELDS", "auth",
];
const STRINGS: &[&str] = &[
    "",
    "0",
    "Y",
    "hello world",
    "a&b=c",
    "1+1=2",
    "100%",
    "%41",
    "[x]",
    "Привет",
    "😀",
    "line\nbreak",
    "#frag",
    "?q=1",
    "back\\slash",
    "  spaced  ",
];

fn value(rng: &mut StdRng, depth: usize) -> Value {
    let roll = rng.random_range(0..10);
    match roll {
        0..=2 if depth < 5 => container(rng, depth + 1),
        3 => Value::Bool(rng.random()),
        4 => json!(rng.random_range(-1000..100_000)),
        _ => Value::from(STRINGS[rng.random_range(0..STRINGS.len())]),
    }
}

fn container(rng: &mut StdRng, depth: usize) -> Value {
    let n = rng.random_range(1..5);
    if rng.random_range(0..3) == 0 {
        return Value::Array((0..n).map(|_| value(rng, depth)).collect());
    }
    let mut map = Map::new();
    for _ in 0..n {
        map.insert(
            KEYS[rng.random_range(0..KEYS.len())].to_owned(),
            value(rng, depth),
        );
    }
    Value::Object(map)
}

/// A raw query string of awkward names and values (not from the encoder).
fn raw(rng: &mut StdRng) -> String {
    const NAMES: &[&str] = &[
        "a", "a[]", "a[b]", "a[b][]", "a[b", "a.b", "a b", " a", "a]", "[a]", "a[b]c", "a[][x]",
        "n[-5]", "n[]", "n[05]", "a[b.c", "a[b][c", "%5Bx%5D", "a%5Bq%5D", "",
    ];
    (0..rng.random_range(1..8))
        .map(|_| {
            let name = NAMES[rng.random_range(0..NAMES.len())];
            let v = STRINGS[rng.random_range(0..STRINGS.len())];
            let v: String = form_urlencoded::byte_serialize(v.as_bytes()).collect();
            format!("{name}={v}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// PHP's reading of each query, one JSON document per line.
fn php(queries: &[String]) -> Option<Vec<Value>> {
    let script = r#"while (($line = fgets(STDIN)) !== false) {
        parse_str(rtrim($line, "\n"), $r);
        echo json_encode($r, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE), "\n";
    }"#;
    let mut child = match Command::new("php")
        .args(["-d", "error_reporting=0", "-r", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(_) => {
            support::skip("php (php-cli) for the parse_str parity test");
            return None;
        }
    };
    let mut input = child.stdin.take().unwrap();
    let text = queries.join("\n") + "\n";
    let writer = std::thread::spawn(move || input.write_all(text.as_bytes()));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let out = String::from_utf8(output.stdout).unwrap();
    Some(
        out.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
    )
}

/// Compares as text, so that key order counts too.
fn check(queries: &[String]) {
    let Some(expected) = php(queries) else {
        return;
    };
    assert_eq!(expected.len(), queries.len());
    for (query, expected) in queries.iter().zip(expected) {
        let mine = parse_str(query);
        assert_eq!(mine.to_string(), expected.to_string(), "query: {query}");
    }
}

#[test]
fn generated_structures_decode_like_php() {
    let mut rng = StdRng::seed_from_u64(16);
    let queries: Vec<String> = (0..400)
        .map(|_| b24_core::form::to_query_string(&container(&mut rng, 0)))
        .collect();
    check(&queries);
}

#[test]
fn awkward_names_decode_like_php() {
    let mut rng = StdRng::seed_from_u64(61);
    let queries: Vec<String> = (0..400).map(|_| raw(&mut rng)).collect();
    check(&queries);
}

#[test]
fn documented_event_payloads_decode_like_php() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/bitrix24/examples");
    let mut queries = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("event.") && name.ends_with(".payload.json") {
            let payload: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            queries.push(b24_core::form::to_query_string(&payload));
        }
    }
    assert!(
        queries.len() >= 5,
        "{} payloads in {}",
        queries.len(),
        dir.display()
    );
    check(&queries);
}
