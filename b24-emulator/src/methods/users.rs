//! `user.get` (also serving `user.search`), `user.current`, `department.get` (legacy list
//! methods returning JSON arrays).

use crate::call::Call;
use crate::envelope::{ApiError, MethodOutput};
use crate::list::Page;
use crate::state::User;
use crate::value::Value;

/// The department of a seeded user.
pub fn user_department(id: i64) -> i64 {
    match id {
        11 => 5,
        13 => 3,
        103 => 7,
        105 => 9,
        _ => 1,
    }
}

fn user_value(u: &User) -> Value {
    Value::object([
        ("ID", Value::from(u.id.to_string())),
        ("XML_ID", Value::from(format!("b24emu-{}", u.id))),
        ("ACTIVE", Value::Bool(true)),
        ("NAME", Value::from(u.name)),
        ("LAST_NAME", Value::from(u.last_name)),
        ("SECOND_NAME", Value::from("")),
        ("EMAIL", Value::from(format!("{}@example.com", u.login))),
        ("LAST_LOGIN", Value::from("2024-08-29T10:29:54+00:00")),
        ("DATE_REGISTER", Value::from("2023-08-24T03:00:00+00:00")),
        ("IS_ONLINE", Value::from("N")),
        ("TIME_ZONE", Value::from("")),
        ("PERSONAL_GENDER", Value::from(u.gender)),
        ("PERSONAL_BIRTHDAY", Value::from("")),
        ("WORK_POSITION", Value::from(u.work_position)),
        (
            "UF_DEPARTMENT",
            Value::List(vec![Value::Int(user_department(u.id))]),
        ),
        ("USER_TYPE", Value::from("employee")),
    ])
}

/// Compares a record field against a filter value (`""`/`=`, `!`, `%`, `>`, `<`, `>=`, `<=`;
/// arrays mean "any of").
fn matches(field: &Value, prefix: &str, wanted: &Value) -> bool {
    if let Value::List(items) = field {
        return items.iter().any(|f| matches(f, prefix, wanted));
    }
    let any = |f: &dyn Fn(&Value) -> bool| match wanted {
        Value::List(_) | Value::Map(_) => wanted.entries().into_iter().any(|(_, v)| f(v)),
        v => f(v),
    };
    let have = field.php_string().unwrap_or_default().to_lowercase();
    let cmp = |v: &Value| -> std::cmp::Ordering {
        match (field.as_int_strict(), v.as_int_strict()) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => have.cmp(&v.php_string().unwrap_or_default().to_lowercase()),
        }
    };
    let eq = |v: &Value| match (field, v) {
        (Value::Bool(b), v) => *b == (v.php_truthy() && v.as_str() != Some("N")),
        _ => cmp(v).is_eq(),
    };
    match prefix {
        "" | "=" | "@" => any(&eq),
        "!" | "!=" | "!@" => !any(&eq),
        "%" => any(&|v| have.contains(&v.php_string().unwrap_or_default().to_lowercase())),
        ">" => any(&|v| cmp(v).is_gt()),
        ">=" => any(&|v| cmp(v).is_ge()),
        "<" => any(&|v| cmp(v).is_lt()),
        "<=" => any(&|v| cmp(v).is_le()),
        _ => true,
    }
}

fn split_key(key: &str) -> (&str, String) {
    let split = key
        .find(|c: char| c.is_ascii_alphanumeric() || c == '_')
        .unwrap_or(key.len());
    let (prefix, field) = key.split_at(split);
    (prefix, field.to_ascii_uppercase())
}

