//! `B24_LOG=debug b24 …`: the runtime's diagnostics (retries, waits, refusals) on standard
//! error. Off unless asked for; b24-core keeps secrets out of what it logs.

use tracing_subscriber::filter::LevelFilter;

/// The environment variable naming the level: `error`, `warn`, `info`, `debug` or `trace`.
pub const VARIABLE: &str = "B24_LOG";

/// Installs a subscriber writing to standard error when [`VARIABLE`] names a level; warns
/// (once, on standard error) when it names something else.
pub fn init_from_env() {
    let Some(value) = std::env::var_os(VARIABLE) else {
        return;
    };
    let value = value.to_string_lossy();
    match value.trim().parse::<LevelFilter>() {
        Ok(level) => {
            let _ = tracing_subscriber::fmt()
                .with_max_level(level)
                .with_writer(std::io::stderr)
                .with_target(false)
                .try_init();
        }
        Err(_) => eprintln!(
            "b24: warning: {VARIABLE}={value:?} is not a level (error, warn, info, debug, trace); not logging"
        ),
    }
}
