//! Finding out what happened to rows whose outcome is unknown: each row carries a unique marker
//! (a key column of the input, or a value b24 wrote into a marker field), and the list method
//! is asked which markers exist — before anything is sent again.

use std::collections::HashMap;

use b24_core::form::to_query_string;
use serde_json::{Map, Value, json};

use crate::batch_answer::{PAGE_SIZE, keyed, sub_error};
use crate::connect::Session;
use crate::exit::Failure;
use crate::output::list_items;

/// Markers per list command: a page holds 50 items, so even a marker written twice fits.
const MARKERS_PER_COMMAND: usize = 25;
/// List commands per request.
const COMMANDS_PER_REQUEST: usize = 40;
/// Attempts per lookup request (a read: safe to repeat when its answer is lost).
const ATTEMPTS: u32 = 6;

/// How rows are found on the portal.
pub struct Finder {
    /// The list method.
    pub method: String,
    /// Where its items are inside `result` (`None`: `result` is the list).
    pub items_key: Option<String>,
    /// The field holding the marker.
    pub field: String,
    /// Parameters every lookup carries (e.g. `entityTypeId`).
    pub base: Value,
}

impl Finder {
    /// The IDs written for each of `markers` (ascending; more than one means a duplicate).
    pub async fn find(
        &self,
        session: &Session,
        markers: &[String],
    ) -> Result<HashMap<String, Vec<i64>>, Failure> {
        let mut found: HashMap<String, Vec<i64>> = HashMap::new();
        let mut queue: Vec<Vec<String>> = markers
            .chunks(MARKERS_PER_COMMAND)
            .map(<[String]>::to_vec)
            .collect();
        while !queue.is_empty() {
            let take = queue.len().min(COMMANDS_PER_REQUEST);
            let group: Vec<Vec<String>> = queue.drain(..take).collect();
            let mut cmd = Map::new();
            for (index, chunk) in group.iter().enumerate() {
                let mut params = self.base.clone();
                params["filter"] = json!({ format!("@{}", self.field): chunk });
                params["select"] = json!(["ID", "id", self.field]);
                cmd.insert(
                    format!("f{index}"),
                    Value::String(format!("{}?{}", self.method, to_query_string(&params))),
                );
            }
            let result = self
                .lookup(session, &json!({ "halt": 0, "cmd": cmd }))
                .await?;
            for (index, chunk) in group.into_iter().enumerate() {
                let key = format!("f{index}");
                if let Some(error) = keyed(&result, "result_error", &key) {
                    return Err(sub_error(&self.method, error));
                }
                let items = keyed(&result, "result", &key)
                    .and_then(|page| list_items(page, self.items_key.as_deref()))
                    .unwrap_or_default();
                if items.len() >= PAGE_SIZE && chunk.len() > 1 {
                    // A full page may hide more: ask for these markers one by one.
                    queue.extend(chunk.into_iter().map(|marker| vec![marker]));
                    continue;
                }
                for item in items {
                    let marker = item.get(&self.field).and_then(text);
                    let id = item.get("ID").or_else(|| item.get("id")).and_then(number);
                    if let (Some(marker), Some(id)) = (marker, id) {
                        found.entry(marker).or_default().push(id);
                    }
                }
            }
        }
        for ids in found.values_mut() {
            ids.sort_unstable();
            ids.dedup();
        }
        Ok(found)
    }

    async fn lookup(&self, session: &Session, body: &Value) -> Result<Value, Failure> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match session.call("batch", body).await {
                Ok(envelope) => return Ok(envelope.result),
                Err(b24_core::Error::UnknownOutcome { .. } | b24_core::Error::Transport { .. })
                    if attempt < ATTEMPTS =>
                {
                    tokio::time::sleep(std::time::Duration::from_millis(200 << attempt)).await;
                }
                Err(error) => return Err(error.into()),
            }
        }
    }
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// An ID sent as a number or a numeric string.
pub fn number(value: &Value) -> Option<i64> {
    value
        .as_i64()
        .or_else(|| value.as_str()?.trim().parse().ok())
}

/// The ID in a write method's `result`: the result itself, or an `id`/`ID` field of it or of
/// the object it holds (`{"item": {"id": 5}}`).
pub fn id_of(result: &Value) -> Option<i64> {
    if let Some(id) = number(result) {
        return Some(id);
    }
    let object = result.as_object()?;
    if let Some(id) = object
        .get("id")
        .or_else(|| object.get("ID"))
        .and_then(number)
    {
        return Some(id);
    }
    object
        .values()
        .filter_map(Value::as_object)
        .find_map(|inner| inner.get("id").or_else(|| inner.get("ID")).and_then(number))
}
