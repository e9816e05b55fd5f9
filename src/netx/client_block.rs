//! The types and constants of `nxd_mqtt_client.h` (NetX Duo 6.4.2 profile):
//! the `NXD_MQTT_CLIENT` control block, return codes, states and ports with
//! NetX Duo's values.
//!
//! `NXD_MQTT_CLIENT` keeps the names and meaning of every field application
//! code reads or writes (state, client id, packet identifier, notify
//! callbacks and their contexts, ping flag, TLS session and certificates,
//! mutex pointer). Its layout is rsmqtt's own and does not depend on
//! `NX_SECURE_ENABLE`, so one prebuilt library serves every application. The
//! client's working state (socket, MQTT engine context, receive queue,
//! thread) lives in rsmqtt on the host heap and is found by the block's
//! address; the application only allocates the block.
#![allow(non_camel_case_types, non_upper_case_globals)]

use core::ffi::c_void;

use super::nx_types::{NX_IP, NX_PACKET, NX_PACKET_POOL};
use super::secure::tls_types::NX_SECURE_TLS_SESSION;
use super::secure::x509_types::NX_SECURE_X509_CERT;
use super::threadx::{CHAR, TX_MUTEX, UCHAR, UINT, USHORT};

/// Default port of MQTT over TCP.
pub const NXD_MQTT_PORT: UINT = 1883;
/// Default port of MQTT over TLS.
pub const NXD_MQTT_TLS_PORT: UINT = 8883;
/// Default port of MQTT over TLS over WebSocket.
pub const NXD_MQTT_OVER_WEBSOCKET_TLS_PORT: UINT = 443;
/// Same as [`NXD_MQTT_PORT`].
pub const NXD_MQTT_CLIENT_NONTLS_PORT: UINT = 1883;
/// Same as [`NXD_MQTT_TLS_PORT`].
pub const NXD_MQTT_CLIENT_TLS_PORT: UINT = 8883;
/// MQTT protocol level of version 3.1.1.
pub const MQTT_PROTOCOL_LEVEL: UINT = 4;
/// Identifier of an MQTT client control block ("MQTT").
pub const NXD_MQTT_CLIENT_ID: UINT = 0x4D51_5454;

/// Created, not connected yet.
pub const NXD_MQTT_CLIENT_STATE_INITIALIZE: UINT = 0;
/// Not connected.
pub const NXD_MQTT_CLIENT_STATE_IDLE: UINT = 1;
/// A connection is being set up.
pub const NXD_MQTT_CLIENT_STATE_CONNECTING: UINT = 2;
/// Connected to the broker.
pub const NXD_MQTT_CLIENT_STATE_CONNECTED: UINT = 3;

