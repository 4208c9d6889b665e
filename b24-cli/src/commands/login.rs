//! `b24 auth login`: authorises an application on a portal with a pasted code.
//!
//! Prints the authorize address (with a random `state`) to stderr, reads the code from stdin —
//! or the whole address the portal redirected to (or the JSON a handler-less application is
//! shown), from which it takes `code` and checks `state` —, exchanges it for a token pair and
//! saves a profile. The client secret and the tokens go only to the 0600 secrets file.

use std::io::BufRead;

use b24_app::{AppCredentials, OAuthClient};
use rand::Rng;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use crate::cli::LoginArgs;
use crate::connect::ConnectionArgs;
use crate::exit::{Class, Failure, Outcome};
use crate::profiles::{Profile, Secret, Store};

/// Runs `b24 auth login`.
pub async fn run(connection: &ConnectionArgs, args: LoginArgs) -> Outcome {
    let portal = connection
        .portal
        .clone()
        .or_else(|| std::env::var("B24_PORTAL").ok().filter(|p| !p.is_empty()))
        .ok_or_else(|| Failure::usage("auth login needs --portal URL (or B24_PORTAL)"))?;
    let portal = normalise_portal(&portal);
    let mut stdin = std::io::stdin().lock();
    let client_secret = match &args.client_secret_env {
        Some(var) => std::env::var(var)
            .ok()
            .filter(|value| !value.is_empty())
            .ok_or_else(|| {
                Failure::usage(format!("--client-secret-env: `{var}` is not set or empty"))
            })?,
        None => read_line(&mut stdin, "the client secret")?,
    };
    let oauth = OAuthClient::new(
        &args.oauth_server,
        AppCredentials::new(args.client_id.clone(), client_secret.clone()),
    )
    .map_err(oauth_failure)?;
    let state = format!("{:032x}", rand::rng().random::<u128>());
    let url = oauth
        .authorize_url(&portal, &state)
        .map_err(oauth_failure)?;
    eprintln!(
        "Open this address, allow the application, then paste the code (or the whole address \
         you were sent to) here:\n{url}"
    );
    let pasted = read_line(&mut stdin, "the code")?;
    drop(stdin);
    let code = code_from(&pasted, &state)?;
    let answer = oauth
        .exchange_code(&SecretString::from(code))
        .await
        .map_err(oauth_failure)?;
    let profile = Profile {
        kind: "oauth".into(),
        portal: portal.clone(),
        user: answer.user_id.map(|id| id.to_string()),
        client_id: Some(args.client_id.clone()),
        oauth_server: Some(oauth.server().to_string()),
    };
    let secret = Secret {
        access_token: Some(answer.tokens.access_token.expose_secret().to_owned()),
        refresh_token: Some(answer.tokens.refresh_token.expose_secret().to_owned()),
        client_secret: Some(client_secret),
        ..Secret::default()
    };
    let mut store = Store::load()?;
    store.put(&args.name, profile, secret, args.default);
    store.save()?;
    eprintln!(
        "saved profile `{}` for {portal} (application {}, scopes {})\n\
         warning: no OS keyring is available to this build; the secrets are in {} (mode 0600)",
        args.name,
        args.client_id,
        answer.scopes.join(","),
        store.secrets_path().display()
    );
    Ok(())
}

/// `https://` in front of a bare host, no trailing slash.
fn normalise_portal(portal: &str) -> String {
    let portal = portal.trim().trim_end_matches('/');
    if portal.contains("://") {
        portal.to_owned()
    } else {
        format!("https://{portal}")
    }
}

/// One trimmed, non-empty line of stdin.
fn read_line(stdin: &mut impl BufRead, what: &str) -> Result<String, Failure> {
    let mut line = String::new();
    stdin.read_line(&mut line)?;
    let line = line.trim();
    if line.is_empty() {
        return Err(Failure::usage(format!("expected {what} on stdin")));
    }
    Ok(line.to_owned())
}

/// The code in what the user pasted: the code itself, the redirect address, or the JSON
/// answer; the last two must carry this login's `state`.
pub fn code_from(pasted: &str, state: &str) -> Result<String, Failure> {
    let fields: Vec<(String, String)> = if pasted.starts_with('{') {
        let json: Value = serde_json::from_str(pasted)
            .map_err(|e| Failure::usage(format!("the pasted JSON is not valid: {e}")))?;
        json.as_object()
            .into_iter()
            .flatten()
            .filter_map(|(key, value)| Some((key.clone(), value.as_str()?.to_owned())))
            .collect()
    } else if pasted.contains("://") || pasted.contains("code=") {
        let query = pasted.split_once('?').map_or(pasted, |(_, query)| query);
        let query = query.split('#').next().unwrap_or_default();
        form_urlencoded::parse(query.as_bytes())
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect()
    } else {
        return Ok(pasted.to_owned());
    };
    let field = |name: &str| {
        fields
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    if let Some(error) = field("error") {
        return Err(Failure::new(
            Class::Auth,
            format!("the portal refused the authorisation: {error}"),
        ));
    }
    if field("state") != Some(state) {
        return Err(Failure::new(
            Class::Auth,
            "the pasted answer's state does not match this login's (an old or foreign \
             authorisation); run `b24 auth login` again and paste the answer to its address",
        ));
    }
    match field("code") {
        Some(code) if !code.is_empty() => Ok(code.to_owned()),
        _ => Err(Failure::usage("the pasted answer carries no code")),
    }
}

/// A failure for an error of the OAuth client (never holding a secret).
fn oauth_failure(error: b24_app::Error) -> Failure {
    let class = match &error {
        b24_app::Error::Config(_) => Class::Usage,
        b24_app::Error::OAuth { .. } | b24_app::Error::StateMismatch => Class::Auth,
        _ => Class::Api,
    };
    Failure::new(class, error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_code_is_taken_as_it_is() {
        assert_eq!(code_from("abc123", "s").ok().as_deref(), Some("abc123"));
    }

    #[test]
    fn the_redirect_address_gives_its_code_when_the_state_matches() {
        let pasted = "https://app.example/handler?code=c0de&state=s1&domain=x#frag";
        assert_eq!(code_from(pasted, "s1").ok().as_deref(), Some("c0de"));
        let json = r#"{"code":"c0de","state":"s1","domain":"x"}"#;
        assert_eq!(code_from(json, "s1").ok().as_deref(), Some("c0de"));
    }

    #[test]
    fn a_wrong_or_missing_state_is_an_authentication_failure() {
        for pasted in [
            "https://app.example/handler?code=c0de&state=other",
            "https://app.example/handler?code=c0de",
            r#"{"code":"c0de","state":"other"}"#,
        ] {
            let failure = code_from(pasted, "s1").expect_err(pasted);
            assert_eq!(failure.class, Class::Auth, "{pasted}");
            assert!(failure.message.contains("state"), "{}", failure.message);
        }
    }

    #[test]
    fn a_refusal_in_the_redirect_is_reported() {
        let failure =
            code_from("https://h/?error=access_denied&state=s1", "s1").expect_err("refused");
        assert_eq!(failure.class, Class::Auth);
        assert!(failure.message.contains("access_denied"));
    }
}
