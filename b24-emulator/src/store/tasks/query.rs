//! `tasks.task.list` queries: `filter` with the portal's operator prefixes (`>=DEADLINE`,
//! `!STATUS`, `%TITLE`, lists meaning "any of"), `order` by any task field (then by ID),
//! `select` of fields (`*` or nothing: all; `UF_*`: every user field).

use std::cmp::Ordering;

use super::Task;
use super::schema::{self, FieldDef, Kind};
use crate::envelope::ApiError;
use crate::list::{self, Op};
use crate::store::crm::query::scalar_matches;
use crate::store::crm::schema::Kind as CrmKind;
use crate::value::Value;

/// The fields a record carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    fields: Option<Vec<&'static str>>,
    user_fields: Option<Vec<String>>,
}

impl Select {
    /// Every field and user field.
    pub fn all() -> Select {
        Select {
            fields: None,
            user_fields: None,
        }
    }

    /// The selection of a `select` parameter (absent, empty or with `*`: everything; `ID` is
    /// always there; unknown names are ignored).
    pub fn parse(select: Option<&Value>) -> Select {
        let names: Vec<String> = select
            .map(|s| {
                s.entries()
                    .into_iter()
                    .filter_map(|(_, v)| v.php_string())
                    .collect()
            })
            .unwrap_or_default();
        if names.is_empty() || names.iter().any(|n| n == "*") {
            return Select::all();
        }
        let mut fields = vec!["ID"];
        fields.extend(
            names
                .iter()
                .filter_map(|n| schema::find(n))
                .map(|f| f.upper),
        );
        let user_fields = if names.iter().any(|n| n.eq_ignore_ascii_case("UF_*")) {
            None
        } else {
            Some(
                names
                    .iter()
                    .filter(|n| n.to_ascii_uppercase().starts_with("UF_"))
                    .cloned()
                    .collect(),
            )
        };
        Select {
            fields: Some(fields),
            user_fields,
        }
    }

    /// Whether the field is selected.
    pub fn has(&self, field: &FieldDef) -> bool {
        self.fields
            .as_ref()
            .is_none_or(|f| f.contains(&field.upper))
    }

    /// Whether the user field is selected.
    pub fn has_user_field(&self, name: &str) -> bool {
        self.user_fields
            .as_ref()
            .is_none_or(|names| names.iter().any(|n| n.eq_ignore_ascii_case(name)))
    }
}

/// One condition of a filter.
#[derive(Debug, Clone)]
struct Cond {
    field: &'static FieldDef,
    op: Op,
    want: Value,
}

/// A list query: conditions (all must hold), order, selection.
#[derive(Debug, Clone)]
pub struct Query {
    conds: Vec<Cond>,
    order: Vec<(&'static FieldDef, bool)>,
    /// The fields of each record.
    pub select: Select,
}

/// How the crm comparison reads a task field's values.
fn compared_as(kind: Kind) -> CrmKind {
    match kind {
        Kind::Int | Kind::User | Kind::Users => CrmKind::Int,
        Kind::DateTime => CrmKind::DateTime,
        Kind::Flag => CrmKind::Char,
        Kind::Str | Kind::Texts => CrmKind::Str,
    }
}

impl Query {
    /// The query of `filter`, `order` and `select`. Filter keys the portal does not know (other
    /// fields, `::SUBFILTER-…`) are ignored; an order by an unknown field is the documented
    /// "Invalid sorting key" error.
    pub fn parse(
        filter: Option<&Value>,
        order: Option<&Value>,
        select: Option<&Value>,
    ) -> Result<Query, ApiError> {
        let mut conds = Vec::new();
        for (key, want) in filter.map(Value::entries).unwrap_or_default() {
            let (prefix, name) = list::split_key(&key);
            if let (Some(op), Some(field)) = (list::parse_op(prefix), schema::find(name)) {
                conds.push(Cond {
                    field,
                    op,
                    want: want.clone(),
                });
            }
        }
        let mut sort = Vec::new();
        for (key, direction) in order.map(Value::entries).unwrap_or_default() {
            let field = schema::find(&key)
                .ok_or_else(|| ApiError::new(400, "0", "Invalid sorting key (internal error)"))?;
            sort.push((field, list::descending(direction)?));
        }
        Ok(Query {
            conds,
            order: sort,
            select: Select::parse(select),
        })
    }

