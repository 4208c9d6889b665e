//! The portal's in-memory state: credentials, seeded directory data, automated solutions,
//! confirmation decisions and request counters, plus the stores of [`crate::store`] (CRM
//! records, event bindings) and the shared handles (clock, limiter, faults).

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use rand::Rng;

use crate::clock::Clock;
use crate::config::Config;
use crate::envelope::now_secs;
use crate::faults::FaultState;
use crate::limits::{OperatingLedger, RateLimiter};
use crate::page::log::RequestLog;
use crate::session::Session;
use crate::store::apps::AppStore;
use crate::store::calendar::CalendarStore;
use crate::store::crm::CrmStore;
use crate::store::disk::DiskStore;
use crate::store::entity::EntityStore;
use crate::store::events::{Delivery, EventStore, Occurrence};
use crate::store::im::ImStore;
use crate::store::lists::ListStore;
use crate::store::tasks::TaskStore;

/// Every scope the emulated portal knows (`scope` with `full=true`).
pub const ALL_SCOPES: &[&str] = &[
    "ai_admin",
    "biconnector",
    "bizproc",
    "booking",
    "calendar",
    "call",
    "cashbox",
    "catalog",
    "crm",
    "delivery",
    "department",
    "disk",
    "documentgenerator",
    "entity",
    "humanresources",
    "humanresources.hcmlink",
    "im",
    "imbot",
    "imconnector",
    "imopenlines",
    "landing",
    "lists",
    "log",
    "mailservice",
    "main",
    "messageservice",
    "pay_system",
    "placement",
    "pull",
    "rpa",
    "sale",
    "salescenter",
    "sign.b2e",
    "socialnetwork",
    "sonet_group",
    "task",
    "telephony",
    "timeman",
    "user",
    "user.userfield",
    "user_basic",
    "user_brief",
    "userconsent",
    "userfieldconfig",
    "vote",
];

/// The user ID owning the default webhook.
pub const DEFAULT_WEBHOOK_USER: i64 = 1;

/// Lifetime of issued OAuth access tokens, seconds.
pub const TOKEN_LIFETIME: i64 = 3600;

/// An incoming webhook.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// Owner.
    pub user_id: i64,
    /// Secret code (the path segment after the user ID).
    pub code: String,
    /// Granted scopes.
    pub scopes: Arc<[String]>,
}

/// An OAuth access token of the local application.
#[derive(Debug, Clone)]
pub struct OAuthToken {
    /// User the token acts for.
    pub user_id: i64,
    /// Granted scopes.
    pub scopes: Arc<[String]>,
    /// Unix time of expiry.
    pub expires_at: i64,
}

/// A portal user.
#[derive(Debug, Clone)]
pub struct User {
    /// User ID.
    pub id: i64,
    /// Login (usable instead of the ID in a webhook URL).
    pub login: &'static str,
    /// First name.
    pub name: &'static str,
    /// Last name.
    pub last_name: &'static str,
    /// `M`, `F` or empty.
    pub gender: &'static str,
    /// Job title.
    pub work_position: &'static str,
    /// Portal administrator.
    pub admin: bool,
    /// `DD-MM` or empty.
    pub birthday: &'static str,
    /// Avatar colour, `#rrggbb`.
    pub color: &'static str,
}

/// A company department.
#[derive(Debug, Clone)]
pub struct Department {
    /// Department ID.
    pub id: i64,
    /// Short name.
    pub name: &'static str,
    /// Parent department.
    pub parent: Option<i64>,
    /// Head of the department (user ID, 0 = none).
    pub manager: i64,
}

/// A CRM automated solution (digital workplace).
#[derive(Debug, Clone, PartialEq)]
pub struct AutomatedSolution {
    /// ID.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Bound smart-process type IDs.
    pub type_ids: Vec<i64>,
}

/// An administrator's decision on a confirmation-gated method for one credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Asked, not decided yet.
    Pending,
    /// Allowed.
    Confirmed,
    /// Denied.
    Denied,
}

/// Mutable portal state, behind the [`Shared`] mutex.
#[derive(Debug)]
pub struct PortalState {
    /// Incoming webhooks (the default one first).
    pub webhooks: Vec<Webhook>,
    /// OAuth tokens by access token.
    pub tokens: HashMap<String, OAuthToken>,
    /// Users.
    pub users: Vec<User>,
    /// Departments.
    pub departments: Vec<Department>,
    /// Automated solutions by ID.
    pub automated_solutions: BTreeMap<i64, AutomatedSolution>,
    /// Next automated solution ID.
    pub next_automated_solution_id: i64,
    /// Decisions by (credential key, lower-cased method).
    pub confirmations: HashMap<(String, String), Decision>,
    /// Requests per lower-cased method name.
    pub counters: BTreeMap<String, u64>,
    /// All requests that reached the dispatcher.
    pub total: u64,
    /// Requests that reached the dispatcher, per source address.
    pub sources: BTreeMap<IpAddr, u64>,
    /// Answers per HTTP status (`"200"`, `"503"`, …; `"reset"` for dropped connections).
    pub statuses: BTreeMap<String, u64>,
    /// Operating-time accounting.
    pub operating: OperatingLedger,
    /// Operating-time budget (`None` = not enforced).
    pub operating_limit: Option<f64>,
    /// CRM records and smart-process types.
    pub crm: CrmStore,
    /// Event bindings and the offline queue.
    pub events: EventStore,
    /// Event deliveries produced by the current call, sent after it.
    pub outbox: Vec<Delivery>,
    /// Registered applications and the OAuth server's grants.
    pub apps: AppStore,
    /// The last REST requests, for the portal page.
    pub requests: RequestLog,
    /// Tasks (`tasks.task.*`).
    pub tasks: TaskStore,
    /// Application data storage (`entity.*`).
    pub entity: EntityStore,
    /// Universal lists (`lists.*`).
    pub lists: ListStore,
    /// Chats and messages (`im.chat.add`, `im.message.*`).
    pub im: ImStore,
    /// Disk storages, folders and files (`disk.*`).
    pub disk: DiskStore,
    /// Calendar sections and events (`calendar.*`).
    pub calendar: CalendarStore,
}

