//! The parts of a REST 3.0 list request: `filter` (triples `[field, op, value]` and
//! `{"logic": "or", "conditions": […]}` groups), `select` (fields, also of related objects),
//! `order` and `pagination`.
//!
//! ```
//! use b24_core::v3::{Filter, Select};
//!
//! let filter = Filter::new()
//!     .eq("status", "pending")
//!     .gt("id", 1000)
//!     .or(|group| group.eq("responsibleId", 7).is_in("createdBy", [7, 9]));
//! assert_eq!(
//!     serde_json::to_value(&filter).unwrap(),
//!     serde_json::json!([
//!         ["status", "=", "pending"],
//!         ["id", ">", 1000],
//!         {"logic": "or", "conditions": [["responsibleId", "=", 7], ["createdBy", "in", [7, 9]]]}
//!     ])
//! );
//! let select = Select::fields(["id", "title"]).related("responsible", ["id", "name"]);
//! assert_eq!(
//!     serde_json::to_value(&select).unwrap(),
//!     serde_json::json!(["id", "title", "responsible.id", "responsible.name"])
//! );
//! ```

use std::fmt;
use std::str::FromStr;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use crate::error::Error;

/// The filter operators, one line each: the variant, its text on the wire and, for the ones
/// that compare with one value, the [`Filter`] method that adds it. The enum, [`Op::ALL`],
/// [`Op::as_str`] and those methods all come from this one table.
macro_rules! filter_ops {
    ($($(#[doc = $doc:literal])* $variant:ident = $text:literal $(=> $method:ident)?;)*) => {
        /// A filter operator; the server knows these and no others.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Op {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Op {
            /// Every operator.
            pub const ALL: [Op; [$(stringify!($variant)),*].len()] = [$(Op::$variant),*];

            /// The operator as sent.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Op::$variant => $text,)*
                }
            }
        }

        impl Filter {
            $($(
                #[doc = concat!("`field ", $text, " value`.")]
                pub fn $method(self, field: impl Into<String>, value: impl Into<Value>) -> Self {
                    self.triple(field, Op::$variant, value)
                }
            )?)*
        }
    };
}

filter_ops! {
    /// `=`
    Eq = "=" => eq;
    /// `!=`
    Ne = "!=" => ne;
    /// `>`
    Gt = ">" => gt;
    /// `>=`
    Ge = ">=" => ge;
    /// `<`
    Lt = "<" => lt;
    /// `<=`
    Le = "<=" => le;
    /// `in`: the value is an array.
    In = "in";
    /// `between`: the value is `[from, to]`.
    Between = "between";
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Op {
    type Err = Error;

    /// Reads an operator written as text (from a configuration, a command line); an unknown
    /// one is refused here rather than by the server.
    fn from_str(text: &str) -> Result<Op, Error> {
        Op::ALL
            .into_iter()
            .find(|op| op.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| {
                Error::Config(format!(
                    "unknown REST 3.0 filter operator `{text}`; the operators are = != > >= < <= \
                     in between"
                ))
            })
    }
}

impl Serialize for Op {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One condition of a filter.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// `[field, op, value]`.
    Triple {
        /// The field (of the object, or `related.field`).
        field: String,
        /// The comparison.
        op: Op,
        /// The operand: an array for `in`, `[from, to]` for `between`.
        value: Value,
    },
    /// `{"logic": "or", "conditions": […]}`: any of the conditions.
    Or(Vec<Condition>),
}

impl Serialize for Condition {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Condition::Triple { field, op, value } => {
                let mut triple = serializer.serialize_seq(Some(3))?;
                triple.serialize_element(field)?;
                triple.serialize_element(op)?;
                triple.serialize_element(value)?;
                triple.end()
            }
            Condition::Or(conditions) => {
                let mut group = serializer.serialize_map(Some(2))?;
                group.serialize_entry("logic", "or")?;
                group.serialize_entry("conditions", conditions)?;
                group.end()
            }
        }
    }
}

/// A REST 3.0 filter: every condition must hold. Serialises to the array the server reads.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Filter {
    conditions: Vec<Condition>,
}

impl Filter {
    /// A filter that keeps everything.
    pub fn new() -> Self {
        Filter::default()
    }

    /// Adds `[field, op, value]`.
    pub fn triple(mut self, field: impl Into<String>, op: Op, value: impl Into<Value>) -> Self {
        self.conditions.push(Condition::Triple {
            field: field.into(),
            op,
            value: value.into(),
        });
        self
    }

    /// `field in [values]`.
    pub fn is_in<V: Into<Value>>(
        self,
        field: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        let values: Vec<Value> = values.into_iter().map(Into::into).collect();
        self.triple(field, Op::In, values)
    }

    /// `from <= field <= to`.
    pub fn between(
        self,
        field: impl Into<String>,
        from: impl Into<Value>,
        to: impl Into<Value>,
    ) -> Self {
        self.triple(field, Op::Between, vec![from.into(), to.into()])
    }

    /// Adds a group of which any condition must hold, built by `group` on an empty filter.
    pub fn or(mut self, group: impl FnOnce(Filter) -> Filter) -> Self {
        self.conditions
            .push(Condition::Or(group(Filter::new()).conditions));
        self
    }

    /// The conditions, in order.
    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }

    /// Whether there is no condition.
    pub fn is_empty(&self) -> bool {
        self.conditions.is_empty()
    }
}

/// The fields a list or get returns; `relation.field` reaches into a related object
/// (`responsible.name`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Select(Vec<String>);

impl Select {
    /// These fields of the object itself.
    pub fn fields<S: Into<String>>(fields: impl IntoIterator<Item = S>) -> Self {
        Select(fields.into_iter().map(Into::into).collect())
    }

    /// Adds fields of the related object `relation` (`relation.field`).
    pub fn related<S: AsRef<str>>(
        mut self,
        relation: &str,
        fields: impl IntoIterator<Item = S>,
    ) -> Self {
        self.0.extend(
            fields
                .into_iter()
                .map(|field| format!("{relation}.{}", field.as_ref())),
        );
        self
    }

    /// The selected paths.
    pub fn paths(&self) -> &[String] {
        &self.0
    }
}

/// Sort direction of `order`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    /// Ascending.
    #[serde(rename = "ASC")]
    Asc,
    /// Descending.
    #[serde(rename = "DESC")]
    Desc,
}

/// `pagination`: which page of how many items.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Pagination {
    /// The page, from 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Items per page; the server clamps it to the method's cap without saying so, and
    /// refuses 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Items to skip before the page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

impl Pagination {
    /// The first page of `limit` items.
    pub fn limit(limit: u32) -> Self {
        Pagination {
            limit: Some(limit),
            ..Pagination::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_round_trip_and_unknown_ones_are_refused() {
        for op in Op::ALL {
            assert_eq!(op.as_str().parse::<Op>().unwrap(), op);
        }
        for bad in ["=~", "like", "", ">>", "%"] {
            assert!(matches!(bad.parse::<Op>(), Err(Error::Config(_))), "{bad}");
        }
    }

    #[test]
    fn between_and_in_take_their_shapes() {
        let filter = Filter::new()
            .between("deadline", "2026-01-01", "2026-12-31")
            .is_in("id", [1, 2, 3])
            .ne("status", "completed")
            .le("priority", 2);
        assert_eq!(
            serde_json::to_value(&filter).unwrap(),
            serde_json::json!([
                ["deadline", "between", ["2026-01-01", "2026-12-31"]],
                ["id", "in", [1, 2, 3]],
                ["status", "!=", "completed"],
                ["priority", "<=", 2]
            ])
        );
    }
}
