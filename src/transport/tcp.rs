//! TCP: resolving and connecting with timeouts, and the transport-interface
//! I/O contract on a connected socket.
//!
//! Receive and send timeouts are the socket's `SO_RCVTIMEO`/`SO_SNDTIMEO`, so
//! a call blocks at most that long; an expired timeout is reported as "0
//! bytes", which coreMQTT treats as "nothing now, try again later".

use super::error::ConnectError;
use std::io::{self, IoSlice};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::time::Duration;

/// Flags for every send: never raise `SIGPIPE` on a closed connection (a C
/// program may not ignore it). Apple systems lack `MSG_NOSIGNAL`; there std
/// sets `SO_NOSIGPIPE` on the sockets it creates instead.
#[cfg(not(target_vendor = "apple"))]
const SEND_FLAGS: libc::c_int = libc::MSG_NOSIGNAL;
#[cfg(target_vendor = "apple")]
const SEND_FLAGS: libc::c_int = 0;

/// Converts a C timeout in milliseconds to a socket timeout: 0 means "block
/// without limit", as in the SDK's POSIX transports.
pub fn timeout_from_ms(ms: u32) -> Option<Duration> {
    (ms != 0).then(|| Duration::from_millis(u64::from(ms)))
}

/// Resolves `host` (a DNS name or an IPv4/IPv6 literal).
pub fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, ConnectError> {
    let dns = |detail: String| ConnectError::Dns {
        host: host.to_owned(),
        detail,
    };
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| dns(e.to_string()))?
        .collect();
    if addrs.is_empty() {
        return Err(dns("no address returned".into()));
    }
    Ok(addrs)
}

/// Opens a TCP connection to `host:port`, trying each resolved address in
/// turn, and sets the receive and send timeouts (`None` = block).
///
/// The connect itself is bounded by `send_timeout` when one is given (the
/// SYN is the first thing we send); without one the OS default applies.
/// Nagle's algorithm is disabled: MQTT packets are small and latency-bound.
/// Failures are logged with `log::error!`.
pub fn connect(
    host: &str,
    port: u16,
    send_timeout: Option<Duration>,
    recv_timeout: Option<Duration>,
) -> Result<TcpStream, ConnectError> {
    connect_unlogged(host, port, send_timeout, recv_timeout).map_err(ConnectError::logged)
}

/// [`connect`] without the logging, for callers that log the outcome of a
/// larger step themselves.
pub(crate) fn connect_unlogged(
    host: &str,
    port: u16,
    send_timeout: Option<Duration>,
    recv_timeout: Option<Duration>,
) -> Result<TcpStream, ConnectError> {
    if host.is_empty() {
        return Err(ConnectError::InvalidParameter("empty host name".into()));
    }
    if port == 0 {
        return Err(ConnectError::InvalidParameter("port 0".into()));
    }
    let mut last = None;
    for addr in resolve(host, port)? {
        match connect_addr(addr, send_timeout) {
            Ok(stream) => {
                stream
                    .set_read_timeout(recv_timeout)
                    .and_then(|()| stream.set_write_timeout(send_timeout))
                    .and_then(|()| stream.set_nodelay(true))
                    .map_err(ConnectError::System)?;
                return Ok(stream);
            }
            Err(e) => last = Some(e),
        }
    }
    // resolve() never returns an empty list, so `last` is set.
    Err(last.unwrap_or_else(|| ConnectError::InvalidParameter("no address".into())))
}

/// Opens a TCP connection to one address within `limit` (`None`: the OS
/// default) and classifies a failure (logged at debug level only). The
/// socket keeps the system's default options.
pub fn connect_addr(addr: SocketAddr, limit: Option<Duration>) -> Result<TcpStream, ConnectError> {
    let attempt = match limit {
        Some(limit) => TcpStream::connect_timeout(&addr, limit),
        None => TcpStream::connect(addr),
    };
    attempt.map_err(|e| {
        log::debug!("rsmqtt transport: connect to {addr} failed: {e}");
        match e.kind() {
            io::ErrorKind::ConnectionRefused => ConnectError::Refused(addr),
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ConnectError::Timeout(addr),
            _ => ConnectError::Connect(addr, e),
        }
    })
}

/// True for the errors a socket timeout or a signal produce: "nothing now".
pub(crate) fn is_transient(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

/// Clamps a byte count to the `int32_t` the transport interface returns.
pub(crate) fn clamp_len(len: usize) -> usize {
    len.min(i32::MAX as usize)
}

/// Receives into `buf` from a connected socket: the byte count, 0 when the
/// receive timeout expired with nothing to read, -1 on error or when the
/// peer closed the connection (an MQTT connection never ends by itself).
pub fn recv(fd: BorrowedFd<'_>, buf: &mut [u8]) -> i32 {
    let len = clamp_len(buf.len());
    if len == 0 {
        return 0;
    }
    // SAFETY: `buf` is valid for writes of `len` bytes; the fd is borrowed
    // open for the duration of the call.
    let n = unsafe { libc::recv(fd.as_raw_fd(), buf.as_mut_ptr().cast(), len, 0) };
    match n {
        0 => {
            log::error!("rsmqtt transport: the peer closed the connection");
            -1
        }
        n if n > 0 => n as i32,
        _ => io_failure("recv", io::Error::last_os_error()),
    }
}

/// Sends all vectors' bytes as far as the socket accepts them within the send
/// timeout: the byte count sent, 0 when the timeout expired before anything
/// was sent, -1 on error. Never raises `SIGPIPE` (the C program may not
/// ignore it).
pub fn send_vectored(fd: BorrowedFd<'_>, bufs: &[IoSlice<'_>]) -> i32 {
    let total: usize = bufs.iter().map(|b| b.len()).sum();
    if total == 0 {
        return 0;
    }
    // Linux caps a msghdr at IOV_MAX (1024) vectors; more is the caller's
    // error (coreMQTT sends a few per packet).
    let count = bufs.len().min(1024);
    // SAFETY: an all-zero msghdr is valid (no name, no control data).
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    // IoSlice is ABI-compatible with `struct iovec` on Unix; sendmsg only
    // reads through msg_iov although the field is declared mutable.
    msg.msg_iov = bufs.as_ptr() as *mut libc::iovec;
    msg.msg_iovlen = count as _;
    // SAFETY: msg points at `count` valid iovecs borrowed for this call.
    let n = unsafe { libc::sendmsg(fd.as_raw_fd(), &msg, SEND_FLAGS) };
    if n >= 0 {
        clamp_len(n as usize) as i32
    } else {
        io_failure("send", io::Error::last_os_error())
    }
}

/// Sends `buf`: same contract as [`send_vectored`].
pub fn send(fd: BorrowedFd<'_>, buf: &[u8]) -> i32 {
    send_vectored(fd, &[IoSlice::new(&buf[..clamp_len(buf.len())])])
}

/// Maps a failed socket call: a timeout or signal is "nothing now" (0),
/// anything else an error (-1, logged).
fn io_failure(what: &str, err: io::Error) -> i32 {
    if is_transient(&err) {
        0
    } else {
        log::error!("rsmqtt transport: {what} failed: {err}");
        -1
    }
}
