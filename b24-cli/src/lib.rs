//! The `b24` command: call any Bitrix24 method, export and import at the portal's full speed,
//! forward events — all from a terminal, on top of b24-core's client (no second HTTP stack).
//!
//! The binary is a thin wrapper around [`run`]; the library exists so that the benchmark and
//! the tests can drive the same code.

pub mod app_tokens;
pub mod audit;
pub mod batch_answer;
pub mod cli;
pub mod commands;
pub mod connect;
pub mod dirs;
pub mod exit;
pub mod fields;
pub mod journal;
pub mod logging;
pub mod output;
pub mod pager;
pub mod profiles;
pub mod progress;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::exit::{Failure, Outcome};

/// Parses `args` (program name first), runs the command and returns the exit code; messages
/// go to stderr, data to stdout.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { 2 } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    logging::init_from_env();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return Failure::api(format!("cannot start the runtime: {error}")).report(),
    };
    // Servers and listeners stop on Ctrl-C by themselves (cleaning up first); everything else
    // is interrupted where it stands: every write is journalled or reported before it is sent.
    let stops_by_itself = matches!(cli.command, Command::Emulator(_) | Command::Events(_));
    let outcome = runtime.block_on(async {
        if stops_by_itself {
            return dispatch(cli).await;
        }
        tokio::select! {
            outcome = dispatch(cli) => outcome,
            _ = tokio::signal::ctrl_c() => Err(Failure::interrupted()),
        }
    });
    // Do not wait for background tasks (an emulator, a pending request) on the way out.
    runtime.shutdown_background();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

async fn dispatch(cli: Cli) -> Outcome {
    use crate::commands::*;
    let Cli {
        connection,
        format,
        yes,
        command,
    } = cli;
    match command {
        Command::Call(args) => call::run(&connection, format, yes, args).await,
        Command::Export(args) => export::run(&connection, format, args).await,
        Command::Import(args) => import::run(&connection, format, yes, args).await,
        Command::Auth(command) => auth::run(&connection, command).await,
        Command::Methods(args) => catalog::methods(format, args),
        Command::Scopes(args) => catalog::scopes(args),
        Command::Decode(args) => catalog::decode(args),
        Command::Completion(args) => completion::run(args),
        Command::Emulator(args) => emulator::run(args, connection.rate_limit).await,
        Command::Events(command) => events::run(&connection, command).await,
    }
}
