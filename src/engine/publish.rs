//! `MQTT_Publish`: one PUBLISH sent as vectors over the caller's topic and
//! payload, with its state record for QoS 1 and 2.

use crate::coremqtt::serializer::{self, PUBLISH_HEADER_WITHOUT_TOPIC_MAX_SIZE};
use crate::coremqtt::serializer_types::{MQTTQoS, MQTTStatus};
use crate::coremqtt::state::MQTTStateOperation;

use super::keepalive::require_connected;
use super::port::Port;
use super::send::send_vectors;
use crate::wire;

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
    if qos1_or_2 && ctx.records().outgoing.is_empty() {
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

    let mut reserved = false;
    if qos1_or_2 {
        match ctx.records().reserve(packet_id, p.qos) {
            MQTTStatus::MQTTSuccess => reserved = true,
            // An application resending its own publish (DUP) reuses the record.
            MQTTStatus::MQTTStateCollision if p.dup => {}
            e => {
                log::error!("MQTT_Publish: cannot reserve a record for packet {packet_id}: {e:?}");
                return e;
            }
        }
    }

    let mut header = [0u8; PUBLISH_HEADER_WITHOUT_TOPIC_MAX_SIZE];
    let header_len = match serializer::serialize_publish_header_without_topic(
        &mut header,
        p.qos,
        p.retain,
        p.dup,
        p.topic.len() as u16,
        remaining,
    ) {
        Ok(len) => len,
        Err(e) => return release(ctx, reserved, packet_id, e),
    };
    let id_bytes = packet_id.to_be_bytes();
    let id_part: &[u8] = if qos1_or_2 { &id_bytes } else { &[] };
    let mut vectors = [
        header.get(..header_len).unwrap_or_default(),
        p.topic,
        id_part,
        p.payload,
    ];

    if qos1_or_2 && store_with_dup(ctx, packet_id, &header, header_len, &vectors) == Some(false) {
        log::error!("MQTT_Publish: the store callback refused packet {packet_id}");
        return release(ctx, reserved, packet_id, MQTTStatus::MQTTPublishStoreFailed);
    }
    // A short topic goes out in one piece with the fixed header and packet
    // identifier: one transport call fewer per publish (a system call on a
    // socket) for the price of copying a few dozen bytes.
    let mut head = [0u8; COALESCED_HEAD_CAP];
    let head_len = header_len + p.topic.len() + id_part.len();
    let result = match head.get_mut(..head_len) {
        Some(dst) => {
            let mut at = 0;
            for part in [
                header.get(..header_len).unwrap_or_default(),
                p.topic,
                id_part,
            ] {
                at += wire::copy_into(dst.get_mut(at..).unwrap_or_default(), part);
            }
            send_vectors(ctx, &mut [&*dst, p.payload])
        }
        None => send_vectors(ctx, &mut vectors),
    };
    if let Err(e) = result {
        log::error!("MQTT_Publish: sending packet {packet_id} failed: {e:?}");
        return MQTTStatus::MQTTSendFailed;
    }
    if qos1_or_2 {
        return match ctx
            .records()
            .update_publish(packet_id, MQTTStateOperation::MQTT_SEND, p.qos)
        {
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
    header: &[u8; PUBLISH_HEADER_WITHOUT_TOPIC_MAX_SIZE],
    header_len: usize,
    vectors: &[&[u8]; 4],
) -> Option<bool> {
    let mut dup_header = *header;
    dup_header[0] |= DUP_FLAG;
    let [_, topic, id, payload] = *vectors;
    ctx.store(
        packet_id,
        &[
            dup_header.get(..header_len).unwrap_or_default(),
            topic,
            id,
            payload,
        ],
    )
}

/// Largest fixed header, topic and packet identifier sent as one piece (a
/// topic of up to 64 bytes); longer topics go out as their own vector.
const COALESCED_HEAD_CAP: usize = PUBLISH_HEADER_WITHOUT_TOPIC_MAX_SIZE + 64 + 2;

/// DUP, bit 3 of a PUBLISH's first byte (MQTT 3.1.1 3.3.1.1).
const DUP_FLAG: u8 = 0x08;

/// Frees the record this call reserved, then returns `status`.
fn release<P: Port>(ctx: &mut P, reserved: bool, packet_id: u16, status: MQTTStatus) -> MQTTStatus {
    if reserved {
        let _ = ctx.records().remove_outgoing(packet_id);
    }
    status
}
