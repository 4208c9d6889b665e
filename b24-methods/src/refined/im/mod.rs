//! Methods of the `im` scope (chats and notifications).

pub mod department;
pub mod revision;
