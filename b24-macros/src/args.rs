use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitBool, LitStr, Token};

use crate::ctxt::Ctxt;
use crate::{check, scope};

const ARGUMENTS: &str = "`scope`, `response`, `read_only`, `batch`, `list`, `cursor`, `crate`";

/// The parsed arguments of one `#[b24_method(...)]`; absent pieces were already reported.
#[derive(Default)]
pub(crate) struct Args {
    pub name: Option<LitStr>,
    pub scope: Option<ScopeArg>,
    pub response: Option<syn::Type>,
    pub read_only: Option<LitBool>,
    pub batch: Option<LitBool>,
    pub list: Option<ListArg>,
    pub cursor: Option<LitStr>,
    pub krate: Option<syn::Path>,
}

/// The `scope = ...` argument after validation.
pub(crate) enum ScopeArg {
    /// A documented scope: the `Scope` variant, spanned at the literal.
    Known(Ident),
    /// `scope = custom("module")`: an on-premise module's own scope.
    Custom(LitStr),
}

/// The `list` argument: where a list method keeps its items.
pub(crate) enum ListArg {
    /// `list`: `result` itself is the array of items.
    Root,
    /// `list = "items"`: `result` is an object holding the array under this key.
    Key(LitStr),
}

pub(crate) fn parse(ctxt: &Ctxt, tokens: TokenStream) -> Args {
    let mut args = Args::default();
    let parser = |input: ParseStream| parse_args(ctxt, input, &mut args);
    if let Err(error) = parser.parse2(tokens) {
        ctxt.push(error);
    }
    args
}

fn parse_args(ctxt: &Ctxt, input: ParseStream, args: &mut Args) -> syn::Result<()> {
    if input.peek(LitStr) {
        let name: LitStr = input.parse()?;
        if let Err(problem) = check::method_name(&name.value()) {
            ctxt.error_spanned_by(&name, format!("invalid Bitrix24 method name: {problem}"));
        }
        args.name = Some(name);
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
    } else {
        ctxt.push(syn::Error::new(
            first_span(input),
            "expected the Bitrix24 method name as the first argument, e.g. \"crm.lead.add\"",
        ));
    }

    while !input.is_empty() {
        let key = input.call(Ident::parse_any)?;
        let parsed = match key.to_string().as_str() {
            "scope" => {
                parse_scope(ctxt, input).map(|value| set(ctxt, &key, &mut args.scope, value))
            }
            "response" => value(input).map(|value| set(ctxt, &key, &mut args.response, value)),
            "read_only" => {
                flag(input, &key).map(|value| set(ctxt, &key, &mut args.read_only, value))
            }
            "batch" => value(input).map(|value| set(ctxt, &key, &mut args.batch, value)),
            "list" => parse_list(input).map(|value| set(ctxt, &key, &mut args.list, value)),
            "cursor" => value(input).map(|value| set(ctxt, &key, &mut args.cursor, value)),
            "crate" => value(input).map(|value| set(ctxt, &key, &mut args.krate, value)),
            _ => {
                ctxt.error_spanned_by(
                    &key,
                    format!("unknown argument `{key}`; expected one of {ARGUMENTS}"),
                );
                skip_value(input)
            }
        };
        if let Err(error) = parsed {
            ctxt.push(error);
            skip_value(input)?;
        }
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
    }
    Ok(())
}

fn set<T>(ctxt: &Ctxt, key: &Ident, slot: &mut Option<T>, value: T) {
    if slot.is_some() {
        ctxt.error_spanned_by(key, format!("duplicate `{key}` argument"));
    } else {
        *slot = Some(value);
    }
}

fn value<T: syn::parse::Parse>(input: ParseStream) -> syn::Result<T> {
    input.parse::<Token![=]>()?;
    input.parse()
}

/// `read_only` alone means `read_only = true`.
fn flag(input: ParseStream, key: &Ident) -> syn::Result<LitBool> {
    if input.peek(Token![=]) {
        value(input)
    } else {
        Ok(LitBool::new(true, key.span()))
    }
}

fn parse_list(input: ParseStream) -> syn::Result<ListArg> {
    if input.peek(Token![=]) {
        value(input).map(ListArg::Key)
    } else {
        Ok(ListArg::Root)
    }
}

fn parse_scope(ctxt: &Ctxt, input: ParseStream) -> syn::Result<ScopeArg> {
    input.parse::<Token![=]>()?;
    if input.peek(LitStr) {
        let literal: LitStr = input.parse()?;
        let code = literal.value();
        return match scope::variant(&code) {
            Some(variant) => Ok(ScopeArg::Known(Ident::new(variant, literal.span()))),
            None => {
                let hint = match scope::suggestion(&code) {
                    Some(known) => format!("; did you mean `{known}`?"),
                    None => String::from(
                        "; an on-premise module's own scope is declared as `scope = custom(\"module\")`",
                    ),
                };
                ctxt.error_spanned_by(&literal, format!("unknown Bitrix24 scope `{code}`{hint}"));
                // Reported; a placeholder keeps the rest of the expansion quiet.
                Ok(ScopeArg::Custom(literal))
            }
        };
    }
    let function: Ident = input.parse()?;
    if function != "custom" {
        return Err(syn::Error::new(
            function.span(),
            "expected a scope code such as \"crm\", or `custom(\"module\")`",
        ));
    }
    let content;
    syn::parenthesized!(content in input);
    let literal: LitStr = content.parse()?;
    if let Err(problem) = check::custom_scope(&literal.value()) {
        ctxt.error_spanned_by(&literal, format!("invalid custom scope: {problem}"));
    }
    Ok(ScopeArg::Custom(literal))
}

fn first_span(input: ParseStream) -> Span {
    if input.is_empty() {
        Span::call_site()
    } else {
        input.span()
    }
}

/// Skips the rest of a malformed argument, up to the next top-level comma.
fn skip_value(input: ParseStream) -> syn::Result<()> {
    input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tree, next)) = rest.token_tree() {
            if let proc_macro2::TokenTree::Punct(punct) = &tree
                && punct.as_char() == ','
            {
                return Ok(((), rest));
            }
            rest = next;
        }
        Ok(((), rest))
    })
}
