//! The emulator's layering: data (state, stores, settings, values) never imports the code that
//! serves it (authentication, invocation, handlers, routing), so that no import circle can
//! form again (`auth` → `state` → handlers → `auth` was one).

use std::path::{Path, PathBuf};

/// The code that serves requests: authentication, invocation, handlers, routing, delivery.
const SERVING: &[&str] = &[
    "crate::methods",
    "crate::auth",
    "crate::call",
    "crate::router",
    "crate::control",
    "crate::delivery",
];

/// What a handler must not import: the table module that lists it (`use super::{Call, …}`
/// was how the old circle through the table started); siblings are imported one per line.
const TABLE: &[&str] = &[
    "use super::{",
    "super::METHODS",
    "super::ROUTES",
    "super::find",
];

/// Files under `src/` and the groups of names they must not use.
const RULES: &[(&str, &[&[&str]])] = &[
    ("store", &[SERVING, &["crate::state"]]),
    ("state.rs", &[SERVING]),
    ("config.rs", &[SERVING, &["crate::state", "crate::store"]]),
    ("value.rs", &[&["crate::"]]),
    // The transport knows nothing of the portal: the accept loop uses only the guard, the
    // guard nothing at all.
    ("guard.rs", &[&["crate::"]]),
    (
        "server.rs",
        &[SERVING, &["crate::state", "crate::store", "crate::r7"]],
    ),
    ("list.rs", &[SERVING, &["crate::store", "crate::state"]]),
    ("call.rs", &[&["crate::methods", "crate::router"]]),
    ("methods", &[TABLE]),
    (
        "r7/state.rs",
        &[&[
            "super::routes",
            "super::entry",
            "super::login",
            "super::render",
        ]],
    ),
    ("r7/dates.rs", &[&["super::", "crate::"]]),
    ("r7/wire.rs", &[&["super::", "crate::"]]),
    ("r7/routes", &[TABLE]),
];

fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_owned()];
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())) {
        out.extend(rust_files(&entry.unwrap().path()));
    }
    out.retain(|p| p.extension().is_some_and(|e| e == "rs"));
    out
}

/// The code of a file without comments and without its test module.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn data_never_imports_the_code_that_serves_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut violations = Vec::new();
    for (place, forbidden) in RULES {
        let files = rust_files(&src.join(place));
        assert!(!files.is_empty(), "{place} has no Rust files");
        for file in files {
            // A table module (`mod.rs`) may use its handlers; its handlers may not use it.
            if file.ends_with("methods/mod.rs") || file.ends_with("routes/mod.rs") {
                continue;
            }
            let code = code(&file);
            for needle in forbidden.iter().flat_map(|group| group.iter()) {
                if code.contains(needle) {
                    violations.push(format!("{} uses {needle}", file.display()));
                }
            }
        }
    }
    assert!(violations.is_empty(), "{violations:#?}");
}

#[test]
fn the_rule_sees_a_violation() {
    let dir = std::env::temp_dir().join(format!("b24-emu-layering-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("x.rs");
    std::fs::write(
        &file,
        "// crate::methods in a comment\nuse crate::methods::find;\n",
    )
    .unwrap();
    let code = code(&file);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code.matches("crate::methods").count(), 1, "{code}");
}
