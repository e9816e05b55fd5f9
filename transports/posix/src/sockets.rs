//! `sockets_posix.h`: TCP connect/disconnect on a raw descriptor, with the
//! SDK's `ServerInfo_t` and `SocketStatus_t`.

use super::{into_c_descriptor, server_info};
use core::ffi::c_char;
use rsmqtt::ffi::guard;
use rsmqtt::transport::tcp::{self, timeout_from_ms};
use rsmqtt::transport::ConnectError;

/// Outcome of the socket connect/disconnect functions (values are ABI).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SocketStatus {
    /// Success.
    SOCKETS_SUCCESS = 0,
    /// A NULL pointer or an invalid value was passed.
    SOCKETS_INVALID_PARAMETER,
    /// Memory ran out (not produced: rsmqtt aborts on allocation failure).
    SOCKETS_INSUFFICIENT_MEMORY,
    /// A socket system call failed.
    SOCKETS_API_ERROR,
    /// The host name did not resolve.
    SOCKETS_DNS_FAILURE,
    /// The TCP connection failed: refused, timed out or unreachable (the log
    /// says which).
    SOCKETS_CONNECT_FAILURE,
}

/// `SocketStatus_t`, the typedef applications use.
pub type SocketStatus_t = SocketStatus;

/// The server to connect to.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ServerInfo {
    /// Host name or IP literal; need not be NUL-terminated.
    pub pHostName: *const c_char,
    /// Length of `pHostName` in bytes, without any NUL.
    pub hostNameLength: usize,
    /// Port in host byte order.
    pub port: u16,
}

/// `ServerInfo_t`, the typedef applications use.
pub type ServerInfo_t = ServerInfo;

impl From<&ConnectError> for SocketStatus {
    fn from(err: &ConnectError) -> SocketStatus {
        match err {
            ConnectError::InvalidParameter(_) => SocketStatus::SOCKETS_INVALID_PARAMETER,
            ConnectError::Dns { .. } => SocketStatus::SOCKETS_DNS_FAILURE,
            ConnectError::Refused(_) | ConnectError::Timeout(_) | ConnectError::Connect(..) => {
                SocketStatus::SOCKETS_CONNECT_FAILURE
            }
            _ => SocketStatus::SOCKETS_API_ERROR,
        }
    }
}

/// Resolves and connects, returning a descriptor above the standard streams
/// with `SO_SNDTIMEO`/`SO_RCVTIMEO` set (0 ms = no limit).
///
/// # Safety
/// `pServerInfo` as for [`super::server_info`].
pub(super) unsafe fn connect_descriptor(
    pServerInfo: *const ServerInfo_t,
    sendTimeoutMs: u32,
    recvTimeoutMs: u32,
) -> Result<i32, SocketStatus> {
    // SAFETY: forwarded contract.
    let (host, port) = unsafe { server_info(pServerInfo) }.map_err(|what| {
        log::error!("rsmqtt transport: invalid parameter: {what}");
        SocketStatus::SOCKETS_INVALID_PARAMETER
    })?;
    let stream = tcp::connect(
        host,
        port,
        timeout_from_ms(sendTimeoutMs),
        timeout_from_ms(recvTimeoutMs),
    )
    .map_err(|e| SocketStatus::from(&e))?;
    into_c_descriptor(stream).map_err(|e| {
        log::error!("rsmqtt transport: cannot move the socket descriptor: {e}");
        SocketStatus::SOCKETS_API_ERROR
    })
}

/// Shuts down and closes `fd`. Descriptors below 3 (the standard streams,
/// and what a zeroed params struct holds) are refused and left open.
pub(super) fn close_descriptor(fd: i32) -> SocketStatus {
    if fd <= 2 {
        log::error!("rsmqtt transport: refusing to close descriptor {fd} (not a connected socket)");
        return SocketStatus::SOCKETS_INVALID_PARAMETER;
    }
    // Plain libc calls rather than OwnedFd: a stale descriptor from C must
    // give an error, not trip std's I/O-safety abort.
    // SAFETY: shutdown(2) and close(2) take only integers.
    unsafe { libc::shutdown(fd, libc::SHUT_RDWR) };
    // SAFETY: as above; the caller hands the descriptor back for closing.
    if unsafe { libc::close(fd) } != 0 {
        let err = std::io::Error::last_os_error();
        log::error!("rsmqtt transport: closing descriptor {fd} failed: {err}");
        return SocketStatus::SOCKETS_INVALID_PARAMETER;
    }
    SocketStatus::SOCKETS_SUCCESS
}

/// Connects to the server and stores the socket descriptor in `*pTcpSocket`.
///
/// Timeouts are in milliseconds, 0 = no limit; the send timeout also bounds
/// the TCP connect. Returns `SOCKETS_SUCCESS`, `SOCKETS_INVALID_PARAMETER`
/// (NULL pointer, empty host, port 0), `SOCKETS_DNS_FAILURE`,
/// `SOCKETS_CONNECT_FAILURE` or `SOCKETS_API_ERROR`.
///
/// # Safety
/// `pTcpSocket` must be NULL or writable; `pServerInfo` NULL or a valid
/// `ServerInfo_t` with `hostNameLength` readable bytes at `pHostName`.
#[no_mangle]
pub unsafe extern "C" fn Sockets_Connect(
    pTcpSocket: *mut i32,
    pServerInfo: *const ServerInfo_t,
    sendTimeoutMs: u32,
    recvTimeoutMs: u32,
) -> SocketStatus_t {
    guard(SocketStatus::SOCKETS_API_ERROR, || {
        if pTcpSocket.is_null() {
            log::error!("rsmqtt transport: invalid parameter: pTcpSocket is NULL");
            return SocketStatus::SOCKETS_INVALID_PARAMETER;
        }
        // SAFETY: pServerInfo per this function's contract.
        match unsafe { connect_descriptor(pServerInfo, sendTimeoutMs, recvTimeoutMs) } {
            Ok(fd) => {
                // SAFETY: non-NULL and writable per the contract.
                unsafe { pTcpSocket.write(fd) };
                SocketStatus::SOCKETS_SUCCESS
            }
            Err(status) => status,
        }
    })
}

/// Shuts down and closes a socket from [`Sockets_Connect`].
///
/// Returns `SOCKETS_INVALID_PARAMETER` for a negative descriptor or one of
/// the standard streams (0, 1, 2), which are never closed.
///
/// # Safety
/// `tcpSocket` must be a descriptor the caller owns and no longer uses.
#[no_mangle]
pub unsafe extern "C" fn Sockets_Disconnect(tcpSocket: i32) -> SocketStatus_t {
    guard(SocketStatus::SOCKETS_API_ERROR, || {
        close_descriptor(tcpSocket)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_info_layout_matches_the_sdk() {
        assert_eq!(core::mem::size_of::<ServerInfo_t>(), 24);
        assert_eq!(core::mem::offset_of!(ServerInfo_t, hostNameLength), 8);
        assert_eq!(core::mem::offset_of!(ServerInfo_t, port), 16);
        assert_eq!(SocketStatus::SOCKETS_CONNECT_FAILURE as u32, 5);
    }
}
