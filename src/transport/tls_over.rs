//! `rsmqtt_tls_transport.h`: TLS (rustls) layered over any plaintext
//! `TransportInterface_t`.
//!
//! Firmware already has a byte transport: a FreeRTOS+TCP socket, lwIP, NetX
//! TCP, a cellular modem's AT socket. This layer takes that transport as a
//! `TransportInterface_t` (its `recv`/`send` and `pNetworkContext`), runs the
//! TLS handshake through it, and hands back another `TransportInterface_t`
//! whose functions encrypt and decrypt, ready for `MQTT_Init`:
//!
//! ```c
//! static RsmqttTlsContext_t tls;              /* zeroed */
//! TransportInterface_t tcp = { myRecv, mySend, NULL, &myTcpContext };
//! TransportInterface_t secure;
//! RsmqttTlsConfig_t cfg = { .pRootCa = ca, .rootCaLength = caLen,
//!                           .pClientCert = crt, .clientCertLength = crtLen,
//!                           .pPrivateKey = key, .privateKeyLength = keyLen,
//!                           .pServerName = "broker.example.com" };
//! if( RsmqttTls_Connect( &tls, &tcp, &cfg, &secure ) == RSMQTT_TLS_SUCCESS )
//!     MQTT_Init( &mqtt, &secure, getTimeMs, onEvent, &buffer );
//! ...
//! RsmqttTls_Disconnect( &tls );               /* then close the TCP socket */
//! ```
//!
//! The inner transport keeps coreMQTT's contract: `recv` returns the byte
//! count, 0 when nothing arrived within its own (short) timeout, negative on
//! error or a closed connection; `send` the count taken (possibly fewer than
//! asked), 0 when nothing could be sent now, negative on error. Partial reads
//! and writes are fine at any point: rustls keeps an incomplete record until
//! the rest arrives and resumes a record write where the inner `send`
//! stopped. The inner `recv` should wait a little when nothing is there
//! (block up to its timeout) rather than return 0 at once: the handshake
//! polls it until `handshakeTimeoutMs` expires.
//!
//! Credentials come from memory, each as PEM text or as DER. The session
//! lives on the heap (rustls allocates its buffers), owned by the zeroed
//! [`RsmqttTlsContext_t`] the application provides and freed by
//! `RsmqttTls_Disconnect`, which does not close the inner transport.
//!
//! Each I/O call takes the session for its duration; a second call made
//! while one runs (another task) fails with -1 instead of blocking, because a
//! thread blocked in a lock would also stall an RTOS scheduler running on
//! top of host threads (the FreeRTOS POSIX port).
#![allow(non_camel_case_types, non_snake_case)]

use super::credentials::{self, PemSource};
use super::error::ConnectError;
use super::tls::{provider, ClientIdentity};
use crate::coremqtt::transport_interface::{
    NetworkContext_t, TransportInterface_t, TransportOutVector_t,
};
use crate::ffi::guard;
use core::ffi::{c_char, c_void, CStr};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, ClientConnection, RootCertStore};
use std::io::{self, IoSlice, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, TryLockError};
use std::time::Instant;

/// Handshake limit when the configuration gives 0.
const DEFAULT_HANDSHAKE_TIMEOUT_MS: u32 = 10_000;

/// Longest wait, after a TLS 1.3 handshake in which the server asked for a
/// client certificate, for the server's verdict on it (see [`connect`]).
const CLIENT_AUTH_VERDICT_WAIT_MS: u32 = 5_000;

/// Outcome of `RsmqttTls_Connect` and `RsmqttTls_Disconnect` (values are
/// ABI). Every failure is also logged with its cause (`rsmqtt_log.h`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsmqttTlsStatus {
    /// Success.
    RSMQTT_TLS_SUCCESS = 0,
    /// A NULL pointer, a length without a pointer (or the reverse), an
    /// inner transport without `recv` or `send`, a malformed server name or
    /// ALPN list, or a context that already holds a session.
    RSMQTT_TLS_INVALID_PARAMETER,
    /// A certificate or key could not be parsed or used: invalid PEM or
    /// DER, no certificate, an unsupported key, a key that does not match
    /// the client certificate.
    RSMQTT_TLS_INVALID_CREDENTIALS,
    /// The inner transport failed (its `recv` or `send` returned a negative
    /// value, e.g. the peer closed the connection) during the handshake.
    RSMQTT_TLS_TRANSPORT_ERROR,
    /// The handshake did not finish within `handshakeTimeoutMs`.
    RSMQTT_TLS_TIMEOUT,
    /// The server's certificate failed verification (unknown CA, wrong
    /// name, expired, ...).
    RSMQTT_TLS_SERVER_CERTIFICATE_REJECTED,
    /// The server aborted the handshake with an alert, typically because it
    /// requires a client certificate or rejected ours.
    RSMQTT_TLS_ALERT_RECEIVED,
    /// Any other handshake failure (protocol error, unexpected message).
    RSMQTT_TLS_HANDSHAKE_FAILED,
    /// An internal error was caught at the C boundary (a bug; logged).
    RSMQTT_TLS_INTERNAL_ERROR,
}

/// `RsmqttTlsStatus_t`, the typedef applications use.
pub type RsmqttTlsStatus_t = RsmqttTlsStatus;