/// Success.
pub const NXD_MQTT_SUCCESS: UINT = 0x0;
/// Already connected.
pub const NXD_MQTT_ALREADY_CONNECTED: UINT = 0x10001;
/// Not connected.
pub const NXD_MQTT_NOT_CONNECTED: UINT = 0x10002;
/// A lock could not be taken.
pub const NXD_MQTT_MUTEX_FAILURE: UINT = 0x10003;
/// Internal error (also what an internal panic turns into).
pub const NXD_MQTT_INTERNAL_ERROR: UINT = 0x10004;
/// The TCP (or TLS) connection or the CONNACK failed.
pub const NXD_MQTT_CONNECT_FAILURE: UINT = 0x10005;
/// No packet could be allocated.
pub const NXD_MQTT_PACKET_POOL_FAILURE: UINT = 0x10006;
/// Sending failed.
pub const NXD_MQTT_COMMUNICATION_FAILURE: UINT = 0x10007;
/// The broker sent something unexpected.
pub const NXD_MQTT_SERVER_MESSAGE_FAILURE: UINT = 0x10008;
/// Invalid parameter.
pub const NXD_MQTT_INVALID_PARAMETER: UINT = 0x10009;
/// The receive queue is empty.
pub const NXD_MQTT_NO_MESSAGE: UINT = 0x1000A;
/// No room for another in-flight message within the wait option.
pub const NXD_MQTT_PACKET_POOL_EMPTY: UINT = 0x1000B;
/// Kept for compatibility: rsmqtt supports QoS 2 and never returns it.
pub const NXD_MQTT_QOS2_NOT_SUPPORTED: UINT = 0x1000C;
/// A `message_get` buffer is too small (the needed sizes are reported).
pub const NXD_MQTT_INSUFFICIENT_BUFFER_SPACE: UINT = 0x1000D;
/// The client was not created, or was deleted.
pub const NXD_MQTT_CLIENT_NOT_RUNNING: UINT = 0x1000E;
/// A malformed packet was received.
pub const NXD_MQTT_INVALID_PACKET: UINT = 0x1000F;
/// A partial packet was received.
pub const NXD_MQTT_PARTIAL_PACKET: UINT = 0x10010;
/// A connection attempt is already in progress.
pub const NXD_MQTT_CONNECTING: UINT = 0x10011;
/// The call is not valid in the client's state.
pub const NXD_MQTT_INVALID_STATE: UINT = 0x10012;
/// Base of the refused-CONNACK codes: the broker's return code is added.
pub const NXD_MQTT_ERROR_CONNECT_RETURN_CODE: UINT = 0x10080;
/// CONNACK 1: unacceptable protocol version.
pub const NXD_MQTT_ERROR_UNACCEPTABLE_PROTOCOL: UINT = 0x10081;
/// CONNACK 2: identifier rejected (upstream's spelling).
pub const NXD_MQTT_ERROR_IDENTIFYIER_REJECTED: UINT = 0x10082;
/// CONNACK 3: server unavailable.
pub const NXD_MQTT_ERROR_SERVER_UNAVAILABLE: UINT = 0x10083;
/// CONNACK 4: bad user name or password.
pub const NXD_MQTT_ERROR_BAD_USERNAME_PASSWORD: UINT = 0x10084;
/// CONNACK 5: not authorized.
pub const NXD_MQTT_ERROR_NOT_AUTHORIZED: UINT = 0x10085;

/// MQTT control packet type CONNECT (the high nibble of the first byte).
pub const MQTT_CONTROL_PACKET_TYPE_CONNECT: UINT = 1;
/// MQTT control packet type CONNACK.
pub const MQTT_CONTROL_PACKET_TYPE_CONNACK: UINT = 2;
/// MQTT control packet type PUBLISH.
pub const MQTT_CONTROL_PACKET_TYPE_PUBLISH: UINT = 3;
/// `type` passed to `nxd_mqtt_ack_receive_notify`: PUBACK.
pub const MQTT_CONTROL_PACKET_TYPE_PUBACK: UINT = 4;
/// `type` passed to `nxd_mqtt_ack_receive_notify`: PUBREC.
pub const MQTT_CONTROL_PACKET_TYPE_PUBREC: UINT = 5;
/// MQTT control packet type PUBREL.
pub const MQTT_CONTROL_PACKET_TYPE_PUBREL: UINT = 6;
/// `type` passed to `nxd_mqtt_ack_receive_notify`: PUBCOMP.
pub const MQTT_CONTROL_PACKET_TYPE_PUBCOMP: UINT = 7;
/// MQTT control packet type SUBSCRIBE.
pub const MQTT_CONTROL_PACKET_TYPE_SUBSCRIBE: UINT = 8;
/// `type` passed to `nxd_mqtt_ack_receive_notify`: SUBACK.
pub const MQTT_CONTROL_PACKET_TYPE_SUBACK: UINT = 9;
/// MQTT control packet type UNSUBSCRIBE.
pub const MQTT_CONTROL_PACKET_TYPE_UNSUBSCRIBE: UINT = 10;
/// `type` passed to `nxd_mqtt_ack_receive_notify`: UNSUBACK.
pub const MQTT_CONTROL_PACKET_TYPE_UNSUBACK: UINT = 11;
/// MQTT control packet type PINGREQ.
pub const MQTT_CONTROL_PACKET_TYPE_PINGREQ: UINT = 12;
/// MQTT control packet type PINGRESP.
pub const MQTT_CONTROL_PACKET_TYPE_PINGRESP: UINT = 13;
/// MQTT control packet type DISCONNECT.
pub const MQTT_CONTROL_PACKET_TYPE_DISCONNECT: UINT = 14;

