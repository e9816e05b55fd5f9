//! A second, independent broker for the end-to-end tests: Aedes (Node.js),
//! installed by `scripts/install-deps.sh test` into
//! `tests/brokers/aedes/node_modules` and started by the test itself.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// A running Aedes on 127.0.0.1; it exits when the value drops (its
/// standard input closes, and the child is killed by its own handle).
pub struct Aedes {
    /// Its port on 127.0.0.1.
    pub port: u16,
    child: Child,
    /// What it printed on stderr: one `CONNECT <client id>` per connection.
    log: Arc<Mutex<String>>,
}

impl Aedes {
    /// Starts it; fails the test with the install command when Aedes is
    /// not installed.
    pub fn start() -> Aedes {
        // The repository root is the package under test or above it.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .map(|d| d.join("tests/brokers/aedes"))
            .find(|d| d.join("broker.js").is_file())
            .expect("tests/brokers/aedes/broker.js not found above CARGO_MANIFEST_DIR");
        assert!(
            dir.join("node_modules/aedes").is_dir(),
            "Aedes is not installed in {}: run `bash scripts/install-deps.sh test`",
            dir.display()
        );
        let mut child = Command::new("node")
            .arg(dir.join("broker.js"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot run node (scripts/install-deps.sh test installs it)");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the broker's port");
        let port = line
            .trim()
            .strip_prefix("PORT=")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("Aedes did not start: {line:?}"));
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
        Aedes { port, child, log }
    }

    /// Its address.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// What it logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Aedes {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
