//! The generated method catalog against the documentation's own data: every documented method
//! is registered with its scope (REST 3.0 methods in `b24_core::v3::registry`), every documented
//! response example decodes with its method's typed response (REST 3.0 ones through the REST 3.0
//! envelope), and every documented request example survives a
//! trip through the typed request unchanged.
//!
//! The data lives next to the repository, in `../shared/bitrix24/` (override with
//! `B24_DOCS_DIR`): `methods.tsv`, `catalog/methods.json`, `catalog/requests/`,
//! `catalog/responses/` and `examples/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use b24_core::{Scope, registry};
use serde_json::Value;
use xtask::catalog::example_file_name;

/// Response examples known not to decode, by method, each with the reason. The test fails when
/// one of them starts to decode (remove it here) or when any other example fails.
const RESPONSE_FAILURES: &[(&str, &str)] = &[
    (
        "im.recent.list",
        "the envelope's `total` is documented as -1, which the envelope reads as a count",
    ),
    (
        "task.checklistitem.getlist",
        "`PARENT_ID` documented as a string, sent as an integer",
    ),
    (
        "tasks.api.scrum.sprint.list",
        "the documented example is not valid JSON (trailing characters)",
    ),
];

/// Request examples known not to survive a trip through their typed request, by method.
const REQUEST_FAILURES: &[(&str, &str)] = &[
    (
        "app.info",
        "a request without parameters is a unit struct, which does not read the example's `{}`",
    ),
    (
        "im.revision.get",
        "a request without parameters is a unit struct, which does not read the example's `{}`",
    ),
    (
        "profile",
        "a request without parameters is a unit struct, which does not read the example's `{}`",
    ),
];

pub(crate) fn docs_dir() -> PathBuf {
    match std::env::var_os("B24_DOCS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/bitrix24"),
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// methods.json's entries, as the documentation's catalog states them.
pub(crate) fn catalog_entries() -> Vec<Value> {
    let methods: Value =
        serde_json::from_slice(&read(&docs_dir().join("catalog/methods.json"))).unwrap();
    match methods {
        Value::Array(entries) => entries,
        other => panic!("methods.json is not an array: {other}"),
    }
}

/// methods.json: name → (rest_version, scopes as stated).
fn catalog() -> BTreeMap<String, (u64, String)> {
    catalog_entries()
        .iter()
        .map(|entry| {
            (
                entry["method"].as_str().unwrap().to_owned(),
                (
                    entry["rest_version"].as_u64().unwrap(),
                    entry["scope"].as_str().unwrap().to_owned(),
                ),
            )
        })
        .collect()
}

/// The scope a method is registered with: the first of the page's scopes that is a grantable
/// code (`sonet` is the pages' label for `sonet_group`, PROTOCOL §13).
fn expected_scope(stated: &str) -> Option<Scope> {
    stated
        .split(',')
        .map(|code| match code.trim() {
            "sonet" => "sonet_group",
            other => other,
        })
        .map(Scope::from)
        .find(|scope| !matches!(scope, Scope::Custom(_)))
}

fn excluded(name: &str) -> Option<&'static str> {
    b24_methods::EXCLUDED
        .iter()
        .find(|(excluded, _)| *excluded == name)
        .map(|(_, reason)| *reason)
}

#[test]
fn every_documented_method_is_registered_with_its_scope() {
    let catalog = catalog();
    let tsv = String::from_utf8(read(&docs_dir().join("methods.tsv"))).unwrap();
    let mut rows = 0;
    let mut problems = Vec::new();
    for line in tsv.lines().skip(1).filter(|line| !line.trim().is_empty()) {
        rows += 1;
        let columns: Vec<&str> = line.split('\t').collect();
        let (name, stated, deprecated) = (columns[0], columns[1], columns[3] == "1");
        let (version, _) = catalog
            .get(name)
            .unwrap_or_else(|| panic!("{name}: in methods.tsv, not in methods.json"));
        if *version == 3 {
            match b24_core::v3::registry::find(name) {
                Some(info) if info.scope == expected_scope(stated).expect("a known scope") => {}
                Some(info) => problems.push(format!(
                    "{name}: REST 3.0, scope {:?}, documented {stated}",
                    info.scope
                )),
                None => problems.push(format!("{name}: REST 3.0, not registered")),
            }
            if registry::find(name).is_some() {
                problems.push(format!("{name}: REST 3.0, in the classic registry"));
            }
            continue;
        }
        let Some(info) = registry::find(name) else {
            problems.push(format!("{name}: not registered"));
            continue;
        };
        if info.name != name {
            problems.push(format!("{name}: registered as {}", info.name));
        }
        let expected = expected_scope(stated).expect("a known scope");
        if info.scope != expected {
            problems.push(format!(
                "{name}: scope {:?}, documented {stated}",
                info.scope
            ));
        }
        if info.meta.deprecated != deprecated {
            problems.push(format!(
                "{name}: deprecated = {}, documented {deprecated}",
                info.meta.deprecated
            ));
        }
        if excluded(name).is_some() {
            problems.push(format!("{name}: both registered and excluded"));
        }
    }
    assert_eq!(rows, 1665, "methods.tsv rows");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        b24_methods::EXCLUDED.is_empty(),
        "{:?}",
        b24_methods::EXCLUDED
    );
}

