//! `b24`: see `b24 --help`.

fn main() -> std::process::ExitCode {
    b24_cli::run(std::env::args_os())
}
