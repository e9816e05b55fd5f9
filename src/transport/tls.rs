//! TLS over TCP with rustls (ring provider): server verification against the
//! application's CA, optional client certificate (mutual TLS), SNI and ALPN.

use super::credentials::{self, PemSource};
use super::error::ConnectError;
use super::tcp;
use rustls::client::ResolvesClientCert;
use rustls::pki_types::ServerName;
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, ClientConnection, SignatureScheme};
use std::io::{self, IoSlice, Read, Write};
use std::net::TcpStream;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Longest wait for the server's first post-handshake record when it asked
/// for a client certificate (see [`TlsSession::connect`]).
const CLIENT_AUTH_VERDICT_WAIT: Duration = Duration::from_secs(5);

/// What a TLS connection needs besides the address.
#[derive(Clone, Debug, Default)]
pub struct TlsOptions<'a> {
    /// CA certificate(s) that must have signed the server's certificate.
    /// Required: there are no built-in roots.
    pub root_ca: Option<PemSource<'a>>,
    /// Client certificate chain for mutual TLS (leaf first).
    pub client_cert: Option<PemSource<'a>>,
    /// The client certificate's private key.
    pub private_key: Option<PemSource<'a>>,
    /// Name sent in SNI and checked against the server certificate. `None`:
    /// no SNI, and the certificate is checked against the connect host.
    pub sni_host_name: Option<&'a str>,
    /// ALPN protocol names to offer, in preference order (empty: no ALPN).
    pub alpn_protocols: Vec<Vec<u8>>,
    /// Largest TLS record we send, in bytes (rustls accepts 32..=16389);
    /// `None` for the TLS maximum.
    pub max_fragment_size: Option<usize>,
}

/// The crypto provider of every rsmqtt TLS configuration (ring).
pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Builds the rustls client configuration for `options`; `asked` records
/// whether the server requested a client certificate.
fn client_config(
    options: &TlsOptions<'_>,
    asked: Arc<AtomicBool>,
) -> Result<ClientConfig, ConnectError> {
    let provider = provider();
    let roots = match options.root_ca {
        Some(source) => credentials::root_store(source)?,
        None => {
            return Err(ConnectError::InvalidParameter(
                "no root CA given (there are no built-in trust roots)".into(),
            ))
        }
    };
    let identity = match (options.client_cert, options.private_key) {
        (Some(cert), Some(key)) => {
            let chain = credentials::certificates(cert, "client certificate")?;
            let key = credentials::private_key(key)?;
            let certified = CertifiedKey::from_der(chain, key, &provider).map_err(|e| {
                ConnectError::Credentials(format!("client certificate and key: {e}"))
            })?;
            Some(Arc::new(certified))
        }
        (None, None) => None,
        (Some(_), None) => {
            return Err(ConnectError::InvalidParameter(
                "client certificate without a private key".into(),
            ))
        }
        (None, Some(_)) => {
            return Err(ConnectError::InvalidParameter(
                "private key without a client certificate".into(),
            ))
        }
    };
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ConnectError::Handshake(format!("TLS configuration: {e}")))?
        .with_root_certificates(roots)
        .with_client_cert_resolver(Arc::new(ClientIdentity { identity, asked }));
    config.enable_sni = options.sni_host_name.is_some();
    config.alpn_protocols.clone_from(&options.alpn_protocols);
    if let Some(size) = options.max_fragment_size {
        if !(32..=16389).contains(&size) {
            return Err(ConnectError::InvalidParameter(format!(
                "max fragment size {size} outside 32..=16389"
            )));
        }
        config.max_fragment_size = Some(size);
    }
    Ok(config)
}

/// Presents the client certificate (if any) and notes that the server asked
/// for one, which tells [`TlsSession::connect`] (and `tls_over`'s connect) to
/// wait for its verdict.
#[derive(Debug)]
pub(crate) struct ClientIdentity {
    pub(crate) identity: Option<Arc<CertifiedKey>>,
    pub(crate) asked: Arc<AtomicBool>,
}

