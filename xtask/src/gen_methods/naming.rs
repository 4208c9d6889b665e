//! Names: Rust identifiers and type names from the documentation's names, the crate-wide
//! unique type names, scope codes, and what a method's name says about it (read-only).

use std::collections::HashSet;

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen", "union", "raw",
    "safe",
];

/// `uploadFile` → `upload_file`, `TYPE_ID` → `type_id`, `HTMLText` → `html_text`; keywords get
/// a trailing `_` (`type_`), a leading digit an `n` (`n2fa`).
pub(super) fn snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (index, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && index > 0 {
            let previous = chars[index - 1];
            let next_lower = chars.get(index + 1).is_some_and(|n| n.is_ascii_lowercase());
            if previous.is_ascii_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_ascii_uppercase() && next_lower)
            {
                out.push('_');
            }
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.push('_');
        }
    }
    let mut collapsed = String::new();
    for c in out.chars() {
        if c == '_' && collapsed.ends_with('_') {
            continue;
        }
        collapsed.push(c);
    }
    let mut ident = collapsed.trim_matches('_').to_owned();
    if ident.is_empty() {
        ident = String::from("field");
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, 'n');
    }
    if KEYWORDS.contains(&ident.as_str()) {
        ident.push('_');
    }
    ident
}

/// `automatedsolution` → `Automatedsolution`, `uploadFile` → `UploadFile`,
/// `PRODUCT_ROWS` → `ProductRows`, `typeIds` → `TypeIds`.
pub(super) fn pascal(name: &str) -> String {
    let mut out = String::new();
    for piece in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        if piece.is_empty() {
            continue;
        }
        let all_upper = !piece.chars().any(|c| c.is_ascii_lowercase());
        let mut chars = piece.chars();
        let first = chars.next().expect("non-empty");
        out.push(first.to_ascii_uppercase());
        if all_upper {
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        } else {
            out.extend(chars);
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'N');
    }
    out
}

/// The request type of a method: PascalCase of every segment (`crm.deal.add` → `CrmDealAdd`).
pub(super) fn method_type_name(method: &str) -> String {
    method.split('.').map(pascal).collect()
}

/// Whether a documented row name is a key the wire carries as it is (`TITLE`, `fields`), not
/// a pattern (`UF_*`, `<FIELD_CODE>`) or a path (`result.users`).
pub(super) fn is_wire_ident(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The grantable scope code of a documented scope.
pub(super) fn scope_code(scope: &str) -> String {
    match scope.trim() {
        // The 13 `sonet_group.*` pages say `sonet`; the grantable code is `sonet_group`.
        "sonet" => String::from("sonet_group"),
        other => other.to_owned(),
    }
}

/// Read verbs: the last name segment (lower-cased) starts with one of these.
const READ_PREFIXES: &[&str] = &[
    "get",
    "list",
    "fields",
    "search",
    "count",
    "tail",
    "info",
    "check",
    "is",
    "has",
    "find",
    "status",
    "version",
    "types",
    "history",
    "export",
    "describe",
    "getfields",
    "preview",
];

/// The successors of deprecated method families, most specific prefix first: the legacy CRM
/// entities' methods give way to the universal `crm.item.*` (their product rows to
/// `crm.item.productrow.*`, their card layouts to `crm.item.details.configuration.*`), the
/// deal funnels to `crm.category.*`, the CRM's own product catalogue, measures, VAT rates, pay
/// systems and payer types to the `catalog.*` and `sale.*` modules, and the old task methods to
/// `tasks.task.*`. Every successor is a documented family (a test checks it against the
/// catalog).
pub(super) const SUCCESSORS: &[(&str, &str)] = &[
    ("crm.deal.productrows.", "crm.item.productrow.*"),
    ("crm.lead.productrows.", "crm.item.productrow.*"),
    ("crm.quote.productrows.", "crm.item.productrow.*"),
    ("crm.productrow.", "crm.item.productrow.*"),
    (
        "crm.deal.details.configuration.",
        "crm.item.details.configuration.*",
    ),
    (
        "crm.lead.details.configuration.",
        "crm.item.details.configuration.*",
    ),
    (
        "crm.contact.details.configuration.",
        "crm.item.details.configuration.*",
    ),
    (
        "crm.company.details.configuration.",
        "crm.item.details.configuration.*",
    ),
    ("crm.dealcategory.", "crm.category.*"),
    ("crm.product.property.", "catalog.productProperty.*"),
    ("crm.productsection.", "catalog.section.*"),
    ("crm.product.", "catalog.product.*"),
    ("crm.measure.", "catalog.measure.*"),
    ("crm.vat.", "catalog.vat.*"),
    ("crm.catalog.", "catalog.catalog.*"),
    ("crm.paysystem.", "sale.paysystem.*"),
    ("crm.persontype.", "sale.persontype.*"),
    ("task.item.", "tasks.task.*"),
];

/// The legacy CRM entities whose own methods (`crm.deal.add`, not `crm.deal.recurring.add`)
/// give way to `crm.item.*`.
const LEGACY_ENTITIES: &[&str] = &[
    "crm.deal.",
    "crm.contact.",
    "crm.lead.",
    "crm.company.",
    "crm.quote.",
    "crm.invoice.",
];

/// The documented replacement of a deprecated method (see [`SUCCESSORS`]), if it has one.
pub(super) fn replacement(method: &str) -> Option<&'static str> {
    if let Some((_, successor)) = SUCCESSORS
        .iter()
        .find(|(prefix, _)| method.starts_with(prefix))
    {
        return Some(successor);
    }
    LEGACY_ENTITIES
        .iter()
        .filter_map(|prefix| method.strip_prefix(prefix))
        .any(|verb| !verb.contains('.'))
        .then_some("crm.item.*")
}

