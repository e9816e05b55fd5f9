//! The client's connection to the broker (plain TCP, or TLS through
//! [`crate::transport::tls::TlsSession`]) and the receive and send calls the
//! engine's NetX port makes on it.
//!
//! Reads use a 1 ms socket timeout so that a receive with nothing to read
//! returns 0 ("nothing now") as coreMQTT expects, and the client thread never
//! holds the engine lock for long. Writes block up to [`SEND_TIMEOUT`].

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::AsRawFd;
use std::time::Duration;

use crate::transport::tcp;
use crate::transport::tls::TlsSession;

/// How long a send may block before the engine sees a failure.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Socket read timeout while the engine runs: a receive with no data returns
/// 0 after this long.
pub const RECV_POLL: Duration = Duration::from_millis(1);

/// An established byte stream to the broker.
pub enum Stream {
    /// MQTT over TCP.
    Plain(TcpStream),
    /// MQTT over TLS (rustls) over TCP: the transport module's session.
    Tls(Box<TlsSession>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(tcp) => tcp,
            Stream::Tls(tls) => tls.tcp_stream(),
        }
    }

    /// The socket's file descriptor, for polling without the engine lock.
    pub fn raw_fd(&self) -> i32 {
        self.tcp().as_raw_fd()
    }

    /// Whether rustls already holds decrypted bytes that a poll on the socket
    /// would not announce.
    pub fn has_buffered_plaintext(&mut self) -> bool {
        match self {
            Stream::Plain(_) => false,
            Stream::Tls(tls) => tls.has_buffered_plaintext(),
        }
    }

    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(tcp) => tcp.read(buf),
            Stream::Tls(tls) => tls.read(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            Stream::Plain(tcp) => tcp.write_all(buf),
            Stream::Tls(tls) => tls.write_all(buf),
        }
    }

    /// Sends a TLS close_notify (if TLS) and closes the socket.
    pub fn close(self) {
        match self {
            Stream::Plain(tcp) => {
                let _ = tcp.shutdown(Shutdown::Both);
            }
            Stream::Tls(tls) => tls.close(),
        }
    }
}

/// The stream plus bookkeeping the client thread reads after each engine
/// call.
#[derive(Default)]
pub struct Link {
    /// The connection, if any.
    pub stream: Option<Stream>,
    /// Bytes delivered to the engine since the client last reset it.
    pub bytes_in: usize,
    /// The last TLS error a read or write reported (for example the alert a
    /// broker sends when it rejects the client certificate, which TLS 1.3
    /// only delivers after the handshake).
    pub tls_error: Option<rustls::Error>,
}

impl Link {
    /// Installs a fresh stream with the engine-time socket options.
    pub fn install(&mut self, stream: Stream) {
        let tcp = stream.tcp();
        let _ = tcp.set_read_timeout(Some(RECV_POLL));
        let _ = tcp.set_write_timeout(Some(SEND_TIMEOUT));
        let _ = tcp.set_nodelay(true);
        self.stream = Some(stream);
        self.bytes_in = 0;
        self.tls_error = None;
    }

    /// Remembers a TLS error carried by an I/O error.
    fn note(&mut self, error: &std::io::Error) {
        if let Some(tls) = error
            .get_ref()
            .and_then(|e| e.downcast_ref::<rustls::Error>())
        {
            self.tls_error = Some(tls.clone());
        }
    }
}

/// Asks Linux to acknowledge received segments at once instead of delaying
/// the ACK (up to 40 ms). Brokers that leave Nagle's algorithm on (Mosquitto
/// does by default) hold small acknowledgements until our ACK arrives, so
/// a delayed ACK would stall every exchange once the in-flight window is
/// full. The kernel clears the flag by itself, hence once per read.
#[cfg(target_os = "linux")]
fn quick_ack(fd: i32) {
    let on: libc::c_int = 1;
    // SAFETY: setsockopt reads `size_of::<c_int>()` bytes from `on`; a bad
    // descriptor only makes it fail, which is harmless here.
    unsafe {
        libc::setsockopt(
            fd,
            libc::IPPROTO_TCP,
            libc::TCP_QUICKACK,
            (&on as *const libc::c_int).cast(),
            core::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

/// Other systems have no such switch.
#[cfg(not(target_os = "linux"))]
fn quick_ack(_fd: i32) {}

/// Converts an I/O result to coreMQTT's transport convention: a timeout or
/// a signal is "nothing now" (0), any other error -1.
fn transport_result(result: std::io::Result<usize>) -> i32 {
    match result {
        Ok(n) => i32::try_from(n).unwrap_or(i32::MAX),
        Err(e) if tcp::is_transient(&e) => 0,
        Err(_) => -1,
    }
}

impl Link {
    /// Receives into `out`: the byte count, 0 when nothing arrived within
    /// [`RECV_POLL`], -1 on error or when the peer closed the connection.
    pub fn recv(&mut self, out: &mut [u8]) -> i32 {
        let Some(stream) = self.stream.as_mut() else {
            return -1;
        };
        let len = tcp::clamp_len(out.len());
        let out = out.get_mut(..len).unwrap_or_default();
        let fd = stream.raw_fd();
        let result = match stream.read(out) {
            Ok(0) if len > 0 => Err(std::io::Error::from(ErrorKind::UnexpectedEof)),
            other => other,
        };
        if let Err(e) = &result {
            self.note(e);
        }
        if let Ok(n) = result {
            quick_ack(fd);
            self.bytes_in += n;
        }
        transport_result(result)
    }

    /// Sends the concatenation of `parts` as one write (one TLS record for
    /// small packets): its length, or -1 on error.
    pub fn send(&mut self, parts: &[&[u8]]) -> i32 {
        let Some(stream) = self.stream.as_mut() else {
            return -1;
        };
        let total: usize = parts.iter().map(|p| p.len()).sum();
        if total == 0 {
            return 0;
        }
        if total > i32::MAX as usize {
            return -1;
        }
        let result = match parts {
            [one] => stream.write_all(one),
            _ => {
                let mut joined = Vec::with_capacity(total);
                for part in parts {
                    joined.extend_from_slice(part);
                }
                stream.write_all(&joined)
            }
        }
        .map(|()| total);
        if let Err(e) = &result {
            self.note(e);
        }
        transport_result(result)
    }
}
