//! The R7 wire: routing by verb and path, the parameter bag, the envelope (JSON or XML),
//! login and the case routes.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::state::{
    self, CATEGORIES, Case, Data, Event, FieldDef, Shared, User, apply_access, can_manage,
    can_read, now_ticks, parse_date,
};

const MAX_BODY: usize = 16 * 1024 * 1024;
const ARGUMENT: &str = "Value does not fall within the expected range.";
const HRESULT_ARGUMENT: i64 = -2_147_024_809;
const HRESULT_GENERIC: i64 = -2_146_233_088;
const CONTEXT: &[&str] = &[
    "count",
    "startindex",
    "sortby",
    "sortorder",
    "filterby",
    "filterop",
    "filtervalue",
    "updatedsince",
    "fields",
    "type",
];

/// An error answer: an envelope with `status: 1`, or a raw page.
pub enum Failure {
    /// `{status: 1, statusCode, error: {message, hresult, data}}`.
    Envelope {
        /// HTTP status.
        status: u16,
        /// `error.message`.
        message: String,
        /// `error.hresult`.
        hresult: i64,
    },
    /// A non-envelope body.
    Raw {
        /// HTTP status.
        status: u16,
        /// `Content-Type`.
        content_type: &'static str,
        /// Body.
        body: String,
    },
}

type Outcome = Result<(u16, Value, Option<(usize, usize)>), Failure>;

fn bad_request(message: &str) -> Failure {
    Failure::Envelope {
        status: 400,
        message: message.to_owned(),
        hresult: HRESULT_ARGUMENT,
    }
}

fn not_found() -> Failure {
    Failure::Envelope {
        status: 404,
        message: String::from("Not found"),
        hresult: HRESULT_GENERIC,
    }
}

fn forbidden() -> Failure {
    Failure::Envelope {
        status: 403,
        message: String::from("Access denied"),
        hresult: HRESULT_GENERIC,
    }
}

fn html(status: u16, title: &str) -> Failure {
    Failure::Raw {
        status,
        content_type: "text/html; charset=utf-8",
        body: format!(
            "<!DOCTYPE html>\n<html><head><title>{title}</title></head><body><h1>{status} {title}</h1><p>The page you are looking for cannot be found.</p></body></html>"
        ),
    }
}

/// The parameter bag: route values, then the query string, then the body; names are matched
/// ASCII case-insensitively and without a trailing `[]`.
pub struct Params {
    route: Vec<(String, Value)>,
    query: Vec<(String, Value)>,
    body: Vec<(String, Value)>,
}

fn base_name(key: &str) -> &str {
    key.split('[').next().unwrap_or(key)
}

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

impl Params {
    fn all(&self) -> impl Iterator<Item = &(String, Value)> {
        self.route.iter().chain(&self.query).chain(&self.body)
    }

    /// The first scalar value of `name` as text.
    pub fn text(&self, name: &str) -> Option<String> {
        if CONTEXT.contains(&name.to_ascii_lowercase().as_str()) {
            // Context parameters: the query string only, cut at the first comma.
            return self
                .query
                .iter()
                .find(|(key, _)| base_name(key).eq_ignore_ascii_case(name))
                .and_then(|(_, value)| text_of(value))
                .map(|text| text.split(',').next().unwrap_or_default().to_owned());
        }
        self.all()
            .find(|(key, _)| base_name(key).eq_ignore_ascii_case(name))
            .and_then(|(_, value)| match value {
                Value::Array(items) => items.first().and_then(text_of),
                other => text_of(other),
            })
    }

    /// `name` as an integer; a value that does not convert is a 400.
    pub fn int(&self, name: &str) -> Result<Option<i64>, Failure> {
        match self.text(name) {
            None => Ok(None),
            Some(text) if text.is_empty() => Ok(None),
            Some(text) => text.trim().parse().map(Some).map_err(|_| {
                bad_request(&format!(
                    "Cannot convert value '{text}' for parameter '{name}'"
                ))
            }),
        }
    }

    /// `name` as a boolean (`true`/`false`, any case).
    pub fn bool(&self, name: &str) -> Result<Option<bool>, Failure> {
        match self.text(name) {
            None => Ok(None),
            Some(text) if text.is_empty() => Ok(None),
            Some(text) => match text.to_ascii_lowercase().as_str() {
                "true" => Ok(Some(true)),
                "false" => Ok(Some(false)),
                _ => Err(bad_request(&format!(
                    "Cannot convert value '{text}' for parameter '{name}'"
                ))),
            },
        }
    }

    /// Every scalar value of `name` (repeated keys, `name[]`, `name[i]` or a JSON array).
    pub fn list(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (key, value) in self.all() {
            if !base_name(key).eq_ignore_ascii_case(name)
                || key[base_name(key).len()..].contains("][")
            {
                continue;
            }
            match value {
                Value::Array(items) => out.extend(items.iter().filter_map(text_of)),
                other => out.extend(text_of(other)),
            }
        }
        out.retain(|item| !item.is_empty());
        out
    }

