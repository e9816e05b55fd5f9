//! The C transports (`plaintext_posix.h`, `tls_posix.h`, `openssl_posix.h`,
//! `sockets_posix.h`) called through their exported functions, against a real
//! Mosquitto on 127.0.0.1 with real certificates.
#![allow(non_snake_case)]

#[path = "../../../tests/common/mod.rs"]
mod common;

use common::Broker;
use rsmqtt::coremqtt::transport_interface::{NetworkContext_t, TransportOutVector_t};
use rsmqtt_transports_posix::openssl::*;
use rsmqtt_transports_posix::plaintext::*;
use rsmqtt_transports_posix::sockets::*;
use rsmqtt_transports_posix::tls::*;
use std::ffi::CString;
use std::os::raw::c_void;
use std::ptr;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------
// Log capture: each test asserts that a failure names its cause.

struct Capture;

static RECORDS: Mutex<Vec<(std::thread::ThreadId, String)>> = Mutex::new(Vec::new());

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        if record.level() <= log::Level::Error {
            let line = record.args().to_string();
            RECORDS
                .lock()
                .unwrap()
                .push((std::thread::current().id(), line));
        }
    }
    fn flush(&self) {}
}

/// Installs the capturing logger (once per test binary).
fn capture_logs() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
        log::set_logger(&Capture).unwrap();
        log::set_max_level(log::LevelFilter::Error);
    });
}

/// Error lines logged so far by the calling test's thread.
fn my_errors() -> Vec<String> {
    capture_logs();
    let me = std::thread::current().id();
    RECORDS
        .lock()
        .unwrap()
        .iter()
        .filter(|(t, _)| *t == me)
        .map(|(_, l)| l.clone())
        .collect()
}

fn assert_logged(fragment: &str) {
    let errors = my_errors();
    assert!(
        errors.iter().any(|l| l.contains(fragment)),
        "no error log containing {fragment:?}; logged: {errors:#?}"
    );
}

// ---------------------------------------------------------------------------
// The application-side structs, as a C program defines them.

/// `struct NetworkContext { PlaintextParams_t * pParams; };`
#[repr(C)]
struct PlainContext {
    pParams: *mut PlaintextParams_t,
}

/// `struct NetworkContext { TlsParams_t * pParams; };`
#[repr(C)]
struct TlsContext {
    pParams: *mut TlsParams_t,
}

/// `struct NetworkContext { OpensslParams_t * pParams; };`
#[repr(C)]
struct OpensslContext {
    pParams: *mut OpensslParams_t,
}

fn ctx<T>(c: &mut T) -> *mut NetworkContext_t {
    (c as *mut T).cast()
}

struct Server {
    _host: CString,
    info: ServerInfo_t,
}

/// The `ServerInfo_t` for `host:port`. Every test builds one first, which
/// also installs the log capture before anything can log.
fn server(host: &str, port: u16) -> Server {
    capture_logs();
    let host = CString::new(host).unwrap();
    let info = ServerInfo_t {
        pHostName: host.as_ptr(),
        hostNameLength: host.as_bytes().len(),
        port,
    };
    Server { _host: host, info }
}

fn zeroed_tls_params() -> TlsParams_t {
    TlsParams_t {
        socketDescriptor: 0,
        pSession: ptr::null_mut(),
    }
}

/// Owns the C strings and PEM bytes a `TlsCredentials_t` points into.
#[derive(Default)]
struct Creds {
    strings: Vec<CString>,
    blobs: Vec<Vec<u8>>,
}

impl Creds {
    fn s(&mut self, text: &str) -> *const std::os::raw::c_char {
        self.strings.push(CString::new(text).unwrap());
        self.strings.last().unwrap().as_ptr()
    }
    fn path(&mut self, p: &std::path::Path) -> *const std::os::raw::c_char {
        self.s(p.to_str().unwrap())
    }
    fn blob(&mut self, bytes: Vec<u8>) -> (*const u8, usize) {
        self.blobs.push(bytes);
        let b = self.blobs.last().unwrap();
        (b.as_ptr(), b.len())
    }
}

fn empty_credentials() -> TlsCredentials_t {
    TlsCredentials_t {
        pAlpnProtos: ptr::null(),
        alpnProtosLen: 0,
        sniHostName: ptr::null(),
        maxFragmentLength: 0,
        pRootCaPath: ptr::null(),
        pClientCertPath: ptr::null(),
        pPrivateKeyPath: ptr::null(),
        pRootCaPem: ptr::null(),
        rootCaPemLength: 0,
        pClientCertPem: ptr::null(),
        clientCertPemLength: 0,
        pPrivateKeyPem: ptr::null(),
        privateKeyPemLength: 0,
    }
}

/// Mutual-TLS credentials from the broker's files.
fn file_credentials(broker: &Broker, keep: &mut Creds) -> TlsCredentials_t {
    TlsCredentials_t {
        pRootCaPath: keep.path(&broker.ca),
        pClientCertPath: keep.path(&broker.client_cert),
        pPrivateKeyPath: keep.path(&broker.client_key),
        ..empty_credentials()
    }
}

type RecvFn = unsafe extern "C" fn(*mut NetworkContext_t, *mut c_void, usize) -> i32;
type SendFn = unsafe extern "C" fn(*mut NetworkContext_t, *const c_void, usize) -> i32;

