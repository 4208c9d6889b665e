//! Which portal to talk to and how: `--webhook`, `--access-token` with `--portal`,
//! `--profile` or `--emulator`; the environment (`B24_WEBHOOK`, `B24_ACCESS_TOKEN` with
//! `B24_PORTAL`, `B24_PROFILE`); the default profile. Flags win over the environment, the
//! environment over profiles.
//!
//! Every request goes through the session's client: it paces by the shared budget, tells the
//! `--audit` log of each HTTP request, and never lets a secret into a message.

use std::path::PathBuf;
use std::time::Duration;

use b24_core::schedule::{RateLimit, RetryPolicy};
use b24_core::{Client, Envelope, Error, OAuth, Webhook};
use b24_emulator::Emulator;
use clap::{Args, ValueEnum};
use secrecy::SecretString;
use serde_json::Value;

use crate::app_tokens::{AppLogin, ProfileTokens};
use crate::audit::Audit;
use crate::dirs;
use crate::exit::Failure;
use crate::profiles::Store;

/// Connection options, accepted before or after the subcommand.
#[derive(Args, Debug, Clone, Default)]
pub struct ConnectionArgs {
    /// Incoming webhook URL, https://{portal}/rest/{user}/{code}/ [env: B24_WEBHOOK]
    #[arg(long, global = true, value_name = "URL", help_heading = "Connection")]
    pub webhook: Option<String>,
    /// Use a saved profile (see `b24 auth add`) [env: B24_PROFILE]
    #[arg(long, global = true, value_name = "NAME", help_heading = "Connection")]
    pub profile: Option<String>,
    /// Start an emulated portal in this process and talk to it
    #[arg(long, global = true, help_heading = "Connection")]
    pub emulator: bool,
    /// OAuth access token of an application; needs --portal [env: B24_ACCESS_TOKEN]
    #[arg(long, global = true, value_name = "TOKEN", help_heading = "Connection")]
    pub access_token: Option<String>,
    /// Portal address for --access-token.
    #[arg(
        long,
        global = true,
        value_name = "URL",
        help_heading = "Connection",
        help = "Portal address for --access-token, https://example.bitrix24.com [env: B24_PORTAL]"
    )]
    pub portal: Option<String>,
    /// The portal's request-intensity limit to pace for (default: standard; off with --emulator)
    #[arg(long, global = true, value_enum, help_heading = "Connection")]
    pub rate_limit: Option<RateLimitArg>,
    /// Attempts per request when the portal refuses it for a limit (default 8)
    #[arg(long, global = true, value_name = "N", help_heading = "Connection")]
    pub retries: Option<u32>,
    /// Longest single wait for an operating-time block to lift, seconds (default 600)
    #[arg(
        long,
        global = true,
        value_name = "SECONDS",
        help_heading = "Connection"
    )]
    pub max_wait: Option<u64>,
    /// Shared budget: a file path, `memory`, `postgres://…` or `redis://…` (default: one file
    /// per portal in the XDG state directory) [env: B24_BUDGET]
    #[arg(long, global = true, value_name = "URL", help_heading = "Connection")]
    pub budget: Option<String>,
    /// Append one JSON line per request (method, status, duration; no secrets) to FILE
    #[arg(long, global = true, value_name = "FILE", help_heading = "Connection")]
    pub audit: Option<PathBuf>,
}

/// `--rate-limit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RateLimitArg {
    /// 2 requests per second after a burst of 50 (every cloud plan but Enterprise).
    Standard,
    /// 5 requests per second after a burst of 250.
    Enterprise,
    /// No pacing (self-hosted portals without a limit).
    Off,
}

/// Where the credential came from, and what it is.
#[derive(Clone)]
pub enum Target {
    /// An incoming webhook URL.
    Webhook(String),
    /// An OAuth access token for a portal.
    OAuth {
        /// The portal address.
        portal: String,
        /// The token.
        token: String,
        /// How to renew it (profiles saved by `b24 auth login`).
        app: Option<AppLogin>,
    },
    /// The embedded emulator.
    Emulator,
}

