//! The legacy CRM methods `crm.deal.*`, `crm.contact.*`, `crm.lead.*`, `crm.company.*`:
//! UPPER_CASE field names, IDs, integers and money as strings (`"ID": "37"`,
//! `"OPPORTUNITY": "19999.99"`), parameter names (`id`, `fields`, `select`, `filter`, `order`,
//! `params`) matched case-insensitively, errors with an empty code.

use super::crm_change;
use super::fields::Field;
use crate::call::Call;
use crate::envelope::{ApiError, MethodOutput};
use crate::store::crm::schema::{self, DEAL, Kind, Style};
use crate::value::Value;

/// The entity type a method name is about (`crm.lead.add` → lead).
fn entity(method: &str) -> i64 {
    method
        .split('.')
        .nth(1)
        .and_then(schema::entity_by_name)
        .unwrap_or(DEAL)
}

fn error(description: &str) -> ApiError {
    ApiError::new(400, "", description)
}

fn not_found() -> ApiError {
    error("Not found")
}

fn id(params: &Value) -> Result<i64, ApiError> {
    params
        .get_ci("id")
        .and_then(Value::as_int_strict)
        .filter(|id| *id > 0)
        .ok_or_else(|| error("ID is not defined or invalid."))
}

fn fields(params: &Value) -> Result<Value, ApiError> {
    match params.get_ci("fields") {
        Some(v @ (Value::Map(_) | Value::List(_))) => Ok(v.clone()),
        _ => Err(error("Parameter 'fields' must be array.")),
    }
}

/// `crm.{deal,contact,lead,company}.add` → the new ID (int).
pub fn add(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = entity(call.method);
    let fields = fields(call.params)?;
    let id = crm_change::create(call, eid, &fields, Style::Legacy);
    Ok(MethodOutput::new(Value::Int(id)))
}

/// `crm.{deal,…}.get` → the record with UPPER_CASE fields (multi-fields included).
pub fn get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = entity(call.method);
    let id = id(call.params)?;
    let table = call.state.crm.table_mut(eid);
    let record = table.get(id, Style::Legacy).ok_or_else(not_found)?;
    Ok(MethodOutput::new(record))
}

/// `crm.{deal,…}.list` → a JSON array, `total`/`next`.
pub fn list(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = entity(call.method);
    let table = call.state.crm.table_mut(eid);
    let page = table.list(Style::Legacy, call.params, true)?;
    Ok(page.into_output(|rows| rows))
}

/// `crm.{deal,…}.update` → `true`.
pub fn update(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = entity(call.method);
    let id = id(call.params)?;
    let fields = fields(call.params)?;
    if !crm_change::update(call, eid, id, &fields, Style::Legacy) {
        return Err(not_found());
    }
    Ok(MethodOutput::new(Value::Bool(true)))
}

/// `crm.{deal,…}.delete` → `true`.
pub fn delete(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = entity(call.method);
    let id = id(call.params)?;
    if !crm_change::delete(call, eid, id) {
        return Err(not_found());
    }
    Ok(MethodOutput::new(Value::Bool(true)))
}

/// `crm.{deal,…}.fields` → field descriptions keyed by UPPER_CASE name.
pub fn describe(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = entity(call.method);
    let table = call.state.crm.table_mut(eid);
    let fields = table
        .fields
        .iter()
        .map(|f| {
            let description = Field {
                read_only: f.read_only,
                multiple: f.kind == Kind::Multi,
                ..Field::new(f.kind.type_name(), f.title)
            };
            (f.name.to_owned(), description.describe())
        })
        .collect();
    Ok(MethodOutput::new(Value::Map(fields)))
}
