//! Changes of CRM records made by a call: the write to the store and the change event it
//! fires (`ONCRMDEALADD`, …), shared by `crm.item.*` and the legacy methods.

use crate::call::Call;
use crate::store::crm::schema::{self, Style};
use crate::value::Value;

/// Creates a record from `fields` (named in `style`) for the caller; returns its ID.
pub fn create(call: &mut Call<'_>, entity_type_id: i64, fields: &Value, style: Style) -> i64 {
    let (user, now) = (call.principal.user_id(), call.now_secs());
    let id = call
        .state
        .crm
        .create(entity_type_id, fields, style, user, now);
    fire_change(call, entity_type_id, "ADD", id);
    id
}

/// Changes record `id` for the caller; `false` when there is no such record.
pub fn update(
    call: &mut Call<'_>,
    entity_type_id: i64,
    id: i64,
    fields: &Value,
    style: Style,
) -> bool {
    let (user, now) = (call.principal.user_id(), call.now_secs());
    let changed = call
        .state
        .crm
        .modify(entity_type_id, id, fields, style, user, now);
    if changed {
        fire_change(call, entity_type_id, "UPDATE", id);
    }
    changed
}

/// Deletes record `id`; `false` when there was none.
pub fn delete(call: &mut Call<'_>, entity_type_id: i64, id: i64) -> bool {
    let deleted = call.state.crm.delete(entity_type_id, id);
    if deleted {
        fire_change(call, entity_type_id, "DELETE", id);
    }
    deleted
}

/// Fires the change event of a CRM record (`ONCRMDEALADD`, …; smart processes have none) for
/// the caller, with tokens for OAuth callers.
fn fire_change(call: &mut Call<'_>, entity_type_id: i64, action: &str, id: i64) {
    let Some(event) = schema::event_name(entity_type_id, action) else {
        return;
    };
    let data = Value::object([(
        "FIELDS",
        Value::object([("ID", Value::from(id.to_string()))]),
    )]);
    call.fire(event, data);
}
