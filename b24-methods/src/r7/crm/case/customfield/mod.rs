//! Case custom fields (`CRMApi.CustomFields.cs` with `{entityType}` = `case`): definitions and
//! values.

pub mod create;
pub mod definitions;
pub mod delete;
pub mod reorder;
pub mod set;
pub mod update;
pub mod values;
