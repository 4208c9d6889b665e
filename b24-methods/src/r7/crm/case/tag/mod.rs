//! Case tags (`CRMApi.Tag.cs` with `{entityType}` = `case`).

pub mod add;
pub mod create;
pub mod delete;
pub mod delete_unused;
pub mod get;
pub mod list;
pub mod remove;
