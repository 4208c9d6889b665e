//! The request struct's fields: wire names and `#[r7(path | query | body)]` placements.

use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::{Attribute, DeriveInput, Fields, Ident, LitStr, Meta, Token};

use crate::ctxt::Ctxt;

/// One named field of the request.
pub(crate) struct Field {
    pub ident: Ident,
    /// The name serde writes: `#[serde(rename)]`, else the struct's `rename_all`, else the ident.
    pub wire: String,
    pub path: Option<Ident>,
    pub query: Option<Ident>,
    pub body: Option<Ident>,
}

/// Reads the fields and removes every `#[r7(...)]` attribute from `input`.
pub(crate) fn take(ctxt: &Ctxt, input: &mut DeriveInput) -> Vec<Field> {
    for attr in input.attrs.iter().filter(|attr| attr.path().is_ident("r7")) {
        ctxt.error_spanned_by(
            attr,
            "`#[r7(...)]` belongs on a field: `#[r7(path)]`, `#[r7(query)]` or `#[r7(body)]`",
        );
    }
    input.attrs.retain(|attr| !attr.path().is_ident("r7"));
    let rename_all = rename_all(&input.attrs);
    let syn::Data::Struct(data) = &mut input.data else {
        return Vec::new();
    };
    let Fields::Named(named) = &mut data.fields else {
        return Vec::new();
    };
    let mut fields = Vec::new();
    for field in &mut named.named {
        let Some(ident) = field.ident.clone() else {
            continue;
        };
        let name = ident.unraw().to_string();
        let wire = serde_rename(&field.attrs).unwrap_or_else(|| match &rename_all {
            Some(rule) => apply_rule(rule, &name),
            None => name,
        });
        let mut parsed = Field {
            ident,
            wire,
            path: None,
            query: None,
            body: None,
        };
        for attr in field.attrs.iter().filter(|attr| attr.path().is_ident("r7")) {
            placement(ctxt, attr, &mut parsed);
        }
        field.attrs.retain(|attr| !attr.path().is_ident("r7"));
        fields.push(parsed);
    }
    fields
}

fn placement(ctxt: &Ctxt, attr: &Attribute, field: &mut Field) {
    const EXPECTED: &str = "expected `path`, `query` or `body`";
    let list = match &attr.meta {
        Meta::List(list) => list,
        _ => {
            ctxt.error_spanned_by(attr, format!("{EXPECTED}, e.g. `#[r7(query)]`"));
            return;
        }
    };
    let idents = match list.parse_args_with(Punctuated::<Ident, Token![,]>::parse_terminated) {
        Ok(idents) => idents,
        Err(error) => {
            ctxt.push(syn::Error::new(error.span(), EXPECTED));
            return;
        }
    };
    if idents.is_empty() {
        ctxt.error_spanned_by(list, EXPECTED);
    }
    for ident in idents {
        let slot = match ident.to_string().as_str() {
            "path" => &mut field.path,
            "query" => &mut field.query,
            "body" => &mut field.body,
            other => {
                ctxt.error_spanned_by(&ident, format!("unknown placement `{other}`; {EXPECTED}"));
                continue;
            }
        };
        if slot.is_some() {
            ctxt.error_spanned_by(&ident, format!("duplicate `{ident}` placement"));
        } else {
            *slot = Some(ident);
        }
    }
    if let (Some(query), Some(_)) = (&field.query, &field.body) {
        ctxt.error_spanned_by(query, "a field goes in the query or in the body, not both");
    }
}

/// `rename_all` of `#[serde(...)]` on the struct (the serialising side only matters).
fn rename_all(attrs: &[Attribute]) -> Option<String> {
    serde_string(attrs, "rename_all")
}

fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    serde_string(attrs, "rename")
}

/// Finds `key = "..."` or `key(serialize = "...")` inside `#[serde(...)]`.
fn serde_string(attrs: &[Attribute], key: &str) -> Option<String> {
    let mut found = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        // Other serde arguments (`default = "path"`, `with = ...`) are skipped; a parse
        // failure here is serde's to report.
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(key) {
                if meta.input.peek(Token![=]) {
                    let literal: LitStr = meta.value()?.parse()?;
                    found = Some(literal.value());
                } else {
                    meta.parse_nested_meta(|inner| {
                        let literal: LitStr = inner.value()?.parse()?;
                        if inner.path.is_ident("serialize") {
                            found = Some(literal.value());
                        }
                        Ok(())
                    })?;
                }
            } else if meta.input.peek(Token![=]) {
                let _: proc_macro2::TokenStream = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                let _group: proc_macro2::Group = meta.input.parse()?;
            }
            Ok(())
        });
    }
    found
}

/// serde's `rename_all` rules, applied to a snake_case field name.
fn apply_rule(rule: &str, field: &str) -> String {
    let words = || field.split('_').filter(|w| !w.is_empty());
    let capitalize = |word: &str| {
        let mut chars = word.chars();
        chars
            .next()
            .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
            .unwrap_or_default()
    };
    match rule {
        "lowercase" => field.to_ascii_lowercase(),
        "UPPERCASE" => field.to_ascii_uppercase(),
        "PascalCase" => words().map(capitalize).collect(),
        "camelCase" => {
            let pascal: String = words().map(capitalize).collect();
            let mut chars = pascal.chars();
            chars
                .next()
                .map(|first| first.to_ascii_lowercase().to_string() + chars.as_str())
                .unwrap_or_default()
        }
        "SCREAMING_SNAKE_CASE" => field.to_ascii_uppercase(),
        "kebab-case" => field.replace('_', "-"),
        "SCREAMING-KEBAB-CASE" => field.replace('_', "-").to_ascii_uppercase(),
        _ => field.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rename_rules() {
        assert_eq!(apply_rule("camelCase", "access_list"), "accessList");
        assert_eq!(apply_rule("camelCase", "is_private"), "isPrivate");
        assert_eq!(apply_rule("PascalCase", "case_id"), "CaseId");
        assert_eq!(apply_rule("lowercase", "case_id"), "case_id");
        assert_eq!(apply_rule("kebab-case", "case_id"), "case-id");
    }
}
