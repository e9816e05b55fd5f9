//! librsmqtt.a: links the crates whose `extern "C"` functions make up
//! rsmqtt's C API into one static library. It has no code of its own; each
//! crate named here contributes its objects (and their exported symbols).
#![no_std]

extern crate rsmqtt;
extern crate rsmqtt_backoff;
#[cfg(feature = "std")]
extern crate rsmqtt_transports_posix;
