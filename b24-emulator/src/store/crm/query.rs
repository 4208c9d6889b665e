//! The query engine of CRM lists (PROTOCOL §7): field resolution in both naming styles,
//! `select`, `filter` (prefixes, nested `LOGIC: OR` groups, multi-fields), `order`, pages of 50
//! and `start=-1`, and rendering of records.
//!
//! A list ordered by `ID` (or not ordered) walks the map in key order from the bound given by an
//! `ID` filter (`>ID`, `>=ID`, `<ID`, `<=ID`, `=ID`), so the export pattern `order ID ASC` +
//! `>ID` + `start=-1` costs O(log n + 50); counting for `total` walks every match, as the real
//! database does.

use std::cmp::Ordering;
use std::ops::Bound;

use super::schema::{Kind, Style, item_name, styled_name, to_camel, uf_from_camel};
use super::{Record, Table};
use crate::envelope::ApiError;
use crate::list::{self, Op, PAGE_SIZE, Page};
use crate::value::Value;

/// A field reference inside a table.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldRef {
    /// A schema field by position.
    Std(usize),
    /// A user field by UPPER name.
    Uf(String),
}

impl Table {
    /// Resolves a field name of `style` (legacy names are accepted by `crm.item.*` too).
    pub fn resolve(&self, style: Style, name: &str) -> Option<FieldRef> {
        match style {
            Style::Legacy => {
                if let Some(i) = self.field_index(name) {
                    return Some(FieldRef::Std(i));
                }
                let upper = name.to_ascii_uppercase();
                upper.starts_with("UF_").then_some(FieldRef::Uf(upper))
            }
            Style::Item => {
                if let Some(i) = self
                    .fields
                    .iter()
                    .position(|f| item_name(f).eq_ignore_ascii_case(name))
                {
                    return Some(FieldRef::Std(i));
                }
                if name.starts_with("ufCrm") || name.to_ascii_uppercase().starts_with("UF_CRM_") {
                    return Some(FieldRef::Uf(uf_from_camel(name)));
                }
                self.field_index(name).map(FieldRef::Std)
            }
        }
    }

    fn field_value(&self, id: i64, record: &Record, field: &FieldRef) -> Value {
        match field {
            FieldRef::Std(i) => self.value(id, record, *i),
            FieldRef::Uf(name) => record
                .uf()
                .iter()
                .find(|(k, _)| k == name)
                .map_or(Value::Null, |(_, v)| v.clone()),
        }
    }

    /// A record with every field (multi-fields included in the legacy style) and every user
    /// field, as `*.get` answers; `None` when there is no such record.
    pub fn get(&self, id: i64, style: Style) -> Option<Value> {
        let record = self.records.get(&id)?;
        let sel = Selection::default_for(self, style, true);
        Some(self.render(id, record, &sel, style))
    }

    fn render(&self, id: i64, record: &Record, sel: &Selection, style: Style) -> Value {
        let mut out: Vec<(String, Value)> = Vec::with_capacity(sel.fields.len() + 2);
        for &i in &sel.fields {
            let def = &self.fields[i];
            out.push((
                styled_name(def, style),
                render(def.kind, self.value(id, record, i), style),
            ));
        }
        for (k, v) in record.uf() {
            if sel.all_uf || sel.uf.contains(k) {
                let name = match style {
                    Style::Legacy => k.clone(),
                    Style::Item => to_camel(k),
                };
                out.push((name, v.clone()));
            }
        }
        Value::Map(out)
    }

