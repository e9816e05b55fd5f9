//! The types of `core_mqtt_serializer.h`: status codes, QoS, and the packet
//! parameter structs applications fill in.

use core::ffi::{c_char, c_void};

/// Packet type byte of CONNECT (client to server).
pub const MQTT_PACKET_TYPE_CONNECT: u8 = 0x10;
/// Packet type byte of CONNACK (server to client).
pub const MQTT_PACKET_TYPE_CONNACK: u8 = 0x20;
/// Packet type byte of PUBLISH (both directions), flags clear.
pub const MQTT_PACKET_TYPE_PUBLISH: u8 = 0x30;
/// Packet type byte of PUBACK.
pub const MQTT_PACKET_TYPE_PUBACK: u8 = 0x40;
/// Packet type byte of PUBREC.
pub const MQTT_PACKET_TYPE_PUBREC: u8 = 0x50;
/// Packet type byte of PUBREL, with its mandatory flags 0b0010.
pub const MQTT_PACKET_TYPE_PUBREL: u8 = 0x62;
/// Packet type byte of PUBCOMP.
pub const MQTT_PACKET_TYPE_PUBCOMP: u8 = 0x70;
/// Packet type byte of SUBSCRIBE, with its mandatory flags 0b0010.
pub const MQTT_PACKET_TYPE_SUBSCRIBE: u8 = 0x82;
/// Packet type byte of SUBACK.
pub const MQTT_PACKET_TYPE_SUBACK: u8 = 0x90;
/// Packet type byte of UNSUBSCRIBE, with its mandatory flags 0b0010.
pub const MQTT_PACKET_TYPE_UNSUBSCRIBE: u8 = 0xA2;
/// Packet type byte of UNSUBACK.
pub const MQTT_PACKET_TYPE_UNSUBACK: u8 = 0xB0;
/// Packet type byte of PINGREQ.
pub const MQTT_PACKET_TYPE_PINGREQ: u8 = 0xC0;
/// Packet type byte of PINGRESP.
pub const MQTT_PACKET_TYPE_PINGRESP: u8 = 0xD0;
/// Packet type byte of DISCONNECT.
pub const MQTT_PACKET_TYPE_DISCONNECT: u8 = 0xE0;
/// Size of PUBACK, PUBREC, PUBREL and PUBCOMP packets.
pub const MQTT_PUBLISH_ACK_PACKET_SIZE: usize = 4;

/// Return codes of the `MQTT_*` functions. The numbers are ABI.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MQTTStatus {
    /// The call succeeded.
    MQTTSuccess = 0,
    /// A parameter was invalid.
    MQTTBadParameter = 1,
    /// A buffer or record array was too small.
    MQTTNoMemory = 2,
    /// The transport's send failed.
    MQTTSendFailed = 3,
    /// The transport's receive failed.
    MQTTRecvFailed = 4,
    /// The server sent an invalid packet.
    MQTTBadResponse = 5,
    /// The server refused a CONNECT or a SUBSCRIBE.
    MQTTServerRefused = 6,
    /// The transport had no data.
    MQTTNoDataAvailable = 7,
    /// A state record transition was not allowed.
    MQTTIllegalState = 8,
    /// A state record with this packet identifier exists already.
    MQTTStateCollision = 9,
    /// No PINGRESP arrived in time.
    MQTTKeepAliveTimeout = 10,
    /// Only part of a packet has arrived; call again.
    MQTTNeedMoreBytes = 11,
    /// `MQTT_CheckConnectStatus`: connected.
    MQTTStatusConnected = 12,
    /// `MQTT_CheckConnectStatus`: not connected.
    MQTTStatusNotConnected = 13,
    /// `MQTT_CheckConnectStatus`: a transport error is waiting for the
    /// application's disconnect.
    MQTTStatusDisconnectPending = 14,
    /// The application's store callback refused a publish.
    MQTTPublishStoreFailed = 15,
    /// The application's retrieve callback could not give a publish back.
    MQTTPublishRetrieveFailed = 16,
}

