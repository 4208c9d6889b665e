//! Emission: the Rust text of a method file — the header, the `#[b24_method]` attribute, the
//! structs with their `record!` lines and constructors — and of the catalog's index
//! (`generated.rs`, `roundtrip.rs`). Every item carries its own `#[cfg]` gate when it has one.

use std::fmt::Write as _;

use super::MARKER;
use super::naming::replacement;
use super::paging::ListKind;
use super::records::{FieldDef, StructDef};

const DOCS_BASE: &str = "https://apidocs.bitrix24.com/";
const EXCLUDED_REASON: &str = "REST 3.0: served at /rest/api/ with its own envelope, error shape and filter syntax, which the b24-core client does not speak yet";

/// The opening lines of a method file: the method, its scopes, the documentation link and the
/// documented error codes, then the generated-file marker.
pub(super) fn method_header(
    method: &str,
    scopes: &[String],
    deprecated: bool,
    docs_path: &str,
    error_codes: &[String],
) -> String {
    let url = format!(
        "{DOCS_BASE}{}",
        docs_path
            .strip_suffix(".md")
            .map_or_else(|| docs_path.to_owned(), |stem| format!("{stem}.html"))
    );
    let scope_label = if scopes.iter().any(|scope| scope == "basic") {
        String::from("global scope (`basic`)")
    } else {
        let quoted: Vec<String> = scopes.iter().map(|scope| format!("`{scope}`")).collect();
        format!("scope {}", quoted.join(", "))
    };
    let mut text = String::new();
    writeln!(text, "//! `{method}` — {scope_label}").ok();
    if deprecated {
        writeln!(text, "//!\n//! Deprecated by the documentation.").ok();
        if let Some(successor) = replacement(method) {
            writeln!(text, "//! Its successor: `{successor}`.").ok();
        }
    }
    writeln!(text, "//!\n//! Documentation: <{url}>").ok();
    let codes: Vec<String> = error_codes
        .iter()
        .filter(|code| !code.is_empty() && !code.contains('`'))
        .map(|code| format!("`{code}`"))
        .collect();
    if !codes.is_empty() {
        writeln!(
            text,
            "//!\n//! Documented error codes: {}.",
            codes.join(", ")
        )
        .ok();
    }
    writeln!(text, "{MARKER}").ok();
    text.push('\n');
    text
}

/// What the `#[b24_method]` attribute of a generated method says.
pub(super) struct MethodAttr<'a> {
    pub(super) method: &'a str,
    /// The scope the method registers with.
    pub(super) scope: &'a str,
    pub(super) v3: bool,
    /// The response type as written.
    pub(super) response: &'a str,
    pub(super) read_only: bool,
    /// A REST 3.0 method answering `items`.
    pub(super) v3_items: bool,
    pub(super) list: Option<&'a ListKind>,
    /// The item type of a list whose response does not name it (`list = "key"`).
    pub(super) item: Option<&'a str>,
    /// The items' ID key when the fast cursor applies.
    pub(super) cursor: Option<&'a str>,
    pub(super) deprecated: bool,
}

impl MethodAttr<'_> {
    /// `#[b24_method(…)]`, and `#[deprecated]` after it for a deprecated method.
    pub(super) fn render(&self) -> String {
        let method = self.method;
        let mut args = vec![
            format!("\"{method}\""),
            format!("scope = \"{}\"", self.scope),
        ];
        if self.v3 {
            args.push(String::from("version = 3"));
        }
        args.push(format!("response = {}", self.response));
        if self.read_only {
            args.push(String::from("read_only"));
        }
        if self.v3_items && self.read_only {
            args.push(String::from("list = \"items\""));
        }
        match self.list {
            Some(ListKind::Root(_)) => args.push(String::from("list")),
            Some(ListKind::Key(key, _)) => args.push(format!("list = \"{key}\"")),
            None => {}
        }
        if let Some(item) = self.item {
            args.push(format!("item = {item}"));
        }
        if let Some(id) = self.cursor {
            args.push(format!("cursor = \"{id}\""));
        }
        let mut attrs = format!("#[b24_method({})]", args.join(", "));
        if self.deprecated {
            let successor = replacement(method)
                .map(|successor| format!("; use `{successor}` instead"))
                .unwrap_or_default();
            write!(
                attrs,
                "\n#[deprecated(note = \"the documentation marks `{method}` deprecated{successor}\")]"
            )
            .ok();
        }
        attrs
    }
}

