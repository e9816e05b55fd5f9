//! The types of `core_mqtt.h`: the connection context (which is the engine's
//! whole state), state records, callbacks and the enums that go with them.

use super::serializer_types::{MQTTFixedBuffer_t, MQTTPacketInfo, MQTTPublishInfo_t, MQTTStatus_t};
use super::transport_interface::{TransportInterface_t, TransportOutVector_t};

/// The version string of the coreMQTT line whose API this library provides.
pub const MQTT_LIBRARY_VERSION: &str = "v2.3.1+";

// The state record and its enums are the engine's (it keeps the records in
// this C layout, in the application's arrays); here under their C names.
pub use crate::engine::record::{
    MQTTPubAckInfo, MQTTPubAckInfo_t, MQTTPubAckType, MQTTPubAckTypeRaw, MQTTPubAckType_t,
    MQTTPublishState, MQTTPublishStateRaw, MQTTPublishState_t, MQTT_PACKET_ID_INVALID,
};

/// Whether a context holds a connection.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MQTTConnectionStatus {
    /// No connection.
    MQTTNotConnected = 0,
    /// Connected.
    MQTTConnected = 1,
    /// A transport error happened; the application must disconnect.
    MQTTDisconnectPending = 2,
}

/// `MQTTConnectionStatus_t`, the typedef applications use.
pub type MQTTConnectionStatus_t = MQTTConnectionStatus;
/// An `MQTTConnectionStatus_t` as C stores it. Appears as
/// `MQTTConnectionStatus_t` in C.
pub type MQTTConnectionStatusRaw = super::c_enum::Raw;

/// SUBACK return codes.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MQTTSubAckStatus {
    /// Granted at QoS 0.
    MQTTSubAckSuccessQos0 = 0x00,
    /// Granted at QoS 1.
    MQTTSubAckSuccessQos1 = 0x01,
    /// Granted at QoS 2.
    MQTTSubAckSuccessQos2 = 0x02,
    /// Refused.
    MQTTSubAckFailure = 0x80,
}

/// `MQTTSubAckStatus_t`, the typedef applications use.
pub type MQTTSubAckStatus_t = MQTTSubAckStatus;

/// The vectors of one outgoing PUBLISH, handed to the store callback. Opaque
/// to C: measure it with `MQTT_GetBytesInMQTTVec` and flatten it with
/// `MQTT_SerializeMQTTVec`.
#[repr(C)]
pub struct MQTTVec {
    /// The vectors.
    pub pVector: *mut TransportOutVector_t,
    /// How many.
    pub vectorLen: usize,
}

/// `MQTTVec_t`, the typedef applications use.
pub type MQTTVec_t = MQTTVec;

/// Milliseconds since an arbitrary epoch, wrapping at 2^32.
pub type MQTTGetCurrentTimeFunc_t = Option<unsafe extern "C" fn() -> u32>;

/// Called for every incoming PUBLISH and acknowledgement.
pub type MQTTEventCallback_t = Option<
    unsafe extern "C" fn(
        pContext: *mut MQTTContext,
        pPacketInfo: *mut MQTTPacketInfo,
        pDeserializedInfo: *mut MQTTDeserializedInfo,
    ),
>;

/// Stores an outgoing publish for resending after a reconnect.
pub type MQTTStorePacketForRetransmit = Option<
    unsafe extern "C" fn(
        pContext: *mut MQTTContext,
        packetId: u16,
        pMqttVec: *mut MQTTVec_t,
    ) -> bool,
>;

/// Gives back a stored publish, flattened by `MQTT_SerializeMQTTVec`.
pub type MQTTRetrievePacketForRetransmit = Option<
    unsafe extern "C" fn(
        pContext: *mut MQTTContext,
        packetId: u16,
        pSerializedMqttVec: *mut *mut u8,
        pSerializedMqttVecLen: *mut usize,
    ) -> bool,
>;

/// Forgets a stored publish once it is acknowledged.
pub type MQTTClearPacketForRetransmit =
    Option<unsafe extern "C" fn(pContext: *mut MQTTContext, packetId: u16)>;

/// One MQTT connection: everything the engine knows lives here, laid out as
/// coreMQTT lays it out, because applications read these fields.
#[repr(C)]
pub struct MQTTContext {
    /// State records of outgoing QoS 1/2 publishes (caller's array).
    pub outgoingPublishRecords: *mut MQTTPubAckInfo_t,
    /// State records of incoming QoS 1/2 publishes (caller's array).
    pub incomingPublishRecords: *mut MQTTPubAckInfo_t,
    /// Length of `outgoingPublishRecords`.
    pub outgoingPublishRecordMaxCount: usize,
    /// Length of `incomingPublishRecords`.
    pub incomingPublishRecordMaxCount: usize,
    /// The transport, copied in by `MQTT_Init`.
    pub transportInterface: TransportInterface_t,
    /// The receive buffer.
    pub networkBuffer: MQTTFixedBuffer_t,
    /// Next packet identifier `MQTT_GetPacketId` hands out.
    pub nextPacketId: u16,
    /// Connection status (`MQTTConnectionStatus_t` in C).
    pub connectStatus: MQTTConnectionStatusRaw,
    /// Clock.
    pub getTime: MQTTGetCurrentTimeFunc_t,
    /// Event callback.
    pub appCallback: MQTTEventCallback_t,
    /// When a packet was last sent.
    pub lastPacketTxTime: u32,
    /// When a packet was last received.
    pub lastPacketRxTime: u32,
    /// Whether a packet went out during the current loop call.
    pub controlPacketSent: bool,
    /// Bytes of a partial packet held in `networkBuffer`.
    pub index: usize,
    /// Keep-alive interval in seconds.
    pub keepAliveIntervalSec: u16,
    /// When the outstanding PINGREQ was sent.
    pub pingReqSendTimeMs: u32,
    /// Whether a PINGRESP is awaited.
    pub waitingForPingResp: bool,
    /// Retransmit store callback.
    pub storeFunction: MQTTStorePacketForRetransmit,
    /// Retransmit retrieve callback.
    pub retrieveFunction: MQTTRetrievePacketForRetransmit,
    /// Retransmit clear callback.
    pub clearFunction: MQTTClearPacketForRetransmit,
}

