//! Typed `filter` and `order` parameters of list methods, with field names checked at compile
//! time.
//!
//! A list method takes `filter` as a map `{"<prefix><FIELD>": value}`, where the prefix names
//! the operation (`>ID`, `%TITLE`, `@STAGE_ID`), and `order` as `{FIELD: "ASC"|"DESC"}`
//! (PROTOCOL §7; the `crm.deal.list` and `crm.item.list` pages). A [`Filter`] and an [`Order`]
//! are typed by an entity's [`FieldSet`]: a field enum such as [`DealField`], so a misspelt
//! field does not compile, and each operator is a method, so a misspelt prefix cannot happen.
//! Both convert into [`serde_json::Value`], which is what the generated list requests'
//! `with_filter` / `with_order` setters take, and both implement `Serialize` for request structs
//! of your own.
//!
//! ```
//! use b24_core::filter::{DealField, Filter, Order};
//! use serde_json::{Value, json};
//!
//! let filter = Filter::new()
//!     .gt(DealField::Id, 100)
//!     .contains(DealField::Title, "Acme")
//!     .any_of(DealField::StageId, ["NEW", "WON"])
//!     .eq(DealField::custom("UF_CRM_1725365197310"), "Y");
//! let order = Order::new().asc(DealField::Id);
//!
//! assert_eq!(
//!     Value::from(filter),
//!     json!({
//!         ">ID": 100,
//!         "%TITLE": "Acme",
//!         "@STAGE_ID": ["NEW", "WON"],
//!         "UF_CRM_1725365197310": "Y"
//!     })
//! );
//! assert_eq!(Value::from(order), json!({"ID": "ASC"}));
//! ```
//!
//! The generated list requests of `b24-methods` take them as they are
//! (`CrmDealList::default().with_filter(filter).with_order(order)`); a request struct of your
//! own holds them as fields:
//!
//! ```no_run
//! use b24_core::filter::{DealField, Filter, Order};
//! use b24_core::{Client, b24_method};
//!
//! #[derive(serde::Deserialize)]
//! struct Deal {
//!     #[serde(rename = "ID")]
//!     id: b24_core::Id,
//! }
//!
//! /// `crm.deal.list` with typed parameters.
//! #[b24_method("crm.deal.list", scope = "crm", response = Vec<Deal>, read_only, list)]
//! #[derive(serde::Serialize)]
//! struct DealList {
//!     filter: Filter<DealField>,
//!     order: Order<DealField>,
//! }
//!
//! # async fn demo(client: Client) -> Result<(), b24_core::Error> {
//! let big_open_deals = DealList {
//!     filter: Filter::new()
//!         .gte(DealField::Opportunity, 5000)
//!         .not_eq(DealField::Closed, b24_core::YesNo(true)),
//!     order: Order::new().desc(DealField::DateCreate),
//! };
//! for deal in client.call(&big_open_deals).await? {
//!     println!("{}", deal.id);
//! }
//! # Ok(()) }
//! ```
//!
//! # Field sets
//!
//! The field sets of the entities users touch first are here, taken from the documented field
//! tables: [`DealField`], [`ContactField`], [`LeadField`], [`CompanyField`] (the legacy
//! `crm.*.list` methods, UPPER_CASE) and [`ItemField`] (`crm.item.list`, camelCase). Each has a
//! `Custom` variant for what its table does not list — user fields (`UF_CRM_…`, `ufCrm…`),
//! parent links (`PARENT_ID_…`, `parentId…`) — so those stay reachable while the documented
//! names keep their compile-time check. Any other entity gets a field set from
//! [`field_set!`](crate::field_set), e.g. a smart process with its own user fields:
//!
//! ```
//! use b24_core::filter::{Filter, FieldSet};
//!
//! b24_core::field_set! {
//!     /// The fields of our "Shipment" smart process that we filter on.
//!     pub enum ShipmentField {
//!         Id = "id",
//!         StageId = "stageId",
//!         Weight = "ufCrm7_1721812948498",
//!     }
//! }
//!
//! let heavy = Filter::new().gte(ShipmentField::Weight, 1000);
//! assert_eq!(ShipmentField::Weight.wire_name(), "ufCrm7_1721812948498");
//! assert_eq!(serde_json::Value::from(heavy), serde_json::json!({">=ufCrm7_1721812948498": 1000}));
//! ```

