//! `crm.automatedsolution.delete` — scope `crm`
//!
//! Deletes an automated solution.
//! Documentation: <https://apidocs.bitrix24.com/api-reference/crm/automated-solution/crm-automated-solution-delete.html>

use b24_core::{Empty, b24_method};
use serde::{Deserialize, Serialize};

/// Deletes an automated solution by ID.
#[b24_method("crm.automatedsolution.delete", scope = "crm", response = Empty)]
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AutomatedSolutionDelete {
    /// The solution's ID.
    pub id: u64,
}

impl AutomatedSolutionDelete {
    /// A request deleting solution `id`.
    pub fn new(id: u64) -> Self {
        AutomatedSolutionDelete { id }
    }
}
