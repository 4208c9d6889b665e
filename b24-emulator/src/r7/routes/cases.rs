//! Case routes (`CRMApi.Cases.cs`): the filtered list, CRUD, access rights, closing and bulk
//! changes.
//!
//! Access: a private case is visible to administrators, its creator and its access list;
//! changing access or deleting needs an administrator or the creator. **`PUT crm/case/{caseid}`
//! without `isPrivate` / `accessList` makes the case public** (the pitfall of the real server).

use serde_json::Value;

use super::context::{Ctx, Filter, Outcome};
use crate::r7::dates::now_ticks;
use crate::r7::render::Answer;
use crate::r7::state::{Case, apply_access, can_manage, can_read};
use crate::r7::wire::{Failure, Params, text_of};

/// `isPrivate` and `accessList`.
fn access(params: &Params) -> Result<(bool, Vec<String>), Failure> {
    Ok((
        params.bool("isPrivate")?.unwrap_or(false),
        params.guids("accessList")?,
    ))
}

/// `GET crm/case/filter`: readable cases through the filter, sorted by `sortBy` (`title` by
/// default, `id`, `dateandtime`, `createby`) and `sortOrder`, paged.
pub(super) fn filter(ctx: &mut Ctx<'_>) -> Outcome {
    let filter = Filter::read(ctx.params)?;
    let mut cases: Vec<&Case> = ctx
        .data
        .cases
        .values()
        .filter(|case| can_read(ctx.user, case) && filter.matches(case))
        .collect();
    let order = ctx.params.text("sortBy").unwrap_or_default();
    match order.to_ascii_lowercase().as_str() {
        "id" => cases.sort_by_key(|case| case.id),
        "dateandtime" => cases.sort_by_key(|case| (case.created, case.id)),
        "createby" => cases.sort_by(|a, b| a.created_by.cmp(&b.created_by).then(a.id.cmp(&b.id))),
        _ => cases.sort_by(|a, b| {
            a.title
                .to_lowercase()
                .cmp(&b.title.to_lowercase())
                .then(a.id.cmp(&b.id))
        }),
    }
    if ctx
        .params
        .text("sortOrder")
        .is_some_and(|order| order.eq_ignore_ascii_case("descending"))
    {
        cases.reverse();
    }
    ctx.page(cases, |case| {
        ctx.data.case_wrapper(case, ctx.user, ctx.zone)
    })
}

/// `GET crm/case/{caseid}`.
pub(super) fn get(ctx: &mut Ctx<'_>) -> Outcome {
    let id = ctx.readable(ctx.params.id("caseid")?)?.id;
    Answer::ok(ctx.case_wrapper(id))
}

/// What `POST crm/case` and `PUT crm/case/{caseid}` read: a title, privacy, members and custom
/// field values (unknown members and fields are dropped silently).
struct CaseInput {
    title: String,
    private: bool,
    access: Vec<String>,
    members: Vec<i64>,
    fields: Vec<(i64, String)>,
}

impl CaseInput {
    fn read(ctx: &Ctx<'_>) -> Result<CaseInput, Failure> {
        let params = ctx.params;
        let title = params.text("title").unwrap_or_default();
        if title.trim().is_empty() {
            return Err(Failure::argument());
        }
        let (private, access) = access(params)?;
        let members = params
            .list("members")
            .iter()
            .filter_map(|id| id.parse().ok())
            .filter(|id| ctx.data.contacts.contains_key(id))
            .collect();
        let fields = params
            .objects("customFieldList")
            .iter()
            .filter_map(|entry| {
                let text = |key| entry.get(key).and_then(text_of);
                let key = text("key")?.parse::<i64>().ok()?;
                let value = text("value")?;
                (ctx.data.fields.contains_key(&key) && !value.is_empty()).then_some((key, value))
            })
            .collect();
        Ok(CaseInput {
            title,
            private,
            access,
            members,
            fields,
        })
    }
}

/// `POST crm/case`.
pub(super) fn create(ctx: &mut Ctx<'_>) -> Outcome {
    let input = CaseInput::read(ctx)?;
    let user = ctx.user;
    let id = ctx.data.insert_case(&input.title, user.id, now_ticks());
    let case = ctx.data.cases.get_mut(&id).ok_or_else(Failure::not_found)?;
    apply_access(case, user, input.private, input.access);
    case.members = input.members;
    case.fields.extend(input.fields);
    Answer::created(ctx.case_wrapper(id))
}

/// `PUT crm/case/{caseid}`: title, members (when given), custom fields; access re-applied for
/// those who may manage the case.
pub(super) fn update(ctx: &mut Ctx<'_>) -> Outcome {
    let id = ctx.params.id("caseid")?;
    ctx.readable(id)?;
    let input = CaseInput::read(ctx)?;
    let user = ctx.user;
    let case = ctx.readable_mut(id)?;
    case.title = input.title;
    if !input.members.is_empty() {
        case.members = input.members;
    }
    case.fields.extend(input.fields);
    // The pitfall: for administrators and the creator access is always re-applied, so a
    // request without `isPrivate` makes the case public.
    if can_manage(user, case) {
        apply_access(case, user, input.private, input.access);
    }
    Answer::ok(ctx.case_wrapper(id))
}