mod crm;

use std::marker::PhantomData;

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

pub use crm::{CompanyField, ContactField, DealField, ItemField, LeadField};

/// The fields of one entity, as names on the wire: what a [`Filter`] or [`Order`] is typed by.
///
/// Implemented by the enums [`field_set!`](crate::field_set) declares.
pub trait FieldSet {
    /// The field's name as the method spells it (`STAGE_ID`, `stageId`).
    fn wire_name(&self) -> &str;
}

/// Declares a [`FieldSet`]: an enum with one variant per field, each given its wire name, plus
/// a `Custom` variant (and a `custom(name)` constructor) for fields the table does not list.
///
/// ```
/// b24_core::field_set! {
///     /// Fields of a task (`tasks.task.list`).
///     pub enum TaskField {
///         Id = "ID",
///         Title = "TITLE",
///     }
/// }
/// ```
#[macro_export]
macro_rules! field_set {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident { $($variant:ident = $wire:literal),* $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $(
                #[doc = concat!("`", $wire, "`.")]
                $variant,
            )*
            /// A field by its wire name, for what the table does not list: a user field
            /// (`UF_CRM_…`, `ufCrm…`), a parent link (`PARENT_ID_…`, `parentId…`), or a field of
            /// a newer portal.
            Custom(::std::borrow::Cow<'static, str>),
        }

        impl $name {
            /// A field the table does not list, by its wire name (see the `Custom` variant).
            pub fn custom<N>(name: N) -> Self
            where
                N: ::core::convert::Into<::std::borrow::Cow<'static, str>>,
            {
                $name::Custom(name.into())
            }
        }

        impl $crate::filter::FieldSet for $name {
            fn wire_name(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )*
                    $name::Custom(name) => name,
                }
            }
        }
    };
}

/// A filter operation: the prefix of a filter key (the `crm.deal.list` and `crm.item.list`
/// pages list them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operator {
    /// Exact match, no prefix (the documented default; `=` means the same).
    Equal,
    /// `!`: not equal.
    NotEqual,
    /// `>`.
    Greater,
    /// `>=`.
    GreaterOrEqual,
    /// `<`.
    Less,
    /// `<=`.
    LessOrEqual,
    /// `%`: the value is a substring, anywhere in the field (no `%` in the value).
    Contains,
    /// `!%`: the value is not a substring of the field (documented for `crm.item.list`).
    NotContains,
    /// `=%`: SQL `LIKE` with the value's own `%` wildcards (`"mol%"` starts with "mol").
    Like,
    /// `%=`: the documentation's other spelling of [`Like`](Self::Like).
    LikeAlias,
    /// `!=%`: SQL `NOT LIKE` with the value's own `%` wildcards (documented for
    /// `crm.item.list`).
    NotLike,
    /// `@`: the field is one of a list.
    In,
    /// `!@`: the field is none of a list.
    NotIn,
}

impl Operator {
    /// Every operator, in the order of the enum.
    pub const ALL: [Operator; 13] = [
        Operator::Equal,
        Operator::NotEqual,
        Operator::Greater,
        Operator::GreaterOrEqual,
        Operator::Less,
        Operator::LessOrEqual,
        Operator::Contains,
        Operator::NotContains,
        Operator::Like,
        Operator::LikeAlias,
        Operator::NotLike,
        Operator::In,
        Operator::NotIn,
    ];

