//! Methods whose documentation has no response table, typed by hand: `calendar.event.get` /
//! `calendar.event.getbyid` as [`CalendarEvent`]s and `crm.productrow.list` as legacy
//! [`ProductRow`]s, against the emulator and the documented examples.

#![allow(deprecated)] // `crm.productrow.list` is documented as deprecated, yet still served.

use b24_core::types::{DateTime, Decimal, Numeric};
use b24_core::{Id, ListMethod, Method};
use b24_methods::calendar::event::add::CalendarEventAdd;
use b24_methods::calendar::event::get::CalendarEventGet;
use b24_methods::calendar::event::getbyid::CalendarEventGetbyid;
use b24_methods::calendar::event::{CalendarEvent, CalendarReminder};
use b24_methods::calendar::section::add::CalendarSectionAdd;
use b24_methods::crm::deal::Deal;
use b24_methods::crm::deal::add::CrmDealAdd;
use b24_methods::crm::productrow::ProductRow;
use b24_methods::crm::productrow::list::CrmProductrowList;
use futures_util::TryStreamExt;
use serde_json::{Map, Value, json};

use crate::people::{documented, flag};
use crate::support;

/// The keys of `extra` that hold a value: fields the record does not name. `null`s stay in
/// `extra` by design (sent back as they came), so they are not counted.
fn valued_keys(extra: &Map<String, Value>) -> Vec<&str> {
    extra
        .iter()
        .filter(|(_, value)| !value.is_null())
        .map(|(key, _)| key.as_str())
        .collect()
}

fn text(value: Option<&DateTime>) -> Option<&str> {
    value.map(DateTime::as_str)
}

fn amount(value: Option<&Decimal>) -> Option<&str> {
    value.map(Decimal::as_str)
}

fn int(value: Option<&Numeric>) -> Option<i64> {
    value.and_then(Numeric::as_i64)
}

/// The item type of a list method, checked at compile time.
fn lists<M: ListMethod<Item = I>, I>(_: &M) {}

#[tokio::test]
async fn calendar_events_read_as_calendar_event_records() {
    let (_emulator, client) = support::unpaced_portal().await;
    let section = support::created(&client, &CalendarSectionAdd::new("user", 1, "Trips")).await;
    let meeting = CalendarEventAdd::new("user", 1, "2024-06-20", "2024-06-21", section, "Retreat")
        .with_skip_time("Y")
        .with_is_meeting("Y")
        .with_attendees(vec![json!(1), json!(3)])
        .with_description("Two days off-site");
    let id = support::created(&client, &meeting).await;
    let id = Id::try_from(id).unwrap();

    let event: CalendarEvent = client
        .call(&CalendarEventGetbyid::new(id))
        .await
        .expect("answered")
        .expect("found");
    assert_eq!(event.id, id);
    assert_eq!(event.name.as_deref(), Some("Retreat"));
    assert_eq!(event.description.as_deref(), Some("Two days off-site"));
    assert_eq!(event.cal_type.as_deref(), Some("user"));
    assert_eq!(event.owner_id, Some(Id(1)));
    assert_eq!(event.created_by, Some(Id(1)));
    assert_eq!(text(event.date_from.as_ref()), Some("06/20/2024"));
    assert_eq!(text(event.date_to.as_ref()), Some("06/21/2024"));
    assert_eq!(flag(event.dt_skip_time), Some(true));
    assert_eq!(flag(event.is_meeting), Some(true));
    assert_eq!(flag(event.deleted), Some(false));
    assert_eq!(
        event.attendees_codes.as_deref(),
        Some(&[String::from("U1"), String::from("U3")][..])
    );
    assert_eq!(event.section_id, Some(Id::try_from(section).unwrap()));
    assert_eq!(valued_keys(&event.extra), Vec::<&str>::new());

    let listed: Vec<CalendarEvent> = client
        .call(
            &CalendarEventGet::new("user", 1)
                .with_from("2024-06-01")
                .with_to("2024-06-30"),
        )
        .await
        .expect("listed");
    assert_eq!(
        listed,
        [event],
        "`get` answers the same record as `getbyid`"
    );
}

