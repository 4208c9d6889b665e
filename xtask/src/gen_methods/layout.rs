//! Layout: where each method goes in the module tree, the `mod` declarations of every folder
//! and of `lib.rs`, the `#[cfg]` gate of a scope set, and the `[features]` table.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use super::naming::snake;

/// First segments that cannot be module names as they are: the crate's own modules, and `main`
/// (rustc takes a `main` module for a binary's entry point: `special_module_name`).
const RESERVED_MODULES: &[&str] = &["refined", "wire", "generated", "roundtrip", "r7", "main"];

/// Features of b24-methods that are no scope and stay out of `full`: `(name, comment)`.
const TEST_FEATURES: &[(&str, &str)] = &[(
    "roundtrip",
    "# Not in `full`: `b24_methods::roundtrip` and `list_item`, a request round-trip per method and\n# an item decoding per list method, for the catalog tests.",
)];

/// A documented method's place in the crate.
pub(super) struct Leaf {
    pub(super) method: String,
    /// Grantable scope codes.
    pub(super) scopes: Vec<String>,
    /// Module path segments.
    pub(super) path: Vec<String>,
    /// The request type.
    pub(super) type_name: String,
    /// Whether a hand-written refinement replaces the generated types.
    pub(super) refined: bool,
}

/// The module paths of `methods`, in order: the name's segments snake_cased, a reserved
/// first segment with `_`, a repeated path with `_2`.
pub(super) fn module_paths<'a>(methods: impl Iterator<Item = &'a str>) -> Vec<Vec<String>> {
    let mut used: HashSet<Vec<String>> = HashSet::new();
    let mut paths = Vec::new();
    for method in methods {
        let mut path: Vec<String> = method.split('.').map(snake).collect();
        if RESERVED_MODULES.contains(&path[0].as_str()) {
            path[0].push('_');
        }
        while !used.insert(path.clone()) {
            let last = path.last_mut().expect("non-empty");
            last.push_str("_2");
        }
        paths.push(path);
    }
    paths
}

/// The module tree: every folder (the root is the empty path) with its children's names, and
/// the leaves by path.
pub(super) struct Tree {
    pub(super) folders: BTreeMap<Vec<String>, BTreeSet<String>>,
    leaf_index: BTreeMap<Vec<String>, usize>,
}

impl Tree {
    /// The tree of `leaves`.
    pub(super) fn new(leaves: &[Leaf]) -> Tree {
        let mut folders: BTreeMap<Vec<String>, BTreeSet<String>> = BTreeMap::new();
        folders.insert(Vec::new(), BTreeSet::new());
        for leaf in leaves {
            for depth in 0..leaf.path.len() {
                let parent = leaf.path[..depth].to_vec();
                folders
                    .entry(parent)
                    .or_default()
                    .insert(leaf.path[depth].clone());
            }
        }
        let leaf_index = leaves
            .iter()
            .enumerate()
            .map(|(index, leaf)| (leaf.path.clone(), index))
            .collect();
        Tree {
            folders,
            leaf_index,
        }
    }

    /// Whether `path` is a folder (a method's path can be one too).
    pub(super) fn is_folder(&self, path: &[String]) -> bool {
        self.folders.contains_key(path)
    }

    /// Whether `path` is a method's.
    pub(super) fn is_leaf(&self, path: &[String]) -> bool {
        self.leaf_index.contains_key(path)
    }

    /// The `pub mod` lines of `folder`: a pure leaf is gated by its scopes; a folder stays (its
    /// leaves are gated inside).
    pub(super) fn module_decls(&self, folder: &[String], leaves: &[Leaf]) -> String {
        let mut text = String::new();
        for child in self.folders.get(folder).into_iter().flatten() {
            let mut path = folder.to_vec();
            path.push(child.clone());
            if let Some(&index) = self.leaf_index.get(&path)
                && !self.is_folder(&path)
                && let Some(cfg) = cfg_of(&leaves[index].scopes)
            {
                writeln!(text, "{cfg}").ok();
            }
            writeln!(text, "pub mod {child};").ok();
        }
        text
    }
}

/// The file of a module: `src/a/b.rs`, or `src/a/b/mod.rs` for a folder.
pub(super) fn file_of(path: &[String], is_folder: bool) -> PathBuf {
    let mut file = PathBuf::from("src");
    for segment in path {
        file.push(segment);
    }
    if is_folder {
        file.push("mod.rs");
    } else {
        file.set_extension("rs");
    }
    file
}

/// The cargo feature of a scope (`.` → `_`).
pub(super) fn feature_of(scope: &str) -> String {
    scope.replace('.', "_")
}

/// The gate of an item of these scopes: any of their features; none for the global scope.
pub(super) fn cfg_of(scopes: &[String]) -> Option<String> {
    if scopes.iter().any(|scope| scope == "basic") || scopes.is_empty() {
        return None;
    }
    let features: BTreeSet<String> = scopes.iter().map(|scope| feature_of(scope)).collect();
    let features: Vec<String> = features
        .into_iter()
        .map(|feature| format!("feature = \"{feature}\""))
        .collect();
    Some(if features.len() == 1 {
        format!("#[cfg({})]", features[0])
    } else {
        format!("#[cfg(any({}))]", features.join(", "))
    })
}