/// Default bound of the receive queue (messages). When it is full the client
/// stops reading the socket, so TCP flow control holds the broker back and no
/// QoS 1/2 message is dropped. Change it per client with
/// `rsmqtt_nxd_mqtt_client_receive_queue_limit_set`.
pub const RSMQTT_NXD_MQTT_RECEIVE_QUEUE_LIMIT: UINT = 64;

/// Default number of outgoing QoS 1/2 publishes that may await
/// acknowledgement at once; publish waits (up to its wait option) for an
/// acknowledgement beyond it. MQTT 3.1.1 has no way for a broker to announce
/// its window, and brokers drop what exceeds it (Mosquitto's default
/// `max_inflight_messages` is 20), so the client keeps within it. Change it
/// per client with `rsmqtt_nxd_mqtt_client_inflight_limit_set`.
pub const RSMQTT_NXD_MQTT_MAX_INFLIGHT: UINT = 20;

/// Called from the client thread when messages are queued, with the number
/// of messages in the queue.
pub type NXD_MQTT_RECEIVE_NOTIFY =
    Option<unsafe extern "C" fn(client_ptr: *mut NXD_MQTT_CLIENT_STRUCT, number_of_messages: UINT)>;
/// Called when a non-blocking connect completes, with its status.
pub type NXD_MQTT_CONNECT_NOTIFY = Option<
    unsafe extern "C" fn(
        client_ptr: *mut NXD_MQTT_CLIENT_STRUCT,
        status: UINT,
        context: *mut c_void,
    ),
>;
/// Called when the connection ends.
pub type NXD_MQTT_DISCONNECT_NOTIFY =
    Option<unsafe extern "C" fn(client_ptr: *mut NXD_MQTT_CLIENT_STRUCT)>;
/// Upstream's raw packet hook; rsmqtt never calls it (it has no NetX packets).
pub type NXD_MQTT_PACKET_RECEIVE_NOTIFY = Option<
    unsafe extern "C" fn(
        client_ptr: *mut NXD_MQTT_CLIENT_STRUCT,
        packet_ptr: *mut NX_PACKET,
        context: *mut c_void,
    ) -> UINT,
>;
/// Called from the client thread for each PUBACK, PUBREC, PUBCOMP, SUBACK and
/// UNSUBACK, with the packet type and identifier (`transmit_packet_ptr` is
/// always NULL).
pub type NXD_MQTT_ACK_RECEIVE_NOTIFY = Option<
    unsafe extern "C" fn(
        client_ptr: *mut NXD_MQTT_CLIENT_STRUCT,
        r#type: UINT,
        packet_id: USHORT,
        transmit_packet_ptr: *mut NX_PACKET,
        context: *mut c_void,
    ),
>;
/// The application's TLS setup callback given to `secure_connect`.
pub type NXD_MQTT_TLS_SETUP = Option<
    unsafe extern "C" fn(
        client_ptr: *mut NXD_MQTT_CLIENT_STRUCT,
        session: *mut NX_SECURE_TLS_SESSION,
        certificate: *mut NX_SECURE_X509_CERT,
        trusted_certificate: *mut NX_SECURE_X509_CERT,
    ) -> UINT,
>;

