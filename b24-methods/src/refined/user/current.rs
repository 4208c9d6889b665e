//! `user.current` — scope `user` (also `user_brief`, `user_basic`)
//!
//! The user the call is made for (the webhook's or the token's owner).
//! Documentation: <https://apidocs.bitrix24.com/api-reference/user/user-current.html>

use super::User;
use crate::wire::*;

/// Reads the calling user.
#[b24_method("user.current", scope = "user", response = User, read_only)]
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct UserCurrent {
    /// Parameters not listed above (none are documented), sent as they are.
    pub extra: Map<String, Value>,
}

record!(UserCurrent {});