    /// Objects of `name`: a JSON array of objects, or `name[i][key]=value` form pairs.
    pub fn objects(&self, name: &str) -> Vec<Map<String, Value>> {
        let mut indexed: std::collections::BTreeMap<usize, Map<String, Value>> =
            std::collections::BTreeMap::new();
        let mut out = Vec::new();
        for (key, value) in self.all() {
            if !base_name(key).eq_ignore_ascii_case(name) {
                continue;
            }
            if let Value::Array(items) = value {
                out.extend(items.iter().filter_map(|item| item.as_object().cloned()));
                continue;
            }
            let rest = &key[base_name(key).len()..];
            let parts: Vec<&str> = rest
                .trim_start_matches('[')
                .trim_end_matches(']')
                .split("][")
                .collect();
            if let [index, field] = parts.as_slice()
                && let Ok(index) = index.parse::<usize>()
            {
                indexed
                    .entry(index)
                    .or_default()
                    .insert((*field).to_owned(), value.clone());
            }
        }
        out.extend(indexed.into_values());
        out
    }

    /// GUIDs of `name`; an invalid one is a 400.
    pub fn guids(&self, name: &str) -> Result<Vec<String>, Failure> {
        self.list(name)
            .into_iter()
            .map(|text| parse_guid(&text).ok_or_else(|| bad_request(ARGUMENT)))
            .collect()
    }
}

/// Any .NET GUID form, normalised to lower-case hyphenated.
pub fn parse_guid(text: &str) -> Option<String> {
    let hex: String = text
        .trim()
        .trim_matches(['{', '}'])
        .chars()
        .filter(|c| *c != '-')
        .collect();
    if hex.len() != 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let hex = hex.to_ascii_lowercase();
    Some(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

fn form_pairs(text: &str) -> Vec<(String, Value)> {
    form_urlencoded::parse(text.as_bytes())
        .map(|(key, value)| (key.into_owned(), Value::String(value.into_owned())))
        .collect()
}

/// The entry point: every request that is not routed otherwise.
pub async fn entry(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(body) => body,
        Err(_) => {
            return raw(
                413,
                "text/plain",
                String::from("Request Entity Too Large"),
                &[],
            );
        }
    };
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().unwrap_or_default().to_owned();
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let json_body = content_type.starts_with("application/json");

    let Some(rest) = path.strip_prefix("/api/2.0/") else {
        return render_failure(html(404, "Not Found"), false);
    };
    // The format suffix on the last segment: `.json` (default), `.xml`/`.tml`.
    let (rest, extension) = match rest.rsplit_once('.') {
        Some((stem, ext)) if !ext.contains('/') => (stem.to_owned(), ext.to_ascii_lowercase()),
        _ => (rest.to_owned(), String::from("json")),
    };
    if !matches!(extension.as_str(), "json" | "xml" | "tml") {
        return render_failure(html(404, "Not Found"), false);
    }
    let xml = extension != "json" && !json_body;
    let segments: Vec<String> = rest
        .split('/')
        .map(|segment| {
            form_urlencoded::parse(format!("x={}", segment.replace('+', "%2B")).as_bytes())
                .next()
                .map(|(_, value)| value.into_owned())
                .unwrap_or_default()
        })
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();

    {
        let mut data = shared.lock();
        data.total += 1;
        if segments != ["authentication"]
            && let Some(fault) = data.faults.pop_front()
        {
            let headers: Vec<(String, String)> = fault.headers.clone();
            return raw(fault.status, &fault.content_type, fault.body, &headers);
        }
    }

    let body_params = if parts.method == Method::GET {
        Vec::new()
    } else if json_body {
        if body.iter().all(u8::is_ascii_whitespace) {
            Vec::new()
        } else {
            match serde_json::from_slice::<Value>(&body) {
                Ok(Value::Object(map)) => map.into_iter().collect(),
                _ => {
                    return render_failure(bad_request("Unable to deserialize json"), xml);
                }
            }
        }
    } else {
        form_pairs(&String::from_utf8_lossy(&body))
    };
    let mut params = Params {
        route: Vec::new(),
        query: form_pairs(&query),
        body: body_params,
    };

    if segments == ["authentication"] {
        count(&shared, "login");
        if parts.method != Method::POST {
            return render_failure(html(404, "Not Found"), false);
        }
        return match login(&shared, &params) {
            Ok(value) => render_success(&shared, 201, value, None, xml, &params),
            Err(failure) => render_failure(failure, xml),
        };
    }

    let Some((route, values)) = match_route(&parts.method, &segments) else {
        return render_failure(html(404, "Not Found"), false);
    };
    count(&shared, route);
    params.route = values
        .into_iter()
        .map(|(name, value)| (name.to_owned(), Value::String(value)))
        .collect();
    let Some(user) = authenticate(&shared, &parts.headers) else {
        let mut headers = Vec::new();
        if parts.headers.contains_key(header::AUTHORIZATION) {
            headers.push((
                String::from("WWW-Authenticate"),
                String::from("Basic realm=\"api\""),
            ));
        }
        return raw(
            401,
            "text/plain; charset=utf-8",
            String::from("Unauthorized"),
            &headers,
        );
    };
    let outcome = {
        let mut data = shared.lock();
        handle(&shared, &mut data, route, user, &params)
    };
    match outcome {
        Ok((status, value, paging)) => render_success(&shared, status, value, paging, xml, &params),
        Err(failure) => render_failure(failure, xml),
    }
}

fn count(shared: &Shared, key: &str) {
    *shared.lock().counters.entry(key.to_owned()).or_default() += 1;
}

fn authenticate(shared: &Shared, headers: &HeaderMap) -> Option<&'static User> {
    let mut candidates = Vec::new();
    if let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
    {
        let value = value.trim();
        candidates.push(value.strip_prefix("Bearer ").unwrap_or(value).to_owned());
    }
    if let Some(cookie) = headers
        .get(header::COOKIE)
        .and_then(|value| value.to_str().ok())
    {
        for pair in cookie.split(';') {
            if let Some(token) = pair.trim().strip_prefix("asc_auth_key=") {
                candidates.push(token.to_owned());
            }
        }
    }
    let data = shared.lock();
    candidates
        .iter()
        .find_map(|token| data.tokens.get(token))
        .and_then(|id| state::user(id))
}

