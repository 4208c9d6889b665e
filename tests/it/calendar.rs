//! Calendars (`calendar.section.*`, `calendar.event.*`) end to end through the typed methods of
//! b24-methods: a user's calendar with its default section and one added, events added, read
//! by ID and by date range, moved and removed; a section renamed and removed with its events;
//! the documented errors.

use b24_core::Id;
use b24_core::types::{DateTime, Numeric};
use b24_methods::calendar::event::add::CalendarEventAdd;
use b24_methods::calendar::event::delete::CalendarEventDelete;
use b24_methods::calendar::event::get::CalendarEventGet;
use b24_methods::calendar::event::getbyid::CalendarEventGetbyid;
use b24_methods::calendar::event::update::CalendarEventUpdate;
use b24_methods::calendar::section::add::CalendarSectionAdd;
use b24_methods::calendar::section::delete::CalendarSectionDelete;
use b24_methods::calendar::section::get::CalendarSectionGet;
use b24_methods::calendar::section::update::CalendarSectionUpdate;
use serde_json::{Value, json};

use crate::support;

#[tokio::test]
async fn events_live_in_a_users_calendar() {
    let (_emulator, client) = support::unpaced_portal().await;
    let sections = client
        .call(&CalendarSectionGet::new("user", 1))
        .await
        .expect("listed");
    assert_eq!(sections.len(), 1, "the default section");
    let work = support::created(&client, &CalendarSectionAdd::new("user", 1, "Work")).await;
    let sections = client
        .call(&CalendarSectionGet::new("user", 1))
        .await
        .expect("listed");
    let names: Vec<&str> = sections.iter().filter_map(|s| s.name.as_deref()).collect();
    assert_eq!(names, ["My calendar", "Work"]);

    let add =
        |name: &str, from: &str, to: &str| CalendarEventAdd::new("user", 1, from, to, work, name);
    let call = add(
        "Call",
        "2024-06-14T10:00:00+00:00",
        "2024-06-14T11:00:00+00:00",
    );
    let call = support::created(&client, &call).await;
    let trip = add("Trip", "2024-06-20", "2024-06-21").with_skip_time("Y");
    let trip = support::created(&client, &trip).await;
    assert_eq!(
        support::api_failure(
            client
                .call(&CalendarEventAdd::new(
                    "group",
                    7,
                    "2024-06-14",
                    "2024-06-14",
                    work,
                    "X"
                ))
                .await
        )
        .1,
        "You specified an invalid calendar section ID or the user does not have access to it"
    );

    let event = client
        .call(&CalendarEventGetbyid::new(call))
        .await
        .expect("answered")
        .expect("found");
    assert_eq!(event.id, Id::try_from(call).unwrap());
    assert_eq!(event.name.as_deref(), Some("Call"));
    assert_eq!(
        event.date_from.as_ref().map(DateTime::as_str),
        Some("06/14/2024 10:00:00 am")
    );
    assert_eq!(
        event.dt_length.as_ref().and_then(Numeric::as_i64),
        Some(3600)
    );
    assert_eq!(event.section_id, Some(Id::try_from(work).unwrap()));

    let june = |from: &str, to: &str| CalendarEventGet::new("user", 1).with_from(from).with_to(to);
    let events = client
        .call(&june("2024-06-01", "2024-06-30"))
        .await
        .expect("listed");
    let names: Vec<Option<&str>> = events.iter().map(|e| e.name.as_deref()).collect();
    assert_eq!(names, [Some("Call"), Some("Trip")]);
    let first_week = client
        .call(&june("2024-06-01", "2024-06-14"))
        .await
        .expect("listed");
    assert_eq!(first_week.len(), 1, "`to` takes the whole day");

    client
        .call(
            &CalendarEventUpdate::new(call, "user", 1)
                .with_from("2024-06-25 09:00:00")
                .with_to("2024-06-25 09:30:00")
                .with_name("Call back"),
        )
        .await
        .expect("updated");
    let moved = client
        .call(&june("2024-06-22", "2024-06-30"))
        .await
        .expect("listed");
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].name.as_deref(), Some("Call back"));
    assert_eq!(
        moved[0].dt_length.as_ref().and_then(Numeric::as_i64),
        Some(1800)
    );

    assert!(
        client
            .call(&CalendarEventDelete::new(trip))
            .await
            .expect("deleted")
            .get()
    );
    assert_eq!(
        support::api_failure(client.call(&CalendarEventDelete::new(trip)).await).1,
        "An error occurred while deleting the event"
    );
    let gone = client
        .call(&CalendarEventGetbyid::new(trip))
        .await
        .expect("answered");
    assert!(gone.is_none(), "{gone:?}");
    assert_eq!(
        support::api_failure(
            client
                .call(&CalendarEventUpdate::new(trip, "user", 1).with_name("X"))
                .await
        )
        .1,
        "An error occurred while changing the event."
    );
    assert_eq!(
        support::api_failure(client.call(&CalendarSectionGet::new("", 1)).await).1,
        "The required parameter \"type\" for the method \"calendar.section.get\" is not set"
    );

    client
        .call(&CalendarSectionUpdate::new("user", 1, work).with_name("Office"))
        .await
        .expect("renamed");
    let sections = client
        .call(&CalendarSectionGet::new("user", 1))
        .await
        .expect("listed");
    assert_eq!(sections[1].name.as_deref(), Some("Office"));
    client
        .call(&CalendarSectionDelete::new("user", 1, work))
        .await
        .expect("deleted");
    let orphan = client
        .call(&CalendarEventGetbyid::new(call))
        .await
        .expect("answered");
    assert!(
        orphan.is_none(),
        "the section's events go with it: {orphan:?}"
    );
    assert_eq!(
        support::api_failure(
            client
                .call(&CalendarSectionDelete::new("user", 1, work))
                .await
        )
        .1,
        "An error occurred while deleting the section."
    );
}

#[tokio::test]
async fn changes_fire_the_calendar_events() {
    let names = [
        "ONCALENDARSECTIONADD",
        "ONCALENDARENTRYADD",
        "ONCALENDARENTRYUPDATE",
        "ONCALENDARENTRYDELETE",
    ];
    let (_emulator, client) = support::app_portal(&["calendar"], &names).await;
    let section = support::created(&client, &CalendarSectionAdd::new("user", 1, "Work")).await;
    let event = CalendarEventAdd::new("user", 1, "2024-06-14", "2024-06-14", section, "Day off");
    let event = support::created(&client, &event).await;
    client
        .call(&CalendarEventUpdate::new(event, "user", 1).with_name("Holiday"))
        .await
        .expect("updated");
    client
        .call(&CalendarEventDelete::new(event))
        .await
        .expect("deleted");

    let id = |id: i64| json!({ "id": id.to_string() });
    let data = [id(section), id(event), id(event), id(event)];
    let expected: Vec<(String, Value)> = names.map(String::from).into_iter().zip(data).collect();
    assert_eq!(support::offline_events(&client).await, expected);
}
