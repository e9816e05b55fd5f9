//! `MQTT_Publish`: one PUBLISH sent as vectors over the caller's topic and
//! payload, with its state record for QoS 1 and 2.

use crate::coremqtt::serializer;
use crate::coremqtt::serializer_types::{MQTTQoS, MQTTStatus};

use super::keepalive::require_connected;
use super::port::Port;
use super::send::{send_vectors, send_vectors_inline};
use crate::wire::{self, raw};

/// An outgoing PUBLISH, as safe views of the caller's data.
#[derive(Clone, Copy, Debug)]
pub struct Publish<'a> {
    /// QoS.
    pub qos: MQTTQoS,
    /// Retain flag.
    pub retain: bool,
    /// DUP flag (set by the application when it resends).
    pub dup: bool,
    /// Topic name.
    pub topic: &'a [u8],
    /// Payload.
    pub payload: &'a [u8],
}

/// Sends a PUBLISH.
///
/// For QoS 1/2 the record is reserved first and moves to PUBACK/PUBREC
/// pending once sent. As in coreMQTT, a failed send leaves the record in
/// `MQTTPublishSend`: after a reconnect with a resumed session the stored copy
/// goes out again with DUP (and the record moves on to PUBACK/PUBREC pending,
/// where coreMQTT leaves it and then fails on the acknowledgement), or the
/// application resends with `dup` set (which
/// reuses the record) or drops it with `MQTT_CancelCallback`. When the store
/// callback refuses the publish nothing was sent and no copy exists, so the
/// record reserved by this call is freed again (coreMQTT leaves it, and a
/// later session resumption then fails with `MQTTPublishRetrieveFailed`).
pub fn publish<P: Port>(ctx: &mut P, p: &Publish<'_>, packet_id: u16) -> MQTTStatus {
    let qos1_or_2 = p.qos != MQTTQoS::MQTTQoS0;
    if qos1_or_2 && packet_id == 0 {
        log::error!(
            "MQTT_Publish: QoS {} needs a non-zero packet identifier",
            p.qos as u32
        );
        return MQTTStatus::MQTTBadParameter;
    }
    if qos1_or_2 && ctx.record_array(true).is_empty() {
        log::error!(
            "MQTT_Publish: QoS {} needs outgoing records (MQTT_InitStatefulQoS)",
            p.qos as u32
        );
        return MQTTStatus::MQTTBadParameter;
    }
    let remaining = match serializer::publish_packet_size(p.qos, p.topic.len(), p.payload.len()) {
        Ok((remaining, _)) => remaining,
        Err(e) => return e,
    };
    if let Some(refusal) = require_connected(ctx) {
        return refusal;
    }

    // The slot of the record this call reserved, if it reserved one.
    let mut reserved: Option<usize> = None;
    if qos1_or_2 {
        match ctx.outgoing().reserve_slot(packet_id, p.qos) {
            Ok(slot) => reserved = Some(slot),
            // An application resending its own publish (DUP) reuses the record.
            Err(MQTTStatus::MQTTStateCollision) if p.dup => {}
            Err(e) => {
                log::error!("MQTT_Publish: cannot reserve a record for packet {packet_id}: {e:?}");
                return e;
            }
        }
    }

    // The fixed header is written to the front of `head`; a short topic and
    // the packet identifier follow it there, so that the three go out in one
    // piece: one transport call fewer per publish (a system call on a
    // socket) for the price of copying a few dozen bytes. Longer topics go
    // out as their own vector.
    let mut head = [0u8; COALESCED_HEAD_CAP];
    let header_len = match head.split_first_chunk_mut().map(|(start, _)| {
        raw::publish_head(
            start,
            serializer::publish_type_byte(p.qos, p.retain, p.dup),
            remaining,
            p.topic.len() as u16,
        )
    }) {
        Some(Ok(len)) => len,
        Some(Err(e)) => return release(ctx, reserved, packet_id, e.into()),
        None => return release(ctx, reserved, packet_id, MQTTStatus::MQTTNoMemory),
    };
    let id_bytes = packet_id.to_be_bytes();
    let id_part: &[u8] = if qos1_or_2 { &id_bytes } else { &[] };

    if qos1_or_2 {
        let header = head.get(..header_len).unwrap_or_default();
        if store_with_dup(ctx, packet_id, header, [p.topic, id_part, p.payload]) == Some(false) {
            log::error!("MQTT_Publish: the store callback refused packet {packet_id}");
            return release(ctx, reserved, packet_id, MQTTStatus::MQTTPublishStoreFailed);
        }
    }
    let head_len = header_len + p.topic.len() + id_part.len();
    let result = if head_len <= head.len() {
        let topic_end =
            header_len + wire::copy_into(head.get_mut(header_len..).unwrap_or_default(), p.topic);
        wire::copy_into(head.get_mut(topic_end..).unwrap_or_default(), id_part);
        send_vectors_inline(
            ctx,
            &mut [head.get(..head_len).unwrap_or_default(), p.payload],
        )
    } else {
        send_vectors(
            ctx,
            &mut [
                head.get(..header_len).unwrap_or_default(),
                p.topic,
                id_part,
                p.payload,
            ],
        )
    };
    if let Err(e) = result {
        log::error!("MQTT_Publish: sending packet {packet_id} failed: {e:?}");
        return MQTTStatus::MQTTSendFailed;
    }
    if qos1_or_2 {
        return match ctx.outgoing().sent(reserved, packet_id, p.qos) {
            Ok(_) => MQTTStatus::MQTTSuccess,
            Err(e) => e,
        };
    }
    MQTTStatus::MQTTSuccess
}

/// Offers the publish to the store callback as it would be retransmitted:
/// with DUP (bit 3 of the first byte) set, as coreMQTT stores it, so that the
/// copy the application keeps is already a valid retransmission. The bytes
/// sent now keep the caller's DUP; only the header copy handed to the store
/// differs.
fn store_with_dup<P: Port>(
    ctx: &mut P,
    packet_id: u16,
    header: &[u8],
    [topic, id, payload]: [&[u8]; 3],
) -> Option<bool> {
    let mut dup_header = [0u8; raw::PUBLISH_HEAD_MAX_LEN];
    let len = wire::copy_into(&mut dup_header, header);
    dup_header[0] |= DUP_FLAG;
    ctx.store(
        packet_id,
        &[
            dup_header.get(..len).unwrap_or_default(),
            topic,
            id,
            payload,
        ],
    )
}

/// Largest fixed header, topic and packet identifier sent as one piece (a
/// topic of up to 64 bytes); longer topics go out as their own vector.
const COALESCED_HEAD_CAP: usize = raw::PUBLISH_HEAD_MAX_LEN + 64 + 2;

/// DUP, bit 3 of a PUBLISH's first byte (MQTT 3.1.1 3.3.1.1).
const DUP_FLAG: u8 = 0x08;

/// Frees the record this call reserved, then returns `status`.
fn release<P: Port>(
    ctx: &mut P,
    reserved: Option<usize>,
    packet_id: u16,
    status: MQTTStatus,
) -> MQTTStatus {
    if reserved.is_some() {
        let _ = ctx.outgoing().remove(packet_id);
    }
    status
}
