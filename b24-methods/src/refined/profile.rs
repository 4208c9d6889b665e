//! `profile` — global scope
//!
//! Reads basic data of the current user.
//! Documentation: <https://apidocs.bitrix24.com/api-reference/common/users/profile.html>

use b24_core::types::de;
use b24_core::{Id, b24_method};
use serde::{Deserialize, Serialize};

/// Reads the current user's profile (`profile`).
#[b24_method("profile", scope = "basic", response = UserProfile, read_only)]
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct Profile;

/// The `result` of `profile`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub struct UserProfile {
    /// User ID.
    #[serde(rename = "ID")]
    pub id: Id,
    /// The user administers the portal.
    #[serde(deserialize_with = "de::flag")]
    pub admin: bool,
    /// First name.
    #[serde(default)]
    pub name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Gender, `M`, `F` or empty.
    #[serde(default)]
    pub personal_gender: Option<String>,
    /// Photo link, if set.
    #[serde(default)]
    pub personal_photo: Option<String>,
    /// Time zone name; empty for the portal's.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Offset of the user's time zone, seconds.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub time_zone_offset: Option<i64>,
}
