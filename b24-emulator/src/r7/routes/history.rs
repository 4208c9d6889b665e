//! History events (`crm/history`) of cases.

use super::context::{Ctx, Outcome};
use crate::r7::dates::{now_ticks, parse_date};
use crate::r7::render::Answer;
use crate::r7::state::{CATEGORIES, Event, can_read};
use crate::r7::wire::Failure;

/// `entityType`, lower-cased (empty when not given).
fn entity_type(ctx: &Ctx<'_>) -> String {
    let text = ctx.params.text("entityType").unwrap_or_default();
    text.to_ascii_lowercase()
}

/// A date parameter in the portal's zone, if given; an unreadable one is a 400.
fn date(ctx: &Ctx<'_>, name: &str) -> Result<Option<i128>, Failure> {
    ctx.params
        .text(name)
        .filter(|text| !text.is_empty())
        .map(|text| parse_date(&text, ctx.zone).ok_or_else(Failure::argument))
        .transpose()
}

/// `GET crm/history/filter`: events of readable cases by `entityType`, `entityId`,
/// `categoryId`, `createBy`, `fromDate`, `toDate`; paged.
pub(super) fn filter(ctx: &mut Ctx<'_>) -> Outcome {
    let params = ctx.params;
    let entity_type = entity_type(ctx);
    let entity_id = params.int("entityId")?.filter(|id| *id > 0);
    let category = params.int("categoryId")?.filter(|id| *id != 0);
    let author = params.guid("createBy")?;
    let (from, to) = (date(ctx, "fromDate")?, date(ctx, "toDate")?);
    let data = &*ctx.data;
    let events: Vec<&Event> = data
        .events
        .values()
        .filter(|event| {
            data.cases
                .get(&event.entity_id)
                .is_some_and(|case| can_read(ctx.user, case))
                && (entity_type.is_empty() || event.entity_type == entity_type)
                && entity_id.is_none_or(|id| event.entity_id == id)
                && category.is_none_or(|id| event.category_id == id)
                && author.as_ref().is_none_or(|id| &event.created_by == id)
                && from.is_none_or(|from| event.created >= from)
                && to.is_none_or(|to| event.created <= to)
        })
        .collect();
    ctx.page(events, |event| data.event_wrapper(event, ctx.zone))
}

/// `POST crm/history`: `entityType` (`case`), `entityId`, `content`, `categoryId`,
/// `notifyUserList`, `created`.
pub(super) fn create(ctx: &mut Ctx<'_>) -> Outcome {
    let params = ctx.params;
    let entity_type = entity_type(ctx);
    let entity_id = params.int("entityId")?.unwrap_or(0);
    let content = params.text("content").unwrap_or_default();
    let category = params.int("categoryId")?.unwrap_or(0);
    if entity_type != "case"
        || content.trim().is_empty()
        || !CATEGORIES.iter().any(|(id, _)| *id == category)
    {
        return Err(Failure::argument());
    }
    ctx.readable(entity_id)?;
    params.guids("notifyUserList")?;
    let created = date(ctx, "created")?.unwrap_or_else(now_ticks);
    let data = &mut *ctx.data;
    let id = data.next_event;
    data.next_event += 1;
    let event = Event {
        id,
        entity_type,
        entity_id,
        content,
        category_id: category,
        created_by: ctx.user.id.to_owned(),
        created,
    };
    let wrapper = data.event_wrapper(&event, ctx.zone);
    data.events.insert(id, event);
    Answer::created(wrapper)
}

/// `DELETE crm/history/{id}`.
pub(super) fn delete(ctx: &mut Ctx<'_>) -> Outcome {
    let id = ctx.params.id("id")?;
    let event = ctx.data.events.get(&id).ok_or_else(Failure::not_found)?;
    ctx.readable(event.entity_id)?;
    let wrapper = ctx.data.event_wrapper(event, ctx.zone);
    ctx.data.events.remove(&id);
    Answer::ok(wrapper)
}