impl PortalState {
    /// The seeded state with the given default webhook and the applications of `config` (the
    /// first one gets `application_token`, the portal's, the others random ones).
    pub fn seeded(
        default_webhook: Webhook,
        config: &Config,
        application_token: &str,
        member_id: &str,
    ) -> Self {
        let mut apps = AppStore::default();
        apps.member_id = member_id.to_owned();
        for (i, app) in config.apps.iter().enumerate() {
            let token = if i == 0 {
                application_token.to_owned()
            } else {
                random_code(32)
            };
            apps.register(app.clone(), token);
        }
        PortalState {
            webhooks: vec![default_webhook],
            tokens: HashMap::new(),
            users: seed_users(),
            departments: seed_departments(),
            automated_solutions: BTreeMap::new(),
            next_automated_solution_id: 1,
            confirmations: HashMap::new(),
            counters: BTreeMap::new(),
            total: 0,
            sources: BTreeMap::new(),
            statuses: BTreeMap::new(),
            operating: OperatingLedger::default(),
            operating_limit: config.operating_limit,
            crm: CrmStore::default(),
            events: EventStore::default(),
            outbox: Vec::new(),
            apps,
            requests: RequestLog::default(),
            tasks: TaskStore::default(),
            entity: EntityStore::default(),
            lists: ListStore::default(),
            im: ImStore::default(),
            disk: DiskStore::default(),
            calendar: CalendarStore::default(),
        }
    }

    /// A user by ID.
    pub fn user(&self, id: i64) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    /// A department by ID.
    pub fn department(&self, id: i64) -> Option<&Department> {
        self.departments.iter().find(|d| d.id == id)
    }

    /// `"Name / Parent / … / Root"`.
    pub fn department_full_name(&self, id: i64) -> String {
        let mut parts = Vec::new();
        let mut current = self.department(id);
        while let Some(d) = current {
            if parts.len() > 32 {
                break;
            }
            parts.push(d.name);
            current = d.parent.and_then(|p| self.department(p));
        }
        parts.join(" / ")
    }

    /// Applies an administrator decision to every pending request for `method`.
    /// Returns how many credentials were decided.
    pub fn decide(&mut self, method: &str, decision: Decision) -> usize {
        let method = method.to_ascii_lowercase();
        let mut decided = Vec::new();
        for ((key, m), d) in self.confirmations.iter_mut() {
            if *m == method && *d == Decision::Pending {
                *d = decision;
                decided.push(key.clone());
            }
        }
        for key in &decided {
            if let Some(token) = key.strip_prefix("oauth:") {
                let confirmed = decision == Decision::Confirmed;
                let deliveries =
                    self.events
                        .method_confirmed(token, &method, confirmed, now_secs());
                self.outbox.extend(deliveries);
            }
        }
        decided.len()
    }

    /// Records an event; its online deliveries wait in the outbox until the call ends.
    pub fn fire_event(&mut self, occurrence: Occurrence) {
        let deliveries = self.events.fire(occurrence);
        self.outbox.extend(deliveries);
    }
}

fn seed_users() -> Vec<User> {
    vec![
        User {
            id: 1,
            login: "admin",
            name: "Vadim",
            last_name: "Valeev",
            gender: "M",
            work_position: "CEO",
            admin: true,
            birthday: "",
            color: "#df532d",
        },
        User {
            id: 11,
            login: "anna",
            name: "Anna",
            last_name: "Petrova",
            gender: "F",
            work_position: "Head of Sales",
            admin: false,
            birthday: "14-02",
            color: "#4ba984",
        },
        User {
            id: 13,
            login: "boris",
            name: "Boris",
            last_name: "Ivanov",
            gender: "M",
            work_position: "CFO",
            admin: false,
            birthday: "",
            color: "#ab7761",
        },
        User {
            id: 103,
            login: "maria",
            name: "Maria",
            last_name: "Sokolova",
            gender: "F",
            work_position: "Head of Development",
            admin: false,
            birthday: "03-09",
            color: "#29619b",
        },
        User {
            id: 105,
            login: "ivan",
            name: "Ivan",
            last_name: "Kuznetsov",
            gender: "M",
            work_position: "Developer",
            admin: false,
            birthday: "",
            color: "#728f7a",
        },
    ]
}