/// Reads exactly `n` bytes through a transport recv function, retrying on 0
/// (timeout) for up to 5 s.
fn recv_exact(recv: RecvFn, c: *mut NetworkContext_t, n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    let mut got = 0;
    let deadline = Instant::now() + Duration::from_secs(5);
    while got < n {
        assert!(
            Instant::now() < deadline,
            "timed out after {got} of {n} bytes"
        );
        // SAFETY: buf has n - got writable bytes at got.
        let r = unsafe { recv(c, buf[got..].as_mut_ptr().cast(), n - got) };
        assert!(r >= 0, "recv failed: {r}");
        got += r as usize;
    }
    buf
}

fn send_all(send: SendFn, c: *mut NetworkContext_t, bytes: &[u8]) {
    let mut sent = 0;
    while sent < bytes.len() {
        // SAFETY: bytes[sent..] is readable.
        let r = unsafe { send(c, bytes[sent..].as_ptr().cast(), bytes.len() - sent) };
        assert!(r > 0, "send failed: {r}");
        sent += r as usize;
    }
}

/// A 127.0.0.1 port with nothing listening (bound, then released).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

// ---------------------------------------------------------------------------
// Plaintext

#[test]
fn plaintext_connect_connack_disconnect() {
    let broker = Broker::start();
    let s = server(&broker.host, broker.port);
    let mut params = PlaintextParams_t {
        socketDescriptor: -1,
    };
    let mut c = PlainContext {
        pParams: &mut params,
    };
    let status = unsafe { Plaintext_Connect(ctx(&mut c), &s.info, 1000, 1000) };
    assert_eq!(status, SocketStatus::SOCKETS_SUCCESS);
    assert!(params.socketDescriptor > 2);

    send_all(
        Plaintext_Send,
        ctx(&mut c),
        &common::connect_packet("plain-c-api"),
    );
    let connack = recv_exact(Plaintext_Recv, ctx(&mut c), 4);
    assert_eq!(common::connack_return_code(&connack), 0, "{}", broker.log());

    assert_eq!(
        unsafe { Plaintext_Disconnect(ctx(&mut c)) },
        SocketStatus::SOCKETS_SUCCESS
    );
    assert_eq!(params.socketDescriptor, -1);
    // A second disconnect closes nothing.
    assert_eq!(
        unsafe { Plaintext_Disconnect(ctx(&mut c)) },
        SocketStatus::SOCKETS_INVALID_PARAMETER
    );
}

#[test]
fn plaintext_writev_sends_all_vectors() {
    let broker = Broker::start();
    let s = server(&broker.host, broker.port);
    let mut params = PlaintextParams_t {
        socketDescriptor: -1,
    };
    let mut c = PlainContext {
        pParams: &mut params,
    };
    assert_eq!(
        unsafe { Plaintext_Connect(ctx(&mut c), &s.info, 1000, 1000) },
        SocketStatus::SOCKETS_SUCCESS
    );
    let packet = common::connect_packet("plain-writev");
    let (head, tail) = packet.split_at(5);
    let mut vecs = [
        TransportOutVector_t {
            iov_base: head.as_ptr().cast(),
            iov_len: head.len(),
        },
        TransportOutVector_t {
            iov_base: ptr::null(),
            iov_len: 0,
        },
        TransportOutVector_t {
            iov_base: tail.as_ptr().cast(),
            iov_len: tail.len(),
        },
    ];
    let sent = unsafe { Plaintext_Writev(ctx(&mut c), vecs.as_mut_ptr(), vecs.len()) };
    assert_eq!(sent as usize, packet.len());
    let connack = recv_exact(Plaintext_Recv, ctx(&mut c), 4);
    assert_eq!(common::connack_return_code(&connack), 0);
    unsafe { Plaintext_Disconnect(ctx(&mut c)) };
}

#[test]
fn plaintext_recv_returns_zero_when_the_timeout_expires() {
    let broker = Broker::start();
    let s = server(&broker.host, broker.port);
    let mut params = PlaintextParams_t {
        socketDescriptor: -1,
    };
    let mut c = PlainContext {
        pParams: &mut params,
    };
    assert_eq!(
        unsafe { Plaintext_Connect(ctx(&mut c), &s.info, 1000, 200) },
        SocketStatus::SOCKETS_SUCCESS
    );
    let mut buf = [0u8; 16];
    let start = Instant::now();
    // Nothing was sent, so the broker has nothing to say.
    let r = unsafe { Plaintext_Recv(ctx(&mut c), buf.as_mut_ptr().cast(), buf.len()) };
    let waited = start.elapsed();
    assert_eq!(r, 0);
    assert!(
        waited >= Duration::from_millis(150),
        "returned after {waited:?}"
    );
    assert!(waited < Duration::from_secs(3), "returned after {waited:?}");
    // Zero bytes requested: nothing to do.
    assert_eq!(
        unsafe { Plaintext_Recv(ctx(&mut c), buf.as_mut_ptr().cast(), 0) },
        0
    );
    unsafe { Plaintext_Disconnect(ctx(&mut c)) };
}