/// `MQTTStatus_t`, the typedef applications use.
pub type MQTTStatus_t = MQTTStatus;

// The QoS enum is the engine's; here under its C names.
pub use crate::engine::record::{MQTTQoS, MQTTQoSRaw, MQTTQoS_t};

/// A caller-owned buffer.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MQTTFixedBuffer {
    /// Start of the buffer.
    pub pBuffer: *mut u8,
    /// Its size in bytes.
    pub size: usize,
}

/// `MQTTFixedBuffer_t`, the typedef applications use.
pub type MQTTFixedBuffer_t = MQTTFixedBuffer;

/// CONNECT parameters.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MQTTConnectInfo {
    /// Start a new session (true) or resume the stored one (false).
    pub cleanSession: bool,
    /// Keep-alive interval in seconds; 0 disables it.
    pub keepAliveSeconds: u16,
    /// Client identifier.
    pub pClientIdentifier: *const c_char,
    /// Its length in bytes.
    pub clientIdentifierLength: u16,
    /// User name, or NULL.
    pub pUserName: *const c_char,
    /// Its length in bytes.
    pub userNameLength: u16,
    /// Password, or NULL.
    pub pPassword: *const c_char,
    /// Its length in bytes.
    pub passwordLength: u16,
}

/// `MQTTConnectInfo_t`, the typedef applications use.
pub type MQTTConnectInfo_t = MQTTConnectInfo;

/// One topic filter of a SUBSCRIBE or UNSUBSCRIBE.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MQTTSubscribeInfo {
    /// Requested maximum QoS (`MQTTQoS_t` in C).
    pub qos: MQTTQoSRaw,
    /// Topic filter.
    pub pTopicFilter: *const c_char,
    /// Its length in bytes.
    pub topicFilterLength: u16,
}

/// `MQTTSubscribeInfo_t`, the typedef applications use.
pub type MQTTSubscribeInfo_t = MQTTSubscribeInfo;

/// PUBLISH parameters, outgoing or as deserialized from an incoming packet.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MQTTPublishInfo {
    /// QoS (`MQTTQoS_t` in C).
    pub qos: MQTTQoSRaw,
    /// Retain flag.
    pub retain: bool,
    /// Duplicate-delivery flag.
    pub dup: bool,
    /// Topic name.
    pub pTopicName: *const c_char,
    /// Its length in bytes.
    pub topicNameLength: u16,
    /// Payload.
    pub pPayload: *const c_void,
    /// Its length in bytes.
    pub payloadLength: usize,
}

/// `MQTTPublishInfo_t`, the typedef applications use.
pub type MQTTPublishInfo_t = MQTTPublishInfo;

/// An incoming packet's fixed header and where its body is.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MQTTPacketInfo {
    /// The first byte: packet type and flags.
    pub r#type: u8,
    /// The bytes after the fixed header.
    pub pRemainingData: *mut u8,
    /// The remaining length.
    pub remainingLength: usize,
    /// Length of the fixed header (type byte and remaining length).
    pub headerLength: usize,
}

/// `MQTTPacketInfo_t`, the typedef applications use.
pub type MQTTPacketInfo_t = MQTTPacketInfo;

/// The coreMQTT status for an engine failure. Every variant but two has the
/// status of its name; a refused CONNACK is `MQTTServerRefused`, a malformed
/// packet `MQTTBadResponse`.
impl From<crate::engine::Error> for MQTTStatus {
    #[inline]
    fn from(error: crate::engine::Error) -> Self {
        status_of(Err(error))
    }
}