fn login(shared: &Shared, params: &Params) -> Result<Value, Failure> {
    let failed = || Failure::Envelope {
        status: 500,
        message: String::from("User authentication failed"),
        hresult: HRESULT_GENERIC,
    };
    let login = params.text("userName").unwrap_or_default();
    let password = params.text("password").unwrap_or_default();
    let mut data = shared.lock();
    let attempts = data
        .failed_logins
        .get(&login.to_ascii_lowercase())
        .copied()
        .unwrap_or(0);
    if attempts >= 5 {
        return Err(Failure::Envelope {
            status: 500,
            message: String::from("Login Fail. Too many attempts"),
            hresult: HRESULT_GENERIC,
        });
    }
    let user = state::USERS
        .iter()
        .find(|user| user.login.eq_ignore_ascii_case(&login) && user.password == password);
    let Some(user) = user else {
        *data
            .failed_logins
            .entry(login.to_ascii_lowercase())
            .or_default() += 1;
        return Err(failed());
    };
    data.failed_logins.remove(&login.to_ascii_lowercase());
    if user.tfa {
        return Ok(json!({"token": null, "tfa": true}));
    }
    let token = data.issue_token(user.id);
    let expires = state::format_date(
        now_ticks() + 365 * 86_400 * 10_000_000,
        shared.offset_minutes,
    );
    Ok(json!({"token": token, "expires": expires}))
}

/// Matches a route (the server's `{caseid:[0-9]+}` constraints included); `None` falls
/// through to the web application's HTML 404.
fn match_route(
    method: &Method,
    segments: &[&str],
) -> Option<(&'static str, Vec<(&'static str, String)>)> {
    let numeric = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    let verb = method.as_str();
    let found: (&'static str, Vec<(&'static str, String)>) = match (verb, segments) {
        ("GET", ["crm", "case", "filter"]) => ("GET crm/case/filter", vec![]),
        ("PUT", ["crm", "case", "filter", "access"]) => ("PUT crm/case/filter/access", vec![]),
        ("DELETE", ["crm", "case", "filter"]) => ("DELETE crm/case/filter", vec![]),
        ("GET", ["crm", "case", "byprefix"]) => ("GET crm/case/byprefix", vec![]),
        ("PUT", ["crm", "case", "access"]) => ("PUT crm/case/access", vec![]),
        ("POST", ["crm", "case"]) => ("POST crm/case", vec![]),
        ("PUT", ["crm", "case"]) => ("PUT crm/case", vec![]),
        ("GET", ["crm", "case", "customfield", "definitions"]) => {
            ("GET crm/case/customfield/definitions", vec![])
        }
        ("POST", ["crm", "case", "customfield"]) => ("POST crm/case/customfield", vec![]),
        ("PUT", ["crm", "case", "customfield", "reorder"]) => {
            ("PUT crm/case/customfield/reorder", vec![])
        }
        ("POST", ["crm", "case", "taglist"]) => ("POST crm/case/taglist", vec![]),
        ("POST", ["crm", "case", "filter", "taglist"]) => ("POST crm/case/filter/taglist", vec![]),
        ("PUT", ["crm", "case", "customfield", id]) if numeric(id) => (
            "PUT crm/case/customfield/{id}",
            vec![("id", (*id).to_owned())],
        ),
        ("DELETE", ["crm", "case", "customfield", id]) if numeric(id) => (
            "DELETE crm/case/customfield/{fieldid}",
            vec![("fieldid", (*id).to_owned())],
        ),
        ("GET", ["crm", "case", "tag"]) => ("GET crm/case/tag", vec![]),
        ("POST", ["crm", "case", "tag"]) => ("POST crm/case/tag", vec![]),
        ("DELETE", ["crm", "case", "tag"]) => ("DELETE crm/case/tag", vec![]),
        ("DELETE", ["crm", "case", "tag", "unused"]) => ("DELETE crm/case/tag/unused", vec![]),
        ("GET", ["crm", "case", "tag", id]) if numeric(id) => (
            "GET crm/case/tag/{entityid}",
            vec![("entityid", (*id).to_owned())],
        ),
        ("GET", ["crm", "case", id]) if numeric(id) => {
            ("GET crm/case/{caseid}", vec![("caseid", (*id).to_owned())])
        }
        ("PUT", ["crm", "case", id]) if numeric(id) => {
            ("PUT crm/case/{caseid}", vec![("caseid", (*id).to_owned())])
        }
        ("DELETE", ["crm", "case", id]) if numeric(id) => (
            "DELETE crm/case/{caseid}",
            vec![("caseid", (*id).to_owned())],
        ),
        ("PUT", ["crm", "case", id, "access"]) if numeric(id) => (
            "PUT crm/case/{caseid}/access",
            vec![("caseid", (*id).to_owned())],
        ),
        ("PUT", ["crm", "case", id, "close"]) if numeric(id) => (
            "PUT crm/case/{caseid}/close",
            vec![("caseid", (*id).to_owned())],
        ),
        ("PUT", ["crm", "case", id, "reopen"]) if numeric(id) => (
            "PUT crm/case/{caseid}/reopen",
            vec![("caseid", (*id).to_owned())],
        ),
        ("GET", ["crm", "case", id, "contact"]) if numeric(id) => (
            "GET crm/case/{caseid}/contact",
            vec![("caseid", (*id).to_owned())],
        ),
        ("POST", ["crm", "case", id, "contact"]) if numeric(id) => (
            "POST crm/case/{caseid}/contact",
            vec![("caseid", (*id).to_owned())],
        ),
        ("DELETE", ["crm", "case", id, "contact", contact]) if numeric(id) && numeric(contact) => (
            "DELETE crm/case/{caseid}/contact/{contactid}",
            vec![
                ("caseid", (*id).to_owned()),
                ("contactid", (*contact).to_owned()),
            ],
        ),
        ("GET", ["crm", "case", id, "customfield"]) if numeric(id) => (
            "GET crm/case/{entityid}/customfield",
            vec![("entityid", (*id).to_owned())],
        ),
        ("POST", ["crm", "case", id, "customfield", field]) if numeric(id) && numeric(field) => (
            "POST crm/case/{entityid}/customfield/{fieldid}",
            vec![
                ("entityid", (*id).to_owned()),
                ("fieldid", (*field).to_owned()),
            ],
        ),
        ("POST", ["crm", "case", id, "tag"]) if numeric(id) => (
            "POST crm/case/{entityid}/tag",
            vec![("entityid", (*id).to_owned())],
        ),
        ("DELETE", ["crm", "case", id, "tag"]) if numeric(id) => (
            "DELETE crm/case/{entityid}/tag",
            vec![("entityid", (*id).to_owned())],
        ),
        ("GET", ["crm", "history", "filter"]) => ("GET crm/history/filter", vec![]),
        ("POST", ["crm", "history"]) => ("POST crm/history", vec![]),
        ("DELETE", ["crm", "history", id]) if numeric(id) => {
            ("DELETE crm/history/{id}", vec![("id", (*id).to_owned())])
        }
        _ => return None,
    };
    Some(found)
}

