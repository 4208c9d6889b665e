//! Exit codes: one case per class, table-driven.

use std::time::Duration;

use crate::support::{Home, Portal};

struct Case {
    class: &'static str,
    expected: i32,
    faults: &'static str,
    args: fn(&Portal) -> Vec<String>,
    interrupt_after: Option<Duration>,
}

fn strings(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|part| (*part).to_owned()).collect()
}

#[test]
fn every_class_has_its_exit_code() {
    let portal = Portal::start(&[]);
    let home = Home::new();
    let cases = [
        Case {
            class: "ok",
            expected: 0,
            faults: "{}",
            args: |p| strings(&["--webhook", &p.webhook, "call", "server.time"]),
            interrupt_after: None,
        },
        Case {
            class: "API error",
            expected: 1,
            faults: "{}",
            args: |p| {
                strings(&[
                    "--webhook",
                    &p.webhook,
                    "call",
                    "crm.automatedsolution.add",
                    "-f",
                    "fields[title]=",
                ])
            },
            interrupt_after: None,
        },
        Case {
            class: "usage: malformed -F",
            expected: 2,
            faults: "{}",
            args: |p| {
                strings(&[
                    "--webhook",
                    &p.webhook,
                    "call",
                    "crm.deal.add",
                    "-F",
                    "fields[TITLE=x",
                ])
            },
            interrupt_after: None,
        },
        Case {
            class: "usage: plain http to a remote host",
            expected: 2,
            faults: "{}",
            args: |_| {
                strings(&[
                    "--webhook",
                    "http://portal.example.com/rest/1/abc/",
                    "call",
                    "profile",
                ])
            },
            interrupt_after: None,
        },
        Case {
            class: "authentication",
            expected: 4,
            faults: "{}",
            args: |p| {
                let wrong = format!("{}/rest/1/wrongcode/", p.base);
                strings(&["--webhook", &wrong, "call", "profile"])
            },
            interrupt_after: None,
        },
        Case {
            class: "rate-limit wait exceeded",
            expected: 5,
            faults: r#"{"query_limit": 1.0}"#,
            args: |p| strings(&["--webhook", &p.webhook, "--retries", "2", "call", "profile"]),
            interrupt_after: None,
        },
        Case {
            class: "unknown outcome of a write",
            expected: 6,
            faults: r#"{"reset": 1.0}"#,
            args: |p| {
                strings(&[
                    "--webhook",
                    &p.webhook,
                    "call",
                    "crm.deal.add",
                    "-f",
                    "fields[TITLE]=x",
                ])
            },
            interrupt_after: None,
        },
        Case {
            class: "interrupted",
            expected: 130,
            faults: r#"{"latency_ms": 10000}"#,
            args: |p| strings(&["--webhook", &p.webhook, "call", "server.time"]),
            interrupt_after: Some(Duration::from_millis(700)),
        },
    ];
    for case in &cases {
        portal.control("faults", case.faults);
        let mut command = home.b24_std();
        command
            .args((case.args)(&portal))
            .args(["--rate-limit", "off"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        let child = command.spawn().unwrap();
        if let Some(delay) = case.interrupt_after {
            std::thread::sleep(delay);
            std::process::Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status()
                .unwrap();
        }
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(case.expected),
            "{}: {stderr}",
            case.class
        );
        if case.expected != 0 {
            assert!(stderr.starts_with("b24: "), "{}: {stderr}", case.class);
        }
    }
    portal.control("faults", "{}");
}

#[test]
fn api_errors_are_printed_with_code_description_and_status() {
    let home = Home::new();
    home.b24()
        .args([
            "--emulator",
            "call",
            "crm.automatedsolution.add",
            "-f",
            "fields[title]=",
        ])
        .assert()
        .code(1)
        .stderr("b24: BX_EMPTY_REQUIRED: The required field 'Title' is not filled (HTTP 400)\n");
    home.b24()
        .args(["--emulator", "call", "crm.deal.lst"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "ERROR_METHOD_NOT_FOUND: Method not found! (HTTP 404); did you mean `crm.deal.list`",
        ));
}

#[test]
fn help_documents_the_exit_codes() {
    Home::new()
        .b24()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicates::str::contains("130  interrupted"))
        .stdout(predicates::str::contains(
            "6    a write's outcome is unknown",
        ));
}
