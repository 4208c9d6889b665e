//! Tests that run the `b24` binary against emulated portals.

mod commands;
mod exit_codes;
mod import;
mod login;
mod support;
mod terminal;
