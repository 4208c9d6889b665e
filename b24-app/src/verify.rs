//! Is an inbound request genuine? The rules:
//!
//! * an **install** (`ONAPPINSTALL`) carries an access token; it is accepted only when
//!   `app.info` on the *configured* OAuth server — never the `server_endpoint` the payload
//!   names — says the token belongs to this application (`CODE`/`client_id`) and to the portal
//!   the payload names (`member_id`). Only then is the account written;
//! * every **other event** and every **placement** must carry the stored `application_token`
//!   of its portal, compared in constant time (`subtle`); an unknown portal, a missing or wrong
//!   token is refused and nothing is written;
//! * a verified event, update or placement that carries a new pair **repairs** an account that
//!   needs re-authorisation;
//! * an event already handled (same portal, `event_handler_id`, `ts` and body) is recognised
//!   through the store, across processes, and reported as a duplicate.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

use crate::account::{Account, AccountStatus, TokenPair, unix_now};
use crate::accounts::Accounts;
use crate::error::Error;
use crate::inbound::{Auth, Event, EventKind, InboundError, Placement, text};

/// Why a request was refused.
#[derive(Debug, thiserror::Error)]
pub enum Rejection {
    /// Not genuine (answer 403): forged, foreign or unknown.
    #[error("refused: {0}")]
    Forged(&'static str),
    /// Not a request of the expected kind (answer 400).
    #[error(transparent)]
    Malformed(#[from] InboundError),
    /// The store or the OAuth server could not be asked (answer 503; the portal does not
    /// redeliver, so this is logged).
    #[error("cannot verify the request now: {0}")]
    Unavailable(String),
}

impl Rejection {
    /// The HTTP status to answer with.
    pub fn status(&self) -> u16 {
        match self {
            Rejection::Forged(_) => 403,
            Rejection::Malformed(_) => 400,
            Rejection::Unavailable(_) => 503,
        }
    }
}

fn unavailable(error: impl std::fmt::Display) -> Rejection {
    Rejection::Unavailable(error.to_string())
}

/// Whether two secrets are equal, in time that does not depend on where they differ.
pub fn same_secret(a: &SecretString, b: &SecretString) -> bool {
    a.expose_secret()
        .as_bytes()
        .ct_eq(b.expose_secret().as_bytes())
        .into()
}

/// Checks inbound requests against the application's accounts.
#[derive(Debug, Clone)]
pub struct Verifier {
    accounts: Accounts,
    remember_for: Duration,
}

impl Verifier {
    /// A verifier over `accounts`; delivery keys are kept a day.
    pub fn new(accounts: Accounts) -> Verifier {
        Verifier {
            accounts,
            remember_for: Duration::from_secs(86_400),
        }
    }

    /// The accounts.
    pub fn accounts(&self) -> &Accounts {
        &self.accounts
    }

    /// Verifies an install with the configured OAuth server and stores the account.
    pub async fn install(&self, event: &Event) -> Result<Account, Rejection> {
        let auth = &event.auth;
        let (Some(access), Some(refresh), Some(app_token)) = (
            &auth.access_token,
            &auth.refresh_token,
            &auth.application_token,
        ) else {
            return Err(Rejection::Forged("an install without tokens"));
        };
        let info = match self.accounts.oauth().app_info(access).await {
            Ok(info) => info,
            Err(Error::OAuth { .. }) => {
                return Err(Rejection::Forged(
                    "the OAuth server does not know the token",
                ));
            }
            Err(other) => return Err(unavailable(other)),
        };
        let client_id = self.accounts.oauth().client_id();
        let ours = [text(&info, "client_id"), text(&info, "CODE")]
            .iter()
            .any(|v| v.as_deref() == Some(client_id));
        if !ours {
            return Err(Rejection::Forged(
                "the token belongs to another application",
            ));
        }
        if text(&info, "member_id").as_deref() != Some(auth.member_id.as_str()) {
            return Err(Rejection::Forged("the token belongs to another portal"));
        }
        let account = Account {
            member_id: auth.member_id.clone(),
            domain: auth.domain.clone(),
            client_endpoint: auth.client_endpoint.clone(),
            user_id: text(&info, "user_id")
                .and_then(|u| u.parse().ok())
                .or(auth.user_id),
            scopes: auth.scopes.clone(),
            tokens: pair(auth, access, refresh),
            application_token: app_token.clone(),
            status: AccountStatus::Active,
        };
        self.accounts
            .store()
            .save(&account)
            .await
            .map_err(unavailable)?;
        self.accounts.forget(&account.member_id);
        Ok(account)
    }

    /// Verifies any other event; `Ok(None)` for a redelivery already handled. An uninstall
    /// marks the account uninstalled.
    pub async fn event(&self, event: &Event) -> Result<Option<Account>, Rejection> {
        let mut account = self.known(&event.auth).await?;
        let key = format!(
            "{}|{}|{}|{:016x}",
            event.auth.member_id,
            event.handler_id.as_deref().unwrap_or(""),
            event.ts.unwrap_or(0),
            event.digest
        );
        let store = self.accounts.store();
        if !store
            .remember(&key, self.remember_for)
            .await
            .map_err(unavailable)?
        {
            return Ok(None);
        }
        if event.kind == EventKind::Uninstall {
            store
                .set_status(&account.member_id, AccountStatus::Uninstalled)
                .await
                .map_err(unavailable)?;
            self.accounts.forget(&account.member_id);
            account.status = AccountStatus::Uninstalled;
            return Ok(Some(account));
        }
        self.repair(&mut account, &event.auth).await?;
        Ok(Some(account))
    }

    /// Verifies a placement frame.
    pub async fn placement(&self, placement: &Placement) -> Result<Account, Rejection> {
        let mut account = self.known(&placement.auth).await?;
        self.repair(&mut account, &placement.auth).await?;
        Ok(account)
    }

    /// The stored account whose `application_token` the request carries.
    async fn known(&self, auth: &Auth) -> Result<Account, Rejection> {
        let Some(sent) = &auth.application_token else {
            return Err(Rejection::Forged("no application_token"));
        };
        let stored = self
            .accounts
            .store()
            .load(&auth.member_id)
            .await
            .map_err(unavailable)?
            .ok_or(Rejection::Forged("unknown portal"))?;
        if !same_secret(sent, &stored.application_token) {
            return Err(Rejection::Forged("wrong application_token"));
        }
        Ok(stored)
    }

    /// A verified request with a new pair repairs an account that needs re-authorisation.
    async fn repair(&self, account: &mut Account, auth: &Auth) -> Result<(), Rejection> {
        if account.status != AccountStatus::NeedsReauthorization {
            return Ok(());
        }
        let (Some(access), Some(refresh)) = (&auth.access_token, &auth.refresh_token) else {
            return Ok(());
        };
        account.tokens = pair(auth, access, refresh);
        account.status = AccountStatus::Active;
        self.accounts
            .store()
            .save(account)
            .await
            .map_err(unavailable)?;
        self.accounts.forget(&account.member_id);
        tracing::info!(member_id = %account.member_id, "account repaired from a verified request");
        Ok(())
    }
}

fn pair(auth: &Auth, access: &SecretString, refresh: &SecretString) -> TokenPair {
    TokenPair {
        access_token: access.clone(),
        refresh_token: refresh.clone(),
        expires_at: unix_now() as i64 + auth.expires_in.unwrap_or(3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_by_content() {
        let a = SecretString::from("51856fefc120afa4b628cc82d3935cce");
        assert!(same_secret(
            &a,
            &SecretString::from("51856fefc120afa4b628cc82d3935cce")
        ));
        assert!(!same_secret(
            &a,
            &SecretString::from("51856fefc120afa4b628cc82d3935ccf")
        ));
        assert!(!same_secret(&a, &SecretString::from("")));
        assert_eq!(Rejection::Forged("x").status(), 403);
        assert_eq!(Rejection::Malformed(InboundError::NotForm).status(), 400);
    }
}