/// The items of a method file after its header and module declarations: the prelude, the
/// request struct (with `attrs`) and the other records, every item gated by `cfg` if given.
pub(super) fn method_items(
    request: &StructDef,
    attrs: &str,
    records: &[StructDef],
    cfg: Option<&str>,
) -> String {
    let mut text = String::new();
    gate(&mut text, cfg);
    writeln!(text, "use crate::wire::*;\n").ok();
    emit_struct(&mut text, request, Some(attrs), cfg);
    text.push('\n');
    for def in records {
        emit_struct(&mut text, def, None, cfg);
        text.push('\n');
    }
    text
}

/// Records defined outside a method file (a folder's entity), with the prelude, every item
/// gated by `cfg` if given.
pub(super) fn records(records: &[StructDef], cfg: Option<&str>) -> String {
    let mut text = String::new();
    gate(&mut text, cfg);
    writeln!(text, "use crate::wire::*;\n").ok();
    for def in records {
        emit_struct(&mut text, def, None, cfg);
        text.push('\n');
    }
    text
}

/// `pub type {name} = {target};`, the former name of a shared record.
pub(super) fn alias(name: &str, target: &str, cfg: Option<&str>) -> String {
    let mut text = String::new();
    gate(&mut text, cfg);
    writeln!(
        text,
        "/// The former name of [`{target}`].\npub type {name} = {target};"
    )
    .ok();
    text
}

/// A `pub use` of a hand-written module, gated by `cfg` if given.
pub(super) fn reexport(path: &str, cfg: Option<&str>) -> String {
    let mut text = String::new();
    gate(&mut text, cfg);
    writeln!(text, "#[doc(inline)]\npub use crate::{path}::*;").ok();
    text
}

/// Writes `cfg` on a line of its own, if given.
fn gate(text: &mut String, cfg: Option<&str>) {
    if let Some(cfg) = cfg {
        writeln!(text, "{cfg}").ok();
    }
}

/// A struct, its `record!` line and its constructor, each gated by `cfg` if given.
fn emit_struct(text: &mut String, def: &StructDef, method_attrs: Option<&str>, cfg: Option<&str>) {
    gate(text, cfg);
    writeln!(text, "/// {}", def.doc).ok();
    if !def.patterns.is_empty() {
        let quoted: Vec<String> = def
            .patterns
            .iter()
            .map(|pattern| format!("`{}`", pattern.replace(['`', '\\'], "")))
            .collect();
        writeln!(
            text,
            "///\n/// Also documented, as name patterns kept in `extra`: {}.",
            quoted.join(", ")
        )
        .ok();
    }
    if let Some(attrs) = method_attrs {
        writeln!(text, "{attrs}").ok();
    }
    let all_optional = def.fields.iter().all(|field| !field.required);
    if all_optional {
        writeln!(text, "#[derive(Clone, Debug, Default)]").ok();
    } else {
        writeln!(text, "#[derive(Clone, Debug)]").ok();
    }
    writeln!(text, "#[non_exhaustive]").ok();
    writeln!(text, "pub struct {} {{", def.name).ok();
    for field in &def.fields {
        let doc_type = field.doc_type.replace('`', "");
        let kind = if field.required { ", required" } else { "" };
        if doc_type.is_empty() {
            writeln!(text, "    /// `{}`{kind}.", field.wire).ok();
        } else {
            writeln!(text, "    /// `{}` (`{doc_type}`){kind}.", field.wire).ok();
        }
        let ty = field.ty.rust();
        if field.required {
            writeln!(text, "    pub {}: {ty},", field.ident).ok();
        } else {
            writeln!(text, "    pub {}: Option<{ty}>,", field.ident).ok();
        }
    }
    let what = if def.request {
        "Parameters not listed above (user fields `UF_*`, undocumented ones), sent as they are."
    } else {
        "Fields not listed above (user fields `UF_*`, undocumented ones), as received."
    };
    writeln!(text, "    /// {what}").ok();
    writeln!(text, "    pub extra: Map<String, Value>,").ok();
    writeln!(text, "}}\n").ok();
    record_line(text, def, cfg);
    constructor(text, def, cfg);
}

/// The serde impls: `record!`, one line per field.
fn record_line(text: &mut String, def: &StructDef, cfg: Option<&str>) {
    gate(text, cfg);
    write!(text, "record!({} {{", def.name).ok();
    if def.fields.is_empty() {
        writeln!(text, "}});").ok();
        return;
    }
    text.push('\n');
    for field in &def.fields {
        let kind = if field.required { "req" } else { "opt" };
        // Optional request fields get a `with_*` setter (see `record!`).
        let setter = if def.request && !field.required {
            format!(
                " => with_{}({})",
                field.ident.trim_end_matches('_'),
                field.ty.rust()
            )
        } else {
            String::new()
        };
        writeln!(
            text,
            "    {kind} {}: \"{}\"{setter},",
            field.ident,
            field.wire.replace('"', "\\\"")
        )
        .ok();
    }
    writeln!(text, "}});").ok();
}