impl ResolvesClientCert for ClientIdentity {
    fn resolve(&self, _hints: &[&[u8]], _schemes: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        self.asked.store(true, Ordering::Relaxed);
        self.identity.clone()
    }

    fn has_certs(&self) -> bool {
        self.identity.is_some()
    }
}

/// Starts a client connection, mapping rustls's refusal.
fn new_connection(
    config: Arc<ClientConfig>,
    name: ServerName<'static>,
) -> Result<ClientConnection, ConnectError> {
    ClientConnection::new(config, name).map_err(|e| ConnectError::Handshake(e.to_string()))
}

/// An established TLS connection.
#[derive(Debug)]
pub struct TlsSession {
    conn: ClientConnection,
    sock: TcpStream,
}

impl TlsSession {
    /// Connects to `host:port` over TCP and completes the TLS handshake.
    ///
    /// Timeouts (`None` = block) bound the TCP connect (send timeout), each
    /// handshake read and write, and later each `recv`/`send`.
    ///
    /// Under TLS 1.3 the client finishes its handshake before the server has
    /// checked the client certificate, so a rejection would otherwise only
    /// surface on the first read. When the server asked for a certificate,
    /// connect therefore waits (at most the receive timeout, capped at 5 s)
    /// for the server's first post-handshake record: session tickets mean
    /// accepted, an alert means rejected ([`ConnectError::PeerAlert`]).
    ///
    /// Failures are logged with `log::error!`.
    pub fn connect(
        host: &str,
        port: u16,
        options: &TlsOptions<'_>,
        send_timeout: Option<Duration>,
        recv_timeout: Option<Duration>,
    ) -> Result<TlsSession, ConnectError> {
        Self::connect_inner(host, port, options, send_timeout, recv_timeout)
            .map_err(ConnectError::logged)
    }

    /// Runs the TLS handshake over an already connected socket with a
    /// configuration the caller built (its own verifier, client
    /// certificate, ...) and the name to verify and send in SNI.
    ///
    /// The timeouts (`None` = block) become the socket's send and receive
    /// timeouts: they bound each handshake write and read, and later each
    /// `recv`/`send`. Unlike [`TlsSession::connect`] this does not wait for
    /// a TLS 1.3 server's verdict on the client certificate; a rejection
    /// then surfaces as an error from the first [`TlsSession::read`].
    /// Nothing is logged: the caller reports the failure in its own terms.
    pub fn handshake(
        sock: TcpStream,
        config: Arc<ClientConfig>,
        name: ServerName<'static>,
        send_timeout: Option<Duration>,
        recv_timeout: Option<Duration>,
    ) -> Result<TlsSession, ConnectError> {
        sock.set_read_timeout(recv_timeout)
            .and_then(|()| sock.set_write_timeout(send_timeout))
            .map_err(ConnectError::System)?;
        let conn = new_connection(config, name)?;
        TlsSession::complete_handshake(conn, sock)
    }

    /// Drives the handshake of `conn` over `sock` to its end.
    fn complete_handshake(
        mut conn: ClientConnection,
        mut sock: TcpStream,
    ) -> Result<TlsSession, ConnectError> {
        while conn.is_handshaking() {
            conn.complete_io(&mut sock)
                .map_err(ConnectError::from_handshake_io)?;
        }
        Ok(TlsSession { conn, sock })
    }

