//! `MQTT_Connect` and `MQTT_Disconnect`.

use crate::coremqtt::context::{MQTTConnectionStatus, MQTTPubAckInfo_t, MQTTPubAckType};
use crate::coremqtt::serializer::{
    self, Connect, Will, CONNECT_FIXED_HEADER_MAX_SIZE, DISCONNECT_PACKET,
};
use crate::coremqtt::serializer_types::{MQTTQoS, MQTTStatus, MQTT_PACKET_TYPE_CONNACK};
use crate::coremqtt::state::{self, MQTTStateOperation};
use crate::coremqtt::transport_interface::TransportOutVector;

use super::config::Config;
use super::keepalive::require_connected;
use super::port::Ctx;
use super::process::send_ack;
use super::send::{send_bytes, send_vectors, vector};

/// Connects: sends CONNECT, waits for CONNACK, then prepares the session.
/// Returns the session-present flag.
pub(crate) fn connect(
    ctx: &mut Ctx,
    p: &Connect<'_>,
    will: Option<&Will<'_>>,
    timeout_ms: u32,
) -> Result<bool, MQTTStatus> {
    let (remaining, _) = serializer::connect_packet_size(p, will)?;
    match require_connected(ctx) {
        Some(MQTTStatus::MQTTStatusNotConnected) => {}
        None => return Err(MQTTStatus::MQTTStatusConnected),
        Some(other) => return Err(other),
    }
    // Bytes left over from an earlier connection mean nothing on this one.
    ctx.get().index = 0;

    send_connect(ctx, p, will, remaining)?;
    let session_present = receive_connack(ctx, timeout_ms)?;
    if p.clean_session && session_present {
        log::error!("CONNACK has session present set although a clean session was requested");
        return Err(MQTTStatus::MQTTBadResponse);
    }
    if !session_present {
        forget_session(ctx);
    }
    let now = ctx.now();
    let c = ctx.get();
    c.connectStatus = MQTTConnectionStatus::MQTTConnected as u32;
    c.keepAliveIntervalSec = p.keep_alive_seconds;
    c.waitingForPingResp = false;
    c.pingReqSendTimeMs = 0;
    c.lastPacketRxTime = now;
    if session_present {
        let status = resume_session(ctx);
        if status != MQTTStatus::MQTTSuccess {
            return Err(status);
        }
    }
    Ok(session_present)
}

fn send_connect(
    ctx: &mut Ctx,
    p: &Connect<'_>,
    will: Option<&Will<'_>>,
    remaining: usize,
) -> Result<(), MQTTStatus> {
    let mut header = [0u8; CONNECT_FIXED_HEADER_MAX_SIZE];
    let header_len = serializer::connect_fixed_header(&mut header, p, will, remaining)?;

    // Each string is a two-byte length and the caller's bytes, unchanged, in
    // the order of 3.1.3: client id, will topic, will message, user, password.
    let mut strings: [&[u8]; 5] = [p.client_id, &[], &[], &[], &[]];
    let mut count = 1;
    if let Some(w) = will {
        strings[1] = w.topic;
        strings[2] = w.payload;
        count = 3;
    }
    for field in [p.user_name, p.password].into_iter().flatten() {
        strings[count] = field;
        count += 1;
    }
    let mut lengths = [[0u8; 2]; 5];
    for (len, s) in lengths.iter_mut().zip(&strings[..count]) {
        *len = (s.len() as u16).to_be_bytes();
    }
    let mut vectors = [vector(&[]); 11];
    vectors[0] = vector(&header[..header_len]);
    for i in 0..count {
        vectors[1 + 2 * i] = vector(&lengths[i]);
        vectors[2 + 2 * i] = vector(strings[i]);
    }
    send_vectors(ctx, &mut vectors[..1 + 2 * count]).map_err(|e| {
        log::error!("sending CONNECT failed: {e:?}");
        MQTTStatus::MQTTSendFailed
    })
}

