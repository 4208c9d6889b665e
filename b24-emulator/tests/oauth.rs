//! The emulator as OAuth server and application host (PROTOCOL §8–§9): the code flow, refresh
//! rotation (single-use refresh tokens), errors and counters, installation, placements and
//! uninstallation as the application's handler receives them.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use b24_emulator::params::parse_str;
use b24_emulator::{AppSettings, Emulator, Value as Php};
use common::{Portal, post_raw};
use serde_json::{Value, json};

const ID: &str = "local.test.app";
const SECRET: &str = "s3cret";

/// A loopback handler recording each form body and query string it receives.
struct Handler {
    url: String,
    seen: Arc<Mutex<Vec<(String, String)>>>,
}

impl Handler {
    async fn start() -> Handler {
        let seen: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
        let record = Arc::clone(&seen);
        let app =
            axum::Router::new().fallback(move |uri: axum::http::Uri, body: axum::body::Bytes| {
                let record = Arc::clone(&record);
                async move {
                    let query = uri.query().unwrap_or("").to_owned();
                    let body = String::from_utf8_lossy(&body).into_owned();
                    record.lock().unwrap().push((query, body));
                    "ok"
                }
            });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/handler", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Handler { url, seen }
    }

    fn last(&self) -> (Php, Php) {
        let seen = self.seen.lock().unwrap();
        let (query, body) = seen.last().expect("a delivery").clone();
        (parse_str(&query), parse_str(&body))
    }
}

fn text(v: &Php, path: &[&str]) -> String {
    let mut cur = v;
    for key in path {
        cur = cur
            .get(key)
            .unwrap_or_else(|| panic!("{key} missing in {}", v.to_json()));
    }
    cur.scalar_text().unwrap_or_default()
}

async fn portal(handler: &Handler) -> Portal {
    let app = AppSettings::new(ID, SECRET, ["crm", "placement"]).handler(&handler.url);
    Portal::with(Emulator::builder().manual_clock().app(app)).await
}

/// GETs `/oauth/authorize/…` without following the redirect.
async fn authorize(p: &Portal, query: &str) -> reqwest::Response {
    let _ = common::client();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    client
        .get(p.at(&format!("/oauth/authorize/?{query}")))
        .send()
        .await
        .unwrap()
}

async fn token(p: &Portal, form: &str) -> common::Answer {
    post_raw(
        &p.c,
        &p.at("/oauth/token/"),
        "application/x-www-form-urlencoded",
        form,
    )
    .await
}

fn refresh_form(refresh: &str) -> String {
    format!(
        "grant_type=refresh_token&client_id={ID}&client_secret={SECRET}&refresh_token={refresh}"
    )
}

async fn profile(p: &Portal, access: &str) -> common::Answer {
    common::post_json(&p.c, &p.at("/rest/profile"), json!({ "auth": access })).await
}