/// A resolved connection: the target and the name of its source (`--webhook`, `B24_WEBHOOK`,
/// `profile work`, ...), for `b24 auth status`.
#[derive(Clone)]
pub struct Resolved {
    /// What to connect to.
    pub target: Target,
    /// Where it came from.
    pub source: String,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

impl ConnectionArgs {
    /// Applies the precedence flag > environment > profile.
    pub fn resolve(&self) -> Result<Resolved, Failure> {
        let chosen = [
            self.emulator,
            self.webhook.is_some(),
            self.access_token.is_some(),
            self.profile.is_some(),
        ]
        .iter()
        .filter(|set| **set)
        .count();
        if chosen > 1 {
            return Err(Failure::usage(
                "choose one of --emulator, --webhook, --access-token and --profile",
            ));
        }
        let resolved = |target, source: &str| {
            Ok(Resolved {
                target,
                source: source.to_owned(),
            })
        };
        if self.emulator {
            return resolved(Target::Emulator, "--emulator");
        }
        if let Some(url) = &self.webhook {
            return resolved(Target::Webhook(url.clone()), "--webhook");
        }
        if let Some(token) = &self.access_token {
            let portal = self
                .portal
                .clone()
                .or_else(|| env("B24_PORTAL"))
                .ok_or_else(|| {
                    Failure::usage("--access-token needs --portal URL (or B24_PORTAL)")
                })?;
            return resolved(
                Target::OAuth {
                    portal,
                    token: token.clone(),
                    app: None,
                },
                "--access-token",
            );
        }
        if let Some(name) = &self.profile {
            return from_profile(name);
        }
        if let Some(url) = env("B24_WEBHOOK") {
            return resolved(Target::Webhook(url), "B24_WEBHOOK");
        }
        if let Some(token) = env("B24_ACCESS_TOKEN") {
            let portal = self
                .portal
                .clone()
                .or_else(|| env("B24_PORTAL"))
                .ok_or_else(|| {
                    Failure::usage("B24_ACCESS_TOKEN needs B24_PORTAL (or --portal URL)")
                })?;
            return resolved(
                Target::OAuth {
                    portal,
                    token,
                    app: None,
                },
                "B24_ACCESS_TOKEN",
            );
        }
        if let Some(name) = env("B24_PROFILE") {
            return from_profile(&name);
        }
        let store = Store::load()?;
        match store.profiles.default.clone() {
            Some(name) => from_profile(&name),
            None => Err(Failure::usage(
                "no portal given: use --webhook URL, --profile NAME, --emulator, \
                 B24_WEBHOOK, or save a profile with `b24 auth add --webhook URL`",
            )),
        }
    }

