//! The portal page's data view: CRM records by entity with paging and search, event
//! bindings and the offline queue, webhooks and applications with their scopes (secrets
//! masked).

use std::fmt::Write;

use super::html::{esc, table};
use super::log::mask;
use crate::state::Shared;
use crate::store::crm::schema::{self, Style};
use crate::value::Value;

/// Records per page of the data view.
pub const PAGE_ROWS: usize = 20;

/// At most this many records are looked at for one search (the view must stay cheap on a
/// table of millions).
pub const SEARCH_SCAN: usize = 100_000;

/// What the data view shows, from the query string.
#[derive(Debug, Clone, Default)]
pub struct DataQuery {
    /// Entity type ID (default 2, deals).
    pub entity: i64,
    /// Page number from 1.
    pub page: usize,
    /// Case-insensitive substring of a field's name or value.
    pub search: String,
}

fn entity_label(entity_type_id: i64) -> String {
    match entity_type_id {
        1 => "Lead".to_owned(),
        2 => "Deal".to_owned(),
        3 => "Contact".to_owned(),
        4 => "Company".to_owned(),
        id => format!("Smart process {id}"),
    }
}

/// A record's non-empty fields as `(name, text)`: strings as they are, anything else as JSON.
fn readable(record: &Value) -> Vec<(String, String)> {
    let Value::Map(fields) = record else {
        return vec![(String::new(), record.to_json())];
    };
    fields
        .iter()
        .filter(|(_, v)| !matches!(v, Value::Null))
        .map(|(k, v)| {
            let text = v.as_str().map_or_else(|| v.to_json(), str::to_owned);
            (k.clone(), text)
        })
        .collect()
}

fn records(shared: &Shared, query: &DataQuery) -> String {
    let state = shared.lock();
    let mut ids: Vec<i64> = state.crm.tables.keys().copied().collect();
    for id in 1..=4 {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids.sort_unstable();
    let mut out = String::from(
        "<h2>CRM records</h2><form method=\"get\" action=\"/\">\
         <input type=\"hidden\" name=\"view\" value=\"data\"><select name=\"entity\">",
    );
    for id in &ids {
        let selected = if *id == query.entity { " selected" } else { "" };
        let _ = write!(
            out,
            "<option value=\"{id}\"{selected}>{}</option>",
            esc(&entity_label(*id))
        );
    }
    let _ = write!(
        out,
        "</select> Search <input name=\"q\" value=\"{}\"> <button type=\"submit\">Show</button>\
         </form>",
        esc(&query.search)
    );
    let Some(table_) = state.crm.tables.get(&query.entity) else {
        out.push_str("<p>No records.</p>");
        return out;
    };
    let needle = query.search.trim().to_lowercase();
    let skip = (query.page.max(1) - 1) * PAGE_ROWS;
    let mut rows = Vec::new();
    let mut matched = 0usize;
    for (scanned, id) in table_.records.keys().enumerate() {
        if scanned >= SEARCH_SCAN && !needle.is_empty() {
            break;
        }
        let Some(record) = table_.get(*id, Style::Legacy) else {
            continue;
        };
        let fields = readable(&record);
        if !needle.is_empty()
            && !fields.iter().any(|(k, v)| {
                k.to_lowercase().contains(&needle) || v.to_lowercase().contains(&needle)
            })
        {
            continue;
        }
        matched += 1;
        if matched > skip && rows.len() < PAGE_ROWS {
            let cell: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("<b>{}</b> {}", esc(k), esc(v)))
                .collect();
            rows.push(vec![id.to_string(), cell.join("; ")]);
        }
        if rows.len() == PAGE_ROWS && needle.is_empty() {
            break;
        }
    }
    let total = table_.records.len();
    let _ = write!(
        out,
        "<p><small>{} records of {}; page {}.</small></p>",
        rows.len(),
        total,
        query.page.max(1)
    );
    out.push_str(&table(&["ID", "Fields"], &rows));
    let link = |page: usize, label: &str| {
        format!(
            "<a href=\"/?view=data&amp;entity={}&amp;page={page}&amp;q={}\">{label}</a> ",
            query.entity,
            esc(&form_urlencoded::byte_serialize(query.search.as_bytes()).collect::<String>())
        )
    };
    if query.page > 1 {
        out.push_str(&link(query.page - 1, "&larr; previous"));
    }
    if rows.len() == PAGE_ROWS {
        out.push_str(&link(query.page.max(1) + 1, "next &rarr;"));
    }
    out
}

fn events_and_credentials(shared: &Shared) -> String {
    let state = shared.lock();
    let mut out = String::from("<h2>Event bindings</h2>");
    let rows: Vec<Vec<String>> = state
        .events
        .bindings
        .iter()
        .map(|b| {
            vec![
                b.id.to_string(),
                esc(&b.event),
                esc(&b.handler),
                b.auth_type.to_string(),
                if b.offline { "offline" } else { "online" }.to_owned(),
            ]
        })
        .collect();
    out.push_str(&table(
        &["ID", "Event", "Handler", "Auth user", "Mode"],
        &rows,
    ));
    let _ = write!(
        out,
        "<p>Offline queue: {} events.</p><h2>Incoming webhooks</h2>",
        state.events.offline.len()
    );
    let rows: Vec<Vec<String>> = state
        .webhooks
        .iter()
        .map(|w| {
            vec![
                w.user_id.to_string(),
                esc(&mask(&w.code)),
                esc(&w.scopes.join(", ")),
            ]
        })
        .collect();
    out.push_str(&table(&["User", "Code", "Scopes"], &rows));
    out.push_str("<h2>Applications</h2>");
    let rows: Vec<Vec<String>> = state
        .apps
        .apps()
        .map(|a| {
            vec![
                esc(&a.settings.client_id),
                esc(&mask(&a.application_token)),
                if a.installed { "yes" } else { "no" }.to_owned(),
                esc(&a.settings.scopes.join(", ")),
            ]
        })
        .collect();
    out.push_str(&table(
        &["Client ID", "Application token", "Installed", "Scopes"],
        &rows,
    ));
    let mut tokens: Vec<Vec<String>> = state
        .tokens
        .iter()
        .map(|(token, t)| {
            vec![
                t.user_id.to_string(),
                esc(&mask(token)),
                esc(&t.scopes.join(", ")),
            ]
        })
        .collect();
    tokens.sort();
    out.push_str("<h2>OAuth tokens</h2>");
    out.push_str(&table(&["User", "Token", "Scopes"], &tokens));
    out
}

/// The whole data view.
pub fn data(shared: &Shared, query: &DataQuery) -> String {
    let mut query = query.clone();
    if query.entity == 0 {
        query.entity = schema::entity_by_name("deal").unwrap_or(2);
    }
    format!(
        "{}{}",
        records(shared, &query),
        events_and_credentials(shared)
    )
}
