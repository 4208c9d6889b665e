//! Compile-fail cases of `#[b24_method]` and `#[r7_method]`, run through trybuild. The
//! must-compile cases in `pass/` are test targets of their own (see `Cargo.toml`).
//!
//! Bless with `TRYBUILD=overwrite cargo test -p b24-compile-tests --test compiletest` on the
//! toolchain pinned in `rust-toolchain.toml`, then review the `.stderr` diff.

#[rustversion::attr(not(stable(1.95)), ignore = "ui output is blessed on stable 1.95")]
#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/**/*.rs");
}
