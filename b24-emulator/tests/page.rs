//! The portal page at `/`: driven in headless Chromium (Approve, Deny, the log, the preset
//! switch, a screenshot of each view) and over plain HTTP (forms, filters, paging, escaping,
//! masking).
//!
//! Chromium clicks a button by submitting the page's own form: the test takes the `<form>`
//! around the button from the DOM Chromium rendered, points its `action` at the emulator and
//! lets Chromium submit it from a local file; Chromium follows the `303` back to the page and
//! the test reads the resulting DOM.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use b24_emulator::{Emulator, RateLimit};

mod common;

const BIN: &str = env!("CARGO_BIN_EXE_b24-emulator");

/// A plain-HTTP client that does not follow redirects (the forms answer `303`).
fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client")
}

async fn text(url: &str) -> String {
    let response = client()
        .get(url)
        .header("accept", "text/html")
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 200, "{url}");
    response.text().await.expect("body")
}

/// The control API's view of the limits (`GET /_emulator/limits`), as text.
async fn limits_json(emu: &Emulator) -> String {
    text(&format!("{}/_emulator/limits", emu.base_url())).await
}

/// `(status, error code)` of a REST call.
async fn call(url: &str) -> (u16, String) {
    let response = client().get(url).send().await.expect("REST call");
    let status = response.status().as_u16();
    let json: serde_json::Value = response.json().await.unwrap_or_default();
    (status, json["error"].as_str().unwrap_or("").to_owned())
}

/// POSTs a form to the page as a browser does (`Accept: text/html`).
async fn post_form(emu: &Emulator, fields: &[(&str, &str)]) -> reqwest::Response {
    post_form_accepting(emu, fields, "text/html").await
}

/// POSTs a form to `/` with the given `Accept`.
async fn post_form_accepting(
    emu: &Emulator,
    fields: &[(&str, &str)],
    accept: &str,
) -> reqwest::Response {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    client()
        .post(emu.page_url())
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", accept)
        .body(body)
        .send()
        .await
        .expect("POST form")
}

/// Every secret of the emulator that the page must never show in full.
fn secrets(emu: &Emulator, extra: &[&str]) -> Vec<String> {
    let mut out = vec![emu.webhook_code(), emu.application_token()];
    out.extend(extra.iter().map(|s| (*s).to_owned()));
    out
}

fn assert_no_secret(html: &str, secrets: &[String], what: &str) {
    for secret in secrets {
        assert!(
            !html.contains(secret.as_str()),
            "{what} shows a secret in full"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Headless Chromium

/// The Chromium binary, or `None` after a visible SKIPPED line; under `CI` a missing browser
/// fails the test.
fn chromium(test: &str) -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        })
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: chromium is required under CI (.ci/chromium.sh installs it)"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: chromium not found (apt-get install chromium, or run .ci/chromium.sh)"
        );
    }
    found
}

/// Runs headless Chromium with `args` and `url` (60 s at most) and returns its stdout.
fn run_chromium(bin: &Path, profile: &Path, args: &[String], url: &str) -> String {
    let mut child = Command::new(bin)
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--window-size=1200,900",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut out);
        out
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            _ if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish within 60 s for {url}");
            }
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    reader.join().unwrap_or_default()
}

/// A browser and a fresh emulator for a Chromium test, `None` (skipped) without Chromium.
async fn session(test: &str) -> Option<(Browser, Emulator)> {
    let bin = chromium(test)?;
    let browser = Browser::new(bin, test);
    let emu = Emulator::start().await.expect("emulator");
    Some((browser, emu))
}

/// A headless browser session with its own profile and screenshot directory.
struct Browser {
    bin: PathBuf,
    dir: PathBuf,
}

