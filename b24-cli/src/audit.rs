//! `--audit FILE`: one JSON line per request — time, method, HTTP status, duration, outcome —
//! and never a parameter, a URL or a secret.

use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use b24_core::Error;
use serde_json::json;

use crate::exit::Failure;

/// An open audit log.
#[derive(Debug)]
pub struct Audit {
    file: Mutex<std::fs::File>,
}

impl Audit {
    /// Opens `path` for appending.
    pub fn open(path: &Path) -> Result<Audit, Failure> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| {
                Failure::usage(format!(
                    "cannot open the audit log `{}`: {e}",
                    path.display()
                ))
            })?;
        Ok(Audit {
            file: Mutex::new(file),
        })
    }

    /// Records one request. `commands` is the number of batch commands it carried, if any.
    pub fn record(
        &self,
        method: &str,
        commands: Option<usize>,
        elapsed: Duration,
        outcome: Result<(), &Error>,
    ) {
        let at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        let (status, error) = match outcome {
            Ok(()) => (Some(200), None),
            Err(error) => (
                error.status(),
                Some(
                    error
                        .code()
                        .and_then(|code| code.as_str().map(str::to_owned))
                        .unwrap_or_else(|| kind_of(error).to_owned()),
                ),
            ),
        };
        let mut line = json!({
            "ts": at,
            "method": method,
            "status": status,
            "duration_ms": elapsed.as_secs_f64() * 1000.0,
            "ok": error.is_none(),
        });
        if let Some(commands) = commands {
            line["commands"] = json!(commands);
        }
        if let Some(error) = error {
            line["error"] = json!(error);
        }
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        // An audit line that cannot be written must not stop the work it describes.
        let _ = writeln!(file, "{line}");
    }
}

/// A code-like name for errors that carry no server code.
fn kind_of(error: &Error) -> &'static str {
    match error {
        Error::Transport { .. } => "TRANSPORT",
        Error::Decode { .. } => "DECODE",
        Error::UnknownOutcome { .. } => "UNKNOWN_OUTCOME",
        Error::ScopeNotGranted { .. } => "SCOPE_NOT_GRANTED",
        Error::ResponseTooLarge { .. } => "RESPONSE_TOO_LARGE",
        Error::NotExecuted { .. } => "NOT_EXECUTED",
        _ => "ERROR",
    }
}