#[tokio::test]
async fn code_flow_refresh_rotation_and_errors() {
    let handler = Handler::start().await;
    let p = portal(&handler).await;
    let answer = authorize(&p, &format!("client_id={ID}&state=xyz")).await;
    assert_eq!(answer.status(), 302);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    let (_, query) = location.split_once('?').unwrap();
    assert!(location.starts_with(&handler.url), "{location}");
    let back = parse_str(query);
    assert_eq!(text(&back, &["state"]), "xyz");
    assert_eq!(text(&back, &["member_id"]), p.member_id());
    assert_eq!(text(&back, &["scope"]), "crm,placement");
    let code = text(&back, &["code"]);

    let form =
        format!("grant_type=authorization_code&client_id={ID}&client_secret={SECRET}&code={code}");
    let first = token(&p, &form).await;
    assert_eq!(first.status, 200, "{}", first.text);
    for field in [
        "access_token",
        "refresh_token",
        "expires",
        "expires_in",
        "scope",
        "domain",
        "server_endpoint",
        "client_endpoint",
        "member_id",
        "user_id",
        "status",
    ] {
        assert!(first.json.get(field).is_some(), "{field} in {}", first.text);
    }
    assert_eq!(first.json["expires_in"], 3600);
    assert_eq!(
        first.json["client_endpoint"],
        format!("{}/rest/", p.base_url())
    );
    // A code is single-use.
    token(&p, &form)
        .await
        .assert_oauth_error(400, "invalid_grant");

    let access1 = first.json["access_token"].as_str().unwrap().to_owned();
    let refresh1 = first.json["refresh_token"].as_str().unwrap().to_owned();
    profile(&p, &access1).await.assert_ok();
    let second = token(&p, &refresh_form(&refresh1)).await;
    assert_eq!(second.status, 200, "{}", second.text);
    let access2 = second.json["access_token"].as_str().unwrap().to_owned();
    assert_ne!(access1, access2);
    // The old pair is dead: its access token expired, its refresh token refused.
    profile(&p, &access1).await.assert_error(
        401,
        "expired_token",
        "The access token provided has expired",
    );
    profile(&p, &access2).await.assert_ok();
    token(&p, &refresh_form(&refresh1))
        .await
        .assert_oauth_error(400, "invalid_grant");
    let wrong =
        format!("grant_type=refresh_token&client_id={ID}&client_secret=nope&refresh_token=x");
    token(&p, &wrong)
        .await
        .assert_oauth_error(401, "invalid_client");

    // One hour of portal clock later the access token has expired.
    p.advance_clock(Duration::from_secs(3600));
    profile(&p, &access2).await.assert_error(
        401,
        "expired_token",
        "The access token provided has expired",
    );

    // An expired code: 30 s of portal clock.
    let answer = authorize(&p, &format!("client_id={ID}")).await;
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    let code = text(&parse_str(location.split_once('?').unwrap().1), &["code"]);
    p.advance_clock(Duration::from_secs(30));
    let form =
        format!("grant_type=authorization_code&client_id={ID}&client_secret={SECRET}&code={code}");
    token(&p, &form)
        .await
        .assert_oauth_error(400, "invalid_grant");

    let counters = p.control_get("counters").await.json;
    assert_eq!(
        counters["oauth"]["grants"],
        json!({"authorization_code": 3, "refresh_token": 3})
    );
    assert_eq!(
        counters["oauth"]["errors"],
        json!({"invalid_grant": 3, "invalid_client": 1})
    );
    assert_eq!(p.oauth_grant_count("refresh_token"), 3);
    assert_eq!(p.oauth_error_count("invalid_grant"), 3);
    // Per grant: the reused and the expired code are refused code exchanges, not refused
    // refreshes.
    assert_eq!(
        counters["oauth"]["outcomes"],
        json!({
            "authorization_code": {"ok": 1, "invalid_grant": 2},
            "refresh_token": {"ok": 1, "invalid_grant": 1, "invalid_client": 1},
        })
    );
    assert_eq!(p.oauth_outcome_count("refresh_token", "invalid_grant"), 1);
    assert_eq!(p.oauth_outcome_count("refresh_token", "ok"), 1);
}