fn seed_departments() -> Vec<Department> {
    vec![
        Department {
            id: 1,
            name: "mysite.com",
            parent: None,
            manager: 1,
        },
        Department {
            id: 3,
            name: "Finance Department",
            parent: Some(1),
            manager: 13,
        },
        Department {
            id: 5,
            name: "Sales Department",
            parent: Some(1),
            manager: 11,
        },
        Department {
            id: 7,
            name: "Development Department",
            parent: Some(1),
            manager: 103,
        },
        Department {
            id: 9,
            name: "QA Group",
            parent: Some(7),
            manager: 0,
        },
    ]
}

/// A random lower-case alphanumeric secret of length `len`.
pub fn random_code(len: usize) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
        .collect()
}

/// Addresses of the running portal (known after binding).
#[derive(Debug, Clone, Default)]
pub struct Urls {
    /// `http://127.0.0.1:PORT`.
    pub http: String,
    /// `https://127.0.0.1:PORT`.
    pub https: String,
    /// `http://127.0.0.1:PORT` of the listener that "moved" requests are redirected to.
    pub moved: String,
}

/// State shared between the server task and every [`crate::Emulator`] handle.
#[derive(Debug)]
pub struct Shared {
    /// Settings.
    pub config: Config,
    /// The default webhook (kept across resets).
    pub default_webhook: Webhook,
    /// The portal clock.
    pub clock: Clock,
    /// Request-intensity limiter.
    pub limiter: Mutex<RateLimiter>,
    /// Fault injection.
    pub faults: Mutex<FaultState>,
    /// The local application's `application_token` (sent with every event).
    pub application_token: String,
    /// The portal's member ID.
    pub member_id: String,
    /// Listener addresses.
    pub urls: OnceLock<Urls>,
    /// Recording or replay of the REST calls (kept across resets).
    pub session: Mutex<Session>,
    /// The REST 3.0 records and idempotency store (`crate::v3`).
    pub v3: crate::v3::Portal,
    state: Mutex<PortalState>,
}

impl Shared {
    /// New shared state with a fresh default webhook.
    pub fn new(config: Config) -> Self {
        let default_webhook = Webhook {
            user_id: DEFAULT_WEBHOOK_USER,
            code: random_code(16),
            scopes: Arc::from(config.scopes.clone()),
        };
        let application_token = random_code(32);
        let member_id = random_code(32);
        let state = Mutex::new(PortalState::seeded(
            default_webhook.clone(),
            &config,
            &application_token,
            &member_id,
        ));
        Shared {
            clock: Clock::new(config.clock_scale),
            limiter: Mutex::new(RateLimiter::new(config.rate_limit)),
            faults: Mutex::new(FaultState::new(config.faults.clone())),
            application_token,
            member_id,
            urls: OnceLock::new(),
            session: Mutex::new(Session::Off),
            v3: crate::v3::Portal::default(),
            config,
            default_webhook,
            state,
        }
    }

    /// The listener addresses (empty strings before binding).
    pub fn urls(&self) -> Urls {
        self.urls.get().cloned().unwrap_or_default()
    }

    /// Locks the rate limiter.
    pub fn limiter(&self) -> MutexGuard<'_, RateLimiter> {
        self.limiter.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Locks the recording or replay session.
    pub fn session(&self) -> MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Locks the fault state.
    pub fn faults(&self) -> MutexGuard<'_, FaultState> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Locks the state (a poisoned lock is recovered: the state stays usable).
    pub fn lock(&self) -> MutexGuard<'_, PortalState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Back to the seeded state: added webhooks, tokens, records, decisions, counters, event
    /// bindings go; limits and faults return to the builder's settings.
    pub fn reset(&self) {
        *self.lock() = PortalState::seeded(
            self.default_webhook.clone(),
            &self.config,
            &self.application_token,
            &self.member_id,
        );
        self.limiter().set(self.config.rate_limit);
        self.faults().set(self.config.faults.clone());
        self.v3.reset();
    }

    /// Creates a webhook for `user_id` with `scopes`, returning its code.
    pub fn add_webhook(&self, user_id: i64, scopes: Vec<String>) -> String {
        let code = random_code(16);
        self.lock().webhooks.push(Webhook {
            user_id,
            code: code.clone(),
            scopes: Arc::from(scopes),
        });
        code
    }

    /// Issues an OAuth access token valid for an hour.
    pub fn issue_token(&self, user_id: i64, scopes: Vec<String>) -> String {
        let token = random_code(32);
        self.lock().tokens.insert(
            token.clone(),
            OAuthToken {
                user_id,
                scopes: Arc::from(scopes),
                expires_at: self.clock.now_secs() + TOKEN_LIFETIME,
            },
        );
        token
    }

    /// Marks a token as expired. Returns whether it existed.
    pub fn expire_token(&self, token: &str) -> bool {
        match self.lock().tokens.get_mut(token) {
            Some(t) => {
                t.expires_at = i64::MIN;
                true
            }
            None => false,
        }
    }
}
