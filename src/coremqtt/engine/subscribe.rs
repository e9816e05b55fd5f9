//! `MQTT_Subscribe` and `MQTT_Unsubscribe`: the filter list goes out as
//! vectors over the caller's strings, at most `MQTT_SUB_UNSUB_MAX_VECTORS`
//! vectors per transport call.

use crate::coremqtt::serializer_types::{
    MQTTStatus, MQTT_PACKET_TYPE_SUBSCRIBE, MQTT_PACKET_TYPE_UNSUBSCRIBE,
};
use crate::coremqtt::transport_interface::TransportOutVector;

use super::config::{Config, SUB_UNSUB_VECTORS_CAP};
use super::keepalive::require_connected;
use super::packet::{self, MAX_REMAINING_LENGTH};
use super::port::Ctx;
use super::send::{send_vectors, vector};

/// One topic filter, as a safe view of the caller's data.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Filter<'a> {
    /// The filter.
    pub topic: &'a [u8],
    /// Requested QoS (ignored for UNSUBSCRIBE).
    pub qos: u8,
}

/// SUBSCRIBE or UNSUBSCRIBE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// SUBSCRIBE (3.8).
    Subscribe,
    /// UNSUBSCRIBE (3.10).
    Unsubscribe,
}

/// Checks the list and returns the remaining length.
fn validate<'a>(
    ctx: &mut Ctx,
    kind: Kind,
    count: usize,
    filter: &dyn Fn(usize) -> Filter<'a>,
    packet_id: u16,
) -> Result<usize, MQTTStatus> {
    if count == 0 || packet_id == 0 {
        log::error!("{kind:?}: needs at least one filter and a non-zero packet identifier");
        return Err(MQTTStatus::MQTTBadParameter);
    }
    let mut remaining = 2usize;
    for i in 0..count {
        let f = filter(i);
        if f.topic.is_empty() || f.topic.len() > usize::from(u16::MAX) {
            log::error!("{kind:?}: topic filter {i} has length {}", f.topic.len());
            return Err(MQTTStatus::MQTTBadParameter);
        }
        if kind == Kind::Subscribe {
            if f.qos > 2 {
                log::error!("{kind:?}: topic filter {i} has QoS {}", f.qos);
                return Err(MQTTStatus::MQTTBadParameter);
            }
            if f.qos > 0 && ctx.incoming().is_empty() {
                log::error!(
                    "{kind:?}: QoS {} needs incoming records (MQTT_InitStatefulQoS)",
                    f.qos
                );
                return Err(MQTTStatus::MQTTBadParameter);
            }
        }
        remaining += 2 + f.topic.len() + usize::from(kind == Kind::Subscribe);
        if remaining > MAX_REMAINING_LENGTH {
            return Err(MQTTStatus::MQTTBadParameter);
        }
    }
    Ok(remaining)
}

/// Sends SUBSCRIBE or UNSUBSCRIBE for `count` filters read through `filter`.
pub(crate) fn send<'a>(
    ctx: &mut Ctx,
    kind: Kind,
    count: usize,
    filter: &dyn Fn(usize) -> Filter<'a>,
    packet_id: u16,
) -> MQTTStatus {
    let remaining = match validate(ctx, kind, count, filter, packet_id) {
        Ok(len) => len,
        Err(e) => return e,
    };
    if let Some(refusal) = require_connected(ctx) {
        return refusal;
    }
    let mut header = [0u8; 7];
    header[0] = match kind {
        Kind::Subscribe => MQTT_PACKET_TYPE_SUBSCRIBE,
        Kind::Unsubscribe => MQTT_PACKET_TYPE_UNSUBSCRIBE,
    };
    let Some(rl) = packet::encode_remaining_length(remaining, &mut header[1..5]) else {
        return MQTTStatus::MQTTBadParameter;
    };
    let [id_hi, id_lo] = packet_id.to_be_bytes();
    header[1 + rl] = id_hi;
    header[2 + rl] = id_lo;

    let max = Config::current().sub_unsub_vectors();
    let per_filter = if kind == Kind::Subscribe { 3 } else { 2 };
    let mut vectors: [TransportOutVector; SUB_UNSUB_VECTORS_CAP] =
        [vector(&[]); SUB_UNSUB_VECTORS_CAP];
    let mut lengths = [[0u8; 2]; SUB_UNSUB_VECTORS_CAP];
    let mut qos = [0u8; SUB_UNSUB_VECTORS_CAP];
    vectors[0] = vector(&header[..3 + rl]);
    let mut used = 1;
    let mut slot = 0;
    for i in 0..count {
        if used + per_filter > max {
            if let Err(e) = send_vectors(ctx, &mut vectors[..used]) {
                log::error!("{kind:?} {packet_id}: send failed: {e:?}");
                return MQTTStatus::MQTTSendFailed;
            }
            used = 0;
            slot = 0;
        }
        let f = filter(i);
        lengths[slot] = (f.topic.len() as u16).to_be_bytes();
        qos[slot] = f.qos;
        vectors[used] = vector(&lengths[slot]);
        vectors[used + 1] = vector(f.topic);
        if kind == Kind::Subscribe {
            vectors[used + 2] = vector(core::slice::from_ref(&qos[slot]));
        }
        used += per_filter;
        slot += 1;
    }
    if let Err(e) = send_vectors(ctx, &mut vectors[..used]) {
        log::error!("{kind:?} {packet_id}: send failed: {e:?}");
        return MQTTStatus::MQTTSendFailed;
    }
    MQTTStatus::MQTTSuccess
}
