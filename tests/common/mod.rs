//! Test harness shared by the integration tests: a real Mosquitto broker with
//! a throwaway PKI, started by `scripts/broker.sh`, plus hand-built MQTT bytes.
//!
//! Every test starts its own broker (its own ports and certificates), so tests
//! run in parallel and never depend on a broker started by hand. The broker
//! stops when the [`Broker`] value drops, including when a test panics.
#![allow(dead_code)]

pub mod kills;
pub mod other_brokers;
pub mod proxy;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How a broker is started.
#[derive(Clone, Copy, Debug, Default)]
pub struct BrokerOptions {
    /// Keep sessions and queued messages in the broker directory, so that
    /// [`Broker::restart`] resumes them (for session-present tests).
    pub persist: bool,
    /// Persist and save after every change (`autosave_on_changes`), for
    /// tests that kill the broker with SIGKILL.
    pub durable: bool,
    /// Also the TLS refusal tests' listeners and credentials
    /// ([`Broker::refusals`]).
    pub refusals: bool,
}

/// What `broker.sh --refusals` adds: listeners whose server side is wrong
/// in one way each, and a client identity from a CA the broker does not
/// trust. Every listener requires a client certificate from [`Broker::ca`].
#[derive(Debug, Clone)]
pub struct RefusalPki {
    /// TLS port whose server certificate expired (2020 to 2021).
    pub expired_port: u16,
    /// TLS port whose server certificate is not valid yet (2090 to 2091).
    pub future_port: u16,
    /// Another CA (PEM, DER), with a different name; it signed neither the
    /// server nor the broker's trusted clients.
    pub other_ca: PathBuf,
    /// [`RefusalPki::other_ca`] in DER.
    pub other_ca_der: PathBuf,
    /// A client certificate signed by the other CA (PEM).
    pub other_client_cert: PathBuf,
    /// The same in DER.
    pub other_client_cert_der: PathBuf,
    /// Its key, PKCS#8 PEM.
    pub other_client_key: PathBuf,
    /// Its key, RFC 5915 DER.
    pub other_client_key_der: PathBuf,
}

/// A running Mosquitto broker: one plain and one mutual-TLS listener on
/// 127.0.0.1, with the PKI its TLS listener trusts.
#[derive(Debug)]
pub struct Broker {
    /// Address both listeners bind, always `127.0.0.1`.
    pub host: String,
    /// Plain MQTT port.
    pub port: u16,
    /// TLS port; it requires a client certificate signed by [`Broker::ca`].
    pub tls_port: u16,
    /// CA certificate (PEM) that signed the server and client certificates.
    pub ca: PathBuf,
    /// The CA certificate in DER.
    pub ca_der: PathBuf,
    /// Client certificate (PEM), CN `rsmqtt-test-client`.
    pub client_cert: PathBuf,
    /// The client certificate in DER.
    pub client_cert_der: PathBuf,
    /// Client private key, PKCS#8 PEM (EC P-256).
    pub client_key: PathBuf,
    /// The client key as an RFC 5915 ECPrivateKey in DER.
    pub client_key_der: PathBuf,
    /// Directory holding the configuration, PKI, log and persistence file.
    pub dir: PathBuf,
    /// Mosquitto's own process id.
    pub pid: u32,
    /// The refusal listeners and credentials, when started with
    /// [`BrokerOptions::refusals`].
    pub refusals: Option<RefusalPki>,
}

/// scripts/broker.sh of the repository: the package being tested is the
/// repository root or one of its workspace members below it.
fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("scripts/broker.sh"))
        .find(|path| path.is_file())
        .expect("scripts/broker.sh not found above CARGO_MANIFEST_DIR")
}

/// A fresh directory under the system temp dir, unique per process and call.
fn fresh_dir() -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    std::env::temp_dir().join(format!(
        "rsmqtt-test-broker-{}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    ))
}

/// Runs `broker.sh ARGS` and returns its `KEY=VALUE` lines, panicking with
/// the script's diagnostics when it fails.
fn run_script(args: &[&std::ffi::OsStr]) -> Vec<(String, String)> {
    let out = Command::new("bash")
        .arg(script())
        .args(args)
        .output()
        .expect("cannot run scripts/broker.sh");
    assert!(
        out.status.success(),
        "scripts/broker.sh {:?} failed ({}):\n{}{}",
        args,
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn field<'a>(vars: &'a [(String, String)], key: &str) -> &'a str {
    vars.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("scripts/broker.sh did not print {key}"))
}

impl Broker {
    /// Starts a broker without persistence.
    pub fn start() -> Broker {
        Broker::start_with(BrokerOptions::default())
    }

    /// Starts a broker with `options`.
    pub fn start_with(options: BrokerOptions) -> Broker {
        let dir = fresh_dir();
        let mut args: Vec<&std::ffi::OsStr> = vec!["start".as_ref(), dir.as_os_str()];
        if options.durable {
            args.push("--durable".as_ref());
        } else if options.persist {
            args.push("--persist".as_ref());
        }
        if options.refusals {
            args.push("--refusals".as_ref());
        }
        let vars = run_script(&args);
        Broker::from_vars(&vars)
    }

