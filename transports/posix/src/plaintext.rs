//! `plaintext_posix.h`: MQTT over plain TCP through `PlaintextParams_t`.
//!
//! The application's `struct NetworkContext` must start with a
//! `PlaintextParams_t * pParams` (see [`super`]).

use super::sockets::{
    close_descriptor, connect_descriptor, ServerInfo_t, SocketStatus, SocketStatus_t,
};
use super::{params_logged, recv_buffer, send_buffer};
use core::ffi::c_void;
use rsmqtt::coremqtt::transport_interface::{NetworkContext_t, TransportOutVector_t};
use rsmqtt::ffi::guard;
use rsmqtt::transport::io_slices;
use rsmqtt::transport::tcp;
use std::os::fd::BorrowedFd;

/// The plaintext transport's state: just the socket.
///
/// The application's `struct NetworkContext` must have a
/// `PlaintextParams_t *` as its first member; every `Plaintext_*` function
/// reads the params through it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PlaintextParams {
    /// The connected socket, or -1 after `Plaintext_Disconnect`.
    pub socketDescriptor: i32,
}

/// `PlaintextParams_t`, the typedef applications use.
pub type PlaintextParams_t = PlaintextParams;

/// The connected socket of a context, `None` when not connected.
///
/// # Safety
/// As for [`params_of`]; the descriptor, when >= 0, must be open.
unsafe fn connected_socket<'a>(ctx: *const NetworkContext_t) -> Option<BorrowedFd<'a>> {
    // SAFETY: forwarded contract.
    let params = unsafe { params_logged::<PlaintextParams_t>(ctx) }?;
    // SAFETY: params is non-NULL and points at the application's params.
    let fd = unsafe { (*params).socketDescriptor };
    if fd < 0 {
        log::error!("rsmqtt transport: the plaintext transport is not connected");
        return None;
    }
    // SAFETY: per the contract the descriptor is open while connected; it
    // is borrowed only for this call.
    Some(unsafe { BorrowedFd::borrow_raw(fd) })
}

/// Opens a TCP connection and stores its socket in the params.
///
/// Timeouts in milliseconds, 0 = no limit: the receive timeout is how long
/// `Plaintext_Recv` waits before returning 0; the send timeout bounds the
/// TCP connect and each send. Returns `SOCKETS_SUCCESS`,
/// `SOCKETS_INVALID_PARAMETER`, `SOCKETS_DNS_FAILURE`,
/// `SOCKETS_CONNECT_FAILURE` or `SOCKETS_API_ERROR`.
///
/// # Safety
/// `pNetworkContext` NULL or following the `NetworkContext` convention with a
/// writable params struct; `pServerInfo` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn Plaintext_Connect(
    pNetworkContext: *mut NetworkContext_t,
    pServerInfo: *const ServerInfo_t,
    sendTimeoutMs: u32,
    recvTimeoutMs: u32,
) -> SocketStatus_t {
    guard(SocketStatus::SOCKETS_API_ERROR, || {
        // SAFETY: per this function's contract.
        let Some(params) = (unsafe { params_logged::<PlaintextParams_t>(pNetworkContext) }) else {
            return SocketStatus::SOCKETS_INVALID_PARAMETER;
        };
        // SAFETY: per this function's contract.
        match unsafe { connect_descriptor(pServerInfo, sendTimeoutMs, recvTimeoutMs) } {
            Ok(fd) => {
                // SAFETY: params is non-NULL and writable.
                unsafe { (*params).socketDescriptor = fd };
                SocketStatus::SOCKETS_SUCCESS
            }
            Err(status) => status,
        }
    })
}

