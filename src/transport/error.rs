//! Why a connection attempt failed.

use core::fmt;
use std::io;
use std::net::SocketAddr;

/// The cause of a failed connect, precise enough for the application to act
/// on it (fix a host name, a certificate, a port) and for the C layer to map
/// it to a status code. Its `Display` text is what gets logged.
#[derive(Debug)]
pub enum ConnectError {
    /// A parameter was missing or malformed (what is wrong, as text).
    InvalidParameter(String),
    /// The host name did not resolve to any address.
    Dns {
        /// The name that was looked up.
        host: String,
        /// The resolver's message.
        detail: String,
    },
    /// The server actively refused the TCP connection (nothing listens).
    Refused(SocketAddr),
    /// The TCP connection was not established within the connect timeout.
    Timeout(SocketAddr),
    /// Another TCP connect failure (unreachable network, ...).
    Connect(SocketAddr, io::Error),
    /// A socket system call failed after the connection was made.
    System(io::Error),
    /// Credentials could not be read or used: unreadable file, invalid PEM,
    /// no certificate in a CA file, a key that does not match its certificate.
    Credentials(String),
    /// The server certificate failed verification against the configured CA
    /// or server name.
    ServerCertificate(rustls::CertificateError),
    /// The server aborted the handshake with a TLS alert, e.g. because it
    /// requires or rejected our client certificate.
    PeerAlert(rustls::AlertDescription),
    /// The TLS handshake did not finish within the receive/send timeout.
    HandshakeTimeout,
    /// Any other TLS handshake failure (protocol error, connection closed).
    Handshake(String),
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectError::InvalidParameter(what) => write!(f, "invalid parameter: {what}"),
            ConnectError::Dns { host, detail } => {
                write!(f, "DNS resolution of \"{host}\" failed: {detail}")
            }
            ConnectError::Refused(addr) => write!(f, "connection to {addr} refused"),
            ConnectError::Timeout(addr) => write!(f, "connection to {addr} timed out"),
            ConnectError::Connect(addr, e) => write!(f, "connection to {addr} failed: {e}"),
            ConnectError::System(e) => write!(f, "socket system call failed: {e}"),
            ConnectError::Credentials(what) => write!(f, "invalid TLS credentials: {what}"),
            ConnectError::ServerCertificate(e) => {
                write!(f, "server certificate rejected: {e}")
            }
            ConnectError::PeerAlert(alert) => {
                write!(
                    f,
                    "TLS handshake aborted by the server with alert {alert:?}"
                )
            }
            ConnectError::HandshakeTimeout => write!(f, "TLS handshake timed out"),
            ConnectError::Handshake(what) => write!(f, "TLS handshake failed: {what}"),
        }
    }
}

impl std::error::Error for ConnectError {}

impl ConnectError {
    /// Classifies an error from the TLS handshake: rustls errors travel
    /// inside `io::Error`, a socket timeout shows up as `WouldBlock`.
    pub(crate) fn from_handshake_io(err: io::Error) -> ConnectError {
        if let Some(tls) = err
            .get_ref()
            .and_then(|e| e.downcast_ref::<rustls::Error>())
        {
            return ConnectError::from_tls(tls);
        }
        match err.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => ConnectError::HandshakeTimeout,
            io::ErrorKind::UnexpectedEof => {
                ConnectError::Handshake("the server closed the connection".into())
            }
            _ => ConnectError::Handshake(err.to_string()),
        }
    }

    /// Classifies a rustls error seen during the handshake.
    pub(crate) fn from_tls(err: &rustls::Error) -> ConnectError {
        match err {
            rustls::Error::InvalidCertificate(e) => ConnectError::ServerCertificate(e.clone()),
            rustls::Error::AlertReceived(alert) => ConnectError::PeerAlert(*alert),
            other => ConnectError::Handshake(other.to_string()),
        }
    }

    /// Logs the failure with `log::error!`, naming its cause, and returns it.
    pub(crate) fn logged(self) -> ConnectError {
        log::error!("rsmqtt transport: {self}");
        self
    }
}
