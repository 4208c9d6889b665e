//! Event bindings, the offline queue and the deliveries that a change produces (PROTOCOL §9).

use super::table::Table;
use crate::value::Value;

/// Events the portal knows (bindable names).
pub const EVENTS: &[&str] = &[
    "ONAPPINSTALL",
    "ONAPPUNINSTALL",
    "ONAPPUPDATE",
    "ONAPPMETHODCONFIRM",
    "ONOFFLINEEVENT",
    "ONCRMDEALADD",
    "ONCRMDEALUPDATE",
    "ONCRMDEALDELETE",
    "ONCRMCONTACTADD",
    "ONCRMCONTACTUPDATE",
    "ONCRMCONTACTDELETE",
    "ONCRMLEADADD",
    "ONCRMLEADUPDATE",
    "ONCRMLEADDELETE",
    "ONCRMCOMPANYADD",
    "ONCRMCOMPANYUPDATE",
    "ONCRMCOMPANYDELETE",
    "ONTASKADD",
    "ONTASKUPDATE",
    "ONTASKDELETE",
    "ONTASKCOMMENTADD",
    "ONTASKCOMMENTUPDATE",
    "ONTASKCOMMENTDELETE",
    "ONCALENDARENTRYADD",
    "ONCALENDARENTRYUPDATE",
    "ONCALENDARENTRYDELETE",
    "ONCALENDARSECTIONADD",
    "ONCALENDARSECTIONUPDATE",
    "ONCALENDARSECTIONDELETE",
];

/// The event that tells online handlers that the offline queue has new rows.
const OFFLINE_SIGNAL: &str = "ONOFFLINEEVENT";

/// One event binding.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// Handler ID (`event_handler_id`).
    pub id: i64,
    /// Upper-cased event name.
    pub event: String,
    /// Handler URL (online bindings).
    pub handler: String,
    /// User the event is delivered for (`0` = the installing user).
    pub auth_type: i64,
    /// Offline binding.
    pub offline: bool,
    /// `auth_connector` of an offline binding (`""`: none): calls made with the same
    /// connector do not queue rows for it, and `event.offline.get` with it reads its rows.
    pub connector: String,
}

/// A queued offline event.
#[derive(Debug, Clone, PartialEq)]
pub struct OfflineEvent {
    /// Row ID.
    pub id: i64,
    /// Time of the (latest) change, Unix seconds.
    pub timestamp: i64,
    /// Event name.
    pub event: String,
    /// `EVENT_DATA`.
    pub data: Value,
    /// User who caused it.
    pub user_id: i64,
    /// Message hash, identifying the object (and the connector).
    pub message_id: String,
    /// `auth_connector` of the binding that queued it (`""`: none).
    pub connector: String,
    /// Process that claimed the row (`clear=0`).
    pub process_id: Option<String>,
    /// Marked with `event.offline.error`.
    pub error: bool,
}

/// A pending delivery of one event to one handler.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// Handler URL.
    pub url: String,
    /// Event name.
    pub event: String,
    /// `event_handler_id` (`None` for events sent without one).
    pub handler_id: Option<i64>,
    /// `data`.
    pub data: Value,
    /// `ts`.
    pub ts: i64,
    /// Access token and scopes when the event carries tokens.
    pub tokens: Option<(String, Vec<String>)>,
}

/// What an event is about and who caused it.
#[derive(Debug, Clone, PartialEq)]
pub struct Occurrence {
    /// Event name.
    pub event: String,
    /// `data` of the event.
    pub data: Value,
    /// User who caused it.
    pub user_id: i64,
    /// Portal time, Unix seconds.
    pub now: i64,
    /// Access token and scopes when the event carries tokens.
    pub tokens: Option<(String, Vec<String>)>,
}

/// Bindings and the offline queue.
#[derive(Debug, Default)]
pub struct EventStore {
    /// Bindings in creation order.
    pub bindings: Vec<Binding>,
    next_binding: i64,
    /// Offline events by ID.
    pub offline: Table<OfflineEvent>,
    next_process: i64,
    last_offline_signal: i64,
    /// The `auth_connector` of the call being served (`""`: none). The portal takes it off
    /// the parameters of every call (a batch's sub-call may carry its own); offline bindings
    /// and the offline queue read it from here.
    pub call_connector: String,
}

impl EventStore {
    /// Adds a binding unless the same one exists; an offline binding takes the connector of
    /// the call ([`EventStore::call_connector`]).
    pub fn bind(&mut self, event: String, handler: String, auth_type: i64, offline: bool) {
        let connector = if offline {
            self.call_connector.clone()
        } else {
            String::new()
        };
        let exists = self.bindings.iter().any(|b| {
            b.event == event
                && b.offline == offline
                && b.handler == handler
                && b.auth_type == auth_type
                && b.connector == connector
        });
        if !exists {
            self.next_binding += 1;
            self.bindings.push(Binding {
                id: self.next_binding,
                event,
                handler,
                auth_type,
                offline,
                connector,
            });
        }
    }

    /// Offline rows visible to the connector of the call.
    pub fn offline_of_call(&self) -> impl Iterator<Item = &OfflineEvent> {
        self.offline
            .values()
            .filter(|e| e.connector == self.call_connector)
    }

    /// Removes the bindings of `event` (of the given kind) that match the optional handler and
    /// `auth_type`; returns how many went.
    pub fn unbind(
        &mut self,
        event: &str,
        offline: bool,
        handler: Option<&str>,
        auth_type: Option<i64>,
    ) -> usize {
        let before = self.bindings.len();
        self.bindings.retain(|b| {
            !(b.event == event
                && b.offline == offline
                && handler.is_none_or(|h| h == b.handler)
                && auth_type.is_none_or(|a| a == b.auth_type))
        });
        before - self.bindings.len()
    }

