//! The portal page's views of what is happening: pending confirmations, the request log and
//! the limits. Each returns the escaped HTML of its `#live` part and forms.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::IpAddr;

use super::html::{button, esc, table};
use super::log::{LogEntry, mask};
use crate::state::{Decision, PortalState, Shared};

/// How many log rows a page shows at most (newest first).
const LOG_ROWS: usize = 200;

/// A credential key (`webhook:<code>`, `oauth:<token>`) with its secret masked.
pub fn masked_credential(key: &str) -> String {
    match key.split_once(':') {
        Some((kind, secret)) => format!("{kind} {}", mask(secret)),
        None => mask(key),
    }
}

fn user_label(state: &PortalState, id: i64) -> String {
    match state.user(id) {
        Some(u) => format!("{} {} (#{id})", u.name, u.last_name),
        None => format!("#{id}"),
    }
}

/// Who is behind a credential key: (application, user).
fn owner(state: &PortalState, key: &str) -> (String, String) {
    if let Some(code) = key.strip_prefix("webhook:") {
        let user = state
            .webhooks
            .iter()
            .find(|w| w.code == code)
            .map_or_else(|| "?".to_owned(), |w| user_label(state, w.user_id));
        return (format!("incoming webhook {}", mask(code)), user);
    }
    let token = key.strip_prefix("oauth:").unwrap_or(key);
    let app = state.apps.app_of_token(token).map_or_else(
        || "local application".to_owned(),
        |a| a.settings.client_id.clone(),
    );
    let user = state
        .tokens
        .get(token)
        .map_or_else(|| "?".to_owned(), |t| user_label(state, t.user_id));
    (app, user)
}

/// Pending confirmations with Approve / Deny, and the decisions taken.
pub fn confirmations(shared: &Shared) -> String {
    let state = shared.lock();
    let mut pending = Vec::new();
    let mut decided = Vec::new();
    let mut entries: Vec<_> = state.confirmations.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    for ((key, method), decision) in entries {
        let (app, user) = owner(&state, key);
        let mut row = vec![esc(&app), esc(&user), esc(method)];
        match decision {
            Decision::Pending => {
                row.push(format!(
                    "{} {}",
                    button("Approve", &[("action", "approve"), ("method", method)]),
                    button("Deny", &[("action", "deny"), ("method", method)])
                ));
                pending.push(row);
            }
            Decision::Confirmed => {
                row.push("<span class=\"ok\">approved</span>".to_owned());
                decided.push(row);
            }
            Decision::Denied => {
                row.push("<span class=\"err\">denied</span>".to_owned());
                decided.push(row);
            }
        }
    }
    let mut out = String::from(
        "<h2>Pending confirmations</h2><p><small>A decision applies to every credential \
         waiting for that method, like the portal administrator's (and \
         <code>/_emulator/confirm</code>).</small></p>",
    );
    let headers = ["Application", "User", "Method", "Decision"];
    if pending.is_empty() {
        out.push_str("<p id=\"no-pending\">No method call is waiting for confirmation.</p>");
    } else {
        out.push_str(&table(&headers, &pending));
    }
    if !decided.is_empty() {
        out.push_str("<h3>Decided</h3>");
        out.push_str(&table(&headers, &decided));
    }
    out
}

/// Filters of the request log, from the query string.
#[derive(Debug, Default, Clone)]
pub struct LogFilter {
    /// Substring of the method name (case-insensitive).
    pub method: String,
    /// `ok` (2xx), `error` (anything else) or an exact status.
    pub status: String,
}

impl LogFilter {
    fn matches(&self, entry: &LogEntry) -> bool {
        let method = self.method.trim().to_ascii_lowercase();
        if !method.is_empty() && !entry.method.contains(&method) {
            return false;
        }
        match self.status.trim() {
            "" => true,
            "ok" => (200..300).contains(&entry.status),
            "error" => !(200..300).contains(&entry.status),
            exact => exact.parse::<u16>().is_ok_and(|s| s == entry.status),
        }
    }
}

/// The request log, newest first, filtered.
pub fn request_log(shared: &Shared, filter: &LogFilter) -> String {
    let state = shared.lock();
    let rows: Vec<Vec<String>> = state
        .requests
        .iter()
        .rev()
        .filter(|e| filter.matches(e))
        .take(LOG_ROWS)
        .map(|e| {
            let status = if e.status == 0 {
                "reset".to_owned()
            } else {
                e.status.to_string()
            };
            let class = if (200..300).contains(&e.status) {
                "ok"
            } else {
                "err"
            };
            let mut method = esc(&e.method);
            if !e.note.commands.is_empty() {
                let _ = write!(
                    method,
                    "<br><small>{}</small>",
                    esc(&e.note.commands.join(", "))
                );
            }
            vec![
                e.seq.to_string(),
                method,
                esc(e.note.auth.label()),
                format!("<span class=\"{class}\">{status}</span>"),
                esc(e.error.as_deref().unwrap_or("")),
                format!("{:.1} ms", e.duration_ms),
                e.note
                    .operating
                    .map_or_else(String::new, |s| format!("{s:.3} s")),
                esc(&e.source.to_string()),
            ]
        })
        .collect();
    let total = state.requests.len();
    drop(state);
    let mut out = format!(
        "<h2>Request log</h2><form method=\"get\" action=\"/\">\
         <input type=\"hidden\" name=\"view\" value=\"log\">\
         Method <input name=\"method\" value=\"{}\"> Status <input name=\"status\" \
         value=\"{}\" placeholder=\"ok, error or 503\" size=\"8\"> \
         <button type=\"submit\">Filter</button></form>",
        esc(&filter.method),
        esc(&filter.status)
    );
    let _ = write!(
        out,
        "<p><small>{} shown of {total} kept (newest first).</small></p>",
        rows.len()
    );
    out.push_str(&table(
        &[
            "#",
            "Method",
            "Auth",
            "Status",
            "Error",
            "Duration",
            "Operating time",
            "Source",
        ],
        &rows,
    ));
    out
}

