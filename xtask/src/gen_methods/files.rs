//! Files: the hand-written refinements found on disk, the generated files already there,
//! formatting with the pinned rustfmt, and the generated parts of hand-written files
//! (`lib.rs`'s module block, `Cargo.toml`'s `[features]`).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{MARKER, Result};

/// A hand-written refinement of a method (`#[b24_method("…")]` in `src/refined/`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Refinement {
    /// The request type.
    pub(super) type_name: String,
    /// The module under `refined/` (`crm/automatedsolution/add`).
    pub(super) module: String,
    /// Declared a list method (`list` or `list = "key"` among the attribute's arguments).
    pub(super) list: bool,
}

/// Method name → its refinement, for every `#[b24_method("…")]` in `dir` (`src/refined/`).
pub(super) fn scan_refined(dir: &Path) -> Result<BTreeMap<String, Refinement>> {
    let mut found = BTreeMap::new();
    for file in rust_files(dir)? {
        let text = fs::read_to_string(&file).map_err(|error| error.to_string())?;
        let relative = file.strip_prefix(dir).map_err(|error| error.to_string())?;
        let module = relative.with_extension("");
        let module = module.to_string_lossy().replace('\\', "/");
        let module = module.strip_suffix("/mod").unwrap_or(&module).to_owned();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("#[b24_method(") {
            rest = &rest[at + "#[b24_method(".len()..];
            let Some(open) = rest.find('"') else { break };
            let after = &rest[open + 1..];
            let Some(close) = after.find('"') else { break };
            let name = after[..close].to_owned();
            let arguments = rest.split(")]").next().unwrap_or_default();
            let list = arguments
                .split(',')
                .any(|argument| argument.split('=').next().unwrap_or_default().trim() == "list");
            // The request struct follows the attribute.
            let type_name = rest
                .find("pub struct ")
                .map(|at| {
                    rest[at + "pub struct ".len()..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect::<String>()
                })
                .ok_or_else(|| format!("{}: no struct after #[b24_method]", file.display()))?;
            let module = module.clone();
            found.insert(
                name,
                Refinement {
                    type_name,
                    module,
                    list,
                },
            );
        }
    }
    Ok(found)
}

/// Whether `src/refined/<folder>/mod.rs` holds shared types to re-export.
pub(super) fn refined_folder_has_mod(refined_dir: &Path, folder: &[String]) -> bool {
    let file = refined_dir.join(folder.join("/")).join("mod.rs");
    fs::read_to_string(file).is_ok_and(|text| {
        text.contains("pub struct ") || text.contains("pub enum ") || text.contains("pub type ")
    })
}

/// Every `.rs` file under `dir`, sorted by path; none when `dir` does not exist.
pub(super) fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    walk_rs(dir, &mut files)?;
    Ok(files)
}

