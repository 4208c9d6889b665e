//! Bitrix24 permission scopes.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A Bitrix24 permission scope: the module a method belongs to, granted to a webhook or an app.
///
/// Every documented scope has a variant whose wire string is exact ([`Scope::as_str`]). Strings
/// the SDK does not know (a scope added to the platform later, an on-premise module) parse into
/// [`Scope::Custom`] and round-trip unchanged, so a new scope never breaks decoding.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Scope {
    /// `ai_admin`: Registering custom services that handle AI requests.
    AiAdmin,
    /// `basic`: The global scope of service methods (`batch`, `scope`, `profile`, ...); granted to every credential, nothing to request.
    Basic,
    /// `biconnector`: BI analytics connectors.
    Biconnector,
    /// `bizproc`: Business processes and automation rules.
    Bizproc,
    /// `booking`: Online booking.
    Booking,
    /// `calendar`: Calendar.
    Calendar,
    /// `call`: Placing calls (`voximplant.infocall.*`).
    Call,
    /// `cashbox`: Cash registers.
    Cashbox,
    /// `catalog`: Trade catalog.
    Catalog,
    /// `configuration.import`: Importing industry solutions.
    ConfigurationImport,
    /// `contact_center`: Contact center.
    ContactCenter,
    /// `crm`: CRM.
    Crm,
    /// `crm.documentgenerator`: CRM document generator.
    CrmDocumentgenerator,
    /// `delivery`: Delivery services.
    Delivery,
    /// `department`: Company structure.
    Department,
    /// `disk`: Drive.
    Disk,
    /// `documentgenerator`: Document generator.
    Documentgenerator,
    /// `entity`: Data storage (`entity.*`).
    Entity,
    /// `forum`: Forum.
    Forum,
    /// `humanresources`: Human resources.
    Humanresources,
    /// `humanresources.hcmlink`: HCM link integration.
    HumanresourcesHcmlink,
    /// `iblock`: Information blocks.
    Iblock,
    /// `im`: Chats and notifications.
    Im,
    /// `imbot`: Chat bots.
    Imbot,
    /// `imconnector`: Connectors for external messengers.
    Imconnector,
    /// `imopenlines`: Open channels.
    Imopenlines,
    /// `intranet`: Intranet.
    Intranet,
    /// `landing`: Sites.
    Landing,
    /// `landing_cloud`: Site repository.
    LandingCloud,
    /// `lists`: Lists.
    Lists,
    /// `log`: Activity stream.
    Log,
    /// `mail`: Mail (REST 3.0).
    Mail,
    /// `mailservice`: Mail services.
    Mailservice,
    /// `main`: Main module (REST 3.0).
    Main,
    /// `messageservice`: Message service.
    Messageservice,
    /// `mobile`: Mobile app.
    Mobile,
    /// `note`: Notes (REST 3.0).
    Note,
    /// `pay_system`: Payment systems.
    PaySystem,
    /// `placement`: Application placements (widgets).
    Placement,
    /// `pull`: Pull & Push.
    Pull,
    /// `pull_channel`: Service channel for instant system messages.
    PullChannel,
    /// `rating`: Ratings.
    Rating,
    /// `rpa`: Robotic process automation.
    Rpa,
    /// `sale`: Online store.
    Sale,
    /// `salescenter`: Sales in chat.
    Salescenter,
    /// `sign.b2e`: E-signature for HR (B2E).
    SignB2e,
    /// `smile`: Smileys.
    Smile,
    /// `socialnetwork`: Social network.
    Socialnetwork,
    /// `sonet_group`: Workgroups.
    SonetGroup,
    /// `task`: Tasks.
    Task,
    /// `tasks`: Tasks, legacy code; use [`Scope::Task`].
    #[deprecated(note = "a legacy task scope; use `Scope::Task`")]
    Tasks,
    /// `tasks_extended`: Tasks, legacy extended code; use [`Scope::Task`].
    #[deprecated(note = "a legacy task scope; use `Scope::Task`")]
    TasksExtended,
    /// `tasksmobile`: Tasks for mobile, legacy code; use [`Scope::Task`].
    #[deprecated(note = "a legacy task scope; use `Scope::Task`")]
    Tasksmobile,
    /// `telephony`: Telephony.
    Telephony,
    /// `timeman`: Work time management.
    Timeman,
    /// `user`: Users; also satisfied by [`Scope::UserBrief`] and [`Scope::UserBasic`].
    User,
    /// `user.userfield`: User fields of users.
    UserUserfield,
    /// `user_basic`: Users, basic profile fields.
    UserBasic,
    /// `user_brief`: Users, minimal profile fields.
    UserBrief,
    /// `userconsent`: User consents.
    Userconsent,
    /// `userfieldconfig`: User field configuration.
    Userfieldconfig,
    /// `vote`: Votes.
    Vote,
    /// A scope this SDK does not list: parsed from an unknown string, or declared with
    /// `scope = custom("module")` for an on-premise module.
    Custom(Cow<'static, str>),
}

