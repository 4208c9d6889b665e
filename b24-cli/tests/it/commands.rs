//! One or more tests per subcommand.

use predicates::prelude::*;
use serde_json::Value;

use crate::support::{Home, Portal, write};

#[test]
fn call_on_the_embedded_emulator_prints_the_created_solution() {
    let home = Home::new();
    let output = home
        .b24()
        .args([
            "--emulator",
            "call",
            "crm.automatedsolution.add",
            "-f",
            "fields[title]=HR",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result["automatedSolution"]["title"], "HR");
    assert!(
        result["automatedSolution"]["id"]
            .as_u64()
            .is_some_and(|id| id > 0)
    );
}

#[test]
fn call_builds_nested_typed_bodies_and_reads_json_and_files() {
    let portal = Portal::start(&[]);
    let home = Home::new();
    let id = home
        .on(&portal)
        .args(["call", "crm.deal.add", "-F", "fields[OPPORTUNITY]=10.5"])
        .args([
            "-f",
            "fields[TITLE]=Nested",
            "--json",
            r#"{"fields":{"STAGE_ID":"WON"}}"#,
        ])
        .output()
        .unwrap();
    assert!(
        id.status.success(),
        "{}",
        String::from_utf8_lossy(&id.stderr)
    );
    let id = String::from_utf8(id.stdout).unwrap().trim().to_owned();
    let body = home.path("get.json");
    write(&body, &format!(r#"{{"id": {id}}}"#));
    let got = home
        .on(&portal)
        .args(["call", "crm.deal.get", "--input"])
        .arg(&body)
        .output()
        .unwrap();
    let deal: Value = serde_json::from_slice(&got.stdout).unwrap();
    assert_eq!(deal["TITLE"], "Nested");
    assert_eq!(deal["STAGE_ID"], "WON");
    assert_eq!(
        deal["OPPORTUNITY"]
            .as_str()
            .map(|o| o.parse::<f64>().unwrap()),
        Some(10.5)
    );
}

#[test]
fn dry_run_redacts_the_webhook_code_and_sends_nothing() {
    let portal = Portal::start(&[]);
    let home = Home::new();
    let code = portal.code();
    home.on(&portal)
        .args(["call", "crm.deal.add", "--dry-run"])
        .args(["-f", "fields[TITLE]=x", "-f", "auth=secret-token"])
        .assert()
        .success()
        .stdout(predicate::str::contains("/rest/1/***/crm.deal.add"))
        .stdout(predicate::str::contains("\"TITLE\": \"x\""))
        .stdout(predicate::str::contains(code.as_str()).not())
        .stdout(predicate::str::contains("secret-token").not());
    assert_eq!(
        portal.get("counters")["methods"]["crm.deal.add"],
        Value::Null
    );
}

#[test]
fn b24_log_traces_the_calls_without_the_webhook_code() {
    let portal = Portal::start(&[]);
    let home = Home::new();
    let code = portal.code();
    home.on(&portal)
        .env("B24_LOG", "debug")
        .args(["call", "profile"])
        .assert()
        .success()
        .stderr(predicate::str::contains("b24.call"))
        .stderr(predicate::str::contains("method=\"profile\""))
        .stderr(predicate::str::contains(code.as_str()).not());
    home.on(&portal)
        .env("B24_LOG", "loud")
        .args(["call", "profile"])
        .assert()
        .success()
        .stderr(predicate::str::contains("B24_LOG=\"loud\" is not a level"));
}

#[test]
fn paginate_streams_every_item_and_slurp_makes_one_array() {
    let portal = Portal::start(&["--seed-deals", "120"]);
    let home = Home::new();
    let lines = home
        .on(&portal)
        .args(["call", "crm.deal.list", "-f", "select[]=ID", "--paginate"])
        .output()
        .unwrap();
    let text = String::from_utf8(lines.stdout).unwrap();
    assert_eq!(text.lines().count(), 120);
    let slurped = home
        .on(&portal)
        .args([
            "call",
            "crm.deal.list",
            "-f",
            "select[]=ID",
            "--paginate",
            "--slurp",
        ])
        .output()
        .unwrap();
    let all: Vec<Value> = serde_json::from_slice(&slurped.stdout).unwrap();
    assert_eq!(all.len(), 120);
    assert_eq!(all[119]["ID"], "120");
}

#[test]
fn csv_columns_follow_select() {
    let portal = Portal::start(&["--seed-deals", "3"]);
    let home = Home::new();
    home.on(&portal)
        .args(["--format", "csv", "call", "crm.deal.list"])
        .args(["-f", "select[]=TITLE", "-f", "select[]=ID"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("TITLE,ID\nDeal #1,1\n"));
}

#[test]
fn table_output_is_refused_off_a_terminal() {
    let home = Home::new();
    home.b24()
        .args(["--emulator", "--format", "table", "call", "server.time"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--format table is for a terminal"));
}

#[test]
fn auth_add_status_list_remove_keep_the_secret_private() {
    let portal = Portal::start(&[]);
    let home = Home::new();
    let code = portal.code();
    home.b24()
        .args([
            "auth",
            "add",
            "--name",
            "work",
            "--webhook",
            &portal.webhook,
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("mode 0600"))
        .stderr(predicate::str::contains(code.as_str()).not());
    let secrets = home.path("config/b24/secrets.toml");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&secrets).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    assert!(
        !std::fs::read_to_string(home.path("config/b24/profiles.toml"))
            .unwrap()
            .contains(&code)
    );
    home.b24()
        .args(["auth", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("source: profile work"))
        .stdout(predicate::str::contains("user: #1 Vadim Valeev"))
        .stdout(predicate::str::contains("crm"))
        .stdout(predicate::str::contains(code.as_str()).not());
    home.b24()
        .args(["auth", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("* work\twebhook"));
    home.b24()
        .args(["auth", "remove", "work"])
        .assert()
        .success();
    home.b24().args(["auth", "status"]).assert().code(2);
}

#[test]
fn connection_precedence_is_flag_then_environment_then_profile() {
    let portal = Portal::start(&[]);
    let home = Home::new();
    let wrong = format!("{}/rest/1/wrongcode/", portal.base);
    home.b24()
        .args(["auth", "add", "--name", "p", "--webhook", &wrong])
        .assert()
        .success();
    // Profile alone: the wrong code.
    home.b24().args(["call", "profile"]).assert().code(4);
    // Environment beats the profile.
    home.b24()
        .env("B24_WEBHOOK", &portal.webhook)
        .args(["call", "profile"])
        .assert()
        .success();
    // The flag beats the environment.
    home.b24()
        .env("B24_WEBHOOK", &wrong)
        .args(["--webhook", &portal.webhook, "auth", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("source: --webhook"));
    home.b24()
        .env("B24_WEBHOOK", &portal.webhook)
        .args(["auth", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("source: B24_WEBHOOK"));
}

#[test]
fn methods_scopes_decode_and_completion_use_the_registry() {
    let home = Home::new();
    home.b24()
        .args([
            "methods",
            "--scope",
            "crm",
            "--search",
            "automatedsolution.li",
        ])
        .assert()
        .success()
        .stdout("crm.automatedsolution.list\n");
    let count = home.b24().arg("methods").output().unwrap();
    assert!(String::from_utf8(count.stdout).unwrap().lines().count() > 1000);
    home.b24()
        .args(["scopes", "crm.deal.add", "im.department.get", "profile"])
        .assert()
        .success()
        .stdout("crm\nim\n");
    home.b24()
        .args(["scopes", "crm.deal.ad"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `crm.deal.add`"));
    let good = home.path("good.json");
    write(
        &good,
        r#"{"result":{"automatedSolution":{"id":3,"title":"HR","typeIds":[]}},"time":{"start":1}}"#,
    );
    home.b24()
        .args(["decode", "crm.automatedsolution.add"])
        .arg(&good)
        .assert()
        .success()
        .stdout(predicate::str::contains("\"title\": \"HR\""));
    let bad = home.path("bad.json");
    write(
        &bad,
        r#"{"result":{"automatedSolution":{"id":"x","title":5}}}"#,
    );
    home.b24()
        .args(["decode", "crm.automatedsolution.add"])
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("at `result.automatedSolution."));
    for shell in ["bash", "zsh", "fish"] {
        home.b24()
            .args(["completion", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("crm.automatedsolution.add"));
    }
}

#[test]
fn emulator_subcommand_serves_a_portal_with_seeded_data() {
    let portal = Portal::start(&["--seed-deals", "7", "--automated-solution-limit", "1"]);
    let home = Home::new();
    home.on(&portal)
        .args([
            "call",
            "crm.deal.list",
            "-f",
            "select[]=ID",
            "--format",
            "ndjson",
        ])
        .assert()
        .success()
        .stdout(predicate::function(|out: &str| out.lines().count() == 7));
    home.on(&portal)
        .args(["call", "crm.automatedsolution.add", "-f", "fields[title]=A"])
        .assert()
        .success();
    home.on(&portal)
        .args(["call", "crm.automatedsolution.add", "-f", "fields[title]=B"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("LIMIT_EXCEEDED"));
}

#[test]
fn export_writes_every_item_once_and_resumes_after_the_last_id() {
    let portal = Portal::start(&["--seed-deals", "5500"]);
    let home = Home::new();
    let full = home.path("full.ndjson");
    home.on(&portal)
        .args(["export", "crm.deal.list", "--select", "TITLE", "-o"])
        .arg(&full)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "exported 5500 items in 3 requests",
        ));
    let text = std::fs::read_to_string(&full).unwrap();
    let ids: Vec<i64> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["ID"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(ids, (1..=5500).collect::<Vec<_>>());
    // An export cut mid-line: the partial line is dropped and the rest appended.
    let partial = home.path("partial.ndjson");
    write(&partial, &text[..text.len() / 3 + 7]);
    home.on(&portal)
        .args([
            "export",
            "crm.deal.list",
            "--select",
            "TITLE",
            "--resume",
            "-o",
        ])
        .arg(&partial)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&partial).unwrap(), text);
    home.on(&portal)
        .args([
            "--format",
            "csv",
            "export",
            "crm.deal.list",
            "--select",
            "ID,TITLE",
        ])
        .args(["--filter", "<=ID=2"])
        .assert()
        .success()
        .stdout("ID,TITLE\n1,Deal #1\n2,Deal #2\n");
}

#[test]
fn events_listen_forwards_an_event_to_a_local_handler_within_two_seconds() {
    use std::io::{BufRead, BufReader, Read, Write};
    let portal = Portal::start(&[]);
    let home = Home::new();
    let handler = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = handler.local_addr().unwrap();
    let token = portal.token(&["crm"]);
    let mut listener = home
        .b24_std()
        .args([
            "--portal",
            &portal.base,
            "--access-token",
            &token,
            "events",
            "listen",
        ])
        .args(["--event", "ONCRMDEALADD", "--interval", "200"])
        .arg("--forward-to")
        .arg(format!("http://{address}/hook"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(listener.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    assert!(first.starts_with("listening for ONCRMDEALADD"), "{first}");
    let added = home
        .on(&portal)
        .args(["call", "crm.deal.add", "-f", "fields[TITLE]=event"])
        .output()
        .unwrap();
    let id = String::from_utf8(added.stdout).unwrap().trim().to_owned();
    let started = std::time::Instant::now();
    handler.set_nonblocking(false).unwrap();
    let (mut socket, _) = handler.accept().unwrap();
    socket
        .set_read_timeout(Some(std::time::Duration::from_secs(3)))
        .unwrap();
    let mut request = vec![0u8; 4096];
    let n = socket.read(&mut request).unwrap();
    let elapsed = started.elapsed();
    socket
        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        .unwrap();
    let request = String::from_utf8_lossy(&request[..n]).to_string();
    assert!(
        elapsed < std::time::Duration::from_secs(2),
        "delivered after {elapsed:?}"
    );
    assert!(request.starts_with("POST /hook HTTP/1.1"), "{request}");
    assert!(request.contains("application/x-www-form-urlencoded"));
    assert!(request.contains("event=ONCRMDEALADD"));
    assert!(
        request.contains(&format!("data%5BFIELDS%5D%5BID%5D={id}")),
        "{request}"
    );
    // Ctrl-C unbinds.
    std::process::Command::new("kill")
        .args(["-INT", &listener.id().to_string()])
        .status()
        .unwrap();
    let status = listener.wait().unwrap();
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    assert!(status.success(), "{rest}");
    assert!(rest.contains("unbound ONCRMDEALADD"), "{rest}");
    let bound = home
        .b24()
        .args([
            "--portal",
            &portal.base,
            "--access-token",
            &token,
            "call",
            "event.get",
        ])
        .output()
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&bound.stdout).unwrap(),
        serde_json::json!([])
    );
}

#[test]
fn deleting_needs_yes_without_a_terminal_and_audit_keeps_no_secrets() {
    let portal = Portal::start(&["--seed-deals", "2"]);
    let home = Home::new();
    let code = portal.code();
    home.on(&portal)
        .args(["call", "crm.deal.delete", "-F", "id=1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass --yes"));
    assert_eq!(
        portal.get("counters")["methods"]["crm.deal.delete"],
        Value::Null
    );
    let audit = home.path("audit.jsonl");
    home.on(&portal)
        .args(["--yes", "--audit"])
        .arg(&audit)
        .args(["call", "crm.deal.delete", "-F", "id=1"])
        .assert()
        .success();
    home.on(&portal)
        .args(["--audit"])
        .arg(&audit)
        .args(["call", "crm.deal.get", "-F", "id=1"])
        .assert()
        .code(1);
    let log = std::fs::read_to_string(&audit).unwrap();
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert_eq!(lines[0]["method"], "crm.deal.delete");
    assert_eq!(lines[0]["status"], 200);
    assert!(lines[0]["duration_ms"].as_f64().is_some());
    assert_eq!(lines[1]["ok"], false);
    assert!(!log.contains(&code) && !log.contains("/rest/"), "{log}");
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::Read;
    let portal = Portal::start(&["--seed-deals", "20000"]);
    let home = Home::new();
    let mut child = home
        .b24_std()
        .args(["--webhook", &portal.webhook, "export", "crm.deal.list"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(stderr, "");
}

#[test]
fn budget_urls_pick_the_store_and_bad_ones_are_refused() {
    let portal = Portal::start(&[]);
    let home = Home::new();
    let file = home.path("fleet-budget.json");
    home.on(&portal)
        .args(["--budget", file.to_str().unwrap(), "call", "server.time"])
        .assert()
        .success();
    let kept = std::fs::read_to_string(&file).unwrap();
    assert!(
        kept.contains("buckets"),
        "the file store holds the bucket: {kept}"
    );
    home.on(&portal)
        .env("B24_BUDGET", "memory?workers=4")
        .args(["call", "server.time"])
        .assert()
        .success();
    home.on(&portal)
        .args(["--budget", "ftp://example/budget", "call", "server.time"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("unknown budget store `ftp://`"));
}
