//! Typed inbound requests: what the portal POSTs to an application's handlers — events
//! (`ONAPPINSTALL`, `ONAPPUPDATE`, `ONAPPUNINSTALL`, `ONAPPMETHODCONFIRM`, `ONOFFLINEEVENT`,
//! any other event) and placement frames — decoded from their PHP-bracket form bodies.
//!
//! Decoding only checks the shape; whether a request is genuine is [`crate::verify`]'s job.

use std::fmt;

use secrecy::SecretString;
use serde_json::Value;

use crate::form;

/// Largest body accepted, bytes (events are a few KiB).
pub const MAX_BODY: usize = 1 << 20;

/// Why a body is not a request of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InboundError {
    /// The body exceeds [`MAX_BODY`].
    #[error("the body exceeds {MAX_BODY} bytes")]
    TooLarge,
    /// The body is not UTF-8 form data.
    #[error("the body is not form data")]
    NotForm,
    /// A required field is missing or empty.
    #[error("the request has no `{0}`")]
    Missing(&'static str),
}

/// The `auth` block of an event (or the tokens of a placement frame).
#[derive(Clone)]
pub struct Auth {
    /// The portal.
    pub member_id: String,
    /// The portal's domain.
    pub domain: String,
    /// The REST base, `https://{portal}/rest/` (from the payload: informational only).
    pub client_endpoint: String,
    /// The OAuth server the payload names — never used to verify anything.
    pub server_endpoint: String,
    /// The per-application secret.
    pub application_token: Option<SecretString>,
    /// Access token (events triggered by a user, installs, placements).
    pub access_token: Option<SecretString>,
    /// Refresh token (installs, updates, offline events, placements).
    pub refresh_token: Option<SecretString>,
    /// Lifetime of the access token, seconds.
    pub expires_in: Option<i64>,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// The user, when the payload tells it.
    pub user_id: Option<i64>,
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field("member_id", &self.member_id)
            .field("domain", &self.domain)
            .field("has_access_token", &self.access_token.is_some())
            .field("has_refresh_token", &self.refresh_token.is_some())
            .finish_non_exhaustive()
    }
}

/// What kind of event arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// `ONAPPINSTALL`.
    Install,
    /// `ONAPPUPDATE`.
    Update,
    /// `ONAPPUNINSTALL` (no tokens).
    Uninstall,
    /// `ONAPPMETHODCONFIRM`: `data.TOKEN`, `data.METHOD`, `data.CONFIRMED`.
    MethodConfirm,
    /// `ONOFFLINEEVENT`: the offline queue has rows.
    Offline,
    /// Any other event (`ONCRMDEALADD`, …).
    Other,
}

/// An event POSTed to the handler.
#[derive(Debug, Clone)]
pub struct Event {
    /// Upper-cased event name.
    pub name: String,
    /// Its kind.
    pub kind: EventKind,
    /// `event_handler_id`, when the event came through a binding.
    pub handler_id: Option<String>,
    /// `ts`.
    pub ts: Option<i64>,
    /// `data`.
    pub data: Value,
    /// `auth`.
    pub auth: Auth,
    /// A digest of the whole body (for recognising a redelivery).
    pub digest: u64,
}

/// The outcome of `ONAPPMETHODCONFIRM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodConfirmation {
    /// The method.
    pub method: String,
    /// Whether the administrator allowed it.
    pub confirmed: bool,
}

impl Event {
    /// The decision an `ONAPPMETHODCONFIRM` carries.
    pub fn method_confirmation(&self) -> Option<MethodConfirmation> {
        if self.kind != EventKind::MethodConfirm {
            return None;
        }
        Some(MethodConfirmation {
            method: text(&self.data, "METHOD")?,
            confirmed: text(&self.data, "CONFIRMED").as_deref() == Some("1"),
        })
    }

    /// The access token an `ONAPPMETHODCONFIRM` decision is bound to (`data.TOKEN`).
    pub fn confirmed_token(&self) -> Option<SecretString> {
        (self.kind == EventKind::MethodConfirm)
            .then(|| text(&self.data, "TOKEN").map(SecretString::from))
            .flatten()
    }
}

/// A placement frame (or the install frame of an application with a UI, `PLACEMENT=DEFAULT`).
#[derive(Debug, Clone)]
pub struct Placement {
    /// `PLACEMENT`.
    pub placement: String,
    /// `PLACEMENT_OPTIONS`, parsed (its text is JSON; `Null` when absent or not JSON).
    pub options: Value,
    /// Tokens and the portal (`AUTH_ID`, `REFRESH_ID`, `AUTH_EXPIRES`, `member_id`,
    /// `APPLICATION_TOKEN`, `SERVER_ENDPOINT`; `DOMAIN` from the query).
    pub auth: Auth,
    /// `LANG` from the query.
    pub lang: Option<String>,
    /// `APP_SID` from the query.
    pub app_sid: Option<String>,
}

/// A field as text (strings, numbers).
pub(crate) fn text(value: &Value, key: &str) -> Option<String> {
    crate::oauth::field_text(value, key).filter(|s| !s.is_empty())
}

fn secret(value: &Value, key: &str) -> Option<SecretString> {
    text(value, key).map(SecretString::from)
}

fn form_of(body: &[u8]) -> Result<Value, InboundError> {
    if body.len() > MAX_BODY {
        return Err(InboundError::TooLarge);
    }
    let text = std::str::from_utf8(body).map_err(|_| InboundError::NotForm)?;
    Ok(form::parse_str(text))
}