/// The MQTT client control block, allocated by the application.
#[repr(C)]
pub struct NXD_MQTT_CLIENT_STRUCT {
    /// Name given at creation (kept by pointer).
    pub nxd_mqtt_client_name: *mut CHAR,
    /// Client identifier (kept by pointer; read at each connect).
    pub nxd_mqtt_client_id: *mut CHAR,
    /// Length of the client identifier.
    pub nxd_mqtt_client_id_length: UINT,
    /// User name set by `login_set` (rsmqtt keeps its own copy).
    pub nxd_mqtt_client_username: *mut CHAR,
    /// Length of the user name.
    pub nxd_mqtt_client_username_length: USHORT,
    /// Password set by `login_set` (rsmqtt keeps its own copy).
    pub nxd_mqtt_client_password: *mut CHAR,
    /// Length of the password.
    pub nxd_mqtt_client_password_length: USHORT,
    /// Will QoS (bits 3-4) and retain (bit 5), as in the CONNECT flags.
    pub nxd_mqtt_client_will_qos_retain: UCHAR,
    /// Will topic set by `will_message_set` (rsmqtt keeps its own copy).
    pub nxd_mqtt_client_will_topic: *const UCHAR,
    /// Length of the will topic.
    pub nxd_mqtt_client_will_topic_length: UINT,
    /// Will message (rsmqtt keeps its own copy).
    pub nxd_mqtt_client_will_message: *const UCHAR,
    /// Length of the will message.
    pub nxd_mqtt_client_will_message_length: UINT,
    /// IP instance given at creation (unused on a host).
    pub nxd_mqtt_client_ip_ptr: *mut NX_IP,
    /// Packet pool given at creation (unused on a host).
    pub nxd_mqtt_client_packet_pool_ptr: *mut NX_PACKET_POOL,
    /// Points at `nxd_mqtt_protection`; rsmqtt locks with its own mutexes.
    pub nxd_mqtt_client_mutex_ptr: *mut TX_MUTEX,
    /// The block `nxd_mqtt_client_mutex_ptr` points at.
    pub nxd_mqtt_protection: TX_MUTEX,
    /// PINGRESP timeout in ticks, `NX_IP_PERIODIC_RATE` (1 s) after create;
    /// the application may change it before connecting.
    pub nxd_mqtt_ping_timeout: UINT,
    /// Non-zero while a PINGREQ awaits its PINGRESP.
    pub nxd_mqtt_ping_not_responded: UINT,
    /// Keep-alive interval of the current connection, in seconds.
    pub nxd_mqtt_keepalive: UINT,
    /// Clean-session flag of the current connection.
    pub nxd_mqtt_clean_session: UINT,
    /// One of the `NXD_MQTT_CLIENT_STATE_*` values.
    pub nxd_mqtt_client_state: UINT,
    /// The packet identifier used last.
    pub nxd_mqtt_client_packet_identifier: UINT,
    /// Messages waiting in the receive queue.
    pub message_receive_queue_depth: UINT,
    /// Set by `receive_notify_set`.
    pub nxd_mqtt_client_receive_notify: NXD_MQTT_RECEIVE_NOTIFY,
    /// Completion callback of a non-blocking connect; read when connect is
    /// called.
    pub nxd_mqtt_connect_notify: NXD_MQTT_CONNECT_NOTIFY,
    /// Passed to `nxd_mqtt_connect_notify`.
    pub nxd_mqtt_connect_context: *mut c_void,
    /// Set by `disconnect_notify_set`.
    pub nxd_mqtt_disconnect_notify: NXD_MQTT_DISCONNECT_NOTIFY,
    /// Upstream's raw packet hook; not called by rsmqtt.
    pub nxd_mqtt_packet_receive_notify: NXD_MQTT_PACKET_RECEIVE_NOTIFY,
    /// Context of `nxd_mqtt_packet_receive_notify`.
    pub nxd_mqtt_packet_receive_context: *mut c_void,
    /// Acknowledgement callback; read when connect is called.
    pub nxd_mqtt_ack_receive_notify: NXD_MQTT_ACK_RECEIVE_NOTIFY,
    /// Passed to `nxd_mqtt_ack_receive_notify`.
    pub nxd_mqtt_ack_receive_context: *mut c_void,
    /// Non-zero for a connection made by `secure_connect`.
    pub nxd_mqtt_client_use_tls: UINT,
    /// The TLS setup callback given to `secure_connect`.
    pub nxd_mqtt_tls_setup: NXD_MQTT_TLS_SETUP,
    /// Passed to the TLS setup callback as the local certificate block.
    pub nxd_mqtt_tls_certificate: NX_SECURE_X509_CERT,
    /// Passed to the TLS setup callback as the trusted certificate block.
    pub nxd_mqtt_tls_trusted_certificate: NX_SECURE_X509_CERT,
    /// Passed to the TLS setup callback as the session.
    pub nxd_mqtt_tls_session: NX_SECURE_TLS_SESSION,
    /// Non-zero while the TLS handshake runs.
    pub nxd_mqtt_tls_in_progress: UINT,
}

/// `NXD_MQTT_CLIENT`, the typedef applications use.
pub type NXD_MQTT_CLIENT = NXD_MQTT_CLIENT_STRUCT;
