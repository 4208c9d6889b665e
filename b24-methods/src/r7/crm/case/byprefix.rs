//! `GET api/2.0/crm/case/byprefix` — cases whose title starts with a prefix (at most 30).
//!
//! Marked internal in the server's documentation (the web UI's autocomplete).

use b24_core::r7_method;
use serde::Serialize;

use super::Case;

/// Finds cases by title prefix.
#[r7_method(GET, "api/2.0/crm/case/byprefix", response = Vec<Case>)]
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct CaseByPrefix {
    /// The title prefix.
    pub prefix: String,
    /// Only cases with this member contact.
    #[serde(rename = "contactID", skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<i64>,
}

impl CaseByPrefix {
    /// Cases whose title starts with `prefix`.
    pub fn new(prefix: impl Into<String>) -> Self {
        CaseByPrefix {
            prefix: prefix.into(),
            contact_id: None,
        }
    }
}