/// The route keys the emulator serves (for counters and documentation).
pub const ROUTES: &[&str] = &[
    "GET crm/case/filter",
    "GET crm/case/{caseid}",
    "POST crm/case",
    "PUT crm/case/{caseid}",
    "PUT crm/case/{caseid}/access",
    "PUT crm/case/access",
    "PUT crm/case/filter/access",
    "DELETE crm/case/{caseid}",
    "PUT crm/case",
    "DELETE crm/case/filter",
    "PUT crm/case/{caseid}/close",
    "PUT crm/case/{caseid}/reopen",
    "GET crm/case/{caseid}/contact",
    "POST crm/case/{caseid}/contact",
    "DELETE crm/case/{caseid}/contact/{contactid}",
    "GET crm/case/byprefix",
    "GET crm/case/customfield/definitions",
    "POST crm/case/customfield",
    "PUT crm/case/customfield/{id}",
    "DELETE crm/case/customfield/{fieldid}",
    "PUT crm/case/customfield/reorder",
    "GET crm/case/{entityid}/customfield",
    "POST crm/case/{entityid}/customfield/{fieldid}",
    "GET crm/case/tag",
    "GET crm/case/tag/{entityid}",
    "POST crm/case/tag",
    "POST crm/case/{entityid}/tag",
    "DELETE crm/case/{entityid}/tag",
    "POST crm/case/taglist",
    "POST crm/case/filter/taglist",
    "DELETE crm/case/tag",
    "DELETE crm/case/tag/unused",
    "GET crm/history/filter",
    "POST crm/history",
    "DELETE crm/history/{id}",
];

struct CaseFilter {
    contact: Option<i64>,
    closed: Option<bool>,
    tags: Vec<String>,
    search: Option<String>,
}

impl CaseFilter {
    fn read(params: &Params) -> Result<CaseFilter, Failure> {
        Ok(CaseFilter {
            contact: params.int("contactid")?.filter(|id| *id != 0),
            closed: params.bool("isClosed")?,
            tags: params.list("tags"),
            search: params.text("filterValue").filter(|text| !text.is_empty()),
        })
    }

    fn matches(&self, case: &Case) -> bool {
        self.contact.is_none_or(|id| case.members.contains(&id))
            && self.closed.is_none_or(|closed| case.closed == closed)
            && self.tags.iter().all(|tag| case.tags.contains(tag))
            && self
                .search
                .as_ref()
                .is_none_or(|text| case.title.to_lowercase().contains(&text.to_lowercase()))
    }
}

fn case_id(params: &Params, name: &str) -> Result<i64, Failure> {
    params.int(name)?.ok_or_else(|| bad_request(ARGUMENT))
}

fn readable<'d>(data: &'d Data, user: &User, id: i64) -> Result<&'d Case, Failure> {
    data.cases
        .get(&id)
        .filter(|case| can_read(user, case))
        .ok_or_else(not_found)
}

fn one(value: Value) -> Outcome {
    Ok((200, value, None))
}

fn created(value: Value) -> Outcome {
    Ok((201, value, None))
}

