//! Integration tests: the SDK against the emulator over real HTTP on loopback.

mod catalog;
mod errors;
mod fixtures;
mod list_methods;
mod php_parity;
mod preflight;
mod r7;
mod registry;
mod secrets;
mod seed_methods;
mod support;
mod throughput;
mod tls;
mod user_method;
