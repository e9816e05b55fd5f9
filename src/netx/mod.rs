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
//! them with the client thread, and no lock is held while an application
//! callback runs.
//!
//! Host notes:
//! - Memory: the application allocates `NXD_MQTT_CLIENT` (and the TLS blocks
//!   inside it). rsmqtt keeps each client's working state on the host heap:
//!   a 64 KiB receive buffer (the largest incoming packet), 2 × 64 state
//!   records, the queued messages and the stored QoS 1/2 publishes awaiting
//!   acknowledgement. `delete` frees all of it; `disconnect` frees the queue.
//! - Thread: a host thread with a stack of at least 256 KiB (`stack_size`
//!   if larger), default priority; `stack_ptr` and `mqtt_thread_priority`
//!   are accepted and unused. `NX_IP` and `NX_PACKET_POOL` must be non-NULL
//!   and are unused: the host TCP/IP stack serves.
//! - Time: one tick is 10 ms (`NX_IP_PERIODIC_RATE` 100). The PINGRESP
//!   timeout is the field `nxd_mqtt_ping_timeout` (ticks), 1 s after create.
//! - Flow control: the receive queue holds `RSMQTT_NXD_MQTT_RECEIVE_QUEUE_LIMIT`
//!   (64) messages by default (`rsmqtt_nxd_mqtt_client_receive_queue_limit_set`
//!   changes it); when full the client stops reading the socket, so TCP holds
//!   the broker back and no QoS 1/2 message is dropped. At most
//!   `RSMQTT_NXD_MQTT_MAX_INFLIGHT` (20) outgoing QoS 1/2 publishes await
//!   acknowledgement at once (`rsmqtt_nxd_mqtt_client_inflight_limit_set`);
//!   publish waits for room up to its wait option, because MQTT 3.1.1
//!   brokers silently drop publishes beyond their window.
//!
//! Beyond NetX Duo: QoS 2 for publish, subscribe and will; `message_get`
//! reports the needed sizes of a message that does not fit and keeps it;
//! every service is thread-safe and callable from the callbacks;
//! `disconnect_notify` also fires on the application's own disconnect;
//! queued messages are freed, not leaked, on disconnect; a lost connection
//! keeps the queued messages (they were acknowledged) and the login and
//! will for the next connect, while the application's `disconnect` clears
//! them as NetX Duo does.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

#[allow(unsafe_code)] // exports
pub mod api;
#[allow(unsafe_code)] // the application's control block and callbacks
pub mod client;
pub mod client_block;
#[allow(unsafe_code)] // a socket option
pub mod link;
pub mod nx_types;
pub mod port;
pub mod queue;
#[allow(unsafe_code)] // exports
pub mod secure;
pub mod threadx;
