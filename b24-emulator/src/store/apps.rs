//! Registered applications and the grants of the portal's OAuth server (PROTOCOL §8):
//! authorization codes (30 s), single-use refresh tokens (180 days) and the access tokens they
//! came with, the installation state of each application, its placements, and the counters
//! of the token endpoint.
//!
//! The store hands out token strings; the serving layer ([`crate::oauth`]) puts access tokens
//! where authentication looks for them and expires the ones a refresh revoked.

use std::collections::{BTreeMap, HashMap};

use crate::config::AppSettings;

/// Lifetime of an authorization code, seconds of portal time.
pub const CODE_LIFETIME: i64 = 30;
/// Lifetime of an access token, seconds of portal time.
pub const ACCESS_LIFETIME: i64 = 3600;
/// Lifetime of a refresh token, seconds of portal time (180 days).
pub const REFRESH_LIFETIME: i64 = 180 * 86_400;

/// A placement bound by an application (`placement.bind`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacementBinding {
    /// Placement code, upper-cased (`CRM_DEAL_DETAIL_TAB`, …).
    pub placement: String,
    /// Handler URL the frame POST goes to.
    pub handler: String,
    /// Title shown to users.
    pub title: String,
}

/// A registered application and its state on the portal.
#[derive(Debug, Clone)]
pub struct App {
    /// Registration.
    pub settings: AppSettings,
    /// The per-application secret sent with every event (`application_token`).
    pub application_token: String,
    /// Installed (for applications with a UI: after `installFinish`).
    pub installed: bool,
    /// Whether an installation was started (for applications with a UI: before `installFinish`).
    pub install_started: bool,
    /// User who installed it.
    pub installed_by: i64,
    /// Version, raised by every update.
    pub version: i64,
    /// Bound placements.
    pub placements: Vec<PlacementBinding>,
}

/// A token pair just issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// Application.
    pub client_id: String,
    /// User the tokens act for.
    pub user_id: i64,
    /// Access token.
    pub access_token: String,
    /// Refresh token (single-use).
    pub refresh_token: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// Expiry of the access token, Unix seconds of portal time.
    pub expires_at: i64,
}

/// Why the token endpoint refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantError {
    /// Unknown `client_id` or wrong `client_secret`.
    InvalidClient,
    /// Unknown, expired, used or foreign code or refresh token.
    InvalidGrant,
    /// A parameter is missing or `grant_type` is unknown.
    InvalidRequest,
}

impl GrantError {
    /// The OAuth error code.
    pub fn code(self) -> &'static str {
        match self {
            GrantError::InvalidClient => "invalid_client",
            GrantError::InvalidGrant => "invalid_grant",
            GrantError::InvalidRequest => "invalid_request",
        }
    }
}

#[derive(Debug, Clone)]
struct Grant {
    client_id: String,
    user_id: i64,
    expires_at: i64,
}

#[derive(Debug, Clone)]
struct RefreshGrant {
    grant: Grant,
    access_token: String,
}

/// Applications, codes, refresh tokens and the token endpoint's counters.
#[derive(Debug, Default)]
pub struct AppStore {
    apps: BTreeMap<String, App>,
    codes: HashMap<String, Grant>,
    refresh: HashMap<String, RefreshGrant>,
    access: HashMap<String, String>,
    /// Token-endpoint calls per `grant_type` (failed ones included).
    pub grants: BTreeMap<String, u64>,
    /// Token-endpoint error answers per OAuth error code, whatever the grant (an expired
    /// authorization code counts as `invalid_grant` here too).
    pub errors: BTreeMap<String, u64>,
    /// Token-endpoint answers per `grant_type` and outcome (`"ok"` or the OAuth error code):
    /// `outcomes["refresh_token"]["invalid_grant"]` counts refused refreshes only.
    pub outcomes: BTreeMap<String, BTreeMap<String, u64>>,
    /// How long the token endpoint waits before it redeems a grant, milliseconds.
    pub token_delay_ms: u64,
    /// The portal's `member_id` (the OAuth server tells it with a token's facts).
    pub member_id: String,
}