/// Closes the connection and sets `socketDescriptor` to -1.
///
/// Safe to call twice or on a zeroed params struct: nothing is closed then
/// and the result is `SOCKETS_INVALID_PARAMETER` (the descriptor is negative
/// or one of the standard streams).
///
/// # Safety
/// `pNetworkContext` NULL or following the `NetworkContext` convention.
#[no_mangle]
pub unsafe extern "C" fn Plaintext_Disconnect(
    pNetworkContext: *const NetworkContext_t,
) -> SocketStatus_t {
    guard(SocketStatus::SOCKETS_API_ERROR, || {
        // SAFETY: per this function's contract.
        let Some(params) = (unsafe { params_logged::<PlaintextParams_t>(pNetworkContext) }) else {
            return SocketStatus::SOCKETS_INVALID_PARAMETER;
        };
        // SAFETY: params is non-NULL and points at the application's params.
        let fd = unsafe { (*params).socketDescriptor };
        if fd < 0 {
            return SocketStatus::SOCKETS_INVALID_PARAMETER;
        }
        let status = close_descriptor(fd);
        if status == SocketStatus::SOCKETS_SUCCESS {
            // SAFETY: as above; the params struct is the application's and
            // writable even though the context is passed as const.
            unsafe { (*params).socketDescriptor = -1 };
        }
        status
    })
}

/// Receives up to `bytesToRecv` bytes: the count, 0 when nothing arrived
/// within the receive timeout, a negative value on error or when the server
/// closed the connection.
///
/// # Safety
/// `pNetworkContext` as for [`Plaintext_Connect`]; `pBuffer` NULL or writable
/// for `bytesToRecv` bytes.
#[no_mangle]
pub unsafe extern "C" fn Plaintext_Recv(
    pNetworkContext: *mut NetworkContext_t,
    pBuffer: *mut c_void,
    bytesToRecv: usize,
) -> i32 {
    guard(-1, || {
        // SAFETY: per this function's contract.
        let Some(fd) = (unsafe { connected_socket(pNetworkContext) }) else {
            return -1;
        };
        // SAFETY: per this function's contract.
        let Some(buf) = (unsafe { recv_buffer(pBuffer, bytesToRecv) }) else {
            return -1;
        };
        tcp::recv(fd, buf)
    })
}

/// Sends up to `bytesToSend` bytes: the count sent, 0 when the send timeout
/// expired before anything was sent, a negative value on error.
///
/// # Safety
/// `pNetworkContext` as for [`Plaintext_Connect`]; `pBuffer` NULL or readable
/// for `bytesToSend` bytes.
#[no_mangle]
pub unsafe extern "C" fn Plaintext_Send(
    pNetworkContext: *mut NetworkContext_t,
    pBuffer: *const c_void,
    bytesToSend: usize,
) -> i32 {
    guard(-1, || {
        // SAFETY: per this function's contract.
        let Some(fd) = (unsafe { connected_socket(pNetworkContext) }) else {
            return -1;
        };
        // SAFETY: per this function's contract.
        let Some(buf) = (unsafe { send_buffer(pBuffer, bytesToSend) }) else {
            return -1;
        };
        tcp::send(fd, buf)
    })
}

/// Sends the vectors in one system call (an rsmqtt addition to the SDK's
/// header, usable as `TransportInterface_t.writev`): same return values as
/// [`Plaintext_Send`], counting bytes across all vectors.
///
/// # Safety
/// `pNetworkContext` as for [`Plaintext_Connect`]; `pIoVec` NULL or
/// `ioVecCount` vectors, each readable for `iov_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn Plaintext_Writev(
    pNetworkContext: *mut NetworkContext_t,
    pIoVec: *mut TransportOutVector_t,
    ioVecCount: usize,
) -> i32 {
    guard(-1, || {
        // SAFETY: per this function's contract.
        let Some(fd) = (unsafe { connected_socket(pNetworkContext) }) else {
            return -1;
        };
        // SAFETY: per this function's contract.
        let Some(slices) = (unsafe { io_slices(pIoVec, ioVecCount) }) else {
            log::error!("rsmqtt transport: invalid parameter: NULL I/O vector");
            return -1;
        };
        tcp::send_vectored(fd, &slices)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn params_layout_matches_the_sdk() {
        assert_eq!(core::mem::size_of::<super::PlaintextParams_t>(), 4);
    }
}