fn sort_rows(rows: &mut [Value], params: &Value) {
    let field = params
        .get_ci("sort")
        .and_then(Value::php_string)
        .map(|s| s.to_ascii_uppercase())
        .unwrap_or_else(|| "ID".to_owned());
    let desc = params
        .get_ci("order")
        .and_then(Value::php_string)
        .is_some_and(|o| o.eq_ignore_ascii_case("desc"));
    rows.sort_by(|a, b| {
        let (x, y) = (a.get(&field), b.get(&field));
        let o = match (
            x.and_then(Value::as_int_strict),
            y.and_then(Value::as_int_strict),
        ) {
            (Some(p), Some(q)) => p.cmp(&q),
            _ => x
                .and_then(Value::php_string)
                .cmp(&y.and_then(Value::php_string)),
        };
        if desc { o.reverse() } else { o }
    });
}

const USER_PARAMS: &[&str] = &["sort", "order", "filter", "admin_mode", "start", "select"];

/// `user.get` and `user.search`: `FILTER` (or filter keys at the top level; `FIND` /
/// `NAME_SEARCH` search names and e-mail), `sort`, `order`, `start`.
pub fn user_get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let mut conditions: Vec<(String, Value)> = Vec::new();
    if let Some(f @ (Value::Map(_) | Value::List(_))) = call.params.get_ci("filter") {
        conditions.extend(f.entries().into_iter().map(|(k, v)| (k, v.clone())));
    }
    for (k, v) in call.params.entries() {
        if !USER_PARAMS.iter().any(|p| p.eq_ignore_ascii_case(&k)) {
            conditions.push((k, v.clone()));
        }
    }
    let mut rows: Vec<Value> = call
        .state
        .users
        .iter()
        .map(user_value)
        .filter(|u| {
            conditions.iter().all(|(key, wanted)| {
                let (prefix, field) = split_key(key);
                if field == "FIND" || field == "NAME_SEARCH" {
                    let needle = wanted.php_string().unwrap_or_default().to_lowercase();
                    return ["NAME", "LAST_NAME", "EMAIL"].iter().any(|f| {
                        u.get(f)
                            .and_then(Value::php_string)
                            .is_some_and(|s| s.to_lowercase().contains(&needle))
                    });
                }
                match u.get(&field) {
                    Some(have) => matches(have, prefix, wanted),
                    None => true,
                }
            })
        })
        .collect();
    sort_rows(&mut rows, call.params);
    let start = call.params.get("start").map_or(0, Value::php_intval);
    Ok(Page::of(rows, start).into_output(|rows| rows))
}

/// `user.current`: the calling user.
pub fn user_current(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = call.principal.user_id();
    let user = call
        .state
        .user(id)
        .ok_or_else(|| ApiError::new(400, "NOT_FOUND", "User not found"))?;
    Ok(MethodOutput::new(user_value(user)))
}

/// `department.get`: filter by `ID`, `NAME`, `SORT`, `PARENT`, `UF_HEAD`; `sort`, `order`,
/// `start`.
pub fn department_get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let state = &*call.state;
    let mut rows: Vec<Value> = state
        .departments
        .iter()
        .map(|d| {
            let mut v = Value::object([
                ("ID", Value::from(d.id.to_string())),
                ("NAME", Value::from(d.name)),
                ("SORT", Value::Int(500)),
            ]);
            if let Some(p) = d.parent {
                v.insert("PARENT", Value::from(p.to_string()));
            }
            if d.manager != 0 {
                v.insert("UF_HEAD", Value::from(d.manager.to_string()));
            }
            v
        })
        .filter(|d| {
            call.params.entries().into_iter().all(|(key, wanted)| {
                // Lower-case `sort` and `order` name the order; `SORT` filters by the field.
                if key == "sort" || key == "order" {
                    return true;
                }
                let (prefix, field) = split_key(&key);
                if !["ID", "NAME", "SORT", "PARENT", "UF_HEAD"].contains(&field.as_str()) {
                    return true;
                }
                d.get(&field)
                    .is_some_and(|have| matches(have, prefix, wanted))
            })
        })
        .collect();
    sort_rows(&mut rows, call.params);
    let start = call.params.get("start").map_or(0, Value::php_intval);
    Ok(Page::of(rows, start).into_output(|rows| rows))
}
