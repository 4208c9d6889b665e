//! Case tags: the portal's tag list and the tags of cases.

use serde_json::{Value, json};

use super::context::{Ctx, Outcome};
use crate::r7::render::Answer;
use crate::r7::state::can_read;
use crate::r7::wire::{Failure, Params};

/// The required, trimmed `tagName`.
fn tag_name(params: &Params) -> Result<String, Failure> {
    params
        .text("tagName")
        .map(|tag| tag.trim().to_owned())
        .filter(|tag| !tag.is_empty())
        .ok_or_else(Failure::argument)
}

/// `GET crm/case/tag`: every tag with the number of cases carrying it.
pub(super) fn all(ctx: &mut Ctx<'_>) -> Outcome {
    let list = ctx
        .data
        .tags
        .iter()
        .map(|tag| {
            let used = ctx
                .data
                .cases
                .values()
                .filter(|case| case.tags.contains(tag))
                .count();
            json!({"title": tag, "relativeItemsCount": used})
        })
        .collect();
    Answer::ok(Value::Array(list))
}

/// `GET crm/case/tag/{entityid}`.
pub(super) fn of_case(ctx: &mut Ctx<'_>) -> Outcome {
    let case = ctx.readable(ctx.params.id("entityid")?)?;
    Answer::ok(case.tags.iter().map(|tag| json!(tag)).collect())
}

/// `POST crm/case/tag`: a tag without cases.
pub(super) fn create(ctx: &mut Ctx<'_>) -> Outcome {
    let tag = tag_name(ctx.params)?;
    ctx.data.tags.insert(tag.clone());
    Answer::created(json!(tag))
}

/// `POST crm/case/{entityid}/tag`.
pub(super) fn add(ctx: &mut Ctx<'_>) -> Outcome {
    let id = ctx.params.id("entityid")?;
    ctx.readable(id)?;
    let tag = tag_name(ctx.params)?;
    ctx.data.tags.insert(tag.clone());
    ctx.readable_mut(id)?.tags.insert(tag.clone());
    Answer::created(json!(tag))
}

/// `DELETE crm/case/{entityid}/tag`.
pub(super) fn remove(ctx: &mut Ctx<'_>) -> Outcome {
    let id = ctx.params.id("entityid")?;
    ctx.readable(id)?;
    let tag = tag_name(ctx.params)?;
    ctx.readable_mut(id)?.tags.remove(&tag);
    Answer::ok(json!(tag))
}

/// Tags many cases (those the caller may read).
fn add_many(ctx: &mut Ctx<'_>, listed: Option<&str>) -> Outcome {
    let tag = tag_name(ctx.params)?;
    let ids = ctx.bulk_ids(listed)?;
    ctx.data.tags.insert(tag.clone());
    for id in ids {
        if let Some(case) = ctx.data.cases.get_mut(&id)
            && can_read(ctx.user, case)
        {
            case.tags.insert(tag.clone());
        }
    }
    Answer::created(json!(tag))
}

/// `POST crm/case/taglist`: the cases of `entityid`.
pub(super) fn add_listed(ctx: &mut Ctx<'_>) -> Outcome {
    add_many(ctx, Some("entityid"))
}

/// `POST crm/case/filter/taglist`: the cases of the filter.
pub(super) fn add_filtered(ctx: &mut Ctx<'_>) -> Outcome {
    add_many(ctx, None)
}

/// `DELETE crm/case/tag`: the tag and its uses.
pub(super) fn delete(ctx: &mut Ctx<'_>) -> Outcome {
    let tag = tag_name(ctx.params)?;
    if !ctx.data.tags.remove(&tag) {
        return Err(Failure::not_found());
    }
    for case in ctx.data.cases.values_mut() {
        case.tags.remove(&tag);
    }
    Answer::ok(json!(tag))
}

/// `DELETE crm/case/tag/unused`: tags on no case.
pub(super) fn delete_unused(ctx: &mut Ctx<'_>) -> Outcome {
    let data = &mut *ctx.data;
    let unused: Vec<String> = data
        .tags
        .iter()
        .filter(|tag| !data.cases.values().any(|case| case.tags.contains(*tag)))
        .cloned()
        .collect();
    for tag in &unused {
        data.tags.remove(tag);
    }
    Answer::ok(json!(unused))
}
