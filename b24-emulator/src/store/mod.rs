//! The portal's data stores, apart from the methods that serve them: CRM records and
//! smart-process types ([`crm`]), event bindings and the offline queue ([`events`]),
//! registered applications and OAuth grants ([`apps`]), tasks ([`tasks`]), application data storage ([`entity`]), universal lists ([`lists`]), chats and messages ([`im`]), disk storages, folders and files ([`disk`]), calendar sections and events ([`calendar`]); [`records`] lists plain records for them, [`table`] numbers their rows.
//!
//! A store knows nothing of requests, credentials or handlers: it is given plain values (the
//! acting user, the portal time) and answers with data or deliveries to send.

pub mod apps;
pub mod calendar;
pub mod crm;
pub mod disk;
pub mod entity;
pub mod events;
pub mod im;
pub mod lists;
pub mod records;
pub mod table;
pub mod tasks;

/// The user acting and the portal time of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// The acting user's ID.
    pub user: i64,
    /// Unix seconds.
    pub now: i64,
}
