//! CRM methods: `crm.automatedsolution.*` (digital workplaces).

use super::filter::{Op, parse_op};
use std::cmp::Ordering;

use super::{Call, int_list};
use crate::envelope::{ApiError, MethodOutput};
use crate::state::{AutomatedSolution, PortalState};
use crate::value::Value;

/// Page size of list methods.
pub const PAGE_SIZE: i64 = 50;

fn not_found() -> ApiError {
    ApiError::new(400, "NOT_FOUND", "Automated solution not found")
}

fn empty_title() -> ApiError {
    ApiError::new(
        400,
        "BX_EMPTY_REQUIRED",
        "The required field 'Title' is not filled",
    )
}

fn invalid(description: impl Into<String>) -> ApiError {
    ApiError::new(400, "INVALID_ARG_VALUE", description)
}

fn to_value(s: &AutomatedSolution) -> Value {
    Value::object([
        ("id", Value::Int(s.id)),
        ("title", Value::from(s.title.as_str())),
        (
            "typeIds",
            Value::List(s.type_ids.iter().map(|&t| Value::Int(t)).collect()),
        ),
    ])
}

fn wrapped(s: &AutomatedSolution) -> MethodOutput {
    MethodOutput::new(Value::object([("automatedSolution", to_value(s))]))
}

/// The required `id` argument.
fn id_param(params: &Value) -> Result<i64, ApiError> {
    match params.get("id") {
        None | Some(Value::Null) => Err(ApiError::argument(
            "id",
            "Could not find value for parameter {id}",
        )),
        Some(v) => Ok(v.php_intval()),
    }
}

/// `fields` as a map (anything else counts as no fields).
fn fields_param(params: &Value) -> Value {
    match params.get("fields") {
        Some(v @ (Value::Map(_) | Value::List(_))) => v.clone(),
        _ => Value::empty_map(),
    }
}

fn title_field(fields: &Value) -> Option<Result<String, ApiError>> {
    let raw = fields.get("title")?;
    Some(
        raw.php_string()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .ok_or_else(empty_title),
    )
}

fn type_ids_field(fields: &Value) -> Option<Result<Vec<i64>, ApiError>> {
    let raw = fields.get("typeIds")?;
    if matches!(raw, Value::Null) || raw.as_str() == Some("") {
        return Some(Ok(Vec::new()));
    }
    let parsed = int_list(raw)
        .filter(|ids| ids.iter().all(|&i| i > 0))
        .ok_or_else(|| invalid("Field 'typeIds' must be an array of smart process type IDs"));
    Some(parsed.map(|ids| {
        let mut out: Vec<i64> = Vec::new();
        for id in ids {
            if !out.contains(&id) {
                out.push(id);
            }
        }
        out
    }))
}

/// Binds `type_ids` to solution `owner`, unbinding them from every other solution.
fn bind_types(state: &mut PortalState, owner: i64, type_ids: &[i64]) {
    for s in state.automated_solutions.values_mut() {
        if s.id != owner {
            s.type_ids.retain(|t| !type_ids.contains(t));
        }
    }
}

/// `crm.automatedsolution.add`.
pub fn add(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    if call.state.automated_solutions.len() >= call.config.automated_solution_limit {
        return Err(ApiError::new(
            400,
            "LIMIT_EXCEEDED",
            "The maximum number of automated solutions has been reached",
        ));
    }
    let fields = fields_param(call.params);
    let title = title_field(&fields).unwrap_or_else(|| Err(empty_title()))?;
    let type_ids = type_ids_field(&fields).unwrap_or(Ok(Vec::new()))?;
    let state = &mut *call.state;
    let id = state.next_automated_solution_id;
    state.next_automated_solution_id += 1;
    bind_types(state, id, &type_ids);
    let solution = AutomatedSolution {
        id,
        title,
        type_ids,
    };
    let out = wrapped(&solution);
    state.automated_solutions.insert(id, solution);
    Ok(out)
}

/// `crm.automatedsolution.get`.
pub fn get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = id_param(call.params)?;
    call.state
        .automated_solutions
        .get(&id)
        .map(wrapped)
        .ok_or_else(not_found)
}

/// `crm.automatedsolution.update`.
pub fn update(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = id_param(call.params)?;
    if !call.state.automated_solutions.contains_key(&id) {
        return Err(not_found());
    }
    let fields = fields_param(call.params);
    let title = title_field(&fields).transpose()?;
    let type_ids = type_ids_field(&fields).transpose()?;
    let state = &mut *call.state;
    if let Some(ids) = &type_ids {
        bind_types(state, id, ids);
    }
    let solution = state
        .automated_solutions
        .get_mut(&id)
        .ok_or_else(not_found)?;
    if let Some(title) = title {
        solution.title = title;
    }
    if let Some(ids) = type_ids {
        solution.type_ids = ids;
    }
    Ok(wrapped(solution))
}

/// `crm.automatedsolution.delete`.
pub fn delete(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = id_param(call.params)?;
    call.state
        .automated_solutions
        .remove(&id)
        .ok_or_else(not_found)?;
    Ok(MethodOutput::new(Value::Null))
}

/// `crm.automatedsolution.fields`.
pub fn fields(_call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let field = |ty: &str, required: bool, read_only: bool, multiple: bool, title: &str| {
        Value::object([
            ("type", Value::from(ty)),
            ("isRequired", Value::Bool(required)),
            ("isReadOnly", Value::Bool(read_only)),
            ("isImmutable", Value::Bool(false)),
            ("isMultiple", Value::Bool(multiple)),
            ("isDynamic", Value::Bool(false)),
            ("title", Value::from(title)),
        ])
    };
    Ok(MethodOutput::new(Value::object([(
        "fields",
        Value::object([
            ("id", field("integer", false, true, false, "ID")),
            ("title", field("string", true, false, false, "Title")),
            (
                "typeIds",
                field("integer", false, false, true, "Smart process type IDs"),
            ),
        ]),
    )])))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Id,
    Title,
}

