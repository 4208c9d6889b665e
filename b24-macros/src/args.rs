//! Argument parsing shared by `#[b24_method]` and `#[r7_method]`: the `key = value` loop and
//! its recovery after a mistake, and the values both attributes take (`response = T`,
//! `crate = path`). Each attribute implements [`Arguments`]: its positional arguments, the
//! value of each key, and the checks across arguments.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Token};

use crate::ctxt::Ctxt;
use crate::spelling;

/// One argument after the positional ones, as [`keyed`] hands it over.
pub(crate) enum Argument<'a> {
    /// A known key (spelled as in the attribute's key list), its value not read yet.
    Key(&'static str, &'a Ident),
    /// A string literal where a key was expected (a misplaced positional argument).
    Literal(LitStr),
}

/// One attribute's arguments, as [`parse`] reads them.
pub(crate) trait Arguments: Default {
    /// The whole attribute with its required arguments, for an empty one.
    const EXAMPLE: &'static str;
    /// The keys after the positional arguments.
    const KEYS: &'static [&'static str];
    /// The required keys, each with an example, reported when absent.
    const REQUIRED: &'static [(&'static str, &'static str)];

    /// Reads the leading positional arguments, each with its separator.
    fn positional(&mut self, ctxt: &Ctxt, input: ParseStream) -> syn::Result<()>;

    /// Reads one argument after them: the value of a key, or a misplaced literal.
    fn argument(&mut self, ctxt: &Ctxt, argument: Argument, input: ParseStream) -> syn::Result<()>;

    /// Whether the required `key` was read.
    fn has(&self, key: &str) -> bool;

    /// Checks that involve several arguments, once all are read; `tokens` are the arguments.
    fn finish(&mut self, ctxt: &Ctxt, tokens: &TokenStream);
}

/// Reads an attribute's arguments: the positional ones, then [`keyed`], then the missing
/// required ones and [`Arguments::finish`]. Every mistake is reported in `ctxt`; what could not
/// be read stays `None`.
pub(crate) fn parse<A: Arguments>(ctxt: &Ctxt, tokens: TokenStream) -> A {
    let mut args = A::default();
    if tokens.is_empty() {
        ctxt.push(syn::Error::new(
            Span::call_site(),
            format!("expected arguments, e.g. `{}`", A::EXAMPLE),
        ));
        return args;
    }
    let mut mentioned = Vec::new();
    let parser = |input: ParseStream| {
        args.positional(ctxt, input)?;
        keyed(ctxt, input, A::KEYS, &mut mentioned, |argument, input| {
            args.argument(ctxt, argument, input)
        })
    };
    if let Err(error) = parser.parse2(tokens.clone()) {
        ctxt.push(error);
    }
    // A required argument given in a malformed or misspelled form is reported already.
    // Spanned over the arguments, the user's tokens, rather than the call site.
    for (key, example) in A::REQUIRED {
        if !args.has(key) && !mentioned.contains(key) {
            ctxt.error_spanned_by(
                &tokens,
                format!("missing `{key}` argument, e.g. `{example}`"),
            );
        }
    }
    args.finish(ctxt, &tokens);
    args
}

