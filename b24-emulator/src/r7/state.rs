//! In-memory portal data of the R7 emulator: users, tokens, contacts, cases, custom fields,
//! tags and history, with the server's access rules.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};

use rand::Rng;
use serde_json::{Map, Value, json};

use super::dates::format_date;

/// A seeded portal user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Lower-case hyphenated GUID.
    pub id: &'static str,
    /// Login (an email).
    pub login: &'static str,
    /// Password.
    pub password: &'static str,
    /// Full name.
    pub display_name: &'static str,
    /// Job title.
    pub title: &'static str,
    /// Portal administrator (sees and changes every case).
    pub admin: bool,
    /// Has an authenticator app: the login answers `{tfa: true}` without a token.
    pub tfa: bool,
}

/// The portal administrator, Mike Zanyatski (the user of the R7 documentation's samples).
pub const ADMIN: User = User {
    id: "6a3f1e2c-9b1d-4c1e-8f0a-2b7c3d4e5f60",
    login: "admin@example.com",
    password: "admin-password",
    display_name: "Mike Zanyatski",
    title: "Manager",
    admin: true,
    tfa: false,
};

/// A regular user, Anna Petrova (her GUID is the R7 documentation's access-list example).
pub const ANNA: User = User {
    id: "9924256a-739c-462b-af15-e652a3b1b6eb",
    login: "anna@example.com",
    password: "anna-password",
    display_name: "Anna Petrova",
    title: "Sales",
    admin: false,
    tfa: false,
};

/// A regular user, Boris Ivanov.
pub const BORIS: User = User {
    id: "3c1b2a4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    login: "boris@example.com",
    password: "boris-password",
    display_name: "Boris Ivanov",
    title: "",
    admin: false,
    tfa: false,
};

/// A user with two-factor authentication: logging in with the password gives no token.
pub const TFA_USER: User = User {
    id: "0b7e4c52-1f3a-4d6e-9a8b-7c6d5e4f3a2b",
    login: "tfa@example.com",
    password: "tfa-password",
    display_name: "Tamara Fedorova",
    title: "Security",
    admin: false,
    tfa: true,
};

/// Every seeded user.
pub const USERS: &[User] = &[ADMIN, ANNA, BORIS, TFA_USER];

/// The "no user" GUID.
pub const EMPTY_GUID: &str = "00000000-0000-0000-0000-000000000000";

/// A CRM contact (person or company).
#[derive(Debug, Clone)]
pub struct Contact {
    /// ID.
    pub id: i64,
    /// Person's first name.
    pub first_name: &'static str,
    /// Person's last name.
    pub last_name: &'static str,
    /// Company name (companies only).
    pub company_name: &'static str,
    /// A company.
    pub is_company: bool,
}

/// A case.
#[derive(Debug, Clone)]
pub struct Case {
    /// ID.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Closed.
    pub closed: bool,
    /// Private.
    pub private: bool,
    /// GUIDs allowed to see a private case.
    pub access: Vec<String>,
    /// Creator GUID.
    pub created_by: String,
    /// Creation time, Unix 100-ns ticks.
    pub created: i128,
    /// Member contact IDs.
    pub members: Vec<i64>,
    /// Tags.
    pub tags: BTreeSet<String>,
    /// Custom field values by definition ID.
    pub fields: BTreeMap<i64, String>,
}

/// A case custom field definition.
#[derive(Debug, Clone)]
pub struct FieldDef {
    /// ID.
    pub id: i64,
    /// Label.
    pub label: String,
    /// Type 0-5.
    pub field_type: i64,
    /// Position.
    pub position: i64,
    /// Mask.
    pub mask: String,
}

/// A history event.
#[derive(Debug, Clone)]
pub struct Event {
    /// ID.
    pub id: i64,
    /// `case` (the only entity type the emulator keeps).
    pub entity_type: String,
    /// The case.
    pub entity_id: i64,
    /// Text.
    pub content: String,
    /// Category.
    pub category_id: i64,
    /// Author GUID.
    pub created_by: String,
    /// When, Unix 100-ns ticks.
    pub created: i128,
}

