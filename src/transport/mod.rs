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
/// `IoSlice`s, at most `i32::MAX` bytes in all (what one transport call can
/// report; the bytes past that are left for the next call, as a short write
/// leaves them); `None` when one has a NULL base with a non-zero length or
/// the count cannot describe an array in memory. Public for the `writev`
/// functions of `rsmqtt-transports-posix`.
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
    // A slice may not span more than isize::MAX bytes: a larger count is a
    // corrupted integer, not an array.
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
        // SAFETY: per the contract, iov_len >= len readable bytes; len is at
        // most i32::MAX, so the slice is within isize::MAX.
        slices.push(IoSlice::new(unsafe {
            core::slice::from_raw_parts(v.iov_base.cast::<u8>(), len)
        }));
        room -= len;
    }
    Some(slices)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(bytes: &[u8]) -> TransportOutVector_t {
        TransportOutVector_t {
            iov_base: bytes.as_ptr().cast(),
            iov_len: bytes.len(),
        }
    }

    #[test]
    fn io_slices_refuses_a_count_no_array_can_have() {
        let v = [vector(b"abc")];
        // SAFETY: the count is refused before anything is read.
        assert!(unsafe { io_slices(v.as_ptr(), usize::MAX) }.is_none());
        // SAFETY: as above.
        assert!(unsafe { io_slices(v.as_ptr(), isize::MAX as usize) }.is_none());
    }

    #[test]
    fn io_slices_borrows_in_order_and_refuses_null_with_length() {
        let v = [vector(b"ab"), vector(b""), vector(b"cde")];
        // SAFETY: three valid vectors.
        let s = unsafe { io_slices(v.as_ptr(), v.len()) }.expect("valid vectors");
        let joined: Vec<u8> = s.iter().flat_map(|s| s.iter().copied()).collect();
        assert_eq!(joined, b"abcde");
        let bad = [TransportOutVector_t {
            iov_base: core::ptr::null(),
            iov_len: 4,
        }];
        // SAFETY: one vector, NULL with a length: refused, not read.
        assert!(unsafe { io_slices(bad.as_ptr(), 1) }.is_none());
    }
}
