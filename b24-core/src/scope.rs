//! Bitrix24 permission scopes.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares [`Scope`] from one line per documented scope:
/// `Variant = "wire code", "rustdoc summary";`, optionally followed by
/// `, deprecated = "note"` before the `;`. The enum with its rustdoc, [`Scope::KNOWN`],
/// [`Scope::as_str`], [`Scope::is_deprecated`] and parsing all come from that line;
/// `cargo xtask gen-methods` then writes the `#[b24_method]` scope table from [`Scope::KNOWN`].
macro_rules! scopes {
    ($($variant:ident = $wire:literal, $doc:literal $(, deprecated = $note:literal)?;)*) => {
        /// A Bitrix24 permission scope: the module a method belongs to, granted to a webhook or an app.
        ///
        /// Every documented scope has a variant whose wire string is exact ([`Scope::as_str`]). Strings
        /// the SDK does not know (a scope added to the platform later, an on-premise module) parse into
        /// [`Scope::Custom`] and round-trip unchanged, so a new scope never breaks decoding.
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Scope {
            $(
                #[doc = concat!("`", $wire, "`: ", $doc)]
                $(#[deprecated(note = $note)])?
                $variant,
            )*
            /// A scope this SDK does not list: parsed from an unknown string, or declared with
            /// `scope = custom("module")` for an on-premise module.
            Custom(Cow<'static, str>),
        }

        #[allow(deprecated)]
        impl Scope {
            /// Every documented scope, in wire-string order.
            pub const KNOWN: &'static [Scope] = &[$(Scope::$variant,)*];

            /// The Rust name of each scope of [`Scope::KNOWN`], in the same order: read by
            /// `cargo xtask gen-methods` to write the `#[b24_method]` scope table. Not part of
            /// the API.
            #[doc(hidden)]
            pub const VARIANT_NAMES: &'static [&'static str] = &[$(stringify!($variant),)*];

            /// The exact string Bitrix24 uses for this scope.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Scope::$variant => $wire,)*
                    Scope::Custom(code) => code,
                }
            }

            /// Whether this is one of the legacy scopes the documentation says not to use (the
            /// old task codes).
            pub fn is_deprecated(&self) -> bool {
                match self {
                    $(Scope::$variant => scopes!(@deprecated $($note)?),)*
                    Scope::Custom(_) => false,
                }
            }
        }

        #[allow(deprecated)]
        impl From<&str> for Scope {
            fn from(code: &str) -> Self {
                match code {
                    $($wire => Scope::$variant,)*
                    other => Scope::Custom(Cow::Owned(other.to_owned())),
                }
            }
        }
    };
    (@deprecated) => { false };
    (@deprecated $note:literal) => { true };
}

// One line per documented scope, in wire-string order (`KNOWN` keeps this order).
scopes! {
    AiAdmin = "ai_admin", "Registering custom services that handle AI requests.";
    Basic = "basic", "The global scope of service methods (`batch`, `scope`, `profile`, ...); granted to every credential, nothing to request.";
    Biconnector = "biconnector", "BI analytics connectors.";
    Bizproc = "bizproc", "Business processes and automation rules.";
    Booking = "booking", "Online booking.";
    Calendar = "calendar", "Calendar.";
    Call = "call", "Placing calls (`voximplant.infocall.*`).";
    Cashbox = "cashbox", "Cash registers.";
    Catalog = "catalog", "Trade catalog.";
    ConfigurationImport = "configuration.import", "Importing industry solutions.";
    ContactCenter = "contact_center", "Contact center.";
    Crm = "crm", "CRM.";
    CrmDocumentgenerator = "crm.documentgenerator", "CRM document generator.";
    Delivery = "delivery", "Delivery services.";
    Department = "department", "Company structure.";
    Disk = "disk", "Drive.";
    Documentgenerator = "documentgenerator", "Document generator.";
    Entity = "entity", "Data storage (`entity.*`).";
    Forum = "forum", "Forum.";
    Humanresources = "humanresources", "Human resources.";
    HumanresourcesHcmlink = "humanresources.hcmlink", "HCM link integration.";
    Iblock = "iblock", "Information blocks.";
    Im = "im", "Chats and notifications.";
    Imbot = "imbot", "Chat bots.";
    Imconnector = "imconnector", "Connectors for external messengers.";
    Imopenlines = "imopenlines", "Open channels.";
    Intranet = "intranet", "Intranet.";
    Landing = "landing", "Sites.";
    LandingCloud = "landing_cloud", "Site repository.";
    Lists = "lists", "Lists.";
    Log = "log", "Activity stream.";
    Mail = "mail", "Mail (REST 3.0).";
    Mailservice = "mailservice", "Mail services.";
    Main = "main", "Main module (REST 3.0).";
    Messageservice = "messageservice", "Message service.";
    Mobile = "mobile", "Mobile app.";
    Note = "note", "Notes (REST 3.0).";
    PaySystem = "pay_system", "Payment systems.";
    Placement = "placement", "Application placements (widgets).";
    Pull = "pull", "Pull & Push.";
    PullChannel = "pull_channel", "Service channel for instant system messages.";
    Rating = "rating", "Ratings.";
    Rpa = "rpa", "Robotic process automation.";
    Sale = "sale", "Online store.";
    Salescenter = "salescenter", "Sales in chat.";
    SignB2e = "sign.b2e", "E-signature for HR (B2E).";
    Smile = "smile", "Smileys.";
    Socialnetwork = "socialnetwork", "Social network.";
    SonetGroup = "sonet_group", "Workgroups.";
    Task = "task", "Tasks.";
    Tasks = "tasks", "Tasks, legacy code; use [`Scope::Task`].", deprecated = "a legacy task scope; use `Scope::Task`";
    TasksExtended = "tasks_extended", "Tasks, legacy extended code; use [`Scope::Task`].", deprecated = "a legacy task scope; use `Scope::Task`";
    Tasksmobile = "tasksmobile", "Tasks for mobile, legacy code; use [`Scope::Task`].", deprecated = "a legacy task scope; use `Scope::Task`";
    Telephony = "telephony", "Telephony.";
    Timeman = "timeman", "Work time management.";
    User = "user", "Users; also satisfied by [`Scope::UserBrief`] and [`Scope::UserBasic`].";
    UserUserfield = "user.userfield", "User fields of users.";
    UserBasic = "user_basic", "Users, basic profile fields.";
    UserBrief = "user_brief", "Users, minimal profile fields.";
    Userconsent = "userconsent", "User consents.";
    Userfieldconfig = "userfieldconfig", "User field configuration.";
    Vote = "vote", "Votes.";
}

