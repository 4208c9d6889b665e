//! Streaming REST 3.0 lists, which carry no `total` and no `next`: by `[id, '>', last]` in
//! `id` order ([`V3::stream`]), or with the `cursor` of `*.tail` methods ([`V3::tail`]).
//! Either way a page shorter than asked does not end the stream (the server cuts a `limit`
//! above the method's cap silently); only an empty page does.

use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::query::{Direction, Op};
use super::{Items, Method, V3};
use crate::error::Error;
use crate::scope::Scope;
use crate::transport::excerpt;

/// The `cursor` of a `*.tail` method: items after `value` of `field`, in `order`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TailCursor {
    /// The field the cursor follows (`id`).
    pub field: String,
    /// Which way.
    pub order: Direction,
    /// Where to start: items strictly after this value.
    pub value: Value,
    /// Items per page.
    pub limit: u32,
}

impl TailCursor {
    /// Items with `field` after `value`, ascending, `limit` per page.
    pub fn after(field: impl Into<String>, value: impl Into<Value>, limit: u32) -> Self {
        TailCursor {
            field: field.into(),
            order: Direction::Asc,
            value: value.into(),
            limit,
        }
    }
}

/// What the next page's request looks like, given the base request and the last item's key.
enum Paging {
    /// `filter` + `[id, '>', last]`, `order: {id: ASC}`, `pagination: {limit}`.
    ById { limit: u32 },
    /// `cursor: {field, order, value: last, limit}`.
    Tail(TailCursor),
}

impl Paging {
    fn key(&self) -> &str {
        match self {
            Paging::ById { .. } => "id",
            Paging::Tail(cursor) => &cursor.field,
        }
    }

    /// The request of the page after `last` (the first page when `None`).
    fn page(
        &self,
        method: &str,
        base: &Map<String, Value>,
        last: Option<&Value>,
    ) -> Result<Value, Error> {
        let mut query = base.clone();
        match self {
            Paging::ById { limit } => {
                let mut filter = match query.remove("filter") {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Array(conditions)) => conditions,
                    Some(other) => {
                        return Err(Error::Config(format!(
                            "`{method}`: a REST 3.0 filter is an array of conditions, not {}",
                            excerpt(other.to_string().as_bytes())
                        )));
                    }
                };
                if let Some(last) = last {
                    filter.push(json!(["id", Op::Gt, last]));
                }
                query.insert(String::from("filter"), Value::Array(filter));
                query.insert(String::from("order"), json!({"id": Direction::Asc}));
                query.insert(String::from("pagination"), json!({"limit": limit}));
            }
            Paging::Tail(cursor) => {
                let mut cursor = cursor.clone();
                if let Some(last) = last {
                    cursor.value = last.clone();
                }
                query.insert(String::from("cursor"), json!(cursor));
            }
        }
        Ok(Value::Object(query))
    }
}

/// Whether `next` comes strictly after `last` in `order` (numbers and numeric strings as
/// numbers, other strings as text).
fn advances(last: &Value, next: &Value, order: Direction) -> bool {
    let number = |value: &Value| match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.parse::<f64>().ok(),
        _ => None,
    };
    let ordering = match (number(last), number(next)) {
        (Some(last), Some(next)) => next.partial_cmp(&last),
        _ => match (last, next) {
            (Value::String(last), Value::String(next)) => Some(next.cmp(last)),
            _ => None,
        },
    };
    matches!(
        (ordering, order),
        (Some(std::cmp::Ordering::Greater), Direction::Asc)
            | (Some(std::cmp::Ordering::Less), Direction::Desc)
    )
}

impl<'a> V3<'a> {
    /// Every item of a list method, once each, in `id` order: pages of `limit` items (cut to
    /// the method's [`PAGE_CAP`](Method::PAGE_CAP)) selected by the request's own filter plus
    /// `[id, '>', last id]`. The stream ends at the first empty page, never at a short one.
    ///
    /// The request's `order` and `pagination` are replaced; its `filter` must be an array
    /// (a [`Filter`](super::Filter)) or absent. A `limit` of 0 is refused before anything is
    /// sent; a server that sends an id not after the last one ends the stream with an error
    /// rather than looping.
    pub fn stream<M, T>(self, request: &M, limit: u32) -> impl Stream<Item = Result<T, Error>> + 'a
    where
        M: Method<Response = Items<T>>,
        T: DeserializeOwned + Send + 'a,
    {
        let paging = if limit == 0 {
            Err(Error::Config(format!(
                "`{}`: a page limit must be at least 1",
                M::NAME
            )))
        } else {
            Ok(Paging::ById {
                limit: limit.min(M::PAGE_CAP),
            })
        };
        self.pages(M::NAME, M::SCOPE, request, paging)
    }

