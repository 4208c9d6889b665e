//! The compile-fail (`ui/`) and must-compile (`pass/`) cases of `#[b24_method]` and
//! `#[r7_method]`; `compiletest.rs` runs them through trybuild. Nothing to export.
