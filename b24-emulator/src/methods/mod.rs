//! The method table: every REST method the emulator answers, with its scope and handler.
//!
//! Adding a method is one [`MethodDef`] line in [`METHODS`] plus a handler function
//! `fn(&mut Call<'_>) -> Result<MethodOutput, ApiError>` (see [`crate::call`]). Handlers keep
//! to their area; the data they serve lives in [`crate::state`] and [`crate::store`].

use crate::call::{Handler, MethodDef, MethodTable};

pub mod app;
mod args;
pub mod automated_solution;
pub mod batch;
pub mod calendar;
mod crm_change;
pub mod crm_item;
pub mod crm_legacy;
pub mod crm_type;
pub mod disk;
pub mod entity;
pub mod events;
mod fields;
pub mod im;
pub mod im_messages;
pub mod lists;
pub mod placement;
pub mod service;
pub mod tasks;
pub mod telephony;
pub mod users;

const fn m(name: &'static str, scope: Option<&'static str>, handler: Handler) -> MethodDef {
    MethodDef {
        name,
        scope,
        needs_confirmation: false,
        handler,
    }
}

const fn confirmed(name: &'static str, scope: &'static str, handler: Handler) -> MethodDef {
    MethodDef {
        name,
        scope: Some(scope),
        needs_confirmation: true,
        handler,
    }
}

const CRM: Option<&str> = Some("crm");
const TASK: Option<&str> = Some("task");
const ENTITY: Option<&str> = Some("entity");
const LISTS: Option<&str> = Some("lists");
const DISK: Option<&str> = Some("disk");
const CALENDAR: Option<&str> = Some("calendar");