/// History categories: `(id, title)`.
pub const CATEGORIES: &[(i64, &str)] =
    &[(-1, "Note"), (-2, "Email"), (-3, "Call"), (-4, "Meeting")];

/// A canned answer for the next API call.
#[derive(Debug, Clone)]
pub struct Fault {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: String,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: String,
}

/// Mutable state behind the lock.
#[derive(Debug)]
pub struct Data {
    /// token → user GUID.
    pub tokens: HashMap<String, String>,
    /// Contacts by ID.
    pub contacts: BTreeMap<i64, Contact>,
    /// Cases by ID.
    pub cases: BTreeMap<i64, Case>,
    /// Known case tags (created ones and those on cases).
    pub tags: BTreeSet<String>,
    /// Case custom field definitions.
    pub fields: BTreeMap<i64, FieldDef>,
    /// History events.
    pub events: BTreeMap<i64, Event>,
    /// Next IDs.
    pub next_case: i64,
    /// Next custom field ID.
    pub next_field: i64,
    /// Next history event ID.
    pub next_event: i64,
    /// Failed logins by login, for the brute-force block.
    pub failed_logins: HashMap<String, u32>,
    /// Requests per route key (`PUT crm/case/{caseid}/access`, `login`).
    pub counters: HashMap<String, u64>,
    /// All requests.
    pub total: u64,
    /// Canned answers for the next API calls.
    pub faults: VecDeque<Fault>,
}

/// Shared state of one emulator.
#[derive(Debug)]
pub struct Shared {
    data: Mutex<Data>,
    /// Offset of the portal's time zone, minutes.
    pub offset_minutes: i32,
    /// The server's `maxPage`.
    pub max_page: usize,
}

impl Shared {
    /// Seeded state.
    pub fn new(offset_minutes: i32, max_page: usize) -> Shared {
        Shared {
            data: Mutex::new(Data::seeded()),
            offset_minutes,
            max_page,
        }
    }

    /// Locks the data.
    pub fn lock(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The ID of the seeded case of the documentation's example, "Exhibition organization".
pub const SEED_CASE: i64 = 1234;

/// Creation time of the seeded cases: 2022-10-07T10:03:01.4878919Z, the documentation's example.
pub(super) const SEED_TIME: i128 = 16_651_369_814_878_919;

impl Data {
    fn seeded() -> Data {
        let contacts = [
            Contact {
                id: 1,
                first_name: "Ivan",
                last_name: "Kuznetsov",
                company_name: "",
                is_company: false,
            },
            Contact {
                id: 2,
                first_name: "",
                last_name: "",
                company_name: "Romashka LLC",
                is_company: true,
            },
            Contact {
                id: 3,
                first_name: "Maria",
                last_name: "Sokolova",
                company_name: "",
                is_company: false,
            },
        ];
        let mut data = Data {
            tokens: HashMap::new(),
            contacts: contacts.into_iter().map(|c| (c.id, c)).collect(),
            cases: BTreeMap::new(),
            tags: BTreeSet::new(),
            fields: BTreeMap::new(),
            events: BTreeMap::new(),
            next_case: 1,
            next_field: 1,
            next_event: 1,
            failed_logins: HashMap::new(),
            counters: HashMap::new(),
            total: 0,
            faults: VecDeque::new(),
        };
        data.fields.insert(
            1,
            FieldDef {
                id: 1,
                label: String::from("Birthdate"),
                field_type: 5,
                position: 10,
                mask: String::new(),
            },
        );
        data.next_field = 2;
        let renewal = data.insert_case("Contract renewal", ADMIN.id, SEED_TIME + 10_000_000);
        if let Some(case) = data.cases.get_mut(&renewal) {
            case.private = true;
            case.access = vec![ADMIN.id.to_owned()];
        }
        let support = data.insert_case("Support escalation", ANNA.id, SEED_TIME + 20_000_000);
        if let Some(case) = data.cases.get_mut(&support) {
            case.closed = true;
            case.members = vec![3];
        }
        // The case of the R7 documentation's `PUT crm/case/1234/access` example.
        data.next_case = SEED_CASE;
        let expo = data.insert_case("Exhibition organization", ADMIN.id, SEED_TIME);
        if let Some(case) = data.cases.get_mut(&expo) {
            case.members = vec![1, 2];
            case.tags.insert(String::from("expo"));
            case.fields
                .insert(1, String::from("2022-10-07T10:03:01.4878919Z"));
        }
        data.tags.insert(String::from("expo"));
        data.events.insert(
            1,
            Event {
                id: 1,
                entity_type: String::from("case"),
                entity_id: expo,
                content: String::from("Booth booked"),
                category_id: -1,
                created_by: ADMIN.id.to_owned(),
                created: SEED_TIME + 30_000_000,
            },
        );
        data.next_event = 2;
        data
    }

    /// Adds a public case; returns its ID.
    pub fn insert_case(&mut self, title: &str, creator: &str, created: i128) -> i64 {
        let id = self.next_case;
        self.next_case += 1;
        self.cases.insert(
            id,
            Case {
                id,
                title: title.to_owned(),
                closed: false,
                private: false,
                access: Vec::new(),
                created_by: creator.to_owned(),
                created,
                members: Vec::new(),
                tags: BTreeSet::new(),
                fields: BTreeMap::new(),
            },
        );
        id
    }

    /// Removes a case with its history.
    pub fn remove_case(&mut self, id: i64) {
        self.cases.remove(&id);
        self.events.retain(|_, event| event.entity_id != id);
    }

    /// Issues a token for `user`.
    pub fn issue_token(&mut self, user: &str) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut rng = rand::rng();
        let mut token: String = (0..86)
            .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
            .collect();
        token.push_str("==");
        self.tokens.insert(token.clone(), user.to_owned());
        token
    }
}

/// A seeded user by GUID.
pub fn user(id: &str) -> Option<&'static User> {
    USERS.iter().find(|user| user.id.eq_ignore_ascii_case(id))
}

