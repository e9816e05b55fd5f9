//! Network transports for hosted (std) builds: plain TCP and TLS over rustls.
//!
//! [`tls_over`] is separate: TLS over any transport the application hands in
//! as a `TransportInterface_t` (`rsmqtt_tls_transport.h`).
//!
//! Two layers:
//! - a Rust layer ([`tcp`], [`tls`], [`credentials`], [`error`]) that opens
//!   connections, reports *why* a connection failed as a [`ConnectError`], and
//!   implements the transport-interface I/O contract (`recv` returns bytes > 0,
//!   0 when nothing arrived before the receive timeout, < 0 on error);
//! - the C exports, in the separate crate `rsmqtt-transports-posix`
//!   (`transports/posix/`): the same transports with the shape of the AWS IoT
//!   Device SDK for Embedded C's POSIX transports (`sockets_posix.h`,
//!   `plaintext_posix.h`, our rustls-backed `tls_posix.h` and an
//!   `openssl_posix.h` compatibility header), ready to plug into
//!   `TransportInterface_t`. Kept out of this crate so that an application
//!   with the SDK's own transports can link the MQTT library alone.
//!
//! The NetX Duo client ([`crate::netx`]) uses the Rust layer too: it connects
//! with [`tcp::connect_addr`] and runs TLS through
//! [`tls::TlsSession::handshake`] with the rustls configuration its NetX
//! Secure calls built.
//!
//! The MQTT engine itself never allocates; TLS needs the heap (rustls), so a
//! TLS connection lives in a box owned by the application's params struct and
//! freed by the disconnect call.

pub mod credentials;
pub mod error;
pub mod tcp;
pub mod tls;
pub mod tls_over;

pub use error::ConnectError;

use crate::coremqtt::transport_interface::TransportOutVector_t;
use std::io::IoSlice;

/// Borrows coreMQTT's I/O vectors (`TransportInterface_t.writev`) as
/// `IoSlice`s; `None` when one has a NULL base with a non-zero length. Public
/// for the `writev` functions of `rsmqtt-transports-posix`.
///
/// # Safety
/// A non-NULL `vecs` must point to `count` vectors, each readable for
/// `iov_len` bytes at `iov_base`.
pub unsafe fn io_slices<'a>(
    vecs: *const TransportOutVector_t,
    count: usize,
) -> Option<Vec<IoSlice<'a>>> {
    if count == 0 {
        return Some(Vec::new());
    }
    if vecs.is_null() {
        return None;
    }
    // SAFETY: per the contract, `count` vectors.
    let vecs = unsafe { core::slice::from_raw_parts(vecs, count) };
    vecs.iter()
        .map(|v| match (v.iov_base.is_null(), v.iov_len) {
            (_, 0) => Some(IoSlice::new(&[])),
            (true, _) => None,
            // SAFETY: per the contract, iov_len readable bytes.
            (false, len) => Some(IoSlice::new(unsafe {
                core::slice::from_raw_parts(v.iov_base.cast::<u8>(), len)
            })),
        })
        .collect()
}