    /// One page of a list call: `select`, `filter`, `order`, `start`. `legacy` matches the
    /// parameter names case-insensitively (legacy methods do).
    pub fn list(
        &self,
        style: Style,
        params: &Value,
        legacy: bool,
    ) -> Result<Page<Value>, ApiError> {
        let get = |k: &str| {
            if legacy {
                params.get_ci(k)
            } else {
                params.get(k)
            }
        };
        for key in ["filter", "order", "select"] {
            if let Some(v) = get(key)
                && !matches!(v, Value::Map(_) | Value::List(_))
                && v.php_string().is_some_and(|s| !s.is_empty())
            {
                return Err(ApiError::new(
                    400,
                    "",
                    format!("Parameter '{key}' must be array."),
                ));
            }
        }
        let conds = match get("filter") {
            Some(f @ (Value::Map(_) | Value::List(_))) => parse_filter(self, style, f, 0)?,
            _ => Vec::new(),
        };
        let order = parse_order(self, style, get("order"))?;
        let sel = Selection::parse(self, style, get("select"));
        let start = params.get("start").map_or(0, Value::php_intval);
        let counting = start != -1;
        let offset = list::offset(start);
        let skip = usize::try_from(offset).unwrap_or(usize::MAX);
        let by_id = match order.as_slice() {
            [] => Some(false),
            [(FieldRef::Std(0), desc)] => Some(*desc),
            _ => None,
        };
        let row = |(id, record): (&i64, &Record)| self.render(*id, record, &sel, style);
        let matching =
            |(id, record): &(&i64, &Record)| conds.iter().all(|c| c.matches(self, **id, record));
        let (rows, total) = match by_id {
            Some(desc) => {
                let range = id_range(&conds);
                let walk: Box<dyn Iterator<Item = (&i64, &Record)>> = match range {
                    None => Box::new(std::iter::empty()),
                    Some(range) if desc => Box::new(self.records.range(range).rev()),
                    Some(range) => Box::new(self.records.range(range)),
                };
                let whole_table = conds.is_empty() && range == Some(UNBOUNDED);
                if whole_table && counting {
                    let rows = walk.skip(skip).take(PAGE_SIZE as usize).map(row);
                    (rows.collect(), self.records.len())
                } else {
                    let mut rows = Vec::with_capacity(PAGE_SIZE as usize);
                    let mut matched = 0usize;
                    for entry in walk.filter(matching) {
                        if matched >= skip && rows.len() < PAGE_SIZE as usize {
                            rows.push(row(entry));
                        }
                        matched += 1;
                        if !counting && rows.len() >= PAGE_SIZE as usize {
                            break;
                        }
                    }
                    (rows, matched)
                }
            }
            None => {
                let mut keyed: Vec<(Vec<Value>, (&i64, &Record))> = self
                    .records
                    .iter()
                    .filter(matching)
                    .map(|(id, rec)| {
                        let keys = order
                            .iter()
                            .map(|(f, _)| self.field_value(*id, rec, f))
                            .collect();
                        (keys, (id, rec))
                    })
                    .collect();
                keyed.sort_by(|(ka, (ia, _)), (kb, (ib, _))| {
                    order
                        .iter()
                        .enumerate()
                        .map(|(i, (_, desc))| {
                            let o = sort_cmp(&ka[i], &kb[i]);
                            if *desc { o.reverse() } else { o }
                        })
                        .find(|o| o.is_ne())
                        .unwrap_or_else(|| ia.cmp(ib))
                });
                let total = keyed.len();
                let rows = keyed.into_iter().skip(skip).take(PAGE_SIZE as usize);
                (rows.map(|(_, entry)| row(entry)).collect(), total)
            }
        };
        Ok(if counting {
            Page::counted(rows, offset, i64::try_from(total).unwrap_or(i64::MAX))
        } else {
            Page::uncounted(rows)
        })
    }
}

fn render(kind: Kind, value: Value, style: Style) -> Value {
    match (style, value) {
        (_, Value::Null) => Value::Null,
        (Style::Legacy, v) if kind.is_integer() => Value::from(v.php_intval().to_string()),
        (Style::Legacy, v) if kind == Kind::Double => Value::from(format!("{:.2}", as_f64(&v))),
        (Style::Item, v) if kind.is_integer() => Value::Int(v.php_intval()),
        (Style::Item, v) if kind == Kind::Double => {
            let x = as_f64(&v);
            if x.fract() == 0.0 && x.abs() < 9.0e15 {
                Value::Int(x as i64)
            } else {
                Value::Float(x)
            }
        }
        (_, v) => v,
    }
}

/// A number as PHP's `floatval` would read it (0 for non-numbers).
pub fn as_f64(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Float(x) => *x,
        Value::Str(s) => s.trim().parse::<f64>().unwrap_or(0.0),
        Value::Bool(b) => f64::from(u8::from(*b)),
        _ => 0.0,
    }
}