/// `new(required…)`, for a struct with required fields.
fn constructor(text: &mut String, def: &StructDef, cfg: Option<&str>) {
    let required: Vec<&FieldDef> = def.fields.iter().filter(|field| field.required).collect();
    if required.is_empty() {
        return;
    }
    text.push('\n');
    gate(text, cfg);
    writeln!(text, "#[allow(deprecated)]\nimpl {} {{", def.name).ok();
    writeln!(
        text,
        "    /// A value with the required fields (anything converting into them); the rest start \
         empty."
    )
    .ok();
    if required.len() > 7 {
        writeln!(text, "    #[allow(clippy::too_many_arguments)]").ok();
    }
    let params: Vec<String> = required
        .iter()
        .map(|field| format!("{}: impl Into<{}>", field.ident, field.ty.rust()))
        .collect();
    writeln!(text, "    pub fn new({}) -> Self {{", params.join(", ")).ok();
    writeln!(text, "        {} {{", def.name).ok();
    for field in &def.fields {
        if field.required {
            writeln!(text, "            {0}: {0}.into(),", field.ident).ok();
        } else {
            writeln!(text, "            {}: None,", field.ident).ok();
        }
    }
    writeln!(text, "            extra: Map::new(),").ok();
    writeln!(text, "        }}\n    }}\n}}").ok();
}

/// `generated.rs`: the list of documented methods the crate does not type.
pub(super) fn excluded_rs(excluded: &[String]) -> String {
    let mut text =
        String::from("//! The catalog's index: the documented methods this crate does not type.\n");
    writeln!(text, "{MARKER}\n").ok();
    text.push_str(
        "/// Documented methods this crate does not type, with the reason: `(name, reason)`; empty.\n///\n/// The REST 3.0 methods are generated with `version = 3`; the six names that also have a\n/// classic page (`tasks.task.add`, …) are generated from that page.\npub const EXCLUDED: &[(&str, &str)] = &[\n",
    );
    let mut excluded = excluded.to_vec();
    excluded.sort();
    for name in &excluded {
        writeln!(text, "    (\"{name}\", REST_V3),").ok();
    }
    text.push_str("];\n");
    if !excluded.is_empty() {
        writeln!(text, "\nconst REST_V3: &str = \"{EXCLUDED_REASON}\";").ok();
    }
    text
}

/// One arm of the round-trip's `match`: a method and its request type's path.
pub(super) struct RoundtripArm {
    pub(super) method: String,
    pub(super) request: String,
    pub(super) cfg: Option<String>,
    /// A classic list method: it also gets an arm in `list_item`.
    pub(super) list: bool,
}

/// `roundtrip.rs`: a request round-trip per method and a typed decoding of one item per list
/// method, for the catalog tests.
pub(super) fn roundtrip_rs(arms: &[RoundtripArm]) -> String {
    let mut text = String::from(
        "//! A request round-trip per method and an item decoding per list method, for the catalog\n//! tests (feature `roundtrip`, not in `full`: users' builds do not compile it).\n",
    );
    writeln!(text, "{MARKER}").ok();
    text.push_str(
        "\nuse serde::Serialize;\nuse serde::de::DeserializeOwned;\nuse serde_json::Value;\n\nfn through<T: Serialize + DeserializeOwned>(body: &Value) -> Result<Value, String> {\n    let typed = T::deserialize(body).map_err(|error| error.to_string())?;\n    serde_json::to_value(&typed).map_err(|error| error.to_string())\n}\n\n/// Deserialises `body` into the typed request of `method` and serialises it back; `None` when\n/// the method is not compiled in (its scope's feature is off) or not in the catalog.\n#[allow(deprecated)]\npub fn roundtrip(method: &str, body: &Value) -> Option<Result<Value, String>> {\n    let through = match method {\n",
    );
    match_arms(&mut text, arms.iter(), "through");
    text.push_str("        _ => return None,\n    };\n    Some(through(body))\n}\n");
    text.push_str(
        "\nfn item_of<M: b24_core::ListMethod>(item: &Value) -> Result<(), String> {\n    <M::Item as serde::Deserialize>::deserialize(item).map(drop).map_err(|error| error.to_string())\n}\n\n/// Decodes one item of the list method `method` into its item type (`ListMethod::Item`),\n/// as `Client::stream` does; `None` when the method is not compiled in or not a list.\n#[allow(deprecated)]\npub fn list_item(method: &str, item: &Value) -> Option<Result<(), String>> {\n    let decode = match method {\n",
    );
    match_arms(&mut text, arms.iter().filter(|arm| arm.list), "item_of");
    text.push_str("        _ => return None,\n    };\n    Some(decode(item))\n}\n");
    text.push_str(
        "\nfn item_type<M: b24_core::ListMethod>() -> &'static str {\n    std::any::type_name::<M::Item>()\n}\n\n/// The Rust type of the items of the list method `method` (`ListMethod::Item`), by\n/// `std::any::type_name`, so a test can tell typed items from generic values; `None` when\n/// the method is not compiled in or not a list.\n#[allow(deprecated)]\npub fn list_item_type(method: &str) -> Option<&'static str> {\n    let name = match method {\n",
    );
    match_arms(&mut text, arms.iter().filter(|arm| arm.list), "item_type");
    text.push_str("        _ => return None,\n    };\n    Some(name())\n}\n");
    text
}

