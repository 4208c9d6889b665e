//! `crm.productrow.list` — scope `crm`
//!
//! Deprecated by the documentation.
//!
//! Lists the product rows of one owner (`filter` with `OWNER_TYPE` and `OWNER_ID`, both
//! required), 50 per page (`start`), as [`ProductRow`]s.
//! Documentation: <https://apidocs.bitrix24.com/api-reference/crm/outdated/productrow-old/crm-productrow-list.html>

use super::ProductRow;
use crate::wire::*;

/// Lists product rows: `CrmProductrowList::of("D", 5)` for the rows of deal #5, narrowed or
/// ordered by the setters.
#[b24_method("crm.productrow.list", scope = "crm", response = Vec<ProductRow>, read_only, list)]
#[deprecated(
    note = "the documentation marks `crm.productrow.list` deprecated; use `crm.item.productrow.*` instead"
)]
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct CrmProductrowList {
    /// `order`: field → `ASC` / `DESC`.
    pub order: Option<Value>,
    /// `filter`: field (with an optional operator prefix) → value; `OWNER_TYPE` (`D` deal,
    /// `L` lead, `Q` quote) and `OWNER_ID` are required. A [`b24_core::filter::Filter`]
    /// converts into it.
    pub filter: Option<Value>,
    /// `select`: the fields to answer; all of them when `None`.
    pub select: Option<Vec<String>>,
    /// `start`: offset of the page (multiples of 50).
    pub start: Option<Numeric>,
    /// Parameters not listed above (undocumented ones), sent as they are.
    pub extra: Map<String, Value>,
}

record!(CrmProductrowList {
    opt order: "order" => with_order(Value),
    opt filter: "filter" => with_filter(Value),
    opt select: "select" => with_select(Vec<String>),
    opt start: "start" => with_start(Numeric),
});

#[allow(deprecated)]
impl CrmProductrowList {
    /// The rows of the owner of type `owner_type` (`D` deal, `L` lead, `Q` quote) and ID
    /// `owner_id`.
    pub fn of(owner_type: impl Into<String>, owner_id: impl Into<Numeric>) -> Self {
        let filter = serde_json::json!({
            "OWNER_TYPE": owner_type.into(),
            "OWNER_ID": owner_id.into(),
        });
        CrmProductrowList::default().with_filter(filter)
    }
}
