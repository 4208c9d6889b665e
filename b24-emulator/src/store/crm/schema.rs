//! The CRM schema: entity types, their fields and kinds, and the two naming styles (legacy
//! UPPER_CASE and `crm.item.*` camelCase).

use std::sync::LazyLock;

/// Entity type ID of leads.
pub const LEAD: i64 = 1;
/// Entity type ID of deals.
pub const DEAL: i64 = 2;
/// Entity type ID of contacts.
pub const CONTACT: i64 = 3;
/// Entity type ID of companies.
pub const COMPANY: i64 = 4;
/// The first smart-process entity type ID.
pub const FIRST_SPA: i64 = 128;

/// A legacy entity type (`crm.deal.*`, …): its ID, the name in method and event names, and
/// the noun of generated titles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Legacy {
    /// Entity type ID.
    pub id: i64,
    /// Lower-case name (`deal`): `crm.deal.add`, `ONCRMDEALADD`, seeding.
    pub name: &'static str,
    /// Title noun (`Deal`): `"Deal #7"`.
    pub noun: &'static str,
}

/// The legacy entity types.
pub const LEGACY: &[Legacy] = &[
    Legacy {
        id: LEAD,
        name: "lead",
        noun: "Lead",
    },
    Legacy {
        id: DEAL,
        name: "deal",
        noun: "Deal",
    },
    Legacy {
        id: CONTACT,
        name: "contact",
        noun: "Contact",
    },
    Legacy {
        id: COMPANY,
        name: "company",
        noun: "Company",
    },
];

/// A legacy entity type by ID.
pub fn legacy(entity_type_id: i64) -> Option<&'static Legacy> {
    LEGACY.iter().find(|e| e.id == entity_type_id)
}

/// Maps an entity name (`deal`, `contact`, `lead`, `company`, any case) to its entity type ID.
pub fn entity_by_name(name: &str) -> Option<i64> {
    LEGACY
        .iter()
        .find(|e| e.name.eq_ignore_ascii_case(name))
        .map(|e| e.id)
}

/// The noun of generated titles (`"Deal"`; `"Item"` for smart processes).
pub fn noun(entity_type_id: i64) -> &'static str {
    legacy(entity_type_id).map_or("Item", |e| e.noun)
}

/// The change event of a legacy entity (`ONCRMDEALADD` for `DEAL`, `"ADD"`); smart processes
/// have none.
pub fn event_name(entity_type_id: i64, action: &str) -> Option<String> {
    legacy(entity_type_id).map(|e| format!("ONCRM{}{action}", e.name.to_ascii_uppercase()))
}

/// How a field's value is stored and rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Integer (`"37"` in legacy output).
    Int,
    /// Money / double (`"19999.99"` in legacy output).
    Double,
    /// String.
    Str,
    /// `Y`/`N`.
    Char,
    /// ISO-8601 date-time string.
    DateTime,
    /// User ID.
    User,
    /// ID of another CRM record.
    Crm,
    /// Multi-field (`PHONE`, `EMAIL`): list of `{ID, VALUE_TYPE, VALUE, TYPE_ID}`.
    Multi,
}

impl Kind {
    /// The type name of `*.fields` descriptions.
    pub fn type_name(self) -> &'static str {
        match self {
            Int => "integer",
            Double => "double",
            Str => "string",
            Char => "char",
            DateTime => "datetime",
            User => "user",
            Crm => "crm_entity",
            Multi => "crm_multifield",
        }
    }

    /// Whether values are integers (IDs included).
    pub fn is_integer(self) -> bool {
        matches!(self, Int | User | Crm)
    }
}

/// A field of an entity.
#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    /// UPPER_CASE name.
    pub name: &'static str,
    /// Storage kind.
    pub kind: Kind,
    /// Read-only (set by the portal).
    pub read_only: bool,
    /// Human title (`*.fields`).
    pub title: &'static str,
}

const fn f(name: &'static str, kind: Kind, title: &'static str) -> FieldDef {
    FieldDef {
        name,
        kind,
        read_only: false,
        title,
    }
}

const fn ro(name: &'static str, kind: Kind, title: &'static str) -> FieldDef {
    FieldDef {
        name,
        kind,
        read_only: true,
        title,
    }
}

use Kind::{Char, Crm, DateTime, Double, Int, Multi, Str, User};