    /// The key prefix on the wire.
    pub const fn prefix(self) -> &'static str {
        match self {
            Operator::Equal => "",
            Operator::NotEqual => "!",
            Operator::Greater => ">",
            Operator::GreaterOrEqual => ">=",
            Operator::Less => "<",
            Operator::LessOrEqual => "<=",
            Operator::Contains => "%",
            Operator::NotContains => "!%",
            Operator::Like => "=%",
            Operator::LikeAlias => "%=",
            Operator::NotLike => "!=%",
            Operator::In => "@",
            Operator::NotIn => "!@",
        }
    }
}

/// The `filter` of a list method over the fields `F`: conditions combined with AND, serialising
/// to `{"<prefix><FIELD>": value, …}` in the order they were added.
///
/// One key holds one condition, so a second condition with the same operator on the same field
/// replaces the first (`gt(Id, 5).gt(Id, 7)` is `>ID: 7`); a range takes two operators
/// (`gte(…).lte(…)`). Values are anything that converts into [`serde_json::Value`]: numbers,
/// strings, `bool`, [`Id`](crate::Id), [`YesNo`](crate::YesNo).
#[derive(Clone, Debug, PartialEq)]
pub struct Filter<F> {
    conditions: Map<String, Value>,
    /// How many [`or_group`](Self::or_group)s were added: the next one's numeric key.
    groups: usize,
    fields: PhantomData<fn(F)>,
}

impl<F: FieldSet> Filter<F> {
    /// An empty filter (every record).
    pub fn new() -> Self {
        Filter {
            conditions: Map::new(),
            groups: 0,
            fields: PhantomData,
        }
    }

    /// Adds the condition `field <operator> value`.
    #[must_use]
    pub fn condition(mut self, field: F, operator: Operator, value: impl Into<Value>) -> Self {
        let key = format!("{}{}", operator.prefix(), field.wire_name());
        self.conditions.insert(key, value.into());
        self
    }

    /// `@FIELD`: the field equals one of `values`.
    #[must_use]
    pub fn any_of<V: Into<Value>>(self, field: F, values: impl IntoIterator<Item = V>) -> Self {
        self.condition(field, Operator::In, list(values))
    }

    /// `!@FIELD`: the field equals none of `values`.
    #[must_use]
    pub fn none_of<V: Into<Value>>(self, field: F, values: impl IntoIterator<Item = V>) -> Self {
        self.condition(field, Operator::NotIn, list(values))
    }

    /// A group that holds when at least one of `alternatives` holds, ANDed with the rest:
    /// `{"0": {"logic": "OR", "0": {…}, "1": {…}}}`. Nested groups are documented for
    /// `crm.item.list`; the legacy `crm.*.list` methods do not take them.
    #[must_use]
    pub fn or_group(mut self, alternatives: impl IntoIterator<Item = Filter<F>>) -> Self {
        let mut group = Map::new();
        group.insert("logic".to_owned(), Value::from("OR"));
        for (index, alternative) in alternatives.into_iter().enumerate() {
            group.insert(index.to_string(), Value::Object(alternative.conditions));
        }
        self.conditions
            .insert(self.groups.to_string(), Value::Object(group));
        self.groups += 1;
        self
    }

    /// Whether no condition was added (the filter selects every record).
    pub fn is_empty(&self) -> bool {
        self.conditions.is_empty()
    }
}

