//! The MQTT 3.1.1 session engine: connect, publish, subscribe, the QoS 1/2
//! exchanges and their state records, keep-alive, and resending on session
//! resumption.
//!
//! Safe Rust, `no_std`, no heap. Everything from outside (bytes in and out,
//! the clock, the receive buffer, record storage, event delivery) comes
//! through the [`Port`] trait, in the style of sans-I/O engines such as
//! quinn-proto and rustls' unbuffered API: the caller owns the buffers and
//! the clock, so the same code runs over a coreMQTT context, a NetX client
//! block or a test harness. Packets are encoded and decoded by [`crate::wire`]
//! only.
//!
//! Packet headers are built in small stack arrays and sent as vectors next
//! to the caller's own topic, payload and strings; the receive buffer
//! receives only.

// The engine handles bytes from the network: none of the constructs that can
// panic on input (the same rules as `wire`).
#![forbid(unsafe_code)]
#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::indexing_slicing))]

pub mod c_enum;
pub mod config;
pub mod connect;
pub mod error;
pub mod keepalive;
pub mod packets;
pub mod port;
pub mod process;
pub mod publish;
pub mod record;
pub mod records;
pub mod send;
pub mod subscribe;
#[cfg(test)]
mod tests;

pub use error::Error;
pub use port::{Event, Frame, IncomingPublish, Link, LinkRaw, Port, Session};

/// Hands out the next packet identifier: 1 to 65535, then 1 again (0 is
/// not a valid identifier).
pub fn next_packet_id<P: Port>(ctx: &mut P) -> u16 {
    let session = ctx.session();
    let id = *session.next_packet_id;
    *session.next_packet_id = if id == u16::MAX {
        1
    } else {
        id.wrapping_add(1)
    };
    id
}
