//! Arguments of `#[b24_method("name", scope = "...", response = T, ...)]`.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::{Ident, LitBool, LitInt, LitStr, Token};

use super::{check, scope};
use crate::args::{self, Argument, Arguments};
use crate::ctxt::Ctxt;
use crate::spelling;

/// The parsed arguments of one `#[b24_method(...)]`; absent pieces were already reported.
#[derive(Default)]
pub(crate) struct Args {
    pub name: Option<LitStr>,
    pub scope: Option<ScopeArg>,
    pub response: Option<syn::Type>,
    pub read_only: Option<LitBool>,
    pub batch: Option<LitBool>,
    pub list: Option<ListArg>,
    pub item: Option<syn::Type>,
    pub cursor: Option<LitStr>,
    pub version: Option<Version>,
    pub krate: Option<syn::Path>,
}

/// Which REST API the method belongs to (`version = 2`, the default, or `version = 3`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    /// The classic REST API at `/rest/`: the impl is of `Method`.
    Classic,
    /// REST 3.0 at `/rest/api/`: the impl is of `v3::Method`, so that the two never mix.
    V3,
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

impl Arguments for Args {
    const EXAMPLE: &'static str = "#[b24_method(\"crm.lead.add\", scope = \"crm\", response = T)]";
    const KEYS: &'static [&'static str] = &[
        "scope",
        "response",
        "read_only",
        "batch",
        "list",
        "item",
        "cursor",
        "version",
        "crate",
    ];
    const REQUIRED: &'static [(&'static str, &'static str)] = &[
        ("scope", "scope = \"crm\""),
        ("response", "response = serde_json::Value"),
    ];

    /// The method name: a string literal, or an unquoted one reported as such.
    fn positional(&mut self, ctxt: &Ctxt, input: ParseStream) -> syn::Result<()> {
        if input.peek(LitStr) {
            self.name = Some(parse_name(ctxt, input)?);
        } else if let Some(name) = unquoted_name(ctxt, input)? {
            self.name = Some(name);
        } else {
            return Ok(());
        }
        args::separator(ctxt, input, Self::KEYS)
    }

    fn argument(&mut self, ctxt: &Ctxt, argument: Argument, input: ParseStream) -> syn::Result<()> {
        let (known, key) = match argument {
            Argument::Key(known, key) => (known, key),
            Argument::Literal(literal) => {
                check_name(ctxt, &literal);
                if self.name.is_none() {
                    ctxt.error_spanned_by(&literal, "the method name must be the first argument");
                    self.name = Some(literal);
                } else {
                    ctxt.error_spanned_by(&literal, "unexpected second method name");
                }
                return Ok(());
            }
        };
        match known {
            "scope" => {
                parse_scope(ctxt, input, key).map(|v| args::set(ctxt, key, &mut self.scope, v))
            }
            "response" => {
                args::type_value(input, key).map(|v| args::set(ctxt, key, &mut self.response, v))
            }
            "read_only" => flag(input, key).map(|v| args::set(ctxt, key, &mut self.read_only, v)),
            "batch" => args::value(input, key).map(|v| args::set(ctxt, key, &mut self.batch, v)),
            "list" => parse_list(input, key).map(|v| args::set(ctxt, key, &mut self.list, v)),
            "item" => args::type_value(input, key).map(|v| args::set(ctxt, key, &mut self.item, v)),
            "cursor" => args::value(input, key).map(|v| args::set(ctxt, key, &mut self.cursor, v)),
            "version" => {
                parse_version(input, key).map(|v| args::set(ctxt, key, &mut self.version, v))
            }
            "crate" => {
                args::crate_path(input, key).map(|v| args::set(ctxt, key, &mut self.krate, v))
            }
            other => unreachable!("`{other}` is not in KEYS"),
        }
    }

    fn has(&self, key: &str) -> bool {
        match key {
            "scope" => self.scope.is_some(),
            "response" => self.response.is_some(),
            _ => false,
        }
    }

    fn finish(&mut self, ctxt: &Ctxt, tokens: &TokenStream) {
        if self.name.is_none() {
            let first = tokens.clone().into_iter().next().map(|tree| tree.span());
            ctxt.push(syn::Error::new(
                first.unwrap_or_else(Span::call_site),
                "expected the Bitrix24 method name as the first argument, e.g. \"crm.lead.add\"",
            ));
        }
        check_list(ctxt, self);
    }
}

fn parse_name(ctxt: &Ctxt, input: ParseStream) -> syn::Result<LitStr> {
    let name: LitStr = input.parse()?;
    check_name(ctxt, &name);
    Ok(name)
}

/// Reports every problem of a method name in one message.
fn check_name(ctxt: &Ctxt, name: &LitStr) {
    let problems = check::method_name(&name.value());
    if !problems.is_empty() {
        ctxt.error_spanned_by(
            name,
            format!("invalid Bitrix24 method name: {}", problems.join("; ")),
        );
    }
}