impl Browser {
    fn new(bin: PathBuf, name: &str) -> Browser {
        let dir = std::env::temp_dir().join(format!("b24-page-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("browser directory");
        Browser { bin, dir }
    }

    /// Stops the emulator and removes the profile and screenshots.
    async fn finish(self, emu: Emulator) {
        emu.shutdown().await;
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    /// The DOM of `url` after Chromium loaded it (scripts run).
    async fn dom(&self, url: &str) -> String {
        let (bin, profile, url) = (self.bin.clone(), self.dir.join("profile"), url.to_owned());
        tokio::task::spawn_blocking(move || {
            run_chromium(&bin, &profile, &["--dump-dom".to_owned()], &url)
        })
        .await
        .expect("chromium task")
    }

    /// Takes a screenshot of `url` and checks it is a non-empty PNG; returns its size.
    async fn screenshot(&self, url: &str, name: &str) -> usize {
        let path = self.dir.join(format!("{name}.png"));
        let arg = format!("--screenshot={}", path.display());
        let (bin, profile, url) = (self.bin.clone(), self.dir.join("profile"), url.to_owned());
        tokio::task::spawn_blocking(move || run_chromium(&bin, &profile, &[arg], &url))
            .await
            .expect("chromium task");
        let png = std::fs::read(&path).unwrap_or_default();
        assert!(
            png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 24,
            "{name}: not a PNG"
        );
        let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
        let height = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
        assert!(width > 0 && height > 0, "{name}: empty image");
        assert!(
            png.len() > 2_000,
            "{name}: {} bytes, nothing drawn",
            png.len()
        );
        png.len()
    }

    /// Clicks the submit button labelled `label` whose form carries `value` (e.g. the method):
    /// Chromium submits that form of `dom` to the emulator and the DOM it lands on is returned.
    async fn click(&self, emu: &Emulator, dom: &str, label: &str, value: &str) -> String {
        let button = format!("<button type=\"submit\">{label}</button>");
        let form = dom
            .split("<form")
            .skip(1)
            .map(|rest| rest.split("</form>").next().unwrap_or(""))
            .find(|form| form.contains(&button) && form.contains(&format!("value=\"{value}\"")))
            .unwrap_or_else(|| panic!("no {label} button for {value} on the page"));
        let form = form.replace("action=\"/\"", &format!("action=\"{}\"", emu.page_url()));
        let html = format!(
            "<!DOCTYPE html><html><body><form{form}</form>\
             <script>document.forms[0].submit()</script></body></html>"
        );
        let file = self.dir.join(format!("click-{label}.html"));
        std::fs::write(&file, html).expect("click page");
        self.dom(&format!("file://{}", file.display())).await
    }
}

/// A loopback TCP proxy in front of the emulator that holds every request for the log view
/// after the first (the page's own polls) until released, and reports when one is held.
struct PollGate {
    url: String,
    held: Arc<tokio::sync::Notify>,
    release: Arc<tokio::sync::Semaphore>,
}

impl PollGate {
    async fn start(emu: &Emulator) -> PollGate {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/", listener.local_addr().expect("addr"));
        let held = Arc::new(tokio::sync::Notify::new());
        let release = Arc::new(tokio::sync::Semaphore::new(0));
        let upstream = emu.addr();
        let seen = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (h, r) = (Arc::clone(&held), Arc::clone(&release));
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = tokio::net::TcpStream::connect(upstream).await else {
                    continue;
                };
                let (h, r, seen) = (Arc::clone(&h), Arc::clone(&r), Arc::clone(&seen));
                tokio::spawn(gate_connection(client, server, h, r, seen));
            }
        });
        PollGate { url, held, release }
    }
}

async fn gate_connection(
    client: tokio::net::TcpStream,
    server: tokio::net::TcpStream,
    held: Arc<tokio::sync::Notify>,
    release: Arc<tokio::sync::Semaphore>,
    seen: Arc<std::sync::atomic::AtomicUsize>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let down = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
    });
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match client_read.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if buf[..n].starts_with(b"GET /?view=log")
            && seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= 1
        {
            held.notify_one();
            let Ok(permit) = release.acquire().await else {
                break;
            };
            permit.forget();
            release.add_permits(1);
        }
        if server_write.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    down.abort();
}

