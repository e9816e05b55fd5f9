//! The protocol engine behind the `MQTT_*` functions: safe Rust over the
//! application's `MQTTContext_t`, with every call into C (transport, clock,
//! callbacks) confined to `port`.
//!
//! Nothing here allocates: packet headers are built in small stack arrays and
//! sent as vectors next to the caller's own topic, payload and strings; the
//! network buffer receives only.

pub mod config;
pub(crate) mod connect;
pub(crate) mod keepalive;
pub(crate) mod port;
pub(crate) mod process;
pub(crate) mod publish;
pub(crate) mod send;
pub(crate) mod subscribe;
