//! Application data storage (`entity.*`) on [`crate::store::entity`]: storages, their item
//! properties, sections and items. Parameter names in UPPER_CASE, matched in any case.

use crate::call::Call;
use crate::envelope::{ApiError, MethodOutput};
use crate::store::entity::Part;
use crate::value::Value;

/// A non-empty text parameter.
fn text(params: &Value, name: &str) -> Option<String> {
    params
        .get_ci(name)
        .and_then(Value::php_string)
        .filter(|s| !s.is_empty())
}

/// A required text parameter, else `ERROR_ARGUMENT`.
fn required(params: &Value, name: &str) -> Result<String, ApiError> {
    text(params, name).ok_or_else(|| {
        ApiError::new(
            400,
            "ERROR_ARGUMENT",
            format!("Parameter '{name}' is required"),
        )
    })
}

/// The required `ENTITY` and `PROPERTY` of the property methods.
fn property_of(params: &Value) -> Result<(String, String), ApiError> {
    Ok((required(params, "ENTITY")?, required(params, "PROPERTY")?))
}

fn done() -> Result<MethodOutput, ApiError> {
    Ok(MethodOutput::new(Value::Bool(true)))
}

/// Items or sections, by the method's family.
fn part(call: &Call<'_>) -> Part {
    if call.method.starts_with("entity.section.") {
        Part::Sections
    } else {
        Part::Items
    }
}

/// `entity.add`: `true`.
pub fn add(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let code = required(call.params, "ENTITY")?;
    let name = required(call.params, "NAME")?;
    call.state.entity.add(&code, &name)?;
    done()
}

/// `entity.get`: the storage named by `ENTITY`, or every storage.
pub fn get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let code = text(call.params, "ENTITY");
    Ok(MethodOutput::new(call.state.entity.get(code.as_deref())?))
}

/// `entity.update`: `true`.
pub fn update(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let code = required(call.params, "ENTITY")?;
    let name = text(call.params, "NAME");
    let new_code = text(call.params, "ENTITY_NEW");
    call.state.entity.update(&code, name, new_code)?;
    done()
}

/// `entity.delete`: `true`.
pub fn delete(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let code = required(call.params, "ENTITY")?;
    call.state.entity.delete(&code)?;
    done()
}

/// `entity.item.property.add`: `true`.
pub fn property_add(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let (code, property) = property_of(call.params)?;
    let sort = call.params.get_ci("SORT").map(Value::php_intval);
    let (name, ty) = (text(call.params, "NAME"), text(call.params, "TYPE"));
    call.state
        .entity
        .property_add(&code, &property, name, ty, sort)?;
    done()
}

/// `entity.item.property.get`: one property, or all of them.
pub fn property_get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let code = required(call.params, "ENTITY")?;
    let property = text(call.params, "PROPERTY");
    Ok(MethodOutput::new(
        call.state.entity.property_get(&code, property.as_deref())?,
    ))
}

/// `entity.item.property.update`: `true`.
pub fn property_update(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let (code, property) = property_of(call.params)?;
    call.state
        .entity
        .property_update(&code, &property, call.params)?;
    done()
}

/// `entity.item.property.delete`: `true`.
pub fn property_delete(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let (code, property) = property_of(call.params)?;
    call.state.entity.property_delete(&code, &property)?;
    done()
}

/// `entity.item.add` / `entity.section.add`: the new ID.
pub fn record_add(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let code = required(call.params, "ENTITY")?;
    let (user, now) = (call.principal.user_id(), call.now_secs());
    let part = part(call);
    let id = call
        .state
        .entity
        .record_add(part, &code, call.params, user, now)?;
    Ok(MethodOutput::new(Value::Int(id)))
}

/// The required `ID` of a record.
fn record_id(params: &Value) -> Result<i64, ApiError> {
    params
        .get_ci("ID")
        .map(Value::php_intval)
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::new(400, "ERROR_ARGUMENT", "Parameter 'ID' is required"))
}

/// `entity.item.update` / `entity.section.update`: `true`.
pub fn record_update(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let code = required(call.params, "ENTITY")?;
    let id = record_id(call.params)?;
    let (user, now) = (call.principal.user_id(), call.now_secs());
    let part = part(call);
    call.state
        .entity
        .record_update(part, &code, id, call.params, user, now)?;
    done()
}

/// `entity.item.delete` / `entity.section.delete`: `true`.
pub fn record_delete(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let code = required(call.params, "ENTITY")?;
    let id = record_id(call.params)?;
    let part = part(call);
    call.state.entity.record_delete(part, &code, id)?;
    done()
}

/// `entity.item.get` / `entity.section.get`: a page of records with `total` and `next`.
pub fn record_list(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let code = required(call.params, "ENTITY")?;
    let params = call.params;
    let start = params.get_ci("start").map_or(0, Value::php_intval);
    let page = call.state.entity.record_list(
        part(call),
        &code,
        params.get_ci("FILTER"),
        params.get_ci("SORT"),
        start,
    )?;
    Ok(page.into_output(|rows| rows))
}
