//! Repository tasks.
//!
//! `cargo xtask gen-methods [--check]` generates the method catalog of `b24-methods` from the
//! documentation's structured catalog (`../shared/bitrix24/catalog/methods.json`, or
//! `$B24_CATALOG_DIR/methods.json`). See `CONTRIBUTING.md`, "The method catalog".

mod gen_methods;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("gen-methods") => {
            let check = args.iter().skip(1).any(|arg| arg == "--check");
            if let Some(unknown) = args.iter().skip(1).find(|arg| *arg != "--check") {
                eprintln!("unknown argument `{unknown}`; usage: cargo xtask gen-methods [--check]");
                return ExitCode::from(2);
            }
            match gen_methods::run(check) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::FAILURE,
                Err(error) => {
                    eprintln!("error: {error}");
                    ExitCode::FAILURE
                }
            }
        }
        _ => {
            eprintln!("usage: cargo xtask gen-methods [--check]");
            ExitCode::from(2)
        }
    }
}
