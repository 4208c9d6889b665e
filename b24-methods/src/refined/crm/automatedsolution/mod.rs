//! `crm.automatedsolution.*`: automated solutions (digital workplaces) that group smart processes.
//!
//! Documentation: <https://apidocs.bitrix24.com/api-reference/crm/automated-solution/index.html>

pub mod add;
pub mod delete;
pub mod fields;
pub mod get;
pub mod list;
pub mod update;

use b24_core::Id;
use serde::{Deserialize, Serialize};

/// An automated solution as the server returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AutomatedSolution {
    /// Identifier.
    pub id: Id,
    /// Title; the portal builds the section's link from it.
    pub title: String,
    /// Smart processes (`crm.type` IDs) bound to this solution.
    #[serde(default)]
    pub type_ids: Vec<Id>,
}

/// The `result` of `add`, `get` and `update`: `{"automatedSolution": {…}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AutomatedSolutionResult {
    /// The automated solution.
    pub automated_solution: AutomatedSolution,
}