/// Which fields a list/get returns.
#[derive(Debug, Clone)]
struct Selection {
    fields: Vec<usize>,
    all_uf: bool,
    uf: Vec<String>,
}

impl Selection {
    /// Every field but the multi-fields (included on request in the legacy style), and every
    /// user field.
    fn default_for(table: &Table, style: Style, with_multi: bool) -> Selection {
        Selection {
            fields: (0..table.fields.len())
                .filter(|&i| {
                    let multi = table.fields[i].kind == Kind::Multi;
                    !multi || (with_multi && style == Style::Legacy)
                })
                .collect(),
            all_uf: true,
            uf: Vec::new(),
        }
    }

    /// `select`: names, `*` (the default fields), `UF_*` / `ufCrm*` (every user field); `ID`
    /// is always included.
    fn parse(table: &Table, style: Style, select: Option<&Value>) -> Selection {
        let names: Vec<String> = match select {
            Some(v @ (Value::List(_) | Value::Map(_))) => v
                .entries()
                .into_iter()
                .filter_map(|(_, n)| n.php_string())
                .filter(|n| !n.is_empty())
                .collect(),
            _ => Vec::new(),
        };
        if names.is_empty() {
            return Selection::default_for(table, style, false);
        }
        let mut sel = Selection {
            fields: Vec::new(),
            all_uf: false,
            uf: Vec::new(),
        };
        for name in names {
            if name == "*" {
                for i in Selection::default_for(table, style, false).fields {
                    if !sel.fields.contains(&i) {
                        sel.fields.push(i);
                    }
                }
                continue;
            }
            if name.eq_ignore_ascii_case("UF_*") || name == "ufCrm*" {
                sel.all_uf = true;
                continue;
            }
            match table.resolve(style, &name) {
                Some(FieldRef::Std(i)) if !sel.fields.contains(&i) => sel.fields.push(i),
                Some(FieldRef::Uf(u)) if !sel.uf.contains(&u) => sel.uf.push(u),
                _ => {}
            }
        }
        if !sel.fields.contains(&0) {
            sel.fields.insert(0, 0);
        }
        sel
    }
}

/// A filter condition.
#[derive(Debug, Clone)]
pub enum Cond {
    /// One field compared with a value (a list value means "any of").
    Leaf {
        /// The field.
        field: FieldRef,
        /// Its kind (`None` for user fields: compared as numbers when both sides are).
        kind: Option<Kind>,
        /// The operator.
        op: Op,
        /// The filter value.
        value: Value,
    },
    /// `LOGIC: OR`: any group whose conditions all hold.
    Any(Vec<Vec<Cond>>),
}

impl Cond {
    fn matches(&self, table: &Table, id: i64, record: &Record) -> bool {
        match self {
            Cond::Any(groups) => groups
                .iter()
                .any(|g| g.iter().all(|c| c.matches(table, id, record))),
            Cond::Leaf {
                field,
                kind,
                op,
                value,
            } => {
                let have = table.field_value(id, record, field);
                list::test(*op, value, |op, v| scalar_matches(*kind, &have, op, v))
            }
        }
    }
}

fn filter_error(style: Style, field: &str) -> Option<ApiError> {
    (style == Style::Item).then(|| {
        ApiError::new(
            400,
            "INVALID_ARG_VALUE",
            format!("Invalid filter: field '{field}' is not allowed in filter"),
        )
    })
}

fn is_index(key: &str) -> bool {
    key.bytes().all(|b| b.is_ascii_digit())
}