#[test]
fn plaintext_recv_reports_a_closed_connection_as_error() {
    let broker = Broker::start();
    let s = server(&broker.host, broker.port);
    let mut params = PlaintextParams_t {
        socketDescriptor: -1,
    };
    let mut c = PlainContext {
        pParams: &mut params,
    };
    assert_eq!(
        unsafe { Plaintext_Connect(ctx(&mut c), &s.info, 1000, 2000) },
        SocketStatus::SOCKETS_SUCCESS
    );
    // After DISCONNECT the broker closes the connection (MQTT 3.1.1 §3.14).
    send_all(
        Plaintext_Send,
        ctx(&mut c),
        &common::connect_packet("plain-closed"),
    );
    assert_eq!(
        common::connack_return_code(&recv_exact(Plaintext_Recv, ctx(&mut c), 4)),
        0
    );
    send_all(Plaintext_Send, ctx(&mut c), &common::DISCONNECT);
    let mut buf = [0u8; 4];
    let r = unsafe { Plaintext_Recv(ctx(&mut c), buf.as_mut_ptr().cast(), buf.len()) };
    assert!(r < 0, "recv returned {r}");
    assert_logged("closed the connection");
    unsafe { Plaintext_Disconnect(ctx(&mut c)) };
}

#[test]
fn plaintext_connect_refused_on_a_closed_port() {
    let s = server("127.0.0.1", closed_port());
    let mut params = PlaintextParams_t {
        socketDescriptor: -1,
    };
    let mut c = PlainContext {
        pParams: &mut params,
    };
    let status = unsafe { Plaintext_Connect(ctx(&mut c), &s.info, 1000, 1000) };
    assert_eq!(status, SocketStatus::SOCKETS_CONNECT_FAILURE);
    assert_eq!(params.socketDescriptor, -1, "params untouched on failure");
    assert_logged("refused");
}

#[test]
fn plaintext_dns_failure_on_an_invalid_name() {
    // RFC 6761: ".invalid" never resolves.
    let s = server("rsmqtt-test.invalid", 1883);
    let mut params = PlaintextParams_t {
        socketDescriptor: -1,
    };
    let mut c = PlainContext {
        pParams: &mut params,
    };
    let status = unsafe { Plaintext_Connect(ctx(&mut c), &s.info, 1000, 1000) };
    assert_eq!(status, SocketStatus::SOCKETS_DNS_FAILURE);
    assert_logged("DNS resolution of \"rsmqtt-test.invalid\" failed");
}

#[test]
fn sockets_connect_and_disconnect_a_descriptor() {
    let broker = Broker::start();
    let s = server("localhost", broker.port);
    let mut fd = -1;
    assert_eq!(
        unsafe { Sockets_Connect(&mut fd, &s.info, 1000, 1000) },
        SocketStatus::SOCKETS_SUCCESS
    );
    assert!(fd > 2);
    assert_eq!(
        unsafe { Sockets_Disconnect(fd) },
        SocketStatus::SOCKETS_SUCCESS
    );
    // The descriptor is gone; closing it again is an error, not a crash.
    assert_eq!(
        unsafe { Sockets_Disconnect(fd) },
        SocketStatus::SOCKETS_INVALID_PARAMETER
    );
    assert_eq!(
        unsafe { Sockets_Disconnect(-1) },
        SocketStatus::SOCKETS_INVALID_PARAMETER
    );
    // Never the standard streams.
    assert_eq!(
        unsafe { Sockets_Disconnect(0) },
        SocketStatus::SOCKETS_INVALID_PARAMETER
    );
}

#[test]
fn plaintext_null_and_invalid_parameters() {
    let s = server("127.0.0.1", 1883);
    let mut params = PlaintextParams_t {
        socketDescriptor: 0,
    };
    let mut c = PlainContext {
        pParams: &mut params,
    };
    let mut no_params = PlainContext {
        pParams: ptr::null_mut(),
    };
    let bad = SocketStatus::SOCKETS_INVALID_PARAMETER;
    unsafe {
        assert_eq!(Plaintext_Connect(ptr::null_mut(), &s.info, 0, 0), bad);
        assert_eq!(Plaintext_Connect(ctx(&mut no_params), &s.info, 0, 0), bad);
        assert_eq!(Plaintext_Connect(ctx(&mut c), ptr::null(), 0, 0), bad);
        let no_host = ServerInfo_t {
            pHostName: ptr::null(),
            hostNameLength: 3,
            port: 1883,
        };
        assert_eq!(Plaintext_Connect(ctx(&mut c), &no_host, 0, 0), bad);
        let port0 = server("127.0.0.1", 0);
        assert_eq!(Plaintext_Connect(ctx(&mut c), &port0.info, 0, 0), bad);
        assert_eq!(Sockets_Connect(ptr::null_mut(), &s.info, 0, 0), bad);
        // A zeroed params struct holds descriptor 0: never closed.
        assert_eq!(Plaintext_Disconnect(ctx(&mut c)), bad);
        assert_eq!(Plaintext_Disconnect(ptr::null()), bad);

        let mut buf = [0u8; 4];
        assert!(Plaintext_Recv(ptr::null_mut(), buf.as_mut_ptr().cast(), 4) < 0);
        assert!(Plaintext_Send(ptr::null_mut(), buf.as_ptr().cast(), 4) < 0);
        assert!(Plaintext_Writev(ptr::null_mut(), ptr::null_mut(), 1) < 0);
        (*c.pParams).socketDescriptor = -1;
        assert!(Plaintext_Recv(ctx(&mut c), buf.as_mut_ptr().cast(), 4) < 0);
    }
    assert_logged("NULL network context or pParams");
}

