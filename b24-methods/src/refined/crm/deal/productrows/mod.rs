//! `crm.deal.productrows.*`: the product rows of one deal, as [`ProductRow`]s.
//!
//! [`ProductRow`]: crate::crm::productrow::ProductRow

pub mod get;
