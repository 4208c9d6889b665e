//! Compile-fail and must-compile cases of `#[b24_method]`, run through trybuild.
//!
//! Bless with `TRYBUILD=overwrite cargo test -p b24-compile-tests --test compiletest` on the
//! toolchain pinned in `rust-toolchain.toml`, then review the `.stderr` diff.

#[rustversion::attr(not(stable(1.95)), ignore = "ui output is blessed on stable 1.95")]
#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/**/*.rs");
    t.pass("pass/*.rs");
}