// ---------------------------------------------------------------------------
// TLS

/// Runs CONNECT/CONNACK over a connected TLS context, CONNECT sent by writev.
fn tls_mqtt_handshake(c: *mut NetworkContext_t, client_id: &str) {
    let packet = common::connect_packet(client_id);
    let (head, tail) = packet.split_at(2);
    let mut vecs = [
        TransportOutVector_t {
            iov_base: head.as_ptr().cast(),
            iov_len: head.len(),
        },
        TransportOutVector_t {
            iov_base: tail.as_ptr().cast(),
            iov_len: tail.len(),
        },
    ];
    let sent = unsafe { Tls_Writev(c, vecs.as_mut_ptr(), vecs.len()) };
    assert_eq!(sent as usize, packet.len());
    let connack = recv_exact(Tls_Recv, c, 4);
    assert_eq!(common::connack_return_code(&connack), 0);
    send_all(Tls_Send, c, &common::DISCONNECT);
}

#[test]
fn tls_mutual_auth_from_files() {
    let broker = Broker::start();
    let s = server(&broker.host, broker.tls_port);
    let mut keep = Creds::default();
    let creds = file_credentials(&broker, &mut keep);
    let mut params = zeroed_tls_params();
    let mut c = TlsContext {
        pParams: &mut params,
    };
    let status = unsafe { Tls_Connect(ctx(&mut c), &s.info, &creds, 2000, 2000) };
    assert_eq!(
        status,
        TlsStatus::TLS_SUCCESS,
        "{:?}\n{}",
        my_errors(),
        broker.log()
    );
    assert!(!params.pSession.is_null());
    assert!(params.socketDescriptor > 2);

    tls_mqtt_handshake(ctx(&mut c), "tls-files");

    assert_eq!(
        unsafe { Tls_Disconnect(ctx(&mut c)) },
        TlsStatus::TLS_SUCCESS
    );
    assert!(params.pSession.is_null());
    assert_eq!(params.socketDescriptor, -1);
    // Double disconnect is harmless; I/O after it is an error.
    assert_eq!(
        unsafe { Tls_Disconnect(ctx(&mut c)) },
        TlsStatus::TLS_SUCCESS
    );
    let mut buf = [0u8; 4];
    assert!(unsafe { Tls_Recv(ctx(&mut c), buf.as_mut_ptr().cast(), 4) } < 0);
    assert!(unsafe { Tls_Send(ctx(&mut c), buf.as_ptr().cast(), 4) } < 0);
    // The broker saw the client certificate's identity.
    assert!(broker.log().contains("tls-files"), "{}", broker.log());
}

#[test]
fn tls_mutual_auth_from_memory_with_sni_and_alpn_offer() {
    let broker = Broker::start();
    let s = server(&broker.host, broker.tls_port);
    let mut keep = Creds::default();
    let (ca, ca_len) = keep.blob(broker.ca_pem());
    let (cert, cert_len) = keep.blob(broker.client_cert_pem());
    // A trailing NUL, as C string literals carry, is accepted.
    let mut key_pem = broker.client_key_pem();
    key_pem.push(0);
    let (key, key_len) = keep.blob(key_pem);
    let creds = TlsCredentials_t {
        pRootCaPem: ca,
        rootCaPemLength: ca_len,
        pClientCertPem: cert,
        clientCertPemLength: cert_len,
        pPrivateKeyPem: key,
        privateKeyPemLength: key_len,
        // The server certificate names localhost: checked and sent as SNI.
        sniHostName: keep.s("localhost"),
        // Mosquitto has no ALPN configured; offering it must not hurt.
        pAlpnProtos: keep.s("\x04mqtt"),
        alpnProtosLen: 5,
        maxFragmentLength: 512,
        ..empty_credentials()
    };
    let mut params = zeroed_tls_params();
    let mut c = TlsContext {
        pParams: &mut params,
    };
    let status = unsafe { Tls_Connect(ctx(&mut c), &s.info, &creds, 2000, 2000) };
    assert_eq!(status, TlsStatus::TLS_SUCCESS, "{:?}", my_errors());
    tls_mqtt_handshake(ctx(&mut c), "tls-memory");
    assert_eq!(
        unsafe { Tls_Disconnect(ctx(&mut c)) },
        TlsStatus::TLS_SUCCESS
    );
}

#[test]
fn tls_connect_by_host_name() {
    let broker = Broker::start();
    // "localhost" may resolve to ::1 first, where nothing listens: the next
    // address is tried.
    let s = server("localhost", broker.tls_port);
    let mut keep = Creds::default();
    let creds = file_credentials(&broker, &mut keep);
    let mut params = zeroed_tls_params();
    let mut c = TlsContext {
        pParams: &mut params,
    };
    let status = unsafe { Tls_Connect(ctx(&mut c), &s.info, &creds, 2000, 2000) };
    assert_eq!(status, TlsStatus::TLS_SUCCESS, "{:?}", my_errors());
    tls_mqtt_handshake(ctx(&mut c), "tls-localhost");
    unsafe { Tls_Disconnect(ctx(&mut c)) };
}