#[test]
fn the_documented_calendar_event_decodes_into_its_fields() {
    let event = documented::<CalendarEventGetbyid>("calendar.event.getbyid").expect("an event");
    assert_eq!(event.id, Id(1265));
    assert_eq!(event.parent_id, Some(Id(1265)));
    assert_eq!(event.name.as_deref(), Some("Event Name"));
    assert_eq!(event.owner_id, Some(Id(1)));
    assert_eq!(event.section_id, Some(Id(4)));
    assert_eq!(
        text(event.date_from.as_ref()),
        Some("12/11/2024 05:59:00 pm")
    );
    assert_eq!(text(event.date_to.as_ref()), Some("12/11/2024 06:59:00 pm"));
    assert_eq!(event.tz_from.as_deref(), Some("Europe/Riga"));
    assert_eq!(int(event.date_from_ts_utc.as_ref()), Some(1_733_932_740));
    assert_eq!(int(event.dt_length.as_ref()), Some(3600));
    assert_eq!(flag(event.dt_skip_time), Some(false));
    assert_eq!(flag(event.is_meeting), Some(true));
    assert_eq!(event.meeting_host, Some(Id(1)));
    let meeting = event.meeting.as_ref().expect("the meeting");
    assert_eq!(meeting.host_name.as_deref(), Some("User Name"));
    assert_eq!(flag(meeting.notify), Some(false));
    assert_eq!(meeting.meeting_creator, Some(Id(1)));
    let remind: &[CalendarReminder] = event.remind.as_deref().expect("reminders");
    assert_eq!(remind[0].type_.as_deref(), Some("min"));
    assert_eq!(int(remind[0].count.as_ref()), Some(50));
    assert_eq!(event.rrule.as_ref().unwrap()["FREQ"], json!("WEEKLY"));
    assert_eq!(
        event.attendees_codes.as_deref(),
        Some(&[String::from("U1")][..])
    );
    let attendee = &event.attendee_list.as_ref().expect("attendees")[0];
    assert_eq!(
        (attendee.id, attendee.entry_id, attendee.status.as_deref()),
        (Some(Id(1)), Some(Id(1265)), Some("H"))
    );
    assert_eq!(event.recurrence_id, Some(Id(1272)));
    // What is left: the user fields and the `~`-prefixed raw copies of other fields.
    let left = valued_keys(&event.extra);
    assert!(
        left.iter()
            .all(|key| key.starts_with("UF_") || key.starts_with('~')),
        "{left:?}"
    );
    assert_eq!(event.extra["UF_CRM_CAL_EVENT"], json!(["CO_1", "L_5"]));
}

#[tokio::test]
async fn product_rows_list_as_product_row_records() {
    let (_emulator, client) = support::unpaced_portal().await;
    let request = CrmProductrowList::of("D", 5).with_start(50);
    lists::<_, ProductRow>(&request);
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({ "filter": { "OWNER_TYPE": "D", "OWNER_ID": 5 }, "start": 50 })
    );
    assert_eq!(CrmProductrowList::NAME, "crm.productrow.list");

    // The emulator keeps no product rows: a deal's list streams, empty, without an error.
    let deal = support::created(
        &client,
        &CrmDealAdd::default().with_fields(Deal::default().with_title("Rows")),
    )
    .await;
    let rows: Vec<ProductRow> = client
        .stream(&CrmProductrowList::of("D", deal))
        .expect("a list method")
        .try_collect()
        .await
        .expect("streamed");
    assert!(rows.is_empty(), "{rows:?}");
}

#[test]
fn the_documented_product_rows_decode_as_product_rows() {
    // `crm.productrow.list` has no documented example; its rows are the legacy rows
    // `crm.deal.productrows.get` answers.
    let rows = documented::<CrmProductrowList>("crm.deal.productrows.get");
    assert_eq!(rows.len(), 2);
    let row = &rows[0];
    assert_eq!(row.id, Some(Id(5)));
    assert_eq!(row.owner_id, Some(Id(5)));
    assert_eq!(row.owner_type.as_deref(), Some("D"));
    assert_eq!(row.product_id, Some(Id(450)));
    assert_eq!(row.product_name.as_deref(), Some("Product #2"));
    assert_eq!(amount(row.price.as_ref()), Some("899.1"));
    assert_eq!(amount(row.price_account.as_ref()), Some("899.10"));
    assert_eq!(amount(row.discount_sum.as_ref()), Some("99.9"));
    assert_eq!(int(row.discount_type_id.as_ref()), Some(2));
    assert_eq!(flag(row.tax_included), Some(true));
    assert_eq!(int(row.measure_code.as_ref()), Some(796));
    assert_eq!(row.store_id, Some(Id(0)));
    assert_eq!(text(row.date_reserve_end.as_ref()), Some("2024-12-26"));
    assert_eq!(rows[1].id, Some(Id(4)));
    assert_eq!(
        rows[1].product_description.as_deref(),
        Some("Detailed description")
    );
    for row in &rows {
        assert_eq!(valued_keys(&row.extra), Vec::<&str>::new());
    }
    // What a row writes (IDs as numbers, amounts and flags in the form they came) reads back
    // as the same row.
    let written = serde_json::to_value(&rows).unwrap();
    assert_eq!(written[0]["PRICE_ACCOUNT"], json!("899.10"));
    assert_eq!(written[0]["TAX_INCLUDED"], json!("Y"));
    let read: Vec<ProductRow> = serde_json::from_value(written).unwrap();
    assert_eq!(read, rows);
}