/// Parses `filter`: unknown fields and prefixes are ignored by legacy methods and refused by
/// `crm.item.*`; a numbered entry holding an array is a group (`LOGIC: OR` makes it a
/// disjunction).
pub fn parse_filter(
    table: &Table,
    style: Style,
    filter: &Value,
    depth: usize,
) -> Result<Vec<Cond>, ApiError> {
    let mut out = Vec::new();
    if depth > 16 {
        return Ok(out);
    }
    for (key, value) in filter.entries() {
        if key.eq_ignore_ascii_case("logic") {
            continue;
        }
        if is_index(&key) && matches!(value, Value::Map(_) | Value::List(_)) {
            let or = value
                .get_ci("logic")
                .and_then(Value::php_string)
                .is_some_and(|l| l.eq_ignore_ascii_case("or"));
            let mut groups = Vec::new();
            for (k, sub) in value.entries() {
                if k.eq_ignore_ascii_case("logic") {
                    continue;
                }
                let nested = matches!(sub, Value::Map(_) | Value::List(_)) && is_index(&k);
                let conds = if nested {
                    parse_filter(table, style, sub, depth + 1)?
                } else {
                    parse_filter(table, style, &Value::Map(vec![(k, sub.clone())]), depth + 1)?
                };
                groups.push(conds);
            }
            if or {
                out.push(Cond::Any(groups));
            } else {
                out.extend(groups.into_iter().flatten());
            }
            continue;
        }
        let (prefix, name) = list::split_key(&key);
        let Some(op) = list::parse_op(prefix) else {
            if let Some(e) = filter_error(style, &key) {
                return Err(e);
            }
            continue;
        };
        let Some(field) = table.resolve(style, name) else {
            if let Some(e) = filter_error(style, name) {
                return Err(e);
            }
            continue;
        };
        let kind = match &field {
            FieldRef::Std(i) => Some(table.fields[*i].kind),
            FieldRef::Uf(_) => None,
        };
        out.push(Cond::Leaf {
            field,
            kind,
            op,
            value: value.clone(),
        });
    }
    Ok(out)
}

fn compare_scalar(kind: Option<Kind>, have: &Value, want: &Value) -> Option<Ordering> {
    if matches!(have, Value::Null) {
        return None;
    }
    match kind {
        Some(k) if k.is_integer() => {
            let w = want.as_int_strict()?;
            Some(have.php_intval().cmp(&w))
        }
        Some(Kind::Double) => {
            let w = match want {
                Value::Str(s) => s.trim().parse::<f64>().ok()?,
                other => as_f64(other),
            };
            as_f64(have).partial_cmp(&w)
        }
        _ => {
            let h = have.php_string()?.to_lowercase();
            let w = want.php_string()?.to_lowercase();
            match (have.as_int_strict(), want.as_int_strict()) {
                (Some(a), Some(b)) if kind.is_none() => Some(a.cmp(&b)),
                _ => Some(h.cmp(&w)),
            }
        }
    }
}

/// Whether a field value `have` (of `kind`; `None` for user fields) matches one filter value
/// under `op` (one of the operators [`list::test`] asks about).
pub fn scalar_matches(kind: Option<Kind>, have: &Value, op: Op, want: &Value) -> bool {
    if let Value::List(items) = have {
        // multi-fields: match any VALUE
        return items.iter().any(|item| {
            let v = item.get("VALUE").unwrap_or(item);
            scalar_matches(Some(Kind::Str), v, op, want)
        });
    }
    let empty_want = matches!(want, Value::Null) || want.as_str() == Some("");
    let text = |v: &Value| v.php_string().unwrap_or_default();
    match op {
        Op::Gt => compare_scalar(kind, have, want).is_some_and(Ordering::is_gt),
        Op::Ge => compare_scalar(kind, have, want).is_some_and(Ordering::is_ge),
        Op::Lt => compare_scalar(kind, have, want).is_some_and(Ordering::is_lt),
        Op::Le => compare_scalar(kind, have, want).is_some_and(Ordering::is_le),
        Op::Contains | Op::NotContains => text(have)
            .to_lowercase()
            .contains(&text(want).to_lowercase()),
        Op::Like | Op::NotLike => list::like(&text(have), &text(want)),
        Op::Eq | Op::In | Op::Ne | Op::NotIn => {
            if matches!(have, Value::Null) {
                empty_want
            } else if empty_want {
                have.php_string().is_some_and(|s| s.is_empty())
            } else {
                compare_scalar(kind, have, want).is_some_and(Ordering::is_eq)
            }
        }
    }
}

/// A range of IDs.
pub type IdRange = (Bound<i64>, Bound<i64>);

const UNBOUNDED: IdRange = (Bound::Unbounded, Bound::Unbounded);

/// The smallest ID a lower bound admits.
fn lowest(bound: &Bound<i64>) -> i128 {
    match bound {
        Bound::Unbounded => i128::MIN,
        Bound::Included(x) => i128::from(*x),
        Bound::Excluded(x) => i128::from(*x) + 1,
    }
}

