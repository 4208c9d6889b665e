//! Helpers for the tests that run the `b24` binary: an isolated home for profiles and journals,
//! and an emulated portal in its own process (`b24 emulator`) for state shared across runs.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The path of the binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_b24"))
}

/// A temporary home: XDG directories live inside it.
pub struct Home {
    /// The directory (removed on drop).
    pub dir: tempfile::TempDir,
}

impl Home {
    /// A fresh home.
    pub fn new() -> Home {
        Home {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// A path inside the home.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `b24` with this home and none of the caller's B24_* variables.
    pub fn b24(&self) -> assert_cmd::Command {
        let mut command = assert_cmd::Command::new(bin());
        self.isolate(command.env_clear());
        command
    }

    /// `b24 --webhook <portal's webhook>` with this home.
    pub fn on(&self, portal: &Portal) -> assert_cmd::Command {
        let mut command = self.b24();
        command.args(["--webhook", &portal.webhook]);
        command
    }

    /// A plain `std::process::Command` for `b24`, isolated the same way.
    pub fn b24_std(&self) -> Command {
        let mut command = Command::new(bin());
        command.env_clear();
        for (key, value) in self.vars() {
            command.env(key, value);
        }
        command
    }

    fn vars(&self) -> Vec<(String, String)> {
        let home = self.dir.path();
        let mut vars = vec![
            ("HOME".to_owned(), home.display().to_string()),
            (
                "XDG_CONFIG_HOME".to_owned(),
                home.join("config").display().to_string(),
            ),
            (
                "XDG_STATE_HOME".to_owned(),
                home.join("state").display().to_string(),
            ),
            (
                "XDG_DATA_HOME".to_owned(),
                home.join("data").display().to_string(),
            ),
        ];
        if let Ok(path) = std::env::var("PATH") {
            vars.push(("PATH".to_owned(), path));
        }
        vars
    }

    fn isolate<'a>(&self, command: &'a mut assert_cmd::Command) -> &'a mut assert_cmd::Command {
        for (key, value) in self.vars() {
            command.env(key, value);
        }
        command
    }
}

/// An emulated portal served by `b24 emulator` in a child process.
pub struct Portal {
    child: Child,
    _home: Home,
    /// The default webhook URL.
    pub webhook: String,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Portal {
    /// Starts a portal with extra `b24 emulator` options.
    pub fn start(options: &[&str]) -> Portal {
        let home = Home::new();
        let mut child = home
            .b24_std()
            .arg("emulator")
            .args(options)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("b24 emulator starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let (mut webhook, mut base) = (String::new(), String::new());
        while webhook.is_empty() || base.is_empty() {
            let line = lines
                .next()
                .expect("the emulator prints its addresses")
                .expect("utf-8");
            if let Some(url) = line.strip_prefix("webhook: ") {
                webhook = url.to_owned();
            }
            if let Some(url) = line.strip_prefix("base: ") {
                base = url.to_owned();
            }
        }
        Portal {
            child,
            _home: home,
            webhook,
            base,
        }
    }

    /// POSTs JSON to the control API; the answer's JSON.
    pub fn control(&self, route: &str, body: &str) -> serde_json::Value {
        http(&self.base, "POST", &format!("/_emulator/{route}"), body)
    }

    /// GETs a control route.
    pub fn get(&self, route: &str) -> serde_json::Value {
        http(&self.base, "GET", &format!("/_emulator/{route}"), "")
    }

    /// The secret code of the default webhook.
    pub fn code(&self) -> String {
        let trimmed = self.webhook.trim_end_matches('/');
        trimmed.rsplit('/').next().unwrap_or_default().to_owned()
    }

    /// An OAuth access token for user 1 with `scopes`.
    pub fn token(&self, scopes: &[&str]) -> String {
        let answer = self.control(
            "token",
            &serde_json::json!({ "user_id": 1, "scopes": scopes }).to_string(),
        );
        answer["access_token"].as_str().expect("a token").to_owned()
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal blocking HTTP/1.1 exchange with a loopback server; the body parsed as JSON.
pub fn http(base: &str, verb: &str, path: &str, body: &str) -> serde_json::Value {
    let address = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).expect("connects to the emulator");
    write!(
        stream,
        "{verb} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("writes the request");
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .expect("reads the answer");
    let json = answer.split("\r\n\r\n").nth(1).unwrap_or("");
    serde_json::from_str(json).unwrap_or(serde_json::Value::Null)
}

/// Every deal of the portal: `(ID, TITLE, field)`, read with the binary's own export.
pub fn deals(home: &Home, portal: &Portal, field: &str) -> Vec<(i64, String, String)> {
    let output = home
        .on(portal)
        .args(["--rate-limit", "off", "export", "crm.deal.list"])
        .args(["--select", &format!("ID,TITLE,{field}")])
        .output()
        .expect("export runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .lines()
        .map(|line| {
            let deal: serde_json::Value = serde_json::from_str(line).expect("NDJSON");
            (
                deal["ID"]
                    .as_str()
                    .and_then(|id| id.parse().ok())
                    .expect("an ID"),
                deal["TITLE"].as_str().unwrap_or_default().to_owned(),
                deal[field].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// Writes `text` to `path`.
pub fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("writes the file");
}