/// The log view updates itself: Chromium shows the page, the test makes a request while the
/// page's first poll is held, and the DOM after that poll (one second of page time after the
/// load) lists the request, which the page as first loaded could not show.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_view_updates_within_a_second() {
    let Some((browser, emu)) = session("log_view_updates_within_a_second").await else {
        return;
    };
    let gate = PollGate::start(&emu).await;
    let page = format!("{}?view=log&method=server.time", gate.url);
    let (bin, profile, url) = (
        browser.bin.clone(),
        browser.dir.join("profile"),
        page.clone(),
    );
    let dom = tokio::task::spawn_blocking(move || {
        let args = [
            "--dump-dom".to_owned(),
            "--virtual-time-budget=1500".to_owned(),
        ];
        run_chromium(&bin, &profile, &args, &url)
    });
    tokio::time::timeout(Duration::from_secs(60), gate.held.notified())
        .await
        .expect("the page polls");
    let (status, _) = call(&format!("{}server.time", emu.webhook_url())).await;
    assert_eq!(status, 200);
    gate.release.add_permits(1);
    let dom = dom.await.expect("chromium task");
    assert!(dom.contains("<td>server.time</td>"), "{dom}");
    browser.finish(emu).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_drives_the_page() {
    let Some((browser, emu)) = session("chromium_drives_the_page").await else {
        return;
    };
    let gated = format!("{}voximplant.user.get?USER_ID=1", emu.webhook_url());
    let token = emu.issue_oauth_token(11, ["user"]);
    let (status, _) = call(&format!(
        "{}/rest/user.current?auth={token}",
        emu.base_url()
    ))
    .await;
    assert_eq!(status, 200);

    // A gated call waits; Approve on the page lets it through.
    assert_eq!(
        call(&gated).await,
        (401, "METHOD_CONFIRM_WAITING".to_owned())
    );
    let page = browser.dom(&emu.page_url()).await;
    assert!(page.contains("voximplant.user.get") && page.contains("Vadim Valeev"));
    browser.screenshot(&emu.page_url(), "confirm").await;
    let after = browser
        .click(&emu, &page, "Approve", "voximplant.user.get")
        .await;
    assert!(after.contains("Approved voximplant.user.get"), "{after}");
    assert!(after.contains("id=\"no-pending\""));
    assert_eq!(call(&gated).await, (200, String::new()));

    // Another credential waits too; Deny on the page refuses it.
    let other = emu.add_webhook(13, ["telephony"]);
    let other_gated = format!(
        "{}/rest/13/{other}/voximplant.user.get?USER_ID=13",
        emu.base_url()
    );
    assert_eq!(call(&other_gated).await.1, "METHOD_CONFIRM_WAITING");
    let page = browser.dom(&emu.page_url()).await;
    assert!(page.contains("Boris Ivanov"), "{page}");
    let after = browser
        .click(&emu, &page, "Deny", "voximplant.user.get")
        .await;
    assert!(after.contains("Denied voximplant.user.get"), "{after}");
    assert_eq!(
        call(&other_gated).await,
        (403, "METHOD_CONFIRM_DENIED".to_owned())
    );
    assert_eq!(call(&gated).await.0, 200, "the first decision stands");

    // A request shows up in the log: the answer is logged before it is sent, and the page
    // loaded right after the call shows it.
    let (status, _) = call(&format!("{}server.time", emu.webhook_url())).await;
    assert_eq!(status, 200);
    let answered = Instant::now();
    let log_url = format!("{}?view=log&method=server.time", emu.page_url());
    let log = text(&log_url).await;
    assert!(answered.elapsed() < Duration::from_secs(1));
    assert!(log.contains("<td>server.time</td>"), "{log}");
    let log = browser.dom(&log_url).await;
    assert!(log.contains("<td>server.time</td>"), "{log}");
    assert!(log.contains("<td>webhook</td>"));
    let denied = browser
        .dom(&format!("{}?view=log&status=403", emu.page_url()))
        .await;
    assert!(denied.contains("METHOD_CONFIRM_DENIED"), "{denied}");
    assert!(!denied.contains("<td>server.time</td>"));
    browser
        .screenshot(&format!("{}?view=log", emu.page_url()), "log")
        .await;

    // Switching the preset on the page: a burst that passed before is now cut at 50.
    let burst = |n: usize| {
        let url = format!("{}server.time", emu.webhook_url());
        async move {
            let http = client();
            let mut calls = tokio::task::JoinSet::new();
            for _ in 0..n {
                let (http, url) = (http.clone(), url.clone());
                calls.spawn(async move {
                    let response = http.get(&url).send().await.expect("burst call");
                    let status = response.status().as_u16();
                    let body = response.text().await.unwrap_or_default();
                    status == 503 && body.contains("QUERY_LIMIT_EXCEEDED")
                });
            }
            let mut refused = 0;
            while let Some(done) = calls.join_next().await {
                refused += usize::from(done.expect("burst task"));
            }
            refused
        }
    };
    assert_eq!(burst(80).await, 0, "no limit before the switch");
    let limits_url = format!("{}?view=limits", emu.page_url());
    let page = browser.dom(&limits_url).await;
    assert!(page.contains("<b id=\"preset\">off</b>"), "{page}");
    let after = browser
        .click(&emu, &page, "Switch to standard", "standard")
        .await;
    assert!(after.contains("<b id=\"preset\">standard</b>"), "{after}");
    let refused = burst(80).await;
    assert!(
        refused >= 10,
        "the standard bucket holds 50; {refused} of 80 refused"
    );
    let limits = browser.dom(&limits_url).await;
    assert!(limits.contains("id=\"bucket-chart\""));
    browser.screenshot(&limits_url, "limits").await;

    emu.seed("deal", 30);
    let data_url = format!("{}?view=data", emu.page_url());
    let data = browser.dom(&data_url).await;
    assert!(
        data.contains("b24emu-1") || data.contains("<td>1</td>"),
        "{data}"
    );
    browser.screenshot(&data_url, "data").await;

    let all = secrets(&emu, &[&other, &token]);
    for view in ["confirm", "log", "limits", "data"] {
        let dom = browser
            .dom(&format!("{}?view={view}", emu.page_url()))
            .await;
        assert!(dom.contains("</main>"), "{view}");
        assert_no_secret(&dom, &all, view);
    }
    browser.finish(emu).await;
}

