//! `scope` — global scope
//!
//! Lists the scopes granted to the current webhook or token, or with `full` every scope the
//! portal has.
//! Documentation: <https://apidocs.bitrix24.com/api-reference/common/system/scope.html>

use b24_core::{Scope, b24_method};
use serde::{Deserialize, Serialize};

/// Lists granted scopes (`scope`).
#[b24_method("scope", scope = "basic", response = Vec<Scope>, read_only)]
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Scopes {
    /// `true`: every scope of the portal instead of the granted ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full: Option<bool>,
}

impl Scopes {
    /// The scopes granted to the current credential.
    pub fn granted() -> Self {
        Scopes { full: None }
    }

    /// Every scope the portal has.
    pub fn all() -> Self {
        Scopes { full: Some(true) }
    }
}