/// Whether the method's name says it only reads (`get*`, `list*`, `*fields`, `count`, …).
pub(super) fn is_read_only(method: &str) -> bool {
    let last = method
        .rsplit('.')
        .next()
        .unwrap_or(method)
        .to_ascii_lowercase();
    READ_PREFIXES.iter().any(|prefix| {
        last == *prefix
            || (last.starts_with(prefix)
                && matches!(*prefix, "get" | "list" | "search" | "is" | "has" | "find"))
    }) || last.ends_with("fields")
        || method == "scope"
        || method == "methods"
        || method == "profile"
}

/// Whether the method describes its entity's fields (`crm.deal.fields`, `*.getfields`).
pub(super) fn describes_fields(method: &str) -> bool {
    method
        .rsplit('.')
        .next()
        .unwrap_or(method)
        .to_ascii_lowercase()
        .ends_with("fields")
}

/// The type names taken crate-wide: generated names are unique, and never those of the
/// hand-written refinements.
#[derive(Debug, Default)]
pub(super) struct TypeNames {
    taken: HashSet<String>,
}

impl TypeNames {
    /// Reserves the types a hand-written source declares (`pub struct`, `pub enum`,
    /// `pub type`).
    pub(super) fn reserve_declared(&mut self, source: &str) {
        for line in source.lines() {
            let line = line.trim_start();
            for prefix in ["pub struct ", "pub enum ", "pub type "] {
                if let Some(rest) = line.strip_prefix(prefix) {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    self.taken.insert(name);
                }
            }
        }
    }

    /// Whether `name` is still free.
    pub(super) fn is_free(&self, name: &str) -> bool {
        !self.taken.contains(name)
    }