/// The read-only views without JavaScript: the page as the server sent it, its one script
/// removed, rendered by Chromium from a file (Chromium's own switch to turn scripts off also
/// turns off `--dump-dom` and `--screenshot`, which run scripts themselves).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_views_work_without_javascript() {
    let Some((browser, emu)) = session("read_only_views_work_without_javascript").await else {
        return;
    };
    emu.seed("contact", 3);
    assert_eq!(
        call(&format!("{}crm.deal.fields", emu.webhook_url()))
            .await
            .0,
        200
    );
    for (view, expect) in [
        ("log", "<td>crm.deal.fields</td>"),
        ("limits", "<td>127.0.0.1</td>"),
        ("data&entity=3", "<td>3</td>"),
    ] {
        let html = text(&format!("{}?view={view}", emu.page_url())).await;
        assert_eq!(
            html.matches("<script>").count(),
            1,
            "{view}: one script, the poller"
        );
        let (head, rest) = html.split_once("<script>").expect("script");
        let tail = rest.split_once("</script>").expect("script end").1;
        let static_html = format!("{head}{tail}").replacen(
            "<head>",
            &format!("<head><base href=\"{}\">", emu.page_url()),
            1,
        );
        let name = view.replace(['&', '='], "-");
        let file = browser.dir.join(format!("{name}.html"));
        std::fs::write(&file, static_html).expect("static page");
        let url = format!("file://{}", file.display());
        let dom = browser.dom(&url).await;
        assert!(!dom.contains("<script>"), "{view}");
        assert!(dom.contains(expect), "{view}: {dom}");
        browser.screenshot(&url, &format!("nojs-{name}")).await;
    }
    browser.finish(emu).await;
}

// ---------------------------------------------------------------------------------------------
// Plain HTTP

