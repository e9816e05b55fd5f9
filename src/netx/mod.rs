//! NetX Duo's MQTT client API (`nxd_mqtt_client_*`, NetX Duo 6.4.2) over
//! rsmqtt's coreMQTT engine, plus the ThreadX/NetX host types it needs and
//! the NetX Secure subset TLS setup callbacks call (backed by rustls).
//!
//! Headers and the files they come from:
//! - `tx_api.h` ← [`threadx`]
//! - `nx_api.h` ← [`nx_types`]
//! - `nxd_mqtt_client.h` ← [`client_block`], [`api`]
//! - `nx_secure_x509.h`, `nx_secure_tls.h`, `nx_secure_tls_api.h` ← [`secure`]
//!
//! How a client works on a host: `create` starts one host thread per client.
//! That thread performs connects (TCP, TLS handshake, CONNECT/CONNACK),
//! reads the socket, runs the engine's keep-alive, queues incoming messages
//! and calls the notify callbacks. Application threads call publish,
//! subscribe and the rest directly; one mutex around the engine serialises
//! them with the client thread.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

pub mod api;
pub mod client;
pub mod client_block;
pub mod engine;
pub mod link;
pub mod nx_types;
pub mod queue;
pub mod secure;
pub mod threadx;
