//! `b24-emulator` binary: serves an emulated Bitrix24 portal on 127.0.0.1 until Ctrl-C.

use std::process::ExitCode;

use b24_emulator::{AuthStatusMode, Emulator};

const HELP: &str = "\
b24-emulator: a local Bitrix24 portal (REST wire protocol, in-memory state)

USAGE:
    b24-emulator [OPTIONS]

OPTIONS:
    --port <N>              TCP port on 127.0.0.1 (default 0 = pick a free port)
    --require-https         answer webhook calls over plain http with INVALID_REQUEST
    --auth-status <MODE>    `docs` (default) or `source` (every auth error is 401)
    --automated-solution-limit <N>
                            maximum number of crm.automatedsolution records (default 50)
    -h, --help              print this help

Prints `webhook: http://127.0.0.1:N/rest/1/<code>/` on stdout, then serves until Ctrl-C.
Control API on the same port: POST /_emulator/reset, POST /_emulator/confirm {\"method\"},
POST /_emulator/deny {\"method\"}, GET /_emulator/counters, POST /_emulator/webhook and
POST /_emulator/token {\"user_id\", \"scopes\"}, POST /_emulator/expire {\"token\"}.
";

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{HELP}");
    ExitCode::from(2)
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut builder = Emulator::builder();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        match flag.as_str() {
            "-h" | "--help" => {
                print!("{HELP}");
                return ExitCode::SUCCESS;
            }
            "--require-https" => builder = builder.require_https_for_webhooks(true),
            "--port" | "--auth-status" | "--automated-solution-limit" => {
                let Some(value) = inline.or_else(|| args.next()) else {
                    return usage_error(&format!("{flag} needs a value"));
                };
                match flag.as_str() {
                    "--port" => match value.parse::<u16>() {
                        Ok(port) => builder = builder.port(port),
                        Err(_) => return usage_error(&format!("invalid port `{value}`")),
                    },
                    "--auth-status" => match value.as_str() {
                        "docs" => builder = builder.auth_status_mode(AuthStatusMode::Docs),
                        "source" => builder = builder.auth_status_mode(AuthStatusMode::Source),
                        _ => return usage_error(&format!("invalid auth status mode `{value}`")),
                    },
                    _ => match value.parse::<usize>() {
                        Ok(n) => builder = builder.automated_solution_limit(n),
                        Err(_) => return usage_error(&format!("invalid limit `{value}`")),
                    },
                }
            }
            other => return usage_error(&format!("unknown argument `{other}`")),
        }
    }
    let emulator = match builder.start().await {
        Ok(e) => e,
        Err(err) => {
            eprintln!("error: cannot start the emulator: {err}");
            return ExitCode::FAILURE;
        }
    };
    println!("webhook: {}", emulator.webhook_url());
    eprintln!("portal: {}  (Ctrl-C to stop)", emulator.base_url());
    if let Err(err) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot listen for Ctrl-C: {err}");
    }
    emulator.shutdown().await;
    ExitCode::SUCCESS
}
