//! Integration tests: the SDK against the emulator over real HTTP on loopback.

mod catalog;
mod errors;
mod fixtures;
mod php_parity;
mod preflight;
mod r7;
mod range_export;
mod registry;
mod secrets;
mod seed_methods;
mod support;
mod throughput;
mod tls;
mod user_method;
