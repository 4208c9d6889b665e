//! PHP parity: PHP's `http_build_query` writes generated nested structures, PHP's `parse_str`
//! reads them back, and the emulator's decoder must read the same query strings to exactly
//! what `parse_str` produced (keys, order, list/map shape, strings).
//!
//! Needs `php` (Debian's `php-cli`) on `PATH`. Without it the test fails when the environment
//! variable `CI` is set; otherwise it is skipped with a `SKIPPED` line on the terminal (written
//! past the test harness's output capture, so it shows without `--nocapture`).

use std::ffi::OsString;
use std::io::Write;
use std::process::{Command, Stdio};

use b24_emulator::Value;
use b24_emulator::params::parse_str;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const KEYS: &[&str] = &[
    "a",
    "b",
    "key",
    "ID",
    "0",
    "1",
    "2",
    "7",
    "-3",
    "05",
    "x y",
    "a.b",
    " lead",
    "a[b",
    "a]b",
    "[",
    "]",
    "[]",
    "a[0]",
    "&",
    "+",
    "%",
    "%26",
    "=",
    "ü",
    "ключ",
    "😀",
    "a b+c",
    "",
    "1e3",
    "9223372036854775807",
    "$result[x]",
    "fields",
    "FIELDS",
];

const STRINGS: &[&str] = &[
    "",
    "0",
    "N",
    "Y",
    "hello world",
    "a&b=c",
    "1+1=2",
    "100%",
    "%41",
    "[x]",
    "a[b]c",
    "ü",
    "Привет, мир",
    "😀🚀",
    "<tag attr='v'>\"q\"</tag>",
    "line\nbreak",
    "tab\there",
    "#frag",
    "?q=1",
    "semi;colon",
    "back\\slash",
    "slash/path",
    "  spaced  ",
];

fn gen_value(rng: &mut StdRng, depth: usize) -> Value {
    let roll = rng.random_range(0..100);
    if depth < 6 && roll < 30 {
        return gen_array(rng, depth + 1);
    }
    match roll % 10 {
        0 => Value::Null,
        1 => Value::Bool(rng.random()),
        2 => Value::Int(rng.random_range(-1000..100_000)),
        3 => Value::Float(f64::from(rng.random_range(-100..100)) + 0.5),
        4 => Value::List(Vec::new()),
        _ => Value::from(STRINGS[rng.random_range(0..STRINGS.len())]),
    }
}

fn gen_array(rng: &mut StdRng, depth: usize) -> Value {
    let n = rng.random_range(0..5);
    if rng.random_range(0..4) == 0 {
        return Value::List((0..n).map(|_| gen_value(rng, depth)).collect());
    }
    let mut entries: Vec<(String, Value)> = Vec::new();
    for _ in 0..n {
        let k = KEYS[rng.random_range(0..KEYS.len())].to_owned();
        let v = gen_value(rng, depth);
        if let Some(slot) = entries.iter_mut().find(|(e, _)| *e == k) {
            slot.1 = v;
        } else {
            entries.push((k, v));
        }
    }
    Value::Map(entries)
}

fn deep(levels: usize) -> Value {
    let mut v = Value::from("bottom & [end]");
    for i in 0..levels {
        v = Value::Map(vec![(format!("l{i}"), v)]);
    }
    Value::Map(vec![("deep".to_owned(), v)])
}

/// The decoder always returns a map at the top level (request parameters), while PHP's
/// `json_encode` prints a top-level array with keys `0..n` as a list: same PHP array.
fn top(v: Value) -> Value {
    match v {
        Value::List(items) => Value::Map(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
        ),
        other => other,
    }
}

/// Empty lists and maps are the same PHP value (`[]`).
fn norm(v: Value) -> Value {
    match v {
        Value::List(items) if items.is_empty() => Value::Map(Vec::new()),
        Value::List(items) => Value::List(items.into_iter().map(norm).collect()),
        Value::Map(entries) => Value::Map(entries.into_iter().map(|(k, v)| (k, norm(v))).collect()),
        other => other,
    }
}

const PHP: &str = r#"
$in = json_decode(file_get_contents('php://stdin'), true, 1024);
$out = ['structures' => [], 'queries' => []];
foreach ($in['structures'] as $s) {
    $q = http_build_query($s);
    parse_str($q, $o);
    $out['structures'][] = ['q' => $q, 'o' => $o];
}
foreach ($in['queries'] as $q) {
    parse_str($q, $o);
    $out['queries'][] = $o;
}
echo json_encode($out, JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE, 1024);
"#;

