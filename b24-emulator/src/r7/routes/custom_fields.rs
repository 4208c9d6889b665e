//! Case custom fields: definitions (administrators only for changes) and values per case.

use serde_json::Value;

use super::context::{Ctx, Outcome};
use crate::r7::render::Answer;
use crate::r7::state::FieldDef;
use crate::r7::wire::Failure;

fn admin_only(ctx: &Ctx<'_>) -> Result<(), Failure> {
    if ctx.user.admin {
        Ok(())
    } else {
        Err(Failure::forbidden())
    }
}

/// `GET crm/case/customfield/definitions`: with the number of cases using each field.
pub(super) fn definitions(ctx: &mut Ctx<'_>) -> Outcome {
    let cases = &ctx.data.cases;
    let list = ctx
        .data
        .fields
        .values()
        .map(|def| {
            let used = cases
                .values()
                .filter(|case| case.fields.contains_key(&def.id))
                .count();
            def.wrapper(0, None, Some(used))
        })
        .collect();
    Answer::ok(Value::Array(list))
}

/// Stores a definition from `label`, `fieldType` (0-5), `position`, `mask`.
fn save_definition(ctx: &mut Ctx<'_>, id: i64) -> Result<Value, Failure> {
    let params = ctx.params;
    let label = params.text("label").unwrap_or_default();
    let field_type = params.int("fieldType")?.unwrap_or(0);
    if label.trim().is_empty() || !(0..=5).contains(&field_type) {
        return Err(Failure::argument());
    }
    let def = FieldDef {
        id,
        label,
        field_type,
        position: params.int("position")?.unwrap_or(0),
        mask: params.text("mask").unwrap_or_default(),
    };
    let wrapper = def.wrapper(0, None, None);
    ctx.data.fields.insert(id, def);
    Ok(wrapper)
}

/// `POST crm/case/customfield`.
pub(super) fn create(ctx: &mut Ctx<'_>) -> Outcome {
    admin_only(ctx)?;
    let id = ctx.data.next_field;
    let wrapper = save_definition(ctx, id)?;
    ctx.data.next_field += 1;
    Answer::created(wrapper)
}

/// `PUT crm/case/customfield/{id}`.
pub(super) fn update(ctx: &mut Ctx<'_>) -> Outcome {
    admin_only(ctx)?;
    let id = ctx.params.id("id")?;
    if !ctx.data.fields.contains_key(&id) {
        return Err(Failure::not_found());
    }
    Answer::ok(save_definition(ctx, id)?)
}

/// `DELETE crm/case/customfield/{fieldid}`: the values on cases go with it.
pub(super) fn delete(ctx: &mut Ctx<'_>) -> Outcome {
    admin_only(ctx)?;
    let id = ctx.params.id("fieldid")?;
    let def = ctx.data.fields.remove(&id).ok_or_else(Failure::not_found)?;
    for case in ctx.data.cases.values_mut() {
        case.fields.remove(&id);
    }
    Answer::ok(def.wrapper(0, None, None))
}

/// `PUT crm/case/customfield/reorder`: `fieldids` in their new order.
pub(super) fn reorder(ctx: &mut Ctx<'_>) -> Outcome {
    admin_only(ctx)?;
    let ids = ctx.params.ids("fieldids")?;
    for (position, id) in ids.iter().enumerate() {
        let def = ctx.data.fields.get_mut(id).ok_or_else(Failure::not_found)?;
        def.position = position as i64;
    }
    let list = ids
        .iter()
        .map(|id| ctx.data.fields[id].wrapper(0, None, None))
        .collect();
    Answer::ok(Value::Array(list))
}

/// `GET crm/case/{entityid}/customfield`: every definition with the case's value.
pub(super) fn values(ctx: &mut Ctx<'_>) -> Outcome {
    let case = ctx.readable(ctx.params.id("entityid")?)?;
    let list = ctx
        .data
        .fields
        .values()
        .map(|def| def.wrapper(case.id, case.fields.get(&def.id).map(String::as_str), None))
        .collect();
    Answer::ok(Value::Array(list))
}

/// `POST crm/case/{entityid}/customfield/{fieldid}`: `fieldValue`.
pub(super) fn set_value(ctx: &mut Ctx<'_>) -> Outcome {
    let id = ctx.params.id("entityid")?;
    ctx.readable(id)?;
    let field = ctx.params.id("fieldid")?;
    let def = ctx
        .data
        .fields
        .get(&field)
        .cloned()
        .ok_or_else(Failure::not_found)?;
    let value = ctx.params.text("fieldValue").unwrap_or_default();
    ctx.readable_mut(id)?.fields.insert(field, value.clone());
    Answer::created(def.wrapper(id, Some(&value), None))
}
