//! The `#[b24_method]` and `#[r7_method]` attributes. Use them through `b24_core`, where they are
//! documented.
//!
//! `b24/` and `r7/` hold each attribute's arguments and expansion; `args.rs` (the argument
//! loop and the values both take), `item.rs` (the annotated struct, the impl wrapper, the
//! fail-soft stub), `ctxt.rs` (the error accumulator) and `spelling.rs` ("did you mean") are
//! shared.

mod args;
mod b24;
mod ctxt;
#[cfg(test)]
mod golden;
mod item;
mod r7;
mod spelling;

use proc_macro::TokenStream;

/// Declares a Bitrix24 REST method; see `b24_core::b24_method` for the documentation.
#[proc_macro_attribute]
pub fn b24_method(attr: TokenStream, item: TokenStream) -> TokenStream {
    b24::b24_method(attr.into(), item.into()).into()
}

/// Declares an R7-Office (ONLYOFFICE) REST route; see `b24_core::r7_method` for the
/// documentation.
#[proc_macro_attribute]
pub fn r7_method(attr: TokenStream, item: TokenStream) -> TokenStream {
    r7::r7_method(attr.into(), item.into()).into()
}