fn handle(
    shared: &Shared,
    data: &mut Data,
    route: &str,
    user: &'static User,
    params: &Params,
) -> Outcome {
    let zone = shared.offset_minutes;
    match route {
        "GET crm/case/filter" => {
            let filter = CaseFilter::read(params)?;
            let mut cases: Vec<&Case> = data
                .cases
                .values()
                .filter(|case| can_read(user, case) && filter.matches(case))
                .collect();
            let order = params
                .text("sortBy")
                .unwrap_or_default()
                .to_ascii_lowercase();
            match order.as_str() {
                "id" => cases.sort_by_key(|case| case.id),
                "dateandtime" => cases.sort_by_key(|case| (case.created, case.id)),
                "createby" => {
                    cases.sort_by(|a, b| a.created_by.cmp(&b.created_by).then(a.id.cmp(&b.id)))
                }
                _ => cases.sort_by(|a, b| {
                    a.title
                        .to_lowercase()
                        .cmp(&b.title.to_lowercase())
                        .then(a.id.cmp(&b.id))
                }),
            }
            if params
                .text("sortOrder")
                .is_some_and(|order| order.eq_ignore_ascii_case("descending"))
            {
                cases.reverse();
            }
            let total = cases.len();
            let start = usize::try_from(params.int("startIndex")?.unwrap_or(0).max(0)).unwrap_or(0);
            let count = usize::try_from(params.int("count")?.unwrap_or(0).max(0)).unwrap_or(0);
            let count = if count == 0 {
                shared.max_page
            } else {
                count.min(shared.max_page)
            };
            let page: Vec<Value> = cases
                .into_iter()
                .skip(start)
                .take(count)
                .map(|case| data.case_wrapper(case, user, zone))
                .collect();
            Ok((200, Value::Array(page), Some((start, total))))
        }
        "GET crm/case/{caseid}" => {
            let case = readable(data, user, case_id(params, "caseid")?)?;
            one(data.case_wrapper(case, user, zone))
        }
        "POST crm/case" => {
            let title = params.text("title").unwrap_or_default();
            if title.trim().is_empty() {
                return Err(bad_request(ARGUMENT));
            }
            let private = params.bool("isPrivate")?.unwrap_or(false);
            let access = params.guids("accessList")?;
            let members = valid_members(data, params);
            let fields = field_values(data, params);
            let id = data.insert_case(&title, user.id, now_ticks());
            let case = data.cases.get_mut(&id).ok_or_else(not_found)?;
            apply_access(case, user, private, access);
            case.members = members;
            case.fields.extend(fields);
            let case = &data.cases[&id];
            created(data.case_wrapper(case, user, zone))
        }
        "PUT crm/case/{caseid}" => {
            let id = case_id(params, "caseid")?;
            readable(data, user, id)?;
            let title = params.text("title").unwrap_or_default();
            if title.trim().is_empty() {
                return Err(bad_request(ARGUMENT));
            }
            let private = params.bool("isPrivate")?.unwrap_or(false);
            let access = params.guids("accessList")?;
            let members = valid_members(data, params);
            let fields = field_values(data, params);
            let case = data.cases.get_mut(&id).ok_or_else(not_found)?;
            case.title = title;
            if !members.is_empty() {
                case.members = members;
            }
            case.fields.extend(fields);
            // The pitfall: for administrators and the creator access is always re-applied,
            // so a request without `isPrivate` makes the case public.
            if can_manage(user, case) {
                apply_access(case, user, private, access);
            }
            let case = &data.cases[&id];
            one(data.case_wrapper(case, user, zone))
        }
        "PUT crm/case/{caseid}/access" => {
            let id = case_id(params, "caseid")?;
            let case = readable(data, user, id)?;
            if !can_manage(user, case) {
                return Err(forbidden());
            }
            let private = params.bool("isPrivate")?.unwrap_or(false);
            let access = params.guids("accessList")?;
            let case = data.cases.get_mut(&id).ok_or_else(not_found)?;
            apply_access(case, user, private, access);
            let case = &data.cases[&id];
            one(data.case_wrapper(case, user, zone))
        }
        "PUT crm/case/access" | "PUT crm/case/filter/access" => {
            let ids: Vec<i64> = if route == "PUT crm/case/access" {
                params
                    .list("casesid")
                    .iter()
                    .map(|id| id.parse().map_err(|_| bad_request(ARGUMENT)))
                    .collect::<Result<_, _>>()?
            } else {
                let filter = CaseFilter::read(params)?;
                data.cases
                    .values()
                    .filter(|case| filter.matches(case))
                    .map(|case| case.id)
                    .collect()
            };
            let private = params.bool("isPrivate")?.unwrap_or(false);
            let access = params.guids("accessList")?;
            let mut changed = Vec::new();
            for id in ids {
                let Some(case) = data.cases.get_mut(&id) else {
                    continue;
                };
                if can_read(user, case) && can_manage(user, case) {
                    apply_access(case, user, private, access.clone());
                    changed.push(id);
                }
            }
            let list = changed
                .iter()
                .map(|id| data.case_wrapper(&data.cases[id], user, zone))
                .collect();
            one(Value::Array(list))
        }
        "DELETE crm/case/{caseid}" => {
            let id = case_id(params, "caseid")?;
            let case = readable(data, user, id)?;
            if !can_manage(user, case) {
                return Err(forbidden());
            }
            let wrapper = data.case_wrapper(case, user, zone);
            remove_case(data, id);
            one(wrapper)
        }
        "PUT crm/case" | "DELETE crm/case/filter" => {
            let ids: Vec<i64> = if route == "PUT crm/case" {
                params
                    .list("casesids")
                    .iter()
                    .map(|id| id.parse().map_err(|_| bad_request(ARGUMENT)))
                    .collect::<Result<_, _>>()?
            } else {
                let filter = CaseFilter::read(params)?;
                data.cases
                    .values()
                    .filter(|case| filter.matches(case))
                    .map(|case| case.id)
                    .collect()
            };
            let mut deleted = Vec::new();
            for id in ids {
                let Some(case) = data.cases.get(&id) else {
                    continue;
                };
                if can_read(user, case) && can_manage(user, case) {
                    deleted.push(data.case_wrapper(case, user, zone));
                    remove_case(data, id);
                }
            }
            one(Value::Array(deleted))
        }
        "PUT crm/case/{caseid}/close" | "PUT crm/case/{caseid}/reopen" => {
            let id = case_id(params, "caseid")?;
            readable(data, user, id)?;
            let case = data.cases.get_mut(&id).ok_or_else(not_found)?;
            case.closed = route.ends_with("close");
            let case = &data.cases[&id];
            one(data.case_wrapper(case, user, zone))
        }
        "GET crm/case/{caseid}/contact" => {
            let case = readable(data, user, case_id(params, "caseid")?)?;
            let list = case
                .members
                .iter()
                .filter_map(|id| data.contacts.get(id).map(state::Contact::wrapper))
                .collect();
            one(Value::Array(list))
        }
        "POST crm/case/{caseid}/contact" => {
            let id = case_id(params, "caseid")?;
            readable(data, user, id)?;
            let contact = params
                .int("contactid")?
                .filter(|id| *id > 0)
                .ok_or_else(|| bad_request(ARGUMENT))?;
            let wrapper = data.contacts.get(&contact).ok_or_else(not_found)?.wrapper();
            let case = data.cases.get_mut(&id).ok_or_else(not_found)?;
            if !case.members.contains(&contact) {
                case.members.push(contact);
            }
            created(wrapper)
        }
        "DELETE crm/case/{caseid}/contact/{contactid}" => {
            let id = case_id(params, "caseid")?;
            readable(data, user, id)?;
            let contact = case_id(params, "contactid")?;
            let wrapper = data.contacts.get(&contact).ok_or_else(not_found)?.wrapper();
            let case = data.cases.get_mut(&id).ok_or_else(not_found)?;
            case.members.retain(|member| *member != contact);
            one(wrapper)
        }
        "GET crm/case/byprefix" => {
            let prefix = params.text("prefix").unwrap_or_default().to_lowercase();
            let contact = params.int("contactID")?.filter(|id| *id > 0);
            let list = data
                .cases
                .values()
                .filter(|case| {
                    can_read(user, case)
                        && case.title.to_lowercase().starts_with(&prefix)
                        && contact.is_none_or(|id| case.members.contains(&id))
                })
                .take(30)
                .map(|case| data.case_wrapper(case, user, zone))
                .collect();
            one(Value::Array(list))
        }
        "GET crm/case/customfield/definitions" => {
            let list = data
                .fields
                .values()
                .map(|def| {
                    let used = data
                        .cases
                        .values()
                        .filter(|case| case.fields.contains_key(&def.id))
                        .count();
                    def.wrapper(0, None, Some(used))
                })
                .collect();
            one(Value::Array(list))
        }
        "POST crm/case/customfield" | "PUT crm/case/customfield/{id}" => {
            if !user.admin {
                return Err(forbidden());
            }
            let label = params.text("label").unwrap_or_default();
            let field_type = params.int("fieldType")?.unwrap_or(0);
            if label.trim().is_empty() || !(0..=5).contains(&field_type) {
                return Err(bad_request(ARGUMENT));
            }
            let id = if route.starts_with("POST") {
                let id = data.next_field;
                data.next_field += 1;
                id
            } else {
                let id = case_id(params, "id")?;
                if !data.fields.contains_key(&id) {
                    return Err(not_found());
                }
                id
            };
            let def = FieldDef {
                id,
                label,
                field_type,
                position: params.int("position")?.unwrap_or(0),
                mask: params.text("mask").unwrap_or_default(),
            };
            let wrapper = def.wrapper(0, None, None);
            data.fields.insert(id, def);
            if route.starts_with("POST") {
                created(wrapper)
            } else {
                one(wrapper)
            }
        }
        "PUT crm/case/customfield/reorder" => {
            if !user.admin {
                return Err(forbidden());
            }
            let ids = params
                .list("fieldids")
                .iter()
                .map(|id| id.parse::<i64>().map_err(|_| bad_request(ARGUMENT)))
                .collect::<Result<Vec<_>, _>>()?;
            for (position, id) in ids.iter().enumerate() {
                let def = data.fields.get_mut(id).ok_or_else(not_found)?;
                def.position = position as i64;
            }
            let list = ids
                .iter()
                .map(|id| data.fields[id].wrapper(0, None, None))
                .collect();
            one(Value::Array(list))
        }
        "POST crm/case/taglist" | "POST crm/case/filter/taglist" => {
            let tag = tag_name(params)?;
            let ids: Vec<i64> = if route == "POST crm/case/taglist" {
                params
                    .list("entityid")
                    .iter()
                    .map(|id| id.parse().map_err(|_| bad_request(ARGUMENT)))
                    .collect::<Result<_, _>>()?
            } else {
                let filter = CaseFilter::read(params)?;
                data.cases
                    .values()
                    .filter(|case| filter.matches(case))
                    .map(|case| case.id)
                    .collect()
            };
            data.tags.insert(tag.clone());
            for id in ids {
                if let Some(case) = data.cases.get_mut(&id)
                    && can_read(user, case)
                {
                    case.tags.insert(tag.clone());
                }
            }
            created(json!(tag))
        }
        "DELETE crm/case/customfield/{fieldid}" => {
            if !user.admin {
                return Err(forbidden());
            }
            let id = case_id(params, "fieldid")?;
            let def = data.fields.remove(&id).ok_or_else(not_found)?;
            for case in data.cases.values_mut() {
                case.fields.remove(&id);
            }
            one(def.wrapper(0, None, None))
        }
        "GET crm/case/{entityid}/customfield" => {
            let case = readable(data, user, case_id(params, "entityid")?)?;
            let list = data
                .fields
                .values()
                .map(|def| def.wrapper(case.id, case.fields.get(&def.id).map(String::as_str), None))
                .collect();
            one(Value::Array(list))
        }
        "POST crm/case/{entityid}/customfield/{fieldid}" => {
            let id = case_id(params, "entityid")?;
            readable(data, user, id)?;
            let field = case_id(params, "fieldid")?;
            let def = data.fields.get(&field).cloned().ok_or_else(not_found)?;
            let value = params.text("fieldValue").unwrap_or_default();
            let case = data.cases.get_mut(&id).ok_or_else(not_found)?;
            case.fields.insert(field, value.clone());
            created(def.wrapper(id, Some(&value), None))
        }
        "GET crm/case/tag" => {
            let list = data
                .tags
                .iter()
                .map(|tag| {
                    let used = data
                        .cases
                        .values()
                        .filter(|case| case.tags.contains(tag))
                        .count();
                    json!({"title": tag, "relativeItemsCount": used})
                })
                .collect();
            one(Value::Array(list))
        }
        "GET crm/case/tag/{entityid}" => {
            let case = readable(data, user, case_id(params, "entityid")?)?;
            one(Value::Array(
                case.tags.iter().map(|tag| json!(tag)).collect(),
            ))
        }
        "POST crm/case/tag" => {
            let tag = tag_name(params)?;
            data.tags.insert(tag.clone());
            created(json!(tag))
        }
        "POST crm/case/{entityid}/tag" => {
            let id = case_id(params, "entityid")?;
            readable(data, user, id)?;
            let tag = tag_name(params)?;
            data.tags.insert(tag.clone());
            if let Some(case) = data.cases.get_mut(&id) {
                case.tags.insert(tag.clone());
            }
            created(json!(tag))
        }
        "DELETE crm/case/{entityid}/tag" => {
            let id = case_id(params, "entityid")?;
            readable(data, user, id)?;
            let tag = tag_name(params)?;
            if let Some(case) = data.cases.get_mut(&id) {
                case.tags.remove(&tag);
            }
            one(json!(tag))
        }
        "DELETE crm/case/tag" => {
            let tag = tag_name(params)?;
            if !data.tags.remove(&tag) {
                return Err(not_found());
            }
            for case in data.cases.values_mut() {
                case.tags.remove(&tag);
            }
            one(json!(tag))
        }
        "DELETE crm/case/tag/unused" => {
            let unused: Vec<String> = data
                .tags
                .iter()
                .filter(|tag| !data.cases.values().any(|case| case.tags.contains(*tag)))
                .cloned()
                .collect();
            for tag in &unused {
                data.tags.remove(tag);
            }
            one(json!(unused))
        }
        "GET crm/history/filter" => {
            let entity_type = params
                .text("entityType")
                .unwrap_or_default()
                .to_ascii_lowercase();
            let entity_id = params.int("entityId")?.filter(|id| *id > 0);
            let category = params.int("categoryId")?.filter(|id| *id != 0);
            let author = match params.text("createBy").filter(|text| !text.is_empty()) {
                Some(text) => Some(parse_guid(&text).ok_or_else(|| bad_request(ARGUMENT))?),
                None => None,
            };
            let date = |name: &str| -> Result<Option<i128>, Failure> {
                match params.text(name).filter(|text| !text.is_empty()) {
                    Some(text) => parse_date(&text, zone)
                        .map(Some)
                        .ok_or_else(|| bad_request(ARGUMENT)),
                    None => Ok(None),
                }
            };
            let (from, to) = (date("fromDate")?, date("toDate")?);
            let events: Vec<&Event> = data
                .events
                .values()
                .filter(|event| {
                    data.cases
                        .get(&event.entity_id)
                        .is_some_and(|case| can_read(user, case))
                        && (entity_type.is_empty() || event.entity_type == entity_type)
                        && entity_id.is_none_or(|id| event.entity_id == id)
                        && category.is_none_or(|id| event.category_id == id)
                        && author.as_ref().is_none_or(|id| &event.created_by == id)
                        && from.is_none_or(|from| event.created >= from)
                        && to.is_none_or(|to| event.created <= to)
                })
                .collect();
            let total = events.len();
            let start = usize::try_from(params.int("startIndex")?.unwrap_or(0).max(0)).unwrap_or(0);
            let count = usize::try_from(params.int("count")?.unwrap_or(0).max(0)).unwrap_or(0);
            let count = if count == 0 {
                shared.max_page
            } else {
                count.min(shared.max_page)
            };
            let page = events
                .into_iter()
                .skip(start)
                .take(count)
                .map(|event| data.event_wrapper(event, zone))
                .collect();
            Ok((200, Value::Array(page), Some((start, total))))
        }
        "POST crm/history" => {
            let entity_type = params
                .text("entityType")
                .unwrap_or_default()
                .to_ascii_lowercase();
            let entity_id = params.int("entityId")?.unwrap_or(0);
            let content = params.text("content").unwrap_or_default();
            let category = params.int("categoryId")?.unwrap_or(0);
            if entity_type != "case"
                || content.trim().is_empty()
                || !CATEGORIES.iter().any(|(id, _)| *id == category)
            {
                return Err(bad_request(ARGUMENT));
            }
            readable(data, user, entity_id)?;
            params.guids("notifyUserList")?;
            let when = match params.text("created").filter(|text| !text.is_empty()) {
                Some(text) => parse_date(&text, zone).ok_or_else(|| bad_request(ARGUMENT))?,
                None => now_ticks(),
            };
            let id = data.next_event;
            data.next_event += 1;
            let event = Event {
                id,
                entity_type,
                entity_id,
                content,
                category_id: category,
                created_by: user.id.to_owned(),
                created: when,
            };
            let wrapper = data.event_wrapper(&event, zone);
            data.events.insert(id, event);
            created(wrapper)
        }
        "DELETE crm/history/{id}" => {
            let id = case_id(params, "id")?;
            let event = data.events.get(&id).ok_or_else(not_found)?;
            readable(data, user, event.entity_id)?;
            let wrapper = data.event_wrapper(event, zone);
            data.events.remove(&id);
            one(wrapper)
        }
        _ => Err(html(404, "Not Found")),
    }
}

