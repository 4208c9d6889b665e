//! The `Method` impl and registration of `#[b24_method]`, or the stub on error.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use super::args::{self as b24_args, Args, ListArg, ScopeArg, Version};
use crate::ctxt::Ctxt;
use crate::item;

pub(crate) fn b24_method(attr: TokenStream, item: TokenStream) -> TokenStream {
    let ctxt = Ctxt::new();
    let args: Args = crate::args::parse(&ctxt, attr);
    let input = item::parse(&ctxt, &item, "b24_method");
    item::finish(
        ctxt,
        item,
        input.as_ref(),
        |input| method_impl(&args, input, true),
        |input| method_impl(&args, input, false),
    )
}

/// The `Method` impl (and `ListMethod` for a list), registered unless the struct is generic;
/// for `version = 3`, the
/// `v3::Method` impl and a `v3::registry` entry instead (a distinct trait, so a REST 3.0
/// method cannot be passed where a classic one is expected, nor the reverse). For the
/// fail-soft `stub`, only the name, the version and the response type are kept (scope
/// `Basic`, default metadata) and nothing is registered.
fn method_impl(args: &Args, input: &DeriveInput, complete: bool) -> TokenStream {
    let private = item::private_path(args.krate.as_ref());
    let name = match &args.name {
        Some(name) => quote!(#name),
        None => quote!(""),
    };
    let response = item::response_or_unit(args.response.as_ref());
    let mut scope = quote!(#private::Scope::Basic);
    let mut meta = quote!(#private::MethodMeta::DEFAULT);
    let mut registration = None;
    if complete {
        match &args.scope {
            Some(ScopeArg::Known(variant)) => scope = quote!(#private::Scope::#variant),
            Some(ScopeArg::Custom(code)) => scope = quote!(#private::Scope::custom(#code)),
            None => {}
        }
        meta = method_meta(args, input, &private);
        let ident = &input.ident;
        registration = input
            .generics
            .params
            .is_empty()
            .then(|| match args.version {
                Some(Version::V3) => quote!(#private::v3::register!(#ident);),
                Some(Version::Classic) | None => quote!(#private::register!(#ident);),
            });
    }
    let list_impl = (args.list.is_some() && args.version != Some(Version::V3))
        .then(|| list_method_impl(args, input, &private, complete));
    let trait_path = match args.version {
        Some(Version::V3) => quote!(#private::v3::Method),
        Some(Version::Classic) | None => quote!(#private::Method),
    };
    item::implementation(
        input,
        &trait_path,
        quote! {
            const NAME: &'static str = #name;
            const SCOPE: #private::Scope = #scope;
            const META: #private::MethodMeta = #meta;
            type Response = #response;
        },
        Some(quote!(#list_impl #registration)),
    )
}

/// `impl ListMethod` of a classic list method, naming its item type (`serde_json::Value` when
/// neither `item = T` nor a `response = Vec<T>` gives one, and in the fail-soft stub, where the
/// written item type may be what was reported).
fn list_method_impl(
    args: &Args,
    input: &DeriveInput,
    private: &TokenStream,
    complete: bool,
) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let item = match b24_args::item_type(args).filter(|_| complete) {
        Some(item) => quote!(#item),
        None => quote!(#private::Value),
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics #private::ListMethod for #ident #ty_generics #where_clause {
            type Item = #item;
        }
    }
}

/// Builds the `MethodMeta` constant, naming only what differs from the defaults.
fn method_meta(args: &Args, input: &DeriveInput, private: &TokenStream) -> TokenStream {
    let mut meta = quote!(#private::MethodMeta::DEFAULT);
    if let Some(read_only) = &args.read_only {
        meta = quote!(#meta.read_only(#read_only));
    }
    if let Some(batch) = &args.batch {
        meta = quote!(#meta.batch(#batch));
    }
    match &args.list {
        Some(ListArg::Root) => meta = quote!(#meta.list(#private::ListShape::Root)),
        Some(ListArg::Key(key)) => meta = quote!(#meta.list(#private::ListShape::Key(#key))),
        None => {}
    }
    if let Some(cursor) = &args.cursor {
        meta = quote!(#meta.cursor(#cursor));
    }
    if input
        .attrs
        .iter()
        .any(|attr| attr.path().is_ident("deprecated"))
    {
        meta = quote!(#meta.deprecated());
    }
    meta
}
