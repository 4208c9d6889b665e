//! Filter operators of list methods: the prefix before a field name in `filter`
//! (PROTOCOL §7), shared by every list the emulator serves.

/// A filter operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    In,
    NotIn,
    Contains,
    NotContains,
    Like,
    NotLike,
}

/// The operator a filter key's prefix names; `None` for a prefix the server does not know.
pub(crate) fn parse_op(prefix: &str) -> Option<Op> {
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
