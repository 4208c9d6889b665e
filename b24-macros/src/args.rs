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
    if tokens.is_empty() {
        ctxt.push(syn::Error::new(
            Span::call_site(),
            "expected arguments, e.g. `#[b24_method(\"crm.lead.add\", scope = \"crm\", response = T)]`",
        ));
        return args;
    }
    let mut mentioned = Vec::new();
    let parser = |input: ParseStream| parse_args(ctxt, input, &mut args, &mut mentioned);
    if let Err(error) = parser.parse2(tokens.clone()) {
        ctxt.push(error);
    }
    // A required argument that was given but malformed or misspelled is already reported.
    // Spanned over the arguments, which are the user's tokens, rather than the call site.
    if args.scope.is_none() && !mentioned.contains(&"scope") {
        ctxt.error_spanned_by(&tokens, "missing `scope` argument, e.g. `scope = \"crm\"`");
    }
    if args.response.is_none() && !mentioned.contains(&"response") {
        ctxt.error_spanned_by(
            &tokens,
            "missing `response` argument, e.g. `response = serde_json::Value`",
        );
    }
    args
}

fn parse_args(
    ctxt: &Ctxt,
    input: ParseStream,
    args: &mut Args,
    mentioned: &mut Vec<&'static str>,
) -> syn::Result<()> {
    let first = input.span();
    if input.peek(LitStr) {
        args.name = Some(parse_name(ctxt, input)?);
        separator(ctxt, input)?;
    }

    while !input.is_empty() {
        if input.peek(LitStr) {
            let literal = parse_name(ctxt, input)?;
            if args.name.is_none() {
                ctxt.error_spanned_by(&literal, "the method name must be the first argument");
                args.name = Some(literal);
            } else {
                ctxt.error_spanned_by(&literal, "unexpected second method name");
            }
            separator(ctxt, input)?;
            continue;
        }
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
            "scope" => {
                parse_scope(ctxt, input, &key).map(|value| set(ctxt, &key, &mut args.scope, value))
            }
            "response" => {
                value(input, &key).map(|value| set(ctxt, &key, &mut args.response, value))
            }
            "read_only" => {
                flag(input, &key).map(|value| set(ctxt, &key, &mut args.read_only, value))
            }
            "batch" => value(input, &key).map(|value| set(ctxt, &key, &mut args.batch, value)),
            "list" => parse_list(input, &key).map(|value| set(ctxt, &key, &mut args.list, value)),
            "cursor" => value(input, &key).map(|value| set(ctxt, &key, &mut args.cursor, value)),
            "crate" => {
                parse_crate(input, &key).map(|value| set(ctxt, &key, &mut args.krate, value))
            }
            unknown => {
                ctxt.error_spanned_by(
                    &key,
                    format!("unknown argument `{key}`; expected one of {ARGUMENTS}"),
                );
                // `respnse = T` is the `response` argument misspelled, not a missing one.
                for required in ["scope", "response"] {
                    if scope::edit_distance(unknown, required) <= 2 {
                        mentioned.push(required);
                    }
                }
                skip_value(input)
            }
        };
        for known in ["scope", "response"] {
            if key == known {
                mentioned.push(known);
            }
        }
        if let Err(error) = parsed {
            ctxt.push(error);
            skip_value(input)?;
        }
        separator(ctxt, input)?;
    }

    if args.name.is_none() {
        ctxt.push(syn::Error::new(
            first,
            "expected the Bitrix24 method name as the first argument, e.g. \"crm.lead.add\"",
        ));
    }
    Ok(())
}

fn parse_name(ctxt: &Ctxt, input: ParseStream) -> syn::Result<LitStr> {
    let name: LitStr = input.parse()?;
    if let Err(problem) = check::method_name(&name.value()) {
        ctxt.error_spanned_by(&name, format!("invalid Bitrix24 method name: {problem}"));
    }
    Ok(name)
}

/// Expects a comma between arguments; a missing one is reported and parsing goes on.
fn separator(ctxt: &Ctxt, input: ParseStream) -> syn::Result<()> {
    if input.is_empty() {
        Ok(())
    } else if input.peek(Token![,]) {
        input.parse::<Token![,]>().map(drop)
    } else {
        ctxt.push(syn::Error::new(input.span(), "expected `,`"));
        Ok(())
    }
}

pub(crate) fn set<T>(ctxt: &Ctxt, key: &Ident, slot: &mut Option<T>, value: T) {
    if slot.is_some() {
        ctxt.error_spanned_by(key, format!("duplicate `{key}` argument"));
    } else {
        *slot = Some(value);
    }
}

pub(crate) fn value<T: syn::parse::Parse>(input: ParseStream, key: &Ident) -> syn::Result<T> {
    equals(input, key)?;
    input.parse()
}

/// The `=` after a key; without it the error points at the key rather than past the end.
pub(crate) fn equals(input: ParseStream, key: &Ident) -> syn::Result<()> {
    if input.peek(Token![=]) {
        input.parse::<Token![=]>().map(drop)
    } else {
        Err(syn::Error::new(
            key.span(),
            format!("expected `=` after `{key}`"),
        ))
    }
}

/// `read_only` alone means `read_only = true`.
fn flag(input: ParseStream, key: &Ident) -> syn::Result<LitBool> {
    if input.peek(Token![=]) {
        value(input, key)
    } else {
        Ok(LitBool::new(true, key.span()))
    }
}

fn parse_list(input: ParseStream, key: &Ident) -> syn::Result<ListArg> {
    if input.peek(Token![=]) {
        value(input, key).map(ListArg::Key)
    } else {
        Ok(ListArg::Root)
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

fn parse_scope(ctxt: &Ctxt, input: ParseStream, key: &Ident) -> syn::Result<ScopeArg> {
    equals(input, key)?;
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
        let message = if scope::variant(&function.to_string()).is_some() {
            format!("expected a string literal: `scope = \"{function}\"`")
        } else {
            String::from("expected a scope code such as \"crm\", or `custom(\"module\")`")
        };
        return Err(syn::Error::new(function.span(), message));
    }
    let content;
    syn::parenthesized!(content in input);
    let literal: LitStr = content.parse()?;
    let code = literal.value();
    if let Err(problem) = check::custom_scope(&code) {
        ctxt.error_spanned_by(&literal, format!("invalid custom scope: {problem}"));
    } else if scope::variant(&code).is_some() {
        ctxt.error_spanned_by(
            &literal,
            format!("`{code}` is a documented scope; write `scope = \"{code}\"`"),
        );
    }
    Ok(ScopeArg::Custom(literal))
}

/// Skips the rest of a malformed argument, up to the next top-level comma.
pub(crate) fn skip_value(input: ParseStream) -> syn::Result<()> {
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