/// The coreMQTT status of an engine call's result: `MQTTSuccess` for `Ok`.
///
/// The one copy of the conversion (and [`From`] goes through it): not
/// generic over the `Ok` value and, built for size (`cfg(rsmqtt_small)`, see
/// build.rs), out of line, so that firmware holds it once instead of once per
/// result type and call site (39 bytes less on a Cortex-M4). Other builds
/// inline it: a call per message costs more instructions than the few it
/// takes in place (scripts/bench.sh).
#[cfg_attr(rsmqtt_small, inline(never))]
#[cfg_attr(not(rsmqtt_small), inline)]
pub fn status_of(result: Result<(), crate::engine::Error>) -> MQTTStatus {
    use crate::engine::Error;
    let Err(error) = result else {
        return MQTTStatus::MQTTSuccess;
    };
    match error {
        Error::BadParameter => MQTTStatus::MQTTBadParameter,
        Error::NoMemory => MQTTStatus::MQTTNoMemory,
        Error::SendFailed => MQTTStatus::MQTTSendFailed,
        Error::RecvFailed => MQTTStatus::MQTTRecvFailed,
        Error::BadResponse | Error::Malformed(_) => MQTTStatus::MQTTBadResponse,
        Error::Refused(_) => MQTTStatus::MQTTServerRefused,
        Error::NoDataAvailable => MQTTStatus::MQTTNoDataAvailable,
        Error::IllegalState => MQTTStatus::MQTTIllegalState,
        Error::StateCollision => MQTTStatus::MQTTStateCollision,
        Error::KeepAliveTimeout => MQTTStatus::MQTTKeepAliveTimeout,
        Error::AlreadyConnected => MQTTStatus::MQTTStatusConnected,
        Error::NotConnected => MQTTStatus::MQTTStatusNotConnected,
        Error::DisconnectPending => MQTTStatus::MQTTStatusDisconnectPending,
        Error::PublishStoreFailed => MQTTStatus::MQTTPublishStoreFailed,
        Error::PublishRetrieveFailed => MQTTStatus::MQTTPublishRetrieveFailed,
    }
}

#[cfg(test)]
mod tests {
    use super::{status_of, MQTTStatus};
    use crate::engine::Error;
    use crate::wire::{ConnectReturnCode, ErrorKind};

    /// Every engine failure becomes the coreMQTT status the library returned
    /// for it before the engine had its own error type.
    #[test]
    fn engine_errors_map_to_their_coremqtt_statuses() {
        use MQTTStatus::*;
        let cases = [
            (Error::BadParameter, MQTTBadParameter),
            (Error::NoMemory, MQTTNoMemory),
            (Error::SendFailed, MQTTSendFailed),
            (Error::RecvFailed, MQTTRecvFailed),
            (Error::BadResponse, MQTTBadResponse),
            (Error::Malformed(ErrorKind::InvalidUtf8), MQTTBadResponse),
            (
                Error::Malformed(ErrorKind::UnexpectedPacketType),
                MQTTBadResponse,
            ),
            (
                Error::Refused(ConnectReturnCode::NotAuthorized),
                MQTTServerRefused,
            ),
            (
                Error::Refused(ConnectReturnCode::UnacceptableProtocolVersion),
                MQTTServerRefused,
            ),
            (Error::NoDataAvailable, MQTTNoDataAvailable),
            (Error::IllegalState, MQTTIllegalState),
            (Error::StateCollision, MQTTStateCollision),
            (Error::KeepAliveTimeout, MQTTKeepAliveTimeout),
            (Error::AlreadyConnected, MQTTStatusConnected),
            (Error::NotConnected, MQTTStatusNotConnected),
            (Error::DisconnectPending, MQTTStatusDisconnectPending),
            (Error::PublishStoreFailed, MQTTPublishStoreFailed),
            (Error::PublishRetrieveFailed, MQTTPublishRetrieveFailed),
        ];
        for (error, status) in cases {
            assert_eq!(MQTTStatus::from(error), status, "{error:?}");
            assert_eq!(status_of(Err(error)), status, "{error:?}");
        }
        assert_eq!(status_of(Ok(())), MQTTSuccess);
    }
}