#[test]
fn tls_server_certificate_rejected_with_the_wrong_ca() {
    let broker = Broker::start();
    let other = Broker::start();
    let s = server(&broker.host, broker.tls_port);
    let mut keep = Creds::default();
    let mut creds = file_credentials(&broker, &mut keep);
    creds.pRootCaPath = keep.path(&other.ca);
    let mut params = zeroed_tls_params();
    let mut c = TlsContext {
        pParams: &mut params,
    };
    let status = unsafe { Tls_Connect(ctx(&mut c), &s.info, &creds, 2000, 2000) };
    assert_eq!(status, TlsStatus::TLS_SERVER_CERTIFICATE_REJECTED);
    assert!(params.pSession.is_null());
    assert_logged("server certificate rejected");
}

#[test]
fn tls_server_certificate_rejected_for_the_wrong_name() {
    let broker = Broker::start();
    let s = server(&broker.host, broker.tls_port);
    let mut keep = Creds::default();
    let mut creds = file_credentials(&broker, &mut keep);
    creds.sniHostName = keep.s("broker.example.com");
    let mut params = zeroed_tls_params();
    let mut c = TlsContext {
        pParams: &mut params,
    };
    let status = unsafe { Tls_Connect(ctx(&mut c), &s.info, &creds, 2000, 2000) };
    assert_eq!(status, TlsStatus::TLS_SERVER_CERTIFICATE_REJECTED);
    assert_logged("server certificate rejected");
}

#[test]
fn tls_without_client_certificate_is_refused_by_the_server() {
    let broker = Broker::start();
    let s = server(&broker.host, broker.tls_port);
    let mut keep = Creds::default();
    let creds = TlsCredentials_t {
        pRootCaPath: keep.path(&broker.ca),
        ..empty_credentials()
    };
    let mut params = zeroed_tls_params();
    let mut c = TlsContext {
        pParams: &mut params,
    };
    let status = unsafe { Tls_Connect(ctx(&mut c), &s.info, &creds, 2000, 2000) };
    assert_eq!(status, TlsStatus::TLS_ALERT_RECEIVED, "{:?}", my_errors());
    assert!(params.pSession.is_null());
    assert_logged("aborted by the server with alert");
}

#[test]
fn tls_to_a_plain_mqtt_port_fails_the_handshake() {
    let broker = Broker::start();
    let s = server(&broker.host, broker.port);
    let mut keep = Creds::default();
    let creds = file_credentials(&broker, &mut keep);
    let mut params = zeroed_tls_params();
    let mut c = TlsContext {
        pParams: &mut params,
    };
    let status = unsafe { Tls_Connect(ctx(&mut c), &s.info, &creds, 2000, 2000) };
    assert_eq!(status, TlsStatus::TLS_HANDSHAKE_FAILED, "{:?}", my_errors());
    assert_logged("TLS handshake failed");
}

#[test]
fn tls_connection_refused_and_dns_failure() {
    let broker = Broker::start();
    let mut keep = Creds::default();
    let creds = file_credentials(&broker, &mut keep);
    let mut params = zeroed_tls_params();
    let mut c = TlsContext {
        pParams: &mut params,
    };

    let refused = server("127.0.0.1", closed_port());
    let status = unsafe { Tls_Connect(ctx(&mut c), &refused.info, &creds, 2000, 2000) };
    assert_eq!(status, TlsStatus::TLS_CONNECTION_REFUSED);
    assert_logged("refused");

    let nowhere = server("rsmqtt-test.invalid", 8883);
    let status = unsafe { Tls_Connect(ctx(&mut c), &nowhere.info, &creds, 2000, 2000) };
    assert_eq!(status, TlsStatus::TLS_DNS_FAILURE);
    assert_logged("DNS resolution");
    assert!(params.pSession.is_null());
}

#[test]
fn tls_recv_returns_zero_when_the_timeout_expires() {
    let broker = Broker::start();
    let s = server(&broker.host, broker.tls_port);
    let mut keep = Creds::default();
    let creds = file_credentials(&broker, &mut keep);
    let mut params = zeroed_tls_params();
    let mut c = TlsContext {
        pParams: &mut params,
    };
    assert_eq!(
        unsafe { Tls_Connect(ctx(&mut c), &s.info, &creds, 2000, 200) },
        TlsStatus::TLS_SUCCESS
    );
    let mut buf = [0u8; 8];
    let start = Instant::now();
    let r = unsafe { Tls_Recv(ctx(&mut c), buf.as_mut_ptr().cast(), buf.len()) };
    let waited = start.elapsed();
    assert_eq!(r, 0);
    assert!(
        waited >= Duration::from_millis(150),
        "returned after {waited:?}"
    );
    assert!(waited < Duration::from_secs(3), "returned after {waited:?}");
    // The session is still usable afterwards.
    tls_mqtt_handshake(ctx(&mut c), "tls-after-timeout");
    unsafe { Tls_Disconnect(ctx(&mut c)) };
}

