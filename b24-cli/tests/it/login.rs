//! `b24 auth login`: an application's code pasted from the emulator's OAuth server, the
//! profile it saves, and the refresh of its access token.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Output, Stdio};

use predicates::prelude::*;
use serde_json::json;

use crate::support::{Home, Portal, http};

const CLIENT_ID: &str = "local.cli.test";
const CLIENT_SECRET: &str = "cli-app-secret";

/// A portal with the test application registered.
fn portal_with_app() -> Portal {
    let portal = Portal::start(&[]);
    let answer = portal.control(
        "app",
        &json!({
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "scopes": ["crm", "user"],
        })
        .to_string(),
    );
    assert_eq!(answer["ok"], true, "{answer}");
    portal
}

/// Runs `b24 auth login` against `portal`; `paste` turns the authorize answer (the emulator's
/// JSON for an application without a handler) into what the user pastes.
fn login(home: &Home, portal: &Portal, paste: impl Fn(&serde_json::Value) -> String) -> Output {
    let mut child = home
        .b24_std()
        .args(["--portal", &portal.base, "auth", "login", "--name", "app"])
        .args([
            "--client-id",
            CLIENT_ID,
            "--client-secret-env",
            "APP_SECRET",
        ])
        .args(["--oauth-server", &portal.base])
        .env("APP_SECRET", CLIENT_SECRET)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("b24 auth login starts");
    let mut stderr = BufReader::new(child.stderr.take().expect("piped stderr"));
    let mut seen = String::new();
    let url = loop {
        let mut line = String::new();
        let read = stderr.read_line(&mut line).expect("reads stderr");
        assert!(read > 0, "no authorize address in: {seen}");
        seen.push_str(&line);
        if line.starts_with("http") {
            break line.trim().to_owned();
        }
    };
    let path = url
        .strip_prefix(&portal.base)
        .expect("the address is on the portal");
    assert!(path.starts_with("/oauth/authorize/?"), "{url}");
    assert!(path.contains(&format!("client_id={CLIENT_ID}")), "{url}");
    let answer = http(&portal.base, "GET", path, "");
    let mut stdin = child.stdin.take().expect("piped stdin");
    writeln!(stdin, "{}", paste(&answer)).expect("writes the code");
    drop(stdin);
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).expect("reads stderr");
    let mut output = child.wait_with_output().expect("b24 auth login ends");
    output.stderr = format!("{seen}{rest}").into_bytes();
    output
}

fn secrets(home: &Home) -> toml::Value {
    let text = std::fs::read_to_string(home.path("config/b24/secrets.toml")).expect("secrets");
    toml::from_str(&text).expect("valid TOML")
}

#[test]
fn login_saves_a_profile_whose_token_is_used_and_renewed() {
    let portal = portal_with_app();
    let home = Home::new();
    let output = login(&home, &portal, |answer| {
        format!(
            "https://app.example/handler?code={}&state={}&domain=x",
            answer["code"].as_str().expect("a code"),
            answer["state"].as_str().expect("a state"),
        )
    });
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("saved profile `app`"), "{stderr}");
    assert!(!stderr.contains(CLIENT_SECRET), "{stderr}");
    let saved = secrets(&home);
    let access = saved["app"]["access_token"]
        .as_str()
        .expect("an access token");
    let refresh = saved["app"]["refresh_token"]
        .as_str()
        .expect("a refresh token");
    assert_eq!(saved["app"]["client_secret"].as_str(), Some(CLIENT_SECRET));
    let profiles = std::fs::read_to_string(home.path("config/b24/profiles.toml")).unwrap();
    for secret in [CLIENT_SECRET, access, refresh] {
        assert!(!profiles.contains(secret), "{profiles}");
        assert!(!stderr.contains(secret), "{stderr}");
    }
    let status = home
        .b24()
        .args(["auth", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("source: profile app"))
        .stdout(predicate::str::contains(format!(
            "application: {CLIENT_ID}"
        )))
        .stdout(predicate::str::contains("user: #1"))
        .get_output()
        .clone();
    let shown = String::from_utf8_lossy(&status.stdout).into_owned()
        + &String::from_utf8_lossy(&status.stderr);
    for secret in [CLIENT_SECRET, access, refresh] {
        assert!(!shown.contains(secret), "{shown}");
    }

    // The access token expires: the next call renews the pair once and stores the new one.
    let expired = portal.control("expire", &json!({ "token": access }).to_string());
    assert_eq!(expired["ok"], true, "{expired}");
    home.b24()
        .args(["--profile", "app", "call", "profile"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"ID\""));
    let renewed = secrets(&home);
    let new_access = renewed["app"]["access_token"].as_str().expect("renewed");
    let new_refresh = renewed["app"]["refresh_token"].as_str().expect("renewed");
    assert_ne!(new_access, access);
    assert_ne!(new_refresh, refresh);
    let before = portal.get("counters")["oauth"]["grants"].clone();
    assert_eq!(before["refresh_token"], 1, "{before}");
    // The stored pair works as it is, with no further refresh.
    home.b24()
        .args(["--profile", "app", "call", "profile"])
        .assert()
        .success();
    assert_eq!(portal.get("counters")["oauth"]["grants"], before);
    assert_eq!(
        secrets(&home)["app"]["access_token"].as_str(),
        Some(new_access)
    );
}

#[test]
fn a_pasted_answer_with_another_state_fails_with_the_authentication_code() {
    let portal = portal_with_app();
    let home = Home::new();
    let output = login(&home, &portal, |answer| {
        format!(
            "https://app.example/handler?code={}&state=not-this-login",
            answer["code"].as_str().expect("a code"),
        )
    });
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("state does not match"), "{stderr}");
    assert!(!home.path("config/b24/secrets.toml").exists());
}
