//! `crm.automatedsolution.*` (digital workplaces).

use std::cmp::Ordering;

use super::args::{self, invalid};
use super::fields::{self, Field};
use crate::call::Call;
use crate::envelope::{ApiError, MethodOutput};
use crate::list::{self, Op, Page};
use crate::state::{AutomatedSolution, PortalState};
use crate::value::Value;

fn not_found() -> ApiError {
    ApiError::new(400, "NOT_FOUND", "Automated solution not found")
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

fn type_ids_field(fields: &Value) -> Option<Result<Vec<i64>, ApiError>> {
    let raw = fields.get("typeIds")?;
    if matches!(raw, Value::Null) || raw.as_str() == Some("") {
        return Some(Ok(Vec::new()));
    }
    let parsed = raw
        .int_list()
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
    let fields = args::fields(call.params);
    let title = args::required_title(&fields)?;
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
    let id = args::required_id(call.params)?;
    call.state
        .automated_solutions
        .get(&id)
        .map(wrapped)
        .ok_or_else(not_found)
}

/// `crm.automatedsolution.update`.
pub fn update(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = args::required_id(call.params)?;
    if !call.state.automated_solutions.contains_key(&id) {
        return Err(not_found());
    }
    let fields = args::fields(call.params);
    let title = args::title(&fields).transpose()?;
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
    let id = args::required_id(call.params)?;
    call.state
        .automated_solutions
        .remove(&id)
        .ok_or_else(not_found)?;
    Ok(MethodOutput::new(Value::Null))
}

/// `crm.automatedsolution.fields`.
pub fn fields(_call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    Ok(MethodOutput::new(fields::answer([
        ("id", Field::new("integer", "ID").read_only()),
        ("title", Field::new("string", "Title").required()),
        (
            "typeIds",
            Field::new("integer", "Smart process type IDs").multiple(),
        ),
    ])))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Id,
    Title,
}

fn column(name: &str) -> Option<Column> {
    match name {
        "id" => Some(Column::Id),
        "title" => Some(Column::Title),
        _ => None,
    }
}

fn compare(a: &AutomatedSolution, b: &AutomatedSolution, column: Column) -> Ordering {
    match column {
        Column::Id => a.id.cmp(&b.id),
        Column::Title => a
            .title
            .to_lowercase()
            .cmp(&b.title.to_lowercase())
            .then(a.id.cmp(&b.id)),
    }
}

struct Condition {
    column: Column,
    op: Op,
    value: Value,
}

fn parse_filter(filter: &Value) -> Result<Vec<Condition>, ApiError> {
    let mut out = Vec::new();
    for (key, value) in filter.entries() {
        let (prefix, name) = list::split_key(&key);
        let column =
            column(name).ok_or_else(|| invalid(format!("Unknown field '{name}' in filter")))?;
        let op = list::parse_op(prefix)
            .ok_or_else(|| invalid(format!("Unsupported filter operation '{prefix}'")))?;
        out.push(Condition {
            column,
            op,
            value: value.clone(),
        });
    }
    Ok(out)
}

fn scalar_matches(s: &AutomatedSolution, column: Column, op: Op, value: &Value) -> bool {
    let ordering = match column {
        Column::Id => {
            let Some(v) = value.as_int_strict() else {
                return false;
            };
            s.id.cmp(&v)
        }
        Column::Title => {
            let title = s.title.to_lowercase();
            let v = value.php_string().unwrap_or_default().to_lowercase();
            match op {
                Op::Contains | Op::NotContains => return title.contains(&v),
                Op::Like | Op::NotLike => return list::like(&title, &v),
                _ => title.cmp(&v),
            }
        }
    };
    match op {
        Op::Gt => ordering.is_gt(),
        Op::Ge => ordering.is_ge(),
        Op::Lt => ordering.is_lt(),
        Op::Le => ordering.is_le(),
        _ => ordering.is_eq(),
    }
}

/// `crm.automatedsolution.list`: `order`, `filter`, `start` (pages of 50).
pub fn list(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let mut order = Vec::new();
    if let Some(o) = call.params.get("order") {
        for (key, dir) in o.entries() {
            let column =
                column(&key).ok_or_else(|| invalid(format!("Unknown field '{key}' in order")))?;
            order.push((column, list::descending(dir)?));
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
        .filter(|s| {
            conditions
                .iter()
                .all(|c| list::test(c.op, &c.value, |op, v| scalar_matches(s, c.column, op, v)))
        })
        .collect();
    rows.sort_by(|a, b| {
        order
            .iter()
            .map(|&(column, desc)| {
                let o = compare(a, b, column);
                if desc { o.reverse() } else { o }
            })
            .find(|o| o.is_ne())
            .unwrap_or_else(|| a.id.cmp(&b.id))
    });
    let start = call.params.get("start").map_or(0, Value::php_intval);
    Ok(Page::of(rows, start)
        .map(to_value)
        .into_output(|page| Value::object([("automatedSolutions", page)])))
}
