//! The scope table of `#[b24_method]` (`b24-macros/src/scope_table.rs`), written from
//! `b24_core::Scope::KNOWN`. The macro crate cannot depend on `b24-core`, so it gets a
//! generated copy of the one list in `b24-core/src/scope.rs`.

use std::fmt::Write as _;

use b24_core::Scope;

use crate::gen_methods::MARKER;

/// Where the table lives, relative to the workspace root.
pub const PATH: &str = "b24-macros/src/b24/scope_table.rs";

/// `(wire code, variant name)` of every documented scope, in [`Scope::KNOWN`] order.
pub fn entries() -> Vec<(&'static str, &'static str)> {
    Scope::KNOWN
        .iter()
        .map(Scope::as_str)
        .zip(Scope::VARIANT_NAMES.iter().copied())
        .collect()
}

/// Whether `code` is a documented scope, one a method can be registered with.
pub fn is_known(code: &str) -> bool {
    Scope::KNOWN.iter().any(|scope| scope.as_str() == code)
}

/// The text of the table file, formatted as rustfmt leaves it.
pub fn render() -> String {
    let mut text = format!(
        "{MARKER}\n\n\
         //! The scope codes `#[b24_method]` accepts and the `b24_core::Scope` variant of each, in\n\
         //! wire-string order: `b24_core::Scope::KNOWN`, written out by `cargo xtask gen-methods`\n\
         //! (this crate cannot depend on `b24-core`). Add a scope in `b24-core/src/scope.rs`.\n\n\
         /// Known scope codes and the `b24_core::Scope` variant each one maps to.\n\
         pub(crate) const SCOPES: &[(&str, &str)] = &[\n"
    );
    for (code, variant) in entries() {
        writeln!(text, "    ({code:?}, {variant:?}),").expect("writing to a String");
    }
    text.push_str("];\n");
    text
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// Reads the `("code", "Variant"),` rows of the table file as the macro crate compiles it.
    fn rows_on_disk() -> Vec<(String, String)> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(PATH);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        text.lines()
            .filter_map(|line| line.trim().strip_prefix("(\""))
            .map(|row| {
                let row = row
                    .strip_suffix("\"),")
                    .expect("a `(\"code\", \"Variant\"),` row");
                let (code, variant) = row.split_once("\", \"").expect("two strings");
                (code.to_owned(), variant.to_owned())
            })
            .collect()
    }

    #[test]
    fn the_macro_table_lists_exactly_the_known_scopes() {
        let on_disk = rows_on_disk();
        let known: Vec<(String, String)> = entries()
            .into_iter()
            .map(|(code, variant)| (code.to_owned(), variant.to_owned()))
            .collect();
        assert_eq!(
            on_disk, known,
            "{PATH} disagrees with b24_core::Scope::KNOWN; run `cargo xtask gen-methods`"
        );
        assert_eq!(on_disk.len(), Scope::KNOWN.len());
    }

    #[test]
    fn every_known_scope_parses_back_to_itself() {
        for (scope, (code, _)) in Scope::KNOWN.iter().zip(entries()) {
            assert_eq!(&Scope::from(code), scope);
            assert!(is_known(code));
        }
        assert!(!is_known("sonet"));
    }
}
