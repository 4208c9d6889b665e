//! An account: one portal (keyed by its stable `member_id`, not by its domain, which can
//! change) on which the application is installed, with the token pair it holds there.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// Where an account stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountStatus {
    /// Installed, tokens usable.
    Active,
    /// The OAuth server refused the refresh token (`invalid_grant`): calls fail until a
    /// verified install, update, placement or offline event brings a new pair, or the user
    /// authorises again.
    NeedsReauthorization,
    /// The portal removed the application (`ONAPPUNINSTALL`).
    Uninstalled,
}

impl AccountStatus {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::NeedsReauthorization => "needs_reauthorization",
            AccountStatus::Uninstalled => "uninstalled",
        }
    }

    /// Reads the stored spelling.
    pub fn parse(text: &str) -> Option<AccountStatus> {
        match text {
            "active" => Some(AccountStatus::Active),
            "needs_reauthorization" => Some(AccountStatus::NeedsReauthorization),
            "uninstalled" => Some(AccountStatus::Uninstalled),
            _ => None,
        }
    }
}

/// An OAuth token pair with the access token's expiry.
#[derive(Clone)]
pub struct TokenPair {
    /// The access token (one hour).
    pub access_token: SecretString,
    /// The refresh token: single-use, it must replace the previous one.
    pub refresh_token: SecretString,
    /// When the access token expires, Unix seconds of this host's clock.
    pub expires_at: i64,
}

impl TokenPair {
    /// A pair from its parts.
    pub fn new(access_token: &str, refresh_token: &str, expires_at: i64) -> TokenPair {
        TokenPair {
            access_token: SecretString::from(access_token),
            refresh_token: SecretString::from(refresh_token),
            expires_at,
        }
    }

    /// Whether both tokens and the expiry are the same.
    pub fn same_as(&self, other: &TokenPair) -> bool {
        self.access_token.expose_secret() == other.access_token.expose_secret()
            && self.refresh_token.expose_secret() == other.refresh_token.expose_secret()
            && self.expires_at == other.expires_at
    }
}

impl fmt::Debug for TokenPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenPair")
            .field("access_token", &"[redacted]")
            .field("refresh_token", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The application on one portal.
#[derive(Clone)]
pub struct Account {
    /// The portal's stable identifier.
    pub member_id: String,
    /// The portal's domain when last seen (informational: it can change).
    pub domain: String,
    /// The REST base for calls, `https://{portal}/rest/`.
    pub client_endpoint: String,
    /// The user the tokens act for, when known.
    pub user_id: Option<i64>,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// The token pair.
    pub tokens: TokenPair,
    /// The per-application secret the portal sends with every event.
    pub application_token: SecretString,
    /// Where the account stands.
    pub status: AccountStatus,
}

impl Account {
    /// Whether every field, secrets included, is the same.
    pub fn same_as(&self, other: &Account) -> bool {
        self.member_id == other.member_id
            && self.domain == other.domain
            && self.client_endpoint == other.client_endpoint
            && self.user_id == other.user_id
            && self.scopes == other.scopes
            && self.tokens.same_as(&other.tokens)
            && self.application_token.expose_secret() == other.application_token.expose_secret()
            && self.status == other.status
    }
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("member_id", &self.member_id)
            .field("domain", &self.domain)
            .field("client_endpoint", &self.client_endpoint)
            .field("user_id", &self.user_id)
            .field("scopes", &self.scopes)
            .field("tokens", &self.tokens)
            .field("application_token", &"[redacted]")
            .field("status", &self.status)
            .finish()
    }
}

/// Current Unix time of this host, seconds.
pub(crate) fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let account = Account {
            member_id: "m".into(),
            domain: "d".into(),
            client_endpoint: "https://d/rest/".into(),
            user_id: Some(1),
            scopes: vec!["crm".into()],
            tokens: TokenPair::new("acc3ss", "r3fresh", 5),
            application_token: SecretString::from("app70ken"),
            status: AccountStatus::Active,
        };
        let shown = format!("{account:?}");
        for secret in ["acc3ss", "r3fresh", "app70ken"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        for status in [
            AccountStatus::Active,
            AccountStatus::NeedsReauthorization,
            AccountStatus::Uninstalled,
        ] {
            assert_eq!(AccountStatus::parse(status.as_str()), Some(status));
        }
    }
}