    fn connect_inner(
        host: &str,
        port: u16,
        options: &TlsOptions<'_>,
        send_timeout: Option<Duration>,
        recv_timeout: Option<Duration>,
    ) -> Result<TlsSession, ConnectError> {
        // Credentials first: a bad file should not cost a connection.
        let asked = Arc::new(AtomicBool::new(false));
        let config = client_config(options, asked.clone())?;
        let verify_name = options.sni_host_name.unwrap_or(host);
        let name = ServerName::try_from(verify_name.to_owned()).map_err(|e| {
            ConnectError::InvalidParameter(format!("server name \"{verify_name}\": {e}"))
        })?;
        let conn = new_connection(Arc::new(config), name)?;
        let sock = tcp::connect_unlogged(host, port, send_timeout, recv_timeout)?;
        let mut session = TlsSession::complete_handshake(conn, sock)?;
        if asked.load(Ordering::Relaxed)
            && session.conn.protocol_version() == Some(rustls::ProtocolVersion::TLSv1_3)
        {
            session.await_client_auth_verdict(recv_timeout)?;
        }
        log::debug!(
            "rsmqtt transport: TLS to {host}:{port} up ({:?}, ALPN {:?})",
            session.conn.protocol_version(),
            session.conn.alpn_protocol().map(String::from_utf8_lossy)
        );
        Ok(session)
    }

    /// Waits for the server's first record after the handshake (see
    /// [`TlsSession::connect`]). Application data that arrives meanwhile
    /// stays buffered in rustls for the next `recv`.
    fn await_client_auth_verdict(
        &mut self,
        recv_timeout: Option<Duration>,
    ) -> Result<(), ConnectError> {
        let wait = recv_timeout.map_or(CLIENT_AUTH_VERDICT_WAIT, |t| {
            t.min(CLIENT_AUTH_VERDICT_WAIT)
        });
        self.sock
            .set_read_timeout(Some(wait))
            .map_err(ConnectError::System)?;
        let verdict = loop {
            match self.conn.read_tls(&mut self.sock) {
                Ok(0) => {
                    break Err(ConnectError::Handshake(
                        "the server closed the connection after the handshake \
                         (client certificate rejected?)"
                            .into(),
                    ))
                }
                Ok(_) => {
                    break self
                        .conn
                        .process_new_packets()
                        .map(|_| ())
                        .map_err(|e| ConnectError::from_tls(&e))
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                // The server stayed quiet: nothing says it rejected us.
                Err(e) if tcp::is_transient(&e) => break Ok(()),
                Err(e) => break Err(ConnectError::Handshake(e.to_string())),
            }
        };
        self.sock
            .set_read_timeout(recv_timeout)
            .map_err(ConnectError::System)?;
        verdict
    }

    /// The socket under the TLS session (for `poll`/`select`).
    pub fn socket(&self) -> BorrowedFd<'_> {
        self.sock.as_fd()
    }

    /// The raw socket descriptor.
    pub fn raw_fd(&self) -> i32 {
        self.sock.as_raw_fd()
    }

    /// The ALPN protocol the server selected, if any.
    pub fn alpn_protocol(&self) -> Option<&[u8]> {
        self.conn.alpn_protocol()
    }

    /// Receives decrypted bytes into `buf`: the count, 0 when the receive
    /// timeout expired before any application data arrived, -1 on error
    /// (including the server closing the connection), logged.
    pub fn recv(&mut self, buf: &mut [u8]) -> i32 {
        let len = tcp::clamp_len(buf.len());
        let Some(buf) = buf.get_mut(..len).filter(|b| !b.is_empty()) else {
            return 0;
        };
        match self.read(buf) {
            Ok(n) => n as i32,
            Err(e) if tcp::is_transient(&e) => 0,
            Err(e) => {
                log::error!("rsmqtt transport: TLS receive failed: {e}");
                -1
            }
        }
    }

    /// Reads decrypted bytes into `buf`, waiting at most the receive timeout
    /// for the socket: the count (0 only for an empty `buf`); `WouldBlock`
    /// when nothing arrived in time; `UnexpectedEof` when the server ended
    /// the session or closed the connection; `InvalidData` carrying the
    /// `rustls::Error` when the server's data broke the protocol or held a
    /// fatal alert (e.g. a TLS 1.3 server rejecting the client
    /// certificate), as rustls's own stream adapters report it. Nothing is
    /// logged.
    pub fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let closed = |what: &str| Err(io::Error::new(io::ErrorKind::UnexpectedEof, what));
        loop {
            match self.conn.reader().read(buf) {
                Ok(0) if !buf.is_empty() => return closed("the server closed the TLS session"),
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
            // Post-handshake messages (key updates) may need an answer.
            self.flush_io()?;
            if self.conn.read_tls(&mut self.sock)? == 0 {
                return closed("the server closed the connection");
            }
            if let Err(e) = self.conn.process_new_packets() {
                // Best effort: tell the server why (rustls queued an alert).
                let _ = self.flush_io();
                return Err(io::Error::new(io::ErrorKind::InvalidData, e));
            }
        }
    }