    /// Connects: starts the emulator when asked, builds the client.
    pub async fn connect(&self) -> Result<Session, Failure> {
        let resolved = self.resolve()?;
        Session::open(resolved, self).await
    }
}

fn from_profile(name: &str) -> Result<Resolved, Failure> {
    let store = Store::load()?;
    let (profile, secret) = store.get(name)?;
    let app = match (
        &profile.client_id,
        &profile.oauth_server,
        &secret.client_secret,
        &secret.refresh_token,
    ) {
        (Some(client_id), Some(server), Some(client_secret), Some(refresh)) => Some(AppLogin {
            profile: name.to_owned(),
            client_id: client_id.clone(),
            client_secret: SecretString::from(client_secret.as_str()),
            server: server.clone(),
            refresh_token: SecretString::from(refresh.as_str()),
        }),
        _ => None,
    };
    let target = match (profile.kind.as_str(), secret.webhook, secret.access_token) {
        ("webhook", Some(url), _) => Target::Webhook(url),
        ("oauth", _, Some(token)) => Target::OAuth {
            portal: profile.portal.clone(),
            token,
            app,
        },
        _ => {
            return Err(Failure::usage(format!(
                "profile `{name}` has no stored secret; add it again with `b24 auth add`"
            )));
        }
    };
    Ok(Resolved {
        target,
        source: format!("profile {name}"),
    })
}

/// An open connection to a portal.
pub struct Session {
    /// The client every request goes through.
    pub client: Client,
    /// The embedded emulator, when `--emulator` started one (kept alive with the session).
    pub emulator: Option<Emulator>,
    /// Where the connection came from.
    pub source: String,
    /// The method URL prefix with secrets replaced by `***` (for `--dry-run` and messages).
    pub redacted_base: String,
    /// The application's client id and OAuth server, for a profile saved by `b24 auth login`.
    pub application: Option<(String, String)>,
}

impl Session {
    async fn open(resolved: Resolved, args: &ConnectionArgs) -> Result<Session, Failure> {
        let mut builder = Client::builder();
        let mut emulator = None;
        let application = match &resolved.target {
            Target::OAuth {
                app: Some(login), ..
            } => Some((login.client_id.clone(), login.server.clone())),
            _ => None,
        };
        let (redacted_base, host, default_limit) = match &resolved.target {
            Target::Webhook(url) => {
                let webhook = Webhook::from_url(url)?;
                let base = webhook.rest_base().to_string();
                let host = webhook
                    .rest_base()
                    .host_str()
                    .unwrap_or("portal")
                    .to_owned();
                let redacted = format!("{base}{}/***/", webhook.user());
                builder = builder.webhook(webhook);
                (redacted, host, RateLimitArg::Standard)
            }
            Target::OAuth { portal, token, app } => {
                let oauth = match app {
                    Some(login) => {
                        let tokens =
                            ProfileTokens::new(login.clone(), SecretString::from(token.as_str()))
                                .map_err(|e| Failure::usage(format!("profile: {e}")))?;
                        OAuth::new(portal, tokens)?
                    }
                    None => OAuth::with_token(portal, token.clone())?,
                };
                let base = oauth.rest_base().to_string();
                let host = oauth.rest_base().host_str().unwrap_or("portal").to_owned();
                builder = builder.oauth(oauth);
                (base, host, RateLimitArg::Standard)
            }
            Target::Emulator => {
                let portal = Emulator::start().await.map_err(|e| {
                    Failure::api(format!("cannot start the embedded emulator: {e}"))
                })?;
                let scopes = b24_emulator::state::ALL_SCOPES.iter().copied();
                let token = portal.issue_oauth_token(portal.webhook_user_id(), scopes);
                builder = builder.oauth(OAuth::with_token(&portal.base_url(), token)?);
                let base = portal.client_endpoint();
                emulator = Some(portal);
                (base, String::from("emulator"), RateLimitArg::Off)
            }
        };
        let limit = match args.rate_limit.unwrap_or(default_limit) {
            RateLimitArg::Standard => Some(RateLimit::STANDARD),
            RateLimitArg::Enterprise => Some(RateLimit::ENTERPRISE),
            RateLimitArg::Off => None,
        };
        builder = builder.rate_limit(limit);
        if limit.is_some() {
            builder = builder.budget(&budget_url(args, &host)?)?;
        }
        let mut policy = RetryPolicy::attempts(args.retries.unwrap_or(8));
        if let Some(seconds) = args.max_wait {
            policy = policy.max_wait(Duration::from_secs(seconds));
        }
        builder = builder.retry(policy);
        if let Some(path) = args.audit.as_deref() {
            // Every HTTP request the client makes, calls and the pages of streams alike.
            let audit = Audit::open(path)?;
            builder = builder.observe(move |exchange| {
                audit.record(
                    exchange.method,
                    exchange.commands,
                    exchange.elapsed,
                    exchange.outcome,
                );
            });
        }
        let client = builder.build()?;
        Ok(Session {
            client,
            emulator,
            source: resolved.source,
            redacted_base,
            application,
        })
    }

    /// Calls `method` with JSON parameters (audited by the client's observer).
    pub async fn call(&self, method: &str, params: &Value) -> Result<Envelope<Value>, Error> {
        self.client.call_raw(method, params).await
    }
}

/// The shared budget's URL (`--budget`, `B24_BUDGET`), or by default a file per portal host
/// in the XDG state directory, so parallel runs on one host share it.
fn budget_url(args: &ConnectionArgs, host: &str) -> Result<String, Failure> {
    match args.budget.clone().or_else(|| env("B24_BUDGET")) {
        Some(url) => Ok(url),
        None => {
            let safe: String = host
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let path = dirs::state_dir()?.join(format!("budget-{safe}.json"));
            Ok(path.to_string_lossy().into_owned())
        }
    }
}