// Field groups that several entities share, in the order the portal lists them.
const ID: &[FieldDef] = &[ro("ID", Int, "ID")];
const PERSON: &[FieldDef] = &[
    f("NAME", Str, "Name"),
    f("SECOND_NAME", Str, "Second name"),
    f("LAST_NAME", Str, "Last name"),
];
const PIPELINE: &[FieldDef] = &[
    f("CATEGORY_ID", Int, "Pipeline"),
    f("STAGE_ID", Str, "Stage"),
];
const AMOUNT: &[FieldDef] = &[
    f("CURRENCY_ID", Str, "Currency"),
    f("OPPORTUNITY", Double, "Amount"),
    f("IS_MANUAL_OPPORTUNITY", Char, "Manual amount"),
];
const CLIENT: &[FieldDef] = &[
    f("COMPANY_ID", Crm, "Company"),
    f("CONTACT_ID", Crm, "Contact"),
];
const PERIOD: &[FieldDef] = &[
    f("BEGINDATE", DateTime, "Start date"),
    f("CLOSEDATE", DateTime, "End date"),
];
const OPENED: &[FieldDef] = &[f("OPENED", Char, "Available to everyone")];
const CONTACTABLE: &[FieldDef] = &[
    f("COMMENTS", Str, "Comment"),
    ro("HAS_PHONE", Char, "Has phone"),
    ro("HAS_EMAIL", Char, "Has email"),
];
const AUDIT: &[FieldDef] = &[
    f("ASSIGNED_BY_ID", User, "Responsible person"),
    ro("CREATED_BY_ID", User, "Created by"),
    ro("MODIFY_BY_ID", User, "Modified by"),
    ro("DATE_CREATE", DateTime, "Created on"),
    ro("DATE_MODIFY", DateTime, "Modified on"),
];
const MULTI: &[FieldDef] = &[f("PHONE", Multi, "Phone"), f("EMAIL", Multi, "E-mail")];

/// Each entity type's fields, ID first, in the portal's order: its own fields and the groups it
/// shares with others.
const SCHEMA: &[(i64, &[&[FieldDef]])] = &[
    (
        DEAL,
        &[
            ID,
            &[f("TITLE", Str, "Name"), f("TYPE_ID", Str, "Type")],
            PIPELINE,
            &[f("PROBABILITY", Int, "Probability")],
            AMOUNT,
            CLIENT,
            PERIOD,
            OPENED,
            &[f("CLOSED", Char, "Closed"), f("COMMENTS", Str, "Comment")],
            &[f("SOURCE_ID", Str, "Source")],
            AUDIT,
        ],
    ),
    (
        CONTACT,
        &[
            ID,
            &[f("HONORIFIC", Str, "Salutation")],
            PERSON,
            &[
                f("POST", Str, "Position"),
                f("TYPE_ID", Str, "Contact type"),
            ],
            &[
                f("SOURCE_ID", Str, "Source"),
                f("COMPANY_ID", Crm, "Company"),
            ],
            OPENED,
            CONTACTABLE,
            AUDIT,
            MULTI,
        ],
    ),
    (
        LEAD,
        &[
            ID,
            &[f("TITLE", Str, "Lead name")],
            PERSON,
            &[
                f("COMPANY_TITLE", Str, "Company name"),
                f("STATUS_ID", Str, "Status"),
            ],
            &[f("SOURCE_ID", Str, "Source")],
            AMOUNT,
            OPENED,
            CONTACTABLE,
            AUDIT,
            MULTI,
        ],
    ),
    (
        COMPANY,
        &[
            ID,
            &[
                f("TITLE", Str, "Company name"),
                f("COMPANY_TYPE", Str, "Company type"),
            ],
            &[
                f("INDUSTRY", Str, "Industry"),
                f("EMPLOYEES", Str, "Employees"),
            ],
            &[
                f("CURRENCY_ID", Str, "Currency"),
                f("REVENUE", Double, "Annual revenue"),
            ],
            OPENED,
            CONTACTABLE,
            AUDIT,
            MULTI,
        ],
    ),
    (
        FIRST_SPA,
        &[
            ID,
            &[f("XML_ID", Str, "External ID"), f("TITLE", Str, "Name")],
            PIPELINE,
            AMOUNT,
            PERIOD,
            CLIENT,
            OPENED,
            AUDIT,
        ],
    ),
];

/// [`SCHEMA`] with every entity's groups joined.
static FIELDS: LazyLock<Vec<(i64, Vec<FieldDef>)>> = LazyLock::new(|| {
    SCHEMA
        .iter()
        .map(|(entity_type_id, groups)| (*entity_type_id, groups.concat()))
        .collect()
});

/// The fields of an entity type, the ID first (every smart process has the same fields).
pub fn fields_of(entity_type_id: i64) -> &'static [FieldDef] {
    let key = if (LEAD..=COMPANY).contains(&entity_type_id) {
        entity_type_id
    } else {
        FIRST_SPA
    };
    FIELDS
        .iter()
        .find(|(id, _)| *id == key)
        .map_or(&[], |(_, fields)| fields.as_slice())
}

/// Naming and format style of a method family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `crm.deal.*` etc.: UPPER_CASE, strings.
    Legacy,
    /// `crm.item.*`: camelCase, JSON numbers.
    Item,
}

