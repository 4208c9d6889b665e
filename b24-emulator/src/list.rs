//! List semantics shared by every list the emulator serves (PROTOCOL §7): pages of 50 chosen
//! by `start`, the filter operators written as a prefix before a field name, SQL `LIKE`
//! patterns and the `ASC`/`DESC` order directions.

use crate::envelope::{ApiError, MethodOutput};
use crate::value::Value;

/// Page size of list methods.
pub const PAGE_SIZE: i64 = 50;

/// The first row of the page that `start` asks for: `start` rounded down to a page, `0` for a
/// negative `start`.
pub fn offset(start: i64) -> i64 {
    if start < 0 {
        0
    } else {
        start / PAGE_SIZE * PAGE_SIZE
    }
}

/// One page of a list with its paging keys.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The rows of the page.
    pub rows: Vec<T>,
    /// `total`: every matching row (absent when the call did not count).
    pub total: Option<i64>,
    /// `next`: the offset of the next page, only when more rows exist.
    pub next: Option<i64>,
}

impl<T> Page<T> {
    /// The page of `start` out of every matching row; `total` and `next` only when
    /// `start >= 0` (a negative `start` is the uncounted first page).
    pub fn of(rows: impl IntoIterator<Item = T>, start: i64) -> Page<T> {
        let mut total: i64 = 0;
        let offset = offset(start);
        let mut page = Vec::new();
        for row in rows {
            if total >= offset && page.len() < PAGE_SIZE as usize {
                page.push(row);
            }
            total += 1;
        }
        if start < 0 {
            Page::uncounted(page)
        } else {
            Page::counted(page, offset, total)
        }
    }

    /// A page starting at `offset` out of `total` matching rows.
    pub fn counted(rows: Vec<T>, offset: i64, total: i64) -> Page<T> {
        let next = (offset.saturating_add(PAGE_SIZE) < total).then(|| offset + PAGE_SIZE);
        Page {
            rows,
            total: Some(total),
            next,
        }
    }

    /// A page without `total` and `next` (`start=-1`).
    pub fn uncounted(rows: Vec<T>) -> Page<T> {
        Page {
            rows,
            total: None,
            next: None,
        }
    }

    /// The same page with every row converted.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            rows: self.rows.into_iter().map(f).collect(),
            total: self.total,
            next: self.next,
        }
    }
}

impl Page<Value> {
    /// The method output: `result` is `wrap(rows as a list)`, plus `total` and `next`.
    pub fn into_output(self, wrap: impl FnOnce(Value) -> Value) -> MethodOutput {
        MethodOutput {
            result: wrap(Value::List(self.rows)),
            next: self.next,
            total: self.total,
        }
    }
}

/// A filter operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `=` or no prefix.
    Eq,
    /// `!`, `!=`.
    Ne,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `@`: any of a list.
    In,
    /// `!@`: none of a list.
    NotIn,
    /// `%`: substring.
    Contains,
    /// `!%`.
    NotContains,
    /// `=%`, `%=`: SQL `LIKE`.
    Like,
    /// `!=%`, `!%=`.
    NotLike,
}

/// The operator a filter key's prefix names; `None` for a prefix the server does not know.
pub fn parse_op(prefix: &str) -> Option<Op> {
    Some(match prefix {
        "" | "=" => Op::Eq,
        "!" | "!=" => Op::Ne,
        ">" => Op::Gt,
        ">=" => Op::Ge,
        "<" => Op::Lt,
        "<=" => Op::Le,
        "@" => Op::In,
        "!@" => Op::NotIn,
        "%" => Op::Contains,
        "!%" => Op::NotContains,
        "=%" | "%=" => Op::Like,
        "!=%" | "!%=" => Op::NotLike,
        _ => return None,
    })
}

/// Splits a filter key into its operator prefix and the field name (`">=ID"` → `(">=", "ID")`).
pub fn split_key(key: &str) -> (&str, &str) {
    let split = key
        .find(|c: char| c.is_alphanumeric() || c == '_')
        .unwrap_or(key.len());
    key.split_at(split)
}

/// Applies `op` to a filter value with the portal's "any of" rule: a list value matches when
/// any element does (none, for the negated operators). `matches(op, element)` is only asked
/// about [`Op::Eq`], [`Op::Contains`], [`Op::Like`] and the comparisons.
pub fn test(op: Op, wanted: &Value, mut matches: impl FnMut(Op, &Value) -> bool) -> bool {
    let mut any = |op: Op| match wanted {
        Value::List(_) | Value::Map(_) => wanted.entries().into_iter().any(|(_, v)| matches(op, v)),
        v => matches(op, v),
    };
    match op {
        Op::Eq | Op::In => any(Op::Eq),
        Op::Ne | Op::NotIn => !any(Op::Eq),
        Op::NotContains => !any(Op::Contains),
        Op::NotLike => !any(Op::Like),
        other => any(other),
    }
}

/// SQL `LIKE` with `%` and `_`, case-insensitive.
pub fn like(text: &str, pattern: &str) -> bool {
    let text: Vec<char> = text.to_lowercase().chars().collect();
    let pattern: Vec<char> = pattern.to_lowercase().chars().collect();
    let (mut t, mut p) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '_' || pattern[p] == text[t]) {
            t += 1;
            p += 1;
        } else if p < pattern.len() && pattern[p] == '%' {
            star = Some(p);
            mark = t;
            p += 1;
        } else if let Some(s) = star {
            p = s + 1;
            mark += 1;
            t = mark;
        } else {
            return false;
        }
    }
    while p < pattern.len() && pattern[p] == '%' {
        p += 1;
    }
    p == pattern.len()
}

/// An `order` direction: `false` for `ASC`, `true` for `DESC` (any case); anything else is the
/// portal's `ERROR_ARGUMENT`.
pub fn descending(direction: &Value) -> Result<bool, ApiError> {
    match direction
        .php_string()
        .map(|d| d.trim().to_ascii_uppercase())
        .as_deref()
    {
        Some("ASC") => Ok(false),
        Some("DESC") => Ok(true),
        _ => Err(ApiError::argument(
            "order",
            "Order direction should be one of {ASC|DESC}",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns() {
        assert!(like("HR team", "hr%"));
        assert!(like("hr", "h_"));
        assert!(!like("sales", "hr%"));
        assert!(like("a deal", "%a") || like("a deal", "%l"));
        assert!(like("anything", "%"));
    }

    #[test]
    fn pages() {
        let page = Page::of(0..120, 60);
        assert_eq!(page.rows.first(), Some(&50));
        assert_eq!(page.rows.len(), 50);
        assert_eq!((page.total, page.next), (Some(120), Some(100)));
        let last = Page::of(0..120, 100);
        assert_eq!((last.rows.len(), last.next), (20, None));
        let uncounted = Page::of(0..120, -1);
        assert_eq!((uncounted.rows.len(), uncounted.total), (50, None));
    }

    #[test]
    fn any_of_rule() {
        let list = Value::List(vec![Value::Int(1), Value::Int(2)]);
        let eq = |_: Op, v: &Value| v.as_int_strict() == Some(2);
        assert!(test(Op::In, &list, eq));
        assert!(!test(Op::NotIn, &list, eq));
        assert_eq!(split_key(">=ID"), (">=", "ID"));
        assert_eq!(split_key("!%UF_CRM_1"), ("!%", "UF_CRM_1"));
    }
}
