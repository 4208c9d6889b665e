//! The `#[b24_method]` and `#[r7_method]` attributes. Use them through `b24_core`, where they are
//! documented.

mod args;
mod check;
mod ctxt;
mod expand;
mod r7;
mod scope;
mod scope_table;

use proc_macro::TokenStream;

/// Declares a Bitrix24 REST method; see `b24_core::b24_method` for the documentation.
#[proc_macro_attribute]
pub fn b24_method(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::b24_method(attr.into(), item.into()).into()
}

/// Declares an R7-Office (ONLYOFFICE) REST route; see `b24_core::r7_method` for the
/// documentation.
#[proc_macro_attribute]
pub fn r7_method(attr: TokenStream, item: TokenStream) -> TokenStream {
    r7::r7_method(attr.into(), item.into()).into()
}
