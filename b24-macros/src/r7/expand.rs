//! The `Route` impl of `#[r7_method]` (and `ListRoute` for lists), or the stub on error.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::DeriveInput;

use super::args::Args;
use super::fields::{self, Field};
use crate::ctxt::Ctxt;
use crate::item;

pub(crate) fn r7_method(attr: TokenStream, item: TokenStream) -> TokenStream {
    let ctxt = Ctxt::new();
    let args: Args = crate::args::parse(&ctxt, attr);
    let Some(mut input) = item::parse(&ctxt, &item, "r7_method") else {
        return item::finish(ctxt, item, None, |_| quote!(), |_| quote!());
    };
    // The helper attributes go in every case: serde's derive would not know them.
    let fields = fields::take(&ctxt, &mut input);
    let placeholders = match_placeholders(&ctxt, &args, &fields);
    item::finish(
        ctxt,
        quote!(#input),
        Some(&input),
        |input| route_impl(&args, input, Some((&fields, &placeholders))),
        |input| route_impl(&args, input, None),
    )
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

/// The `Route` impl, and `ListRoute` for `list`. Without `fields` it is the fail-soft stub:
/// only the response type is kept (verb `GET`, empty template, no fields, no list).
fn route_impl(
    args: &Args,
    input: &DeriveInput,
    fields: Option<(&[Field], &[Option<String>])>,
) -> TokenStream {
    let private = item::private_path(args.krate.as_ref());
    let private = quote!(#private::r7);
    let response = item::response_or_unit(args.response.as_ref());
    let Some((fields, placeholders)) = fields else {
        return item::implementation(
            input,
            &quote!(#private::Route),
            quote! {
                const VERB: #private::Verb = #private::Verb::Get;
                const TEMPLATE: &'static str = "";
                const FIELDS: &'static [#private::Field] = &[];
                type Response = #response;
            },
            None,
        );
    };
    let verb = &args.verb;
    let template = args.template.as_ref().map(|(literal, _)| literal);
    let entries = fields
        .iter()
        .zip(placeholders)
        .filter_map(|(field, placeholder)| field_entry(&private, field, placeholder.as_deref()));
    let format = args
        .format
        .as_ref()
        .map(|format| quote!(const FORMAT: #private::Format = #private::Format::#format;));
    let list = args.list.as_ref().map(|list| {
        let ident = &input.ident;
        let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
        let for_list = quote_spanned!(list.span()=> for #ident);
        quote! {
            #[automatically_derived]
            impl #impl_generics #private::ListRoute #for_list #ty_generics #where_clause {}
        }
    });
    item::implementation(
        input,
        &quote!(#private::Route),
        quote! {
            const VERB: #private::Verb = #private::Verb::#verb;
            const TEMPLATE: &'static str = #template;
            const FIELDS: &'static [#private::Field] = &[#(#entries),*];
            #format
            type Response = #response;
        },
        list,
    )
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
