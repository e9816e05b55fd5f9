//! `MQTT_Connect` and `MQTT_Disconnect`.

use crate::coremqtt::context::{MQTTConnectionStatus, MQTTPubAckType, MQTTPublishState};
use crate::coremqtt::serializer_types::{
    MQTTStatus, MQTT_PACKET_TYPE_CONNACK, MQTT_PACKET_TYPE_CONNECT, MQTT_PACKET_TYPE_DISCONNECT,
};
use crate::coremqtt::transport_interface::TransportOutVector;

use super::config::Config;
use super::keepalive::require_connected;
use super::packet::{self, MAX_REMAINING_LENGTH};
use super::port::Ctx;
use super::process::send_ack;
use super::records;
use super::send::{send_bytes, send_vectors, vector};

/// The last will of a CONNECT.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Will<'a> {
    /// Will topic (not empty).
    pub topic: &'a [u8],
    /// Will message (at most 65535 bytes).
    pub payload: &'a [u8],
    /// Will QoS.
    pub qos: u8,
    /// Will retain flag.
    pub retain: bool,
}

/// The fields of a CONNECT, as safe views of the caller's data.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ConnectParams<'a> {
    /// Clean-session flag.
    pub clean_session: bool,
    /// Keep-alive interval in seconds.
    pub keep_alive: u16,
    /// Client identifier.
    pub client_id: &'a [u8],
    /// User name, when present.
    pub user: Option<&'a [u8]>,
    /// Password, when present.
    pub password: Option<&'a [u8]>,
    /// Last will, when present.
    pub will: Option<Will<'a>>,
}

/// Checks what coreMQTT's `MQTT_GetConnectPacketSize` checks; the remaining
/// length on success.
pub(crate) fn validate(p: &ConnectParams<'_>) -> Result<usize, MQTTStatus> {
    let string = |s: &[u8]| {
        if s.len() > usize::from(u16::MAX) {
            None
        } else {
            Some(2 + s.len())
        }
    };
    if p.client_id.is_empty() {
        log::error!("MQTT_Connect: the client identifier must be set");
        return Err(MQTTStatus::MQTTBadParameter);
    }
    // Variable header: protocol name, level, flags, keep-alive.
    let mut len = 10usize;
    len += string(p.client_id).ok_or(MQTTStatus::MQTTBadParameter)?;
    if let Some(w) = p.will {
        if w.topic.is_empty() || w.qos > 2 {
            log::error!("MQTT_Connect: a will needs a topic and a QoS of 0, 1 or 2");
            return Err(MQTTStatus::MQTTBadParameter);
        }
        len += string(w.topic).ok_or(MQTTStatus::MQTTBadParameter)?;
        len += string(w.payload).ok_or(MQTTStatus::MQTTBadParameter)?;
    }
    for field in [p.user, p.password].into_iter().flatten() {
        len += string(field).ok_or(MQTTStatus::MQTTBadParameter)?;
    }
    if len > MAX_REMAINING_LENGTH {
        return Err(MQTTStatus::MQTTBadParameter);
    }
    Ok(len)
}

/// Connects: sends CONNECT, waits for CONNACK, then prepares the session.
/// Returns the session-present flag.
pub(crate) fn connect(
    ctx: &mut Ctx,
    p: &ConnectParams<'_>,
    timeout_ms: u32,
) -> Result<bool, MQTTStatus> {
    let remaining = validate(p)?;
    match require_connected(ctx) {
        Some(MQTTStatus::MQTTStatusNotConnected) => {}
        None => return Err(MQTTStatus::MQTTStatusConnected),
        Some(other) => return Err(other),
    }
    // Bytes left over from an earlier connection mean nothing on this one.
    ctx.get().index = 0;

    send_connect(ctx, p, remaining)?;
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
    c.keepAliveIntervalSec = p.keep_alive;
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

fn send_connect(ctx: &mut Ctx, p: &ConnectParams<'_>, remaining: usize) -> Result<(), MQTTStatus> {
    let mut flags = 0u8;
    if p.clean_session {
        flags |= 0x02;
    }
    if let Some(w) = p.will {
        flags |= 0x04 | (w.qos << 3);
        if w.retain {
            flags |= 0x20;
        }
    }
    if p.password.is_some() {
        flags |= 0x40;
    }
    if p.user.is_some() {
        flags |= 0x80;
    }
    let mut header = [0u8; 15];
    header[0] = MQTT_PACKET_TYPE_CONNECT;
    let rl = packet::encode_remaining_length(remaining, &mut header[1..5])
        .ok_or(MQTTStatus::MQTTBadParameter)?;
    let [ka_hi, ka_lo] = p.keep_alive.to_be_bytes();
    let fixed = 1 + rl;
    header[fixed..fixed + 10]
        .copy_from_slice(&[0, 4, b'M', b'Q', b'T', b'T', 4, flags, ka_hi, ka_lo]);

    // Each string is a two-byte length and the caller's bytes, unchanged.
    let mut strings: [&[u8]; 5] = [p.client_id, &[], &[], &[], &[]];
    let mut count = 1;
    if let Some(w) = p.will {
        strings[1] = w.topic;
        strings[2] = w.payload;
        count = 3;
    }
    for field in [p.user, p.password].into_iter().flatten() {
        strings[count] = field;
        count += 1;
    }
    let mut lengths = [[0u8; 2]; 5];
    for (len, s) in lengths.iter_mut().zip(&strings[..count]) {
        *len = (s.len() as u16).to_be_bytes();
    }
    let mut vectors = [vector(&[]); 11];
    vectors[0] = vector(&header[..fixed + 10]);
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
    packet::decode_connack(&body)
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
    while let Some(id) = records::next_publish_to_resend(ctx.outgoing(), &mut cursor) {
        ctx.clear(id);
    }
    ctx.outgoing().iter_mut().for_each(records::free);
    ctx.incoming().iter_mut().for_each(records::free);
}

/// The broker kept our session: finish what the records say was in flight.
/// PUBRELs go out again for publishes past PUBREC; unacknowledged publishes go
/// out again with DUP set when the retransmit callbacks are registered.
fn resume_session(ctx: &mut Ctx) -> MQTTStatus {
    let mut cursor = 0;
    while let Some(id) = records::next_pubrel_to_resend(ctx.outgoing(), &mut cursor) {
        if let Some(slot) = records::find(ctx.outgoing(), id) {
            // Whether the PUBREL went out before or not, it is due now.
            ctx.outgoing()[slot].publishState = MQTTPublishState::MQTTPubRelSend as u32;
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
    while let Some(id) = records::next_publish_to_resend(ctx.outgoing(), &mut cursor) {
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
    }
    MQTTStatus::MQTTSuccess
}

/// Sends DISCONNECT when connected and marks the context not connected.
///
/// With a transport failure pending nothing is sent (the stream is unusable);
/// the context is reset to not connected and the call succeeds, which is how
/// the application acknowledges the failure.
pub(crate) fn disconnect(ctx: &mut Ctx) -> MQTTStatus {
    let status = match require_connected(ctx) {
        None => match send_bytes(ctx, &[MQTT_PACKET_TYPE_DISCONNECT, 0]) {
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