/// May `user` read `case`?
pub fn can_read(user: &User, case: &Case) -> bool {
    user.admin
        || !case.private
        || case.created_by == user.id
        || case.access.iter().any(|id| id == user.id)
}

/// May `user` change the access rights of (or delete) `case`?
pub fn can_manage(user: &User, case: &Case) -> bool {
    user.admin || case.created_by == user.id
}

/// Applies `isPrivate` / `accessList` the way the server does: private with a non-empty list
/// restricts the case and adds the caller; private with an empty list, or not private, makes
/// it public.
pub fn apply_access(case: &mut Case, caller: &User, private: bool, access: Vec<String>) {
    if private && !access.is_empty() {
        let mut list = access;
        if !list.iter().any(|id| id == caller.id) {
            list.push(caller.id.to_owned());
        }
        case.private = true;
        case.access = list;
    } else {
        case.private = false;
        case.access = Vec::new();
    }
}

/// The `EmployeeWraper` of a user GUID.
pub fn employee(id: &str) -> Value {
    let mut out = Map::new();
    match user(id) {
        Some(user) => {
            out.insert("id".into(), json!(user.id));
            out.insert("displayName".into(), json!(user.display_name));
            if !user.title.is_empty() {
                out.insert("title".into(), json!(user.title));
            }
            out.insert(
                "avatarSmall".into(),
                json!(format!(
                    "/skins/default/images/default_user_photo_size_32-32.png?{}",
                    &user.id[..8]
                )),
            );
            out.insert(
                "profileUrl".into(),
                json!(format!("/Products/People/Profile.aspx?user={}", user.login)),
            );
        }
        None => {
            out.insert("id".into(), json!(id));
            out.insert("displayName".into(), json!(""));
            out.insert("avatarSmall".into(), json!(""));
            out.insert("profileUrl".into(), json!(""));
        }
    }
    Value::Object(out)
}