/// A method name written without quotes, `crm.deal.add` or a lone `profile` that is no
/// argument key: reported as such (not as an unknown argument), and read as the name.
fn unquoted_name(ctxt: &Ctxt, input: ParseStream) -> syn::Result<Option<LitStr>> {
    let fork = input.fork();
    let Ok(first) = fork.call(Ident::parse_any) else {
        return Ok(None);
    };
    let first_name = first.to_string();
    let dotted = fork.peek(Token![.]);
    let alone = fork.is_empty() || fork.peek(Token![,]);
    let like_a_key = Args::KEYS
        .iter()
        .any(|key| spelling::is_misspelling(&first_name, key));
    if !(dotted || (alone && !like_a_key)) {
        return Ok(None);
    }
    // The tokens up to the next comma, as written.
    let mut tokens = TokenStream::new();
    let mut text = String::new();
    while !input.is_empty() && !input.peek(Token![,]) {
        let tree: proc_macro2::TokenTree = input.parse()?;
        text.push_str(&tree.to_string());
        tokens.extend([tree]);
    }
    ctxt.error_spanned_by(
        &tokens,
        format!("the method name must be a string literal: write `\"{text}\"`"),
    );
    Ok(Some(LitStr::new(&text, first.span())))
}

/// `version = 2` or `version = 3`; anything else is reported at the value.
fn parse_version(input: ParseStream, key: &Ident) -> syn::Result<Version> {
    let literal: LitInt = args::value(input, key)?;
    match literal.base10_parse::<u8>() {
        Ok(2) => Ok(Version::Classic),
        Ok(3) => Ok(Version::V3),
        _ => Err(syn::Error::new(
            literal.span(),
            "expected `version = 2` (classic REST, the default) or `version = 3` (REST 3.0)",
        )),
    }
}

/// `read_only` alone means `read_only = true`.
fn flag(input: ParseStream, key: &Ident) -> syn::Result<LitBool> {
    if input.peek(Token![=]) {
        args::value(input, key)
    } else {
        Ok(LitBool::new(true, key.span()))
    }
}

fn parse_list(input: ParseStream, key: &Ident) -> syn::Result<ListArg> {
    if input.peek(Token![=]) {
        args::value(input, key).map(ListArg::Key)
    } else {
        Ok(ListArg::Root)
    }
}

fn parse_scope(ctxt: &Ctxt, input: ParseStream, key: &Ident) -> syn::Result<ScopeArg> {
    args::equals(input, key)?;
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
    // Whatever is inside the parentheses is read here, so that a mistake is reported once.
    let inside: TokenStream = content.parse()?;
    let literal = match syn::parse2::<LitStr>(inside.clone()) {
        Ok(literal) => literal,
        Err(_) => {
            let written = inside.to_string().replace(' ', "");
            let message = if written.is_empty() {
                String::from("expected the module's scope code: `custom(\"module\")`")
            } else {
                format!("expected a string literal: `custom(\"{written}\")`")
            };
            return Err(if inside.is_empty() {
                syn::Error::new(function.span(), message)
            } else {
                syn::Error::new_spanned(&inside, message)
            });
        }
    };
    let code = literal.value();
    let problems = check::custom_scope(&code);
    if !problems.is_empty() {
        ctxt.error_spanned_by(
            &literal,
            format!("invalid custom scope: {}", problems.join("; ")),
        );
    } else if scope::variant(&code).is_some() {
        ctxt.error_spanned_by(
            &literal,
            format!("`{code}` is a documented scope; write `scope = \"{code}\"`"),
        );
    }
    Ok(ScopeArg::Custom(literal))
}

/// `cursor` and `item` need `list` (and `item` the classic API), and `list` needs a response
/// that can be a list. Detected from the
/// written type alone, so only the obvious cases: `list` (the result is the array of items) on
/// `()`, a number, `bool`, `char` or a string; `list = "key"` (the result is an object holding
/// the array) on those or on a sequence (`Vec<T>`, `[T; N]`, a tuple). A named type or
/// `serde_json::Value` may be either, so it is accepted.
fn check_list(ctxt: &Ctxt, args: &Args) {
    if let (Some(cursor), None) = (&args.cursor, &args.list) {
        ctxt.error_spanned_by(
            cursor,
            "`cursor` applies to list methods; add `list` (the result is the array of items) or \
             `list = \"key\"` (the result holds the items under `key`)",
        );
    }
    if let Some(item) = &args.item {
        if args.list.is_none() {
            ctxt.error_spanned_by(
                item,
                "`item` is the type of one item of a list method; add `list` (the result is the \
                 array of items) or `list = \"key\"` (the result holds the items under `key`)",
            );
        } else if args.version == Some(Version::V3) {
            ctxt.error_spanned_by(
                item,
                "`item` applies to classic list methods; a REST 3.0 list names its item type \
                 in `client.v3().stream::<_, Item>(…)`",
            );
        }
    }
    let (Some(list), Some(response)) = (&args.list, &args.response) else {
        return;
    };
    let shape = written_shape(response);
    match (list, shape) {
        (ListArg::Root, Shape::Scalar) => ctxt.error_spanned_by(
            response,
            "`list` says the result is the array of items, but this type is not a list; \
             write the item array type, e.g. `response = Vec<Item>`",
        ),
        (ListArg::Key(key), Shape::Scalar | Shape::Sequence) => ctxt.error_spanned_by(
            response,
            format!(
                "`list = \"{}\"` says the result is an object holding the items under `{}`, \
                 but this type is not such an object{}",
                key.value(),
                key.value(),
                if shape == Shape::Sequence {
                    "; write `list` alone when the result is the array itself"
                } else {
                    ""
                }
            ),
        ),
        _ => {}
    }
}

