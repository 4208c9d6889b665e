//! The REST 3.0 batch: a bare array `[{"method", "query"}]`, run in order, `result` an array
//! in call order; a value `{"$ref": "<i>.item.<field>"}` or `{"$refArray": "<i>.items.<field>"}`
//! in a query takes it from an earlier command's `item` / `items` (nothing else).

use serde_json::{Map, Value};

use super::Store;
use super::answer::{V3Failure, code};
use super::methods::{self, Context};

/// Commands per batch.
const MAX_COMMANDS: usize = 50;

/// Runs a batch body; a per-command failure is its `{"error": …}` in the result array.
pub fn run(store: &mut Store, context: &Context<'_>, body: &Value) -> Result<Value, V3Failure> {
    let Value::Array(commands) = body else {
        return Err(V3Failure::new(
            400,
            code!("VALIDATION_REQUESTVALIDATIONEXCEPTION"),
            "A batch is an array of {method, query}; the `cmd` form is not accepted",
        ));
    };
    if commands.len() > MAX_COMMANDS {
        return Err(V3Failure::invalid("batch", "at most 50 commands"));
    }
    let mut results: Vec<Value> = Vec::with_capacity(commands.len());
    for command in commands {
        let outcome = one(store, context, command, &results);
        results.push(match outcome {
            Ok(result) => result,
            Err(failure) => failure.body(),
        });
    }
    Ok(Value::Array(results))
}

fn one(
    store: &mut Store,
    context: &Context<'_>,
    command: &Value,
    earlier: &[Value],
) -> Result<Value, V3Failure> {
    let method = command
        .get("method")
        .and_then(Value::as_str)
        .ok_or_else(|| V3Failure::invalid("method", "is required"))?
        .to_ascii_lowercase();
    if method == methods::BATCH {
        return Err(V3Failure::invalid("method", "a batch cannot hold a batch"));
    }
    let mut query = match command.get("query") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(query @ Value::Object(_)) => query.clone(),
        Some(_) => return Err(V3Failure::invalid("query", "must be an object")),
    };
    resolve(&mut query, earlier)?;
    let Value::Object(query) = query else {
        return Err(V3Failure::invalid("query", "must be an object"));
    };
    methods::call(store, context, &method, &query)
}

/// Replaces every reference in `value` by what it points at.
fn resolve(value: &mut Value, earlier: &[Value]) -> Result<(), V3Failure> {
    match value {
        Value::Object(object) if object.len() == 1 => {
            let reference = object
                .get("$ref")
                .map(|r| (r, false))
                .or_else(|| object.get("$refArray").map(|r| (r, true)));
            if let Some((reference, array)) = reference {
                *value = lookup(reference, array, earlier)?;
                return Ok(());
            }
            object.values_mut().try_for_each(|v| resolve(v, earlier))
        }
        Value::Object(object) => object.values_mut().try_for_each(|v| resolve(v, earlier)),
        Value::Array(items) => items.iter_mut().try_for_each(|v| resolve(v, earlier)),
        _ => Ok(()),
    }
}

fn lookup(reference: &Value, array: bool, earlier: &[Value]) -> Result<Value, V3Failure> {
    let bad = |why: &str| V3Failure::invalid("$ref", why.to_owned());
    let text = reference
        .as_str()
        .ok_or_else(|| bad("a reference is a string"))?;
    let mut parts = text.splitn(3, '.');
    let (Some(index), Some(kind), Some(field)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad(
            "a reference is `<index>.item.<field>` or `<index>.items.<field>`",
        ));
    };
    let index: usize = index.parse().map_err(|_| bad("the index is a number"))?;
    let result = earlier
        .get(index)
        .ok_or_else(|| bad("a reference points at an earlier command"))?;
    match (kind, array) {
        ("item", false) => result
            .get("item")
            .and_then(|item| item.get(field))
            .cloned()
            .ok_or_else(|| bad("the referenced command has no such `item` field")),
        ("items", true) => {
            let items = result
                .get("items")
                .and_then(Value::as_array)
                .ok_or_else(|| bad("the referenced command has no `items`"))?;
            Ok(Value::Array(
                items
                    .iter()
                    .filter_map(|item| item.get(field).cloned())
                    .collect(),
            ))
        }
        _ => Err(bad(
            "`$ref` takes an `item` field, `$refArray` an `items` field",
        )),
    }
}