#[test]
fn tls_invalid_credentials_are_reported_before_connecting() {
    let broker = Broker::start();
    let other = Broker::start();
    let s = server(&broker.host, broker.tls_port);
    let mut params = zeroed_tls_params();
    let mut c = TlsContext {
        pParams: &mut params,
    };
    let connect = |c: &mut TlsContext, creds: &TlsCredentials_t| unsafe {
        Tls_Connect(ctx(c), &s.info, creds, 2000, 2000)
    };

    // Unreadable file.
    let mut keep = Creds::default();
    let mut creds = file_credentials(&broker, &mut keep);
    creds.pRootCaPath = keep.s("/nonexistent/rsmqtt/ca.crt");
    assert_eq!(connect(&mut c, &creds), TlsStatus::TLS_INVALID_CREDENTIALS);
    assert_logged("cannot read root CA /nonexistent/rsmqtt/ca.crt");

    // Not PEM at all.
    let mut creds = file_credentials(&broker, &mut keep);
    creds.pRootCaPath = ptr::null();
    (creds.pRootCaPem, creds.rootCaPemLength) = keep.blob(b"hello, not a certificate".to_vec());
    assert_eq!(connect(&mut c, &creds), TlsStatus::TLS_INVALID_CREDENTIALS);
    assert_logged("no CERTIFICATE block");

    // A key from elsewhere that does not match the certificate.
    let mut creds = file_credentials(&broker, &mut keep);
    creds.pPrivateKeyPath = keep.path(&other.client_key);
    assert_eq!(connect(&mut c, &creds), TlsStatus::TLS_INVALID_CREDENTIALS);
    assert_logged("client certificate and key");

    // A certificate file given as the key.
    let mut creds = file_credentials(&broker, &mut keep);
    creds.pPrivateKeyPath = keep.path(&broker.client_cert);
    assert_eq!(connect(&mut c, &creds), TlsStatus::TLS_INVALID_CREDENTIALS);
    assert_logged("private key: invalid PEM");
    assert!(params.pSession.is_null());
}

#[test]
fn tls_null_and_inconsistent_parameters() {
    let broker = Broker::start();
    let s = server(&broker.host, broker.tls_port);
    let mut keep = Creds::default();
    let good = file_credentials(&broker, &mut keep);
    let mut params = zeroed_tls_params();
    let mut c = TlsContext {
        pParams: &mut params,
    };
    let mut no_params = TlsContext {
        pParams: ptr::null_mut(),
    };
    let bad = TlsStatus::TLS_INVALID_PARAMETER;
    unsafe {
        assert_eq!(Tls_Connect(ptr::null_mut(), &s.info, &good, 0, 0), bad);
        assert_eq!(Tls_Connect(ctx(&mut no_params), &s.info, &good, 0, 0), bad);
        assert_eq!(Tls_Connect(ctx(&mut c), ptr::null(), &good, 0, 0), bad);
        assert_eq!(Tls_Connect(ctx(&mut c), &s.info, ptr::null(), 0, 0), bad);
        // No root CA: there are no built-in roots.
        assert_eq!(
            Tls_Connect(ctx(&mut c), &s.info, &empty_credentials(), 0, 0),
            bad
        );
        // Both a path and memory for the CA.
        let mut both = good;
        (both.pRootCaPem, both.rootCaPemLength) = keep.blob(broker.ca_pem());
        assert_eq!(Tls_Connect(ctx(&mut c), &s.info, &both, 0, 0), bad);
        // A certificate without its key.
        let mut half = good;
        half.pPrivateKeyPath = ptr::null();
        assert_eq!(Tls_Connect(ctx(&mut c), &s.info, &half, 0, 0), bad);
        // ALPN not in wire format.
        let mut alpn = good;
        alpn.pAlpnProtos = keep.s("mqtt");
        alpn.alpnProtosLen = 4;
        assert_eq!(Tls_Connect(ctx(&mut c), &s.info, &alpn, 0, 0), bad);
        // PEM pointer without a length.
        let mut no_len = good;
        no_len.pRootCaPath = ptr::null();
        no_len.pRootCaPem = keep.blob(broker.ca_pem()).0;
        assert_eq!(Tls_Connect(ctx(&mut c), &s.info, &no_len, 0, 0), bad);
        assert!(params.pSession.is_null());

        assert_eq!(Tls_Disconnect(ptr::null()), bad);
        assert_eq!(Tls_Disconnect(ctx(&mut no_params)), bad);
        // Zeroed params: nothing to disconnect.
        assert_eq!(Tls_Disconnect(ctx(&mut c)), TlsStatus::TLS_SUCCESS);

        let mut buf = [0u8; 4];
        assert!(Tls_Recv(ptr::null_mut(), buf.as_mut_ptr().cast(), 4) < 0);
        assert!(Tls_Recv(ctx(&mut c), ptr::null_mut(), 4) < 0);
        assert!(Tls_Send(ctx(&mut c), ptr::null(), 4) < 0);
        assert!(Tls_Writev(ctx(&mut c), ptr::null_mut(), 2) < 0);
        // Not connected.
        assert!(Tls_Recv(ctx(&mut c), buf.as_mut_ptr().cast(), 4) < 0);

        // Connected params refuse a second connect (it would leak the session).
        assert_eq!(
            Tls_Connect(ctx(&mut c), &s.info, &good, 2000, 2000),
            TlsStatus::TLS_SUCCESS
        );
        assert_eq!(Tls_Connect(ctx(&mut c), &s.info, &good, 2000, 2000), bad);
        assert_eq!(Tls_Disconnect(ctx(&mut c)), TlsStatus::TLS_SUCCESS);
    }
    assert_logged("no root CA");
}

