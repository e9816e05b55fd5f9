//! The transports exported to C, shaped like the AWS IoT Device SDK for
//! Embedded C's POSIX transports so its demos and applications link against
//! rsmqtt unchanged:
//!
//! | header | module | functions |
//! |---|---|---|
//! | `sockets_posix.h` | [`sockets`] | `Sockets_Connect`, `Sockets_Disconnect` |
//! | `plaintext_posix.h` | [`plaintext`] | `Plaintext_Connect/Recv/Send/Writev/Disconnect` |
//! | `tls_posix.h` | [`tls`] | `Tls_Connect/Recv/Send/Writev/Disconnect` (rustls) |
//! | `openssl_posix.h` | [`openssl`] | `Openssl_Connect/Recv/Send/Disconnect` over the same rustls code, with the SDK's `OpensslParams_t` (`pSsl`) |
//!
//! # The `NetworkContext` convention
//!
//! coreMQTT leaves `struct NetworkContext` to the application. As in the
//! SDK, these transports require its **first member** to be a pointer to the
//! transport's params struct:
//!
//! ```c
//! struct NetworkContext { PlaintextParams_t * pParams; };   /* or TlsParams_t *, OpensslParams_t * */
//! ```
//!
//! Each function reads that pointer; a NULL context or NULL `pParams` is a
//! bad parameter.
//!
//! Every entry point checks its pointers, validates the integers it gets and
//! runs inside [`rsmqtt::ffi::guard`]; failures are logged with `log::error!`.
//!
//! # Why a crate of its own
//!
//! The connection logic (TCP, rustls, the error reporting) is the `rsmqtt`
//! crate's `transport` module, which the NetX Duo face uses as well; this
//! crate holds only the C exports. Being a separate crate puts them in
//! separate objects of the static library, which the CMake build moves into
//! `librsmqtt_transports_posix.a` (target `rsmqtt::transports_posix`, headers
//! in `transports/posix/include/`). An application that compiles the SDK's
//! own `plaintext_posix.c`, `sockets_posix.c` or `openssl_posix.c` therefore
//! links `rsmqtt::rsmqtt` without "multiple definition" errors, and its
//! headers are not shadowed by ours.
#![allow(non_camel_case_types, non_snake_case)]
#![deny(unsafe_op_in_unsafe_fn)]

pub mod openssl;
pub mod plaintext;
pub mod sockets;
pub mod tls;

use core::ffi::{c_char, c_void, CStr};
use rsmqtt::coremqtt::transport_interface::NetworkContext_t;
use sockets::ServerInfo_t;
use std::net::TcpStream;
use std::os::fd::{AsFd, AsRawFd, IntoRawFd, OwnedFd};

/// Reads the params pointer stored as the first member of the application's
/// `struct NetworkContext`; `None` when either pointer is NULL.
///
/// # Safety
/// A non-NULL `ctx` must point to a `struct NetworkContext` whose first
/// member is a `P *` (the convention above).
unsafe fn params_of<P>(ctx: *const NetworkContext_t) -> Option<*mut P> {
    if ctx.is_null() {
        return None;
    }
    // SAFETY: per the contract the context starts with a `P *`, so it is
    // readable and pointer-aligned there.
    let params = unsafe { ctx.cast::<*mut P>().read() };
    (!params.is_null()).then_some(params)
}

/// [`params_of`], logging a NULL pointer as an invalid parameter.
///
/// # Safety
/// As for [`params_of`].
unsafe fn params_logged<P>(ctx: *const NetworkContext_t) -> Option<*mut P> {
    // SAFETY: forwarded contract.
    let params = unsafe { params_of::<P>(ctx) };
    if params.is_none() {
        log::error!("rsmqtt transport: invalid parameter: NULL network context or pParams");
    }
    params
}

/// The buffer a receive function fills, `None` (logged) when NULL.
///
/// # Safety
/// A non-NULL `p` must be writable for `len` bytes.
unsafe fn recv_buffer<'a>(p: *mut c_void, len: usize) -> Option<&'a mut [u8]> {
    if p.is_null() {
        log::error!("rsmqtt transport: invalid parameter: pBuffer is NULL");
        return None;
    }
    // One call moves at most i32::MAX bytes (the transport's return type),
    // which also keeps the slice within isize::MAX: clamp before borrowing.
    let len = len.min(i32::MAX as usize);
    // SAFETY: non-NULL and, per the contract, writable for `len` bytes.
    Some(unsafe { core::slice::from_raw_parts_mut(p.cast::<u8>(), len) })
}