/// The item type of a list method: `item = T` when given, else `T` of a `list` method's
/// `response = Vec<T>` (or `VecDeque<T>`), else `None` (the caller uses `serde_json::Value`).
pub(crate) fn item_type(args: &Args) -> Option<&syn::Type> {
    if let Some(item) = &args.item {
        return Some(item);
    }
    match (&args.list, &args.response) {
        (Some(ListArg::Root), Some(response)) => sequence_element(response),
        _ => None,
    }
}

/// `T` of a written `Vec<T>` / `VecDeque<T>` (through references, parentheses and groups).
fn sequence_element(ty: &syn::Type) -> Option<&syn::Type> {
    match ty {
        syn::Type::Paren(inner) => sequence_element(&inner.elem),
        syn::Type::Group(inner) => sequence_element(&inner.elem),
        syn::Type::Path(path) if path.qself.is_none() => {
            let last = path.path.segments.last()?;
            if last.ident != "Vec" && last.ident != "VecDeque" {
                return None;
            }
            let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
                return None;
            };
            match arguments.args.first() {
                Some(syn::GenericArgument::Type(element)) if arguments.args.len() == 1 => {
                    Some(element)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// What a response type is, as far as its spelling tells.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `()`, a number, `bool`, `char`, `str` or `String`: neither an array nor an object.
    Scalar,
    /// `Vec<T>`, `[T; N]`, `[T]` or a non-empty tuple: a JSON array.
    Sequence,
    /// Anything else: a named type, `serde_json::Value`, a generic parameter.
    Unknown,
}

fn written_shape(ty: &syn::Type) -> Shape {
    const SCALARS: &[&str] = &[
        "bool", "char", "str", "String", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16",
        "i32", "i64", "i128", "isize", "f32", "f64",
    ];
    match ty {
        syn::Type::Tuple(tuple) if tuple.elems.is_empty() => Shape::Scalar,
        syn::Type::Tuple(_) | syn::Type::Array(_) | syn::Type::Slice(_) => Shape::Sequence,
        syn::Type::Reference(reference) => written_shape(&reference.elem),
        syn::Type::Paren(inner) => written_shape(&inner.elem),
        syn::Type::Group(inner) => written_shape(&inner.elem),
        syn::Type::Path(path) if path.qself.is_none() => {
            let Some(last) = path.path.segments.last() else {
                return Shape::Unknown;
            };
            let bare = last.arguments.is_none();
            if bare && SCALARS.iter().any(|scalar| last.ident == scalar) {
                Shape::Scalar
            } else if !bare && (last.ident == "Vec" || last.ident == "VecDeque") {
                Shape::Sequence
            } else {
                Shape::Unknown
            }
        }
        _ => Shape::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(ty: &str) -> Shape {
        written_shape(&syn::parse_str(ty).unwrap())
    }

    #[test]
    fn written_shapes() {
        for scalar in [
            "()",
            "bool",
            "u64",
            "String",
            "std::string::String",
            "&'static str",
        ] {
            assert!(shape(scalar) == Shape::Scalar, "{scalar}");
        }
        for sequence in ["Vec<Item>", "std::vec::Vec<u8>", "[u8; 4]", "(u8, u8)"] {
            assert!(shape(sequence) == Shape::Sequence, "{sequence}");
        }
        for unknown in [
            "Item",
            "serde_json::Value",
            "T",
            "Page<Item>",
            "Option<Vec<u8>>",
        ] {
            assert!(shape(unknown) == Shape::Unknown, "{unknown}");
        }
    }

    fn element(ty: &str) -> Option<String> {
        sequence_element(&syn::parse_str(ty).unwrap()).map(|ty| quote::quote!(#ty).to_string())
    }

    #[test]
    fn the_item_of_a_written_sequence() {
        assert_eq!(element("Vec<Item>").as_deref(), Some("Item"));
        assert_eq!(
            element("std::vec::Vec<crate::a::B>").as_deref(),
            Some("crate :: a :: B")
        );
        assert_eq!(element("VecDeque<u8>").as_deref(), Some("u8"));
        for not_a_vec in [
            "Item",
            "serde_json::Value",
            "Option<Vec<u8>>",
            "[u8; 4]",
            "Vec",
        ] {
            assert_eq!(element(not_a_vec), None, "{not_a_vec}");
        }
    }
}
