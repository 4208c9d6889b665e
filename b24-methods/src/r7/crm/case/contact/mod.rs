//! Case members: `api/2.0/crm/case/{caseid}/contact[/{contactid}]`.

pub mod add;
pub mod list;
pub mod remove;
