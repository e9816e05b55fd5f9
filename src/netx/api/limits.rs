//! rsmqtt's own settings beyond NetX Duo: receive queue and in-flight limits.

use super::*;

/// rsmqtt extension: sets how many received messages the client queues
/// (default `RSMQTT_NXD_MQTT_RECEIVE_QUEUE_LIMIT`). When the queue is full
/// the client stops reading the socket until `message_get` makes room, so
/// nothing is dropped; the broker may end the connection if that lasts
/// longer than 1.5 keep-alive periods. `limit` 0 gives
/// `NXD_MQTT_INVALID_PARAMETER`.
///
/// # Safety
/// `client_ptr` is NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn rsmqtt_nxd_mqtt_client_receive_queue_limit_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    limit: UINT,
) -> UINT {
    guard(NXD_MQTT_INTERNAL_ERROR, || {
        let client = client_or_return!(client_ptr);
        if limit == 0 {
            return NXD_MQTT_INVALID_PARAMETER;
        }
        client.set_queue_limit(limit as usize);
        NXD_MQTT_SUCCESS
    })
}

/// rsmqtt extension: sets how many outgoing QoS 1/2 publishes may await
/// acknowledgement at once (default `RSMQTT_NXD_MQTT_MAX_INFLIGHT`, at most
/// 64). Keep it at or below the broker's in-flight window: an MQTT 3.1.1
/// broker silently drops publishes beyond it. `limit` 0 gives
/// `NXD_MQTT_INVALID_PARAMETER`.
///
/// # Safety
/// `client_ptr` is NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn rsmqtt_nxd_mqtt_client_inflight_limit_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    limit: UINT,
) -> UINT {
    guard(NXD_MQTT_INTERNAL_ERROR, || {
        let client = client_or_return!(client_ptr);
        if limit == 0 {
            return NXD_MQTT_INVALID_PARAMETER;
        }
        client.set_inflight_limit(limit as usize);
        NXD_MQTT_SUCCESS
    })
}
