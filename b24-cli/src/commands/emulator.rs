//! `b24 emulator`: the emulated portal of `b24-emulator`, with the same options, until Ctrl-C.

use b24_emulator::{AuthStatusMode, Emulator, RateLimit};
use clap::{Args, ValueEnum};

use crate::connect::RateLimitArg;
use crate::exit::{Failure, Outcome};

/// Options of the emulated portal.
#[derive(Args, Debug)]
pub struct EmulatorArgs {
    /// TCP port on 127.0.0.1 (0 picks a free port)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Answer webhook calls over plain http with INVALID_REQUEST
    #[arg(long)]
    pub require_https: bool,
    /// HTTP statuses of auth-stage errors
    #[arg(long, value_enum, default_value = "docs")]
    pub auth_status: AuthStatus,
    /// Maximum number of crm.automatedsolution records
    #[arg(long, default_value_t = b24_emulator::DEFAULT_AUTOMATED_SOLUTION_LIMIT)]
    pub automated_solution_limit: usize,
    /// TLS port on 127.0.0.1 (0 picks a free port)
    #[arg(long, default_value_t = 0)]
    pub https_port: u16,
    /// Write the generated CA certificate (PEM) to PATH
    #[arg(long, value_name = "PATH")]
    pub ca_out: Option<std::path::PathBuf>,
    /// Start with N generated deals
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed_deals: u64,
    /// Start with N generated contacts
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed_contacts: u64,
    /// Start with N generated leads
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed_leads: u64,
    /// Start with N generated companies
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed_companies: u64,
    /// Operating-time budget per method in 10 minutes, seconds, or `off`
    #[arg(long, value_name = "SECONDS", default_value = "480", value_parser = parse_operating)]
    pub operating_limit: OperatingLimit,
    /// Portal clock speed (1 = real time, 60 = a minute per second, 0 = manual)
    #[arg(long, default_value_t = 1.0, value_parser = parse_scale)]
    pub clock_scale: f64,
}

/// `--auth-status`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum AuthStatus {
    /// The documentation's statuses.
    Docs,
    /// Every auth-stage error is 401, as the server source does.
    Source,
}

/// `--operating-limit`: seconds or off.
#[derive(Clone, Copy, Debug)]
pub struct OperatingLimit(pub Option<f64>);

fn parse_operating(text: &str) -> Result<OperatingLimit, String> {
    if text == "off" {
        return Ok(OperatingLimit(None));
    }
    match text.parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && seconds >= 0.0 => Ok(OperatingLimit(Some(seconds))),
        _ => Err(String::from("expected seconds or `off`")),
    }
}

fn parse_scale(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(scale) if scale.is_finite() && scale >= 0.0 => Ok(scale),
        _ => Err(String::from("expected a non-negative number")),
    }
}

/// Runs `b24 emulator`; the global `--rate-limit` is the portal's request-intensity limit
/// (default off).
pub async fn run(args: EmulatorArgs, rate_limit: Option<RateLimitArg>) -> Outcome {
    let limit = match rate_limit {
        None | Some(RateLimitArg::Off) => RateLimit::Off,
        Some(RateLimitArg::Standard) => RateLimit::Standard,
        Some(RateLimitArg::Enterprise) => RateLimit::Enterprise,
    };
    let mut builder = Emulator::builder()
        .port(args.port)
        .require_https_for_webhooks(args.require_https)
        .auth_status_mode(match args.auth_status {
            AuthStatus::Docs => AuthStatusMode::Docs,
            AuthStatus::Source => AuthStatusMode::Source,
        })
        .automated_solution_limit(args.automated_solution_limit)
        .https_port(args.https_port)
        .rate_limit(limit)
        .operating_limit(args.operating_limit.0)
        .clock_scale(args.clock_scale);
    if let Some(path) = args.ca_out {
        builder = builder.ca_cert_out(path);
    }
    let emulator = builder
        .start()
        .await
        .map_err(|e| Failure::api(format!("cannot start the emulator: {e}")))?;
    for (entity, count) in [
        ("deal", args.seed_deals),
        ("contact", args.seed_contacts),
        ("lead", args.seed_leads),
        ("company", args.seed_companies),
    ] {
        if count > 0 {
            emulator.seed(entity, count);
        }
    }
    println!("webhook: {}", emulator.webhook_url());
    println!("https_webhook: {}", emulator.https_webhook_url());
    println!("ca: {}", emulator.ca_cert_path().display());
    println!("base: {}", emulator.base_url());
    eprintln!("portal: {}  (Ctrl-C to stop)", emulator.base_url());
    let _ = tokio::signal::ctrl_c().await;
    emulator.shutdown().await;
    Ok(())
}