// ---------------------------------------------------------------------------
// openssl_posix.h compatibility

#[test]
fn openssl_names_work_over_rustls() {
    let broker = Broker::start();
    let other = Broker::start();
    let s = server(&broker.host, broker.tls_port);
    let mut keep = Creds::default();
    let mut creds = OpensslCredentials_t {
        pAlpnProtos: ptr::null(),
        alpnProtosLen: 0,
        sniHostName: ptr::null(),
        maxFragmentLength: 0,
        pRootCaPath: keep.path(&broker.ca),
        pClientCertPath: keep.path(&broker.client_cert),
        pPrivateKeyPath: keep.path(&broker.client_key),
    };
    let mut params = OpensslParams_t {
        socketDescriptor: 0,
        pSsl: ptr::null_mut(),
    };
    let mut c = OpensslContext {
        pParams: &mut params,
    };
    let status = unsafe { Openssl_Connect(ctx(&mut c), &s.info, &creds, 2000, 2000) };
    assert_eq!(status, OpensslStatus::OPENSSL_SUCCESS);
    // The SDK's field names: the session sits where the SDK keeps its SSL *.
    assert!(!params.pSsl.is_null());
    assert!(params.socketDescriptor > 2);
    send_all(
        Openssl_Send,
        ctx(&mut c),
        &common::connect_packet("openssl-compat"),
    );
    let connack = recv_exact(Openssl_Recv, ctx(&mut c), 4);
    assert_eq!(common::connack_return_code(&connack), 0);
    assert_eq!(
        unsafe { Openssl_Disconnect(ctx(&mut c)) },
        OpensslStatus::OPENSSL_SUCCESS
    );
    assert!(params.pSsl.is_null());
    assert_eq!(params.socketDescriptor, -1);

    creds.pRootCaPath = keep.path(&other.ca);
    let status = unsafe { Openssl_Connect(ctx(&mut c), &s.info, &creds, 2000, 2000) };
    assert_eq!(status, OpensslStatus::OPENSSL_HANDSHAKE_FAILED);
    let closed = server("127.0.0.1", closed_port());
    let status = unsafe { Openssl_Connect(ctx(&mut c), &closed.info, &creds, 2000, 2000) };
    assert_eq!(status, OpensslStatus::OPENSSL_CONNECT_FAILURE);
    assert_eq!(
        unsafe { Openssl_Connect(ptr::null_mut(), &s.info, &creds, 0, 0) },
        OpensslStatus::OPENSSL_INVALID_PARAMETER
    );
}

// ---------------------------------------------------------------------------
// Timeouts

/// A listener on 127.0.0.1 that completes TCP handshakes (the kernel does)
/// but never reads or answers.
fn silent_listener() -> (std::net::TcpListener, u16) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

#[test]
fn tls_handshake_timeout_against_a_silent_server() {
    let broker = Broker::start();
    let (_listener, port) = silent_listener();
    let s = server("127.0.0.1", port);
    let mut keep = Creds::default();
    let creds = file_credentials(&broker, &mut keep);
    let mut params = zeroed_tls_params();
    let mut c = TlsContext {
        pParams: &mut params,
    };
    let start = Instant::now();
    let status = unsafe { Tls_Connect(ctx(&mut c), &s.info, &creds, 1000, 300) };
    let waited = start.elapsed();
    assert_eq!(status, TlsStatus::TLS_TIMEOUT, "{:?}", my_errors());
    assert!(waited < Duration::from_secs(3), "took {waited:?}");
    assert!(params.pSession.is_null());
    assert_logged("TLS handshake timed out");
}

#[test]
fn tcp_connect_timeout_when_the_server_does_not_answer() {
    // Only for its credentials (loaded before connecting).
    let broker = Broker::start();
    // A listener whose accept queue is full drops further SYNs, so the next
    // connect never completes: the send timeout bounds it.
    let (listener, port) = silent_listener();
    // SAFETY: listen(2) on our own listening socket, shrinking its backlog.
    let rc = unsafe { libc::listen(std::os::fd::AsRawFd::as_raw_fd(&listener), 0) };
    assert_eq!(rc, 0);
    let mut fillers = Vec::new();
    let mut full = false;
    for _ in 0..8 {
        match std::net::TcpStream::connect_timeout(
            &([127, 0, 0, 1], port).into(),
            Duration::from_millis(200),
        ) {
            Ok(stream) => fillers.push(stream),
            Err(_) => {
                full = true;
                break;
            }
        }
    }
    assert!(full, "the accept queue never filled up");

    let s = server("127.0.0.1", port);
    let mut params = PlaintextParams_t {
        socketDescriptor: -1,
    };
    let mut c = PlainContext {
        pParams: &mut params,
    };
    let start = Instant::now();
    let status = unsafe { Plaintext_Connect(ctx(&mut c), &s.info, 300, 300) };
    let waited = start.elapsed();
    assert_eq!(status, SocketStatus::SOCKETS_CONNECT_FAILURE);
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(3),
        "took {waited:?}"
    );
    assert_logged("timed out");

    let mut tls_params = zeroed_tls_params();
    let mut tc = TlsContext {
        pParams: &mut tls_params,
    };
    let mut keep = Creds::default();
    let creds = file_credentials(&broker, &mut keep);
    let status = unsafe { Tls_Connect(ctx(&mut tc), &s.info, &creds, 300, 300) };
    assert_eq!(status, TlsStatus::TLS_TIMEOUT);
    drop(fillers);
}

