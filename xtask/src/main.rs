//! `cargo xtask`: see the library's documentation for the tasks.

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
            match xtask::gen_methods::run(check) {
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
