//! Independent brokers for the end-to-end tests, beside Mosquitto: Aedes
//! (Node.js, installed by `scripts/install-deps.sh test` into
//! `tests/brokers/aedes/node_modules`) and amqtt (Python, installed by the
//! same script into a venv at `${CARGO_TARGET_DIR:-target}/amqtt-venv`).
//! Each is started by the test itself from a small script in
//! `tests/brokers/<name>/` that prints `PORT=<n>` once it listens on
//! 127.0.0.1, logs `CONNECT <client id>` on stderr per accepted client and
//! exits when its standard input closes.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// A running broker on 127.0.0.1; it exits when the value drops (its
/// standard input closes, and the child is killed by its own handle).
pub struct OtherBroker {
    /// Its name, for messages ("aedes", "amqtt").
    pub name: &'static str,
    /// Its port on 127.0.0.1.
    pub port: u16,
    child: Child,
    /// What it printed on stderr: `CONNECT <client id>` and
    /// `DISCONNECT <client id>` lines, and any error.
    log: Arc<Mutex<String>>,
}

/// `tests/brokers/<name>` in the repository (the package under test's
/// directory or one above it).
fn broker_dir(name: &str, script: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|d| d.join("tests/brokers").join(name))
        .find(|d| d.join(script).is_file())
        .unwrap_or_else(|| {
            panic!("tests/brokers/{name}/{script} not found above CARGO_MANIFEST_DIR")
        })
}

impl OtherBroker {
    /// Starts Aedes; fails the test with the install command when Aedes is
    /// not installed.
    pub fn aedes() -> OtherBroker {
        let dir = broker_dir("aedes", "broker.js");
        assert!(
            dir.join("node_modules/aedes").is_dir(),
            "Aedes is not installed in {}: run `bash scripts/install-deps.sh test`",
            dir.display()
        );
        let mut cmd = Command::new("node");
        cmd.arg(dir.join("broker.js"));
        Self::spawn("aedes", cmd)
    }

    /// Starts amqtt from the venv `scripts/install-deps.sh test` creates;
    /// fails the test with the install command when it is missing.
    pub fn amqtt() -> OtherBroker {
        let dir = broker_dir("amqtt", "broker.py");
        // The same default as cargo's: the workspace's target/ directory
        // (the repository root is the directory that holds tests/brokers).
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| dir.join("../../../target"));
        let python = target.join("amqtt-venv/bin/python");
        assert!(
            python.is_file(),
            "amqtt is not installed ({} is missing): run `bash scripts/install-deps.sh test`",
            python.display()
        );
        let mut cmd = Command::new(python);
        cmd.arg(dir.join("broker.py"));
        Self::spawn("amqtt", cmd)
    }

    fn spawn(name: &'static str, mut cmd: Command) -> OtherBroker {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name} ({cmd:?}): {e}"));
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the broker's port");
        let port = match line
            .trim()
            .strip_prefix("PORT=")
            .and_then(|p| p.parse().ok())
        {
            Some(port) => port,
            None => {
                // Give the stderr reader a moment to collect why it failed.
                std::thread::sleep(std::time::Duration::from_millis(200));
                panic!(
                    "{name} did not start: {line:?}; stderr: {}",
                    log.lock().unwrap()
                )
            }
        };
        OtherBroker {
            name,
            port,
            child,
            log,
        }
    }

    /// Its address.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// What it logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits up to 5 s until its log holds `line` as a whole line; fails
    /// the test otherwise.
    pub fn wait_log_line(&self, line: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while !self.log().lines().any(|l| l == line) {
            assert!(
                std::time::Instant::now() < deadline,
                "{} never logged {line:?}; its log: {}",
                self.name,
                self.log()
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
}

impl Drop for OtherBroker {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
