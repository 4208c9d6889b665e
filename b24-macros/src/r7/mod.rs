//! `#[r7_method]`: R7-Office (ONLYOFFICE Community Server) REST routes.
//!
//! Phases as for `#[b24_method]`: `args.rs` parses the attribute, `template.rs` checks the path
//! template, `fields.rs` reads the struct's fields (wire names, `#[r7(...)]` placements),
//! `expand.rs` generates the impl or, on error, a stub.

mod args;
mod expand;
mod fields;
mod template;

pub(crate) use expand::r7_method;
