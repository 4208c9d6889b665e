//! `user.search` — scope `user` (also `user_brief`, `user_basic`)
//!
//! Searches users by name, position or department (`FILTER` with `FIND`, `NAME`, …), 50 per
//! page (`start`), as [`User`] records.
//! Documentation: <https://apidocs.bitrix24.com/api-reference/user/user-search.html>

use serde::{Deserialize, Serialize};

use super::{User, UserQuery};
use crate::wire::*;

/// Searches users: `UserSearch::new(UserQuery::default().with_filter(…))`.
#[b24_method("user.search", scope = "user", response = Vec<User>, read_only, list)]
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserSearch {
    /// Filter (`FIND` searches names, e-mail and position), order and offset.
    #[serde(flatten)]
    pub query: UserQuery,
}

impl UserSearch {
    /// The users `query` finds.
    pub fn new(query: UserQuery) -> Self {
        UserSearch { query }
    }
}
