//! `voximplant.user.get` — scope `telephony`
//!
//! Reads users' telephony settings. The call needs an administrator's confirmation per access
//! token: until an administrator decides, it fails with `METHOD_CONFIRM_WAITING`; a denial gives
//! `METHOD_CONFIRM_DENIED`.
//! Documentation: <https://apidocs.bitrix24.com/api-reference/telephony/voximplant/users/voximplant-user-get.html>
//!
//! Errors: `METHOD_CONFIRM_WAITING`, `METHOD_CONFIRM_DENIED`, `ACCESS_DENIED`.

use b24_core::{Id, YesNo, b24_method};
use serde::{Deserialize, Serialize};

/// Reads telephony settings of users.
#[b24_method("voximplant.user.get", scope = "telephony", response = Vec<VoximplantUser>, read_only)]
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VoximplantUserGet {
    /// User IDs.
    #[serde(rename = "USER_ID")]
    pub user_ids: Vec<u64>,
}

impl VoximplantUserGet {
    /// A request for the users `user_ids`.
    pub fn new(user_ids: impl IntoIterator<Item = u64>) -> Self {
        VoximplantUserGet {
            user_ids: user_ids.into_iter().collect(),
        }
    }
}

/// A user's telephony settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub struct VoximplantUser {
    /// User ID.
    #[serde(rename = "ID")]
    pub id: Id,
    /// The user's default outgoing line, if set.
    #[serde(default)]
    pub default_line: Option<String>,
    /// Telephony is enabled for the user.
    pub phone_enabled: YesNo,
    /// SIP server of the user's phone.
    #[serde(default)]
    pub sip_server: Option<String>,
    /// SIP login.
    #[serde(default)]
    pub sip_login: Option<String>,
    /// SIP password.
    #[serde(default)]
    pub sip_password: Option<String>,
    /// Internal extension number.
    #[serde(default)]
    pub inner_number: Option<String>,
}
