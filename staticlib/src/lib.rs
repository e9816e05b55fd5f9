//! librsmqtt.a: links the crates whose `extern "C"` functions make up
//! rsmqtt's C API into one static library. It has no code of its own; each
//! crate named here contributes its objects (and their exported symbols).
#![no_std]

extern crate rsmqtt;
extern crate rsmqtt_backoff;
#[cfg(feature = "std")]
extern crate rsmqtt_transports_posix;

/// The unwinder's personality routine, which the precompiled `core` of a
/// hosted target (e.g. `i686-unknown-linux-gnu`, where the ThreadX port is
/// tested inside NetX Duo's own suite) references from its unwind tables.
/// The ThreadX build is `panic = "abort"` (profile `threadx`): nothing ever
/// unwinds, so this is never called; it only lets the archive link when an
/// application pulls in all of it (`--whole-archive`). Bare-metal targets
/// have no such reference and do not get this symbol.
#[cfg(all(feature = "netx-threadx", not(feature = "std"), target_os = "linux"))]
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}