#[tokio::test]
async fn install_event_placement_and_uninstall_reach_the_handler() {
    let handler = Handler::start().await;
    let p = portal(&handler).await;
    assert_eq!(p.install_app(ID, 1).await, Ok(Some(200)));
    let (_, install) = handler.last();
    assert_eq!(text(&install, &["event"]), "ONAPPINSTALL");
    assert_eq!(text(&install, &["data", "INSTALLED"]), "Y");
    assert_eq!(text(&install, &["auth", "member_id"]), p.member_id());
    assert_eq!(
        text(&install, &["auth", "application_token"]),
        p.application_token()
    );
    assert_eq!(text(&install, &["auth", "expires_in"]), "3600");
    let access = text(&install, &["auth", "access_token"]);
    assert!(!text(&install, &["auth", "refresh_token"]).is_empty());

    // app.info on the OAuth server identifies the application and the portal of a token.
    let info = profile_like(&p, "app.info", &access).await;
    let result = info.assert_ok();
    assert_eq!(result["CODE"], ID);
    assert_eq!(result["INSTALLED"], true);
    assert_eq!(result["member_id"], p.member_id());

    let bind = json!({"auth": access, "PLACEMENT": "crm_deal_detail_tab", "HANDLER": handler.url, "TITLE": "Tab"});
    common::post_json(&p.c, &p.at("/rest/placement.bind"), bind)
        .await
        .assert_ok();
    let options = json!({"ID": "7"});
    assert_eq!(
        p.open_placement(ID, "CRM_DEAL_DETAIL_TAB", 1, &options)
            .await,
        Ok(Some(200))
    );
    let (query, frame) = handler.last();
    assert_eq!(text(&frame, &["PLACEMENT"]), "CRM_DEAL_DETAIL_TAB");
    assert_eq!(text(&frame, &["PLACEMENT_OPTIONS"]), r#"{"ID":"7"}"#);
    assert_eq!(text(&frame, &["APPLICATION_TOKEN"]), p.application_token());
    for key in [
        "AUTH_ID",
        "AUTH_EXPIRES",
        "REFRESH_ID",
        "SERVER_ENDPOINT",
        "member_id",
    ] {
        assert!(!text(&frame, &[key]).is_empty(), "{key}");
    }
    for key in ["DOMAIN", "PROTOCOL", "LANG", "APP_SID"] {
        assert!(!text(&query, &[key]).is_empty(), "{key}");
    }

    assert_eq!(p.uninstall_app(ID, true).await, Ok(Some(200)));
    let (_, gone) = handler.last();
    assert_eq!(text(&gone, &["event"]), "ONAPPUNINSTALL");
    assert_eq!(text(&gone, &["data", "CLEAN"]), "1");
    let auth = gone.get("auth").unwrap();
    assert!(auth.get("access_token").is_none() && auth.get("refresh_token").is_none());
    assert_eq!(
        text(&gone, &["auth", "application_token"]),
        p.application_token()
    );
    profile(&p, &access).await.assert_error(
        401,
        "expired_token",
        "The access token provided has expired",
    );
}

#[tokio::test]
async fn apps_with_a_ui_install_after_install_finish() {
    let handler = Handler::start().await;
    let p = Portal::start().await;
    let registered = p
        .control("app", json!({"client_id": "local.ui", "client_secret": "x", "scopes": ["crm"], "handler": handler.url, "ui": true}))
        .await;
    assert_eq!(registered.status, 200, "{}", registered.text);
    let token = registered.json["application_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let installed = p
        .control("app/install", json!({"client_id": "local.ui"}))
        .await;
    assert_eq!(installed.json["handler_status"], 200, "{}", installed.text);
    let (_, frame) = handler.last();
    assert_eq!(text(&frame, &["PLACEMENT"]), "DEFAULT");
    let info = profile_like(&p, "app.info", &text(&frame, &["AUTH_ID"])).await;
    assert_eq!(info.assert_ok()["INSTALLED"], false);
    assert_eq!(p.install_finish("local.ui").await, Ok(Some(200)));
    let (_, event) = handler.last();
    assert_eq!(text(&event, &["event"]), "ONAPPINSTALL");
    assert_eq!(text(&event, &["auth", "application_token"]), token);
    assert_eq!(p.update_app("local.ui").await, Ok(Some(200)));
    assert_eq!(text(&handler.last().1, &["event"]), "ONAPPUPDATE");
    let unknown = p.control("app/install", json!({"client_id": "nope"})).await;
    assert_eq!(unknown.status, 400);
}

async fn profile_like(p: &Portal, method: &str, access: &str) -> common::Answer {
    common::post_json(
        &p.c,
        &p.at(&format!("/rest/{method}")),
        json!({ "auth": access }),
    )
    .await
}

trait OAuthAnswer {
    fn assert_oauth_error(&self, status: u16, code: &str);
}

impl OAuthAnswer for common::Answer {
    #[track_caller]
    fn assert_oauth_error(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status, self.json["error"].as_str()),
            (status, Some(code)),
            "{}",
            self.text
        );
        let _: &Value = &self.json;
    }
}
