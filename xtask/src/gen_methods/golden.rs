//! Golden expansion tests: the files generated for a small catalog of real entries
//! (`xtask/expand/catalog/`, copied from the documentation's catalog with their
//! examples) compared with the checked-in `xtask/expand/<method>.rs`. The shapes: a get
//! (`crm.status.get`), a list reusing the get's record (`crm.status.list`), an add with a
//! nested parameter object (`crm.status.add`), nested objects in the request and the response
//! (`crm.deal.details.configuration.get`), and a method that is also a folder, whose items
//! are gated one by one (`calendar.event.get`).
//!
//! After changing what the generator writes: `B24_BLESS=1 cargo test -p xtask golden`, then
//! `git diff xtask/expand`.

use std::fs;
use std::path::{Path, PathBuf};

use super::files::format_source;
use super::generator::Generator;
use super::model::Catalog;

/// The methods whose files are compared (the catalog also holds `calendar.event.get.nearest`,
/// which makes `calendar.event.get` a folder).
const CASES: &[&str] = &[
    "crm.status.get",
    "crm.status.list",
    "crm.status.add",
    "crm.deal.details.configuration.get",
    "calendar.event.get",
];

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("expand")
}

#[test]
fn golden_expansions_match() {
    let dir = golden_dir();
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root");
    let catalog = Catalog::load(&dir.join("catalog")).expect("the golden catalog");
    // No refinements: every case is generated.
    let output = Generator::new(&catalog, &dir.join("no-refinements"))
        .expect("a generator")
        .generate()
        .expect("generated");
    let bless = std::env::var_os("B24_BLESS").is_some();
    let mut differing = Vec::new();
    for case in CASES {
        let file = output
            .method_files
            .get(*case)
            .unwrap_or_else(|| panic!("{case} is not in the golden catalog"));
        let generated = output
            .files
            .get(file)
            .unwrap_or_else(|| panic!("{case}: no {}", file.display()));
        let formatted = format_source(workspace, generated).expect("rustfmt formats the output");
        let golden = dir.join(format!("{case}.rs"));
        if bless {
            fs::write(&golden, &formatted).expect("blessed");
        } else if fs::read_to_string(&golden).ok().as_deref() != Some(formatted.as_str()) {
            differing.push(format!(
                "{case}: {} differs from the generated file:\n{formatted}",
                golden.display()
            ));
        }
    }
    assert!(
        differing.is_empty(),
        "{}\nrerun with B24_BLESS=1 and review `git diff xtask/expand`",
        differing.join("\n")
    );
}

#[test]
fn a_method_that_is_a_folder_gates_each_item_and_not_its_child_module() {
    let golden = fs::read_to_string(golden_dir().join("calendar.event.get.rs"))
        .expect("the golden file of calendar.event.get");
    let gate = "#[cfg(feature = \"calendar\")]";
    // Every top-level item follows its own gate: the child module, the prelude, the struct
    // (its doc comment comes after the gate), `record!`, and the constructor's impl.
    for item in [
        "pub mod nearest;",
        "use crate::wire::*;",
        "/// Calls `calendar.event.get`.",
        "record!(CalendarEventGet {",
        "#[allow(deprecated)]\nimpl CalendarEventGet {",
    ] {
        assert!(
            golden.contains(&format!("{gate}\n{item}")),
            "`{item}` is not gated:\n{golden}"
        );
    }
    let top_level_items = golden
        .lines()
        .filter(|line| {
            ["pub mod ", "use ", "pub struct ", "record!(", "impl "]
                .iter()
                .any(|start| line.starts_with(start))
        })
        .count();
    assert_eq!(golden.matches(gate).count(), top_level_items, "{golden}");
}
