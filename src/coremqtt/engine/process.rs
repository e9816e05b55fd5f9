//! `MQTT_ProcessLoop` / `MQTT_ReceiveLoop`: one incoming packet per call.
//!
//! Bytes accumulate in the network buffer; `MQTTContext_t::index` counts the
//! ones held there between calls. Each call reads what the transport has
//! (without blocking beyond the transport's own timeout) unless a complete
//! packet is already held, and handles the first packet once it is complete. Until then it returns `MQTTNeedMoreBytes` and
//! keeps the partial bytes. Bytes after a handled packet stay in the buffer for
//! the next call.
//!
//! | situation | coreMQTT v2.3.1 | rsmqtt |
//! |---|---|---|
//! | packet longer than the network buffer | drained from the socket and silently dropped; the call returns `MQTTSuccess` | drained from the socket, logged with both sizes, the call returns **`MQTTNoMemory`**; the connection stays usable |
//! | PUBREL for a packet id without a record (e.g. records lost in a reboot) | `MQTTBadParameter` from the loop on every redelivery, the broker never gets its PUBCOMP | answered with **PUBCOMP** (MQTT 3.1.1 4.3.3: the receiver must answer every PUBREL), logged as a warning, `MQTTSuccess` |
//!
//! Why drain the oversized packet rather than fail the connection: the stream
//! stays in sync once the packet's bytes are read, so one oversized message
//! (a large retained payload, say) costs that message only, and the error code
//! plus the logged sizes tell the developer exactly how large the buffer must
//! be. If the drain itself fails (transport error or `PACKET_RX_TIMEOUT_MS`
//! without data) the stream is out of sync, so the call returns
//! `MQTTRecvFailed` and the context becomes `MQTTDisconnectPending`.

use crate::coremqtt::context::{MQTTDeserializedInfo, MQTTPubAckType, MQTTPublishState};
use crate::coremqtt::serializer::{self, FixedHeader};
use crate::coremqtt::serializer_types::{
    MQTTPacketInfo, MQTTPublishInfo, MQTTQoS, MQTTStatus, MQTT_PACKET_TYPE_PINGRESP,
    MQTT_PACKET_TYPE_PUBACK, MQTT_PACKET_TYPE_PUBCOMP, MQTT_PACKET_TYPE_PUBLISH,
    MQTT_PACKET_TYPE_PUBREC, MQTT_PACKET_TYPE_PUBREL, MQTT_PACKET_TYPE_SUBACK,
    MQTT_PACKET_TYPE_UNSUBACK, MQTT_PUBLISH_ACK_PACKET_SIZE,
};
use crate::coremqtt::state::MQTTStateOperation;

use super::config::Config;
use super::keepalive;
use super::port::Ctx;
use super::send::{mark_disconnect_pending, send_bytes};

