//! The coreMQTT engine calls the NetX client drives.
//!
//! The NetX client does not speak MQTT itself: it embeds an `MQTTContext_t`
//! and drives it through coreMQTT's API (`crate::coremqtt`), the same engine
//! C applications reach through `core_mqtt.h`. The functions are reached
//! through their C symbols so this module states exactly which part of the
//! engine it relies on.

use crate::coremqtt::context::{
    MQTTClearPacketForRetransmit, MQTTContext_t, MQTTEventCallback_t, MQTTGetCurrentTimeFunc_t,
    MQTTPubAckInfo_t, MQTTRetrievePacketForRetransmit, MQTTStorePacketForRetransmit,
};
use crate::coremqtt::serializer_types::{
    MQTTConnectInfo_t, MQTTFixedBuffer_t, MQTTPublishInfo_t, MQTTSubscribeInfo_t,
};
use crate::coremqtt::transport_interface::TransportInterface_t;

/// An `MQTTStatus_t` as the engine returns it, compared against
/// `MQTTStatus::X as u32`.
pub type StatusRaw = u32;

extern "C" {
    pub fn MQTT_Init(
        pContext: *mut MQTTContext_t,
        pTransportInterface: *const TransportInterface_t,
        getTimeFunction: MQTTGetCurrentTimeFunc_t,
        userCallback: MQTTEventCallback_t,
        pNetworkBuffer: *const MQTTFixedBuffer_t,
    ) -> StatusRaw;
    pub fn MQTT_InitStatefulQoS(
        pContext: *mut MQTTContext_t,
        pOutgoingPublishRecords: *mut MQTTPubAckInfo_t,
        outgoingPublishCount: usize,
        pIncomingPublishRecords: *mut MQTTPubAckInfo_t,
        incomingPublishCount: usize,
    ) -> StatusRaw;
    pub fn MQTT_InitRetransmits(
        pContext: *mut MQTTContext_t,
        storeFunction: MQTTStorePacketForRetransmit,
        retrieveFunction: MQTTRetrievePacketForRetransmit,
        clearFunction: MQTTClearPacketForRetransmit,
    ) -> StatusRaw;
    pub fn MQTT_Connect(
        pContext: *mut MQTTContext_t,
        pConnectInfo: *const MQTTConnectInfo_t,
        pWillInfo: *const MQTTPublishInfo_t,
        timeoutMs: u32,
        pSessionPresent: *mut bool,
    ) -> StatusRaw;
    pub fn MQTT_Publish(
        pContext: *mut MQTTContext_t,
        pPublishInfo: *const MQTTPublishInfo_t,
        packetId: u16,
    ) -> StatusRaw;
    pub fn MQTT_Subscribe(
        pContext: *mut MQTTContext_t,
        pSubscriptionList: *const MQTTSubscribeInfo_t,
        subscriptionCount: usize,
        packetId: u16,
    ) -> StatusRaw;
    pub fn MQTT_Unsubscribe(
        pContext: *mut MQTTContext_t,
        pSubscriptionList: *const MQTTSubscribeInfo_t,
        subscriptionCount: usize,
        packetId: u16,
    ) -> StatusRaw;
    pub fn MQTT_Disconnect(pContext: *mut MQTTContext_t) -> StatusRaw;
    pub fn MQTT_ProcessLoop(pContext: *mut MQTTContext_t) -> StatusRaw;
    pub fn MQTT_GetPacketId(pContext: *mut MQTTContext_t) -> u16;
}