fn tag_name(params: &Params) -> Result<String, Failure> {
    params
        .text("tagName")
        .map(|tag| tag.trim().to_owned())
        .filter(|tag| !tag.is_empty())
        .ok_or_else(|| bad_request(ARGUMENT))
}

fn valid_members(data: &Data, params: &Params) -> Vec<i64> {
    params
        .list("members")
        .iter()
        .filter_map(|id| id.parse().ok())
        .filter(|id| data.contacts.contains_key(id))
        .collect()
}

fn field_values(data: &Data, params: &Params) -> Vec<(i64, String)> {
    params
        .objects("customFieldList")
        .iter()
        .filter_map(|entry| {
            let key = entry.get("key").and_then(text_of)?.parse::<i64>().ok()?;
            let value = entry.get("value").and_then(text_of)?;
            (data.fields.contains_key(&key) && !value.is_empty()).then_some((key, value))
        })
        .collect()
}

fn remove_case(data: &mut Data, id: i64) {
    data.cases.remove(&id);
    data.events.retain(|_, event| event.entity_id != id);
}

fn render_success(
    shared: &Shared,
    status: u16,
    response: Value,
    paging: Option<(usize, usize)>,
    xml: bool,
    params: &Params,
) -> Response {
    let _ = shared;
    let _ = params;
    let count = match &response {
        Value::Array(items) => items.len(),
        Value::String(text) => text.chars().count(),
        Value::Null => 0,
        _ => 1,
    };
    let mut envelope = Map::new();
    if count > 0 {
        envelope.insert("count".into(), json!(count));
    }
    if let Some((start, total)) = paging {
        if start > 0 {
            envelope.insert("startIndex".into(), json!(start));
        }
        if start + count < total {
            // The server's off-by-one `nextIndex`.
            envelope.insert("nextIndex".into(), json!(start + count + 1));
        }
        envelope.insert("total".into(), json!(total));
    }
    envelope.insert("status".into(), json!(0));
    envelope.insert("statusCode".into(), json!(status));
    envelope.insert("response".into(), response);
    finish(status, Value::Object(envelope), xml)
}

