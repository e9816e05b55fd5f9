//! Run-time values of coreMQTT's configuration macros.
//!
//! coreMQTT reads `MQTT_PINGRESP_TIMEOUT_MS` and friends from the
//! application's `core_mqtt_config.h` at compile time. A prebuilt Rust library
//! cannot see that header, so the engine keeps the values in atomics, starting
//! at upstream's defaults, and the application's own build sets them:
//!
//! - `src/c/core_mqtt_config_shim.c` is compiled *in the application's build*
//!   (an INTERFACE source of the CMake target). It includes
//!   `core_mqtt_config_defaults.h`, which pulls in the application's
//!   `core_mqtt_config.h` and fills in every macro the application left out,
//!   and hands the resulting values to [`rsmqtt_coremqtt_config_set`] from a
//!   constructor function that runs before `main`.
//! - Applications that cannot use constructors (or want to change a value at
//!   run time) call `rsmqtt_coremqtt_config_set` themselves.
//!
//! So changing a macro in `core_mqtt_config.h` takes effect on the next build
//! of the application, with no change to application code and no rebuild of
//! the Rust library.
//!
//! [`rsmqtt_coremqtt_config_set`]: crate::coremqtt::api::rsmqtt_coremqtt_config_set

use core::sync::atomic::{AtomicU32, Ordering};

/// Upstream default of `MQTT_PINGRESP_TIMEOUT_MS`.
pub const DEFAULT_PINGRESP_TIMEOUT_MS: u32 = 5000;
/// Upstream default of `PACKET_TX_TIMEOUT_MS`.
pub const DEFAULT_PACKET_TX_TIMEOUT_MS: u32 = 30000;
/// Upstream default of `PACKET_RX_TIMEOUT_MS`.
pub const DEFAULT_PACKET_RX_TIMEOUT_MS: u32 = 30000;
/// Upstream default of `MQTT_RECV_POLLING_TIMEOUT_MS`.
pub const DEFAULT_RECV_POLLING_TIMEOUT_MS: u32 = 10;
/// Upstream default of `MQTT_SEND_TIMEOUT_MS`.
pub const DEFAULT_SEND_TIMEOUT_MS: u32 = 20000;
/// Upstream default of `MQTT_SUB_UNSUB_MAX_VECTORS`.
pub const DEFAULT_SUB_UNSUB_MAX_VECTORS: u32 = 4;
/// Upstream default of `MQTT_MAX_CONNACK_RECEIVE_RETRY_COUNT`.
pub const DEFAULT_MAX_CONNACK_RECEIVE_RETRY_COUNT: u32 = 5;

/// The most vectors one SUBSCRIBE/UNSUBSCRIBE batch can use: the engine keeps
/// its vector array on the stack, so a larger configured value is clamped.
pub const SUB_UNSUB_VECTORS_CAP: usize = 64;
/// The fewest vectors that hold a packet header plus one topic filter
/// (length, filter, QoS); smaller configured values are raised to it.
pub const SUB_UNSUB_VECTORS_MIN: usize = 4;

static PINGRESP_TIMEOUT_MS: AtomicU32 = AtomicU32::new(DEFAULT_PINGRESP_TIMEOUT_MS);
static PACKET_TX_TIMEOUT_MS: AtomicU32 = AtomicU32::new(DEFAULT_PACKET_TX_TIMEOUT_MS);
static PACKET_RX_TIMEOUT_MS: AtomicU32 = AtomicU32::new(DEFAULT_PACKET_RX_TIMEOUT_MS);
static RECV_POLLING_TIMEOUT_MS: AtomicU32 = AtomicU32::new(DEFAULT_RECV_POLLING_TIMEOUT_MS);
static SEND_TIMEOUT_MS: AtomicU32 = AtomicU32::new(DEFAULT_SEND_TIMEOUT_MS);
static SUB_UNSUB_MAX_VECTORS: AtomicU32 = AtomicU32::new(DEFAULT_SUB_UNSUB_MAX_VECTORS);
static MAX_CONNACK_RECEIVE_RETRY_COUNT: AtomicU32 =
    AtomicU32::new(DEFAULT_MAX_CONNACK_RECEIVE_RETRY_COUNT);

/// A snapshot of every configuration value, one field per upstream macro.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// `MQTT_PINGRESP_TIMEOUT_MS`: how long a PINGREQ may wait for its PINGRESP.
    pub pingresp_timeout_ms: u32,
    /// `PACKET_TX_TIMEOUT_MS`: the longest send silence before a keep-alive
    /// PINGREQ, capped further by the negotiated keep-alive interval.
    pub packet_tx_timeout_ms: u32,
    /// `PACKET_RX_TIMEOUT_MS`: the longest receive silence before a keep-alive
    /// PINGREQ.
    pub packet_rx_timeout_ms: u32,
    /// `MQTT_RECV_POLLING_TIMEOUT_MS`: how long a partly read packet may stall
    /// while `MQTT_Connect` reads the CONNACK.
    pub recv_polling_timeout_ms: u32,
    /// `MQTT_SEND_TIMEOUT_MS`: the longest time one packet may take to send.
    pub send_timeout_ms: u32,
    /// `MQTT_SUB_UNSUB_MAX_VECTORS`: vectors per transport call while sending
    /// SUBSCRIBE and UNSUBSCRIBE.
    pub sub_unsub_max_vectors: u32,
    /// `MQTT_MAX_CONNACK_RECEIVE_RETRY_COUNT`: CONNACK polls when
    /// `MQTT_Connect` is given a timeout of 0.
    pub max_connack_receive_retry_count: u32,
}