/// One `"method" => function::<Request>,` arm per method, each behind its `#[cfg]`.
fn match_arms<'a>(text: &mut String, arms: impl Iterator<Item = &'a RoundtripArm>, function: &str) {
    for arm in arms {
        if let Some(cfg) = &arm.cfg {
            writeln!(text, "        {cfg}").ok();
        }
        writeln!(
            text,
            "        \"{}\" => {function}::<{}>,",
            arm.method, arm.request
        )
        .ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classic_list<'a>(list: &'a ListKind) -> MethodAttr<'a> {
        MethodAttr {
            method: "crm.item.list",
            scope: "crm",
            v3: false,
            response: "CrmItemListResult",
            read_only: true,
            v3_items: false,
            list: Some(list),
            item: Some("Item"),
            cursor: Some("id"),
            deprecated: true,
        }
    }

    #[test]
    fn the_attribute_carries_list_cursor_and_deprecation() {
        let list = ListKind::Key(String::from("items"), Some(String::from("id")));
        assert_eq!(
            classic_list(&list).render(),
            "#[b24_method(\"crm.item.list\", scope = \"crm\", response = CrmItemListResult, \
             read_only, list = \"items\", item = Item, cursor = \"id\")]\n\
             #[deprecated(note = \"the documentation marks `crm.item.list` deprecated\")]"
        );
        let root = ListKind::Root(None);
        let attr = MethodAttr {
            item: None,
            cursor: None,
            deprecated: false,
            ..classic_list(&root)
        };
        assert!(
            attr.render().ends_with("read_only, list)]"),
            "{}",
            attr.render()
        );
    }

    #[test]
    fn a_rest_3_list_answers_items() {
        let root = ListKind::Root(None);
        let attr = MethodAttr {
            method: "main.eventlog.list",
            scope: "main",
            v3: true,
            response: "b24_core::v3::Items<Value>",
            v3_items: true,
            list: None,
            item: None,
            cursor: None,
            deprecated: false,
            ..classic_list(&root)
        };
        assert_eq!(
            attr.render(),
            "#[b24_method(\"main.eventlog.list\", scope = \"main\", version = 3, \
             response = b24_core::v3::Items<Value>, read_only, list = \"items\")]"
        );
    }

    #[test]
    fn the_header_links_the_page_and_lists_plain_error_codes() {
        let codes = [
            String::from("ERROR_CORE"),
            String::new(),
            String::from("`x`"),
        ];
        let header = method_header(
            "crm.status.add",
            &[String::from("crm")],
            true,
            "api-reference/crm/status/crm-status-add.md",
            &codes,
        );
        assert_eq!(
            header,
            "//! `crm.status.add` — scope `crm`\n//!\n//! Deprecated by the documentation.\n//!\n\
             //! Documentation: <https://apidocs.bitrix24.com/api-reference/crm/status/crm-status-add.html>\n\
             //!\n//! Documented error codes: `ERROR_CORE`.\n\
             // @generated by cargo xtask gen-methods; do not edit\n\n"
        );
        let global = method_header("server.time", &[String::from("basic")], false, "", &[]);
        assert!(global.starts_with("//! `server.time` — global scope (`basic`)\n//!\n"));
    }

    #[test]
    fn the_excluded_list_is_sorted_and_names_its_reason_once() {
        assert!(excluded_rs(&[]).contains("pub const EXCLUDED: &[(&str, &str)] = &[\n];\n"));
        let two = excluded_rs(&[String::from("b.x"), String::from("a.x")]);
        assert!(
            two.contains("    (\"a.x\", REST_V3),\n    (\"b.x\", REST_V3),\n];"),
            "{two}"
        );
        assert_eq!(two.matches("const REST_V3").count(), 1);
    }
}
