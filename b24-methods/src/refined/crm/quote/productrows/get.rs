//! `crm.quote.productrows.get` — scope `crm`
//!
//! Deprecated by the documentation.
//! Its successor: `crm.item.productrow.*`.
//!
//! The product rows of one quote: the legacy rows that `crm.productrow.list` lists too, one
//! shared [`ProductRow`] record for both.
//!
//! Documentation: <https://apidocs.bitrix24.com/api-reference/crm/quote/crm-quote-product-rows-get.html>

use crate::crm::productrow::ProductRow;
use crate::wire::*;

/// The product rows of the quote `id`.
#[b24_method("crm.quote.productrows.get", scope = "crm", response = Vec<ProductRow>, read_only)]
#[deprecated(
    note = "the documentation marks `crm.quote.productrows.get` deprecated; use `crm.item.productrow.*` instead"
)]
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CrmQuoteProductrowsGet {
    /// `id` (`integer`), required: the quote's ID.
    pub id: Numeric,
    /// Parameters not listed above (undocumented ones), sent as they are.
    pub extra: Map<String, Value>,
}

record!(CrmQuoteProductrowsGet {
    req id: "id",
});

#[allow(deprecated)]
impl CrmQuoteProductrowsGet {
    /// The rows of the quote `id`.
    pub fn new(id: impl Into<Numeric>) -> Self {
        CrmQuoteProductrowsGet {
            id: id.into(),
            extra: Map::new(),
        }
    }
}

/// The former name of [`ProductRow`], the item of `crm.quote.productrows.get`.
pub type CrmQuoteProductrowsGetResult = ProductRow;
