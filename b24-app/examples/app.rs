//! A Bitrix24 application end to end on the embedded emulator, accounts in SQLite:
//! install → account stored → verified event → a call that refreshes the token → placement →
//! uninstall. Run with `cargo run -p b24-app --example app`.

use std::sync::Arc;
use std::time::Duration;

use b24_app::server::App;
use b24_app::{AccountStatus, Accounts, AppCredentials, OAuthClient, SqliteStore, TokenStore};
use b24_emulator::{AppSettings, Emulator};
use serde_json::json;
use tokio::sync::mpsc;

const CLIENT_ID: &str = "local.example.app";
const CLIENT_SECRET: &str = "example-secret";

type Failure = Box<dyn std::error::Error>;

async fn next(seen: &mut mpsc::UnboundedReceiver<String>) -> Result<String, Failure> {
    tokio::time::timeout(Duration::from_secs(10), seen.recv())
        .await?
        .ok_or_else(|| "the application stopped".into())
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    // The application's server, its handler URL known before the portal starts.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let app_url = format!("http://{}", listener.local_addr()?);
    let portal = Emulator::builder()
        .app(
            AppSettings::new(CLIENT_ID, CLIENT_SECRET, ["crm", "placement"])
                .handler(format!("{app_url}/events")),
        )
        .start()
        .await?;
    let dir = tempfile::tempdir()?;
    let store: Arc<dyn TokenStore> = Arc::new(SqliteStore::open(dir.path().join("accounts.db"))?);
    let oauth = OAuthClient::new(
        &portal.base_url(),
        AppCredentials::new(CLIENT_ID, CLIENT_SECRET),
    )?;
    let accounts = Accounts::new(Arc::clone(&store), oauth);

    let (tx, mut seen) = mpsc::unbounded_channel::<String>();
    let (on_install, on_deal, on_uninstall) = (tx.clone(), tx.clone(), tx.clone());
    let router = App::new(accounts.clone())
        .on_install(move |d| {
            let tx = on_install.clone();
            async move {
                let _ = tx.send(format!("installed on portal {}", d.account.member_id));
            }
        })
        .on_event("ONCRMDEALADD", move |d| {
            let tx = on_deal.clone();
            async move {
                let id = d.event.data["FIELDS"]["ID"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                let title = match d.client().await {
                    Ok(client) => client
                        .call_raw("crm.deal.get", &json!({ "id": id }))
                        .await
                        .map(|e| e.result["TITLE"].as_str().unwrap_or_default().to_owned())
                        .unwrap_or_else(|e| format!("error: {e}")),
                    Err(e) => format!("error: {e}"),
                };
                let _ = tx.send(format!("verified ONCRMDEALADD: deal {id} \"{title}\""));
            }
        })
        .on_placement(move |frame| {
            let _ = tx.send(format!(
                "placement {} with {}",
                frame.placement.placement, frame.placement.options
            ));
            async move { axum::response::Html("<h1>Deal tab</h1>") }
        })
        .on_uninstall(move |d| {
            let tx = on_uninstall.clone();
            async move {
                let _ = tx.send(format!("uninstalled from portal {}", d.account.member_id));
            }
        })
        .router();
    tokio::spawn(async move { axum::serve(listener, router).await });

    // 1. Install: the portal POSTs ONAPPINSTALL; the app verifies it and stores the account.
    portal.install_app(CLIENT_ID, 1).await?;
    println!("1. {}", next(&mut seen).await?);
    let member_id = portal.member_id();
    let account = store.load(&member_id).await?.ok_or("no account stored")?;
    println!("2. account stored: {account:?}");

    // 2. A verified event: bind ONCRMDEALADD, add a deal, the handler reads it back.
    let client = accounts.client(&member_id).await?;
    client
        .call_raw(
            "event.bind",
            &json!({ "event": "ONCRMDEALADD", "handler": format!("{app_url}/events") }),
        )
        .await?;
    client
        .call_raw(
            "crm.deal.add",
            &json!({ "fields": { "TITLE": "Example deal" } }),
        )
        .await?;
    println!("3. {}", next(&mut seen).await?);

    // 3. An hour of portal time later the access token has expired: the call refreshes it once.
    portal.advance_clock(Duration::from_secs(3600));
    let profile = client.call_raw("profile", &json!({})).await?;
    println!(
        "4. after the token expired: profile of user {}, refreshes at the OAuth server: {}",
        profile.result["ID"],
        portal.oauth_grant_count("refresh_token")
    );

    // 4. A placement: bind a deal tab, a user opens it.
    client
        .call_raw("placement.bind", &json!({ "PLACEMENT": "CRM_DEAL_DETAIL_TAB", "HANDLER": format!("{app_url}/placement"), "TITLE": "Example" }))
        .await?;
    let status = portal
        .open_placement(CLIENT_ID, "CRM_DEAL_DETAIL_TAB", 1, &json!({ "ID": "1" }))
        .await?;
    println!("5. {} (answered {status:?})", next(&mut seen).await?);

    // 5. Uninstall: ONAPPUNINSTALL carries no tokens; the account is marked.
    portal.uninstall_app(CLIENT_ID, true).await?;
    println!("6. {}", next(&mut seen).await?);
    let status = store.load(&member_id).await?.map(|a| a.status);
    println!("7. stored status: {status:?}");
    if status != Some(AccountStatus::Uninstalled) || portal.oauth_grant_count("refresh_token") != 1
    {
        return Err("the example did not end as expected".into());
    }
    Ok(())
}
