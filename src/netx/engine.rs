//! The coreMQTT engine calls the NetX client drives.
//!
//! The NetX client does not speak MQTT itself: it embeds an `MQTTContext_t`
//! and drives it through coreMQTT's API ([`crate::coremqtt::api`]), the same
//! engine C applications reach through `core_mqtt.h`. This module lists the
//! part of the engine it relies on and hands statuses back as integers, so
//! callers compare with `MQTTStatus::X as u32`.
#![allow(clippy::missing_safety_doc)]

use crate::coremqtt::api;
use crate::coremqtt::context::{
    MQTTClearPacketForRetransmit, MQTTContext_t, MQTTEventCallback_t, MQTTGetCurrentTimeFunc_t,
    MQTTPubAckInfo_t, MQTTRetrievePacketForRetransmit, MQTTStorePacketForRetransmit,
};
use crate::coremqtt::serializer_types::{
    MQTTConnectInfo_t, MQTTFixedBuffer_t, MQTTPublishInfo_t, MQTTSubscribeInfo_t,
};
use crate::coremqtt::transport_interface::TransportInterface_t;

/// An `MQTTStatus_t` as an integer.
pub type StatusRaw = u32;

/// `MQTT_Init`. Safety: as the engine's.
pub unsafe fn MQTT_Init(
    ctx: *mut MQTTContext_t,
    transport: *const TransportInterface_t,
    get_time: MQTTGetCurrentTimeFunc_t,
    callback: MQTTEventCallback_t,
    buffer: *const MQTTFixedBuffer_t,
) -> StatusRaw {
    // SAFETY: forwarded caller contract.
    unsafe { api::MQTT_Init(ctx, transport, get_time, callback, buffer) as u32 }
}

/// `MQTT_InitStatefulQoS`. Safety: as the engine's.
pub unsafe fn MQTT_InitStatefulQoS(
    ctx: *mut MQTTContext_t,
    outgoing: *mut MQTTPubAckInfo_t,
    outgoing_count: usize,
    incoming: *mut MQTTPubAckInfo_t,
    incoming_count: usize,
) -> StatusRaw {
    // SAFETY: forwarded caller contract.
    unsafe {
        api::MQTT_InitStatefulQoS(ctx, outgoing, outgoing_count, incoming, incoming_count) as u32
    }
}

/// `MQTT_InitRetransmits`. Safety: as the engine's.
pub unsafe fn MQTT_InitRetransmits(
    ctx: *mut MQTTContext_t,
    store: MQTTStorePacketForRetransmit,
    retrieve: MQTTRetrievePacketForRetransmit,
    clear: MQTTClearPacketForRetransmit,
) -> StatusRaw {
    // SAFETY: forwarded caller contract.
    unsafe { api::MQTT_InitRetransmits(ctx, store, retrieve, clear) as u32 }
}

/// `MQTT_Connect`. Safety: as the engine's.
pub unsafe fn MQTT_Connect(
    ctx: *mut MQTTContext_t,
    connect: *const MQTTConnectInfo_t,
    will: *const MQTTPublishInfo_t,
    timeout_ms: u32,
    session_present: *mut bool,
) -> StatusRaw {
    // SAFETY: forwarded caller contract.
    unsafe { api::MQTT_Connect(ctx, connect, will, timeout_ms, session_present) as u32 }
}

/// `MQTT_Publish`. Safety: as the engine's.
pub unsafe fn MQTT_Publish(
    ctx: *mut MQTTContext_t,
    info: *const MQTTPublishInfo_t,
    id: u16,
) -> StatusRaw {
    // SAFETY: forwarded caller contract.
    unsafe { api::MQTT_Publish(ctx, info, id) as u32 }
}

/// `MQTT_Subscribe`. Safety: as the engine's.
pub unsafe fn MQTT_Subscribe(
    ctx: *mut MQTTContext_t,
    list: *const MQTTSubscribeInfo_t,
    count: usize,
    id: u16,
) -> StatusRaw {
    // SAFETY: forwarded caller contract.
    unsafe { api::MQTT_Subscribe(ctx, list, count, id) as u32 }
}

/// `MQTT_Unsubscribe`. Safety: as the engine's.
pub unsafe fn MQTT_Unsubscribe(
    ctx: *mut MQTTContext_t,
    list: *const MQTTSubscribeInfo_t,
    count: usize,
    id: u16,
) -> StatusRaw {
    // SAFETY: forwarded caller contract.
    unsafe { api::MQTT_Unsubscribe(ctx, list, count, id) as u32 }
}

/// `MQTT_Disconnect`. Safety: as the engine's.
pub unsafe fn MQTT_Disconnect(ctx: *mut MQTTContext_t) -> StatusRaw {
    // SAFETY: forwarded caller contract.
    unsafe { api::MQTT_Disconnect(ctx) as u32 }
}

/// `MQTT_ProcessLoop`. Safety: as the engine's.
pub unsafe fn MQTT_ProcessLoop(ctx: *mut MQTTContext_t) -> StatusRaw {
    // SAFETY: forwarded caller contract.
    unsafe { api::MQTT_ProcessLoop(ctx) as u32 }
}

/// `MQTT_GetPacketId`. Safety: as the engine's.
pub unsafe fn MQTT_GetPacketId(ctx: *mut MQTTContext_t) -> u16 {
    // SAFETY: forwarded caller contract.
    unsafe { api::MQTT_GetPacketId(ctx) }
}
