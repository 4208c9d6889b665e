//! Golden expansions: each `tests/expand/{b24,r7}/<case>.rs` (an annotated struct) is expanded
//! and formatted with `rustfmt`, and must equal `<case>.expanded.rs` beside it, so that a change
//! to the generated code, and its size, shows in review.
//!
//! Bless after an intended change with `B24_BLESS=1 cargo test -p b24-macros golden`, then
//! review the diff of `tests/expand/`. `rustfmt` (a component of the pinned toolchain) is
//! required: without it the test fails.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{DeriveInput, Meta};

const BLESS: &str = "B24_BLESS";

fn expand_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/expand")
}

/// The file names in `tests/expand/<attribute>/`, sorted.
fn file_names(attribute: &str) -> Vec<String> {
    let dir = expand_dir().join(attribute);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| {
            let entry = entry.expect("a directory entry");
            entry.file_name().to_string_lossy().into_owned()
        })
        .collect();
    names.sort();
    names
}

/// The cases of one attribute: `(input, golden)` paths.
fn cases(attribute: &str) -> Vec<(PathBuf, PathBuf)> {
    let dir = expand_dir().join(attribute);
    file_names(attribute)
        .into_iter()
        .filter(|name| name.ends_with(".rs") && !name.ends_with(".expanded.rs"))
        .map(|name| {
            let input = dir.join(name);
            let golden = input.with_extension("expanded.rs");
            (input, golden)
        })
        .collect()
}

/// Splits an annotated struct into the attribute's arguments and the item it is applied to,
/// as the compiler hands them to the macro.
fn split(source: &str, attribute: &str) -> (TokenStream, TokenStream) {
    let mut input: DeriveInput = syn::parse_str(source).expect("an annotated struct");
    let position = input
        .attrs
        .iter()
        .position(|attr| attr.path().is_ident(attribute))
        .unwrap_or_else(|| panic!("no #[{attribute}(...)] attribute"));
    let attr = input.attrs.remove(position);
    let Meta::List(list) = attr.meta else {
        panic!("#[{attribute}] without arguments");
    };
    (list.tokens, input.into_token_stream())
}

fn rustfmt(code: &str) -> String {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| {
            panic!("rustfmt is needed for the golden expansions (rustup component add rustfmt): {error}")
        });
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(code.as_bytes())
        .expect("writing to rustfmt");
    let output = child.wait_with_output().expect("rustfmt runs");
    assert!(
        output.status.success(),
        "rustfmt failed: {}\n{code}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("rustfmt writes UTF-8")
}

/// Expands every case of `attribute` with `expand` and compares (or, blessing, writes) the
/// golden files; returns the cases that differ.
fn check(attribute: &str, expand: fn(TokenStream, TokenStream) -> TokenStream) -> Vec<String> {
    let bless = std::env::var_os(BLESS).is_some();
    let cases = cases(attribute);
    assert!(
        cases.len() >= 4,
        "{attribute}: expected at least four cases"
    );
    let mut differing = Vec::new();
    for (input, golden) in cases {
        let source = std::fs::read_to_string(&input)
            .unwrap_or_else(|error| panic!("{}: {error}", input.display()));
        let (attr, item) = split(&source, &format!("{attribute}_method"));
        let name = input.file_name().expect("a file").to_string_lossy();
        let expanded = format!(
            "// The expansion of `{name}`; bless with `{BLESS}=1 cargo test -p b24-macros golden`.\n\n{}",
            rustfmt(&expand(attr, item).to_string())
        );
        if bless {
            std::fs::write(&golden, &expanded)
                .unwrap_or_else(|error| panic!("{}: {error}", golden.display()));
        } else if std::fs::read_to_string(&golden).ok().as_deref() != Some(expanded.as_str()) {
            differing.push(format!(
                "{} differs; the expansion is now:\n{expanded}",
                golden.display()
            ));
        }
    }
    differing
}

/// The golden files whose input is gone.
fn orphans(attribute: &str) -> Vec<String> {
    let names = file_names(attribute);
    names
        .iter()
        .filter(|name| {
            name.strip_suffix(".expanded.rs")
                .is_some_and(|stem| !names.contains(&format!("{stem}.rs")))
        })
        .cloned()
        .collect()
}

#[test]
fn golden_b24_method_expansions() {
    let differing = check("b24", crate::b24::b24_method);
    assert!(differing.is_empty(), "{}", differing.join("\n"));
    assert_eq!(orphans("b24"), Vec::<String>::new());
}

#[test]
fn golden_r7_method_expansions() {
    let differing = check("r7", crate::r7::r7_method);
    assert!(differing.is_empty(), "{}", differing.join("\n"));
    assert_eq!(orphans("r7"), Vec::<String>::new());
}

#[test]
fn split_removes_only_the_macro_attribute() {
    let (attr, item) = split(
        "#[deprecated] #[b24_method(\"x\", scope = \"crm\")] #[derive(Serialize)] struct X;",
        "b24_method",
    );
    assert_eq!(attr.to_string(), "\"x\" , scope = \"crm\"");
    assert_eq!(
        item.to_string(),
        "# [deprecated] # [derive (Serialize)] struct X ;"
    );
}
