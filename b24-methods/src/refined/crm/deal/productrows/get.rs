//! `crm.deal.productrows.get` — scope `crm`
//!
//! Deprecated by the documentation.
//! Its successor: `crm.item.productrow.*`.
//!
//! The product rows of one deal: the legacy rows that `crm.productrow.list` lists too, one
//! shared [`ProductRow`] record for both.
//!
//! Documentation: <https://apidocs.bitrix24.com/api-reference/crm/deals/crm-deal-productrows-get.html>

use crate::crm::productrow::ProductRow;
use crate::wire::*;

/// The product rows of the deal `id`.
#[b24_method("crm.deal.productrows.get", scope = "crm", response = Vec<ProductRow>, read_only)]
#[deprecated(
    note = "the documentation marks `crm.deal.productrows.get` deprecated; use `crm.item.productrow.*` instead"
)]
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CrmDealProductrowsGet {
    /// `id` (`integer`), required: the deal's ID.
    pub id: Numeric,
    /// Parameters not listed above (undocumented ones), sent as they are.
    pub extra: Map<String, Value>,
}

record!(CrmDealProductrowsGet {
    req id: "id",
});

#[allow(deprecated)]
impl CrmDealProductrowsGet {
    /// The rows of the deal `id`.
    pub fn new(id: impl Into<Numeric>) -> Self {
        CrmDealProductrowsGet {
            id: id.into(),
            extra: Map::new(),
        }
    }
}

/// The former name of [`ProductRow`], the item of `crm.deal.productrows.get`.
pub type CrmDealProductrowsGetResult = ProductRow;