/// A millisecond clock (the shape of coreMQTT's `MQTTGetCurrentTimeFunc_t`);
/// it may wrap around.
pub type RsmqttTlsGetTimeMs_t = Option<unsafe extern "C" fn() -> u32>;

/// What the TLS session needs. Zero it, then fill in what applies.
///
/// Each credential is a byte range in memory holding PEM text (a trailing
/// NUL is ignored) or DER; the library copies what it needs during
/// `RsmqttTls_Connect`, so the memory may be reused afterwards.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct RsmqttTlsConfig {
    /// CA certificate(s) trusted to sign the server's certificate: PEM (one
    /// or more CERTIFICATE blocks) or one DER certificate. Required.
    pub pRootCa: *const u8,
    /// Length of `pRootCa` in bytes.
    pub rootCaLength: usize,
    /// Client certificate chain for mutual TLS, leaf first: PEM, or the
    /// leaf alone in DER. NULL for no client certificate.
    pub pClientCert: *const u8,
    /// Length of `pClientCert` in bytes.
    pub clientCertLength: usize,
    /// The client certificate's private key: PEM or DER, PKCS#8, SEC1 (EC)
    /// or PKCS#1 (RSA). Required with `pClientCert`, refused without it.
    pub pPrivateKey: *const u8,
    /// Length of `pPrivateKey` in bytes.
    pub privateKeyLength: usize,
    /// NUL-terminated DNS name or IP literal the server certificate must
    /// carry; also sent in SNI unless `disableSni` is set. Required.
    pub pServerName: *const c_char,
    /// Do not send SNI (the name is still verified).
    pub disableSni: bool,
    /// Largest TLS record we send (32..16389); 0 for the TLS maximum. rustls
    /// does not negotiate the max_fragment_length extension.
    pub maxFragmentLength: u16,
    /// Limit for the whole handshake in milliseconds; 0 for 10 000.
    pub handshakeTimeoutMs: u32,
    /// ALPN protocols in wire format (each name preceded by its length
    /// byte, e.g. `"\x04mqtt"`); NULL for no ALPN.
    pub pAlpnProtos: *const u8,
    /// Length of `pAlpnProtos` in bytes.
    pub alpnProtosLength: usize,
    /// Clock for the handshake timeout (e.g. the one given to `MQTT_Init`);
    /// NULL: the host's monotonic clock.
    pub getTimeMs: RsmqttTlsGetTimeMs_t,
}

/// `RsmqttTlsConfig_t`, the typedef applications use.
pub type RsmqttTlsConfig_t = RsmqttTlsConfig;

/// The TLS layer's state, provided (zeroed) by the application and kept at
/// a fixed address while connected: the TLS transport's `pNetworkContext`
/// points to it.
#[repr(C)]
#[derive(Debug)]
pub struct RsmqttTlsContext {
    /// The session, owned by the library; NULL when not connected.
    pub pSession: *mut c_void,
}

/// `RsmqttTlsContext_t`, the typedef applications use.
pub type RsmqttTlsContext_t = RsmqttTlsContext;

/// The inner transport failed: its return value.
#[derive(Debug)]
struct InnerFailure(i32);

impl core::fmt::Display for InnerFailure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "the inner transport returned {}", self.0)
    }
}

impl std::error::Error for InnerFailure {}

/// The application's plaintext transport as `Read`/`Write` for rustls: 0
/// from the transport becomes `WouldBlock`, a negative value an
/// [`InnerFailure`].
#[derive(Debug)]
struct Inner {
    iface: TransportInterface_t,
    /// Record boundaries of what came in (see [`Records`]).
    records: Records,
}

/// Counts the complete TLS records in the byte stream from the server, so
/// that waiting for "the server's next record" means a whole record even when
/// the inner transport delivers it a few bytes at a time.
#[derive(Debug, Default)]
struct Records {
    /// Header bytes of the current record seen so far (a header is 5 bytes:
    /// type, version, 16-bit length).
    header: [u8; 5],
    header_len: usize,
    /// Body bytes of the current record still to come.
    body_left: usize,
    /// Records received completely.
    complete: u64,
}

impl Records {
    fn feed(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            if self.body_left > 0 {
                let n = self.body_left.min(data.len());
                self.body_left -= n;
                data = &data[n..];
                if self.body_left == 0 {
                    self.complete += 1;
                }
            } else {
                self.header[self.header_len] = data[0];
                self.header_len += 1;
                data = &data[1..];
                if self.header_len == self.header.len() {
                    self.header_len = 0;
                    self.body_left =
                        usize::from(u16::from_be_bytes([self.header[3], self.header[4]]));
                    if self.body_left == 0 {
                        self.complete += 1;
                    }
                }
            }
        }
    }
}

// SAFETY: the transport is only used by one caller at a time (the session
// sits behind a mutex); whether the application's functions may be called
// from another thread than the one that connected is the application's
// business, exactly as with the plain transport it hands to coreMQTT.
unsafe impl Send for Inner {}

impl Inner {
    fn failure(code: i32) -> io::Error {
        io::Error::other(InnerFailure(code))
    }

    /// Checks what the inner transport returned for a request of `asked`
    /// bytes.
    fn checked(n: i32, asked: usize) -> io::Result<usize> {
        match usize::try_from(n) {
            Ok(0) => Err(io::ErrorKind::WouldBlock.into()),
            Ok(n) if n <= asked => Ok(n),
            Ok(n) => Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("the inner transport claims {n} bytes of {asked}"),
            )),
            Err(_) => Err(Inner::failure(n)),
        }
    }
}

