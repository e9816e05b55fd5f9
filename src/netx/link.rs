//! The client's connection to the broker (plain TCP, or TLS through
//! [`crate::transport::tls::TlsSession`]) and the coreMQTT transport
//! functions the engine calls to use it.
//!
//! Reads use a 1 ms socket timeout so that a receive with nothing to read
//! returns 0 ("nothing now") as coreMQTT expects, and the client thread never
//! holds the engine lock for long. Writes block up to [`SEND_TIMEOUT`].

use core::ffi::c_void;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::AsRawFd;
use std::time::Duration;

use crate::coremqtt::transport_interface::{NetworkContext_t, TransportOutVector_t};
use crate::transport::tls::TlsSession;
use crate::transport::{self, tcp};

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

/// What `pNetworkContext` points at: the stream plus bookkeeping the client
/// thread reads after each engine call.
#[derive(Default)]
pub struct Link {
    /// The connection, if any.
    pub stream: Option<Stream>,
    /// Bytes delivered to the engine since the client last reset it.
    pub bytes_in: usize,
    /// While `Some`, the first bytes received are copied here: the CONNACK,
    /// whose return code coreMQTT does not report.
    pub tap: Option<heapless::Vec<u8, 4>>,
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

/// The [`Link`] behind the engine's context pointer, `None` for NULL.
///
/// # Safety
/// A non-NULL `ctx` points at a live `Link` used by no one else during the
/// call (the engine passes back the pointer the client gave it).
unsafe fn link_of<'a>(ctx: *mut NetworkContext_t) -> Option<&'a mut Link> {
    // SAFETY: caller contract.
    (!ctx.is_null()).then(|| unsafe { &mut *(ctx as *mut Link) })
}

/// coreMQTT receive function over a [`Link`].
///
/// # Safety
/// `ctx` points at a live `Link` used by no one else during the call;
/// `buf` holds `len` writable bytes.
pub unsafe extern "C" fn link_recv(
    ctx: *mut NetworkContext_t,
    buf: *mut c_void,
    len: usize,
) -> i32 {
    // SAFETY: caller contract.
    let Some(link) = (unsafe { link_of(ctx) }).filter(|_| !buf.is_null()) else {
        return -1;
    };
    let Some(stream) = link.stream.as_mut() else {
        return -1;
    };
    let len = tcp::clamp_len(len);
    // SAFETY: the engine hands us `len` writable bytes of its buffer.
    let out = unsafe { core::slice::from_raw_parts_mut(buf as *mut u8, len) };
    let fd = stream.raw_fd();
    let result = match stream.read(out) {
        // End of stream: the broker closed the connection.
        Ok(0) if len > 0 => Err(std::io::Error::from(ErrorKind::UnexpectedEof)),
        other => other,
    };
    if let Err(e) = &result {
        link.note(e);
    }
    if let Ok(n) = result {
        quick_ack(fd);
        link.bytes_in += n;
        if let Some(tap) = link.tap.as_mut() {
            for byte in out.iter().take(n) {
                if tap.push(*byte).is_err() {
                    break;
                }
            }
        }
    }
    transport_result(result)
}

/// coreMQTT send function over a [`Link`]: sends everything or fails.
///
/// # Safety
/// `ctx` points at a live `Link`; `buf` holds `len` readable bytes.
pub unsafe extern "C" fn link_send(
    ctx: *mut NetworkContext_t,
    buf: *const c_void,
    len: usize,
) -> i32 {
    // SAFETY: caller contract.
    let Some(link) = (unsafe { link_of(ctx) }).filter(|_| !buf.is_null() || len == 0) else {
        return -1;
    };
    let Some(stream) = link.stream.as_mut() else {
        return -1;
    };
    let len = tcp::clamp_len(len);
    if len == 0 {
        return 0;
    }
    // SAFETY: the engine hands us `len` readable bytes.
    let data = unsafe { core::slice::from_raw_parts(buf as *const u8, len) };
    let result = stream.write_all(data).map(|()| len);
    if let Err(e) = &result {
        link.note(e);
    }
    transport_result(result)
}

/// coreMQTT vectored send over a [`Link`]: the vectors go out as one write
/// (one TLS record for small packets).
///
/// # Safety
/// `ctx` points at a live `Link`; `iov` holds `count` vectors of readable
/// bytes.
pub unsafe extern "C" fn link_writev(
    ctx: *mut NetworkContext_t,
    iov: *mut TransportOutVector_t,
    count: usize,
) -> i32 {
    if ctx.is_null() {
        return -1;
    }
    // SAFETY: caller contract.
    let Some(slices) = (unsafe { transport::io_slices(iov, count) }) else {
        return -1;
    };
    let mut joined = Vec::with_capacity(slices.iter().map(|s| s.len()).sum());
    for slice in &slices {
        joined.extend_from_slice(slice);
    }
    if joined.len() > i32::MAX as usize {
        return -1;
    }
    // SAFETY: forwarded; `joined` holds its own length in bytes.
    unsafe { link_send(ctx, joined.as_ptr() as *const c_void, joined.len()) }
}
