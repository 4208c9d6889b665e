//! `b24 auth add|status|list|remove`: connection profiles. No secret is ever printed.

use std::io::Write;

use serde_json::json;

use crate::cli::AuthCommand;
use crate::connect::ConnectionArgs;
use crate::exit::{Failure, Outcome};
use crate::output;
use crate::profiles::{Profile, Secret, Store};

/// Runs `b24 auth`.
pub async fn run(connection: &ConnectionArgs, command: AuthCommand) -> Outcome {
    match command {
        AuthCommand::Add {
            webhook,
            access_token,
            name,
            default,
        } => add(connection, webhook, access_token, &name, default),
        AuthCommand::Login(args) => crate::commands::login::run(connection, args).await,
        AuthCommand::Status => status(connection).await,
        AuthCommand::List => list(),
        AuthCommand::Remove { name } => {
            let mut store = Store::load()?;
            if !store.remove(&name) {
                return Err(Failure::usage(format!("no profile `{name}`")));
            }
            store.save()?;
            eprintln!("removed profile `{name}`");
            Ok(())
        }
    }
}

fn add(
    connection: &ConnectionArgs,
    webhook: Option<String>,
    access_token: Option<String>,
    name: &str,
    default: bool,
) -> Outcome {
    let (profile, secret) = match (webhook, access_token) {
        (Some(url), _) => {
            let parsed = b24_core::Webhook::from_url(&url)?;
            let portal = parsed
                .rest_base()
                .as_str()
                .trim_end_matches("rest/")
                .trim_end_matches('/')
                .to_owned();
            let profile = Profile {
                kind: "webhook".into(),
                portal,
                user: Some(parsed.user().to_owned()),
                ..Profile::default()
            };
            (
                profile,
                Secret {
                    webhook: Some(url),
                    ..Secret::default()
                },
            )
        }
        (None, Some(token)) => {
            let portal = connection
                .portal
                .clone()
                .ok_or_else(|| Failure::usage("--access-token needs --portal URL"))?;
            b24_core::OAuth::with_token(&portal, token.clone())?;
            let profile = Profile {
                kind: "oauth".into(),
                portal,
                ..Profile::default()
            };
            (
                profile,
                Secret {
                    access_token: Some(token),
                    ..Secret::default()
                },
            )
        }
        (None, None) => return Err(Failure::usage("give --webhook URL or --access-token TOKEN")),
    };
    let mut store = Store::load()?;
    let portal = profile.portal.clone();
    store.put(name, profile, secret, default);
    store.save()?;
    eprintln!(
        "saved profile `{name}` for {portal}\n\
         warning: no OS keyring is available to this build; the secret is in {} (mode 0600)",
        store.secrets_path().display()
    );
    Ok(())
}

async fn status(connection: &ConnectionArgs) -> Outcome {
    let session = connection.connect().await?;
    let profile = session.call("profile", &json!({})).await?.result;
    let scopes = session.call("scope", &json!({})).await?.result;
    let name = [profile.get("NAME"), profile.get("LAST_NAME")]
        .iter()
        .filter_map(|v| v.and_then(|v| v.as_str()))
        .collect::<Vec<_>>()
        .join(" ");
    let scopes: Vec<&str> = scopes
        .as_array()
        .map(|list| list.iter().filter_map(|s| s.as_str()).collect())
        .unwrap_or_default();
    let mut out = output::open_output(None, false)?;
    writeln!(out, "source: {}", session.source)?;
    writeln!(out, "endpoint: {}", session.redacted_base)?;
    if let Some((client_id, server)) = &session.application {
        writeln!(
            out,
            "application: {client_id} (tokens renewed through {server})"
        )?;
    }
    writeln!(
        out,
        "user: #{} {}{}",
        profile
            .get("ID")
            .map(|v| v.to_string().trim_matches('"').to_owned())
            .unwrap_or_default(),
        name,
        if profile
            .get("ADMIN")
            .and_then(|a| a.as_bool())
            .unwrap_or(false)
        {
            " (administrator)"
        } else {
            ""
        }
    )?;
    writeln!(out, "scopes: {}", scopes.join(","))?;
    out.flush()?;
    Ok(())
}

fn list() -> Outcome {
    let store = Store::load()?;
    let mut out = output::open_output(None, false)?;
    for (name, profile) in &store.profiles.profiles {
        let marker = if store.profiles.default.as_deref() == Some(name) {
            "*"
        } else {
            " "
        };
        writeln!(out, "{marker} {name}\t{}\t{}", profile.kind, profile.portal)?;
    }
    out.flush()?;
    Ok(())
}
