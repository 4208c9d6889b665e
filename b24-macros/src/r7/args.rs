//! Arguments of `#[r7_method(VERB, "template", response = T, ...)]`.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Token};

use super::template::{self, Template};
use crate::args::{equals, set, skip_value, value};
use crate::ctxt::Ctxt;

const ARGUMENTS: &str = "`response`, `list`, `format`, `crate`";
const VERBS: &[(&str, &str)] = &[
    ("GET", "Get"),
    ("POST", "Post"),
    ("PUT", "Put"),
    ("DELETE", "Delete"),
];

/// The parsed arguments of one `#[r7_method(...)]`; absent pieces were already reported.
#[derive(Default)]
pub(crate) struct Args {
    /// The `Verb` variant, spanned at the user's verb.
    pub verb: Option<Ident>,
    pub template: Option<(LitStr, Template)>,
    pub response: Option<syn::Type>,
    pub list: Option<Ident>,
    /// The `Format` variant, spanned at the user's value.
    pub format: Option<Ident>,
    pub krate: Option<syn::Path>,
}

pub(crate) fn parse(ctxt: &Ctxt, tokens: TokenStream) -> Args {
    let mut args = Args::default();
    if tokens.is_empty() {
        ctxt.push(syn::Error::new(
            Span::call_site(),
            "expected arguments, e.g. `#[r7_method(GET, \"api/2.0/crm/case/{caseid}\", response = Case)]`",
        ));
        return args;
    }
    let mut mentioned_response = false;
    let parser = |input: ParseStream| parse_args(ctxt, input, &mut args, &mut mentioned_response);
    if let Err(error) = parser.parse2(tokens.clone()) {
        ctxt.push(error);
    }
    if args.response.is_none() && !mentioned_response {
        ctxt.error_spanned_by(
            &tokens,
            "missing `response` argument, e.g. `response = Case`",
        );
    }
    args
}

fn parse_args(
    ctxt: &Ctxt,
    input: ParseStream,
    args: &mut Args,
    mentioned_response: &mut bool,
) -> syn::Result<()> {
    let first = input.span();
    // The verb: an identifier not followed by `=`.
    if input.peek(Ident::peek_any) && !input.peek2(Token![=]) {
        let verb = input.call(Ident::parse_any)?;
        args.verb = parse_verb(ctxt, &verb);
        separator(ctxt, input)?;
    } else {
        ctxt.push(syn::Error::new(
            first,
            "expected the HTTP verb as the first argument: `GET`, `POST`, `PUT` or `DELETE`",
        ));
    }
    if input.peek(LitStr) {
        let literal: LitStr = input.parse()?;
        match template::parse(&literal.value()) {
            Ok(parsed) => args.template = Some((literal, parsed)),
            Err(problem) => {
                ctxt.error_spanned_by(&literal, format!("malformed route template: {problem}"))
            }
        }
        separator(ctxt, input)?;
    } else if args.verb.is_some() {
        ctxt.push(syn::Error::new(
            input.span(),
            "expected the route template after the verb, e.g. \"api/2.0/crm/case/{caseid}\"",
        ));
    }

    while !input.is_empty() {
        let Ok(key) = input.call(Ident::parse_any) else {
            ctxt.push(syn::Error::new(
                input.span(),
                format!("expected one of {ARGUMENTS}"),
            ));
            skip_value(input)?;
            separator(ctxt, input)?;
            continue;
        };
        let parsed = match key.to_string().as_str() {
            "response" => {
                *mentioned_response = true;
                value(input, &key).map(|value| set(ctxt, &key, &mut args.response, value))
            }
            "list" => {
                set(ctxt, &key, &mut args.list, key.clone());
                Ok(())
            }
            "format" => {
                parse_format(input, &key).map(|value| set(ctxt, &key, &mut args.format, value))
            }
            "crate" => {
                parse_crate(input, &key).map(|value| set(ctxt, &key, &mut args.krate, value))
            }
            unknown => {
                ctxt.error_spanned_by(
                    &key,
                    format!("unknown argument `{key}`; expected one of {ARGUMENTS}"),
                );
                if unknown.starts_with("resp") {
                    *mentioned_response = true;
                }
                skip_value(input)
            }
        };
        if let Err(error) = parsed {
            ctxt.push(error);
            skip_value(input)?;
        }
        separator(ctxt, input)?;
    }
    Ok(())
}

fn parse_verb(ctxt: &Ctxt, verb: &Ident) -> Option<Ident> {
    let text = verb.to_string();
    if let Some((_, variant)) = VERBS.iter().find(|(wire, _)| *wire == text) {
        return Some(Ident::new(variant, verb.span()));
    }
    let upper = text.to_ascii_uppercase();
    let message = if VERBS.iter().any(|(wire, _)| *wire == upper) {
        format!("write the verb in upper case: `{upper}`")
    } else {
        format!(
            "unknown HTTP verb `{text}`; the R7 API routes `GET`, `POST`, `PUT` and `DELETE` only"
        )
    };
    ctxt.error_spanned_by(verb, message);
    None
}

fn parse_format(input: ParseStream, key: &Ident) -> syn::Result<Ident> {
    equals(input, key)?;
    let format = input.call(Ident::parse_any)?;
    match format.to_string().as_str() {
        "json" => Ok(Ident::new("Json", format.span())),
        "xml" => Ok(Ident::new("Xml", format.span())),
        _ => Err(syn::Error::new(
            format.span(),
            "expected `format = json` or `format = xml`",
        )),
    }
}

fn parse_crate(input: ParseStream, key: &Ident) -> syn::Result<syn::Path> {
    equals(input, key)?;
    if input.peek(LitStr) {
        let literal: LitStr = input.parse()?;
        return Err(syn::Error::new(
            literal.span(),
            format!(
                "expected a path without quotes, e.g. `crate = {}`",
                literal.value()
            ),
        ));
    }
    input.parse()
}

/// Expects a comma between arguments; a missing one is reported and parsing goes on.
fn separator(ctxt: &Ctxt, input: ParseStream) -> syn::Result<()> {
    if input.is_empty() {
        Ok(())
    } else if input.peek(Token![,]) {
        input.parse::<Token![,]>().map(drop)
    } else {
        ctxt.push(syn::Error::new(input.span(), "expected `,`"));
        skip_value(input)?;
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
        }
        Ok(())
    }
}