#[tokio::test]
async fn forms_decide_and_change_limits() {
    let emu = Emulator::start().await.expect("emulator");
    let gated = format!("{}voximplant.user.get?USER_ID=1", emu.webhook_url());
    assert_eq!(call(&gated).await.1, "METHOD_CONFIRM_WAITING");
    let page = text(&emu.page_url()).await;
    assert!(page.contains("name=\"action\" value=\"approve\""), "{page}");

    let response = post_form(
        &emu,
        &[("action", "approve"), ("method", "voximplant.user.get")],
    )
    .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap_or("");
    assert!(location.starts_with("/?view=confirm&done="), "{location}");
    assert_eq!(call(&gated).await.0, 200);

    let other = emu.add_webhook(1, ["telephony"]);
    let other_gated = format!(
        "{}/rest/1/{other}/voximplant.user.get?USER_ID=1",
        emu.base_url()
    );
    assert_eq!(call(&other_gated).await.1, "METHOD_CONFIRM_WAITING");
    let response = post_form(
        &emu,
        &[("action", "deny"), ("method", "voximplant.user.get")],
    )
    .await;
    assert_eq!(response.status(), 303);
    assert_eq!(call(&other_gated).await.1, "METHOD_CONFIRM_DENIED");

    let response = post_form(&emu, &[("action", "preset"), ("preset", "enterprise")]).await;
    assert_eq!(response.status(), 303);
    let limits = limits_json(&emu).await;
    assert!(limits.contains("\"rate_limit\":\"enterprise\""), "{limits}");

    let response = post_form(&emu, &[("action", "operating"), ("operating_limit", "")]).await;
    assert_eq!(response.status(), 303);
    let limits = limits_json(&emu).await;
    assert!(limits.contains("\"operating_limit\":null"), "{limits}");

    let response = post_form(&emu, &[("action", "faults"), ("query_limit", "1")]).await;
    assert_eq!(response.status(), 303);
    let (status, error) = call(&format!("{}server.time", emu.webhook_url())).await;
    assert_eq!((status, error.as_str()), (503, "QUERY_LIMIT_EXCEEDED"));

    for bad in [
        vec![("action", "preset"), ("preset", "gold")],
        vec![("action", "faults"), ("reset", "2")],
        vec![("action", "operating"), ("operating_limit", "-1")],
        vec![("action", "approve")],
        vec![("action", "launch")],
    ] {
        let response = post_form(&emu, &bad).await;
        assert_eq!(response.status(), 400, "{bad:?}");
    }
    let limits = limits_json(&emu).await;
    assert!(limits.contains("\"rate_limit\":\"enterprise\""), "{limits}");
    emu.shutdown().await;
}

/// Approve on the page sends `ONAPPMETHODCONFIRM` to the application's handler, like
/// `/_emulator/confirm`.
#[tokio::test]
async fn approve_sends_onappmethodconfirm() {
    let emu = Emulator::start().await.expect("emulator");
    let (handler, mut received) = common::sink().await;
    let token = emu.issue_oauth_token(1, ["telephony"]);
    let rest = format!("{}/rest/", emu.base_url());
    let bind = format!(
        "{rest}event.bind?auth={token}&event=ONAPPMETHODCONFIRM&handler={}",
        form_urlencoded::byte_serialize(handler.as_bytes()).collect::<String>()
    );
    assert_eq!(call(&bind).await, (200, String::new()));
    let gated = format!("{rest}voximplant.user.get?auth={token}&USER_ID=1");
    assert_eq!(call(&gated).await.1, "METHOD_CONFIRM_WAITING");
    let page = text(&emu.page_url()).await;
    assert!(page.contains("local application"), "{page}");
    assert_no_secret(&page, &secrets(&emu, &[&token]), "confirm");
    let form = [("action", "approve"), ("method", "voximplant.user.get")];
    assert_eq!(post_form(&emu, &form).await.status(), 303);
    let body = tokio::time::timeout(Duration::from_secs(5), received.recv())
        .await
        .expect("event within 5 s")
        .expect("handler body");
    let fields: std::collections::HashMap<String, String> = form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(
        fields.get("event").map(String::as_str),
        Some("ONAPPMETHODCONFIRM")
    );
    assert_eq!(fields.get("data[CONFIRMED]").map(String::as_str), Some("1"));
    assert_eq!(call(&gated).await.0, 200);
    emu.shutdown().await;
}

