//! Case tags (`CRMApi.Tag.cs` with `{entityType}` = `case`).

pub mod add;
pub mod add_filtered;
pub mod add_many;
pub mod create;
pub mod delete;
pub mod delete_unused;
pub mod get;
pub mod list;
pub mod remove;
