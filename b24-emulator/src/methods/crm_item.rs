//! The universal CRM methods: `crm.item.*` (camelCase names, JSON numbers), for every entity
//! type including smart processes.

use super::args;
use super::crm_change;
use super::fields::Field;
use crate::call::Call;
use crate::envelope::{ApiError, MethodOutput};
use crate::store::crm::schema::{Kind, Style, item_name};
use crate::value::Value;

/// The required, existing `entityTypeId`.
fn entity(call: &Call<'_>) -> Result<i64, ApiError> {
    let eid = call
        .params
        .get("entityTypeId")
        .and_then(Value::as_int_strict)
        .ok_or_else(|| {
            ApiError::argument(
                "entityTypeId",
                "Could not find value for parameter {entityTypeId}",
            )
        })?;
    if !call.state.crm.exists(eid) {
        return Err(ApiError::new(400, "NOT_FOUND", "Smart process not found"));
    }
    Ok(eid)
}

fn not_found() -> ApiError {
    ApiError::new(400, "NOT_FOUND", "Element not found")
}

/// `{"item": {…}}` of record `id`.
fn answer(call: &mut Call<'_>, eid: i64, id: i64) -> Result<MethodOutput, ApiError> {
    let item = call
        .state
        .crm
        .table_mut(eid)
        .get(id, Style::Item)
        .ok_or_else(not_found)?;
    Ok(MethodOutput::new(Value::object([("item", item)])))
}

/// `crm.item.add` → `{"item": {…}}`.
pub fn add(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = entity(call)?;
    let fields = args::fields(call.params);
    let id = crm_change::create(call, eid, &fields, Style::Item);
    answer(call, eid, id)
}

/// `crm.item.get` → `{"item": {…}}`.
pub fn get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = entity(call)?;
    let id = args::required_id(call.params)?;
    answer(call, eid, id)
}

/// `crm.item.list` → `{"items": […]}`, `total`/`next`.
pub fn list(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = entity(call)?;
    let table = call.state.crm.table_mut(eid);
    let page = table.list(Style::Item, call.params, false)?;
    Ok(page.into_output(|items| Value::object([("items", items)])))
}

/// `crm.item.update` → `{"item": {…}}`.
pub fn update(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = entity(call)?;
    let id = args::required_id(call.params)?;
    let fields = args::fields(call.params);
    if !crm_change::update(call, eid, id, &fields, Style::Item) {
        return Err(not_found());
    }
    answer(call, eid, id)
}

/// `crm.item.delete` → `[]`.
pub fn delete(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = entity(call)?;
    let id = args::required_id(call.params)?;
    if !crm_change::delete(call, eid, id) {
        return Err(not_found());
    }
    Ok(MethodOutput::new(Value::empty_map()))
}

/// `crm.item.fields` → `{"fields": {camelName: {…}}}`.
pub fn fields(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = entity(call)?;
    let table = call.state.crm.table_mut(eid);
    let fields = table
        .fields
        .iter()
        .filter(|f| f.kind != Kind::Multi)
        .map(|f| {
            let description = Field {
                read_only: f.read_only,
                ..Field::new(f.kind.type_name(), f.title)
            };
            let mut value = description.describe();
            value.insert("upperName", Value::from(f.name));
            (item_name(f), value)
        })
        .collect();
    Ok(MethodOutput::new(Value::object([(
        "fields",
        Value::Map(fields),
    )])))
}
