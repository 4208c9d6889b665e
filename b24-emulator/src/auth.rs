//! Authentication and authorisation (PROTOCOL §4): incoming webhooks, OAuth tokens, scopes.

use std::sync::Arc;

use crate::config::{AuthStatusMode, Config};
use crate::envelope::ApiError;
use crate::state::PortalState;
use crate::value::Value;

/// Who is calling, after a successful authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// An incoming webhook.
    Webhook {
        /// Owner of the webhook.
        user_id: i64,
        /// The webhook code.
        code: String,
        /// Granted scopes (shared with the credential record).
        scopes: Arc<[String]>,
    },
    /// An OAuth access token of the local application.
    OAuth {
        /// User the token acts for.
        user_id: i64,
        /// The access token.
        token: String,
        /// Granted scopes (shared with the credential record).
        scopes: Arc<[String]>,
    },
}

impl Principal {
    /// The acting user.
    pub fn user_id(&self) -> i64 {
        match self {
            Principal::Webhook { user_id, .. } | Principal::OAuth { user_id, .. } => *user_id,
        }
    }

    /// Granted scopes.
    pub fn scopes(&self) -> &[String] {
        match self {
            Principal::Webhook { scopes, .. } | Principal::OAuth { scopes, .. } => scopes,
        }
    }

    /// Key under which method confirmations are stored (per webhook code / per token).
    pub fn credential_key(&self) -> String {
        match self {
            Principal::Webhook { code, .. } => format!("webhook:{code}"),
            Principal::OAuth { token, .. } => format!("oauth:{token}"),
        }
    }

    /// Whether a method of `scope` (`None` = global) may be called.
    pub fn allows(&self, scope: Option<&str>) -> bool {
        let Some(scope) = scope else {
            return true;
        };
        self.scopes().iter().any(|s| {
            s.eq_ignore_ascii_case(scope)
                || (scope == "user" && matches!(s.as_str(), "user_brief" | "user_basic"))
        })
    }
}

/// Credential material extracted from a request.
#[derive(Debug, Clone, Default)]
pub struct AuthInput {
    /// `(aplogin, ap)` from the webhook URL path.
    pub path_webhook: Option<(String, String)>,
    /// Token from `Authorization: Bearer`.
    pub bearer: Option<String>,
    /// Whether the request arrived over HTTPS (the TLS listener, or `X-Forwarded-Proto: https`).
    pub https: bool,
    /// Portal time of the request, Unix seconds (token expiry is checked against it).
    pub now: i64,
}

/// HTTP status of an auth-stage error under `mode`.
pub fn auth_status(mode: AuthStatusMode, code: &str) -> u16 {
    match mode {
        AuthStatusMode::Source => 401,
        AuthStatusMode::Docs => match code {
            "INVALID_CREDENTIALS" | "insufficient_scope" => 403,
            "INVALID_REQUEST" => 400,
            _ => 401,
        },
    }
}

fn auth_error(config: &Config, code: &str, description: &str) -> ApiError {
    ApiError::new(
        auth_status(config.auth_status_mode, code),
        code,
        description,
    )
}

fn scalar_param(params: &Value, key: &str) -> Option<String> {
    params.get(key).and_then(Value::scalar_text)
}

/// Authenticates a request: webhook path → bearer/`auth`/`access_token` → `aplogin`+`ap`
/// parameters; nothing recognised → `NO_AUTH_FOUND`.
pub fn authenticate(
    config: &Config,
    state: &PortalState,
    input: &AuthInput,
    params: &Value,
) -> Result<Principal, ApiError> {
    if let Some((login, code)) = &input.path_webhook {
        return webhook(config, state, input, login, code);
    }
    let token = input
        .bearer
        .clone()
        .filter(|t| !t.is_empty())
        .or_else(|| scalar_param(params, "auth"))
        .or_else(|| scalar_param(params, "access_token"));
    if let Some(token) = token {
        let Some(found) = state.tokens.get(&token) else {
            return Err(auth_error(
                config,
                "NO_AUTH_FOUND",
                "Wrong authorization data",
            ));
        };
        if found.expires_at <= input.now {
            return Err(auth_error(
                config,
                "expired_token",
                "The access token provided has expired",
            ));
        }
        return Ok(Principal::OAuth {
            user_id: found.user_id,
            token,
            scopes: found.scopes.clone(),
        });
    }
    if let (Some(login), Some(code)) = (scalar_param(params, "aplogin"), scalar_param(params, "ap"))
    {
        return webhook(config, state, input, &login, &code);
    }
    Err(auth_error(
        config,
        "NO_AUTH_FOUND",
        "Wrong authorization data",
    ))
}

fn webhook(
    config: &Config,
    state: &PortalState,
    input: &AuthInput,
    login: &str,
    code: &str,
) -> Result<Principal, ApiError> {
    if config.require_https_for_webhooks && !input.https {
        return Err(auth_error(config, "INVALID_REQUEST", "Https required."));
    }
    let user_id = match Value::from(login).as_int_strict() {
        Some(id) if login.bytes().all(|b| b.is_ascii_digit()) => Some(id),
        _ => state.users.iter().find(|u| u.login == login).map(|u| u.id),
    };
    let found = user_id.and_then(|uid| {
        state
            .webhooks
            .iter()
            .find(|w| w.user_id == uid && w.code == code)
    });
    match found {
        Some(w) => Ok(Principal::Webhook {
            user_id: w.user_id,
            code: w.code.clone(),
            scopes: w.scopes.clone(),
        }),
        None => Err(auth_error(
            config,
            "INVALID_CREDENTIALS",
            "Invalid request credentials",
        )),
    }
}

/// Checks the method's scope against the credential (`insufficient_scope` otherwise).
pub fn check_scope(
    config: &Config,
    principal: &Principal,
    scope: Option<&str>,
) -> Result<(), ApiError> {
    if principal.allows(scope) {
        return Ok(());
    }
    let description = match principal {
        Principal::Webhook { .. } => {
            "The request requires higher privileges than provided by the webhook token"
        }
        Principal::OAuth { .. } => {
            "The request requires higher privileges than provided by the access token"
        }
    };
    Err(auth_error(config, "insufficient_scope", description))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_scope_alias() {
        let p = Principal::OAuth {
            user_id: 1,
            token: "t".into(),
            scopes: Arc::from(vec!["user_brief".to_owned()]),
        };
        assert!(p.allows(Some("user")));
        assert!(p.allows(None));
        assert!(!p.allows(Some("crm")));
    }

    #[test]
    fn statuses() {
        assert_eq!(
            auth_status(AuthStatusMode::Docs, "INVALID_CREDENTIALS"),
            403
        );
        assert_eq!(auth_status(AuthStatusMode::Docs, "INVALID_REQUEST"), 400);
        assert_eq!(auth_status(AuthStatusMode::Docs, "NO_AUTH_FOUND"), 401);
        assert_eq!(
            auth_status(AuthStatusMode::Source, "insufficient_scope"),
            401
        );
    }
}
