//! The request log behind the portal page: a ring buffer of the last REST requests, with
//! nothing secret in it (method names, never paths or parameters), and the masking rule for
//! the secrets the page does show in part.

use std::collections::VecDeque;
use std::net::IpAddr;

/// How many requests the log keeps (older ones are dropped first).
pub const LOG_CAPACITY: usize = 500;

/// How a request authenticated (or tried to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthKind {
    /// An incoming webhook in the path.
    Webhook,
    /// An OAuth access token (`auth` parameter or `Authorization: Bearer`).
    OAuth,
    /// No credential was presented or the request was refused before authentication.
    #[default]
    None,
}

impl AuthKind {
    /// A short label for the page.
    pub fn label(self) -> &'static str {
        match self {
            AuthKind::Webhook => "webhook",
            AuthKind::OAuth => "oauth",
            AuthKind::None => "-",
        }
    }
}

/// What the dispatcher learnt about a request, carried to the logger as a response extension.
#[derive(Debug, Clone, Default)]
pub struct CallNote {
    /// How the request authenticated.
    pub auth: AuthKind,
    /// Operating time charged to the credential and method so far, seconds.
    pub operating: Option<f64>,
    /// `batch` only: the method of each command, as `key: method` (query strings dropped).
    pub commands: Vec<String>,
}

/// The error code of an answer, carried to the logger as a response extension.
#[derive(Debug, Clone)]
pub struct ErrorCode(pub String);

/// One logged request.
#[derive(Debug, Clone)]
pub struct LogEntry {
    /// Sequence number, from 1.
    pub seq: u64,
    /// Portal time when the request arrived, Unix seconds.
    pub at: f64,
    /// Lower-cased method name.
    pub method: String,
    /// HTTP status (0 for a reset connection).
    pub status: u16,
    /// The error code, if the answer was an error.
    pub error: Option<String>,
    /// Wall-clock time spent answering, milliseconds.
    pub duration_ms: f64,
    /// What the dispatcher learnt: auth kind, operating time, `batch` commands.
    pub note: CallNote,
    /// The source address (the key of its leaky bucket).
    pub source: IpAddr,
    /// The source's bucket level right after the request.
    pub bucket_level: f64,
}

/// The ring buffer of the last [`LOG_CAPACITY`] requests.
#[derive(Debug, Default)]
pub struct RequestLog {
    entries: VecDeque<LogEntry>,
    next_seq: u64,
}

impl RequestLog {
    /// Appends an entry (its `seq` is assigned here), dropping the oldest beyond capacity.
    pub fn push(&mut self, mut entry: LogEntry) {
        self.next_seq += 1;
        entry.seq = self.next_seq;
        if self.entries.len() == LOG_CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    /// Entries, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &LogEntry> {
        self.entries.iter()
    }

    /// Number of entries kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the log is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A secret as the page shows it: its first four characters and its length, never the rest
/// (`"abcd… (16 chars)"`). Secrets of eight characters or fewer show nothing at all.
pub fn mask(secret: &str) -> String {
    let len = secret.chars().count();
    if len <= 8 {
        return format!("… ({len} chars)");
    }
    let head: String = secret.chars().take(4).collect();
    format!("{head}… ({len} chars)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn entry(method: &str) -> LogEntry {
        LogEntry {
            seq: 0,
            at: 0.0,
            method: method.to_owned(),
            status: 200,
            error: None,
            duration_ms: 0.0,
            note: CallNote::default(),
            source: IpAddr::V4(Ipv4Addr::LOCALHOST),
            bucket_level: 0.0,
        }
    }

    #[test]
    fn ring_keeps_the_newest() {
        let mut log = RequestLog::default();
        for i in 0..LOG_CAPACITY + 3 {
            log.push(entry(&format!("m{i}")));
        }
        assert_eq!(log.len(), LOG_CAPACITY);
        assert_eq!(log.iter().next().map(|e| e.seq), Some(4));
        assert_eq!(
            log.iter().last().map(|e| e.method.clone()),
            Some(format!("m{}", LOG_CAPACITY + 2))
        );
    }

    #[test]
    fn masking_hides_all_but_four() {
        let secret = "abcdefghijklmnop";
        let shown = mask(secret);
        assert_eq!(shown, "abcd… (16 chars)");
        assert!(!shown.contains("efgh"));
        assert_eq!(mask("short"), "… (5 chars)");
    }
}
