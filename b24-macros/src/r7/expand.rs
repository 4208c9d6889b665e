use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use syn::{Data, DeriveInput, Fields};

use super::args::{self, Args};
use super::fields::{self, Field};
use crate::ctxt::Ctxt;

const SHAPE: &str =
    "`#[r7_method]` can only be applied to a struct with named fields or a unit struct";

pub(crate) fn r7_method(attr: TokenStream, item: TokenStream) -> TokenStream {
    let ctxt = Ctxt::new();
    let args = args::parse(&ctxt, attr);
    let Ok(mut input) = syn::parse2::<DeriveInput>(item.clone()) else {
        ctxt.push(syn::Error::new(item_keyword_span(&item), SHAPE));
        let errors = ctxt.check().err().map(|errors| errors.to_compile_error());
        return quote!(#item #errors);
    };
    check_shape(&ctxt, &input);
    // The helper attributes go in every case: serde's derive would not know them.
    let fields = fields::take(&ctxt, &mut input);
    let placeholders = match_placeholders(&ctxt, &args, &fields);
    match ctxt.check() {
        Ok(()) => {
            let implementation = implement(&args, &input, &fields, &placeholders);
            quote!(#input #implementation)
        }
        Err(errors) => {
            let errors = errors.to_compile_error();
            let stub = fallback(&args, &input);
            quote!(#input #errors #stub)
        }
    }
}

/// For each field, the placeholder it fills, if any; reports placeholders without a field and
/// `#[r7(path)]` fields without a placeholder.
fn match_placeholders(ctxt: &Ctxt, args: &Args, fields: &[Field]) -> Vec<Option<String>> {
    let mut filled = vec![None; fields.len()];
    if let Some((literal, template)) = &args.template {
        for placeholder in &template.placeholders {
            let matching = fields.iter().position(|field| {
                field.wire.eq_ignore_ascii_case(placeholder)
                    || field.ident.to_string().eq_ignore_ascii_case(placeholder)
            });
            match matching {
                Some(index) => filled[index] = Some(placeholder.clone()),
                None => ctxt.error_spanned_by(
                    literal,
                    format!(
                        "placeholder `{{{placeholder}}}` has no matching field; add a field named \
                         `{placeholder}` or one whose serde name is `{placeholder}`"
                    ),
                ),
            }
        }
    }
    for (field, placeholder) in fields.iter().zip(&filled) {
        if let (Some(path), None) = (&field.path, placeholder)
            && args.template.is_some()
        {
            ctxt.error_spanned_by(
                path,
                format!(
                    "`{}` is marked `#[r7(path)]` but the route template has no `{{{}}}` placeholder",
                    field.ident, field.wire
                ),
            );
        }
    }
    filled
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

fn private(args: &Args) -> TokenStream {
    match &args.krate {
        Some(path) => quote!(#path::__private::r7),
        None => quote!(::b24_core::__private::r7),
    }
}

fn implement(
    args: &Args,
    input: &DeriveInput,
    fields: &[Field],
    placeholders: &[Option<String>],
) -> TokenStream {
    let private = private(args);
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let verb = &args.verb;
    let template = args.template.as_ref().map(|(literal, _)| literal);
    let response = &args.response;
    let entries = fields
        .iter()
        .zip(placeholders)
        .filter_map(|(field, placeholder)| field_entry(&private, field, placeholder.as_deref()));
    let format = args
        .format
        .as_ref()
        .map(|format| quote!(const FORMAT: #private::Format = #private::Format::#format;));
    let for_ident = quote_spanned!(ident.span()=> for #ident);
    let list = args.list.as_ref().map(|list| {
        let for_list = quote_spanned!(list.span()=> for #ident);
        quote! {
            #[automatically_derived]
            impl #impl_generics #private::ListRoute #for_list #ty_generics #where_clause {}
        }
    });
    quote! {
        #[allow(deprecated, non_upper_case_globals, clippy::all)]
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #private::Route #for_ident #ty_generics #where_clause {
                const VERB: #private::Verb = #private::Verb::#verb;
                const TEMPLATE: &'static str = #template;
                const FIELDS: &'static [#private::Field] = &[#(#entries),*];
                #format
                type Response = #response;
            }
            #list
        };
    }
}

/// The placement entry of one field; `None` for a field left to the defaults.
fn field_entry(
    private: &TokenStream,
    field: &Field,
    placeholder: Option<&str>,
) -> Option<TokenStream> {
    let wire = &field.wire;
    let mut entry = match (placeholder, &field.query, &field.body) {
        (Some(placeholder), _, _) => quote!(#private::Field::path(#wire, #placeholder)),
        (None, Some(_), _) => return Some(quote!(#private::Field::query(#wire))),
        (None, None, Some(_)) => return Some(quote!(#private::Field::body(#wire))),
        (None, None, None) => return None,
    };
    if field.query.is_some() {
        entry = quote!(#entry.and_query());
    }
    if field.body.is_some() {
        entry = quote!(#entry.and_body());
    }
    Some(entry)
}

/// On error, a `Route` impl with the right `Response` keeps uses of the struct elsewhere from
/// adding "trait not implemented" errors to the one that matters.
fn fallback(args: &Args, input: &DeriveInput) -> Option<TokenStream> {
    if !matches!(&input.data, Data::Struct(data) if !matches!(data.fields, Fields::Unnamed(_))) {
        return None;
    }
    let private = private(args);
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let response = match &args.response {
        Some(response) => quote!(#response),
        None => quote!(()),
    };
    let for_ident = quote_spanned!(ident.span()=> for #ident);
    Some(quote! {
        #[allow(deprecated, non_upper_case_globals, clippy::all)]
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #private::Route #for_ident #ty_generics #where_clause {
                const VERB: #private::Verb = #private::Verb::Get;
                const TEMPLATE: &'static str = "";
                const FIELDS: &'static [#private::Field] = &[];
                type Response = #response;
            }
        };
    })
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