impl AppStore {
    /// Registers (or re-registers, keeping its state) an application.
    pub fn register(&mut self, settings: AppSettings, application_token: String) {
        match self.apps.get_mut(&settings.client_id) {
            Some(app) => app.settings = settings,
            None => {
                self.apps.insert(
                    settings.client_id.clone(),
                    App {
                        settings,
                        application_token,
                        installed: false,
                        install_started: false,
                        installed_by: 0,
                        version: 1,
                        placements: Vec::new(),
                    },
                );
            }
        }
    }

    /// An application by `client_id`.
    pub fn app(&self, client_id: &str) -> Option<&App> {
        self.apps.get(client_id)
    }

    /// An application by `client_id`, for changes.
    pub fn app_mut(&mut self, client_id: &str) -> Option<&mut App> {
        self.apps.get_mut(client_id)
    }

    /// Every registered application.
    pub fn apps(&self) -> impl Iterator<Item = &App> {
        self.apps.values()
    }

    /// The application an access token was issued to.
    pub fn app_of_token(&self, access_token: &str) -> Option<&App> {
        self.access
            .get(access_token)
            .and_then(|id| self.apps.get(id))
    }

    /// Checks `client_id` and `client_secret`.
    pub fn authenticate(&self, client_id: &str, secret: &str) -> Result<&App, GrantError> {
        match self.apps.get(client_id) {
            Some(app) if app.settings.client_secret == secret => Ok(app),
            _ => Err(GrantError::InvalidClient),
        }
    }

    /// A new authorization code for `user_id`, valid [`CODE_LIFETIME`] seconds.
    pub fn issue_code(&mut self, client_id: &str, user_id: i64, now: i64, code: String) {
        self.codes.insert(
            code,
            Grant {
                client_id: client_id.to_owned(),
                user_id,
                expires_at: now + CODE_LIFETIME,
            },
        );
    }

    /// A new token pair; `tokens` supplies the two random strings.
    pub fn issue_pair(
        &mut self,
        client_id: &str,
        user_id: i64,
        now: i64,
        tokens: (String, String),
    ) -> Pair {
        let (access_token, refresh_token) = tokens;
        self.refresh.insert(
            refresh_token.clone(),
            RefreshGrant {
                grant: Grant {
                    client_id: client_id.to_owned(),
                    user_id,
                    expires_at: now + REFRESH_LIFETIME,
                },
                access_token: access_token.clone(),
            },
        );
        self.access
            .insert(access_token.clone(), client_id.to_owned());
        Pair {
            client_id: client_id.to_owned(),
            user_id,
            access_token,
            refresh_token,
            scopes: self
                .apps
                .get(client_id)
                .map(|a| a.settings.scopes.clone())
                .unwrap_or_default(),
            expires_at: now + ACCESS_LIFETIME,
        }
    }

    /// Redeems an authorization code (once, within its lifetime) for a token pair.
    pub fn redeem_code(
        &mut self,
        client_id: &str,
        code: &str,
        now: i64,
        tokens: (String, String),
    ) -> Result<Pair, GrantError> {
        let grant = self.codes.remove(code).ok_or(GrantError::InvalidGrant)?;
        if grant.client_id != client_id || grant.expires_at <= now {
            return Err(GrantError::InvalidGrant);
        }
        Ok(self.issue_pair(client_id, grant.user_id, now, tokens))
    }