/// The largest ID an upper bound admits.
fn highest(bound: &Bound<i64>) -> i128 {
    match bound {
        Bound::Unbounded => i128::MAX,
        Bound::Included(x) => i128::from(*x),
        Bound::Excluded(x) => i128::from(*x) - 1,
    }
}

/// The `ID` range implied by top-level `ID` conditions; `None` when no ID can match.
pub fn id_range(conds: &[Cond]) -> Option<IdRange> {
    let (mut lo, mut hi) = UNBOUNDED;
    let mut raise = |b: Bound<i64>| {
        if lowest(&b) > lowest(&lo) {
            lo = b;
        }
    };
    let mut lower = |b: Bound<i64>| {
        if highest(&b) < highest(&hi) {
            hi = b;
        }
    };
    for c in conds {
        if let Cond::Leaf {
            field: FieldRef::Std(0),
            op,
            value,
            ..
        } = c
        {
            let Some(v) = value.as_int_strict() else {
                continue;
            };
            match op {
                Op::Gt => raise(Bound::Excluded(v)),
                Op::Ge => raise(Bound::Included(v)),
                Op::Lt => lower(Bound::Excluded(v)),
                Op::Le => lower(Bound::Included(v)),
                Op::Eq => {
                    raise(Bound::Included(v));
                    lower(Bound::Included(v));
                }
                _ => {}
            }
        }
    }
    // An empty range would make BTreeMap::range panic.
    (lowest(&lo) <= highest(&hi)).then_some((lo, hi))
}

fn parse_order(
    table: &Table,
    style: Style,
    order: Option<&Value>,
) -> Result<Vec<(FieldRef, bool)>, ApiError> {
    let mut out = Vec::new();
    let Some(order) = order else {
        return Ok(out);
    };
    for (key, dir) in order.entries() {
        let desc = list::descending(dir)?;
        if let Some(field) = table.resolve(style, &key) {
            out.push((field, desc));
        } else if style == Style::Item {
            return Err(ApiError::new(
                400,
                "INVALID_ARG_VALUE",
                format!("Invalid order: field '{key}' is not allowed in order"),
            ));
        }
    }
    Ok(out)
}

fn sort_cmp(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Float(_) | Value::Int(_), Value::Float(_) | Value::Int(_)) => {
            as_f64(a).partial_cmp(&as_f64(b)).unwrap_or(Ordering::Equal)
        }
        _ => a
            .php_string()
            .unwrap_or_default()
            .to_lowercase()
            .cmp(&b.php_string().unwrap_or_default().to_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::CrmStore;
    use super::super::schema::DEAL;
    use super::*;

    #[test]
    fn seeding_a_million_is_fast() {
        let mut store = CrmStore::default();
        let t = std::time::Instant::now();
        assert_eq!(store.seed(DEAL, 1_000_000, 0), Some((1, 1_000_000)));
        assert!(t.elapsed().as_secs() < 5);
        let table = &store.tables[&DEAL];
        let params = Value::object([
            ("order", Value::object([("ID", Value::from("ASC"))])),
            ("filter", Value::object([(">ID", Value::from("999990"))])),
            ("start", Value::Int(-1)),
        ]);
        let t = std::time::Instant::now();
        let page = table
            .list(Style::Legacy, &params, true)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(t.elapsed().as_millis() < 50);
        assert_eq!(page.rows.len(), 10);
        assert_eq!(page.total, None);
        assert_eq!(store.seed(5, 1, 0), None);
    }

    #[test]
    fn id_ranges() {
        let leaf = |op, v: i64| Cond::Leaf {
            field: FieldRef::Std(0),
            kind: Some(Kind::Int),
            op,
            value: Value::Int(v),
        };
        assert_eq!(
            id_range(&[leaf(Op::Gt, 5), leaf(Op::Le, 9)]),
            Some((Bound::Excluded(5), Bound::Included(9)))
        );
        assert_eq!(id_range(&[leaf(Op::Gt, 9), leaf(Op::Lt, 3)]), None);
        assert!(id_range(&[leaf(Op::Gt, i64::MAX)]).is_some());
    }
}