impl Read for Inner {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let len = buf.len().min(i32::MAX as usize);
        if len == 0 {
            return Ok(0);
        }
        let Some(recv) = self.iface.recv else {
            return Err(Inner::failure(-1));
        };
        // SAFETY: the application's recv with its own context and a buffer
        // writable for `len` bytes.
        let n = unsafe { recv(self.iface.pNetworkContext, buf.as_mut_ptr().cast(), len) };
        let n = Inner::checked(n, len)?;
        self.records.feed(&buf[..n]);
        Ok(n)
    }
}

impl Write for Inner {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let len = buf.len().min(i32::MAX as usize);
        if len == 0 {
            return Ok(0);
        }
        let Some(send) = self.iface.send else {
            return Err(Inner::failure(-1));
        };
        // SAFETY: the application's send with its own context and a buffer
        // readable for `len` bytes.
        let n = unsafe { send(self.iface.pNetworkContext, buf.as_ptr().cast(), len) };
        Inner::checked(n, len)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Whether `e` only says "nothing now".
fn would_block(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::WouldBlock
}

/// The inner failure carried by `e`, if that is what it is.
fn inner_failure(e: &io::Error) -> Option<i32> {
    e.get_ref()
        .and_then(|e| e.downcast_ref::<InnerFailure>())
        .map(|f| f.0)
}

/// Milliseconds since `start` on the configured clock.
#[derive(Clone, Copy)]
enum Clock {
    Host(Instant),
    App(unsafe extern "C" fn() -> u32, u32),
}

impl Clock {
    fn start(app: RsmqttTlsGetTimeMs_t) -> Clock {
        match app {
            // SAFETY: the application's clock function, no arguments.
            Some(f) => Clock::App(f, unsafe { f() }),
            None => Clock::Host(Instant::now()),
        }
    }

    fn elapsed_ms(&self) -> u32 {
        match *self {
            Clock::Host(start) => u32::try_from(start.elapsed().as_millis()).unwrap_or(u32::MAX),
            // SAFETY: as above; wrapping subtraction survives the wrap.
            Clock::App(f, start) => unsafe { f() }.wrapping_sub(start),
        }
    }
}

/// Why connect failed, before mapping to a status.
#[derive(Debug)]
enum Failure {
    Connect(ConnectError),
    Transport(i32),
}

impl Failure {
    fn status(&self) -> RsmqttTlsStatus {
        match self {
            Failure::Transport(_) => RsmqttTlsStatus::RSMQTT_TLS_TRANSPORT_ERROR,
            Failure::Connect(e) => match e {
                ConnectError::InvalidParameter(_) => RsmqttTlsStatus::RSMQTT_TLS_INVALID_PARAMETER,
                ConnectError::Credentials(_) => RsmqttTlsStatus::RSMQTT_TLS_INVALID_CREDENTIALS,
                ConnectError::HandshakeTimeout | ConnectError::Timeout(_) => {
                    RsmqttTlsStatus::RSMQTT_TLS_TIMEOUT
                }
                ConnectError::ServerCertificate(_) => {
                    RsmqttTlsStatus::RSMQTT_TLS_SERVER_CERTIFICATE_REJECTED
                }
                ConnectError::PeerAlert(_) => RsmqttTlsStatus::RSMQTT_TLS_ALERT_RECEIVED,
                _ => RsmqttTlsStatus::RSMQTT_TLS_HANDSHAKE_FAILED,
            },
        }
    }

    /// Classifies an I/O error from rustls's `read_tls`/`write_tls`.
    fn from_io(e: io::Error) -> Failure {
        match inner_failure(&e) {
            Some(code) => Failure::Transport(code),
            None => Failure::Connect(ConnectError::Handshake(e.to_string())),
        }
    }
}

impl core::fmt::Display for Failure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Failure::Connect(e) => e.fmt(f),
            Failure::Transport(code) => write!(
                f,
                "TLS handshake failed: the inner transport returned {code} \
                 (connection closed or broken)"
            ),
        }
    }
}

impl From<ConnectError> for Failure {
    fn from(e: ConnectError) -> Failure {
        Failure::Connect(e)
    }
}

/// Whether a credential is PEM text (else it is taken as DER).
fn is_pem(bytes: &[u8]) -> bool {
    bytes.trim_ascii_start().starts_with(b"-----BEGIN")
}

/// Parses certificates from PEM or one DER certificate.
fn certificates(bytes: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>, ConnectError> {
    if is_pem(bytes) {
        return credentials::certificates(PemSource::Memory(bytes), what);
    }
    // A DER certificate is an ASN.1 SEQUENCE; anything else is neither.
    if bytes.first() != Some(&0x30) {
        return Err(ConnectError::Credentials(format!(
            "{what}: neither PEM nor a DER certificate"
        )));
    }
    Ok(vec![CertificateDer::from(bytes.to_vec())])
}

/// Parses a private key from PEM or DER (PKCS#8, SEC1 or PKCS#1).
fn private_key(bytes: &[u8]) -> Result<PrivateKeyDer<'static>, ConnectError> {
    if is_pem(bytes) {
        return credentials::private_key(PemSource::Memory(bytes));
    }
    PrivateKeyDer::try_from(bytes)
        .map(|key| key.clone_key())
        .map_err(|e| ConnectError::Credentials(format!("private key: {e}")))
}