/// The `[features]` table: one feature per scope, the features written by hand in the
/// current manifest (kept as they are), `full` with all of them, and the test features.
pub(super) fn features_table(scope_features: &BTreeSet<String>, manifest: &str) -> String {
    let mut hand_written = Vec::new();
    if let Some(start) = manifest.find("[features]") {
        let table = &manifest[start + "[features]".len()..];
        let table = &table[..table.find("\n[").unwrap_or(table.len())];
        for line in table.lines() {
            let Some((name, _)) = line.split_once('=') else {
                continue;
            };
            let name = name.trim();
            if name.starts_with('#')
                || matches!(name, "default" | "full")
                || scope_features.contains(name)
                || TEST_FEATURES.iter().any(|(test, _)| *test == name)
            {
                continue;
            }
            hand_written.push((name.to_owned(), line.to_owned()));
        }
    }
    let mut all: BTreeSet<String> = scope_features.clone();
    all.extend(hand_written.iter().map(|(name, _)| name.clone()));
    let all: Vec<String> = all.iter().map(|feature| format!("\"{feature}\"")).collect();
    let mut text = String::from("[features]\ndefault = []\n");
    writeln!(
        text,
        "# Everything. The scope features below are generated by `cargo xtask gen-methods`;"
    )
    .ok();
    writeln!(text, "# features written by hand after them are kept.").ok();
    writeln!(text, "full = [{}]", all.join(", ")).ok();
    for feature in scope_features {
        writeln!(text, "{feature} = []").ok();
    }
    for (feature, comment) in TEST_FEATURES {
        writeln!(text, "{comment}\n{feature} = []").ok();
    }
    for (_, line) in &hand_written {
        writeln!(text, "{line}").ok();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(method: &str, scopes: &[&str], path: Vec<String>) -> Leaf {
        Leaf {
            method: method.to_owned(),
            scopes: scopes.iter().map(|scope| (*scope).to_owned()).collect(),
            path,
            type_name: String::new(),
            refined: false,
        }
    }

    #[test]
    fn paths_are_snake_cased_reserved_and_unique() {
        let methods = ["disk.folder.uploadFile", "main.eventlog.get", "a.B", "a.b"];
        let paths = module_paths(methods.into_iter());
        assert_eq!(paths[0], ["disk", "folder", "upload_file"]);
        assert_eq!(paths[1], ["main_", "eventlog", "get"]);
        assert_eq!(paths[2], ["a", "b"]);
        assert_eq!(paths[3], ["a", "b_2"]);
    }

    #[test]
    fn gates_name_every_feature_once_and_none_for_basic() {
        let scopes = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            cfg_of(&scopes(&["crm"])).as_deref(),
            Some("#[cfg(feature = \"crm\")]")
        );
        assert_eq!(
            cfg_of(&scopes(&["user.basic", "user", "user"])).as_deref(),
            Some("#[cfg(any(feature = \"user\", feature = \"user_basic\"))]")
        );
        assert_eq!(cfg_of(&scopes(&["crm", "basic"])), None);
        assert_eq!(cfg_of(&[]), None);
    }

    #[test]
    fn a_method_that_is_a_folder_keeps_its_children_ungated_by_it() {
        let paths = module_paths(["calendar.event.get", "calendar.event.get.nearest"].into_iter());
        let leaves: Vec<Leaf> = paths
            .into_iter()
            .map(|path| leaf("calendar", &["calendar"], path))
            .collect();
        let tree = Tree::new(&leaves);
        let get = ["calendar", "event", "get"].map(String::from);
        assert!(tree.is_folder(&get) && tree.is_leaf(&get));
        assert_eq!(
            tree.module_decls(&get, &leaves),
            "#[cfg(feature = \"calendar\")]\npub mod nearest;\n"
        );
        // `get` is a folder: declared without a gate, its items are gated inside.
        assert_eq!(tree.module_decls(&get[..2], &leaves), "pub mod get;\n");
        assert_eq!(
            file_of(&get, true),
            PathBuf::from("src/calendar/event/get/mod.rs")
        );
        assert_eq!(
            file_of(&get, false),
            PathBuf::from("src/calendar/event/get.rs")
        );
    }

    #[test]
    fn the_features_table_keeps_hand_written_features_and_leaves_tests_out_of_full() {
        let scopes: BTreeSet<String> = ["crm", "im"].map(String::from).into();
        let manifest = "[package]\n\n[features]\ndefault = []\nfull = [\"old\"]\ncrm = []\nroundtrip = []\nr7 = [\"dep:x\"]\n\n[dependencies]\n";
        let table = features_table(&scopes, manifest);
        assert!(
            table.contains("full = [\"crm\", \"im\", \"r7\"]\n"),
            "{table}"
        );
        assert!(table.contains("\ncrm = []\nim = []\n"), "{table}");
        assert!(table.contains("\nroundtrip = []\n"), "{table}");
        assert!(table.ends_with("r7 = [\"dep:x\"]\n"), "{table}");
        assert_eq!(table.matches("roundtrip = []").count(), 1);
    }
}
