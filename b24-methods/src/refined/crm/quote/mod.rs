//! Refined `crm.quote.*` methods: only what the generated ones cannot type.

pub mod productrows;
