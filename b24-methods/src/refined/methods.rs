//! `methods` — global scope, deprecated (use `method.get`)
//!
//! Lists the methods available to the current credential, lower-cased.
//! Documentation: <https://apidocs.bitrix24.com/api-reference/common/system/methods.html>

use b24_core::{Scope, b24_method};
use serde::{Deserialize, Serialize};

/// Lists available methods (`methods`).
#[b24_method("methods", scope = "basic", response = Vec<String>, read_only)]
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[deprecated(note = "the documentation deprecates `methods`; use `method.get`")]
#[non_exhaustive]
pub struct Methods {
    /// Only the methods of this scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    /// `true`: every method of the portal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full: Option<bool>,
}

#[allow(deprecated)]
impl Methods {
    /// The methods available to the current credential.
    pub fn available() -> Self {
        Methods::default()
    }

    /// The methods of one scope.
    pub fn of_scope(scope: Scope) -> Self {
        Methods {
            scope: Some(scope),
            full: None,
        }
    }
}
