//! `crm.automatedsolution.get` — scope `crm`
//!
//! Reads one automated solution.
//! Documentation: <https://apidocs.bitrix24.com/api-reference/crm/automated-solution/crm-automated-solution-get.html>

use b24_core::b24_method;
use serde::{Deserialize, Serialize};

use super::AutomatedSolutionResult;

/// Reads an automated solution by ID.
#[b24_method("crm.automatedsolution.get", scope = "crm", response = AutomatedSolutionResult, read_only)]
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AutomatedSolutionGet {
    /// The solution's ID.
    pub id: u64,
}

impl AutomatedSolutionGet {
    /// A request for solution `id`.
    pub fn new(id: u64) -> Self {
        AutomatedSolutionGet { id }
    }
}