impl Contact {
    /// The `ContactBase` wrapper.
    pub fn wrapper(&self) -> Value {
        let display = if self.is_company {
            self.company_name.to_owned()
        } else {
            format!("{} {}", self.first_name, self.last_name)
        };
        let mut out = Map::new();
        out.insert("id".into(), json!(self.id));
        out.insert("displayName".into(), json!(display));
        out.insert("isCompany".into(), json!(self.is_company));
        out.insert("isPrivate".into(), json!(false));
        out.insert("isShared".into(), json!(true));
        out.insert("shareType".into(), json!(1));
        out.insert("canEdit".into(), json!(true));
        out.insert("canDelete".into(), json!(true));
        if self.is_company {
            out.insert("companyName".into(), json!(self.company_name));
        } else {
            out.insert("firstName".into(), json!(self.first_name));
            out.insert("lastName".into(), json!(self.last_name));
        }
        out.insert("currency".into(), Value::Null);
        out.insert(
            "smallFotoUrl".into(),
            json!("/skins/default/images/empty_people_logo_40_40.png"),
        );
        out.insert(
            "mediumFotoUrl".into(),
            json!("/skins/default/images/empty_people_logo_82_82.png"),
        );
        Value::Object(out)
    }
}

impl FieldDef {
    /// The `CustomFieldWrapper` (definition), or a `CustomFieldBase` with a value.
    pub fn wrapper(&self, entity_id: i64, value: Option<&str>, count: Option<usize>) -> Value {
        let mut out = Map::new();
        out.insert("entityId".into(), json!(entity_id));
        out.insert("label".into(), json!(self.label));
        out.insert("fieldValue".into(), value.map_or(Value::Null, |v| json!(v)));
        out.insert("fieldType".into(), json!(self.field_type));
        out.insert("position".into(), json!(self.position));
        out.insert("mask".into(), json!(self.mask));
        if let Some(count) = count {
            out.insert("relativeItemsCount".into(), json!(count));
        }
        out.insert("id".into(), json!(self.id));
        Value::Object(out)
    }
}

impl Data {
    /// The `CasesWrapper` of a case as `viewer` sees it, keys in the server's order.
    pub fn case_wrapper(&self, case: &Case, viewer: &User, offset_minutes: i32) -> Value {
        let mut out = Map::new();
        out.insert("createBy".into(), employee(&case.created_by));
        out.insert(
            "created".into(),
            json!(format_date(case.created, offset_minutes)),
        );
        out.insert("title".into(), json!(case.title));
        out.insert("isClosed".into(), json!(case.closed));
        out.insert("isPrivate".into(), json!(case.private));
        if case.private {
            out.insert(
                "accessList".into(),
                Value::Array(case.access.iter().map(|id| employee(id)).collect()),
            );
        }
        out.insert("canEdit".into(), json!(can_read(viewer, case)));
        let fields = case
            .fields
            .iter()
            .filter_map(|(id, value)| {
                self.fields
                    .get(id)
                    .map(|def| def.wrapper(case.id, Some(value), None))
            })
            .collect();
        out.insert("customFields".into(), Value::Array(fields));
        let members = case
            .members
            .iter()
            .filter_map(|id| self.contacts.get(id).map(Contact::wrapper))
            .collect();
        out.insert("members".into(), Value::Array(members));
        out.insert("id".into(), json!(case.id));
        Value::Object(out)
    }

    /// The `RelationshipEventWrapper` of an event.
    pub fn event_wrapper(&self, event: &Event, offset_minutes: i32) -> Value {
        let category = CATEGORIES
            .iter()
            .find(|(id, _)| *id == event.category_id)
            .map_or(Value::Null, |(id, title)| json!({"id": id, "title": title}));
        let title = self
            .cases
            .get(&event.entity_id)
            .map(|case| case.title.clone());
        json!({
            "id": event.id,
            "createBy": employee(&event.created_by),
            "created": format_date(event.created, offset_minutes),
            "content": event.content,
            "category": category,
            "entity": {
                "entityType": event.entity_type,
                "entityId": event.entity_id,
                "entityTitle": title,
            },
            "canEdit": true,
        })
    }
}
