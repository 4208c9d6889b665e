//! The progress bar in a real terminal (tmux), and no ANSI bytes when piped.

use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::{Home, Portal, bin};

/// Whether tmux is here; under CI its absence fails the test, elsewhere it is skipped loudly.
fn tmux_available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is required under CI (install the tmux package)"
        );
        // Straight to the process's stderr, past the test harness's capture.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED progress_bar_in_a_terminal: tmux is not installed"
        );
    }
    found
}

#[test]
fn progress_bar_shows_in_a_terminal_and_never_in_a_pipe() {
    let portal = Portal::start(&["--seed-deals", "30000"]);
    let home = Home::new();
    portal.control("faults", r#"{"latency_ms": 250}"#);

    // Piped: data only, no escape sequences anywhere.
    let piped = home
        .on(&portal)
        .args([
            "--rate-limit",
            "off",
            "export",
            "crm.deal.list",
            "--select",
            "ID",
        ])
        .output()
        .unwrap();
    assert!(piped.status.success());
    assert_eq!(
        String::from_utf8_lossy(&piped.stdout).lines().count(),
        30000
    );
    assert!(
        !piped.stdout.contains(&0x1b) && !piped.stderr.contains(&0x1b),
        "ANSI bytes in a pipe"
    );

    if !tmux_available() {
        return;
    }
    let session = format!("b24-progress-{}", std::process::id());
    let out = home.path("export.ndjson");
    let script = format!(
        "env XDG_STATE_HOME={state} XDG_CONFIG_HOME={config} {bin} --webhook {hook} --rate-limit off export crm.deal.list --select ID -o {out}; sleep 30",
        state = home.path("state").display(),
        config = home.path("config").display(),
        bin = bin().display(),
        hook = portal.webhook,
        out = out.display(),
    );
    let started = Command::new("tmux")
        .args([
            "new-session",
            "-d",
            "-s",
            &session,
            "-x",
            "150",
            "-y",
            "10",
            &script,
        ])
        .status()
        .unwrap();
    assert!(started.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = String::new();
    while Instant::now() < deadline {
        let capture = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &session])
            .output()
            .unwrap();
        seen = String::from_utf8_lossy(&capture.stdout).to_string();
        if seen.contains("/30000 items") && seen.contains("ETA") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = Command::new("tmux")
        .args(["kill-session", "-t", &session])
        .status();
    portal.control("faults", "{}");
    assert!(
        seen.contains("/30000 items") && seen.contains("ETA"),
        "no progress bar in the pane:\n{seen}"
    );
}