/// `MQTTContext_t`, the typedef applications use.
pub type MQTTContext_t = MQTTContext;

/// What the event callback learns about a packet beyond its fixed header.
#[repr(C)]
pub struct MQTTDeserializedInfo {
    /// Packet identifier, where the packet has one.
    pub packetIdentifier: u16,
    /// The PUBLISH, for incoming publishes; NULL otherwise.
    pub pPublishInfo: *mut MQTTPublishInfo_t,
    /// Result of deserializing the packet.
    pub deserializationResult: MQTTStatus_t,
}

/// `MQTTDeserializedInfo_t`, the typedef applications use.
pub type MQTTDeserializedInfo_t = MQTTDeserializedInfo;

/// The layouts `arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb` (default flags,
/// hence short enums: every coreMQTT enum is one byte) gives coreMQTT's
/// structs, checked whenever the library is built for bare-metal ARM.
/// `tests/freertos/qemu_mps2/mqtt_qos_demo.c` asserts the same numbers on the
/// C side of that build.
#[cfg(all(target_arch = "arm", target_os = "none"))]
const _: () = {
    use crate::coremqtt::serializer_types::{MQTTConnectInfo_t, MQTTQoSRaw, MQTTSubscribeInfo_t};
    use core::mem::{offset_of, size_of};
    assert!(size_of::<MQTTQoSRaw>() == 1);
    assert!(size_of::<MQTTStatus_t>() == 1);
    assert!(size_of::<MQTTPublishState_t>() == 1);
    assert!(size_of::<MQTTPubAckInfo_t>() == 4);
    assert!(offset_of!(MQTTPubAckInfo_t, qos) == 2);
    assert!(offset_of!(MQTTPubAckInfo_t, publishState) == 3);
    assert!(size_of::<MQTTPublishInfo_t>() == 20);
    assert!(offset_of!(MQTTPublishInfo_t, retain) == 1);
    assert!(offset_of!(MQTTPublishInfo_t, dup) == 2);
    assert!(offset_of!(MQTTPublishInfo_t, pTopicName) == 4);
    assert!(size_of::<MQTTSubscribeInfo_t>() == 12);
    assert!(offset_of!(MQTTSubscribeInfo_t, pTopicFilter) == 4);
    assert!(size_of::<MQTTConnectInfo_t>() == 28);
    assert!(size_of::<MQTTContext_t>() == 92);
    assert!(offset_of!(MQTTContext_t, nextPacketId) == 40);
    assert!(offset_of!(MQTTContext_t, connectStatus) == 42);
    assert!(offset_of!(MQTTContext_t, getTime) == 44);
    assert!(offset_of!(MQTTContext_t, clearFunction) == 88);
    assert!(size_of::<MQTTDeserializedInfo_t>() == 12);
    assert!(offset_of!(MQTTDeserializedInfo_t, deserializationResult) == 8);
};

#[cfg(test)]
mod layout {
    use super::*;
    use core::mem::{offset_of, size_of};

    #[test]
    fn context_matches_coremqtt_on_lp64() {
        assert_eq!(size_of::<MQTTContext_t>(), 168);
        assert_eq!(offset_of!(MQTTContext_t, transportInterface), 32);
        assert_eq!(offset_of!(MQTTContext_t, networkBuffer), 64);
        assert_eq!(offset_of!(MQTTContext_t, nextPacketId), 80);
        assert_eq!(offset_of!(MQTTContext_t, connectStatus), 84);
        assert_eq!(offset_of!(MQTTContext_t, getTime), 88);
        assert_eq!(offset_of!(MQTTContext_t, lastPacketTxTime), 104);
        assert_eq!(offset_of!(MQTTContext_t, controlPacketSent), 112);
        assert_eq!(offset_of!(MQTTContext_t, index), 120);
        assert_eq!(offset_of!(MQTTContext_t, keepAliveIntervalSec), 128);
        assert_eq!(offset_of!(MQTTContext_t, pingReqSendTimeMs), 132);
        assert_eq!(offset_of!(MQTTContext_t, waitingForPingResp), 136);
        assert_eq!(offset_of!(MQTTContext_t, storeFunction), 144);
        assert_eq!(offset_of!(MQTTContext_t, clearFunction), 160);
        assert_eq!(size_of::<MQTTPubAckInfo_t>(), 12);
        assert_eq!(size_of::<MQTTDeserializedInfo_t>(), 24);
        assert_eq!(
            size_of::<crate::coremqtt::serializer_types::MQTTConnectInfo_t>(),
            56
        );
        assert_eq!(size_of::<MQTTPublishInfo_t>(), 40);
        assert_eq!(size_of::<TransportInterface_t>(), 32);
    }
}