/// An SVG chart of each source's bucket level over the logged requests of the last minutes.
fn bucket_chart(entries: &[&LogEntry], now: f64, burst: f64) -> String {
    const WINDOW: f64 = 300.0;
    const W: f64 = 600.0;
    const H: f64 = 120.0;
    let top = burst.max(1.0);
    let mut lines: BTreeMap<IpAddr, String> = BTreeMap::new();
    for e in entries.iter().filter(|e| e.at > now - WINDOW) {
        let x = (e.at - (now - WINDOW)) / WINDOW * W;
        let y = H - (e.bucket_level.min(top) / top) * H;
        let _ = write!(lines.entry(e.source).or_default(), "{x:.1},{y:.1} ");
    }
    let colours = ["#2067b0", "#b04020", "#208040", "#806020"];
    let mut svg = format!(
        "<svg id=\"bucket-chart\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" \
         style=\"border:1px solid #ccc\" role=\"img\"><title>Bucket level, last 5 minutes \
         (top = {top})</title>"
    );
    for (i, (source, points)) in lines.iter().enumerate() {
        let _ = write!(
            svg,
            "<polyline fill=\"none\" stroke=\"{}\" points=\"{}\"><title>{}</title></polyline>",
            colours[i % colours.len()],
            points.trim_end(),
            esc(&source.to_string())
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Limits: the preset, bucket levels per source, operating time per method; forms to change
/// the preset, the operating budget and the faults.
pub fn limits(shared: &Shared) -> String {
    let now = shared.clock.now();
    let (limit, levels) = {
        let sources: Vec<IpAddr> = shared.lock().sources.keys().copied().collect();
        let limiter = shared.limiter();
        let levels: Vec<(IpAddr, f64)> = sources
            .into_iter()
            .map(|ip| (ip, limiter.level(ip, now)))
            .collect();
        (limiter.limit, levels)
    };
    let faults = shared.faults().config.clone();
    let state = shared.lock();
    let (drain, burst) = limit.params().unwrap_or((0.0, 0.0));
    let mut out = format!(
        "<h2>Request intensity</h2><p>Preset: <b id=\"preset\">{}</b>",
        esc(limit.name())
    );
    if limit.params().is_some() {
        let _ = write!(out, " (drains {drain}/s, burst {burst})");
    }
    out.push_str("</p><p>");
    for preset in ["standard", "enterprise", "off"] {
        out.push_str(&button(
            &format!("Switch to {preset}"),
            &[("action", "preset"), ("preset", preset)],
        ));
        out.push(' ');
    }
    out.push_str("</p>");
    let rows: Vec<Vec<String>> = levels
        .iter()
        .map(|(ip, level)| {
            let requests = state.sources.get(ip).copied().unwrap_or(0);
            vec![
                esc(&ip.to_string()),
                requests.to_string(),
                format!("{level:.1}"),
            ]
        })
        .collect();
    out.push_str(&table(&["Source", "Requests", "Bucket level"], &rows));
    let entries: Vec<&LogEntry> = state.requests.iter().collect();
    out.push_str(&bucket_chart(&entries, now, burst));

    let budget = state.operating_limit;
    let _ = write!(
        out,
        "<h2>Operating time</h2><p>Budget per method and credential over 10 minutes: <b>{}</b></p>",
        budget.map_or_else(|| "not enforced".to_owned(), |b| format!("{b} s"))
    );
    let rows: Vec<Vec<String>> = state
        .operating
        .charged(now)
        .into_iter()
        .map(|(credential, method, used)| {
            let left = budget.map_or_else(String::new, |b| format!("{:.3} s", (b - used).max(0.0)));
            vec![
                esc(&method),
                esc(&masked_credential(&credential)),
                format!("{used:.3} s"),
                left,
            ]
        })
        .collect();
    out.push_str(&table(&["Method", "Credential", "Charged", "Left"], &rows));
    drop(state);
    let _ = write!(
        out,
        "<form method=\"post\" action=\"/\"><input type=\"hidden\" name=\"action\" \
         value=\"operating\">Budget, s (empty = off) <input name=\"operating_limit\" value=\"{}\" \
         size=\"6\"> <button type=\"submit\">Set budget</button></form>",
        budget.map_or_else(String::new, |b| b.to_string())
    );
    let _ = write!(
        out,
        "<h2>Faults</h2><form method=\"post\" action=\"/\"><input type=\"hidden\" \
         name=\"action\" value=\"faults\"><fieldset>\
         503 share <input name=\"query_limit\" value=\"{}\" size=\"4\"> \
         500 share <input name=\"server_error\" value=\"{}\" size=\"4\"> \
         truncated share <input name=\"truncated\" value=\"{}\" size=\"4\"> \
         reset share <input name=\"reset\" value=\"{}\" size=\"4\"> \
         latency ms <input name=\"latency_ms\" value=\"{}\" size=\"5\"> \
         latency share <input name=\"latency_share\" value=\"{}\" size=\"4\"> \
         seed <input name=\"seed\" value=\"{}\" size=\"6\"> \
         <button type=\"submit\">Inject</button></fieldset></form>",
        faults.query_limit,
        faults.server_error,
        faults.truncated,
        faults.reset,
        faults.latency_ms,
        faults.latency_share,
        faults.seed
    );
    out
}