    fn from_vars(vars: &[(String, String)]) -> Broker {
        let path = |key| PathBuf::from(field(vars, key));
        let num = |key| {
            field(vars, key)
                .parse()
                .unwrap_or_else(|_| panic!("{key} is not a number"))
        };
        Broker {
            host: field(vars, "RSMQTT_BROKER_HOST").to_owned(),
            port: num("RSMQTT_BROKER_PORT") as u16,
            tls_port: num("RSMQTT_BROKER_TLS_PORT") as u16,
            ca: path("RSMQTT_CA"),
            ca_der: path("RSMQTT_CA_DER"),
            client_cert: path("RSMQTT_CLIENT_CERT"),
            client_cert_der: path("RSMQTT_CLIENT_CERT_DER"),
            client_key: path("RSMQTT_CLIENT_KEY"),
            client_key_der: path("RSMQTT_CLIENT_KEY_DER"),
            dir: path("RSMQTT_BROKER_DIR"),
            pid: num("RSMQTT_BROKER_PID"),
            refusals: vars
                .iter()
                .any(|(k, _)| k == "RSMQTT_FUTURE_TLS_PORT")
                .then(|| RefusalPki {
                    expired_port: num("RSMQTT_EXPIRED_TLS_PORT") as u16,
                    future_port: num("RSMQTT_FUTURE_TLS_PORT") as u16,
                    other_ca: path("RSMQTT_OTHER_CA"),
                    other_ca_der: path("RSMQTT_OTHER_CA_DER"),
                    other_client_cert: path("RSMQTT_OTHER_CLIENT_CERT"),
                    other_client_cert_der: path("RSMQTT_OTHER_CLIENT_CERT_DER"),
                    other_client_key: path("RSMQTT_OTHER_CLIENT_KEY"),
                    other_client_key_der: path("RSMQTT_OTHER_CLIENT_KEY_DER"),
                }),
        }
    }

    /// Stops the broker and starts it again on the same ports with the same
    /// configuration (with [`BrokerOptions::persist`], sessions survive).
    pub fn restart(&mut self) {
        let vars = run_script(&["restart".as_ref(), self.dir.as_os_str()]);
        // Only the pid changes; no second Broker value (its drop would stop
        // the new broker, and forgetting it leaked its fields).
        let num = |key| -> u32 {
            field(&vars, key)
                .parse()
                .unwrap_or_else(|_| panic!("{key} is not a number"))
        };
        assert_eq!(
            (num("RSMQTT_BROKER_PORT"), num("RSMQTT_BROKER_TLS_PORT")),
            (u32::from(self.port), u32::from(self.tls_port))
        );
        self.pid = num("RSMQTT_BROKER_PID");
    }