/// Receives and handles at most one packet; `manage_keep_alive` is true for
/// `MQTT_ProcessLoop`.
pub(crate) fn receive_one(ctx: &mut Ctx, manage_keep_alive: bool) -> MQTTStatus {
    let size = ctx.buffer().len();
    let held = ctx.get().index.min(size);
    // A complete packet already held (an earlier read brought several) is
    // handled without asking the transport again: one receive call (a
    // system call on a socket) then serves several packets, and fewer bytes
    // stay behind to be moved to the front of the buffer after each packet.
    let complete = matches!(
        serializer::decode_fixed_header(&ctx.buffer()[..held]),
        Ok(header) if header.header_length + header.remaining_length <= held
    );
    let got = if !complete && held < size {
        ctx.recv_into_buffer(held, size - held)
    } else {
        0
    };
    if got < 0 {
        log::error!("transport recv failed with {got}");
        mark_disconnect_pending(ctx);
        return MQTTStatus::MQTTRecvFailed;
    }
    let index = held + got as usize;
    ctx.get().index = index;

    let framed = serializer::decode_fixed_header(&ctx.buffer()[..index]);

    if got == 0 && !complete && manage_keep_alive {
        let status = keepalive::check(ctx);
        if status != MQTTStatus::MQTTSuccess {
            return status;
        }
    }

    let header = match framed {
        Ok(header) => header,
        Err(MQTTStatus::MQTTNoDataAvailable) => return MQTTStatus::MQTTSuccess,
        Err(MQTTStatus::MQTTNeedMoreBytes) if index >= size => {
            log::error!("network buffer of {size} bytes cannot even hold a fixed header");
            mark_disconnect_pending(ctx);
            return MQTTStatus::MQTTNoMemory;
        }
        Err(status) => return status,
    };

    let total = header.header_length + header.remaining_length;
    if total > size {
        return drop_oversized(ctx, header, index);
    }
    if total > index {
        return MQTTStatus::MQTTNeedMoreBytes;
    }

    let status = handle_packet(ctx, header, manage_keep_alive);

    // Keep whatever followed the packet for the next call.
    let index = ctx.get().index.min(ctx.buffer().len());
    let rest = index.saturating_sub(total);
    if rest > 0 {
        ctx.buffer().copy_within(total..index, 0);
    }
    ctx.get().index = rest;
    if status == MQTTStatus::MQTTSuccess {
        let now = ctx.now();
        ctx.get().lastPacketRxTime = now;
    }
    status
}

/// Reads and discards the rest of a packet that does not fit the buffer.
fn drop_oversized(ctx: &mut Ctx, header: FixedHeader, held: usize) -> MQTTStatus {
    let size = ctx.buffer().len();
    let total = header.header_length + header.remaining_length;
    log::error!(
        "incoming packet type 0x{:02x} of {total} bytes does not fit the {size}-byte network buffer; \
         dropping it (MQTTNoMemory)",
        header.type_byte,
    );
    let mut left = total - held;
    ctx.get().index = 0;
    let timeout = Config::current().packet_rx_timeout_ms;
    let mut last_data = ctx.now();
    while left > 0 {
        let got = ctx.recv_into_buffer(0, left.min(size));
        if got < 0 {
            log::error!("transport recv failed with {got} while dropping the oversized packet");
            mark_disconnect_pending(ctx);
            return MQTTStatus::MQTTRecvFailed;
        }
        let now = ctx.now();
        if got > 0 {
            left -= got as usize;
            last_data = now;
        } else if now.wrapping_sub(last_data) >= timeout {
            log::error!(
                "no data for {timeout} ms while dropping the oversized packet ({left} bytes left)"
            );
            mark_disconnect_pending(ctx);
            return MQTTStatus::MQTTRecvFailed;
        }
    }
    MQTTStatus::MQTTNoMemory
}

/// Handles one complete packet at the start of the network buffer.
fn handle_packet(ctx: &mut Ctx, header: FixedHeader, manage_keep_alive: bool) -> MQTTStatus {
    let base = ctx.get().networkBuffer.pBuffer;
    let mut info = MQTTPacketInfo {
        r#type: header.type_byte,
        pRemainingData: base.wrapping_add(header.header_length),
        remainingLength: header.remaining_length,
        headerLength: header.header_length,
    };
    let body = header.header_length..header.header_length + header.remaining_length;
    if header.type_byte & 0xF0 == MQTT_PACKET_TYPE_PUBLISH {
        return incoming_publish(ctx, &mut info, body);
    }
    let outcome = serializer::deserialize_ack(header.type_byte, &ctx.buffer()[body]);
    match header.type_byte {
        MQTT_PACKET_TYPE_PUBACK
        | MQTT_PACKET_TYPE_PUBREC
        | MQTT_PACKET_TYPE_PUBREL
        | MQTT_PACKET_TYPE_PUBCOMP => match (outcome.status, outcome.packet_id) {
            (MQTTStatus::MQTTSuccess, Some(id)) => publish_ack(ctx, &mut info, id),
            (status, _) => status,
        },
        MQTT_PACKET_TYPE_PINGRESP => {
            if outcome.status != MQTTStatus::MQTTSuccess {
                return outcome.status;
            }
            ctx.get().waitingForPingResp = false;
            if !manage_keep_alive {
                notify(ctx, &mut info, 0, MQTTStatus::MQTTSuccess, None);
            }
            MQTTStatus::MQTTSuccess
        }
        MQTT_PACKET_TYPE_SUBACK | MQTT_PACKET_TYPE_UNSUBACK => match outcome.status {
            // A refused filter is news for the application, not a loop error.
            MQTTStatus::MQTTSuccess | MQTTStatus::MQTTServerRefused => {
                notify(
                    ctx,
                    &mut info,
                    outcome.packet_id.unwrap_or(0),
                    outcome.status,
                    None,
                );
                MQTTStatus::MQTTSuccess
            }
            status => status,
        },
        other => {
            log::error!("unexpected packet type 0x{other:02x} from the server");
            MQTTStatus::MQTTBadResponse
        }
    }
}

