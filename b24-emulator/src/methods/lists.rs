//! Universal lists (`lists.add/get/update/delete`, `lists.element.add/get/update/delete`) on
//! [`crate::store::lists`]. A list is named by `IBLOCK_TYPE_ID` with `IBLOCK_ID` or
//! `IBLOCK_CODE`, an element by `ELEMENT_ID` or `ELEMENT_CODE`; names in any case.

use crate::call::Call;
use crate::envelope::{ApiError, MethodOutput};
use crate::store::lists::{ElementRef, ListRef};
use crate::value::Value;

fn missing(name: &str) -> ApiError {
    ApiError::new(
        400,
        "ERROR_REQUIRED_PARAMETERS_MISSING",
        format!("Required parameter \"{name}\" is missing"),
    )
}

fn text(params: &Value, name: &str) -> String {
    params
        .get_ci(name)
        .and_then(Value::php_string)
        .unwrap_or_default()
}

fn id(params: &Value, name: &str) -> i64 {
    params.get_ci(name).map_or(0, Value::php_intval)
}

/// The list a call names (`IBLOCK_TYPE_ID` required; `IBLOCK_ID` or `IBLOCK_CODE` when
/// `named`).
fn list_ref(params: &Value, named: bool) -> Result<ListRef, ApiError> {
    let list = ListRef {
        type_id: text(params, "IBLOCK_TYPE_ID"),
        id: id(params, "IBLOCK_ID"),
        code: text(params, "IBLOCK_CODE"),
    };
    if list.type_id.is_empty() {
        return Err(missing("IBLOCK_TYPE_ID"));
    }
    if named && list.id <= 0 && list.code.is_empty() {
        return Err(missing("IBLOCK_ID"));
    }
    Ok(list)
}

fn element_ref(params: &Value) -> ElementRef {
    ElementRef {
        id: id(params, "ELEMENT_ID"),
        code: text(params, "ELEMENT_CODE"),
    }
}

/// `FIELDS`, required.
fn fields(params: &Value) -> Result<&Value, ApiError> {
    params.get_ci("FIELDS").ok_or_else(|| missing("FIELDS"))
}

fn done() -> Result<MethodOutput, ApiError> {
    Ok(MethodOutput::new(Value::Bool(true)))
}

/// `lists.add`: the new list's ID.
pub fn add(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let list = list_ref(call.params, false)?;
    if list.code.is_empty() {
        return Err(missing("IBLOCK_CODE"));
    }
    let fields = fields(call.params)?;
    let id = call.state.lists.add(&list, fields, call.now_secs())?;
    Ok(MethodOutput::new(Value::Int(id)))
}

/// `lists.get`: the lists of the type (or the one named).
pub fn get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let list = list_ref(call.params, false)?;
    let start = call.params.get_ci("start").map_or(0, Value::php_intval);
    let rows = call.state.lists.get(&list);
    Ok(crate::list::Page::of(rows, start).into_output(|rows| rows))
}

/// `lists.update`: `true`.
pub fn update(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let list = list_ref(call.params, true)?;
    let fields = fields(call.params)?;
    call.state.lists.update(&list, fields)?;
    done()
}

/// `lists.delete`: `true`.
pub fn delete(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let list = list_ref(call.params, true)?;
    call.state.lists.delete(&list)?;
    done()
}

/// `lists.element.add`: the new element's ID.
pub fn element_add(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let list = list_ref(call.params, true)?;
    let code = text(call.params, "ELEMENT_CODE");
    if code.is_empty() {
        return Err(missing("ELEMENT_CODE"));
    }
    let fields = fields(call.params)?;
    let (user, now) = (call.principal.user_id(), call.now_secs());
    let id = call
        .state
        .lists
        .element_add(&list, &code, fields, user, now)?;
    Ok(MethodOutput::new(Value::Int(id)))
}

/// `lists.element.get`: the element named, or a page of the list's elements.
pub fn element_get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let list = list_ref(call.params, true)?;
    let params = call.params;
    let start = params.get_ci("start").map_or(0, Value::php_intval);
    let page = call.state.lists.element_get(
        &list,
        &element_ref(params),
        params.get_ci("FILTER"),
        params.get_ci("ELEMENT_ORDER"),
        start,
    )?;
    Ok(page.into_output(|rows| rows))
}

/// `lists.element.update`: `true`.
pub fn element_update(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let list = list_ref(call.params, true)?;
    let fields = fields(call.params)?;
    call.state
        .lists
        .element_update(&list, &element_ref(call.params), fields)?;
    done()
}

/// `lists.element.delete`: `true`.
pub fn element_delete(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let list = list_ref(call.params, true)?;
    call.state
        .lists
        .element_delete(&list, &element_ref(call.params))?;
    done()
}