/// The methods written by hand, each with its handler.
static HAND_WRITTEN: &[MethodDef] = &[
    // global scope
    m("scope", None, service::scope),
    m("methods", None, service::methods),
    m("method.get", None, service::method_get),
    m("profile", None, service::profile),
    m("app.info", None, app::info),
    m("server.time", None, service::server_time),
    m("batch", None, batch::batch),
    // events (application context only)
    m("events", None, events::events),
    m("event.bind", None, events::bind),
    m("event.unbind", None, events::unbind),
    m("event.get", None, events::get),
    m("event.offline.get", None, events::offline_get),
    m("event.offline.list", None, events::offline_list),
    m("event.offline.clear", None, events::offline_clear),
    m("event.offline.error", None, events::offline_error),
    // placements of applications
    m("placement.bind", Some("placement"), placement::bind),
    m("placement.unbind", Some("placement"), placement::unbind),
    m("placement.get", Some("placement"), placement::get),
    // users and departments
    m("user.get", Some("user"), users::user_get),
    // The same list; `FIND` (or `NAME_SEARCH`) in `FILTER` searches names and e-mail.
    m("user.search", Some("user"), users::user_get),
    m("user.current", Some("user"), users::user_current),
    m("department.get", Some("department"), users::department_get),
    // crm: smart-process types and items
    m("crm.type.add", CRM, crm_type::add),
    m("crm.type.get", CRM, crm_type::get),
    m("crm.type.list", CRM, crm_type::list),
    m("crm.type.update", CRM, crm_type::update),
    m("crm.type.delete", CRM, crm_type::delete),
    m("crm.type.fields", CRM, crm_type::fields),
    m("crm.item.add", CRM, crm_item::add),
    m("crm.item.get", CRM, crm_item::get),
    m("crm.item.list", CRM, crm_item::list),
    m("crm.item.update", CRM, crm_item::update),
    m("crm.item.delete", CRM, crm_item::delete),
    m("crm.item.fields", CRM, crm_item::fields),
    // crm: legacy entities
    m("crm.deal.add", CRM, crm_legacy::add),
    m("crm.deal.get", CRM, crm_legacy::get),
    m("crm.deal.list", CRM, crm_legacy::list),
    m("crm.deal.update", CRM, crm_legacy::update),
    m("crm.deal.delete", CRM, crm_legacy::delete),
    m("crm.deal.fields", CRM, crm_legacy::describe),
    m("crm.contact.add", CRM, crm_legacy::add),
    m("crm.contact.get", CRM, crm_legacy::get),
    m("crm.contact.list", CRM, crm_legacy::list),
    m("crm.contact.update", CRM, crm_legacy::update),
    m("crm.contact.delete", CRM, crm_legacy::delete),
    m("crm.contact.fields", CRM, crm_legacy::describe),
    m("crm.lead.add", CRM, crm_legacy::add),
    m("crm.lead.get", CRM, crm_legacy::get),
    m("crm.lead.list", CRM, crm_legacy::list),
    m("crm.lead.update", CRM, crm_legacy::update),
    m("crm.lead.delete", CRM, crm_legacy::delete),
    m("crm.lead.fields", CRM, crm_legacy::describe),
    m("crm.company.add", CRM, crm_legacy::add),
    m("crm.company.get", CRM, crm_legacy::get),
    m("crm.company.list", CRM, crm_legacy::list),
    m("crm.company.update", CRM, crm_legacy::update),
    m("crm.company.delete", CRM, crm_legacy::delete),
    m("crm.company.fields", CRM, crm_legacy::describe),
    // crm: automated solutions
    m("crm.automatedsolution.add", CRM, automated_solution::add),
    m("crm.automatedsolution.get", CRM, automated_solution::get),
    m("crm.automatedsolution.list", CRM, automated_solution::list),
    m(
        "crm.automatedsolution.update",
        CRM,
        automated_solution::update,
    ),
    m(
        "crm.automatedsolution.delete",
        CRM,
        automated_solution::delete,
    ),
    m(
        "crm.automatedsolution.fields",
        CRM,
        automated_solution::fields,
    ),
    // im
    m("im.department.get", Some("im"), im::department_get),
    m("im.revision.get", Some("im"), im::revision_get),
    // application data storage
    m("entity.add", ENTITY, entity::add),
    m("entity.get", ENTITY, entity::get),
    m("entity.update", ENTITY, entity::update),
    m("entity.delete", ENTITY, entity::delete),
    m("entity.item.property.add", ENTITY, entity::property_add),
    m("entity.item.property.get", ENTITY, entity::property_get),
    m(
        "entity.item.property.update",
        ENTITY,
        entity::property_update,
    ),
    m(
        "entity.item.property.delete",
        ENTITY,
        entity::property_delete,
    ),
    m("entity.item.add", ENTITY, entity::record_add),
    m("entity.item.get", ENTITY, entity::record_list),
    m("entity.item.update", ENTITY, entity::record_update),
    m("entity.item.delete", ENTITY, entity::record_delete),
    m("entity.section.add", ENTITY, entity::record_add),
    m("entity.section.get", ENTITY, entity::record_list),
    m("entity.section.update", ENTITY, entity::record_update),
    m("entity.section.delete", ENTITY, entity::record_delete),
    // universal lists
    m("lists.add", LISTS, lists::add),
    m("lists.get", LISTS, lists::get),
    m("lists.update", LISTS, lists::update),
    m("lists.delete", LISTS, lists::delete),
    m("lists.element.add", LISTS, lists::element_add),
    m("lists.element.get", LISTS, lists::element_get),
    m("lists.element.update", LISTS, lists::element_update),
    m("lists.element.delete", LISTS, lists::element_delete),
    // tasks (REST 2)
    m("tasks.task.add", TASK, tasks::add),
    m("tasks.task.get", TASK, tasks::get),
    m("tasks.task.list", TASK, tasks::list),
    m("tasks.task.update", TASK, tasks::update),
    m("tasks.task.delete", TASK, tasks::delete),
    m("tasks.task.complete", TASK, tasks::set_status),
    m("tasks.task.start", TASK, tasks::set_status),
    m("tasks.task.renew", TASK, tasks::set_status),
    m("tasks.task.defer", TASK, tasks::set_status),
    m("tasks.task.pause", TASK, tasks::set_status),
    m("task.checklistitem.add", TASK, tasks::item_add),
    m("task.checklistitem.get", TASK, tasks::item_get),
    m("task.checklistitem.getlist", TASK, tasks::item_list),
    m("task.checklistitem.update", TASK, tasks::item_update),
    m("task.checklistitem.delete", TASK, tasks::item_delete),
    m("task.checklistitem.complete", TASK, tasks::item_toggle),
    m("task.checklistitem.renew", TASK, tasks::item_toggle),
    m("task.commentitem.add", TASK, tasks::item_add),
    m("task.commentitem.get", TASK, tasks::item_get),
    m("task.commentitem.getlist", TASK, tasks::item_list),
    m("task.commentitem.update", TASK, tasks::item_update),
    m("task.commentitem.delete", TASK, tasks::item_delete),
    // chats and messages
    m("im.chat.add", Some("im"), im_messages::chat_add),
    m("im.message.add", Some("im"), im_messages::add),
    m("im.message.update", Some("im"), im_messages::update),
    m("im.message.delete", Some("im"), im_messages::delete),
    m("im.dialog.messages.get", Some("im"), im_messages::history),
    // disk
    m("disk.storage.getlist", DISK, disk::storage_list),
    m("disk.storage.get", DISK, disk::storage_get),
    m("disk.storage.getchildren", DISK, disk::storage_children),
    m("disk.storage.addfolder", DISK, disk::storage_add_folder),
    m("disk.storage.uploadfile", DISK, disk::storage_upload),
    m("disk.folder.get", DISK, disk::folder_get),
    m("disk.folder.getchildren", DISK, disk::folder_children),
    m("disk.folder.addsubfolder", DISK, disk::folder_add),
    m("disk.folder.uploadfile", DISK, disk::folder_upload),
    m("disk.folder.rename", DISK, disk::rename),
    m("disk.folder.moveto", DISK, disk::move_to),
    m("disk.folder.markdeleted", DISK, disk::mark_deleted),
    m("disk.folder.restore", DISK, disk::restore),
    m("disk.folder.deletetree", DISK, disk::delete),
    m("disk.file.get", DISK, disk::file_get),
    m("disk.file.rename", DISK, disk::rename),
    m("disk.file.moveto", DISK, disk::move_to),
    m("disk.file.markdeleted", DISK, disk::mark_deleted),
    m("disk.file.restore", DISK, disk::restore),
    m("disk.file.delete", DISK, disk::delete),
    // calendar
    m("calendar.section.get", CALENDAR, calendar::section_get),
    m("calendar.section.add", CALENDAR, calendar::section_add),
    m(
        "calendar.section.update",
        CALENDAR,
        calendar::section_update,
    ),
    m(
        "calendar.section.delete",
        CALENDAR,
        calendar::section_delete,
    ),
    m("calendar.event.add", CALENDAR, calendar::event_add),
    m("calendar.event.update", CALENDAR, calendar::event_update),
    m("calendar.event.delete", CALENDAR, calendar::event_delete),
    m("calendar.event.get", CALENDAR, calendar::event_get),
    m(
        "calendar.event.getbyid",
        CALENDAR,
        calendar::event_get_by_id,
    ),
    // telephony
    confirmed("voximplant.user.get", "telephony", telephony::user_get),
];

/// Every method of the emulated portal: the hand-written ones, then every other documented
/// method from the catalog.
pub static METHODS: MethodTable = MethodTable::with_fallback(HAND_WRITTEN, crate::catalog::find);

/// Looks a method up by its lower-cased name.
pub fn find(name: &str) -> Option<&'static MethodDef> {
    METHODS.find(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_lower_case_and_unique() {
        let names: Vec<&str> = METHODS.iter().map(|d| d.name).collect();
        for (i, name) in names.iter().enumerate() {
            assert_eq!(*name, name.to_ascii_lowercase());
            assert!(!names[..i].contains(name), "{name}");
            assert!(find(name).is_some_and(|d| d.name == *name), "{name}");
        }
    }
}
