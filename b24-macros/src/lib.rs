//! The `#[b24_method]` attribute. Use it through `b24_core::b24_method`, where it is documented.

mod args;
mod check;
mod ctxt;
mod expand;
mod scope;

use proc_macro::TokenStream;

/// Declares a Bitrix24 REST method; see `b24_core::b24_method` for the documentation.
#[proc_macro_attribute]
pub fn b24_method(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::b24_method(attr.into(), item.into()).into()
}