fn walk_rs(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    let mut entries: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk_rs(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    Ok(())
}

/// The generated files (by marker) of the crate, relative to `crate_dir`.
pub(super) fn generated_files(crate_dir: &Path) -> Result<BTreeSet<PathBuf>> {
    let mut found = BTreeSet::new();
    for file in rust_files(&crate_dir.join("src"))? {
        let relative = file
            .strip_prefix(crate_dir)
            .map_err(|error| error.to_string())?;
        if relative.starts_with("src/refined") {
            continue;
        }
        if fs::read_to_string(&file).is_ok_and(|text| text.contains(MARKER)) {
            found.insert(relative.to_path_buf());
        }
    }
    Ok(found)
}

/// Formats the crate's generated `outputs` (paths relative to `crate_dir`) with rustfmt, in
/// one run over a scratch copy of the crate.
pub(super) fn format_crate(
    root: &Path,
    crate_dir: &Path,
    outputs: &mut BTreeMap<PathBuf, String>,
) -> Result<()> {
    let scratch = std::env::temp_dir().join(format!("b24-gen-methods-{}", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    let write = |path: &Path, content: &str| -> Result<()> {
        let full = scratch.join(path);
        fs::create_dir_all(full.parent().expect("in src")).map_err(|error| error.to_string())?;
        fs::write(&full, content).map_err(|error| error.to_string())
    };
    for (path, content) in outputs.iter() {
        write(path, content)?;
    }
    // The hand-written modules, so that rustfmt finds every module from `lib.rs`.
    for file in rust_files(&crate_dir.join("src"))? {
        let relative = file
            .strip_prefix(crate_dir)
            .map_err(|error| error.to_string())?;
        if outputs.contains_key(relative) {
            continue;
        }
        let content = fs::read_to_string(&file).map_err(|error| error.to_string())?;
        write(relative, &content)?;
    }
    // rustfmt follows the `mod` declarations from `lib.rs` through the whole tree.
    let status = Command::new("rustfmt")
        .current_dir(root)
        .args(["--edition", "2024"])
        .arg(scratch.join("src/lib.rs"))
        .status()
        .map_err(|error| format!("rustfmt: {error}"))?;
    if !status.success() {
        return Err(format!(
            "rustfmt failed on the generated code (left in {})",
            scratch.display()
        ));
    }
    for (path, content) in outputs.iter_mut() {
        *content = fs::read_to_string(scratch.join(path)).map_err(|error| error.to_string())?;
    }
    let _ = fs::remove_dir_all(&scratch);
    Ok(())
}

/// One source text through rustfmt (as `format_crate` formats each file).
#[cfg(test)]
pub(super) fn format_source(root: &Path, source: &str) -> Result<String> {
    use std::io::Write as _;
    use std::process::Stdio;

    let mut child = Command::new("rustfmt")
        .current_dir(root)
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|error| format!("rustfmt: {error}"))?;
    child
        .stdin
        .take()
        .ok_or("rustfmt: no stdin")?
        .write_all(source.as_bytes())
        .map_err(|error| format!("rustfmt: {error}"))?;
    let output = child
        .wait_with_output()
        .map_err(|error| format!("rustfmt: {error}"))?;
    if !output.status.success() {
        return Err(String::from("rustfmt failed on the generated code"));
    }
    String::from_utf8(output.stdout).map_err(|error| error.to_string())
}

const BLOCK_BEGIN: &str =
    "// @generated modules: begin (`cargo xtask gen-methods` rewrites this block)";
const BLOCK_END: &str = "// @generated modules: end";

/// Replaces the generated block of `lib.rs`, keeping what is written around it.
pub(super) fn replace_block(lib: &str, block: &str) -> Result<String> {
    let begin = lib
        .find(BLOCK_BEGIN)
        .ok_or_else(|| format!("src/lib.rs: no `{BLOCK_BEGIN}` line"))?;
    let end = lib
        .find(BLOCK_END)
        .ok_or_else(|| format!("src/lib.rs: no `{BLOCK_END}` line"))?;
    Ok(format!(
        "{}{BLOCK_BEGIN}\n{block}{}",
        &lib[..begin],
        &lib[end..]
    ))
}

/// Replaces the `[features]` table of a manifest.
pub(super) fn replace_features(manifest: &str, table: &str) -> Result<String> {
    let start = manifest
        .find("[features]")
        .ok_or("no [features] in b24-methods/Cargo.toml")?;
    let end = manifest[start + 1..]
        .find("\n[")
        .map(|at| start + 1 + at + 1)
        .unwrap_or(manifest.len());
    Ok(format!(
        "{}{}\n{}",
        &manifest[..start],
        table,
        &manifest[end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lib_block_is_replaced_and_the_rest_kept() {
        let lib = format!("mod wire;\n{BLOCK_BEGIN}\npub mod old;\n{BLOCK_END}\npub use x;\n");
        let replaced = replace_block(&lib, "pub mod crm;\n").expect("markers");
        assert_eq!(
            replaced,
            format!("mod wire;\n{BLOCK_BEGIN}\npub mod crm;\n{BLOCK_END}\npub use x;\n")
        );
        assert!(replace_block("mod wire;\n", "").is_err());
    }

    #[test]
    fn the_features_table_is_replaced_up_to_the_next_table() {
        let manifest = "[package]\n\n[features]\nold = []\n\n[dependencies]\nx = 1\n";
        let replaced = replace_features(manifest, "[features]\nnew = []\n").expect("table");
        assert_eq!(
            replaced,
            "[package]\n\n[features]\nnew = []\n\n[dependencies]\nx = 1\n"
        );
    }
}
