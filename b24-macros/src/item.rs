//! The annotated item, shared by both attributes: its shape (a struct with named fields or a
//! unit struct), the wrapper around the generated impl, and the output on error, where the
//! struct is kept with a stub impl (fail-soft) so that the macro's error is the only one.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use syn::{Data, DeriveInput, Fields};

use crate::ctxt::Ctxt;

/// Parses the item under `#[attribute]`; anything but a struct with named fields or a unit
/// struct is reported at its keyword (`enum`, `fn`, ...) or its tuple fields.
pub(crate) fn parse(ctxt: &Ctxt, item: &TokenStream, attribute: &str) -> Option<DeriveInput> {
    let shape = format!(
        "`#[{attribute}]` can only be applied to a struct with named fields or a unit struct"
    );
    let Ok(input) = syn::parse2::<DeriveInput>(item.clone()) else {
        ctxt.push(syn::Error::new(item_keyword_span(item), shape));
        return None;
    };
    match &input.data {
        Data::Struct(data) => {
            if let Fields::Unnamed(fields) = &data.fields {
                ctxt.error_spanned_by(fields, shape);
            }
        }
        Data::Enum(data) => ctxt.push(syn::Error::new(data.enum_token.span, shape)),
        Data::Union(data) => ctxt.push(syn::Error::new(data.union_token.span, shape)),
    }
    Some(input)
}

/// Points an error about a non-struct item at its keyword (`fn`, `trait`, ...).
fn item_keyword_span(item: &TokenStream) -> Span {
    const KEYWORDS: &[&str] = &[
        "fn", "trait", "impl", "mod", "type", "const", "static", "use",
    ];
    let mut first = None;
    for tree in item.clone() {
        if let TokenTree::Ident(ident) = &tree
            && KEYWORDS.iter().any(|keyword| ident == keyword)
        {
            return ident.span();
        }
        first.get_or_insert(tree.span());
    }
    first.unwrap_or_else(Span::call_site)
}

/// The macro's output: `item`, then `implement`'s code; on error, `item`, the errors and, for a
/// struct, `stub`'s impl, which keeps uses of the struct elsewhere from adding "trait not
/// implemented" errors to the one that matters.
pub(crate) fn finish(
    ctxt: Ctxt,
    item: TokenStream,
    input: Option<&DeriveInput>,
    implement: impl FnOnce(&DeriveInput) -> TokenStream,
    stub: impl FnOnce(&DeriveInput) -> TokenStream,
) -> TokenStream {
    match (ctxt.check(), input) {
        (Ok(()), Some(input)) => {
            let implementation = implement(input);
            quote!(#item #implementation)
        }
        (Ok(()), None) => item,
        (Err(errors), input) => {
            let errors = errors.to_compile_error();
            let stub = input
                .filter(|input| matches!(input.data, Data::Struct(_)))
                .map(stub);
            quote!(#item #errors #stub)
        }
    }
}

/// `<crate>::__private`: the only path generated code names; `crate = path` replaces
/// `::b24_core` for facades that re-export it.
pub(crate) fn private_path(krate: Option<&syn::Path>) -> TokenStream {
    match krate {
        Some(path) => quote!(#path::__private),
        None => quote!(::b24_core::__private),
    }
}

/// The type given as `response`, or `()` in a stub when it is missing.
pub(crate) fn response_or_unit(response: Option<&syn::Type>) -> TokenStream {
    match response {
        Some(response) => quote!(#response),
        None => quote!(()),
    }
}

/// `impl #trait_path for Item` with the item's generics and `body`, followed by `after` (further
/// impls, a registration), all inside an anonymous `const _: () = { ... };`.
pub(crate) fn implementation(
    input: &DeriveInput,
    trait_path: &TokenStream,
    body: TokenStream,
    after: Option<TokenStream>,
) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    // Spanned at the user's struct so a missing `Serialize` is reported there.
    let for_ident = quote_spanned!(ident.span()=> for #ident);
    quote! {
        #[allow(deprecated, non_upper_case_globals, clippy::all)]
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #trait_path #for_ident #ty_generics #where_clause {
                #body
            }
            #after
        };
    }
}