/// FNV-1a, 64 bits: stable across processes and versions.
pub(crate) fn digest(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// Decodes an event body.
pub fn parse_event(body: &[u8]) -> Result<Event, InboundError> {
    let form = form_of(body)?;
    let name = text(&form, "event")
        .ok_or(InboundError::Missing("event"))?
        .to_ascii_uppercase();
    let auth = form.get("auth").ok_or(InboundError::Missing("auth"))?;
    let member_id = text(auth, "member_id").ok_or(InboundError::Missing("auth[member_id]"))?;
    let kind = match name.as_str() {
        "ONAPPINSTALL" => EventKind::Install,
        "ONAPPUPDATE" => EventKind::Update,
        "ONAPPUNINSTALL" => EventKind::Uninstall,
        "ONAPPMETHODCONFIRM" => EventKind::MethodConfirm,
        "ONOFFLINEEVENT" => EventKind::Offline,
        _ => EventKind::Other,
    };
    Ok(Event {
        kind,
        handler_id: text(&form, "event_handler_id"),
        ts: text(&form, "ts").and_then(|t| t.parse().ok()),
        data: form.get("data").cloned().unwrap_or(Value::Null),
        auth: Auth {
            member_id,
            domain: text(auth, "domain").unwrap_or_default(),
            client_endpoint: text(auth, "client_endpoint").unwrap_or_default(),
            server_endpoint: text(auth, "server_endpoint").unwrap_or_default(),
            application_token: secret(auth, "application_token"),
            access_token: secret(auth, "access_token"),
            refresh_token: secret(auth, "refresh_token"),
            expires_in: text(auth, "expires_in").and_then(|t| t.parse().ok()),
            scopes: scopes(text(auth, "scope")),
            user_id: text(auth, "user_id").and_then(|t| t.parse().ok()),
        },
        name,
        digest: digest(body),
    })
}

fn scopes(list: Option<String>) -> Vec<String> {
    list.unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Decodes a placement frame: the form body and the query string.
pub fn parse_placement(query: &str, body: &[u8]) -> Result<Placement, InboundError> {
    let form = form_of(body)?;
    let query = form::parse_str(query);
    let member_id = text(&form, "member_id").ok_or(InboundError::Missing("member_id"))?;
    let domain = text(&query, "DOMAIN").unwrap_or_default();
    let options = text(&form, "PLACEMENT_OPTIONS")
        .and_then(|o| serde_json::from_str(&o).ok())
        .unwrap_or(Value::Null);
    Ok(Placement {
        placement: text(&form, "PLACEMENT").unwrap_or_else(|| "DEFAULT".to_owned()),
        options,
        auth: Auth {
            member_id,
            client_endpoint: String::new(),
            server_endpoint: text(&form, "SERVER_ENDPOINT").unwrap_or_default(),
            application_token: secret(&form, "APPLICATION_TOKEN"),
            access_token: secret(&form, "AUTH_ID"),
            refresh_token: secret(&form, "REFRESH_ID"),
            expires_in: text(&form, "AUTH_EXPIRES").and_then(|t| t.parse().ok()),
            scopes: scopes(text(&form, "APPLICATION_SCOPE")),
            user_id: None,
            domain,
        },
        lang: text(&query, "LANG"),
        app_sid: text(&query, "APP_SID"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/../../shared/bitrix24/examples/event.{name}.payload.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let json: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        b24_core::form::to_query_string(&json).into_bytes()
    }

    #[test]
    fn documented_payloads_decode() {
        let install = parse_event(&example("ONAPPINSTALL")).unwrap();
        assert_eq!(install.kind, EventKind::Install);
        assert_eq!(install.auth.member_id, "a223c6b3710f85df22e9377d6c4f7553");
        assert!(install.auth.refresh_token.is_some() && install.auth.application_token.is_some());
        assert_eq!(install.auth.expires_in, Some(3600));
        let gone = parse_event(&example("ONAPPUNINSTALL")).unwrap();
        assert_eq!(gone.kind, EventKind::Uninstall);
        assert!(gone.auth.access_token.is_none());
        let confirm = parse_event(&example("ONAPPMETHODCONFIRM")).unwrap();
        assert_eq!(
            confirm.method_confirmation(),
            Some(MethodConfirmation {
                method: "voximplant.user.get".into(),
                confirmed: true
            })
        );
        let deal = parse_event(&example("ONCRMDEALADD")).unwrap();
        assert_eq!(
            (deal.kind, deal.handler_id.as_deref(), deal.ts),
            (EventKind::Other, Some("185"), Some(1_735_374_081))
        );
        assert_eq!(deal.data["FIELDS"]["ID"], "6641");
        assert_eq!(
            parse_event(&example("ONOFFLINEEVENT")).unwrap().kind,
            EventKind::Offline
        );
    }

    #[test]
    fn bad_bodies_are_typed_errors() {
        assert_eq!(
            parse_event(b"ts=1").unwrap_err(),
            InboundError::Missing("event")
        );
        assert_eq!(
            parse_event(b"event=X").unwrap_err(),
            InboundError::Missing("auth")
        );
        assert_eq!(
            parse_event(b"event=X&auth[domain]=d").unwrap_err(),
            InboundError::Missing("auth[member_id]")
        );
        assert_eq!(
            parse_event(&[0xff, 0xfe]).unwrap_err(),
            InboundError::NotForm
        );
        assert_eq!(
            parse_event(&vec![b'a'; MAX_BODY + 1]).unwrap_err(),
            InboundError::TooLarge
        );
        assert_eq!(
            parse_placement("", b"PLACEMENT=X").unwrap_err(),
            InboundError::Missing("member_id")
        );
        let secret = parse_event(b"event=X&auth[member_id]=m&auth[access_token]=s3cr3t").unwrap();
        assert!(!format!("{secret:?}").contains("s3cr3t"));
    }
}