/// Calls the event callback for one packet.
fn notify(
    ctx: &mut Ctx,
    info: &mut MQTTPacketInfo,
    packet_id: u16,
    result: MQTTStatus,
    publish: Option<&mut MQTTPublishInfo>,
) {
    let mut deserialized = MQTTDeserializedInfo {
        packetIdentifier: packet_id,
        pPublishInfo: publish.map_or(core::ptr::null_mut(), |p| p as *mut MQTTPublishInfo),
        deserializationResult: result,
    };
    ctx.callback(info, &mut deserialized);
}

/// Where `part` starts within `whole` (both from the same buffer).
fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize)
}

/// An incoming PUBLISH: record it (QoS 1/2), hand it to the application,
/// acknowledge it.
fn incoming_publish(
    ctx: &mut Ctx,
    info: &mut MQTTPacketInfo,
    body: core::ops::Range<usize>,
) -> MQTTStatus {
    // Offsets, not borrows: the callback gets pointers derived from the
    // application's own buffer pointer, with no Rust borrow alive.
    let (qos, retain, dup, id, topic, payload) = {
        let bytes = &ctx.buffer()[body];
        match serializer::deserialize_publish(info.r#type, bytes) {
            Ok(p) => (
                p.qos,
                p.retain,
                p.dup,
                p.packet_id,
                (offset_in(bytes, p.topic), p.topic.len()),
                (offset_in(bytes, p.payload), p.payload.len()),
            ),
            Err(e) => return e,
        }
    };
    let mut duplicate = false;
    if qos != MQTTQoS::MQTTQoS0 && ctx.records().incoming.is_empty() {
        // coreMQTT's status for this case: the publish is dropped unanswered.
        log::error!(
            "QoS {} PUBLISH {id} dropped: no incoming records (MQTT_InitStatefulQoS)",
            qos as u32
        );
        return MQTTStatus::MQTTRecvFailed;
    }
    if qos != MQTTQoS::MQTTQoS0 {
        match ctx
            .records()
            .update_publish(id, MQTTStateOperation::MQTT_RECEIVE, qos)
        {
            Ok(_) => {}
            // The broker resent a publish we already have (our ack was lost):
            // acknowledge again, but do not deliver it twice.
            Err(MQTTStatus::MQTTStateCollision) => {
                duplicate = true;
                if !dup {
                    log::warn!("PUBLISH {id} repeated without the DUP flag (MQTT-3.3.1-1)");
                }
            }
            Err(e) => {
                log::error!("cannot record incoming PUBLISH {id}: {e:?}");
                return e;
            }
        }
    }
    if !duplicate {
        let start = info.pRemainingData;
        let mut publish = MQTTPublishInfo {
            qos: qos as u32,
            retain,
            dup,
            pTopicName: start.wrapping_add(topic.0).cast_const().cast(),
            topicNameLength: topic.1 as u16,
            pPayload: start.wrapping_add(payload.0).cast_const().cast(),
            payloadLength: payload.1,
        };
        notify(ctx, info, id, MQTTStatus::MQTTSuccess, Some(&mut publish));
    }
    match qos {
        MQTTQoS::MQTTQoS0 => MQTTStatus::MQTTSuccess,
        MQTTQoS::MQTTQoS1 => send_ack(ctx, MQTTPubAckType::MQTTPuback, id, true),
        MQTTQoS::MQTTQoS2 => send_ack(ctx, MQTTPubAckType::MQTTPubrec, id, true),
    }
}