    /// Redeems a refresh token (single-use) for a new pair; also returns the access token that
    /// came with the old one, which the caller must revoke.
    pub fn redeem_refresh(
        &mut self,
        client_id: &str,
        refresh_token: &str,
        now: i64,
        tokens: (String, String),
    ) -> Result<(Pair, String), GrantError> {
        match self.refresh.get(refresh_token) {
            Some(r) if r.grant.client_id == client_id && r.grant.expires_at > now => {}
            _ => return Err(GrantError::InvalidGrant),
        }
        let old = self
            .refresh
            .remove(refresh_token)
            .ok_or(GrantError::InvalidGrant)?;
        self.access.remove(&old.access_token);
        let pair = self.issue_pair(client_id, old.grant.user_id, now, tokens);
        Ok((pair, old.access_token))
    }

    /// Drops every grant of an application (uninstall); returns its access tokens to revoke.
    pub fn revoke_all(&mut self, client_id: &str) -> Vec<String> {
        self.codes.retain(|_, g| g.client_id != client_id);
        self.refresh.retain(|_, r| r.grant.client_id != client_id);
        let revoked: Vec<String> = self
            .access
            .iter()
            .filter(|(_, id)| *id == client_id)
            .map(|(token, _)| token.clone())
            .collect();
        for token in &revoked {
            self.access.remove(token);
        }
        revoked
    }

    /// Counts a token-endpoint call of `grant_type` and, when it failed, its error.
    pub fn count(&mut self, grant_type: &str, error: Option<GrantError>) {
        *self.grants.entry(grant_type.to_owned()).or_insert(0) += 1;
        if let Some(error) = error {
            *self.errors.entry(error.code().to_owned()).or_insert(0) += 1;
        }
        let outcome = error.map_or("ok", GrantError::code);
        *self
            .outcomes
            .entry(grant_type.to_owned())
            .or_default()
            .entry(outcome.to_owned())
            .or_insert(0) += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> AppStore {
        let mut store = AppStore::default();
        store.register(AppSettings::new("local.a", "s", ["crm"]), "apptoken".into());
        store
    }

    fn t(a: &str, r: &str) -> (String, String) {
        (a.to_owned(), r.to_owned())
    }

    #[test]
    fn refresh_tokens_are_single_use_and_rotate() {
        let mut s = store();
        let first = s.issue_pair("local.a", 1, 100, t("a1", "r1"));
        assert_eq!(first.expires_at, 100 + ACCESS_LIFETIME);
        let (second, revoked) = s
            .redeem_refresh("local.a", "r1", 200, t("a2", "r2"))
            .unwrap();
        assert_eq!(
            (second.access_token.as_str(), revoked.as_str()),
            ("a2", "a1")
        );
        assert_eq!(
            s.redeem_refresh("local.a", "r1", 201, t("a3", "r3")),
            Err(GrantError::InvalidGrant)
        );
        assert_eq!(
            s.redeem_refresh("local.b", "r2", 201, t("a3", "r3")),
            Err(GrantError::InvalidGrant)
        );
        assert!(s.app_of_token("a1").is_none());
        assert_eq!(
            s.app_of_token("a2").map(|a| a.settings.client_id.as_str()),
            Some("local.a")
        );
    }

    #[test]
    fn codes_live_thirty_seconds_and_once() {
        let mut s = store();
        s.issue_code("local.a", 1, 100, "c1".into());
        s.issue_code("local.a", 1, 100, "c2".into());
        assert_eq!(
            s.redeem_code("local.a", "c1", 100 + CODE_LIFETIME, t("a", "r")),
            Err(GrantError::InvalidGrant)
        );
        assert!(s.redeem_code("local.a", "c2", 129, t("a", "r")).is_ok());
        assert_eq!(
            s.redeem_code("local.a", "c2", 129, t("b", "q")),
            Err(GrantError::InvalidGrant)
        );
    }

    #[test]
    fn clients_authenticate_with_their_secret() {
        let s = store();
        assert!(s.authenticate("local.a", "s").is_ok());
        assert_eq!(
            s.authenticate("local.a", "x").err(),
            Some(GrantError::InvalidClient)
        );
        assert_eq!(
            s.authenticate("nope", "s").err(),
            Some(GrantError::InvalidClient)
        );
    }
}