impl Scope {
    /// A scope that this SDK does not list, such as an on-premise module's own.
    pub const fn custom(code: &'static str) -> Scope {
        Scope::Custom(Cow::Borrowed(code))
    }

    /// Whether this is the global scope of service methods, which every credential has.
    pub fn is_global(&self) -> bool {
        matches!(self, Scope::Basic)
    }

    /// Whether a credential granted `granted` may call methods of this scope.
    ///
    /// Global methods need nothing; `user` is also satisfied by `user_brief` and `user_basic`.
    pub fn is_satisfied_by<'a, I>(&self, granted: I) -> bool
    where
        I: IntoIterator<Item = &'a Scope>,
    {
        if self.is_global() {
            return true;
        }
        granted.into_iter().any(|scope| {
            scope == self
                || (*self == Scope::User && matches!(scope, Scope::UserBrief | Scope::UserBasic))
        })
    }
}

impl From<String> for Scope {
    fn from(code: String) -> Self {
        match Scope::from(code.as_str()) {
            Scope::Custom(_) => Scope::Custom(Cow::Owned(code)),
            known => known,
        }
    }
}

impl FromStr for Scope {
    type Err = std::convert::Infallible;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Ok(Scope::from(code))
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scope({:?})", self.as_str())
    }
}

impl Serialize for Scope {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Scope::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_strings_round_trip() {
        for scope in Scope::KNOWN {
            assert_eq!(&Scope::from(scope.as_str()), scope);
        }
        assert_eq!(Scope::from("user.userfield"), Scope::UserUserfield);
        assert_eq!(
            Scope::from("crm.documentgenerator").as_str(),
            "crm.documentgenerator"
        );
        assert_eq!(Scope::from("pull_channel"), Scope::PullChannel);
    }

    #[test]
    fn known_scopes_are_in_wire_order_and_named() {
        assert!(
            Scope::KNOWN
                .windows(2)
                .all(|pair| pair[0].as_str() < pair[1].as_str())
        );
        assert_eq!(Scope::VARIANT_NAMES.len(), Scope::KNOWN.len());
        let named: Vec<(&str, &str)> = Scope::KNOWN
            .iter()
            .map(Scope::as_str)
            .zip(Scope::VARIANT_NAMES.iter().copied())
            .collect();
        assert!(named.contains(&("user.userfield", "UserUserfield")));
        assert!(named.contains(&("ai_admin", "AiAdmin")));
    }

    #[test]
    fn unknown_scopes_are_kept() {
        let scope: Scope = serde_json::from_str("\"brand_new_module\"").unwrap();
        assert_eq!(scope, Scope::custom("brand_new_module"));
        assert_eq!(
            serde_json::to_string(&scope).unwrap(),
            "\"brand_new_module\""
        );
    }

    #[test]
    fn user_is_satisfied_by_its_versions() {
        assert!(Scope::User.is_satisfied_by(&[Scope::UserBrief]));
        assert!(Scope::User.is_satisfied_by(&[Scope::UserBasic]));
        assert!(!Scope::UserBasic.is_satisfied_by(&[Scope::User]));
        assert!(!Scope::Crm.is_satisfied_by(&[Scope::Im]));
        assert!(Scope::Basic.is_satisfied_by(&[]));
    }

    #[test]
    #[allow(deprecated)]
    fn legacy_task_scopes_are_flagged() {
        assert!(Scope::Tasks.is_deprecated());
        assert!(Scope::TasksExtended.is_deprecated());
        assert!(Scope::Tasksmobile.is_deprecated());
        assert!(!Scope::Task.is_deprecated());
    }
}
