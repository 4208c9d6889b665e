//! `crm.lead.productrows.*`: the product rows of one lead, as [`ProductRow`]s.
//!
//! [`ProductRow`]: crate::crm::productrow::ProductRow

pub mod get;