    /// Every item of a `*.tail` method from `cursor` on: each page asks for the items after
    /// the last one's `cursor.field`. Ends at the first empty page.
    pub fn tail<M, T>(
        self,
        request: &M,
        cursor: TailCursor,
    ) -> impl Stream<Item = Result<T, Error>> + 'a
    where
        M: Method<Response = Items<T>>,
        T: DeserializeOwned + Send + 'a,
    {
        let paging = if cursor.limit == 0 {
            Err(Error::Config(format!(
                "`{}`: a cursor limit must be at least 1",
                M::NAME
            )))
        } else {
            Ok(Paging::Tail(TailCursor {
                limit: cursor.limit.min(M::PAGE_CAP),
                ..cursor
            }))
        };
        self.pages(M::NAME, M::SCOPE, request, paging)
    }

    fn pages<T: DeserializeOwned + Send + 'a>(
        self,
        method: &'static str,
        scope: Scope,
        request: &impl Serialize,
        paging: Result<Paging, Error>,
    ) -> impl Stream<Item = Result<T, Error>> + 'a {
        let start = paging.and_then(|paging| match crate::method::params_of(method, request)? {
            Value::Object(base) => Ok((paging, base)),
            _ => Err(Error::Config(format!(
                "`{method}`: the request must serialise to a JSON object"
            ))),
        });
        let order = match &start {
            Ok((Paging::Tail(cursor), _)) => cursor.order,
            _ => Direction::Asc,
        };
        // State: the paging, the base request, the last key, whether the end was reached.
        let state = start.map(|(paging, base)| (paging, base, None::<Value>, false));
        stream::try_unfold(Some(state), move |state| {
            let scope = scope.clone();
            async move {
                let Some(state) = state else {
                    return Ok(None);
                };
                let (paging, base, last, done) = state?;
                if done {
                    return Ok(None);
                }
                let query = paging.page(method, &base, last.as_ref())?;
                let answer = self
                    .send::<Items<Value>>(method, &scope, &query, true, None)
                    .await?;
                let items = answer.result.items;
                if items.is_empty() {
                    return Ok(Some((Vec::new(), Some(Ok((paging, base, last, true))))));
                }
                let mut next = last.clone();
                let mut page = Vec::with_capacity(items.len());
                for item in items {
                    let key = item.get(paging.key()).cloned().unwrap_or(Value::Null);
                    if let Some(previous) = &next
                        && !advances(previous, &key, order)
                    {
                        return Err(Error::Decode {
                            method: method.to_owned(),
                            path: format!("result.items[].{}", paging.key()),
                            message: format!(
                                "the page went back or stood still ({previous} then {key}); \
                                 the stream stops rather than repeat items"
                            ),
                            body: String::new(),
                        });
                    }
                    if key.is_null() {
                        return Err(Error::Decode {
                            method: method.to_owned(),
                            path: format!("result.items[].{}", paging.key()),
                            message: String::from("an item without the paging key"),
                            body: String::new(),
                        });
                    }
                    page.push(serde_json::from_value::<T>(item).map_err(|error| {
                        Error::Decode {
                            method: method.to_owned(),
                            path: String::from("result.items[]"),
                            message: error.to_string(),
                            body: String::new(),
                        }
                    })?);
                    next = Some(key);
                }
                Ok(Some((page, Some(Ok((paging, base, next, false))))))
            }
        })
        .map_ok(|page| stream::iter(page.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_add_the_id_condition_and_keep_the_filter() {
        let paging = Paging::ById { limit: 50 };
        let base = json!({"filter": [["status", "=", "pending"]], "select": ["id"]});
        let Value::Object(base) = base else {
            unreachable!()
        };
        let first = paging.page("tasks.task.list", &base, None).unwrap();
        assert_eq!(first["filter"], json!([["status", "=", "pending"]]));
        assert_eq!(first["order"], json!({"id": "ASC"}));
        assert_eq!(first["pagination"], json!({"limit": 50}));
        let next = paging
            .page("tasks.task.list", &base, Some(&json!(77)))
            .unwrap();
        assert_eq!(
            next["filter"],
            json!([["status", "=", "pending"], ["id", ">", 77]])
        );
        let Value::Object(odd) = json!({"filter": {"id": 1}}) else {
            unreachable!()
        };
        assert!(matches!(
            paging.page("x", &odd, None),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn tail_pages_move_the_cursor_to_the_last_key() {
        let paging = Paging::Tail(TailCursor::after("id", 0, 50));
        let Value::Object(base) = json!({"select": ["id"]}) else {
            unreachable!()
        };
        let first = paging.page("main.eventlog.tail", &base, None).unwrap();
        assert_eq!(
            first["cursor"],
            json!({"field": "id", "order": "ASC", "value": 0, "limit": 50})
        );
        let next = paging
            .page("main.eventlog.tail", &base, Some(&json!(812)))
            .unwrap();
        assert_eq!(next["cursor"]["value"], json!(812));
        assert_eq!(next["select"], json!(["id"]));
        assert!(next.get("filter").is_none() && next.get("pagination").is_none());
    }

    #[test]
    fn keys_must_advance() {
        assert!(advances(&json!(1), &json!(2), Direction::Asc));
        assert!(advances(&json!("9"), &json!(10), Direction::Asc));
        assert!(!advances(&json!(2), &json!(2), Direction::Asc));
        assert!(advances(&json!(5), &json!(4), Direction::Desc));
        assert!(!advances(&json!(1), &json!(null), Direction::Asc));
    }
}
