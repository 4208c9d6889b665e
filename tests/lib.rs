//! Shared pieces of the b24 integration tests, and a method defined outside `b24-methods`
//! to prove that a user's own `#[b24_method]` works exactly like a prebuilt one.

use b24_core::b24_method;
use serde::{Deserialize, Serialize};

/// `crm.type.list`, declared here as a user of the SDK would.
#[b24_method("crm.type.list", scope = "crm", response = TypePage, read_only, list = "types")]
#[derive(Clone, Debug, Default, Serialize)]
pub struct CrmTypeList {
    /// Filter conditions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<serde_json::Value>,
}

/// The `result` of `crm.type.list`.
#[derive(Clone, Debug, Deserialize)]
pub struct TypePage {
    /// The smart process types of the page.
    pub types: Vec<serde_json::Value>,
}

/// `crm.automatedsolution.add` as a user might declare it without `b24-methods`.
#[b24_method("crm.automatedsolution.add", scope = "crm", response = MyAdded)]
#[derive(Clone, Debug, Serialize)]
pub struct MyAddSolution {
    /// Fields of the new solution.
    pub fields: MyFields,
}

/// Fields of [`MyAddSolution`].
#[derive(Clone, Debug, Serialize)]
pub struct MyFields {
    /// Title.
    pub title: String,
}

/// The user's own response type.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MyAdded {
    /// The created solution, kept as JSON.
    pub automated_solution: serde_json::Value,
}
