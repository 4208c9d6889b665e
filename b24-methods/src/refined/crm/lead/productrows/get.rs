//! `crm.lead.productrows.get` — scope `crm`
//!
//! Deprecated by the documentation.
//! Its successor: `crm.item.productrow.*`.
//!
//! The product rows of one lead: the legacy rows that `crm.productrow.list` lists too, one
//! shared [`ProductRow`] record for both.
//!
//! Documentation: <https://apidocs.bitrix24.com/api-reference/crm/leads/crm-lead-productrows-get.html>

use crate::crm::productrow::ProductRow;
use crate::wire::*;

/// The product rows of the lead `id`.
#[b24_method("crm.lead.productrows.get", scope = "crm", response = Vec<ProductRow>, read_only)]
#[deprecated(
    note = "the documentation marks `crm.lead.productrows.get` deprecated; use `crm.item.productrow.*` instead"
)]
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CrmLeadProductrowsGet {
    /// `id` (`integer`), required: the lead's ID.
    pub id: Numeric,
    /// Parameters not listed above (undocumented ones), sent as they are.
    pub extra: Map<String, Value>,
}

record!(CrmLeadProductrowsGet {
    req id: "id",
});

#[allow(deprecated)]
impl CrmLeadProductrowsGet {
    /// The rows of the lead `id`.
    pub fn new(id: impl Into<Numeric>) -> Self {
        CrmLeadProductrowsGet {
            id: id.into(),
            extra: Map::new(),
        }
    }
}

/// The former name of [`ProductRow`], the item of `crm.lead.productrows.get`.
pub type CrmLeadProductrowsGetResult = ProductRow;
