//! History events (`api/2.0/crm/history/...`, `CRMApi.RelationshipEvent.cs`); with
//! `entityType` = `case` they are a case's history.

pub mod create;
pub mod delete;
pub mod filter;
