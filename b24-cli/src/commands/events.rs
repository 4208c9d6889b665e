//! stub
use crate::cli::EventsCommand;
use crate::connect::ConnectionArgs;
use crate::exit::Outcome;
/// Runs `b24 events`.
pub async fn run(_c: &ConnectionArgs, _e: EventsCommand) -> Outcome { Ok(()) }
