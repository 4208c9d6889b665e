//! One module per subcommand.

pub mod auth;
pub mod call;
pub mod catalog;
pub mod completion;
pub mod emulator;
pub mod events;
pub mod export;
pub mod import;
pub mod login;
pub mod safety;
