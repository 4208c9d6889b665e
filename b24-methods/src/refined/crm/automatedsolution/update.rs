//! `crm.automatedsolution.update` — scope `crm`
//!
//! Changes an automated solution's title or bound smart processes.
//! Documentation: <https://apidocs.bitrix24.com/api-reference/crm/automated-solution/crm-automated-solution-update.html>
//!
//! Errors: `ACCESS_DENIED`, `BX_EMPTY_REQUIRED`.

use b24_core::b24_method;
use serde::{Deserialize, Serialize};

use super::AutomatedSolutionResult;

/// Updates an automated solution.
#[b24_method("crm.automatedsolution.update", scope = "crm", response = AutomatedSolutionResult)]
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AutomatedSolutionUpdate {
    /// The solution's ID.
    pub id: u64,
    /// The fields to change.
    pub fields: AutomatedSolutionChanges,
}

impl AutomatedSolutionUpdate {
    /// A request applying `fields` to solution `id`.
    pub fn new(id: u64, fields: AutomatedSolutionChanges) -> Self {
        AutomatedSolutionUpdate { id, fields }
    }
}

/// The `fields` of `crm.automatedsolution.update`; absent fields stay unchanged.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AutomatedSolutionChanges {
    /// New title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// New set of bound smart processes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_ids: Option<Vec<u64>>,
}

impl AutomatedSolutionChanges {
    /// No changes yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Changes the title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Replaces the bound smart processes.
    pub fn type_ids(mut self, type_ids: impl IntoIterator<Item = u64>) -> Self {
        self.type_ids = Some(type_ids.into_iter().collect());
        self
    }
}
