//! The route table of the R7 emulator: every API route once, as verb + path template +
//! handler, like the Bitrix24 side's method table. A template segment `{name}` matches a
//! non-empty run of digits (the server's `{caseid:[0-9]+}` constraints) and becomes the route
//! parameter `name`; the route's key (`PUT crm/case/{caseid}/access`) names it in counters.
//!
//! Adding a route is one line in [`ROUTES`] plus a handler `fn(&mut Ctx<'_>) -> Outcome` in
//! the file of its area.

use axum::http::Method;
use serde_json::Value;

pub use context::Ctx;
use context::{Handler, Outcome};

mod cases;
mod context;
mod custom_fields;
mod history;
mod members;
mod tags;

const GET: Method = Method::GET;
const POST: Method = Method::POST;
const PUT: Method = Method::PUT;
const DELETE: Method = Method::DELETE;

/// One API route.
#[derive(Debug)]
pub struct Route {
    /// The verb.
    pub verb: Method,
    /// The path template below `api/2.0/`, without the format suffix.
    pub path: &'static str,
    handler: Handler,
}

const fn route(verb: Method, path: &'static str, handler: Handler) -> Route {
    Route {
        verb,
        path,
        handler,
    }
}

/// Every API route the emulator serves (the login route aside).
#[rustfmt::skip]
pub static ROUTES: &[Route] = &[
    // cases (`CRMApi.Cases.cs`)
    route(GET, "crm/case/filter", cases::filter),
    route(GET, "crm/case/{caseid}", cases::get),
    route(POST, "crm/case", cases::create),
    route(PUT, "crm/case/{caseid}", cases::update),
    route(PUT, "crm/case/{caseid}/access", cases::set_access),
    route(PUT, "crm/case/access", cases::set_access_listed),
    route(PUT, "crm/case/filter/access", cases::set_access_filtered),
    route(DELETE, "crm/case/{caseid}", cases::delete),
    route(PUT, "crm/case", cases::delete_listed),
    route(DELETE, "crm/case/filter", cases::delete_filtered),
    route(PUT, "crm/case/{caseid}/close", cases::close),
    route(PUT, "crm/case/{caseid}/reopen", cases::reopen),
    route(GET, "crm/case/byprefix", cases::by_prefix),
    // case members
    route(GET, "crm/case/{caseid}/contact", members::list),
    route(POST, "crm/case/{caseid}/contact", members::add),
    route(DELETE, "crm/case/{caseid}/contact/{contactid}", members::remove),
    // case custom fields
    route(GET, "crm/case/customfield/definitions", custom_fields::definitions),
    route(POST, "crm/case/customfield", custom_fields::create),
    route(PUT, "crm/case/customfield/{id}", custom_fields::update),
    route(DELETE, "crm/case/customfield/{fieldid}", custom_fields::delete),
    route(PUT, "crm/case/customfield/reorder", custom_fields::reorder),
    route(GET, "crm/case/{entityid}/customfield", custom_fields::values),
    route(POST, "crm/case/{entityid}/customfield/{fieldid}", custom_fields::set_value),
    // case tags
    route(GET, "crm/case/tag", tags::all),
    route(GET, "crm/case/tag/{entityid}", tags::of_case),
    route(POST, "crm/case/tag", tags::create),
    route(POST, "crm/case/{entityid}/tag", tags::add),
    route(DELETE, "crm/case/{entityid}/tag", tags::remove),
    route(POST, "crm/case/taglist", tags::add_listed),
    route(POST, "crm/case/filter/taglist", tags::add_filtered),
    route(DELETE, "crm/case/tag", tags::delete),
    route(DELETE, "crm/case/tag/unused", tags::delete_unused),
    // history
    route(GET, "crm/history/filter", history::filter),
    route(POST, "crm/history", history::create),
    route(DELETE, "crm/history/{id}", history::delete),
];

impl Route {
    /// `VERB path`, the name of the route in counters.
    pub fn key(&self) -> String {
        format!("{} {}", self.verb, self.path)
    }

    /// The route parameters when `verb` and the decoded path `segments` match.
    fn matches(&self, verb: &Method, segments: &[&str]) -> Option<Vec<(String, Value)>> {
        if *verb != self.verb || self.path.split('/').count() != segments.len() {
            return None;
        }
        let mut values = Vec::new();
        for (template, segment) in self.path.split('/').zip(segments) {
            match template.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some(name) => {
                    if segment.is_empty() || !segment.bytes().all(|b| b.is_ascii_digit()) {
                        return None;
                    }
                    values.push((name.to_owned(), Value::String((*segment).to_owned())));
                }
                None if template == *segment => {}
                None => return None,
            }
        }
        Some(values)
    }

    /// Runs the handler.
    pub(super) fn handle(&self, ctx: &mut Ctx<'_>) -> Outcome {
        (self.handler)(ctx)
    }
}

/// The route for a request and its route parameters.
pub(super) fn find(
    verb: &Method,
    segments: &[&str],
) -> Option<(&'static Route, Vec<(String, Value)>)> {
    ROUTES
        .iter()
        .find_map(|route| route.matches(verb, segments).map(|values| (route, values)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_unique_and_match_only_digits() {
        for (i, route) in ROUTES.iter().enumerate() {
            let key = route.key();
            assert!(ROUTES[..i].iter().all(|r| r.key() != key), "{key}");
        }
        let matched = |verb: &str, path: &str| {
            let segments: Vec<&str> = path.split('/').collect();
            let verb = Method::from_bytes(verb.as_bytes()).unwrap();
            find(&verb, &segments).map(|(route, values)| (route.key(), values))
        };
        let (key, values) = matched("DELETE", "crm/case/7/contact/9").unwrap();
        assert_eq!(key, "DELETE crm/case/{caseid}/contact/{contactid}");
        assert_eq!(
            values,
            [
                ("caseid".to_owned(), Value::from("7")),
                ("contactid".to_owned(), Value::from("9"))
            ]
        );
        assert_eq!(
            matched("PUT", "crm/case/customfield/reorder").map(|m| m.0),
            Some("PUT crm/case/customfield/reorder".to_owned())
        );
        assert_eq!(matched("GET", "crm/case/x1"), None);
        assert_eq!(matched("PATCH", "crm/case/1"), None);
        assert_eq!(matched("GET", "crm/case/1/nothing"), None);
    }
}
