//! stub
use clap::ValueEnum;
use crate::cli::ImportArgs;
use crate::connect::ConnectionArgs;
use crate::exit::Outcome;
/// `--on-error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OnError {
    /// Record the failure and go on with the other rows.
    Continue,
    /// Stop at the first failure.
    Stop,
}
/// Runs `b24 import`.
pub async fn run(_c: &ConnectionArgs, _yes: bool, _a: ImportArgs) -> Outcome { Ok(()) }
