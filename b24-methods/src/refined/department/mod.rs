//! `department.*`: the company structure.
//!
//! Documentation: <https://apidocs.bitrix24.com/api-reference/departments/index.html>

pub mod get;

use crate::wire::*;

/// A department as `department.get` answers one.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Department {
    /// `ID`.
    pub id: Id,
    /// `NAME`.
    pub name: Option<String>,
    /// `SORT`: position among its siblings.
    pub sort: Option<Numeric>,
    /// `PARENT`: the parent department; none for the company itself.
    pub parent: Option<Id>,
    /// `UF_HEAD`: the head of the department (a user ID), if one is set.
    pub uf_head: Option<Id>,
    /// Fields not listed above (user fields `UF_*`, undocumented ones), as received.
    pub extra: Map<String, Value>,
}

record!(Department {
    req id: "ID",
    opt name: "NAME",
    opt sort: "SORT",
    opt parent: "PARENT",
    opt uf_head: "UF_HEAD",
});
