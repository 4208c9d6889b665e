//! `im.department.get` — scope `im`
//!
//! Reads departments by ID, optionally with their managers' data. Intranet users only.
//! Documentation: <https://apidocs.bitrix24.com/api-reference/chats/departments/im-department-get.html>
//!
//! Errors: `INVALID_FORMAT` (the `ID` list is malformed).

use b24_core::types::de;
use b24_core::{Id, YesNo, b24_method};
use serde::{Deserialize, Serialize};

/// Reads departments by ID.
#[b24_method("im.department.get", scope = "im", response = Vec<ImDepartment>, read_only)]
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub struct ImDepartmentGet {
    /// Department IDs.
    #[serde(rename = "ID")]
    pub ids: Vec<u64>,
    /// `Y` adds `manager_user_data` to each department.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_data: Option<YesNo>,
}

impl ImDepartmentGet {
    /// A request for the departments `ids`.
    pub fn new(ids: impl IntoIterator<Item = u64>) -> Self {
        ImDepartmentGet {
            ids: ids.into_iter().collect(),
            user_data: None,
        }
    }

    /// Also loads each department manager's data.
    pub fn with_manager_data(mut self) -> Self {
        self.user_data = Some(YesNo(true));
        self
    }
}

/// A department as `im.department.get` returns it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ImDepartment {
    /// Department ID.
    pub id: Id,
    /// Short name.
    pub name: String,
    /// Full name, with the parent departments.
    #[serde(default)]
    pub full_name: Option<String>,
    /// The manager's user ID.
    #[serde(default)]
    pub manager_user_id: Option<Id>,
    /// The manager's data, with `USER_DATA = Y`.
    #[serde(default)]
    pub manager_user_data: Option<ImUser>,
}

/// A user as the messenger describes one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ImUser {
    /// User ID.
    pub id: Id,
    /// First and last name.
    #[serde(default)]
    pub name: Option<String>,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Position.
    #[serde(default)]
    pub work_position: Option<String>,
    /// Colour, `#rrggbb`.
    #[serde(default)]
    pub color: Option<String>,
    /// Avatar link; empty when none is set.
    #[serde(default, deserialize_with = "de::string_or_false")]
    pub avatar: Option<String>,
    /// Gender, `M` or `F`.
    #[serde(default)]
    pub gender: Option<String>,
    /// Birthday as `DD-MM`, if set.
    #[serde(default, deserialize_with = "de::string_or_false")]
    pub birthday: Option<String>,
    /// An extranet (external) user.
    #[serde(default, deserialize_with = "de::flag")]
    pub extranet: bool,
    /// A Bitrix24.Network user.
    #[serde(default, deserialize_with = "de::flag")]
    pub network: bool,
    /// A chat bot.
    #[serde(default, deserialize_with = "de::flag")]
    pub bot: bool,
    /// An open-channel connector user.
    #[serde(default, deserialize_with = "de::flag")]
    pub connector: bool,
    /// External authorisation code.
    #[serde(default, deserialize_with = "de::string_or_false")]
    pub external_auth_id: Option<String>,
    /// Status; always `online` for others.
    #[serde(default)]
    pub status: Option<String>,
    /// When the user went idle (ATOM date), if they did.
    #[serde(default, deserialize_with = "de::string_or_false")]
    pub idle: Option<String>,
    /// Last activity (ATOM date).
    #[serde(default, deserialize_with = "de::string_or_false")]
    pub last_activity_date: Option<String>,
    /// Last activity in the mobile app (ATOM date), if any.
    #[serde(default, deserialize_with = "de::string_or_false")]
    pub mobile_last_date: Option<String>,
    /// End of the user's absence (ATOM date), if absent.
    #[serde(default, deserialize_with = "de::string_or_false")]
    pub absent: Option<String>,
}