    /// Whether a task meets every condition.
    pub fn matches(&self, task: &Task) -> bool {
        self.conds.iter().all(|cond| {
            let have = task.value(cond.field);
            let kind = compared_as(cond.field.kind);
            list::test(cond.op, &cond.want, |op, want| {
                scalar_matches(Some(kind), have, op, want)
            })
        })
    }

    /// Sorts tasks by the order fields, then by ID.
    pub fn sort(&self, tasks: &mut [&Task]) {
        tasks.sort_by(|a, b| {
            self.order
                .iter()
                .map(|(field, descending)| {
                    let ordering = compare(field.kind, a.value(field), b.value(field));
                    if *descending {
                        ordering.reverse()
                    } else {
                        ordering
                    }
                })
                .find(|o| o.is_ne())
                .unwrap_or_else(|| a.id().cmp(&b.id()))
        });
    }
}

/// Orders two values of a field: numbers as numbers, `null` first, the rest as text.
fn compare(kind: Kind, a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        _ if matches!(kind, Kind::Int | Kind::User) => a.php_intval().cmp(&b.php_intval()),
        _ => a
            .php_string()
            .unwrap_or_default()
            .cmp(&b.php_string().unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Author, TaskStore};
    use super::*;

    fn store() -> TaskStore {
        let known = |_: i64| true;
        let author = Author {
            user: 1,
            now: 1_700_000_000,
            known_user: &known,
        };
        let mut store = TaskStore::default();
        for (title, responsible, priority) in [("Alpha", 1, 2), ("Beta", 2, 0), ("Gamma", 2, 1)] {
            let fields = Value::object([
                ("TITLE", Value::from(title)),
                ("RESPONSIBLE_ID", Value::Int(responsible)),
                ("PRIORITY", Value::Int(priority)),
            ]);
            store.add(&fields, author).expect("added");
        }
        store
    }

    fn titles(store: &TaskStore, query: &Query) -> Vec<String> {
        store
            .list(query, 0)
            .rows
            .iter()
            .filter_map(|r| r.get("title").and_then(Value::as_str).map(str::to_owned))
            .collect()
    }

    #[test]
    fn filters_orders_and_selects() {
        let store = store();
        let filter = Value::object([
            ("RESPONSIBLE_ID", Value::Int(2)),
            (
                "::SUBFILTER-PARAMS",
                Value::object([("FAVORITE", Value::from("Y"))]),
            ),
        ]);
        let order = Value::object([("PRIORITY", Value::from("desc"))]);
        let select = Value::List(vec![Value::from("TITLE")]);
        let query = Query::parse(Some(&filter), Some(&order), Some(&select)).expect("valid");
        assert_eq!(titles(&store, &query), ["Gamma", "Beta"]);
        let record = &store.list(&query, 0).rows[0];
        assert_eq!(
            record
                .entries()
                .into_iter()
                .map(|(k, _)| k)
                .collect::<Vec<_>>(),
            ["id", "title"]
        );
        let like = Value::object([("%TITLE", Value::from("amm"))]);
        let query = Query::parse(Some(&like), None, None).expect("valid");
        assert_eq!(titles(&store, &query), ["Gamma"]);
        let not = Value::object([("!ID", Value::List(vec![Value::Int(1), Value::Int(3)]))]);
        let query = Query::parse(Some(&not), None, None).expect("valid");
        assert_eq!(titles(&store, &query), ["Beta"]);
        let bad = Value::object([("NOPE", Value::from("asc"))]);
        assert!(Query::parse(None, Some(&bad), None).is_err());
    }
}