/// Waits for the CONNACK. With `timeout_ms` > 0 the wait for its first byte
/// lasts that long; with 0 the transport is polled
/// `MQTT_MAX_CONNACK_RECEIVE_RETRY_COUNT` + 1 times. Once it has started, the
/// rest may stall at most `MQTT_RECV_POLLING_TIMEOUT_MS` between bytes.
fn receive_connack(ctx: &mut Ctx, timeout_ms: u32) -> Result<bool, MQTTStatus> {
    let cfg = Config::current();
    let entry = ctx.now();
    let mut polls = 0u32;
    let mut first = [0u8; 1];
    loop {
        let got = ctx.recv_into(&mut first);
        if got < 0 {
            log::error!("transport recv failed with {got} while waiting for CONNACK");
            return Err(MQTTStatus::MQTTRecvFailed);
        }
        if got > 0 {
            break;
        }
        let give_up = if timeout_ms > 0 {
            ctx.now().wrapping_sub(entry) >= timeout_ms
        } else {
            polls += 1;
            polls > cfg.max_connack_receive_retry_count
        };
        if give_up {
            log::error!("no CONNACK received (timeout {timeout_ms} ms)");
            return Err(MQTTStatus::MQTTNoDataAvailable);
        }
    }
    if first[0] != MQTT_PACKET_TYPE_CONNACK {
        log::error!(
            "packet type 0x{:02x} received while expecting CONNACK",
            first[0]
        );
        return Err(MQTTStatus::MQTTBadResponse);
    }
    let mut length = [0u8; 1];
    recv_exact(ctx, &mut length, cfg.recv_polling_timeout_ms)?;
    if length[0] != 2 {
        log::error!("CONNACK remaining length {} instead of 2", length[0]);
        return Err(MQTTStatus::MQTTBadResponse);
    }
    let mut body = [0u8; 2];
    recv_exact(ctx, &mut body, cfg.recv_polling_timeout_ms)?;
    let outcome = serializer::deserialize_ack(MQTT_PACKET_TYPE_CONNACK, &body);
    match (outcome.status, outcome.session_present) {
        (MQTTStatus::MQTTSuccess, Some(present)) => Ok(present),
        (MQTTStatus::MQTTSuccess, None) => Err(MQTTStatus::MQTTBadResponse),
        (status, _) => Err(status),
    }
}

/// Fills `dst`, allowing `stall_ms` without data between pieces.
fn recv_exact(ctx: &mut Ctx, dst: &mut [u8], stall_ms: u32) -> Result<(), MQTTStatus> {
    let mut filled = 0;
    let mut last = ctx.now();
    while filled < dst.len() {
        let got = ctx.recv_into(&mut dst[filled..]);
        if got < 0 {
            log::error!("transport recv failed with {got}");
            return Err(MQTTStatus::MQTTRecvFailed);
        }
        let now = ctx.now();
        if got > 0 {
            filled += got as usize;
            last = now;
        } else if now.wrapping_sub(last) >= stall_ms {
            log::error!(
                "packet stalled for {stall_ms} ms after {filled} of {} bytes",
                dst.len()
            );
            return Err(MQTTStatus::MQTTRecvFailed);
        }
    }
    Ok(())
}

/// No session on the broker: drop every record (telling the clear callback
/// about stored publishes) and any buffered bytes.
fn forget_session(ctx: &mut Ctx) {
    ctx.get().index = 0;
    let mut cursor = 0;
    loop {
        let id = state::publish_to_resend(ctx.records().outgoing, &mut cursor);
        if id == 0 {
            break;
        }
        ctx.clear(id);
    }
    let empty = MQTTPubAckInfo_t {
        packetId: 0,
        qos: 0,
        publishState: 0,
    };
    let records = ctx.records();
    records.outgoing.fill(empty);
    records.incoming.fill(empty);
}