const QUERIES: &[&str] = &[
    "a=1&b=2&a=3",
    "a[]=1&a[]=2",
    "a[5]=x&a[]=y",
    "a[1]=x&a[0]=y",
    "a[05]=x&a[]=y",
    "a[][x]=1&a[][x]=2",
    "a[ ]=1",
    "a=1&a[b]=2",
    "a[b]=2&a=1",
    "a.b=1&c d=2&+e=3",
    "a[b.c]=1",
    "a[b=1",
    "a[b.c=1",
    "a[b][c=1",
    "a[b]c=1",
    "a]=1",
    "[a]=1",
    "a[",
    "a%5Bb%5D=1",
    "x=a%26b%3Dc&y=1+2",
    "a=100%&b=%zz&c=%4",
    "a[-5]=1&a[]=2",
    "a[9223372036854775807]=1&a[]=2",
    "&&a=1&&",
    "=1",
    "a&b=",
    "a[[b]]=1",
    "a[b][]=1&a[b][]=2&a[c]=3",
    "fields[PHONE][0][VALUE]=%2B1555&fields[PHONE][0][VALUE_TYPE]=WORK",
    "cmd[get]=crm.deal.get%3Fid%3D%24result%5Badd%5D&halt=false",
];

/// Why `php` cannot be used: `None` when `php -v` runs and succeeds.
fn php_missing() -> Option<String> {
    match Command::new("php").arg("-v").output() {
        Ok(out) if out.status.success() => None,
        Ok(out) => Some(format!(
            "`php -v` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(e) => Some(format!("php could not be started ({e})")),
    }
}

/// Whether to run a test that needs php: yes when php works; without php an error under `CI`
/// (the test must run there), otherwise the reason to skip.
fn need_php(missing: Option<String>, ci: Option<OsString>) -> Result<(), Skip> {
    match (missing, ci) {
        (None, _) => Ok(()),
        (Some(why), Some(_)) => Err(Skip::Fail(format!(
            "{why}; CI is set, so the PHP parity test must run: install php-cli"
        ))),
        (Some(why), None) => Err(Skip::Skip(why)),
    }
}

/// A test that cannot run.
#[derive(Debug, PartialEq)]
enum Skip {
    /// Skipped, with the reason.
    Skip(String),
    /// Must fail (under `CI`).
    Fail(String),
}

/// Runs a php-dependent test's guard: `false` (after a visible `SKIPPED` line) when the test
/// is to be skipped; panics under `CI` without php.
fn php_or_skip(test: &str) -> bool {
    match need_php(php_missing(), std::env::var_os("CI")) {
        Ok(()) => true,
        Err(Skip::Fail(message)) => panic!("{message}"),
        Err(Skip::Skip(why)) => {
            // Straight to stderr: `eprintln!` would be captured and hidden for a passing test.
            let _ = writeln!(
                std::io::stderr().lock(),
                "SKIPPED {test}: {why} (install php-cli to run it; with CI set it fails instead)"
            );
            false
        }
    }
}

#[test]
fn missing_php_fails_under_ci_and_skips_otherwise() {
    let why = || Some(String::from("php could not be started"));
    assert_eq!(need_php(None, Some("1".into())), Ok(()));
    assert_eq!(need_php(None, None), Ok(()));
    assert!(
        matches!(need_php(why(), Some("true".into())), Err(Skip::Fail(m)) if m.contains("CI is set"))
    );
    assert!(matches!(
        need_php(why(), Some(OsString::new())),
        Err(Skip::Fail(_))
    ));
    assert_eq!(
        need_php(why(), None),
        Err(Skip::Skip("php could not be started".into()))
    );
}

#[test]
fn decoder_matches_php_parse_str() {
    if !php_or_skip("php_parity::decoder_matches_php_parse_str") {
        return;
    }
    let mut rng = StdRng::seed_from_u64(0x05ee_db24);
    let mut structures: Vec<Value> = (0..400).map(|_| top(gen_array(&mut rng, 0))).collect();
    structures.push(deep(10));
    structures.push(deep(70));
    let input = Value::object([
        ("structures", Value::List(structures)),
        (
            "queries",
            Value::List(QUERIES.iter().map(|q| Value::from(*q)).collect()),
        ),
    ]);
    let mut child = Command::new("php")
        .args(["-d", "display_errors=stderr", "-r", PHP])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run php");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.to_json().as_bytes())
        .expect("write to php");
    let out = child.wait_with_output().expect("php output");
    assert!(out.status.success(), "php failed");
    let output = Value::from_json(&out.stdout).expect("php printed JSON");

    let mut checked = 0;
    for case in output.get("structures").expect("structures").entries() {
        let (_, case) = case;
        let query = case.get("q").and_then(Value::as_str).expect("q");
        let php = norm(top(case.get("o").cloned().expect("o")));
        let ours = norm(parse_str(query));
        assert_eq!(ours, php, "query: {query}");
        checked += 1;
    }
    for (i, php) in output.get("queries").expect("queries").entries() {
        let query = QUERIES[i.parse::<usize>().expect("index")];
        assert_eq!(
            norm(parse_str(query)),
            norm(top(php.clone())),
            "query: {query}"
        );
        checked += 1;
    }
    assert_eq!(checked, 402 + QUERIES.len());
    println!("{checked} query strings decoded exactly like PHP's parse_str");
}
