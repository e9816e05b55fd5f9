//! The C layout of the QoS 1/2 state records, which the engine keeps in
//! arrays its port hands it (the coreMQTT face: the application's
//! `MQTTPubAckInfo_t` arrays, given to `MQTT_InitStatefulQoS`).
//!
//! The engine owns these types; they carry coreMQTT's names and values
//! because the coreMQTT face re-exports them unchanged (its `core_mqtt.h` and
//! `core_mqtt_serializer.h` are generated from this file, see
//! tools/headers/specs). Fields that C writes are the plain integers of
//! [`super::c_enum::Raw`], checked before use: C may store any value in an
//! enum, and a Rust enum holding an undeclared one is undefined behaviour.
#![allow(non_camel_case_types, non_snake_case)]

/// Packet identifier 0 is invalid in MQTT 3.1.1: a free record has it.
pub const MQTT_PACKET_ID_INVALID: u16 = 0;

/// MQTT quality of service levels.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MQTTQoS {
    /// At most once.
    MQTTQoS0 = 0,
    /// At least once.
    MQTTQoS1 = 1,
    /// Exactly once.
    MQTTQoS2 = 2,
}

/// `MQTTQoS_t`, the typedef applications use.
pub type MQTTQoS_t = MQTTQoS;

/// An `MQTTQoS_t` as C stores it: any integer. Appears as `MQTTQoS_t` in C.
pub type MQTTQoSRaw = super::c_enum::Raw;

impl MQTTQoS {
    /// The QoS for a raw C value, or `None` when it is not 0, 1 or 2.
    pub fn from_raw(raw: MQTTQoSRaw) -> Option<Self> {
        match raw {
            0 => Some(Self::MQTTQoS0),
            1 => Some(Self::MQTTQoS1),
            2 => Some(Self::MQTTQoS2),
            _ => None,
        }
    }
}

/// The state of one QoS 1 or QoS 2 publish in the state records.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MQTTPublishState {
    /// Empty record.
    MQTTStateNull = 0,
    /// An outgoing PUBLISH is to be sent.
    MQTTPublishSend = 1,
    /// A PUBACK is to be sent for an incoming PUBLISH.
    MQTTPubAckSend = 2,
    /// A PUBREC is to be sent for an incoming PUBLISH.
    MQTTPubRecSend = 3,
    /// A PUBREL is to be sent for an incoming PUBREC.
    MQTTPubRelSend = 4,
    /// A PUBCOMP is to be sent for an incoming PUBREL.
    MQTTPubCompSend = 5,
    /// Waiting for the PUBACK of an outgoing PUBLISH.
    MQTTPubAckPending = 6,
    /// Waiting for the PUBREC of an outgoing PUBLISH.
    MQTTPubRecPending = 7,
    /// Waiting for the PUBREL of an incoming PUBLISH.
    MQTTPubRelPending = 8,
    /// Waiting for the PUBCOMP of an outgoing PUBLISH.
    MQTTPubCompPending = 9,
    /// The exchange is complete.
    MQTTPublishDone = 10,
}

/// `MQTTPublishState_t`, the typedef applications use.
pub type MQTTPublishState_t = MQTTPublishState;
/// An `MQTTPublishState_t` as C stores it. Appears as `MQTTPublishState_t` in C.
pub type MQTTPublishStateRaw = super::c_enum::Raw;

/// The four publish acknowledgement packets.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MQTTPubAckType {
    /// PUBACK, answering a QoS 1 PUBLISH.
    MQTTPuback = 0,
    /// PUBREC, answering a QoS 2 PUBLISH.
    MQTTPubrec = 1,
    /// PUBREL, answering a PUBREC.
    MQTTPubrel = 2,
    /// PUBCOMP, answering a PUBREL.
    MQTTPubcomp = 3,
}

/// `MQTTPubAckType_t`, the typedef applications use.
pub type MQTTPubAckType_t = MQTTPubAckType;
/// An `MQTTPubAckType_t` as C passes it. Appears as `MQTTPubAckType_t` in C.
pub type MQTTPubAckTypeRaw = super::c_enum::Raw;

/// One state record of a QoS 1 or QoS 2 publish. A free record has
/// `packetId` 0.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MQTTPubAckInfo {
    /// Packet identifier of the PUBLISH.
    pub packetId: u16,
    /// Its QoS (`MQTTQoS_t` in C).
    pub qos: MQTTQoSRaw,
    /// Where the exchange stands (`MQTTPublishState_t` in C).
    pub publishState: MQTTPublishStateRaw,
}

/// `MQTTPubAckInfo_t`, the typedef applications use.
pub type MQTTPubAckInfo_t = MQTTPubAckInfo;
