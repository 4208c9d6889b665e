//! Refined `crm.lead.*` methods: only what the generated ones cannot type.

pub mod productrows;
