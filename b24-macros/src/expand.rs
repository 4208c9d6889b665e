use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use syn::{Data, DeriveInput, Fields};

use crate::args::{self, Args, ListArg, ScopeArg};
use crate::ctxt::Ctxt;

const SHAPE: &str =
    "`#[b24_method]` can only be applied to a struct with named fields or a unit struct";

pub(crate) fn b24_method(attr: TokenStream, item: TokenStream) -> TokenStream {
    let ctxt = Ctxt::new();
    let args = args::parse(&ctxt, attr);
    let input = match syn::parse2::<DeriveInput>(item.clone()) {
        Ok(input) => {
            check_shape(&ctxt, &input);
            Some(input)
        }
        Err(_) => {
            ctxt.push(syn::Error::new(item_keyword_span(&item), SHAPE));
            None
        }
    };
    match (ctxt.check(), input) {
        (Ok(()), Some(input)) => {
            let implementation = implement(&args, &input);
            quote!(#item #implementation)
        }
        (Err(errors), input) => {
            let errors = errors.to_compile_error();
            let stub = input.as_ref().and_then(|input| fallback(&args, input));
            quote!(#item #errors #stub)
        }
        (Ok(()), None) => item,
    }
}

/// On error, a `Method` impl with the right `Response` keeps uses of the struct elsewhere from
/// adding "trait not implemented" errors to the one that matters. Not registered.
fn fallback(args: &Args, input: &DeriveInput) -> Option<TokenStream> {
    if !matches!(input.data, Data::Struct(_)) {
        return None;
    }
    let krate = match &args.krate {
        Some(path) => quote!(#path),
        None => quote!(::b24_core),
    };
    let private = quote!(#krate::__private);
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let name = match &args.name {
        Some(name) => quote!(#name),
        None => quote!(""),
    };
    let response = match &args.response {
        Some(response) => quote!(#response),
        None => quote!(()),
    };
    let for_ident = quote_spanned!(ident.span()=> for #ident);
    Some(quote! {
        #[allow(deprecated, non_upper_case_globals, clippy::all)]
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #private::Method #for_ident #ty_generics #where_clause {
                const NAME: &'static str = #name;
                const SCOPE: #private::Scope = #private::Scope::Basic;
                const META: #private::MethodMeta = #private::MethodMeta::DEFAULT;
                type Response = #response;
            }
        };
    })
}

fn check_shape(ctxt: &Ctxt, input: &DeriveInput) {
    match &input.data {
        Data::Struct(data) => {
            if let Fields::Unnamed(fields) = &data.fields {
                ctxt.error_spanned_by(fields, SHAPE);
            }
        }
        Data::Enum(data) => ctxt.push(syn::Error::new(data.enum_token.span, SHAPE)),
        Data::Union(data) => ctxt.push(syn::Error::new(data.union_token.span, SHAPE)),
    }
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

fn implement(args: &Args, input: &DeriveInput) -> TokenStream {
    let krate = match &args.krate {
        Some(path) => quote!(#path),
        None => quote!(::b24_core),
    };
    let private = quote!(#krate::__private);
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let name = &args.name;
    let scope = match &args.scope {
        Some(ScopeArg::Known(variant)) => quote!(#private::Scope::#variant),
        Some(ScopeArg::Custom(code)) => quote!(#private::Scope::custom(#code)),
        None => quote!(#private::Scope::Basic),
    };
    let response = &args.response;
    let meta = meta(args, input, &private);
    let registration = input
        .generics
        .params
        .is_empty()
        .then(|| quote!(#private::register!(#ident);));
    // Spanned at the user's struct so a missing `Serialize` is reported there.
    let for_ident = quote_spanned!(ident.span()=> for #ident);
    quote! {
        #[allow(deprecated, non_upper_case_globals, clippy::all)]
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #private::Method #for_ident #ty_generics #where_clause {
                const NAME: &'static str = #name;
                const SCOPE: #private::Scope = #scope;
                const META: #private::MethodMeta = #meta;
                type Response = #response;
            }
            #registration
        };
    }
}

/// Builds the `MethodMeta` constant, naming only what differs from the defaults.
fn meta(args: &Args, input: &DeriveInput, private: &TokenStream) -> TokenStream {
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
