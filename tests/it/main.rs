//! Integration tests: the SDK against the emulator over real HTTP on loopback.

mod catalog;
mod config_edges;
mod deadline;
mod errors;
mod fixtures;
mod list_methods;
mod moves;
mod outcomes;
mod php_parity;
mod preflight;
mod r7;
mod range_export;
mod raw_calls;
mod registry;
mod scrubbing;
mod secrets;
mod seed_methods;
mod support;
mod throughput;
mod tls;
mod transport_kinds;
mod user_method;
mod v3;