/// The broker kept our session: finish what the records say was in flight.
/// PUBRELs go out again for publishes past PUBREC; unacknowledged publishes go
/// out again with DUP set when the retransmit callbacks are registered, and
/// their records move on to PUBACK/PUBREC pending.
fn resume_session(ctx: &mut Ctx) -> MQTTStatus {
    let mut cursor = 0;
    loop {
        let id = state::pubrel_to_resend(ctx.records().outgoing, &mut cursor);
        if id == 0 {
            break;
        }
        let status = send_ack(ctx, MQTTPubAckType::MQTTPubrel, id, true);
        if status != MQTTStatus::MQTTSuccess {
            return status;
        }
    }
    if !ctx.has_retransmit() {
        return MQTTStatus::MQTTSuccess;
    }
    let mut cursor = 0;
    loop {
        let id = state::publish_to_resend(ctx.records().outgoing, &mut cursor);
        if id == 0 {
            break;
        }
        let Some(Some((first, rest))) = ctx.retrieve(id) else {
            log::error!("the retrieve callback could not give back PUBLISH {id}");
            return MQTTStatus::MQTTPublishRetrieveFailed;
        };
        // DUP (bit 3) set on a copy of the first byte: the stored bytes stay
        // as the application keeps them.
        let dup_first = [first | 0x08];
        let mut vectors: [TransportOutVector; 2] = [vector(&dup_first), rest];
        if send_vectors(ctx, &mut vectors).is_err() {
            log::error!("resending PUBLISH {id} failed");
            return MQTTStatus::MQTTSendFailed;
        }
        // The copy is out: the record waits for PUBACK/PUBREC as after a
        // first successful send. A publish whose first send failed is still
        // in `MQTTPublishSend`, where the broker's answer to this copy would
        // be an illegal transition that fails the loop (and, with an
        // application that reconnects, loops forever: issue 13; coreMQTT
        // v3-CodeBase does that). Records already pending stay as they are.
        let status = mark_resent(ctx, id);
        if status != MQTTStatus::MQTTSuccess {
            return status;
        }
    }
    MQTTStatus::MQTTSuccess
}

/// Moves the record of publish `id`, just resent on session resumption, to
/// PUBACK/PUBREC pending (`MQTT_SEND`, as `MQTT_Publish` does after sending).
fn mark_resent(ctx: &mut Ctx, id: u16) -> MQTTStatus {
    let mut records = ctx.records();
    let qos = records
        .outgoing
        .iter()
        .find(|r| r.packetId == id)
        .and_then(|r| MQTTQoS::from_raw(r.qos));
    let Some(qos) = qos else {
        log::error!("no QoS 1/2 record for resent PUBLISH {id}");
        return MQTTStatus::MQTTIllegalState;
    };
    match records.update_publish(id, MQTTStateOperation::MQTT_SEND, qos) {
        Ok(_) => MQTTStatus::MQTTSuccess,
        Err(e) => {
            log::error!("resent PUBLISH {id}: record update failed: {e:?}");
            e
        }
    }
}

/// Sends DISCONNECT when connected and marks the context not connected.
///
/// With a transport failure pending nothing is sent (the stream is unusable);
/// the context is reset to not connected and the call succeeds, which is how
/// the application acknowledges the failure.
pub(crate) fn disconnect(ctx: &mut Ctx) -> MQTTStatus {
    let status = match require_connected(ctx) {
        None => match send_bytes(ctx, &DISCONNECT_PACKET) {
            Ok(()) => MQTTStatus::MQTTSuccess,
            Err(e) => {
                log::error!("sending DISCONNECT failed: {e:?}");
                MQTTStatus::MQTTSendFailed
            }
        },
        Some(MQTTStatus::MQTTStatusDisconnectPending) => MQTTStatus::MQTTSuccess,
        Some(other) => return other,
    };
    let c = ctx.get();
    c.connectStatus = MQTTConnectionStatus::MQTTNotConnected as u32;
    c.index = 0;
    c.waitingForPingResp = false;
    status
}
