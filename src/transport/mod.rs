//! Network transports for hosted (std) builds: plain TCP and TLS over rustls.
//!
//! Two layers:
//! - a Rust layer ([`tcp`], [`tls`], [`credentials`], [`error`]) that opens
//!   connections, reports *why* a connection failed as a [`ConnectError`], and
//!   implements the transport-interface I/O contract (`recv` returns bytes > 0,
//!   0 when nothing arrived before the receive timeout, < 0 on error);
//! - [`posix`], the same transports exported to C with the shape of the AWS
//!   IoT Device SDK for Embedded C's POSIX transports (`sockets_posix.h`,
//!   `plaintext_posix.h`, our rustls-backed `tls_posix.h` and an
//!   `openssl_posix.h` compatibility header), ready to plug into
//!   `TransportInterface_t`.
//!
//! The MQTT engine itself never allocates; TLS needs the heap (rustls), so a
//! TLS connection lives in a box owned by the application's params struct and
//! freed by the disconnect call.

pub mod credentials;
pub mod error;
pub mod posix;
pub mod tcp;
pub mod tls;

pub use error::ConnectError;
