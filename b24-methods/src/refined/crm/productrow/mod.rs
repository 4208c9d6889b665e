//! `crm.productrow.*`: the legacy product rows of deals, leads and quotes.
//!
//! The documentation describes `crm.productrow.list` only as a list method (no response table,
//! no example); its rows are the ones `crm.deal.productrows.get` answers, whose documented
//! example gives the fields of [`ProductRow`].
//!
//! Documentation: <https://apidocs.bitrix24.com/api-reference/crm/outdated/productrow-old/index.html>

pub mod list;

use crate::wire::*;

/// A legacy product row: one product of a deal (`OWNER_TYPE` `D`), lead (`L`) or quote (`Q`)
/// with its price, discount, tax and reservation. Amounts are [`Decimal`]s, kept in the form
/// they arrived in (`899.1`, `"899.10"`). Fields of newer portals stay in `extra`, as sent.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ProductRow {
    /// `ID`: the row's own ID (absent only when a `select` leaves it out).
    pub id: Option<Id>,
    /// `OWNER_ID`: the deal, lead or quote the row belongs to.
    pub owner_id: Option<Id>,
    /// `OWNER_TYPE`: the owner's one-letter type, `D` deal, `L` lead, `Q` quote.
    pub owner_type: Option<String>,
    /// `PRODUCT_ID`: the catalog product, `0` for a row without one.
    pub product_id: Option<Id>,
    /// `PRODUCT_NAME`: the name on the row.
    pub product_name: Option<String>,
    /// `ORIGINAL_PRODUCT_NAME`: the catalog product's name.
    pub original_product_name: Option<String>,
    /// `PRODUCT_DESCRIPTION`.
    pub product_description: Option<String>,
    /// `PRICE`: the unit price with discount and tax.
    pub price: Option<Decimal>,
    /// `PRICE_EXCLUSIVE`: the unit price with discount, without tax.
    pub price_exclusive: Option<Decimal>,
    /// `PRICE_NETTO`: the unit price without discount and tax.
    pub price_netto: Option<Decimal>,
    /// `PRICE_BRUTTO`: the unit price without discount, with tax.
    pub price_brutto: Option<Decimal>,
    /// `PRICE_ACCOUNT`: the price in the portal's reporting currency.
    pub price_account: Option<Decimal>,
    /// `QUANTITY`.
    pub quantity: Option<Numeric>,
    /// `DISCOUNT_TYPE_ID`: `1` an absolute amount, `2` a percentage.
    pub discount_type_id: Option<Numeric>,
    /// `DISCOUNT_RATE`: the discount in percent.
    pub discount_rate: Option<Decimal>,
    /// `DISCOUNT_SUM`: the discount per unit.
    pub discount_sum: Option<Decimal>,
    /// `TAX_RATE`: the tax in percent.
    pub tax_rate: Option<Decimal>,
    /// `TAX_INCLUDED`: the price includes the tax.
    pub tax_included: Option<Flag>,
    /// `CUSTOMIZED`: the row was changed by hand.
    pub customized: Option<Flag>,
    /// `MEASURE_CODE`: the unit's code (`796` pieces).
    pub measure_code: Option<Numeric>,
    /// `MEASURE_NAME`: the unit's name (`pcs`).
    pub measure_name: Option<String>,
    /// `SORT`: the row's position.
    pub sort: Option<Numeric>,
    /// `XML_ID`: the external code.
    pub xml_id: Option<String>,
    /// `TYPE`: the product's kind (`1` a simple product, `2` a set, `3` with variations, `4` a
    /// variation, …).
    pub type_: Option<Numeric>,
    /// `STORE_ID`: the warehouse of the reservation.
    pub store_id: Option<Id>,
    /// `RESERVE_ID`: the reservation.
    pub reserve_id: Option<Id>,
    /// `DATE_RESERVE_END`: the day the reservation ends.
    pub date_reserve_end: Option<DateTime>,
    /// `RESERVE_QUANTITY`: how many are reserved.
    pub reserve_quantity: Option<Numeric>,
    /// Fields not listed above (undocumented ones), as received.
    pub extra: Map<String, Value>,
}

record!(ProductRow {
    opt id: "ID",
    opt owner_id: "OWNER_ID",
    opt owner_type: "OWNER_TYPE",
    opt product_id: "PRODUCT_ID",
    opt product_name: "PRODUCT_NAME",
    opt original_product_name: "ORIGINAL_PRODUCT_NAME",
    opt product_description: "PRODUCT_DESCRIPTION",
    opt price: "PRICE",
    opt price_exclusive: "PRICE_EXCLUSIVE",
    opt price_netto: "PRICE_NETTO",
    opt price_brutto: "PRICE_BRUTTO",
    opt price_account: "PRICE_ACCOUNT",
    opt quantity: "QUANTITY",
    opt discount_type_id: "DISCOUNT_TYPE_ID",
    opt discount_rate: "DISCOUNT_RATE",
    opt discount_sum: "DISCOUNT_SUM",
    opt tax_rate: "TAX_RATE",
    opt tax_included: "TAX_INCLUDED",
    opt customized: "CUSTOMIZED",
    opt measure_code: "MEASURE_CODE",
    opt measure_name: "MEASURE_NAME",
    opt sort: "SORT",
    opt xml_id: "XML_ID",
    opt type_: "TYPE",
    opt store_id: "STORE_ID",
    opt reserve_id: "RESERVE_ID",
    opt date_reserve_end: "DATE_RESERVE_END",
    opt reserve_quantity: "RESERVE_QUANTITY",
});