/// `PUT crm/case/{caseid}/access`.
pub(super) fn set_access(ctx: &mut Ctx<'_>) -> Outcome {
    let id = ctx.params.id("caseid")?;
    if !can_manage(ctx.user, ctx.readable(id)?) {
        return Err(Failure::forbidden());
    }
    let (private, list) = access(ctx.params)?;
    let user = ctx.user;
    apply_access(ctx.readable_mut(id)?, user, private, list);
    Answer::ok(ctx.case_wrapper(id))
}

/// Sets access on many cases: those the caller may read and manage; answers the changed ones.
fn set_access_many(ctx: &mut Ctx<'_>, listed: Option<&str>) -> Outcome {
    let ids = ctx.bulk_ids(listed)?;
    let (private, access) = access(ctx.params)?;
    let user = ctx.user;
    let mut changed = Vec::new();
    for id in ids {
        if let Some(case) = ctx.data.cases.get_mut(&id)
            && can_read(user, case)
            && can_manage(user, case)
        {
            apply_access(case, user, private, access.clone());
            changed.push(ctx.case_wrapper(id));
        }
    }
    Answer::ok(Value::Array(changed))
}

/// `PUT crm/case/access`: the cases of `casesid`.
pub(super) fn set_access_listed(ctx: &mut Ctx<'_>) -> Outcome {
    set_access_many(ctx, Some("casesid"))
}

/// `PUT crm/case/filter/access`: the cases of the filter.
pub(super) fn set_access_filtered(ctx: &mut Ctx<'_>) -> Outcome {
    set_access_many(ctx, None)
}

/// `DELETE crm/case/{caseid}`.
pub(super) fn delete(ctx: &mut Ctx<'_>) -> Outcome {
    let id = ctx.params.id("caseid")?;
    if !can_manage(ctx.user, ctx.readable(id)?) {
        return Err(Failure::forbidden());
    }
    let wrapper = ctx.case_wrapper(id);
    ctx.data.remove_case(id);
    Answer::ok(wrapper)
}

/// Deletes many cases: those the caller may read and manage; answers the deleted ones.
fn delete_many(ctx: &mut Ctx<'_>, listed: Option<&str>) -> Outcome {
    let mut deleted = Vec::new();
    for id in ctx.bulk_ids(listed)? {
        if let Some(case) = ctx.data.cases.get(&id)
            && can_read(ctx.user, case)
            && can_manage(ctx.user, case)
        {
            deleted.push(ctx.case_wrapper(id));
            ctx.data.remove_case(id);
        }
    }
    Answer::ok(Value::Array(deleted))
}

/// `PUT crm/case`: deletes the cases of `casesids` (the server's verb).
pub(super) fn delete_listed(ctx: &mut Ctx<'_>) -> Outcome {
    delete_many(ctx, Some("casesids"))
}

/// `DELETE crm/case/filter`: deletes the cases of the filter.
pub(super) fn delete_filtered(ctx: &mut Ctx<'_>) -> Outcome {
    delete_many(ctx, None)
}

fn set_closed(ctx: &mut Ctx<'_>, closed: bool) -> Outcome {
    let id = ctx.params.id("caseid")?;
    ctx.readable_mut(id)?.closed = closed;
    Answer::ok(ctx.case_wrapper(id))
}

/// `PUT crm/case/{caseid}/close`.
pub(super) fn close(ctx: &mut Ctx<'_>) -> Outcome {
    set_closed(ctx, true)
}

/// `PUT crm/case/{caseid}/reopen`.
pub(super) fn reopen(ctx: &mut Ctx<'_>) -> Outcome {
    set_closed(ctx, false)
}

/// `GET crm/case/byprefix`: up to 30 readable cases whose title starts with `prefix`
/// (optionally with member `contactID`).
pub(super) fn by_prefix(ctx: &mut Ctx<'_>) -> Outcome {
    let prefix = ctx.params.text("prefix").unwrap_or_default().to_lowercase();
    let contact = ctx.params.int("contactID")?.filter(|id| *id > 0);
    let list = ctx
        .data
        .cases
        .values()
        .filter(|case| {
            can_read(ctx.user, case)
                && case.title.to_lowercase().starts_with(&prefix)
                && contact.is_none_or(|id| case.members.contains(&id))
        })
        .take(30)
        .map(|case| ctx.data.case_wrapper(case, ctx.user, ctx.zone))
        .collect();
    Answer::ok(Value::Array(list))
}
