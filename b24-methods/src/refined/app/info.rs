//! `app.info` — global scope
//!
//! Describes the calling application, or for a webhook its scopes and the portal's license.
//! Documentation: <https://apidocs.bitrix24.com/api-reference/common/system/app-info.html>
//!
//! Errors: `ACCESS_DENIED` ("Application context required").

use b24_core::types::de;
use b24_core::{Id, Scope, YesNo, b24_method};
use serde::{Deserialize, Serialize};

/// Describes the caller (`app.info`).
#[b24_method("app.info", scope = "basic", response = AppInfoResult, read_only)]
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct AppInfo;

/// The `result` of `app.info`: an application's data, or a webhook's scopes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum AppInfoResult {
    /// Called with an application's token.
    Application(ApplicationInfo),
    /// Called through an incoming webhook.
    Webhook(WebhookInfo),
}

/// An application as `app.info` describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub struct ApplicationInfo {
    /// Application ID on the portal.
    #[serde(rename = "ID")]
    pub id: Id,
    /// Application code.
    pub code: String,
    /// Installed version.
    pub version: Id,
    /// Payment status: `F` free, `D` demo, `T` trial, `P` paid, `L` local, `S` subscription.
    pub status: String,
    /// Installation finished.
    #[serde(deserialize_with = "de::flag")]
    pub installed: bool,
    /// The paid period is over.
    #[serde(default)]
    pub payment_expired: Option<YesNo>,
    /// Days left of the paid or trial period.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub days: Option<i64>,
    /// Portal language.
    #[serde(default)]
    pub language_id: Option<String>,
    /// Portal license.
    #[serde(default)]
    pub license: Option<String>,
    /// The license before the last change.
    #[serde(default)]
    pub license_previous: Option<String>,
    /// License type.
    #[serde(default)]
    pub license_type: Option<String>,
    /// License family.
    #[serde(default)]
    pub license_family: Option<String>,
}

/// A webhook as `app.info` describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub struct WebhookInfo {
    /// Scopes granted to the webhook.
    pub scope: Vec<Scope>,
    /// Portal license.
    #[serde(default)]
    pub license: Option<String>,
}
