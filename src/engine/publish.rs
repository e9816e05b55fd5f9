//! `MQTT_Publish`: one PUBLISH sent as vectors over the caller's topic and
//! payload, with its state record for QoS 1 and 2.

use super::packets;
use crate::engine::record::MQTTQoS;

use super::error::Error;
use super::keepalive::require_connected;
use super::port::Port;
use super::send::{send_vectors, send_vectors_inline};
use crate::wire::length::MAX_REMAINING_LENGTH;
use crate::wire::raw;

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
pub fn publish<P: Port>(ctx: &mut P, p: &Publish<'_>, packet_id: u16) -> Result<(), Error> {
    let qos1_or_2 = p.qos != MQTTQoS::MQTTQoS0;
    if qos1_or_2 && packet_id == 0 {
        log::error!(
            "MQTT_Publish: QoS {} needs a non-zero packet identifier",
            p.qos as u32
        );
        return Err(Error::BadParameter);
    }
    if qos1_or_2 && ctx.record_array(true).is_empty() {
        log::error!(
            "MQTT_Publish: QoS {} needs outgoing records (MQTT_InitStatefulQoS)",
            p.qos as u32
        );
        return Err(Error::BadParameter);
    }
    // `MQTT_GetPublishPacketSize`'s checks (`packets::publish_packet_size`,
    // same statuses), on the sizes this function sends from: a topic of 1 to
    // 65,535 bytes, and (coreMQTT's limit) the whole packet, not only its
    // remaining length, at most 268,435,455 bytes.
    let id_len = if qos1_or_2 { 2 } else { 0 };
    let remaining = (2 + id_len + p.topic.len()).saturating_add(p.payload.len());
    //
    // The whole packet is `remaining` + 1 + the length's 1 to 4 bytes. Up to
    // `MAX_REMAINING_LENGTH - 5` that is within the limit (a remaining length
    // that needs 4 bytes is at least 2,097,152, so adding 5 is the worst
    // case); above it the length takes 4 bytes and the sum is over. So one
    // comparison is the same check as computing the length's size.
    if p.topic.is_empty()
        || p.topic.len() > usize::from(u16::MAX)
        || remaining > MAX_REMAINING_LENGTH - 5
    {
        log::error!(
            "MQTT_Publish: topic of {} bytes or payload of {} bytes out of bounds",
            p.topic.len(),
            p.payload.len()
        );
        return Err(Error::BadParameter);
    }
    require_connected(ctx)?;

    // The slot of the record this call reserved, if it reserved one.
    let mut reserved: Option<usize> = None;
    if qos1_or_2 {
        match ctx.outgoing().reserve_slot(packet_id, p.qos) {
            Ok(slot) => reserved = Some(slot),
            // An application resending its own publish (DUP) reuses the record.
            Err(Error::StateCollision) if p.dup => {}
            Err(e) => {
                log::error!("MQTT_Publish: cannot reserve a record for packet {packet_id}: {e:?}");
                return Err(e);
            }
        }
    }

    // The fixed header and the topic's length are written to the front of
    // `head`; a short topic and the packet identifier follow them there, so
    // that the three go out in one piece: one transport call fewer per
    // publish (a system call on a socket) for the price of copying a few
    // dozen bytes. Longer topics (and, built for size, every topic: see
    // `COALESCED_HEAD_CAP`) go out as their own vector. The remaining
    // length was checked above and the header fits, so these writes cannot
    // fail.
    let id_bytes = packet_id.to_be_bytes();
    let id_part = id_bytes.get(..id_len).unwrap_or_default();
    let mut head = [0u8; COALESCED_HEAD_CAP];
    let first_byte = packets::publish_type_byte(p.qos, p.retain, p.dup);
    let topic_len = p.topic.len() as u16;
    // Built for size the header is the serializer's out-of-line
    // `header_with_u16` (the SUBSCRIBE header's and
    // `MQTT_SerializePublishHeaderWithoutTopic`'s writer): one call, not a
    // writer set up here and two calls (16 bytes less on a Cortex-M4).
    #[cfg(rsmqtt_small)]
    let (coalesced, header_len) = (
        false,
        packets::header_with_u16(&mut head, first_byte, remaining, topic_len),
    );
    #[cfg(rsmqtt_small)]
    let head_len = header_len;
    #[cfg(not(rsmqtt_small))]
    let (coalesced, header_len, head_len) = {
        let mut w = raw::RawWriter::new(&mut head);
        let _ = w.fixed_header(first_byte, remaining);
        let _ = w.u16(topic_len);
        let header_len = w.position();
        // Writes nothing past the header when the topic and identifier do
        // not fit (a partly written topic is never sent).
        let coalesced = w.bytes(p.topic).and_then(|()| w.bytes(id_part)).is_ok();
        (coalesced, header_len, w.position())
    };

    let header = head.get(..header_len).unwrap_or_default();
    // One vector list for the store callback and the send (built for size
    // the send takes it as it is), only its first vector differing.
    let dup_head: [u8; raw::PUBLISH_HEAD_MAX_LEN];
    let mut parts = [header, p.topic, id_part, p.payload];
    if qos1_or_2 {
        // The store callback gets the publish as it would be retransmitted:
        // with DUP set, as coreMQTT stores it, so that the copy the
        // application keeps is already a valid retransmission. The bytes
        // sent below keep the caller's DUP: the flag is set on a copy of
        // the header only for the callback.
        let mut copy = head
            .first_chunk::<{ raw::PUBLISH_HEAD_MAX_LEN }>()
            .copied()
            .unwrap_or_default();
        copy[0] |= DUP_FLAG;
        dup_head = copy;
        parts[0] = dup_head.get(..header_len).unwrap_or_default();
        let stored = ctx.store(packet_id, &parts);
        parts[0] = header;
        if stored == Some(false) {
            log::error!("MQTT_Publish: the store callback refused packet {packet_id}");
            return release(ctx, reserved, packet_id, Error::PublishStoreFailed);
        }
    }
    let result = if coalesced {
        send_vectors_inline(
            ctx,
            &mut [head.get(..head_len).unwrap_or_default(), p.payload],
        )
    } else {
        send_vectors(ctx, &mut parts)
    };
    if let Err(e) = result {
        log::error!("MQTT_Publish: sending packet {packet_id} failed: {e:?}");
        return Err(Error::SendFailed);
    }
    if qos1_or_2 {
        // Built for size (`cfg(rsmqtt_small)`, see build.rs) the record is
        // found by the search `MQTT_UpdateStatePublish` uses (one shared
        // copy; identifiers are unique in the array, so it finds the record
        // reserved above); other builds first try the reserved slot.
        #[cfg(rsmqtt_small)]
        let moved = ctx.outgoing().publish_sent(packet_id, p.qos);
        #[cfg(not(rsmqtt_small))]
        let moved = ctx.outgoing().sent(reserved, packet_id, p.qos);
        moved?;
    }
    Ok(())
}

