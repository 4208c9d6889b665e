//! `b24-emulator` binary: serves an emulated Bitrix24 portal on 127.0.0.1 until Ctrl-C.

use std::process::ExitCode;

use b24_emulator::{AppSettings, AuthStatusMode, Emulator, RateLimit};

const HELP: &str = "\
b24-emulator: a local Bitrix24 portal (REST wire protocol, in-memory state)

USAGE:
    b24-emulator [OPTIONS]

OPTIONS:
    --port <N>              TCP port on 127.0.0.1 (default 0 = pick a free port)
    --open                  also print `page: http://127.0.0.1:N/`, the portal page
                            (confirmations, request log, limits, data) to open in a browser
    --require-https         answer webhook calls over plain http with INVALID_REQUEST
    --auth-status <MODE>    `docs` (default) or `source` (every auth error is 401)
    --automated-solution-limit <N>
                            maximum number of crm.automatedsolution records (default 50)
    --https-port <N>        TLS port on 127.0.0.1 (default 0 = pick a free port)
    --ca-out <PATH>         write the generated CA certificate (PEM) to PATH
    --seed-deals <N>        start with N generated deals (also --seed-contacts,
                            --seed-leads, --seed-companies)
    --rate-limit <MODE>     `off` (default), `standard` (2/s, burst 50) or
                            `enterprise` (5/s, burst 250)
    --operating-limit <S>   operating-time budget per method in 10 minutes, seconds
                            (default 480; `off` disables OPERATION_TIME_LIMIT)
    --clock-scale <F>       portal clock speed (1 = real time, 60 = a minute per second)
    --app <ID:SECRET[:SCOPES[:ui]]>
                            register an application with the OAuth server (SCOPES
                            comma-separated; `ui` = it has a user interface)
    --app-handler <URL>     handler URL of the last --app (install, events, redirect_uri)
    --record <PATH>         write every REST call and its answer to PATH (JSON lines)
    --replay <PATH>         answer REST calls from a recording made with --record
    -h, --help              print this help

Prints on stdout, one per line: `webhook: http://127.0.0.1:N/rest/1/<code>/`,
`https_webhook: https://127.0.0.1:M/rest/1/<code>/`, `ca: <path>`, `base: http://127.0.0.1:N`,
(with --open also `page: http://127.0.0.1:N/`), then serves until Ctrl-C or SIGTERM.
Control API on the same port (see the crate docs): POST /_emulator/reset, /confirm, /deny,
/webhook, /token, /expire, /seed, /faults, /limits, /clock; GET /_emulator/counters, /info;
applications: POST /_emulator/app, /app/install, /app/install_finish, /app/update,
/app/uninstall, /app/placement, /oauth. OAuth server: /oauth/authorize/, /oauth/token/.
";

/// `ID:SECRET[:SCOPES[:ui]]` of `--app`.
fn parse_app(value: &str) -> Option<AppSettings> {
    let mut parts = value.splitn(4, ':');
    let (id, secret) = (parts.next()?, parts.next()?);
    if id.is_empty() || secret.is_empty() {
        return None;
    }
    let scopes = parts.next().unwrap_or("");
    let app = AppSettings::new(id, secret, scopes.split(',').filter(|s| !s.is_empty()));
    match parts.next() {
        None => Some(app),
        Some("ui") => Some(app.with_ui()),
        Some(_) => None,
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{HELP}");
    ExitCode::from(2)
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut builder = Emulator::builder();
    let mut seeds: Vec<(&str, u64)> = Vec::new();
    let mut open = false;
    let mut apps: Vec<AppSettings> = Vec::new();
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
            "--open" => open = true,
            "--require-https" => builder = builder.require_https_for_webhooks(true),
            "--port"
            | "--auth-status"
            | "--automated-solution-limit"
            | "--https-port"
            | "--ca-out"
            | "--seed-deals"
            | "--seed-contacts"
            | "--seed-leads"
            | "--seed-companies"
            | "--rate-limit"
            | "--operating-limit"
            | "--clock-scale"
            | "--app"
            | "--app-handler"
            | "--record"
            | "--replay" => {
                let Some(value) = inline.or_else(|| args.next()) else {
                    return usage_error(&format!("{flag} needs a value"));
                };
                match flag.as_str() {
                    "--port" => match value.parse::<u16>() {
                        Ok(port) => builder = builder.port(port),
                        Err(_) => return usage_error(&format!("invalid port `{value}`")),
                    },
                    "--https-port" => match value.parse::<u16>() {
                        Ok(port) => builder = builder.https_port(port),
                        Err(_) => return usage_error(&format!("invalid port `{value}`")),
                    },
                    "--ca-out" => builder = builder.ca_cert_out(value),
                    "--record" => builder = builder.record_to(value),
                    "--replay" => builder = builder.replay_from(value),
                    "--app" => match parse_app(&value) {
                        Some(app) => apps.push(app),
                        None => return usage_error(&format!("invalid application `{value}`")),
                    },
                    "--app-handler" => match apps.pop() {
                        Some(app) => apps.push(app.handler(value)),
                        None => return usage_error("--app-handler needs an --app before it"),
                    },
                    "--seed-deals" | "--seed-contacts" | "--seed-leads" | "--seed-companies" => {
                        let entity = match flag.as_str() {
                            "--seed-deals" => "deal",
                            "--seed-contacts" => "contact",
                            "--seed-leads" => "lead",
                            _ => "company",
                        };
                        match value.parse::<u64>() {
                            Ok(n) => seeds.push((entity, n)),
                            Err(_) => return usage_error(&format!("invalid count `{value}`")),
                        }
                    }
                    "--rate-limit" => match RateLimit::parse(&value) {
                        Some(limit) => builder = builder.rate_limit(limit),
                        None => return usage_error(&format!("invalid rate limit `{value}`")),
                    },
                    "--operating-limit" => match value.as_str() {
                        "off" => builder = builder.operating_limit(None),
                        v => match v.parse::<f64>() {
                            Ok(s) if s.is_finite() && s >= 0.0 => {
                                builder = builder.operating_limit(Some(s));
                            }
                            _ => return usage_error(&format!("invalid operating limit `{v}`")),
                        },
                    },
                    "--clock-scale" => match value.parse::<f64>() {
                        Ok(s) if s.is_finite() && s >= 0.0 => builder = builder.clock_scale(s),
                        _ => return usage_error(&format!("invalid clock scale `{value}`")),
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
    for app in apps {
        builder = builder.app(app);
    }
    let emulator = match builder.start().await {
        Ok(e) => e,
        Err(err) => {
            eprintln!("error: cannot start the emulator: {err}");
            return ExitCode::FAILURE;
        }
    };
    for (entity, n) in seeds {
        if n > 0 {
            let _ = emulator.seed(entity, n);
        }
    }
    println!("webhook: {}", emulator.webhook_url());
    println!("https_webhook: {}", emulator.https_webhook_url());
    println!("ca: {}", emulator.ca_cert_path().display());
    println!("base: {}", emulator.base_url());
    if open {
        println!("page: {}", emulator.page_url());
    }
    eprintln!("portal: {}  (Ctrl-C to stop)", emulator.base_url());
    wait_for_signal().await;
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

/// Waits for Ctrl-C or (on Unix) SIGTERM.
async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(err) => {
                eprintln!("error: cannot listen for SIGTERM: {err}");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        if let Err(err) = tokio::signal::ctrl_c().await {
            eprintln!("error: cannot listen for Ctrl-C: {err}");
        }
    }
}