/// The parsed, checked configuration.
struct Settings {
    config: ClientConfig,
    name: ServerName<'static>,
    handshake_timeout_ms: u32,
    clock: RsmqttTlsGetTimeMs_t,
    asked: Arc<AtomicBool>,
}

/// Reads an optional (pointer, length) range: NULL with 0 is absent; a
/// pointer without a length or a length without a pointer is an error.
///
/// # Safety
/// A non-NULL `p` must be readable for `len` bytes.
unsafe fn range<'a>(p: *const u8, len: usize, what: &str) -> Result<Option<&'a [u8]>, String> {
    match (p.is_null(), len) {
        (true, 0) => Ok(None),
        (true, _) => Err(format!("{what} is NULL but its length is {len}")),
        (false, 0) => Err(format!("{what} is set but its length is 0")),
        (false, _) if len > isize::MAX as usize => Err(format!("{what}: length {len} too large")),
        // SAFETY: per the contract.
        (false, _) => Ok(Some(unsafe { core::slice::from_raw_parts(p, len) })),
    }
}

/// Splits an ALPN wire-format list into protocol names.
fn alpn_list(wire: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut names = Vec::new();
    let mut rest = wire;
    while let Some((&len, tail)) = rest.split_first() {
        let len = usize::from(len);
        let name = tail
            .get(..len)
            .filter(|n| !n.is_empty())
            .ok_or("ALPN list is not in wire format (length byte, name)")?;
        names.push(name.to_vec());
        rest = &tail[len..];
    }
    Ok(names)
}

/// Builds the rustls configuration from the C one.
///
/// # Safety
/// The pointers in `c` follow the field documentation of [`RsmqttTlsConfig`].
unsafe fn settings(c: &RsmqttTlsConfig_t) -> Result<Settings, ConnectError> {
    let invalid = ConnectError::InvalidParameter;
    // SAFETY (the three ranges): per the field documentation.
    let root_ca = unsafe { range(c.pRootCa, c.rootCaLength, "pRootCa") }.map_err(invalid)?;
    let cert =
        unsafe { range(c.pClientCert, c.clientCertLength, "pClientCert") }.map_err(invalid)?;
    let key =
        unsafe { range(c.pPrivateKey, c.privateKeyLength, "pPrivateKey") }.map_err(invalid)?;
    // SAFETY: per the field documentation.
    let alpn =
        unsafe { range(c.pAlpnProtos, c.alpnProtosLength, "pAlpnProtos") }.map_err(invalid)?;
    if c.pServerName.is_null() {
        return Err(invalid("pServerName is NULL".into()));
    }
    // SAFETY: non-NULL and NUL-terminated per the field documentation.
    let name = unsafe { CStr::from_ptr(c.pServerName) }
        .to_str()
        .ok()
        .filter(|n| !n.is_empty())
        .ok_or_else(|| invalid("pServerName is empty or not UTF-8".into()))?;
    let name = ServerName::try_from(name.to_owned())
        .map_err(|e| invalid(format!("server name \"{name}\": {e}")))?;
    let Some(root_ca) = root_ca else {
        return Err(invalid(
            "no root CA given (there are no built-in trust roots)".into(),
        ));
    };
    let alpn_protocols = alpn_list(alpn.unwrap_or_default()).map_err(invalid)?;
    if c.maxFragmentLength != 0 && !(32..=16389).contains(&c.maxFragmentLength) {
        return Err(invalid(format!(
            "maxFragmentLength {} outside 32..=16389",
            c.maxFragmentLength
        )));
    }

    let provider = provider();
    let mut roots = RootCertStore::empty();
    for ca in certificates(root_ca, "root CA")? {
        roots.add(ca).map_err(|e| {
            ConnectError::Credentials(format!("root CA: unusable certificate: {e}"))
        })?;
    }
    let identity = match (cert, key) {
        (Some(cert), Some(key)) => {
            let chain = certificates(cert, "client certificate")?;
            let key = private_key(key)?;
            let certified = CertifiedKey::from_der(chain, key, &provider).map_err(|e| {
                ConnectError::Credentials(format!("client certificate and key: {e}"))
            })?;
            Some(Arc::new(certified))
        }
        (None, None) => None,
        (Some(_), None) => {
            return Err(invalid("client certificate without a private key".into()));
        }
        (None, Some(_)) => {
            return Err(invalid("private key without a client certificate".into()));
        }
    };
    let asked = Arc::new(AtomicBool::new(false));
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ConnectError::Handshake(format!("TLS configuration: {e}")))?
        .with_root_certificates(roots)
        .with_client_cert_resolver(Arc::new(ClientIdentity {
            identity,
            asked: asked.clone(),
        }));
    config.enable_sni = !c.disableSni;
    config.alpn_protocols = alpn_protocols;
    if c.maxFragmentLength != 0 {
        config.max_fragment_size = Some(usize::from(c.maxFragmentLength));
    }
    Ok(Settings {
        config,
        name,
        handshake_timeout_ms: match c.handshakeTimeoutMs {
            0 => DEFAULT_HANDSHAKE_TIMEOUT_MS,
            ms => ms,
        },
        clock: c.getTimeMs,
        asked,
    })
}

