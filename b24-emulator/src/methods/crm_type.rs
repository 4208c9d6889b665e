//! Smart-process types: `crm.type.*`.

use super::args::{self, invalid};
use super::fields::{self, Field};
use crate::call::Call;
use crate::envelope::{ApiError, MethodOutput, format_atom};
use crate::list::{self, Op, Page};
use crate::store::crm::SmartType;
use crate::store::crm::query;
use crate::store::crm::schema::FIRST_SPA;
use crate::value::Value;

fn type_value(t: &SmartType) -> Value {
    let yn = |b: bool| Value::from(if b { "Y" } else { "N" });
    Value::object([
        ("id", Value::Int(t.id)),
        ("title", Value::from(t.title.as_str())),
        ("code", Value::from(t.code.as_str())),
        ("createdBy", Value::Int(t.created_by)),
        ("entityTypeId", Value::Int(t.entity_type_id)),
        ("customSectionId", Value::Null),
        ("isCategoriesEnabled", yn(t.categories_enabled)),
        ("isStagesEnabled", yn(true)),
        ("isBeginCloseDatesEnabled", yn(true)),
        ("isClientEnabled", yn(true)),
        ("isLinkWithProductsEnabled", yn(false)),
        ("isAutomationEnabled", yn(false)),
        ("isBizProcEnabled", yn(false)),
        ("createdTime", Value::from(format_atom(t.created))),
        ("updatedTime", Value::from(format_atom(t.updated))),
        ("updatedBy", Value::Int(t.created_by)),
    ])
}

fn answer(t: &SmartType) -> MethodOutput {
    MethodOutput::new(Value::object([("type", type_value(t))]))
}

fn not_found() -> ApiError {
    ApiError::new(400, "NOT_FOUND", "Smart process not found")
}

/// The `entityTypeId` of a new type: a free ID of at least 128, or `None` to choose one.
fn new_entity_type_id(call: &Call<'_>, fields: &Value) -> Result<Option<i64>, ApiError> {
    let Some(v) = fields.get("entityTypeId").filter(|v| **v != Value::Null) else {
        return Ok(None);
    };
    let eid = v
        .as_int_strict()
        .filter(|e| *e >= FIRST_SPA)
        .ok_or_else(|| invalid("entityTypeId must be an integer of at least 128"))?;
    if call.state.crm.exists(eid) {
        return Err(invalid(
            "A smart process with this entityTypeId already exists",
        ));
    }
    Ok(Some(eid))
}

/// `crm.type.add`: `fields{title*, entityTypeId?, code?, isCategoriesEnabled?}` → `{"type"}`.
pub fn add(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let fields = args::fields(call.params);
    let title = args::required_title(&fields)?;
    let eid = new_entity_type_id(call, &fields)?;
    let user = call.principal.user_id();
    let now = call.now_secs();
    let mut t = call.state.crm.add_type(title, eid, user, now);
    if let Some(code) = fields.get("code").and_then(Value::php_string) {
        t.code = code;
    }
    t.categories_enabled = fields.get("isCategoriesEnabled").is_some_and(args::yes);
    call.state.crm.types.insert(t.id, t.clone());
    Ok(answer(&t))
}

/// `crm.type.get`: `id` → `{"type"}`.
pub fn get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = args::required_id(call.params)?;
    let t = call.state.crm.types.get(&id).ok_or_else(not_found)?;
    Ok(answer(t))
}

/// Whether a type (as rendered) passes one filter entry; unknown fields pass.
fn passes(t: &Value, key: &str, wanted: &Value) -> bool {
    let (prefix, field) = list::split_key(key);
    let Some(have) = t.get(field) else {
        return true;
    };
    let op = list::parse_op(prefix).unwrap_or(Op::Eq);
    list::test(op, wanted, |op, w| query::scalar_matches(None, have, op, w))
}

/// `crm.type.list`: `filter` (`id`, `entityTypeId`, `title` with `%`), `start` → `{"types"}`.
pub fn list(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let filter = call.params.get("filter").cloned().unwrap_or_default();
    let rows = call.state.crm.types.values().map(type_value).filter(|t| {
        filter
            .entries()
            .into_iter()
            .all(|(key, wanted)| passes(t, &key, wanted))
    });
    let start = call.params.get("start").map_or(0, Value::php_intval);
    Ok(Page::of(rows, start).into_output(|page| Value::object([("types", page)])))
}

/// `crm.type.update`: `id`, `fields{title, code, isCategoriesEnabled}` → `{"type"}`.
pub fn update(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = args::required_id(call.params)?;
    let fields = args::fields(call.params);
    let title = args::title(&fields).transpose()?;
    let now = call.now_secs();
    let t = call.state.crm.types.get_mut(&id).ok_or_else(not_found)?;
    if let Some(title) = title {
        t.title = title;
    }
    if let Some(code) = fields.get("code").and_then(Value::php_string) {
        t.code = code;
    }
    if let Some(v) = fields.get("isCategoriesEnabled") {
        t.categories_enabled = args::yes(v);
    }
    t.updated = now;
    Ok(answer(t))
}

/// `crm.type.delete`: `id` → `null`; the type's items go with it.
pub fn delete(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = args::required_id(call.params)?;
    call.state.crm.remove_type(id).ok_or_else(not_found)?;
    Ok(MethodOutput::new(Value::Null))
}

/// `crm.type.fields` → `{"fields": {…}}`.
pub fn fields(_call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    Ok(MethodOutput::new(fields::answer([
        ("id", Field::new("integer", "ID").read_only()),
        ("title", Field::new("string", "Title").required()),
        ("code", Field::new("string", "Code")),
        ("entityTypeId", Field::new("integer", "Entity type ID")),
        ("isCategoriesEnabled", Field::new("boolean", "Pipelines")),
        ("createdBy", Field::new("user", "Created by").read_only()),
        (
            "createdTime",
            Field::new("datetime", "Created on").read_only(),
        ),
    ])))
}