/// The one-condition methods of [`Filter`]: `name(argument) => Operator`, each documented.
macro_rules! operator_methods {
    ($($(#[$doc:meta])* $name:ident($argument:ident) => $operator:ident;)*) => {
        impl<F: FieldSet> Filter<F> {
            $(
                $(#[$doc])*
                #[must_use]
                pub fn $name(self, field: F, $argument: impl Into<Value>) -> Self {
                    self.condition(field, Operator::$operator, $argument)
                }
            )*
        }
    };
}

operator_methods! {
    /// `FIELD`: the field equals `value`.
    eq(value) => Equal;
    /// `!FIELD`: the field does not equal `value`.
    not_eq(value) => NotEqual;
    /// `>FIELD`: the field is greater than `value`.
    gt(value) => Greater;
    /// `>=FIELD`: the field is greater than or equal to `value`.
    gte(value) => GreaterOrEqual;
    /// `<FIELD`: the field is less than `value`.
    lt(value) => Less;
    /// `<=FIELD`: the field is less than or equal to `value`.
    lte(value) => LessOrEqual;
    /// `%FIELD`: the field contains `text` anywhere (a `LIKE` without wildcards to write).
    /// The documentation notes that `LIKE` does not work on `crm_status`, `crm_contact` and
    /// `crm_company` fields (`STAGE_ID`, `TYPE_ID`, …).
    contains(text) => Contains;
    /// `!%FIELD`: the field does not contain `text` (documented for `crm.item.list`).
    not_contains(text) => NotContains;
    /// `=%FIELD`: the field matches the SQL `LIKE` `pattern`, whose `%` wildcards are written
    /// out (`"Acme%"` starts with "Acme", `"%Ltd"` ends with "Ltd").
    like(pattern) => Like;
    /// `!=%FIELD`: the field does not match the SQL `LIKE` `pattern` (documented for
    /// `crm.item.list`).
    not_like(pattern) => NotLike;
}

/// `values` as a JSON array.
fn list<V: Into<Value>>(values: impl IntoIterator<Item = V>) -> Value {
    Value::Array(values.into_iter().map(Into::into).collect())
}

impl<F: FieldSet> Default for Filter<F> {
    fn default() -> Self {
        Filter::new()
    }
}

/// A sort direction of [`Order`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `ASC`: smallest first.
    Ascending,
    /// `DESC`: largest first.
    Descending,
}

impl Direction {
    /// `ASC` or `DESC`.
    pub const fn wire_name(self) -> &'static str {
        match self {
            Direction::Ascending => "ASC",
            Direction::Descending => "DESC",
        }
    }
}

/// The `order` of a list method over the fields `F`: `{FIELD: "ASC"|"DESC", …}`, sorting by
/// the first field, then the next, in the order they were added. Naming a field again changes
/// its direction and keeps its place.
#[derive(Clone, Debug, PartialEq)]
pub struct Order<F> {
    fields: Map<String, Value>,
    set: PhantomData<fn(F)>,
}

impl<F: FieldSet> Order<F> {
    /// No order (the method's default).
    pub fn new() -> Self {
        Order {
            fields: Map::new(),
            set: PhantomData,
        }
    }

    /// Sorts by `field` in `direction` (after the fields added before).
    #[must_use]
    pub fn by(mut self, field: F, direction: Direction) -> Self {
        self.fields.insert(
            field.wire_name().to_owned(),
            Value::from(direction.wire_name()),
        );
        self
    }

    /// Sorts by `field`, smallest first.
    #[must_use]
    pub fn asc(self, field: F) -> Self {
        self.by(field, Direction::Ascending)
    }

    /// Sorts by `field`, largest first.
    #[must_use]
    pub fn desc(self, field: F) -> Self {
        self.by(field, Direction::Descending)
    }
}

impl<F: FieldSet> Default for Order<F> {
    fn default() -> Self {
        Order::new()
    }
}

/// `From<$typed> for Value` and `Serialize`: the JSON object in the field `$map`.
macro_rules! json_object {
    ($($typed:ident.$map:ident),*) => {$(
        impl<F> From<$typed<F>> for Value {
            fn from(typed: $typed<F>) -> Value {
                Value::Object(typed.$map)
            }
        }

        impl<F> Serialize for $typed<F> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.$map.serialize(serializer)
            }
        }
    )*};
}

json_object!(Filter.conditions, Order.fields);

// The wire types as filter values, so `eq(DealField::Opened, YesNo(true))` reads as typed.
impl From<crate::YesNo> for Value {
    fn from(flag: crate::YesNo) -> Value {
        Value::from(if flag.0 { "Y" } else { "N" })
    }
}

impl From<crate::Id> for Value {
    fn from(id: crate::Id) -> Value {
        Value::from(id.0)
    }
}

#[cfg(test)]
mod tests;