/// Issue 11, item 3: every way a TLS connection must be refused, each with
/// its own status and logged cause, against a broker whose listeners are
/// wrong in one way each (`broker.sh --refusals`). A refused `Tls_Connect`
/// leaves no session, so no MQTT byte can follow; the broker's log shows
/// that no MQTT CONNECT ever arrived.
#[test]
fn tls_refusals_each_have_their_own_status_and_cause() {
    let broker = Broker::start_with(common::BrokerOptions {
        refusals: true,
        ..common::BrokerOptions::default()
    });
    let pki = broker.refusals.clone().unwrap();
    let tls11 = common::Tls11Server::start(&broker);
    struct Case {
        name: &'static str,
        port: u16,
        tune: fn(&Broker, &common::RefusalPki, &mut TlsCredentials_t, &mut Creds),
        status: TlsStatus,
        cause: &'static str,
    }
    let cases = [
        Case {
            name: "unknown CA",
            port: broker.tls_port,
            tune: |_, pki, creds, keep| creds.pRootCaPath = keep.path(&pki.other_ca),
            status: TlsStatus::TLS_SERVER_CERTIFICATE_REJECTED,
            cause: "UnknownIssuer",
        },
        Case {
            name: "expired server certificate",
            port: pki.expired_port,
            tune: |_, _, _, _| {},
            status: TlsStatus::TLS_SERVER_CERTIFICATE_REJECTED,
            cause: "expired",
        },
        Case {
            name: "server certificate not valid yet",
            port: pki.future_port,
            tune: |_, _, _, _| {},
            status: TlsStatus::TLS_SERVER_CERTIFICATE_REJECTED,
            cause: "not valid yet",
        },
        Case {
            name: "wrong host name",
            port: broker.tls_port,
            tune: |_, _, creds, keep| creds.sniHostName = keep.s("broker.example.com"),
            status: TlsStatus::TLS_SERVER_CERTIFICATE_REJECTED,
            cause: "broker.example.com",
        },
        Case {
            name: "no client certificate",
            port: broker.tls_port,
            tune: |_, _, creds, _| {
                creds.pClientCertPath = ptr::null();
                creds.pPrivateKeyPath = ptr::null();
            },
            status: TlsStatus::TLS_ALERT_RECEIVED,
            cause: "CertificateRequired",
        },
        Case {
            name: "client certificate from another CA",
            port: broker.tls_port,
            tune: |_, pki, creds, keep| {
                creds.pClientCertPath = keep.path(&pki.other_client_cert);
                creds.pPrivateKeyPath = keep.path(&pki.other_client_key);
            },
            status: TlsStatus::TLS_ALERT_RECEIVED,
            cause: "UnknownCA",
        },
        Case {
            name: "client key not the certificate's",
            port: broker.tls_port,
            tune: |_, pki, creds, keep| creds.pPrivateKeyPath = keep.path(&pki.other_client_key),
            status: TlsStatus::TLS_INVALID_CREDENTIALS,
            cause: "key",
        },
        Case {
            name: "server limited to TLS 1.1",
            port: tls11.port,
            tune: |_, _, _, _| {},
            status: TlsStatus::TLS_ALERT_RECEIVED,
            cause: "ProtocolVersion",
        },
    ];
    for case in &cases {
        let s = server(&broker.host, case.port);
        let mut keep = Creds::default();
        let mut creds = file_credentials(&broker, &mut keep);
        (case.tune)(&broker, &pki, &mut creds, &mut keep);
        let mut params = zeroed_tls_params();
        let mut c = TlsContext {
            pParams: &mut params,
        };
        let before = my_errors().len();
        let status = unsafe { Tls_Connect(ctx(&mut c), &s.info, &creds, 2000, 2000) };
        let logged = my_errors().split_off(before);
        println!("{}: {status:?} {logged:?}", case.name);
        assert_eq!(status, case.status, "{}: {logged:?}", case.name);
        assert!(
            logged.iter().any(|l| l.contains(case.cause)),
            "{}: no error log naming {:?}: {logged:?}",
            case.name,
            case.cause
        );
        // Refused: no session, nothing can be sent.
        assert!(params.pSession.is_null(), "{}", case.name);
        let byte = [0x10u8];
        assert!(
            unsafe { Tls_Send(ctx(&mut c), byte.as_ptr().cast(), 1) } < 0,
            "{}",
            case.name
        );
    }
    // The attempts reached the broker and ended in its TLS layer (what
    // OpenSSL logged for each), none got as far as MQTT.
    // Mosquitto logs each refusal after it sent its alert: wait for the lines.
    let log = broker.wait_log_contains(&[
        "alert unknown ca",
        "alert certificate expired",
        "alert bad certificate",
        "peer did not return a certificate",
        "certificate verify failed",
    ]);
    assert!(
        !log.contains("New client connected") && !log.contains("CONNECT"),
        "the broker saw MQTT:\n{log}"
    );
}