    /// Takes the offline rows `ids` off the queue.
    pub fn remove(&mut self, ids: &[i64]) {
        for id in ids {
            self.offline.remove(id);
        }
    }

    /// Marks the offline rows `ids` as claimed by `process` (a new process when `None`); returns
    /// the process ID, `None` when there was nothing to claim.
    pub fn claim(&mut self, ids: &[i64], process: Option<String>) -> Option<String> {
        let pid = process.unwrap_or_else(|| {
            self.next_process += 1;
            format!(
                "{:032x}",
                self.next_process
                    .unsigned_abs()
                    .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            )
        });
        for id in ids {
            if let Some(e) = self.offline.get_mut(id) {
                e.process_id = Some(pid.clone());
            }
        }
        (!ids.is_empty()).then_some(pid)
    }

    /// Records an event: online bindings get a [`Delivery`], offline bindings a queued row per
    /// connector (one row per object: a newer change replaces an unclaimed older one). An
    /// offline binding with a connector gets no row for a change made by a call with the same
    /// connector (the application's own writes). Returns the deliveries to send.
    pub fn fire(&mut self, occurrence: Occurrence) -> Vec<Delivery> {
        let Occurrence {
            event,
            data,
            user_id,
            now,
            tokens,
        } = occurrence;
        let mut out = self.deliveries(&event, &data, now, &tokens);
        let mut connectors: Vec<String> = self
            .bindings
            .iter()
            .filter(|b| b.event == event && b.offline)
            .filter(|b| b.connector.is_empty() || b.connector != self.call_connector)
            .map(|b| b.connector.clone())
            .collect();
        connectors.sort();
        connectors.dedup();
        if connectors.is_empty() {
            return out;
        }
        for connector in connectors {
            let message_id = format!(
                "{:x}",
                fnv(&format!("{connector}|{event}|{}", data.to_json()))
            );
            let existing = self
                .offline
                .values()
                .find(|e| e.message_id == message_id && e.process_id.is_none())
                .map(|e| e.id);
            if let Some(id) = existing {
                self.offline.remove(&id);
            }
            let id = self.offline.next_id();
            self.offline.insert(
                id,
                OfflineEvent {
                    id,
                    timestamp: now,
                    event: event.clone(),
                    data: data.clone(),
                    user_id,
                    message_id,
                    connector,
                    process_id: None,
                    error: false,
                },
            );
        }
        if now > self.last_offline_signal {
            self.last_offline_signal = now;
            out.extend(self.deliveries(OFFLINE_SIGNAL, &Value::empty_map(), now, &None));
        }
        out
    }

    /// One delivery per online binding of `event`.
    fn deliveries(
        &self,
        event: &str,
        data: &Value,
        now: i64,
        tokens: &Option<(String, Vec<String>)>,
    ) -> Vec<Delivery> {
        self.bindings
            .iter()
            .filter(|b| b.event == event && !b.offline)
            .map(|b| Delivery {
                url: b.handler.clone(),
                event: event.to_owned(),
                handler_id: Some(b.id),
                data: data.clone(),
                ts: now,
                tokens: tokens.clone(),
            })
            .collect()
    }

    /// `ONAPPMETHODCONFIRM` for an OAuth token whose confirmation was decided.
    pub fn method_confirmed(
        &mut self,
        token: &str,
        method: &str,
        confirmed: bool,
        now: i64,
    ) -> Vec<Delivery> {
        let data = Value::object([
            ("TOKEN", Value::from(token)),
            ("METHOD", Value::from(method)),
            ("CONFIRMED", Value::from(if confirmed { "1" } else { "0" })),
            ("LANGUAGE_ID", Value::from("en")),
        ]);
        self.fire(Occurrence {
            event: "ONAPPMETHODCONFIRM".to_owned(),
            data,
            user_id: 0,
            now,
            tokens: None,
        })
    }
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(store: &mut EventStore, deal: i64, now: i64) {
        store.fire(Occurrence {
            event: "ONCRMDEALUPDATE".to_owned(),
            data: Value::object([(
                "FIELDS",
                Value::object([("ID", Value::from(deal.to_string()))]),
            )]),
            user_id: 1,
            now,
            tokens: None,
        });
    }

    #[test]
    fn one_row_per_object_and_connector_and_none_for_the_connectors_own_writes() {
        let mut store = EventStore::default();
        store.bind("ONCRMDEALUPDATE".into(), String::new(), 0, true);
        store.call_connector = "sync".into();
        store.bind("ONCRMDEALUPDATE".into(), String::new(), 0, true);
        // Writes made with the connector: a row for the binding without one only.
        for now in 0..1_000 {
            update(&mut store, 7, now);
        }
        let connectors: Vec<&str> = store
            .offline
            .values()
            .map(|e| e.connector.as_str())
            .collect();
        assert_eq!(connectors, [""]);
        // Someone else's writes: one row per connector, however many changes.
        store.call_connector.clear();
        for now in 0..1_000 {
            update(&mut store, 7, now);
        }
        let mut connectors: Vec<&str> = store
            .offline
            .values()
            .map(|e| e.connector.as_str())
            .collect();
        connectors.sort_unstable();
        assert_eq!(connectors, ["", "sync"]);
        // A claimed row is not replaced: the newer change gets a row of its own.
        let ids: Vec<i64> = store.offline.keys().copied().collect();
        assert_eq!(store.claim(&ids, None).map(|p| p.len()), Some(32));
        update(&mut store, 7, 2_000);
        assert_eq!(store.offline.len(), 4);
        update(&mut store, 8, 2_001);
        assert_eq!(store.offline.len(), 6);
    }
}