/// Reads `key` and `key = value` arguments to the end of `input`, handing each one to
/// `argument`, which reads the value. An unknown key is reported with the list of `keys`; an
/// error from `argument` is reported and the rest of that argument skipped, so one build reports
/// every mistake. Every key given, or misspelled closely enough to be recognised, is added to
/// `mentioned`: a required argument that was mistyped is already reported, not also missing.
fn keyed(
    ctxt: &Ctxt,
    input: ParseStream,
    keys: &[&'static str],
    mentioned: &mut Vec<&'static str>,
    mut argument: impl FnMut(Argument, ParseStream) -> syn::Result<()>,
) -> syn::Result<()> {
    while !input.is_empty() {
        let parsed = if input.peek(LitStr) {
            let literal: LitStr = input.parse()?;
            argument(Argument::Literal(literal), input)
        } else if let Ok(key) = input.call(Ident::parse_any) {
            match keys.iter().find(|known| key == **known) {
                Some(&known) => {
                    mentioned.push(known);
                    argument(Argument::Key(known, &key), input)
                }
                None => {
                    let unknown = key.to_string();
                    mentioned.extend(
                        keys.iter()
                            .filter(|known| spelling::is_misspelling(&unknown, known)),
                    );
                    Err(syn::Error::new(
                        key.span(),
                        format!("unknown argument `{key}`; expected one of {}", list(keys)),
                    ))
                }
            }
        } else {
            Err(syn::Error::new(
                input.span(),
                format!("expected one of {}", list(keys)),
            ))
        };
        if let Err(error) = parsed {
            ctxt.push(error);
            skip_value(input)?;
        }
        separator(ctxt, input, keys)?;
    }
    Ok(())
}

/// `` `a`, `b`, `c` `` for messages.
fn list(keys: &[&str]) -> String {
    keys.iter()
        .map(|key| format!("`{key}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Expects a comma between arguments. A missing one is reported once; parsing goes on at the
/// next token when it starts an argument (`key = ...`, a known key, a string literal), as in
/// `scope = "crm" response = T`, and after the next comma otherwise, so that the rest of a
/// malformed value is not read as more arguments.
pub(crate) fn separator(ctxt: &Ctxt, input: ParseStream, keys: &[&str]) -> syn::Result<()> {
    if input.is_empty() {
        return Ok(());
    }
    if input.peek(Token![,]) {
        return input.parse::<Token![,]>().map(drop);
    }
    ctxt.push(syn::Error::new(input.span(), "expected `,`"));
    let fork = input.fork();
    let starts_argument = input.peek(LitStr)
        || fork
            .call(Ident::parse_any)
            .is_ok_and(|ident| fork.peek(Token![=]) || keys.iter().any(|key| ident == *key));
    if !starts_argument {
        skip_value(input)?;
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
        }
    }
    Ok(())
}

/// Stores an argument's value; a second one is reported at its key.
pub(crate) fn set<T>(ctxt: &Ctxt, key: &Ident, slot: &mut Option<T>, value: T) {
    if slot.is_some() {
        ctxt.error_spanned_by(key, format!("duplicate `{key}` argument"));
    } else {
        *slot = Some(value);
    }
}

/// `= value` after a key.
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

/// `= Type`. A type written as a string (`response = "Widget"`) or another literal gets a clear
/// message instead of the type parser's list of expected tokens.
pub(crate) fn type_value(input: ParseStream, key: &Ident) -> syn::Result<syn::Type> {
    equals(input, key)?;
    if input.peek(LitStr) {
        let literal: LitStr = input.parse()?;
        let message = match literal.parse::<syn::Type>() {
            Ok(_) => format!(
                "expected a type, found a string literal; write `{key} = {}` without quotes",
                literal.value().trim()
            ),
            Err(_) => String::from("expected a type, found a string literal"),
        };
        return Err(syn::Error::new(literal.span(), message));
    }
    if input.peek(syn::Lit) {
        let literal: syn::Lit = input.parse()?;
        return Err(syn::Error::new(
            literal.span(),
            format!("expected a type, found a literal, e.g. `{key} = serde_json::Value`"),
        ));
    }
    input.parse()
}

/// `crate = path`: where `b24_core` is, for facades that re-export it.
pub(crate) fn crate_path(input: ParseStream, key: &Ident) -> syn::Result<syn::Path> {
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

/// Skips the rest of a malformed argument, up to the next top-level comma.
pub(crate) fn skip_value(input: ParseStream) -> syn::Result<()> {
    input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tree, next)) = rest.token_tree() {
            if let TokenTree::Punct(punct) = &tree
                && punct.as_char() == ','
            {
                return Ok(((), rest));
            }
            rest = next;
        }
        Ok(((), rest))
    })
}