/// Longest topic sent in one piece with the fixed header and the packet
/// identifier; longer topics go out as their own vector.
#[cfg(not(rsmqtt_small))]
const COALESCED_TOPIC_MAX: usize = 64;

/// The buffer for the fixed header, topic length, and (coalesced) topic
/// and packet identifier.
#[cfg(not(rsmqtt_small))]
const COALESCED_HEAD_CAP: usize = raw::PUBLISH_HEAD_MAX_LEN + COALESCED_TOPIC_MAX + 2;

/// Built for size (`cfg(rsmqtt_small)`, set by build.rs for opt-level "s"
/// and "z") no topic is copied: the copy needs a buffer of some 70 bytes,
/// and clearing that (safe Rust cannot leave it uninitialised) is a call to
/// `__aeabi_memclr4`, which a firmware image then links for this alone
/// (about 170 bytes). The publish goes out as coreMQTT sends it: header,
/// topic, packet identifier and payload as four vectors, and the buffer
/// holds the header alone, the length of its DUP copy (so the two slices
/// of them are checked against one bound).
#[cfg(rsmqtt_small)]
const COALESCED_HEAD_CAP: usize = raw::PUBLISH_HEAD_MAX_LEN;

/// DUP, bit 3 of a PUBLISH's first byte (MQTT 3.1.1 3.3.1.1).
const DUP_FLAG: u8 = 0x08;

/// Frees the record this call reserved, then fails with `error`.
fn release<P: Port>(
    ctx: &mut P,
    reserved: Option<usize>,
    packet_id: u16,
    error: Error,
) -> Result<(), Error> {
    if reserved.is_some() {
        let _ = ctx.outgoing().remove(packet_id);
    }
    Err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `publish`'s single comparison refuses exactly the remaining lengths
    /// whose whole packet (type byte, length bytes, remaining) is over
    /// coreMQTT's limit.
    #[test]
    fn one_comparison_is_the_whole_packet_limit() {
        let whole = |r: usize| r.saturating_add(1 + raw::remaining_length_size(r));
        let edges = [
            0,
            127,
            128,
            16_383,
            16_384,
            2_097_151,
            2_097_152,
            MAX_REMAINING_LENGTH - 6,
            MAX_REMAINING_LENGTH - 5,
            MAX_REMAINING_LENGTH - 4,
            MAX_REMAINING_LENGTH,
            MAX_REMAINING_LENGTH + 1,
            usize::MAX,
        ];
        for r in edges
            .into_iter()
            .chain((0..300).map(|d| MAX_REMAINING_LENGTH - 150 + d))
        {
            assert_eq!(
                r > MAX_REMAINING_LENGTH - 5,
                whole(r) > MAX_REMAINING_LENGTH,
                "remaining {r}"
            );
        }
    }
}
