//! `department.get` — scope `department`
//!
//! Lists departments by their fields, 50 per page (`start`), as [`Department`] records.
//! Documentation: <https://apidocs.bitrix24.com/api-reference/departments/department-get.html>

use super::Department;
use crate::wire::*;

/// Lists departments: `DepartmentGet::default()` for all, or filtered by the `with_*` fields
/// (`DepartmentGet::default().with_parent(1)`).
#[b24_method("department.get", scope = "department", response = Vec<Department>, read_only, list)]
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct DepartmentGet {
    /// `sort`: the field to sort by (`NAME`, `SORT`, …).
    pub sort: Option<String>,
    /// `order`: `ASC` or `DESC`.
    pub order: Option<String>,
    /// `ID`: only this department.
    pub id: Option<Numeric>,
    /// `NAME`: only departments of this name.
    pub name: Option<String>,
    /// `PARENT`: only the children of this department.
    pub parent: Option<Numeric>,
    /// `UF_HEAD`: only the departments this user heads.
    pub uf_head: Option<Numeric>,
    /// `start`: offset of the page (multiples of 50).
    pub start: Option<Numeric>,
    /// Parameters not listed above (`SORT` as a filter, undocumented ones), sent as they are.
    pub extra: Map<String, Value>,
}

record!(DepartmentGet {
    opt sort: "sort" => with_sort(String),
    opt order: "order" => with_order(String),
    opt id: "ID" => with_id(Numeric),
    opt name: "NAME" => with_name(String),
    opt parent: "PARENT" => with_parent(Numeric),
    opt uf_head: "UF_HEAD" => with_uf_head(Numeric),
    opt start: "start" => with_start(Numeric),
});