    /// Whether rustls already holds decrypted bytes, which a poll on the
    /// socket would not announce (true also when it has an error to report).
    pub fn has_buffered_plaintext(&mut self) -> bool {
        self.conn
            .process_new_packets()
            .map(|state| state.plaintext_bytes_to_read() > 0)
            .unwrap_or(true)
    }

    /// Encrypts and sends the bytes of `bufs`: the count accepted, 0 when
    /// none could be (rustls's send buffer is full because the socket has
    /// not drained within the send timeout), -1 on error.
    ///
    /// Accepted bytes are in TLS records that are written to the socket
    /// before returning unless the send timeout expires; then they stay
    /// queued and go out with the next call.
    pub fn send_vectored(&mut self, bufs: &[IoSlice<'_>]) -> i32 {
        // Make room first if earlier records are still queued.
        if self.flush_logged().is_err() {
            return -1;
        }
        let mut total = 0usize;
        for buf in bufs {
            let room = tcp::clamp_len(usize::MAX) - total;
            let Some(chunk) = buf.get(..buf.len().min(room)) else {
                break;
            };
            match self.conn.writer().write(chunk) {
                Ok(n) => {
                    total += n;
                    if n < buf.len() {
                        break;
                    }
                }
                Err(e) => {
                    log::error!("rsmqtt transport: TLS send failed: {e}");
                    return -1;
                }
            }
        }
        if self.flush_logged().is_err() {
            return -1;
        }
        total as i32
    }

    /// Sends `buf`: same contract as [`TlsSession::send_vectored`].
    pub fn send(&mut self, buf: &[u8]) -> i32 {
        self.send_vectored(&[IoSlice::new(buf)])
    }

    /// Sends all of `buf`, waiting up to the send timeout for each socket
    /// write: `Ok` once every byte is on the socket, a `WouldBlock` error
    /// when the timeout expired first (the rest stays queued), another
    /// error when the socket failed. Nothing is logged.
    pub fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let mut rest = buf;
        loop {
            let accepted = self.conn.writer().write(rest)?;
            rest = rest.get(accepted..).unwrap_or_default();
            if !self.flush_io()? {
                return Err(io::ErrorKind::WouldBlock.into());
            }
            if rest.is_empty() {
                return Ok(());
            }
        }
    }

    /// Writes queued TLS records to the socket until done (`Ok(true)`) or
    /// the send timeout expires (`Ok(false)`).
    fn flush_io(&mut self) -> io::Result<bool> {
        while self.conn.wants_write() {
            match self.conn.write_tls(&mut self.sock) {
                Ok(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "the connection is closed for sending",
                    ))
                }
                Ok(_) => {}
                Err(e) if tcp::is_transient(&e) => return Ok(false),
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }

    /// [`TlsSession::flush_io`], logging a socket error.
    fn flush_logged(&mut self) -> Result<bool, ()> {
        self.flush_io().map_err(|e| {
            log::error!("rsmqtt transport: send failed: {e}");
        })
    }

    /// The TCP socket under the session (for socket options).
    pub fn tcp_stream(&self) -> &TcpStream {
        &self.sock
    }

    /// Ends the session: sends close_notify (best effort, bounded by the
    /// send timeout) and closes the socket.
    pub fn close(mut self) {
        self.conn.send_close_notify();
        let _ = self.flush_io();
        let _ = self.sock.shutdown(std::net::Shutdown::Both);
    }
}