fn render_failure(failure: Failure, xml: bool) -> Response {
    match failure {
        Failure::Envelope {
            status,
            message,
            hresult,
        } => finish(
            status,
            json!({
                "status": 1,
                "statusCode": status,
                "error": {"message": message, "hresult": hresult, "data": {}},
            }),
            xml,
        ),
        Failure::Raw {
            status,
            content_type,
            body,
        } => raw(status, content_type, body, &[]),
    }
}

fn finish(status: u16, envelope: Value, xml: bool) -> Response {
    if xml {
        let mut out = String::from("<result>");
        if let Value::Object(entries) = &envelope {
            for (key, value) in entries {
                write_xml(key, value, &mut out);
            }
        }
        out.push_str("</result>");
        raw(status, "text/xml; charset=UTF-8", out, &[])
    } else {
        // Json.NET escapes `/` as `\/`.
        let body = envelope.to_string().replace('/', "\\/");
        raw(status, "application/json; charset=UTF-8", body, &[])
    }
}

/// Json.NET's XML rendering: arrays become repeated elements, `null` an empty element.
fn write_xml(name: &str, value: &Value, out: &mut String) {
    match value {
        Value::Array(items) => {
            for item in items {
                write_xml(name, item, out);
            }
        }
        Value::Object(entries) => {
            out.push_str(&format!("<{name}>"));
            for (key, item) in entries {
                write_xml(key, item, out);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::Null => out.push_str(&format!("<{name} />")),
        scalar => {
            let text = text_of(scalar).unwrap_or_default();
            let escaped = text
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            out.push_str(&format!("<{name}>{escaped}</{name}>"));
        }
    }
}

fn raw(status: u16, content_type: &str, body: String, headers: &[(String, String)]) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let map = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        map.insert(header::CONTENT_TYPE, value);
    }
    map.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=0"),
    );
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            map.insert(name, value);
        }
    }
    response
}
