//! Repository tasks behind `cargo xtask`, and the catalog conventions the integration tests
//! share with the generator.
//!
//! `cargo xtask gen-methods [--check]` generates the method catalog of `b24-methods` from the
//! documentation's structured catalog (`../shared/bitrix24/catalog/methods.json`, or
//! `$B24_CATALOG_DIR/methods.json`), and the scope table of `b24-macros` from
//! `b24_core::Scope::KNOWN`. See `CONTRIBUTING.md`, "The method catalog".

pub mod catalog;
pub mod gen_methods;
pub mod scope_table;