#[allow(deprecated)]
impl Scope {
    /// Every documented scope, in wire-string order.
    pub const KNOWN: &'static [Scope] = &[
        Scope::AiAdmin,
        Scope::Basic,
        Scope::Biconnector,
        Scope::Bizproc,
        Scope::Booking,
        Scope::Calendar,
        Scope::Call,
        Scope::Cashbox,
        Scope::Catalog,
        Scope::ConfigurationImport,
        Scope::ContactCenter,
        Scope::Crm,
        Scope::CrmDocumentgenerator,
        Scope::Delivery,
        Scope::Department,
        Scope::Disk,
        Scope::Documentgenerator,
        Scope::Entity,
        Scope::Forum,
        Scope::Humanresources,
        Scope::HumanresourcesHcmlink,
        Scope::Iblock,
        Scope::Im,
        Scope::Imbot,
        Scope::Imconnector,
        Scope::Imopenlines,
        Scope::Intranet,
        Scope::Landing,
        Scope::LandingCloud,
        Scope::Lists,
        Scope::Log,
        Scope::Mail,
        Scope::Mailservice,
        Scope::Main,
        Scope::Messageservice,
        Scope::Mobile,
        Scope::Note,
        Scope::PaySystem,
        Scope::Placement,
        Scope::Pull,
        Scope::PullChannel,
        Scope::Rating,
        Scope::Rpa,
        Scope::Sale,
        Scope::Salescenter,
        Scope::SignB2e,
        Scope::Smile,
        Scope::Socialnetwork,
        Scope::SonetGroup,
        Scope::Task,
        Scope::Tasks,
        Scope::TasksExtended,
        Scope::Tasksmobile,
        Scope::Telephony,
        Scope::Timeman,
        Scope::User,
        Scope::UserUserfield,
        Scope::UserBasic,
        Scope::UserBrief,
        Scope::Userconsent,
        Scope::Userfieldconfig,
        Scope::Vote,
    ];

    /// A scope that this SDK does not list, such as an on-premise module's own.
    pub const fn custom(code: &'static str) -> Scope {
        Scope::Custom(Cow::Borrowed(code))
    }

    /// The exact string Bitrix24 uses for this scope.
    pub fn as_str(&self) -> &str {
        match self {
            Scope::AiAdmin => "ai_admin",
            Scope::Basic => "basic",
            Scope::Biconnector => "biconnector",
            Scope::Bizproc => "bizproc",
            Scope::Booking => "booking",
            Scope::Calendar => "calendar",
            Scope::Call => "call",
            Scope::Cashbox => "cashbox",
            Scope::Catalog => "catalog",
            Scope::ConfigurationImport => "configuration.import",
            Scope::ContactCenter => "contact_center",
            Scope::Crm => "crm",
            Scope::CrmDocumentgenerator => "crm.documentgenerator",
            Scope::Delivery => "delivery",
            Scope::Department => "department",
            Scope::Disk => "disk",
            Scope::Documentgenerator => "documentgenerator",
            Scope::Entity => "entity",
            Scope::Forum => "forum",
            Scope::Humanresources => "humanresources",
            Scope::HumanresourcesHcmlink => "humanresources.hcmlink",
            Scope::Iblock => "iblock",
            Scope::Im => "im",
            Scope::Imbot => "imbot",
            Scope::Imconnector => "imconnector",
            Scope::Imopenlines => "imopenlines",
            Scope::Intranet => "intranet",
            Scope::Landing => "landing",
            Scope::LandingCloud => "landing_cloud",
            Scope::Lists => "lists",
            Scope::Log => "log",
            Scope::Mail => "mail",
            Scope::Mailservice => "mailservice",
            Scope::Main => "main",
            Scope::Messageservice => "messageservice",
            Scope::Mobile => "mobile",
            Scope::Note => "note",
            Scope::PaySystem => "pay_system",
            Scope::Placement => "placement",
            Scope::Pull => "pull",
            Scope::PullChannel => "pull_channel",
            Scope::Rating => "rating",
            Scope::Rpa => "rpa",
            Scope::Sale => "sale",
            Scope::Salescenter => "salescenter",
            Scope::SignB2e => "sign.b2e",
            Scope::Smile => "smile",
            Scope::Socialnetwork => "socialnetwork",
            Scope::SonetGroup => "sonet_group",
            Scope::Task => "task",
            Scope::Tasks => "tasks",
            Scope::TasksExtended => "tasks_extended",
            Scope::Tasksmobile => "tasksmobile",
            Scope::Telephony => "telephony",
            Scope::Timeman => "timeman",
            Scope::User => "user",
            Scope::UserUserfield => "user.userfield",
            Scope::UserBasic => "user_basic",
            Scope::UserBrief => "user_brief",
            Scope::Userconsent => "userconsent",
            Scope::Userfieldconfig => "userfieldconfig",
            Scope::Vote => "vote",
            Scope::Custom(code) => code,
        }
    }

    /// Whether this is the global scope of service methods, which every credential has.
    pub fn is_global(&self) -> bool {
        matches!(self, Scope::Basic)
    }

    /// Whether this is one of the legacy task scopes the documentation says not to use.
    pub fn is_deprecated(&self) -> bool {
        matches!(
            self,
            Scope::Tasks | Scope::TasksExtended | Scope::Tasksmobile
        )
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

#[allow(deprecated)]
impl From<&str> for Scope {
    fn from(code: &str) -> Self {
        match code {
            "ai_admin" => Scope::AiAdmin,
            "basic" => Scope::Basic,
            "biconnector" => Scope::Biconnector,
            "bizproc" => Scope::Bizproc,
            "booking" => Scope::Booking,
            "calendar" => Scope::Calendar,
            "call" => Scope::Call,
            "cashbox" => Scope::Cashbox,
            "catalog" => Scope::Catalog,
            "configuration.import" => Scope::ConfigurationImport,
            "contact_center" => Scope::ContactCenter,
            "crm" => Scope::Crm,
            "crm.documentgenerator" => Scope::CrmDocumentgenerator,
            "delivery" => Scope::Delivery,
            "department" => Scope::Department,
            "disk" => Scope::Disk,
            "documentgenerator" => Scope::Documentgenerator,
            "entity" => Scope::Entity,
            "forum" => Scope::Forum,
            "humanresources" => Scope::Humanresources,
            "humanresources.hcmlink" => Scope::HumanresourcesHcmlink,
            "iblock" => Scope::Iblock,
            "im" => Scope::Im,
            "imbot" => Scope::Imbot,
            "imconnector" => Scope::Imconnector,
            "imopenlines" => Scope::Imopenlines,
            "intranet" => Scope::Intranet,
            "landing" => Scope::Landing,
            "landing_cloud" => Scope::LandingCloud,
            "lists" => Scope::Lists,
            "log" => Scope::Log,
            "mail" => Scope::Mail,
            "mailservice" => Scope::Mailservice,
            "main" => Scope::Main,
            "messageservice" => Scope::Messageservice,
            "mobile" => Scope::Mobile,
            "note" => Scope::Note,
            "pay_system" => Scope::PaySystem,
            "placement" => Scope::Placement,
            "pull" => Scope::Pull,
            "pull_channel" => Scope::PullChannel,
            "rating" => Scope::Rating,
            "rpa" => Scope::Rpa,
            "sale" => Scope::Sale,
            "salescenter" => Scope::Salescenter,
            "sign.b2e" => Scope::SignB2e,
            "smile" => Scope::Smile,
            "socialnetwork" => Scope::Socialnetwork,
            "sonet_group" => Scope::SonetGroup,
            "task" => Scope::Task,
            "tasks" => Scope::Tasks,
            "tasks_extended" => Scope::TasksExtended,
            "tasksmobile" => Scope::Tasksmobile,
            "telephony" => Scope::Telephony,
            "timeman" => Scope::Timeman,
            "user" => Scope::User,
            "user.userfield" => Scope::UserUserfield,
            "user_basic" => Scope::UserBasic,
            "user_brief" => Scope::UserBrief,
            "userconsent" => Scope::Userconsent,
            "userfieldconfig" => Scope::Userfieldconfig,
            "vote" => Scope::Vote,
            other => Scope::Custom(Cow::Owned(other.to_owned())),
        }
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
