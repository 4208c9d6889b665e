//! Refined `crm.deal.*` methods: only what the generated ones cannot type.

pub mod productrows;