/// The buffer a send function reads, `None` (logged) when NULL.
///
/// # Safety
/// A non-NULL `p` must be readable for `len` bytes.
unsafe fn send_buffer<'a>(p: *const c_void, len: usize) -> Option<&'a [u8]> {
    if p.is_null() {
        log::error!("rsmqtt transport: invalid parameter: pBuffer is NULL");
        return None;
    }
    // As for `recv_buffer`: at most i32::MAX bytes per call.
    let len = len.min(i32::MAX as usize);
    // SAFETY: non-NULL and, per the contract, readable for `len` bytes.
    Some(unsafe { core::slice::from_raw_parts(p.cast::<u8>(), len) })
}

/// Reads a `ServerInfo_t`: the host name (`hostNameLength` bytes, no NUL
/// needed) and a non-zero port.
///
/// # Safety
/// A non-NULL `info` must point to a valid `ServerInfo_t` whose `pHostName`
/// (when non-NULL) is readable for `hostNameLength` bytes.
unsafe fn server_info<'a>(info: *const ServerInfo_t) -> Result<(&'a str, u16), String> {
    if info.is_null() {
        return Err("pServerInfo is NULL".into());
    }
    // SAFETY: non-NULL and, per the contract, a valid ServerInfo_t.
    let info = unsafe { &*info };
    if info.pHostName.is_null() || info.hostNameLength == 0 {
        return Err("pServerInfo->pHostName is NULL or empty".into());
    }
    if info.hostNameLength > 253 + 1 {
        return Err(format!(
            "host name of {} bytes is too long",
            info.hostNameLength
        ));
    }
    // SAFETY: the caller guarantees hostNameLength readable bytes.
    let bytes =
        unsafe { core::slice::from_raw_parts(info.pHostName.cast::<u8>(), info.hostNameLength) };
    // Some callers count the terminating NUL; tolerate exactly that one.
    let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
    let host = core::str::from_utf8(bytes)
        .ok()
        .filter(|h| !h.is_empty() && !h.contains('\0'))
        .ok_or("pServerInfo->pHostName is not a valid host name")?;
    if info.port == 0 {
        return Err("pServerInfo->port is 0".into());
    }
    Ok((host, info.port))
}

/// Reads an optional NUL-terminated C string.
///
/// # Safety
/// A non-NULL `p` must point to a NUL-terminated string.
unsafe fn c_str<'a>(p: *const c_char) -> Option<&'a CStr> {
    // SAFETY: per the contract.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) })
}

/// Reads an optional (pointer, length) byte range: `Ok(None)` when the
/// pointer is NULL, an error when a non-NULL pointer has length 0 or a
/// length comes without a pointer.
///
/// # Safety
/// A non-NULL `p` must be readable for `len` bytes.
unsafe fn byte_range<'a>(p: *const u8, len: usize, what: &str) -> Result<Option<&'a [u8]>, String> {
    match (p.is_null(), len) {
        (true, 0) => Ok(None),
        (true, _) => Err(format!("{what} is NULL but its length is {len}")),
        (false, 0) => Err(format!("{what} is set but its length is 0")),
        (false, _) if len > isize::MAX as usize => Err(format!("{what}: length {len} too large")),
        // SAFETY: per the contract.
        (false, _) => Ok(Some(unsafe { core::slice::from_raw_parts(p, len) })),
    }
}

/// Hands a connected socket over to C as a raw descriptor, never 0, 1 or 2:
/// if the standard streams were closed the kernel may have given us one of
/// those, and the disconnect functions refuse to close them (a zeroed params
/// struct holds 0).
fn into_c_descriptor(stream: TcpStream) -> std::io::Result<i32> {
    if stream.as_raw_fd() > 2 {
        return Ok(stream.into_raw_fd());
    }
    // Duplicates to the lowest free descriptor >= 3, close-on-exec.
    let moved: OwnedFd = stream.as_fd().try_clone_to_owned()?;
    drop(stream);
    Ok(moved.into_raw_fd())
}
