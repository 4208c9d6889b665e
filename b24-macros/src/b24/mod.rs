//! `#[b24_method]`: Bitrix24 REST methods.
//!
//! `args.rs` parses the attribute (`check.rs`: the name and custom scope grammar; `scope.rs`:
//! known scopes from the generated `scope_table.rs` and the "did you mean" hint), `expand.rs`
//! generates the `Method` impl and its registration or, on error, a stub.

mod args;
mod check;
mod expand;
mod scope;
mod scope_table;

pub(crate) use expand::b24_method;
