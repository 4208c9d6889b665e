//! `crm.automatedsolution.fields` — scope `crm`
//!
//! Describes the fields of an automated solution.
//! Documentation: <https://apidocs.bitrix24.com/api-reference/crm/automated-solution/crm-automated-solution-fields.html>

use std::collections::BTreeMap;

use b24_core::b24_method;
use serde::{Deserialize, Serialize};

/// Describes the fields of an automated solution.
#[b24_method("crm.automatedsolution.fields", scope = "crm", response = FieldDescriptions, read_only)]
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct AutomatedSolutionFields;

/// The `result` of `crm.automatedsolution.fields`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FieldDescriptions {
    /// Field name → description.
    pub fields: BTreeMap<String, FieldDescription>,
}

/// How a field is typed and may be used.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FieldDescription {
    /// The field's type (`integer`, `string`, …).
    #[serde(rename = "type")]
    pub kind: String,
    /// A value is required on create.
    #[serde(default)]
    pub is_required: bool,
    /// The field cannot be written.
    #[serde(default)]
    pub is_read_only: bool,
    /// The field cannot change after create.
    #[serde(default)]
    pub is_immutable: bool,
    /// The field holds several values.
    #[serde(default)]
    pub is_multiple: bool,
    /// Human-readable name.
    #[serde(default)]
    pub title: Option<String>,
}