#[tokio::test]
async fn log_filters_and_masking() {
    let emu = Emulator::builder()
        .rate_limit(RateLimit::Off)
        .start()
        .await
        .expect("emulator");
    let token = emu.issue_oauth_token(1, ["user", "crm"]);
    let hook = emu.add_webhook(11, ["crm"]);
    let base = emu.base_url();
    assert_eq!(
        call(&format!("{base}/rest/user.current?auth={token}"))
            .await
            .0,
        200
    );
    let (status, error) = call(&format!("{base}/rest/11/{hook}/user.current")).await;
    assert_eq!((status, error.as_str()), (403, "insufficient_scope"));
    let batch = format!(
        "{}batch?cmd[a]=crm.deal.list%3Fauth%3D{token}&cmd[b]=server.time",
        emu.webhook_url()
    );
    assert_eq!(call(&batch).await.0, 200);

    let log = text(&format!("{}?view=log", emu.page_url())).await;
    assert!(log.contains("<td>oauth</td>"), "{log}");
    assert!(log.contains("insufficient_scope"));
    assert!(log.contains("a: crm.deal.list, b: server.time"), "{log}");
    let errors = text(&format!("{}?view=log&status=error", emu.page_url())).await;
    assert!(errors.contains("insufficient_scope"));
    assert!(!errors.contains("<td>batch"));
    let only = text(&format!("{}?view=log&method=BATCH", emu.page_url())).await;
    assert!(only.contains("<td>batch"), "{only}");
    assert!(!only.contains("insufficient_scope"));

    let all = secrets(&emu, &[&hook, &token]);
    for view in ["confirm", "log", "limits", "data"] {
        let html = text(&format!("{}?view={view}", emu.page_url())).await;
        assert_no_secret(&html, &all, view);
    }
    let data = text(&format!("{}?view=data", emu.page_url())).await;
    assert!(
        data.contains(&format!("{}… (16 chars)", &hook[..4])),
        "{data}"
    );
    assert!(
        data.contains(&format!("{}… (32 chars)", &token[..4])),
        "{data}"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn data_pages_searches_and_escapes() {
    let emu = Emulator::start().await.expect("emulator");
    emu.seed("deal", 45);
    let title = "<script>alert('x')</script>";
    let add = format!(
        "{}crm.deal.add?fields[TITLE]={}",
        emu.webhook_url(),
        form_urlencoded::byte_serialize(title.as_bytes()).collect::<String>()
    );
    assert_eq!(call(&add).await.0, 200);
    let page3 = text(&format!("{}?view=data&entity=2&page=3", emu.page_url())).await;
    assert!(page3.contains("6 records of 46; page 3."), "{page3}");
    assert!(page3.contains("previous"));
    assert!(!page3.contains("next &rarr;"));
    let found = text(&format!("{}?view=data&entity=2&q=alert", emu.page_url())).await;
    assert!(found.contains("1 records of 46"), "{found}");
    assert!(
        found.contains("TITLE</b> &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        "{found}"
    );
    assert!(!found.contains(title));
    let echoed = text(&format!("{}?view=log&method=%3Cb%3E%22x", emu.page_url())).await;
    assert!(echoed.contains("value=\"&lt;b&gt;&quot;x\""), "{echoed}");
    emu.shutdown().await;
}

/// API clients at `/` keep the REST entry's JSON: only requests accepting HTML get the page.
#[tokio::test]
async fn api_clients_at_the_root_get_json() {
    let emu = Emulator::start().await.expect("emulator");
    let response = client().get(emu.page_url()).send().await.expect("GET");
    assert_eq!(response.status(), 404);
    let json: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(json["error"], "NOT_FOUND");
    let form = [("action", "preset"), ("preset", "standard")];
    let response = post_form_accepting(&emu, &form, "application/json").await;
    assert_eq!(response.status(), 404);
    let limits = limits_json(&emu).await;
    assert!(limits.contains("\"rate_limit\":\"off\""), "{limits}");
    let response = client()
        .put(emu.page_url())
        .header("accept", "text/html")
        .send()
        .await
        .expect("PUT");
    assert_eq!(response.status(), 404);
    assert!(
        response
            .text()
            .await
            .unwrap_or_default()
            .contains("NOT_FOUND")
    );
    emu.shutdown().await;
}

#[test]
fn open_prints_the_page_address() {
    use std::io::BufRead;
    let ca = std::env::temp_dir().join(format!("b24-page-open-{}.pem", std::process::id()));
    let mut child = Command::new(BIN)
        .args(["--open", "--ca-out"])
        .arg(&ca)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary");
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut lines = Vec::new();
    for _ in 0..5 {
        let mut line = String::new();
        let _ = stdout.read_line(&mut line);
        lines.push(line.trim().to_owned());
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_file(&ca);
    let base = lines[3].strip_prefix("base: ").unwrap_or("?");
    assert_eq!(lines[4], format!("page: {base}/"), "{lines:?}");
}
