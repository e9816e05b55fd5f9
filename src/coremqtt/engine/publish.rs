//! `MQTT_Publish`: one PUBLISH sent as vectors over the caller's topic and
//! payload, with its state record for QoS 1 and 2.

use crate::coremqtt::serializer_types::{MQTTStatus, MQTT_PACKET_TYPE_PUBLISH};

use super::keepalive::require_connected;
use super::packet::{self, MAX_REMAINING_LENGTH};
use super::port::Ctx;
use super::records::{self, Dir};
use super::send::{send_vectors, vector};
use crate::coremqtt::context::MQTTPublishState;

/// An outgoing PUBLISH, as safe views of the caller's data.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Publish<'a> {
    /// QoS 0, 1 or 2.
    pub qos: u8,
    /// Retain flag.
    pub retain: bool,
    /// DUP flag (set by the application when it resends).
    pub dup: bool,
    /// Topic name.
    pub topic: &'a [u8],
    /// Payload.
    pub payload: &'a [u8],
}

/// Checks what coreMQTT checks before a PUBLISH; the remaining length on
/// success.
pub(crate) fn validate(
    ctx: &mut Ctx,
    p: &Publish<'_>,
    packet_id: u16,
) -> Result<usize, MQTTStatus> {
    if p.qos > 2 {
        log::error!("MQTT_Publish: invalid QoS {}", p.qos);
        return Err(MQTTStatus::MQTTBadParameter);
    }
    if p.qos > 0 && packet_id == 0 {
        log::error!(
            "MQTT_Publish: QoS {} needs a non-zero packet identifier",
            p.qos
        );
        return Err(MQTTStatus::MQTTBadParameter);
    }
    if p.qos > 0 && ctx.outgoing().is_empty() {
        log::error!(
            "MQTT_Publish: QoS {} needs outgoing records (MQTT_InitStatefulQoS)",
            p.qos
        );
        return Err(MQTTStatus::MQTTBadParameter);
    }
    if p.topic.is_empty() || p.topic.len() > usize::from(u16::MAX) {
        log::error!(
            "MQTT_Publish: topic length {} is not 1..=65535",
            p.topic.len()
        );
        return Err(MQTTStatus::MQTTBadParameter);
    }
    let id_len = if p.qos > 0 { 2 } else { 0 };
    let remaining = (2 + p.topic.len() + id_len).checked_add(p.payload.len());
    match remaining {
        Some(len) if len <= MAX_REMAINING_LENGTH => Ok(len),
        _ => {
            log::error!(
                "MQTT_Publish: payload of {} bytes is larger than MQTT allows",
                p.payload.len()
            );
            Err(MQTTStatus::MQTTBadParameter)
        }
    }
}

/// Sends a PUBLISH. For QoS 1/2 the record is reserved first and moves to
/// PUBACK/PUBREC pending once sent; a failed send frees it again (unless this
/// was a DUP resend of a record that already existed), so the application can
/// retry with the same packet id.
pub(crate) fn publish(ctx: &mut Ctx, p: &Publish<'_>, packet_id: u16) -> MQTTStatus {
    let remaining = match validate(ctx, p, packet_id) {
        Ok(len) => len,
        Err(e) => return e,
    };
    if let Some(refusal) = require_connected(ctx) {
        return refusal;
    }

    let mut reserved = false;
    if p.qos > 0 {
        match records::add(
            ctx.outgoing(),
            packet_id,
            p.qos,
            MQTTPublishState::MQTTPublishSend,
        ) {
            Ok(()) => reserved = true,
            // An application resending its own publish (DUP) reuses the record.
            Err(MQTTStatus::MQTTStateCollision) if p.dup => {}
            Err(e) => {
                log::error!("MQTT_Publish: cannot reserve a record for packet {packet_id}: {e:?}");
                return e;
            }
        }
    }

    let mut header = [0u8; 7];
    header[0] = MQTT_PACKET_TYPE_PUBLISH
        | (p.qos << 1)
        | if p.retain { 0x01 } else { 0 }
        | if p.dup { 0x08 } else { 0 };
    let Some(rl) = packet::encode_remaining_length(remaining, &mut header[1..5]) else {
        return MQTTStatus::MQTTBadParameter;
    };
    let [t_hi, t_lo] = (p.topic.len() as u16).to_be_bytes();
    header[1 + rl] = t_hi;
    header[2 + rl] = t_lo;
    let id_bytes = packet_id.to_be_bytes();
    let mut vectors = [
        vector(&header[..3 + rl]),
        vector(p.topic),
        vector(&[]),
        vector(p.payload),
    ];
    if p.qos > 0 {
        vectors[2] = vector(&id_bytes);
    }

    let mut status = MQTTStatus::MQTTSuccess;
    if p.qos > 0 && ctx.store(packet_id, &mut vectors) == Some(false) {
        log::error!("MQTT_Publish: the store callback refused packet {packet_id}");
        status = MQTTStatus::MQTTPublishStoreFailed;
    }
    if status == MQTTStatus::MQTTSuccess && send_vectors(ctx, &mut vectors).is_err() {
        log::error!("MQTT_Publish: sending packet {packet_id} failed");
        status = MQTTStatus::MQTTSendFailed;
    }
    if status != MQTTStatus::MQTTSuccess {
        if reserved {
            if let Some(slot) = records::find(ctx.outgoing(), packet_id) {
                records::free(&mut ctx.outgoing()[slot]);
            }
        }
        return status;
    }
    if p.qos > 0 {
        let outgoing = ctx.outgoing();
        if let Some(slot) = records::find(outgoing, packet_id) {
            let record = &mut outgoing[slot];
            // A DUP resend of a record already past PUBREC stays where it is.
            if records::state_of(record.publishState) == Some(MQTTPublishState::MQTTPublishSend)
                || reserved
            {
                record.publishState = records::publish_state(Dir::Send, p.qos) as u32;
            }
        }
    }
    MQTTStatus::MQTTSuccess
}
