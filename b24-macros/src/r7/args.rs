//! Arguments of `#[r7_method(VERB, "template", response = T, ...)]`.

use proc_macro2::TokenStream;
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::{Ident, LitStr, Token};

use super::template::{self, Template};
use crate::args::{self, Argument, Arguments};
use crate::ctxt::Ctxt;

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

impl Arguments for Args {
    const EXAMPLE: &'static str =
        "#[r7_method(GET, \"api/2.0/crm/case/{caseid}\", response = Case)]";
    const KEYS: &'static [&'static str] = &["response", "list", "format", "crate"];
    const REQUIRED: &'static [(&'static str, &'static str)] = &[("response", "response = Case")];

    /// The verb, then the route template.
    fn positional(&mut self, ctxt: &Ctxt, input: ParseStream) -> syn::Result<()> {
        // The verb: an identifier not followed by `=`.
        if input.peek(Ident::peek_any) && !input.peek2(Token![=]) {
            let verb = input.call(Ident::parse_any)?;
            self.verb = parse_verb(ctxt, &verb);
            args::separator(ctxt, input, Self::KEYS)?;
        } else {
            ctxt.push(syn::Error::new(
                input.span(),
                "expected the HTTP verb as the first argument: `GET`, `POST`, `PUT` or `DELETE`",
            ));
        }
        if input.peek(LitStr) {
            let literal: LitStr = input.parse()?;
            parse_template(ctxt, self, literal);
            args::separator(ctxt, input, Self::KEYS)?;
        } else if self.verb.is_some() {
            ctxt.push(syn::Error::new(
                input.span(),
                "expected the route template after the verb, e.g. \"api/2.0/crm/case/{caseid}\"",
            ));
        }
        Ok(())
    }

    fn argument(&mut self, ctxt: &Ctxt, argument: Argument, input: ParseStream) -> syn::Result<()> {
        let (known, key) = match argument {
            Argument::Key(known, key) => (known, key),
            Argument::Literal(literal) => {
                let message = if self.template.is_none() {
                    "the route template must be the second argument, after the verb"
                } else {
                    "unexpected second route template"
                };
                ctxt.error_spanned_by(&literal, message);
                return Ok(());
            }
        };
        match known {
            "response" => args::type_value(input, key)
                .map(|value| args::set(ctxt, key, &mut self.response, value)),
            "list" => {
                args::set(ctxt, key, &mut self.list, key.clone());
                Ok(())
            }
            "format" => {
                parse_format(input, key).map(|value| args::set(ctxt, key, &mut self.format, value))
            }
            "crate" => args::crate_path(input, key)
                .map(|value| args::set(ctxt, key, &mut self.krate, value)),
            other => unreachable!("`{other}` is not in KEYS"),
        }
    }

    fn has(&self, _response: &str) -> bool {
        self.response.is_some()
    }

    fn finish(&mut self, _: &Ctxt, _: &TokenStream) {}
}

fn parse_template(ctxt: &Ctxt, args: &mut Args, literal: LitStr) {
    match template::parse(&literal.value()) {
        Ok(parsed) => args.template = Some((literal, parsed)),
        Err(problem) => {
            ctxt.error_spanned_by(&literal, format!("malformed route template: {problem}"))
        }
    }
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
    args::equals(input, key)?;
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