/// Tallies the outcomes of one kind of example and checks the failures against a pinned list.
struct Tally {
    what: &'static str,
    passed: usize,
    /// `(method, reason)` of every example that failed.
    failures: Vec<(String, String)>,
    skipped: Vec<String>,
}

impl Tally {
    fn new(what: &'static str) -> Self {
        Tally {
            what,
            passed: 0,
            failures: Vec::new(),
            skipped: Vec::new(),
        }
    }

    fn record(&mut self, method: &str, label: &str, outcome: Result<(), String>) {
        match outcome {
            Ok(()) => self.passed += 1,
            Err(reason) => self
                .failures
                .push((method.to_owned(), format!("{label}: {reason}"))),
        }
    }

    /// Asserts that at least `expected_total` examples ran and that exactly the `pinned`
    /// methods failed.
    fn finish(self, expected_total: usize, pinned: &[(&str, &str)]) {
        let total = self.passed + self.failures.len();
        println!(
            "{}: {} of {total} pass ({:.1}%); {} skipped (REST 3.0, excluded)",
            self.what,
            self.passed,
            self.passed as f64 * 100.0 / total.max(1) as f64,
            self.skipped.len()
        );
        assert!(
            total >= expected_total,
            "{}: only {total} examples found, expected at least {expected_total}",
            self.what
        );
        let unexpected: Vec<&str> = self
            .failures
            .iter()
            .filter(|(method, _)| !pinned.iter().any(|(known, _)| known == method))
            .map(|(_, failure)| failure.as_str())
            .collect();
        let healed: Vec<&str> = pinned
            .iter()
            .filter(|(known, _)| !self.failures.iter().any(|(method, _)| method == known))
            .map(|(known, _)| *known)
            .collect();
        assert!(
            unexpected.is_empty(),
            "{}: examples that fail and are not in the pinned list:\n{}",
            self.what,
            unexpected.join("\n")
        );
        assert!(
            healed.is_empty(),
            "{}: pinned failures that now pass (remove them from the list): {healed:?}",
            self.what
        );
    }
}

/// `(method, path)` of every `*.json` example in `dir` whose stem (minus `suffix`) is a
/// method; REST 3.0 variant pages (`*.v3.json`) are left out.
fn examples(dir: &Path, suffix: &str) -> Vec<(String, PathBuf)> {
    let catalog = catalog();
    let by_stem: BTreeMap<String, &String> = catalog
        .keys()
        .map(|name| (example_file_name(name), name))
        .collect();
    let mut found = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(stem) = file.strip_suffix(suffix) else {
            continue;
        };
        if stem.ends_with(".v3") {
            continue;
        }
        if let Some(name) = by_stem.get(stem) {
            found.push(((*name).clone(), path));
        }
    }
    found
}

/// Some pages show only the content of `result`; those examples get the envelope around them.
fn enveloped(body: Vec<u8>) -> Vec<u8> {
    match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(map)) if !map.contains_key("result") && !map.contains_key("error") => {
            serde_json::to_vec(&serde_json::json!({ "result": map })).unwrap()
        }
        _ => body,
    }
}

#[test]
fn documented_response_examples_decode_with_typed_responses() {
    let docs = docs_dir();
    let mut tally = Tally::new("response examples");
    let versions = catalog();
    let sources = [
        examples(&docs.join("catalog/responses"), ".json"),
        examples(&docs.join("examples"), ".response.json"),
    ];
    for (name, path) in sources.into_iter().flatten() {
        let label = format!("{name} ({})", path.display());
        if excluded(&name).is_some() {
            tally.skipped.push(label);
            continue;
        }
        let body = enveloped(read(&path));
        let outcome = match versions.get(&name) {
            Some((3, _)) => match b24_core::v3::registry::find(&name) {
                Some(info) => info.decode_response(&body).map(drop),
                None => Err(b24_core::Error::UnknownMethod(name.clone())),
            },
            _ => registry::decode_response(&name, &body).map(drop),
        }
        .map_err(|error| error.to_string());
        tally.record(&name, &label, outcome);
    }
    tally.finish(1000, RESPONSE_FAILURES);
}

#[test]
fn documented_request_examples_round_trip_through_typed_requests() {
    let docs = docs_dir();
    let mut tally = Tally::new("request examples");
    for (name, path) in examples(&docs.join("catalog/requests"), ".json") {
        if excluded(&name).is_some() {
            tally.skipped.push(name);
            continue;
        }
        let body: Value = serde_json::from_slice(&read(&path)).unwrap();
        let outcome = match b24_methods::roundtrip(&name, &body) {
            None => Err(String::from("no typed request compiled in")),
            Some(Err(error)) => Err(error),
            Some(Ok(back)) if back == body => Ok(()),
            Some(Ok(back)) => Err(format!("changed: {back}")),
        };
        tally.record(&name, &name, outcome);
    }
    tally.finish(1000, REQUEST_FAILURES);
}
