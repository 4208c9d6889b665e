//! `crm.quote.productrows.*`: the product rows of one quote, as [`ProductRow`]s.
//!
//! [`ProductRow`]: crate::crm::productrow::ProductRow

pub mod get;
