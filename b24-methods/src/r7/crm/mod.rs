//! CRM routes (`api/2.0/crm/...`) and the entities they share.

use b24_core::r7::ApiDateTime;
use serde::{Deserialize, Serialize};

use super::Employee;

pub mod case;
pub mod history;

/// A custom field value on an entity (`CustomFieldBase`). `fieldValue` is always a string,
/// even for dates and check boxes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CustomField {
    /// The field definition's ID.
    pub id: i64,
    /// The entity the value belongs to (0 in a definition).
    #[serde(default)]
    pub entity_id: i64,
    /// The field's label.
    #[serde(default)]
    pub label: String,
    /// The value as text.
    #[serde(default)]
    pub field_value: Option<String>,
    /// 0 text, 1 text area, 2 select box, 3 check box, 4 heading, 5 date.
    #[serde(default)]
    pub field_type: u8,
    /// Position in the form.
    #[serde(default)]
    pub position: i64,
    /// Extra settings; the JSON-encoded options of a select box.
    #[serde(default)]
    pub mask: Option<String>,
    /// How many entities have a value for it (definitions only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative_items_count: Option<i64>,
}

/// Custom field types (`fieldType`).
pub mod field_type {
    /// A one-line text.
    pub const TEXT: u8 = 0;
    /// A multi-line text.
    pub const TEXT_AREA: u8 = 1;
    /// A select box; `mask` holds the options.
    pub const SELECT_BOX: u8 = 2;
    /// A check box.
    pub const CHECK_BOX: u8 = 3;
    /// A heading.
    pub const HEADING: u8 = 4;
    /// A date.
    pub const DATE: u8 = 5;
}

/// `{key: fieldId, value}` of `customFieldList` in create/update requests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CustomFieldEntry {
    /// The custom field definition's ID.
    pub key: i64,
    /// The value as text; empty values are ignored by the server.
    pub value: String,
}

impl CustomFieldEntry {
    /// A value for field `key`.
    pub fn new(key: i64, value: impl Into<String>) -> Self {
        CustomFieldEntry {
            key,
            value: value.into(),
        }
    }
}

/// A person or a company (`ContactBase`, or the full `Contact`); `is_company` tells which.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Contact {
    /// The contact's ID.
    pub id: i64,
    /// Name as shown.
    #[serde(default)]
    pub display_name: String,
    /// A company rather than a person.
    #[serde(default)]
    pub is_company: bool,
    /// Restricted to an access list.
    #[serde(default)]
    pub is_private: bool,
    /// Shared with everyone.
    #[serde(default)]
    pub is_shared: bool,
    /// 0 none, 1 read/write, 2 read.
    #[serde(default)]
    pub share_type: u8,
    /// The current user may edit it.
    #[serde(default)]
    pub can_edit: bool,
    /// The current user may delete it.
    #[serde(default)]
    pub can_delete: bool,
    /// A person's first name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// A person's last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// A company's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    /// Small photo URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub small_foto_url: Option<String>,
    /// Medium photo URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium_foto_url: Option<String>,
}

/// A history event (`RelationshipEventWrapper`): a note, call or mail on an entity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HistoryEvent {
    /// The event's ID.
    pub id: i64,
    /// The author.
    #[serde(default)]
    pub create_by: Option<Employee>,
    /// When it happened.
    #[serde(default)]
    pub created: Option<ApiDateTime>,
    /// The text.
    #[serde(default)]
    pub content: Option<String>,
    /// The category (note, call, mail, ...).
    #[serde(default)]
    pub category: Option<HistoryCategory>,
    /// The case or deal the event is attached to.
    #[serde(default)]
    pub entity: Option<EntityRef>,
    /// The current user may edit it.
    #[serde(default)]
    pub can_edit: bool,
}

/// A history category.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HistoryCategory {
    /// The category's ID (negative for the built-in ones).
    pub id: i64,
    /// Its title.
    #[serde(default)]
    pub title: String,
}

/// The entity an event belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EntityRef {
    /// `case` or `opportunity`.
    pub entity_type: String,
    /// Its ID.
    pub entity_id: i64,
    /// Its title.
    #[serde(default)]
    pub entity_title: Option<String>,
}

/// A tag with the number of entities carrying it (`GET crm/{entityType}/tag`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TagCount {
    /// The tag.
    pub title: String,
    /// Entities carrying it.
    #[serde(default)]
    pub relative_items_count: i64,
}
