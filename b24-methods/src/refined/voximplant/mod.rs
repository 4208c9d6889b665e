//! `voximplant.*` methods of the `telephony` scope.

pub mod user;