/// A TLS session over the application's transport.
#[derive(Debug)]
pub struct TlsOverTransport {
    conn: ClientConnection,
    inner: Inner,
}

impl TlsOverTransport {
    /// Writes queued TLS records to the inner transport until all are out
    /// (`Ok(true)`) or it takes no more now (`Ok(false)`).
    fn flush(&mut self) -> io::Result<bool> {
        while self.conn.wants_write() {
            match self.conn.write_tls(&mut self.inner) {
                Ok(_) => {}
                Err(e) if would_block(&e) => return Ok(false),
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }

    /// Reads what the inner transport has and lets rustls process it:
    /// `Ok(true)` when bytes came in, `Ok(false)` when none did.
    fn pull(&mut self) -> Result<bool, Failure> {
        match self.conn.read_tls(&mut self.inner) {
            Ok(0) => Err(Failure::Transport(0)),
            Ok(_) => {
                if let Err(e) = self.conn.process_new_packets() {
                    // Best effort: tell the server why (rustls queued an
                    // alert).
                    let _ = self.flush();
                    return Err(ConnectError::from_tls(&e).into());
                }
                Ok(true)
            }
            Err(e) if would_block(&e) => Ok(false),
            Err(e) => Err(Failure::from_io(e)),
        }
    }

    /// Drives the handshake to its end within the time limit.
    fn handshake(&mut self, clock: Clock, limit_ms: u32) -> Result<(), Failure> {
        loop {
            let all_out = self.flush().map_err(Failure::from_io)?;
            if !self.conn.is_handshaking() && all_out {
                return Ok(());
            }
            if self.conn.wants_read() && self.pull()? {
                continue;
            }
            if clock.elapsed_ms() >= limit_ms {
                return Err(ConnectError::HandshakeTimeout.into());
            }
        }
    }

    /// After a TLS 1.3 handshake with client authentication the client is
    /// done before the server has judged its certificate; a rejection would
    /// only surface on the first MQTT read. Wait (bounded) for the server's
    /// first record: session tickets mean accepted, an alert rejected.
    /// Application data arriving meanwhile stays buffered for `recv`.
    fn await_client_auth_verdict(&mut self, clock: Clock, limit_ms: u32) -> Result<(), Failure> {
        let before = self.inner.records.complete;
        loop {
            // Every read is processed at once, so a complete record that
            // held an alert has already failed `pull`.
            self.pull()?;
            if self.inner.records.complete > before {
                return Ok(());
            }
            // The server stayed quiet: nothing says it rejected us.
            if clock.elapsed_ms() >= limit_ms {
                return Ok(());
            }
        }
    }

    /// Receives decrypted bytes: the count, 0 when nothing (complete)
    /// arrived now, -1 on error or when the server ended the session.
    pub fn recv(&mut self, buf: &mut [u8]) -> i32 {
        let len = buf.len().min(i32::MAX as usize);
        let Some(buf) = buf.get_mut(..len).filter(|b| !b.is_empty()) else {
            return 0;
        };
        // Records queued by an earlier send go out first.
        if let Err(e) = self.flush() {
            log::error!("rsmqtt TLS: sending queued records failed: {e}");
            return -1;
        }
        loop {
            match self.conn.reader().read(buf) {
                Ok(0) => {
                    log::error!("rsmqtt TLS: the server closed the TLS session");
                    return -1;
                }
                Ok(n) => return n as i32,
                Err(e) if would_block(&e) => {}
                Err(e) => {
                    log::error!("rsmqtt TLS: receive failed: {e}");
                    return -1;
                }
            }
            match self.pull() {
                Ok(true) => {}
                Ok(false) => return 0,
                Err(e) => {
                    log::error!("rsmqtt TLS: receive failed: {e}");
                    return -1;
                }
            }
        }
    }

    /// Encrypts and sends the bytes of `bufs`: the count accepted, 0 when
    /// earlier records are still waiting for the inner transport, -1 on
    /// error. Accepted bytes are in records that go out now, or, when the
    /// inner transport takes no more, with the next send or receive call.
    pub fn send_vectored(&mut self, bufs: &[IoSlice<'_>]) -> i32 {
        match self.flush() {
            Ok(true) => {}
            Ok(false) => return 0,
            Err(e) => {
                log::error!("rsmqtt TLS: send failed: {e}");
                return -1;
            }
        }
        let mut total = 0usize;
        for buf in bufs {
            let room = i32::MAX as usize - total;
            let chunk = &buf[..buf.len().min(room)];
            match self.conn.writer().write(chunk) {
                Ok(n) => {
                    total += n;
                    if n < buf.len() {
                        break;
                    }
                }
                Err(e) => {
                    log::error!("rsmqtt TLS: send failed: {e}");
                    return -1;
                }
            }
        }
        if let Err(e) = self.flush() {
            log::error!("rsmqtt TLS: send failed: {e}");
            return -1;
        }
        total as i32
    }

    /// Sends close_notify (best effort: one attempt through the inner
    /// transport).
    fn close(mut self) {
        self.conn.send_close_notify();
        let _ = self.flush();
    }

    /// The negotiated protocol version and ALPN protocol, for the log.
    fn describe(&self) -> String {
        format!(
            "{:?}, {:?}, ALPN {:?}",
            self.conn.protocol_version(),
            self.conn.negotiated_cipher_suite().map(|s| s.suite()),
            self.conn.alpn_protocol().map(String::from_utf8_lossy)
        )
    }
}

/// Builds the session and runs the handshake.
///
/// # Safety
/// `inner` holds the application's valid transport functions and context;
/// `config` follows the field documentation.
unsafe fn connect(
    inner: TransportInterface_t,
    config: &RsmqttTlsConfig_t,
) -> Result<TlsOverTransport, Failure> {
    if inner.recv.is_none() || inner.send.is_none() {
        return Err(ConnectError::InvalidParameter(
            "the inner transport has no recv or no send function".into(),
        )
        .into());
    }
    // SAFETY: per this function's contract.
    let settings = unsafe { settings(config) }?;
    let clock = Clock::start(settings.clock);
    let conn = ClientConnection::new(Arc::new(settings.config), settings.name)
        .map_err(|e| ConnectError::Handshake(e.to_string()))?;
    let mut session = TlsOverTransport {
        conn,
        inner: Inner {
            iface: inner,
            records: Records::default(),
        },
    };
    session.handshake(clock, settings.handshake_timeout_ms)?;
    if settings.asked.load(Ordering::Relaxed)
        && session.conn.protocol_version() == Some(rustls::ProtocolVersion::TLSv1_3)
    {
        let limit = settings
            .handshake_timeout_ms
            .saturating_sub(clock.elapsed_ms())
            .min(CLIENT_AUTH_VERDICT_WAIT_MS);
        session.await_client_auth_verdict(Clock::start(settings.clock), limit)?;
    }
    log::debug!("rsmqtt TLS: session up ({})", session.describe());
    Ok(session)
}

/// Runs `io` on the session behind a TLS transport context; -1 (logged)
/// when a pointer is NULL, the context is not connected or another call is
/// using the session.
///
/// # Safety
/// `ctx` NULL or a context that is zeroed or was connected by
/// `RsmqttTls_Connect`.
unsafe fn with_session(
    ctx: *mut NetworkContext_t,
    io: impl FnOnce(&mut TlsOverTransport) -> i32,
) -> i32 {
    let ctx = ctx.cast::<RsmqttTlsContext_t>();
    if ctx.is_null() {
        log::error!("rsmqtt TLS: invalid parameter: pNetworkContext is NULL");
        return -1;
    }
    // SAFETY: per the contract, a readable context.
    let session = unsafe { (*ctx).pSession }.cast::<Mutex<TlsOverTransport>>();
    if session.is_null() {
        log::error!("rsmqtt TLS: the TLS transport is not connected");
        return -1;
    }
    // SAFETY: a non-NULL pSession is the box RsmqttTls_Connect leaked,
    // alive until RsmqttTls_Disconnect.
    let mutex = unsafe { &*session };
    match mutex.try_lock() {
        Ok(mut guard) => io(&mut guard),
        Err(TryLockError::WouldBlock) => {
            log::error!("rsmqtt TLS: the session is in use by another call");
            -1
        }
        Err(TryLockError::Poisoned(_)) => {
            log::error!("rsmqtt TLS: session unusable after an earlier internal error");
            -1
        }
    }
}

/// Runs the TLS handshake over the application's plaintext transport
/// `pInnerTransport` (copied: its functions and context must stay valid
/// until `RsmqttTls_Disconnect`) and, on success, stores the session in
/// `pContext` and fills `pTlsTransport` (optional) with the TLS transport
/// to hand to `MQTT_Init`: `RsmqttTls_Recv`, `RsmqttTls_Send`,
/// `RsmqttTls_Writev` and `pContext` as its network context.
///
/// Every failure is logged with its cause; see [`RsmqttTlsStatus`]. After a
/// failure the context holds no session and the inner transport is as the
/// handshake left it (close it).
///
/// # Safety
/// `pContext` NULL or a zeroed or disconnected context at an address that
/// stays fixed while connected; `pInnerTransport`, `pConfig` and
/// `pTlsTransport` NULL or valid, the pointers in them following their
/// documentation.
#[no_mangle]
pub unsafe extern "C" fn RsmqttTls_Connect(
    pContext: *mut RsmqttTlsContext_t,
    pInnerTransport: *const TransportInterface_t,
    pConfig: *const RsmqttTlsConfig_t,
    pTlsTransport: *mut TransportInterface_t,
) -> RsmqttTlsStatus_t {
    guard(RsmqttTlsStatus::RSMQTT_TLS_INTERNAL_ERROR, || {
        let invalid = |what: &str| {
            log::error!("rsmqtt TLS: invalid parameter: {what}");
            RsmqttTlsStatus::RSMQTT_TLS_INVALID_PARAMETER
        };
        if pContext.is_null() || pInnerTransport.is_null() || pConfig.is_null() {
            return invalid("pContext, pInnerTransport or pConfig is NULL");
        }
        // SAFETY: non-NULL and valid per this function's contract.
        if !unsafe { (*pContext).pSession }.is_null() {
            return invalid("the context already holds a session (disconnect first, or zero it)");
        }
        // SAFETY: non-NULL and valid per this function's contract.
        let (inner, config) = unsafe { (*pInnerTransport, &*pConfig) };
        // SAFETY: per this function's contract.
        match unsafe { connect(inner, config) } {
            Ok(session) => {
                let boxed = Box::new(Mutex::new(session));
                // SAFETY: pContext is non-NULL and writable.
                unsafe { (*pContext).pSession = Box::into_raw(boxed).cast() };
                if !pTlsTransport.is_null() {
                    // SAFETY: non-NULL and writable per the contract.
                    unsafe {
                        pTlsTransport.write(TransportInterface_t {
                            recv: Some(RsmqttTls_Recv),
                            send: Some(RsmqttTls_Send),
                            writev: Some(RsmqttTls_Writev),
                            pNetworkContext: pContext.cast(),
                        })
                    };
                }
                RsmqttTlsStatus::RSMQTT_TLS_SUCCESS
            }
            Err(failure) => {
                log::error!("rsmqtt TLS: {failure}");
                failure.status()
            }
        }
    })
}

/// Sends close_notify through the inner transport (one attempt), frees the
/// session and clears `pContext->pSession`. The inner transport stays open:
/// close it afterwards.
///
/// `RSMQTT_TLS_SUCCESS` also for a context without a session (zeroed, or
/// already disconnected); `RSMQTT_TLS_INVALID_PARAMETER` for NULL.
///
/// # Safety
/// `pContext` NULL or a context that is zeroed or was connected by
/// `RsmqttTls_Connect`, not in use by another call.
#[no_mangle]
pub unsafe extern "C" fn RsmqttTls_Disconnect(
    pContext: *mut RsmqttTlsContext_t,
) -> RsmqttTlsStatus_t {
    guard(RsmqttTlsStatus::RSMQTT_TLS_INTERNAL_ERROR, || {
        if pContext.is_null() {
            log::error!("rsmqtt TLS: invalid parameter: pContext is NULL");
            return RsmqttTlsStatus::RSMQTT_TLS_INVALID_PARAMETER;
        }
        // SAFETY: non-NULL and writable per the contract; the pointer is
        // cleared before the box is reclaimed, so that happens once.
        let session = unsafe {
            let session = (*pContext).pSession.cast::<Mutex<TlsOverTransport>>();
            (*pContext).pSession = core::ptr::null_mut();
            session
        };
        if !session.is_null() {
            // SAFETY: the box RsmqttTls_Connect leaked.
            let session = unsafe { Box::from_raw(session) };
            match session.into_inner() {
                Ok(session) => session.close(),
                Err(poisoned) => drop(poisoned.into_inner()),
            }
        }
        RsmqttTlsStatus::RSMQTT_TLS_SUCCESS
    })
}

/// Receives up to `bytesToRecv` decrypted bytes: the count, 0 when no
/// complete record arrived through the inner transport now, a negative value
/// on error, when the server ended the session, or when not connected.
///
/// # Safety
/// `pNetworkContext` NULL or the `RsmqttTlsContext_t` of a connected (or
/// zeroed) session; `pBuffer` NULL or writable for `bytesToRecv` bytes.
#[no_mangle]
pub unsafe extern "C" fn RsmqttTls_Recv(
    pNetworkContext: *mut NetworkContext_t,
    pBuffer: *mut c_void,
    bytesToRecv: usize,
) -> i32 {
    guard(-1, || {
        if pBuffer.is_null() {
            log::error!("rsmqtt TLS: invalid parameter: pBuffer is NULL");
            return -1;
        }
        // One call moves at most i32::MAX bytes (the return type), and a
        // slice may not exceed isize::MAX: clamp before borrowing.
        let len = bytesToRecv.min(i32::MAX as usize);
        // SAFETY: non-NULL and writable for bytesToRecv >= len bytes per
        // the contract.
        let buf = unsafe { core::slice::from_raw_parts_mut(pBuffer.cast::<u8>(), len) };
        // SAFETY: per the contract.
        unsafe { with_session(pNetworkContext, |s| s.recv(buf)) }
    })
}

/// Encrypts and sends up to `bytesToSend` bytes: the count accepted, 0 when
/// earlier records still wait for the inner transport, a negative value on
/// error or when not connected.
///
/// # Safety
/// `pNetworkContext` as for [`RsmqttTls_Recv`]; `pBuffer` NULL or readable
/// for `bytesToSend` bytes.
#[no_mangle]
pub unsafe extern "C" fn RsmqttTls_Send(
    pNetworkContext: *mut NetworkContext_t,
    pBuffer: *const c_void,
    bytesToSend: usize,
) -> i32 {
    guard(-1, || {
        if pBuffer.is_null() {
            log::error!("rsmqtt TLS: invalid parameter: pBuffer is NULL");
            return -1;
        }
        // As in RsmqttTls_Recv: at most i32::MAX bytes per call.
        let len = bytesToSend.min(i32::MAX as usize);
        // SAFETY: non-NULL and readable for bytesToSend >= len bytes per the
        // contract.
        let buf = unsafe { core::slice::from_raw_parts(pBuffer.cast::<u8>(), len) };
        // SAFETY: per the contract.
        unsafe { with_session(pNetworkContext, |s| s.send_vectored(&[IoSlice::new(buf)])) }
    })
}

/// Borrows coreMQTT's I/O vectors, at most `i32::MAX` bytes in all (what one
/// call can report; later bytes are left for the next call, as a short write
/// leaves them): `None` for a NULL array or a NULL base with a length.
///
/// # Safety
/// A non-NULL `vecs` points to `count` vectors, each readable for `iov_len`
/// bytes at `iov_base`.
unsafe fn vectors<'a>(vecs: *const TransportOutVector_t, count: usize) -> Option<Vec<IoSlice<'a>>> {
    if count == 0 {
        return Some(Vec::new());
    }
    // A count whose array would pass isize::MAX bytes is a corrupted
    // integer, not an array.
    let max_count = isize::MAX as usize / core::mem::size_of::<TransportOutVector_t>();
    if vecs.is_null() || count > max_count {
        return None;
    }
    // SAFETY: per the contract, `count` vectors (bounded above).
    let vecs = unsafe { core::slice::from_raw_parts(vecs, count) };
    let mut room = i32::MAX as usize;
    let mut slices = Vec::with_capacity(vecs.len());
    for v in vecs {
        let len = v.iov_len.min(room);
        if len == 0 {
            continue;
        }
        if v.iov_base.is_null() {
            return None;
        }
        // SAFETY: per the contract, iov_len >= len readable bytes.
        slices.push(IoSlice::new(unsafe {
            core::slice::from_raw_parts(v.iov_base.cast::<u8>(), len)
        }));
        room -= len;
    }
    Some(slices)
}

/// Sends the bytes of several vectors in as few records as fit: same
/// return values as [`RsmqttTls_Send`], counting bytes across all vectors.
///
/// # Safety
/// `pNetworkContext` as for [`RsmqttTls_Recv`]; `pIoVec` NULL or
/// `ioVecCount` vectors, each readable for `iov_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn RsmqttTls_Writev(
    pNetworkContext: *mut NetworkContext_t,
    pIoVec: *mut TransportOutVector_t,
    ioVecCount: usize,
) -> i32 {
    guard(-1, || {
        // SAFETY: per the contract.
        let Some(slices) = (unsafe { vectors(pIoVec, ioVecCount) }) else {
            log::error!("rsmqtt TLS: invalid parameter: NULL I/O vector or vector base");
            return -1;
        };
        // SAFETY: per the contract.
        unsafe { with_session(pNetworkContext, |s| s.send_vectored(&slices)) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpn_wire_format_is_split_and_checked() {
        assert_eq!(
            alpn_list(b"\x04mqtt\x02h2").unwrap(),
            vec![b"mqtt".to_vec(), b"h2".to_vec()]
        );
        assert!(alpn_list(b"\x05mqtt").is_err());
        assert!(alpn_list(b"\x00").is_err());
    }

    #[test]
    fn pem_is_told_from_der() {
        assert!(is_pem(b"\n  -----BEGIN CERTIFICATE-----\n"));
        assert!(!is_pem(&[0x30, 0x82, 0x01]));
        assert!(matches!(
            certificates(b"not a certificate", "root CA"),
            Err(ConnectError::Credentials(_))
        ));
        assert!(matches!(
            private_key(b"\x01\x02garbage"),
            Err(ConnectError::Credentials(_))
        ));
    }

    #[test]
    fn inner_return_values_are_checked() {
        assert_eq!(Inner::checked(5, 8).unwrap(), 5);
        assert!(would_block(&Inner::checked(0, 8).unwrap_err()));
        assert_eq!(inner_failure(&Inner::checked(-3, 8).unwrap_err()), Some(-3));
        // More than asked is a broken transport, not data.
        let e = Inner::checked(9, 8).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert_eq!(inner_failure(&e), None);
    }

    #[test]
    fn records_are_counted_across_any_split() {
        // Two records: 3 body bytes, then an empty one, then a partial one.
        let stream = [23, 3, 3, 0, 3, 1, 2, 3, 21, 3, 3, 0, 0, 23, 3, 3, 0, 9, 1];
        for chunk in 1..=stream.len() {
            let mut records = Records::default();
            for piece in stream.chunks(chunk) {
                records.feed(piece);
            }
            assert_eq!(records.complete, 2, "chunks of {chunk}");
            assert_eq!(records.body_left, 8, "chunks of {chunk}");
        }
    }

    #[test]
    fn io_vectors_are_checked() {
        let data = [1u8, 2, 3];
        let vec = |base: *const u8, len| TransportOutVector_t {
            iov_base: base.cast(),
            iov_len: len,
        };
        let good = [vec(data.as_ptr(), 3), vec(core::ptr::null(), 0)];
        let slices = unsafe { vectors(good.as_ptr(), 2) }.unwrap();
        assert_eq!(slices.len(), 1);
        assert_eq!(&*slices[0], &data);
        let bad = [vec(core::ptr::null(), 3)];
        assert!(unsafe { vectors(bad.as_ptr(), 1) }.is_none());
        assert!(unsafe { vectors(core::ptr::null(), 1) }.is_none());
        assert!(unsafe { vectors(core::ptr::null(), 0) }.unwrap().is_empty());
    }

    #[test]
    fn layouts() {
        assert_eq!(core::mem::size_of::<RsmqttTlsContext_t>(), 8);
        assert_eq!(core::mem::size_of::<RsmqttTlsConfig_t>(), 88);
        assert_eq!(core::mem::offset_of!(RsmqttTlsConfig_t, pServerName), 48);
        assert_eq!(core::mem::offset_of!(RsmqttTlsConfig_t, disableSni), 56);
        assert_eq!(
            core::mem::offset_of!(RsmqttTlsConfig_t, handshakeTimeoutMs),
            60
        );
        assert_eq!(RsmqttTlsStatus::RSMQTT_TLS_INTERNAL_ERROR as u32, 8);
    }
}
