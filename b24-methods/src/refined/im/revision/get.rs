//! `im.revision.get` — scope `im`
//!
//! Reads the current API revisions of the messenger's clients.
//! Documentation: <https://apidocs.bitrix24.com/api-reference/chats/im-revision-get.html>

use b24_core::b24_method;
use serde::{Deserialize, Serialize};

/// Reads the messenger's API revisions.
#[b24_method("im.revision.get", scope = "im", response = ImRevision, read_only)]
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct ImRevisionGet;

/// The `result` of `im.revision.get`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ImRevision {
    /// REST API revision.
    pub rest: u64,
    /// Web client revision.
    pub web: u64,
    /// Mobile client revision.
    pub mobile: u64,
    /// Desktop client revision.
    pub desktop: u64,
    /// Mobile messenger revision.
    #[serde(default)]
    pub im_revision_mobile: Option<u64>,
}
