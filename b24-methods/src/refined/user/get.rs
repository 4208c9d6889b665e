//! `user.get` — scope `user` (also `user_brief`, `user_basic`)
//!
//! Lists users by filter, 50 per page (`start`), as [`User`] records.
//! Documentation: <https://apidocs.bitrix24.com/api-reference/user/user-get.html>

use serde::{Deserialize, Serialize};

use super::{User, UserQuery};
use crate::wire::*;

/// Lists users: `UserGet::default()` for every active one, `UserGet::new(query)` filtered.
#[b24_method("user.get", scope = "user", response = Vec<User>, read_only, list)]
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserGet {
    /// Filter, order and offset.
    #[serde(flatten)]
    pub query: UserQuery,
}

impl UserGet {
    /// The users `query` selects.
    pub fn new(query: UserQuery) -> Self {
        UserGet { query }
    }
}
