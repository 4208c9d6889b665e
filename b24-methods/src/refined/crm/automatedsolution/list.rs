//! `crm.automatedsolution.list` — scope `crm`
//!
//! Lists automated solutions, 50 per page.
//! Documentation: <https://apidocs.bitrix24.com/api-reference/crm/automated-solution/crm-automated-solution-list.html>
//!
//! Errors: `ACCESS_DENIED`, `INVALID_ARG_VALUE`.

use std::collections::BTreeMap;

use b24_core::b24_method;
use serde::{Deserialize, Serialize};

use super::AutomatedSolution;

/// Lists automated solutions.
#[b24_method(
    "crm.automatedsolution.list",
    scope = "crm",
    response = AutomatedSolutionPage,
    read_only,
    list = "automatedSolutions",
    item = AutomatedSolution,
    cursor = "id"
)]
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AutomatedSolutionList {
    /// Sort order: field (`id`, `title`) → `"ASC"` or `"DESC"`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub order: BTreeMap<String, String>,
    /// Filter: field with an optional operator prefix (`=`, `!`, `>`, `%`, …) → value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub filter: BTreeMap<String, serde_json::Value>,
    /// Offset of the page (multiples of 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
}

impl AutomatedSolutionList {
    /// The first page, unfiltered, in the server's order.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a sort key.
    pub fn order_by(mut self, field: impl Into<String>, direction: impl Into<String>) -> Self {
        self.order.insert(field.into(), direction.into());
        self
    }

    /// Adds a filter condition, e.g. `("%title", "HR")`.
    pub fn filter(mut self, field: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
        self.filter.insert(field.into(), value.into());
        self
    }

    /// Asks for the page at `offset`.
    pub fn start(mut self, offset: i64) -> Self {
        self.start = Some(offset);
        self
    }
}

/// The `result` of `crm.automatedsolution.list`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AutomatedSolutionPage {
    /// The page's solutions.
    pub automated_solutions: Vec<AutomatedSolution>,
}
