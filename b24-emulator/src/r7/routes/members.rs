//! Case members: the contacts of a case.

use serde_json::Value;

use super::context::{Ctx, Outcome};
use crate::r7::render::Answer;
use crate::r7::state::Contact;
use crate::r7::wire::Failure;

/// `GET crm/case/{caseid}/contact`.
pub(super) fn list(ctx: &mut Ctx<'_>) -> Outcome {
    let case = ctx.readable(ctx.params.id("caseid")?)?;
    let list = case
        .members
        .iter()
        .filter_map(|id| ctx.data.contacts.get(id).map(Contact::wrapper))
        .collect();
    Answer::ok(Value::Array(list))
}

/// The `ContactBase` of contact `id` (404 when there is none).
fn contact(ctx: &Ctx<'_>, id: i64) -> Result<Value, Failure> {
    ctx.data
        .contacts
        .get(&id)
        .map(Contact::wrapper)
        .ok_or_else(Failure::not_found)
}

/// `POST crm/case/{caseid}/contact`: `contactid`.
pub(super) fn add(ctx: &mut Ctx<'_>) -> Outcome {
    let id = ctx.params.id("caseid")?;
    ctx.readable(id)?;
    let member = ctx
        .params
        .int("contactid")?
        .filter(|id| *id > 0)
        .ok_or_else(Failure::argument)?;
    let wrapper = contact(ctx, member)?;
    let case = ctx.readable_mut(id)?;
    if !case.members.contains(&member) {
        case.members.push(member);
    }
    Answer::created(wrapper)
}

/// `DELETE crm/case/{caseid}/contact/{contactid}`.
pub(super) fn remove(ctx: &mut Ctx<'_>) -> Outcome {
    let id = ctx.params.id("caseid")?;
    ctx.readable(id)?;
    let member = ctx.params.id("contactid")?;
    let wrapper = contact(ctx, member)?;
    ctx.readable_mut(id)?.members.retain(|m| *m != member);
    Answer::ok(wrapper)
}