    /// A unique type name: `candidate`, else `candidate2`, `candidate3`, ...
    pub(super) fn unique(&mut self, candidate: String) -> String {
        if self.taken.insert(candidate.clone()) {
            return candidate;
        }
        let mut n = 2;
        loop {
            let name = format!("{candidate}{n}");
            if self.taken.insert(name.clone()) {
                return name;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(documented name, snake_case, PascalCase)`.
    const NAMES: &[(&str, &str, &str)] = &[
        ("uploadFile", "upload_file", "UploadFile"),
        ("TYPE_ID", "type_id", "TypeId"),
        ("HTMLText", "html_text", "HTMLText"),
        ("entityTypeId", "entity_type_id", "EntityTypeId"),
        ("user2Id", "user2_id", "User2Id"),
        ("PHONE[0].VALUE", "phone_0_value", "Phone0Value"),
        ("PRODUCT_ROWS", "product_rows", "ProductRows"),
        (
            "automatedsolution",
            "automatedsolution",
            "Automatedsolution",
        ),
        // Keywords get `_`, a leading digit a letter, an empty name a placeholder.
        ("type", "type_", "Type"),
        ("SELF", "self_", "Self"),
        ("2fa", "n2fa", "N2fa"),
        ("__", "field", ""),
    ];

    #[test]
    fn names_convert_to_snake_and_pascal_case() {
        for (name, snake_cased, pascal_cased) in NAMES {
            assert_eq!(snake(name), *snake_cased, "snake({name})");
            assert_eq!(pascal(name), *pascal_cased, "pascal({name})");
        }
    }

    #[test]
    fn method_types_take_every_segment() {
        assert_eq!(method_type_name("crm.deal.add"), "CrmDealAdd");
        assert_eq!(
            method_type_name("imbot.v2.Chat.Message.send"),
            "ImbotV2ChatMessageSend"
        );
    }

    #[test]
    fn wire_idents_exclude_patterns_and_paths() {
        assert!(is_wire_ident("TITLE"));
        assert!(is_wire_ident("_x1"));
        assert!(!is_wire_ident("UF_*"));
        assert!(!is_wire_ident("<FIELD_CODE>"));
        assert!(!is_wire_ident("result.users"));
        assert!(!is_wire_ident("1st"));
        assert!(!is_wire_ident(""));
    }

    #[test]
    fn sonet_is_granted_as_sonet_group() {
        assert_eq!(scope_code("sonet"), "sonet_group");
        assert_eq!(scope_code(" crm "), "crm");
    }

    /// Asserts `rule(method) == expected` for every case, naming the method that differs.
    fn each_case<T: PartialEq + std::fmt::Debug>(rule: fn(&str) -> T, cases: &[(&str, T)]) {
        for (method, expected) in cases {
            assert_eq!(&rule(method), expected, "{method}");
        }
    }

    #[test]
    fn deprecated_families_name_their_successors() {
        let cases = [
            ("crm.deal.list", Some("crm.item.*")),
            ("crm.company.get", Some("crm.item.*")),
            ("crm.invoice.add", Some("crm.item.*")),
            ("crm.deal.productrows.get", Some("crm.item.productrow.*")),
            ("crm.productrow.list", Some("crm.item.productrow.*")),
            (
                "crm.lead.details.configuration.get",
                Some("crm.item.details.configuration.*"),
            ),
            ("crm.dealcategory.list", Some("crm.category.*")),
            (
                "crm.product.property.list",
                Some("catalog.productProperty.*"),
            ),
            ("crm.product.list", Some("catalog.product.*")),
            ("crm.productsection.list", Some("catalog.section.*")),
            ("task.item.list", Some("tasks.task.*")),
            // A sub-family of a legacy entity with no documented successor says none.
            ("crm.invoice.recurring.list", None),
            ("crm.item.list", None),
        ];
        each_case(replacement, &cases);
    }

    #[test]
    fn every_successor_is_a_documented_family() {
        let catalog =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/bitrix24/catalog");
        let catalog = super::super::model::Catalog::load(&catalog).expect("the shared catalog");
        for (prefix, successor) in SUCCESSORS {
            let family = successor.trim_end_matches('*');
            assert!(
                catalog
                    .entries
                    .iter()
                    .any(|entry| entry.method.starts_with(family)),
                "{prefix}* names {successor}, which the catalog does not document"
            );
            assert!(
                catalog
                    .entries
                    .iter()
                    .any(|entry| entry.method.starts_with(prefix) && entry.deprecated),
                "{prefix}* has no deprecated method"
            );
        }
    }

    #[test]
    fn read_only_follows_the_verb_of_the_last_segment() {
        let cases = [
            ("crm.deal.get", true),
            ("crm.deal.list", true),
            ("crm.deal.fields", true),
            ("crm.item.getfields", true),
            ("im.dialog.messages.search", true),
            ("crm.deal.userfield.getlist", true),
            ("disk.storage.getTypes", true),
            ("scope", true),
            ("profile", true),
            // `get`, `list`, `search`, `is`, `has`, `find` count as prefixes (even `listadd`);
            // the other verbs only as the whole segment.
            ("crm.item.listadd", true),
            ("app.info", true),
            ("task.statusset", false),
            ("crm.deal.add", false),
            ("crm.deal.update", false),
            ("im.message.send", false),
            ("crm.deal.details.configuration.reset", false),
            ("batch", false),
        ];
        each_case(is_read_only, &cases);
    }

    #[test]
    fn field_descriptions_are_recognised_by_the_last_segment() {
        assert!(describes_fields("crm.deal.fields"));
        assert!(describes_fields("crm.item.getFields"));
        assert!(!describes_fields("crm.deal.get"));
    }

    #[test]
    fn unique_names_count_up_and_respect_reserved_ones() {
        let mut names = TypeNames::default();
        names.reserve_declared("pub struct Profile {\n    pub enum Kind\npub type Alias = u8;");
        assert_eq!(names.unique(String::from("Profile")), "Profile2");
        assert_eq!(names.unique(String::from("Kind")), "Kind2");
        assert_eq!(names.unique(String::from("Alias")), "Alias2");
        assert_eq!(names.unique(String::from("CrmDealAdd")), "CrmDealAdd");
        assert_eq!(names.unique(String::from("CrmDealAdd")), "CrmDealAdd2");
        assert_eq!(names.unique(String::from("CrmDealAdd")), "CrmDealAdd3");
    }
}