/// An incoming PUBACK, PUBREC, PUBREL or PUBCOMP.
fn publish_ack(ctx: &mut Ctx, info: &mut MQTTPacketInfo, id: u16) -> MQTTStatus {
    let ack = match info.r#type {
        MQTT_PACKET_TYPE_PUBACK => MQTTPubAckType::MQTTPuback,
        MQTT_PACKET_TYPE_PUBREC => MQTTPubAckType::MQTTPubrec,
        MQTT_PACKET_TYPE_PUBREL => MQTTPubAckType::MQTTPubrel,
        _ => MQTTPubAckType::MQTTPubcomp,
    };
    if ack == MQTTPubAckType::MQTTPubrel && !ctx.records().incoming.iter().any(|r| r.packetId == id)
    {
        log::warn!("PUBREL {id} without a state record (lost, e.g. in a reboot): answering PUBCOMP (MQTT 3.1.1 4.3.3)");
        return send_ack(ctx, MQTTPubAckType::MQTTPubcomp, id, false);
    }
    let state = match ctx
        .records()
        .update_ack(id, ack, MQTTStateOperation::MQTT_RECEIVE)
    {
        Ok(state) => state,
        Err(e) => return e,
    };
    if matches!(ack, MQTTPubAckType::MQTTPuback | MQTTPubAckType::MQTTPubrec) {
        // The broker has the publish now: a stored copy is no longer needed.
        ctx.clear(id);
    }
    notify(ctx, info, id, MQTTStatus::MQTTSuccess, None);
    match state {
        MQTTPublishState::MQTTPubRelSend => send_ack(ctx, MQTTPubAckType::MQTTPubrel, id, true),
        MQTTPublishState::MQTTPubCompSend => send_ack(ctx, MQTTPubAckType::MQTTPubcomp, id, true),
        _ => MQTTStatus::MQTTSuccess,
    }
}

/// Sends PUBACK, PUBREC, PUBREL or PUBCOMP for `id`, then (when
/// `update_record`) moves its state record on.
pub(crate) fn send_ack(
    ctx: &mut Ctx,
    ack: MQTTPubAckType,
    id: u16,
    update_record: bool,
) -> MQTTStatus {
    let type_byte = match ack {
        MQTTPubAckType::MQTTPuback => MQTT_PACKET_TYPE_PUBACK,
        MQTTPubAckType::MQTTPubrec => MQTT_PACKET_TYPE_PUBREC,
        MQTTPubAckType::MQTTPubrel => MQTT_PACKET_TYPE_PUBREL,
        MQTTPubAckType::MQTTPubcomp => MQTT_PACKET_TYPE_PUBCOMP,
    };
    let mut packet = [0u8; MQTT_PUBLISH_ACK_PACKET_SIZE];
    if let Err(e) = serializer::serialize_ack(&mut packet, type_byte, id) {
        return e;
    }
    if send_bytes(ctx, &packet).is_err() {
        log::error!("sending {ack:?} for packet {id} failed");
        return MQTTStatus::MQTTSendFailed;
    }
    ctx.get().controlPacketSent = true;
    if !update_record {
        return MQTTStatus::MQTTSuccess;
    }
    match ctx
        .records()
        .update_ack(id, ack, MQTTStateOperation::MQTT_SEND)
    {
        Ok(_) => MQTTStatus::MQTTSuccess,
        Err(e) => e,
    }
}