    /// Kills the broker with SIGKILL (no chance to save anything), waits
    /// until it is gone, and starts it again on the same ports and
    /// directory: what a power cut and a watchdog restart do.
    pub fn kill_and_restart(&mut self) {
        let pid = self.pid as libc::pid_t;
        if pid != 0 {
            // SAFETY: kill(2) only takes integers; pid is the broker's own.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            let deadline = Instant::now() + Duration::from_secs(10);
            while process_running(pid) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        self.restart();
    }

    /// The plain listener's address.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// The TLS listener's address.
    pub fn tls_addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.tls_port))
    }

    /// The CA certificate, PEM bytes.
    pub fn ca_pem(&self) -> Vec<u8> {
        read(&self.ca)
    }

    /// The client certificate, PEM bytes.
    pub fn client_cert_pem(&self) -> Vec<u8> {
        read(&self.client_cert)
    }

    /// The client private key, PKCS#8 PEM bytes.
    pub fn client_key_pem(&self) -> Vec<u8> {
        read(&self.client_key)
    }

    /// Everything the broker logged so far (useful in assertion messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("mosquitto.log")).unwrap_or_default()
    }

    /// The broker's log once it contains every one of `needles`, waiting up
    /// to 10 s; fails the test naming the missing ones otherwise. Mosquitto
    /// writes a line after it has acted (sent a TLS alert, closed a socket),
    /// so a client can see the effect before the line is in the file: a
    /// test that checks the log right after must wait for it.
    pub fn wait_log_contains(&self, needles: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let log = self.log();
            let missing: Vec<&str> = needles
                .iter()
                .copied()
                .filter(|n| !log.contains(n))
                .collect();
            if missing.is_empty() {
                return log;
            }
            assert!(
                Instant::now() < deadline,
                "no {missing:?} in the broker log after 10 s:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the broker: SIGTERM to its pid, then SIGKILL if it has not exited
    /// within 10 s. Only this broker's own pid is signalled.
    fn stop(&mut self) {
        if self.pid == 0 {
            return;
        }
        let pid = self.pid as libc::pid_t;
        self.pid = 0;
        let _ = std::fs::remove_file(self.dir.join("mosquitto.pid"));
        // SAFETY: kill(2) only takes integers; pid is the broker's own pid,
        // printed by broker.sh.
        if unsafe { libc::kill(pid, libc::SIGTERM) } != 0 {
            return;
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while process_running(pid) {
            if Instant::now() > deadline {
                // SAFETY: as above.
                unsafe { libc::kill(pid, libc::SIGKILL) };
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// True while `pid` runs. A zombie counts as stopped: its sockets are closed,
/// and init (its parent once broker.sh exited) may take seconds to reap it.
fn process_running(pid: libc::pid_t) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name.
        Ok(stat) => stat
            .rsplit_once(") ")
            .and_then(|(_, rest)| rest.chars().next())
            .is_some_and(|state| state != 'Z'),
        Err(_) if Path::new("/proc/self/stat").exists() => false,
        // SAFETY: signal 0 only probes whether the process exists.
        Err(_) => (unsafe { libc::kill(pid, 0) }) == 0,
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.stop();
        if std::env::var_os("RSMQTT_KEEP_BROKER_DIR").is_none() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// A TLS server limited to TLS 1.1 (`openssl s_server -tls1_1`) with the
/// broker's server certificate: Mosquitto's `tls_version` only raises the
/// lowest version it accepts, so it cannot play a server stuck on TLS 1.1.
/// It speaks no MQTT; the server stops when the value drops.
pub struct Tls11Server {
    /// Its port on 127.0.0.1.
    pub port: u16,
    child: std::process::Child,
}

impl Tls11Server {
    /// Starts it with `broker`'s PKI and waits until it accepts.
    pub fn start(broker: &Broker) -> Tls11Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let pki = broker.dir.join("pki");
        let child = Command::new(std::env::var("OPENSSL").unwrap_or_else(|_| "openssl".into()))
            .args([
                "s_server",
                "-quiet",
                "-tls1_1",
                "-cipher",
                "DEFAULT@SECLEVEL=0",
            ])
            .arg("-accept")
            .arg(format!("127.0.0.1:{port}"))
            .arg("-cert")
            .arg(pki.join("server.crt"))
            .arg("-key")
            .arg(pki.join("server.key"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("cannot run openssl s_server");
        let server = Tls11Server { port, child };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "openssl s_server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }
}

impl Drop for Tls11Server {
    fn drop(&mut self) {
        // Only this child, by its own handle.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads a file the harness wrote, panicking with its path otherwise.
pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// An MQTT 3.1.1 CONNECT packet (§3.1) with a clean session, no will, no
/// credentials, keep-alive 60 s, built byte by byte.
pub fn connect_packet(client_id: &str) -> Vec<u8> {
    connect_packet_with(client_id, true)
}

/// [`connect_packet`] with the clean-session flag chosen (§3.1.2.4).
pub fn connect_packet_with(client_id: &str, clean_session: bool) -> Vec<u8> {
    let id = client_id.as_bytes();
    assert!(id.len() < 100, "keep the remaining length in one byte");
    let mut p = vec![0x10, 0];
    // Variable header: protocol name "MQTT", level 4, flags (clean session),
    // keep alive.
    let flags = if clean_session { 0x02 } else { 0x00 };
    p.extend_from_slice(&[0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, flags, 0x00, 60]);
    // Payload: client identifier.
    p.extend_from_slice(&(id.len() as u16).to_be_bytes());
    p.extend_from_slice(id);
    p[1] = (p.len() - 2) as u8;
    p
}

/// MQTT 3.1.1 DISCONNECT (§3.14).
pub const DISCONNECT: [u8; 2] = [0xE0, 0x00];

/// Checks a 4-byte CONNACK (§3.2) and returns its return code.
pub fn connack_return_code(bytes: &[u8]) -> u8 {
    assert_eq!(bytes.len(), 4, "CONNACK is 4 bytes: {bytes:02x?}");
    assert_eq!(bytes[0], 0x20, "not a CONNACK: {bytes:02x?}");
    assert_eq!(bytes[1], 0x02, "bad CONNACK remaining length: {bytes:02x?}");
    bytes[3]
}

/// Sends CONNECT over a plain stream and returns the CONNACK return code, or
/// `None` when the peer closed or sent nothing within `timeout`.
pub fn raw_connect(stream: &mut TcpStream, client_id: &str, timeout: Duration) -> Option<u8> {
    raw_connect_with(stream, client_id, true, timeout).map(|(code, _)| code)
}

/// Like [`raw_connect`] with the clean-session flag chosen; returns the
/// CONNACK return code and its session-present flag (§3.2.2.2).
pub fn raw_connect_with(
    stream: &mut TcpStream,
    client_id: &str,
    clean_session: bool,
    timeout: Duration,
) -> Option<(u8, bool)> {
    stream.set_read_timeout(Some(timeout)).ok()?;
    stream
        .write_all(&connect_packet_with(client_id, clean_session))
        .ok()?;
    let mut connack = [0u8; 4];
    stream.read_exact(&mut connack).ok()?;
    Some((connack_return_code(&connack), connack[2] & 0x01 == 1))
}
