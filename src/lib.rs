//! rsmqtt: a memory-safe MQTT 3.1.1 client that C firmware links in place of
//! coreMQTT or NetX Duo's MQTT client.
//!
//! Layers, from the wire up:
//! - [`wire`]: the MQTT 3.1.1 codec (no_std, no alloc, zero-copy).
//! - [`engine`]: the session engine (safe, no_std, no heap) over a port
//!   trait that each face implements.
//! - [`coremqtt`]: the `MQTT_*` API of coreMQTT's 3.1.1 line; its context
//!   struct holds the engine's state.
//! - `transport` (std): TCP and rustls connections with the transport-interface
//!   I/O contract, and TLS over any `TransportInterface_t`.
//! - [`logging`]: routes `log` records to a C callback.
//! - `netx` (std): NetX Duo's `nxd_mqtt_client_*` API over the engine's Rust API, with
//!   the NetX Secure subset backed by rustls.
//! - `netx_threadx` (feature `netx-threadx`): the codec the ThreadX port of
//!   the NetX face calls from its C glue (no ThreadX/NetX symbol in Rust).
//! - [`version`]: the library version for C.
//!
//! The C exports of the POSIX transports (`Plaintext_*`, `Tls_*`, ...) and of
//! backoffAlgorithm live in the crates `rsmqtt-transports-posix` and
//! `rsmqtt-backoff`, and `rsmqtt-staticlib` links all three into
//! `librsmqtt.a`: separate crates give separate objects, so the CMake build
//! can offer them as separate libraries.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]
// `unsafe` (and `#[no_mangle]`) only at the C boundary: the faces, the
// transports and the exported helpers allow it below; the engine and the
// codec forbid it.
#![deny(unsafe_code)]

pub mod coremqtt;
pub mod engine;
#[allow(unsafe_code)] // the panic guard
pub mod ffi;
#[allow(unsafe_code)] // exports
pub mod logging;
#[cfg(feature = "std")]
pub mod netx;
#[cfg(feature = "netx-threadx")]
pub mod netx_threadx;
#[cfg(feature = "std")]
#[allow(unsafe_code)] // sockets, rustls and the transport exports
pub mod transport;
#[allow(unsafe_code)] // exports
pub mod version;
pub mod wire;

/// Halts on panic in builds without `std`; hosted builds unwind to the guard in
/// [`ffi`], which turns a panic into an error code at the C boundary.
#[cfg(all(not(feature = "std"), not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {
        core::hint::spin_loop();
    }
}
