//! `MQTT_Subscribe` and `MQTT_Unsubscribe`: the filter list goes out as
//! vectors over the caller's strings, at most `MQTT_SUB_UNSUB_MAX_VECTORS`
//! vectors per transport call.

use crate::coremqtt::serializer::{
    self, Subscription, SubscriptionKind, SUBSCRIPTION_HEADER_MAX_SIZE,
};
use crate::coremqtt::serializer_types::{MQTTQoS, MQTTStatus};
use crate::coremqtt::transport_interface::TransportOutVector;

use super::config::{Config, SUB_UNSUB_VECTORS_CAP};
use super::keepalive::require_connected;
use super::port::Port;
use super::send::{mark_disconnect_pending, send_vectors, vector};

/// Sends SUBSCRIBE or UNSUBSCRIBE for `count` filters read through `filter`.
///
/// Checks as coreMQTT does: packet id not 0, at least one filter, no empty
/// filter, and (SUBSCRIBE) incoming records for any QoS 1/2 subscription.
pub fn send<'a, P: Port>(
    ctx: &mut P,
    kind: SubscriptionKind,
    count: usize,
    filter: &dyn Fn(usize) -> Subscription<'a>,
    packet_id: u16,
) -> MQTTStatus {
    if packet_id == 0 {
        log::error!("{kind:?}: packet identifier 0");
        return MQTTStatus::MQTTBadParameter;
    }
    let remaining = match serializer::subscription_packet_size((0..count).map(filter), kind) {
        Ok((remaining, _)) => remaining,
        Err(e) => return e,
    };
    if kind == SubscriptionKind::Subscribe
        && ctx.records().incoming.is_empty()
        && (0..count).any(|i| filter(i).qos != MQTTQoS::MQTTQoS0)
    {
        log::error!("{kind:?}: QoS 1/2 subscriptions need incoming records (MQTT_InitStatefulQoS)");
        return MQTTStatus::MQTTBadParameter;
    }
    if let Some(refusal) = require_connected(ctx) {
        return refusal;
    }
    let mut header = [0u8; SUBSCRIPTION_HEADER_MAX_SIZE];
    let header_len = match serializer::subscription_header(&mut header, kind, remaining, packet_id)
    {
        Ok(len) => len,
        Err(e) => return e,
    };

    let max = Config::current().sub_unsub_vectors();
    let per_filter = if kind == SubscriptionKind::Subscribe {
        3
    } else {
        2
    };
    let mut vectors: [TransportOutVector; SUB_UNSUB_VECTORS_CAP] =
        [vector(&[]); SUB_UNSUB_VECTORS_CAP];
    let mut lengths = [[0u8; 2]; SUB_UNSUB_VECTORS_CAP];
    let mut qos = [0u8; SUB_UNSUB_VECTORS_CAP];
    if let Some(first) = vectors.first_mut() {
        *first = vector(header.get(..header_len).unwrap_or_default());
    }
    let mut used = 1;
    let mut slot = 0;
    let mut started = false;
    for i in 0..count {
        if used + per_filter > max {
            let batch = vectors.get_mut(..used).unwrap_or_default();
            if let Err(status) = send_batch(ctx, batch, &mut started) {
                log::error!("{kind:?} {packet_id}: send failed");
                return status;
            }
            used = 0;
            slot = 0;
        }
        let f = filter(i);
        // `max` is at most the array sizes, so the slots always exist.
        let (Some(len), Some(q)) = (lengths.get_mut(slot), qos.get_mut(slot)) else {
            return MQTTStatus::MQTTBadParameter;
        };
        *len = (f.filter.len() as u16).to_be_bytes();
        *q = f.qos as u8;
        let parts: [&[u8]; 3] = [len, f.filter, core::slice::from_ref(q)];
        let free = vectors.get_mut(used..).unwrap_or_default();
        for (dst, part) in free.iter_mut().zip(parts.iter().take(per_filter)) {
            *dst = vector(part);
        }
        used += per_filter;
        slot += 1;
    }
    let batch = vectors.get_mut(..used).unwrap_or_default();
    if let Err(status) = send_batch(ctx, batch, &mut started) {
        log::error!("{kind:?} {packet_id}: send failed");
        return status;
    }
    MQTTStatus::MQTTSuccess
}

/// Sends one batch of the packet's vectors; `started` records that an
/// earlier batch went out.
///
/// `send_vectors` marks the connection `MQTTDisconnectPending` when it cuts a
/// packet short itself, but it sees one batch only: a later batch that times
/// out before its first byte leaves the earlier batches on the wire as the
/// start of a packet that never ends, so the byte stream is just as corrupt.
fn send_batch<P: Port>(
    ctx: &mut P,
    vectors: &mut [TransportOutVector],
    started: &mut bool,
) -> Result<(), MQTTStatus> {
    match send_vectors(ctx, vectors) {
        Ok(()) => {
            *started = true;
            Ok(())
        }
        Err(e) => {
            log::error!("sending part of the packet failed: {e:?}");
            if *started {
                mark_disconnect_pending(ctx);
            }
            Err(MQTTStatus::MQTTSendFailed)
        }
    }
}