impl Config {
    /// Upstream's defaults.
    pub const DEFAULT: Config = Config {
        pingresp_timeout_ms: DEFAULT_PINGRESP_TIMEOUT_MS,
        packet_tx_timeout_ms: DEFAULT_PACKET_TX_TIMEOUT_MS,
        packet_rx_timeout_ms: DEFAULT_PACKET_RX_TIMEOUT_MS,
        recv_polling_timeout_ms: DEFAULT_RECV_POLLING_TIMEOUT_MS,
        send_timeout_ms: DEFAULT_SEND_TIMEOUT_MS,
        sub_unsub_max_vectors: DEFAULT_SUB_UNSUB_MAX_VECTORS,
        max_connack_receive_retry_count: DEFAULT_MAX_CONNACK_RECEIVE_RETRY_COUNT,
    };

    /// The values in effect now.
    pub fn current() -> Config {
        Config {
            pingresp_timeout_ms: PINGRESP_TIMEOUT_MS.load(Ordering::Relaxed),
            packet_tx_timeout_ms: PACKET_TX_TIMEOUT_MS.load(Ordering::Relaxed),
            packet_rx_timeout_ms: PACKET_RX_TIMEOUT_MS.load(Ordering::Relaxed),
            recv_polling_timeout_ms: RECV_POLLING_TIMEOUT_MS.load(Ordering::Relaxed),
            send_timeout_ms: SEND_TIMEOUT_MS.load(Ordering::Relaxed),
            sub_unsub_max_vectors: SUB_UNSUB_MAX_VECTORS.load(Ordering::Relaxed),
            max_connack_receive_retry_count: MAX_CONNACK_RECEIVE_RETRY_COUNT
                .load(Ordering::Relaxed),
        }
    }

    /// `pingresp_timeout_ms` in effect now (one atomic load, for the
    /// receive loop's keep-alive check).
    pub fn pingresp_timeout_ms() -> u32 {
        PINGRESP_TIMEOUT_MS.load(Ordering::Relaxed)
    }

    /// `packet_tx_timeout_ms` in effect now (one atomic load).
    pub fn packet_tx_timeout_ms() -> u32 {
        PACKET_TX_TIMEOUT_MS.load(Ordering::Relaxed)
    }

    /// `packet_rx_timeout_ms` in effect now (one atomic load).
    pub fn packet_rx_timeout_ms() -> u32 {
        PACKET_RX_TIMEOUT_MS.load(Ordering::Relaxed)
    }

    /// `send_timeout_ms` in effect now: one atomic load, for the send loop
    /// that runs for every packet ([`Config::current`] loads all seven).
    pub fn send_timeout_ms() -> u32 {
        SEND_TIMEOUT_MS.load(Ordering::Relaxed)
    }

    /// `recv_polling_timeout_ms` in effect now (one atomic load; an unused
    /// load of [`Config::current`] is not optimised away, being atomic).
    pub fn recv_polling_timeout_ms() -> u32 {
        RECV_POLLING_TIMEOUT_MS.load(Ordering::Relaxed)
    }

    /// `max_connack_receive_retry_count` in effect now (one atomic load).
    pub fn max_connack_receive_retry_count() -> u32 {
        MAX_CONNACK_RECEIVE_RETRY_COUNT.load(Ordering::Relaxed)
    }

    /// [`Config::sub_unsub_vectors`] of the value in effect now (one atomic
    /// load).
    pub fn sub_unsub_vectors_now() -> usize {
        (SUB_UNSUB_MAX_VECTORS.load(Ordering::Relaxed) as usize)
            .clamp(SUB_UNSUB_VECTORS_MIN, SUB_UNSUB_VECTORS_CAP)
    }

    /// Makes these values the ones in effect. Each value is independent, so
    /// relaxed ordering is enough: a connection that reads a mix of old and
    /// new values during the switch still sees valid numbers.
    pub fn apply(&self) {
        PINGRESP_TIMEOUT_MS.store(self.pingresp_timeout_ms, Ordering::Relaxed);
        PACKET_TX_TIMEOUT_MS.store(self.packet_tx_timeout_ms, Ordering::Relaxed);
        PACKET_RX_TIMEOUT_MS.store(self.packet_rx_timeout_ms, Ordering::Relaxed);
        RECV_POLLING_TIMEOUT_MS.store(self.recv_polling_timeout_ms, Ordering::Relaxed);
        SEND_TIMEOUT_MS.store(self.send_timeout_ms, Ordering::Relaxed);
        SUB_UNSUB_MAX_VECTORS.store(self.sub_unsub_max_vectors, Ordering::Relaxed);
        MAX_CONNACK_RECEIVE_RETRY_COUNT
            .store(self.max_connack_receive_retry_count, Ordering::Relaxed);
    }

    /// `MQTT_SUB_UNSUB_MAX_VECTORS` clamped to what the engine can use.
    pub fn sub_unsub_vectors(&self) -> usize {
        (self.sub_unsub_max_vectors as usize).clamp(SUB_UNSUB_VECTORS_MIN, SUB_UNSUB_VECTORS_CAP)
    }
}