/// `ASSIGNED_BY_ID` → `assignedById`; `UF_CRM_123` → `ufCrm_123`; `UF_CRM_5_123` → `ufCrm5_123`.
pub fn to_camel(upper: &str) -> String {
    if let Some(rest) = upper.strip_prefix("UF_CRM_") {
        return match rest.split_once('_') {
            Some((n, ts)) if n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty() => {
                format!("ufCrm{n}_{ts}")
            }
            _ => format!("ufCrm_{rest}"),
        };
    }
    let mut out = String::with_capacity(upper.len());
    for (i, word) in upper.split('_').filter(|w| !w.is_empty()).enumerate() {
        let lower = word.to_ascii_lowercase();
        if i == 0 {
            out.push_str(&lower);
        } else {
            let mut chars = lower.chars();
            if let Some(c) = chars.next() {
                out.push(c.to_ascii_uppercase());
                out.push_str(chars.as_str());
            }
        }
    }
    out
}

/// `ufCrm_123` → `UF_CRM_123`, `ufCrm5_123` → `UF_CRM_5_123`; other names upper-cased.
pub fn uf_from_camel(name: &str) -> String {
    if let Some(rest) = name.strip_prefix("ufCrm") {
        return match rest.strip_prefix('_') {
            Some(ts) => format!("UF_CRM_{ts}"),
            None => format!("UF_CRM_{rest}"),
        };
    }
    name.to_ascii_uppercase()
}

/// The `crm.item.*` name of a field.
pub fn item_name(def: &FieldDef) -> String {
    match def.name {
        "DATE_CREATE" => "createdTime".to_owned(),
        "DATE_MODIFY" => "updatedTime".to_owned(),
        "CREATED_BY_ID" => "createdBy".to_owned(),
        "MODIFY_BY_ID" => "updatedBy".to_owned(),
        other => to_camel(other),
    }
}

/// The name of a field in `style`.
pub fn styled_name(def: &FieldDef, style: Style) -> String {
    match style {
        Style::Legacy => def.name.to_owned(),
        Style::Item => item_name(def),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_names() {
        assert_eq!(to_camel("ASSIGNED_BY_ID"), "assignedById");
        assert_eq!(to_camel("ID"), "id");
        assert_eq!(to_camel("UF_CRM_1721244482250"), "ufCrm_1721244482250");
        assert_eq!(to_camel("UF_CRM_5_1721"), "ufCrm5_1721");
        assert_eq!(uf_from_camel("ufCrm_1721244482250"), "UF_CRM_1721244482250");
        assert_eq!(uf_from_camel("ufCrm5_1721"), "UF_CRM_5_1721");
    }

    #[test]
    fn field_lists_keep_the_portal_order() {
        let names = |id| {
            fields_of(id)
                .iter()
                .map(|f| f.name)
                .collect::<Vec<_>>()
                .join(" ")
        };
        let audit = "ASSIGNED_BY_ID CREATED_BY_ID MODIFY_BY_ID DATE_CREATE DATE_MODIFY";
        assert_eq!(
            names(DEAL),
            format!(
                "ID TITLE TYPE_ID CATEGORY_ID STAGE_ID PROBABILITY CURRENCY_ID OPPORTUNITY \
                 IS_MANUAL_OPPORTUNITY COMPANY_ID CONTACT_ID BEGINDATE CLOSEDATE OPENED CLOSED \
                 COMMENTS SOURCE_ID {audit}"
            )
        );
        assert_eq!(
            names(CONTACT),
            format!(
                "ID HONORIFIC NAME SECOND_NAME LAST_NAME POST TYPE_ID SOURCE_ID COMPANY_ID OPENED \
                 COMMENTS HAS_PHONE HAS_EMAIL {audit} PHONE EMAIL"
            )
        );
        assert_eq!(
            names(LEAD),
            format!(
                "ID TITLE NAME SECOND_NAME LAST_NAME COMPANY_TITLE STATUS_ID SOURCE_ID CURRENCY_ID \
                 OPPORTUNITY IS_MANUAL_OPPORTUNITY OPENED COMMENTS HAS_PHONE HAS_EMAIL {audit} \
                 PHONE EMAIL"
            )
        );
        assert_eq!(
            names(COMPANY),
            format!(
                "ID TITLE COMPANY_TYPE INDUSTRY EMPLOYEES CURRENCY_ID REVENUE OPENED COMMENTS \
                 HAS_PHONE HAS_EMAIL {audit} PHONE EMAIL"
            )
        );
        assert_eq!(
            names(FIRST_SPA),
            format!(
                "ID XML_ID TITLE CATEGORY_ID STAGE_ID CURRENCY_ID OPPORTUNITY \
                 IS_MANUAL_OPPORTUNITY BEGINDATE CLOSEDATE COMPANY_ID CONTACT_ID OPENED {audit}"
            )
        );
        assert_eq!(fields_of(LEAD)[1].title, "Lead name");
        assert!(fields_of(DEAL)[0].read_only && !fields_of(DEAL)[1].read_only);
    }

    #[test]
    fn legacy_entities() {
        assert_eq!(event_name(DEAL, "ADD").as_deref(), Some("ONCRMDEALADD"));
        assert_eq!(event_name(FIRST_SPA, "ADD"), None);
        assert_eq!(entity_by_name("Company"), Some(COMPANY));
        assert_eq!((noun(LEAD), noun(FIRST_SPA)), ("Lead", "Item"));
    }
}