fn field_by_name(name: &str) -> Option<Field> {
    match name {
        "id" => Some(Field::Id),
        "title" => Some(Field::Title),
        _ => None,
    }
}

fn compare(a: &AutomatedSolution, b: &AutomatedSolution, field: Field) -> Ordering {
    match field {
        Field::Id => a.id.cmp(&b.id),
        Field::Title => a
            .title
            .to_lowercase()
            .cmp(&b.title.to_lowercase())
            .then(a.id.cmp(&b.id)),
    }
}

struct Condition {
    field: Field,
    op: Op,
    value: Value,
}

fn parse_filter(filter: &Value) -> Result<Vec<Condition>, ApiError> {
    let mut out = Vec::new();
    for (key, value) in filter.entries() {
        let split = key
            .find(|c: char| c.is_alphanumeric() || c == '_')
            .unwrap_or(key.len());
        let (prefix, name) = key.split_at(split);
        let field = field_by_name(name)
            .ok_or_else(|| invalid(format!("Unknown field '{name}' in filter")))?;
        let op = parse_op(prefix)
            .ok_or_else(|| invalid(format!("Unsupported filter operation '{prefix}'")))?;
        out.push(Condition {
            field,
            op,
            value: value.clone(),
        });
    }
    Ok(out)
}

/// SQL `LIKE` with `%` and `_`, case-insensitive.
fn like(text: &[char], pattern: &[char]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some(('%', rest)) => (0..=text.len()).any(|i| like(&text[i..], rest)),
        Some((p, rest)) => text
            .split_first()
            .is_some_and(|(t, trest)| (*p == '_' || t == p) && like(trest, rest)),
    }
}

fn scalar_matches(s: &AutomatedSolution, field: Field, op: Op, value: &Value) -> bool {
    match field {
        Field::Id => {
            let Some(v) = value.as_int_strict() else {
                return false;
            };
            match op {
                Op::Gt => s.id > v,
                Op::Ge => s.id >= v,
                Op::Lt => s.id < v,
                Op::Le => s.id <= v,
                _ => s.id == v,
            }
        }
        Field::Title => {
            let title = s.title.to_lowercase();
            let v = value.php_string().unwrap_or_default().to_lowercase();
            match op {
                Op::Contains | Op::NotContains => title.contains(&v),
                Op::Like | Op::NotLike => {
                    let t: Vec<char> = title.chars().collect();
                    let p: Vec<char> = v.chars().collect();
                    like(&t, &p)
                }
                Op::Gt => title > v,
                Op::Ge => title >= v,
                Op::Lt => title < v,
                Op::Le => title <= v,
                _ => title == v,
            }
        }
    }
}

fn matches(s: &AutomatedSolution, c: &Condition) -> bool {
    let any = |op: Op| match &c.value {
        Value::List(_) | Value::Map(_) => c
            .value
            .entries()
            .into_iter()
            .any(|(_, v)| scalar_matches(s, c.field, op, v)),
        v => scalar_matches(s, c.field, op, v),
    };
    match c.op {
        Op::Eq | Op::In => any(Op::Eq),
        Op::Ne | Op::NotIn => !any(Op::Eq),
        Op::NotContains => !any(Op::Contains),
        Op::NotLike => !any(Op::Like),
        op => any(op),
    }
}

/// `crm.automatedsolution.list`: `order`, `filter`, `start` (pages of 50).
pub fn list(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let mut order = Vec::new();
    if let Some(o) = call.params.get("order") {
        for (key, dir) in o.entries() {
            let field = field_by_name(&key)
                .ok_or_else(|| invalid(format!("Unknown field '{key}' in order")))?;
            let desc = match dir.php_string().map(|d| d.to_ascii_uppercase()).as_deref() {
                Some("ASC") => false,
                Some("DESC") => true,
                _ => {
                    return Err(ApiError::argument(
                        "order",
                        "Order direction should be one of {ASC|DESC}",
                    ));
                }
            };
            order.push((field, desc));
        }
    }
    let conditions = match call.params.get("filter") {
        Some(f @ (Value::Map(_) | Value::List(_))) => parse_filter(f)?,
        _ => Vec::new(),
    };
    let mut rows: Vec<&AutomatedSolution> = call
        .state
        .automated_solutions
        .values()
        .filter(|s| conditions.iter().all(|c| matches(s, c)))
        .collect();
    rows.sort_by(|a, b| {
        order
            .iter()
            .map(|&(f, desc)| {
                let o = compare(a, b, f);
                if desc { o.reverse() } else { o }
            })
            .find(|o| o.is_ne())
            .unwrap_or_else(|| a.id.cmp(&b.id))
    });
    let start = call.params.get("start").map_or(0, Value::php_intval);
    let total = rows.len() as i64;
    let offset = if start < 0 {
        0
    } else {
        start / PAGE_SIZE * PAGE_SIZE
    };
    let page: Vec<Value> = rows
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(PAGE_SIZE as usize)
        .map(|s| to_value(s))
        .collect();
    let mut out = MethodOutput::new(Value::object([("automatedSolutions", Value::List(page))]));
    if start >= 0 {
        out.total = Some(total);
        if offset.saturating_add(PAGE_SIZE) < total {
            out.next = Some(offset + PAGE_SIZE);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert!(like(&c("hr team"), &c("hr%")));
        assert!(like(&c("hr"), &c("h_")));
        assert!(!like(&c("sales"), &c("hr%")));
        assert!(like(&c("anything"), &c("%")));
    }
}
