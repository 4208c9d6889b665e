//! Hand-written refinements of the most used methods: better names, constructors and fully
//! typed results. The generator re-exports each one at its public path instead of generating
//! types for the method (`src/crm/automatedsolution/add.rs` re-exports
//! `refined::crm::automatedsolution::add`), so these files survive regeneration.

pub mod app;
pub mod methods;
pub mod profile;
pub mod scope;
pub mod server;

#[cfg(feature = "calendar")]
pub mod calendar;
#[cfg(feature = "crm")]
pub mod crm;
#[cfg(feature = "department")]
pub mod department;
#[cfg(feature = "im")]
pub mod im;
#[cfg(feature = "task")]
pub mod tasks;
#[cfg(any(feature = "user", feature = "user_basic", feature = "user_brief"))]
pub mod user;
#[cfg(feature = "telephony")]
pub mod voximplant;
