//! `crm.automatedsolution.add` — scope `crm`
//!
//! Creates an automated solution, optionally binding smart processes to it.
//! Documentation: <https://apidocs.bitrix24.com/api-reference/crm/automated-solution/crm-automated-solution-add.html>
//!
//! Errors: `ACCESS_DENIED`, `LIMIT_EXCEEDED` (the plan's number of solutions is reached),
//! `BX_EMPTY_REQUIRED` (no title).

use b24_core::b24_method;
use serde::{Deserialize, Serialize};

use super::AutomatedSolutionResult;

/// Creates an automated solution.
#[b24_method("crm.automatedsolution.add", scope = "crm", response = AutomatedSolutionResult)]
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AutomatedSolutionAdd {
    /// The new solution's fields.
    pub fields: NewAutomatedSolution,
}

impl AutomatedSolutionAdd {
    /// A request creating a solution with `fields`.
    pub fn new(fields: NewAutomatedSolution) -> Self {
        AutomatedSolutionAdd { fields }
    }
}

/// The `fields` of `crm.automatedsolution.add`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NewAutomatedSolution {
    /// Title (required).
    pub title: String,
    /// Smart processes to bind; a process bound elsewhere moves here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_ids: Option<Vec<u64>>,
}

impl NewAutomatedSolution {
    /// Fields with a title and no smart processes.
    pub fn new(title: impl Into<String>) -> Self {
        NewAutomatedSolution {
            title: title.into(),
            type_ids: None,
        }
    }

    /// Binds these smart processes.
    pub fn with_type_ids(mut self, type_ids: impl IntoIterator<Item = u64>) -> Self {
        self.type_ids = Some(type_ids.into_iter().collect());
        self
    }
}
