//! `MQTT_Connect` and `MQTT_Disconnect`.

use super::packets::{self, Connect, ConnectHead, ConnectPacket, Will};
use crate::engine::record::MQTTQoS;
use crate::engine::record::{MQTTPubAckInfo_t, MQTTPubAckType};
use crate::wire::{self, ConnectReturnCode};

use super::config::Config;
use super::error::Error;
use super::port::{Link, Port};
use super::process::send_ack;
use super::records;
use super::send::{clock, send_bytes, send_vectors};

/// The first byte of a CONNACK.
const CONNACK_FIRST_BYTE: u8 = 0x20;
/// DISCONNECT: no variable header, no payload (MQTT 3.1.1 3.14).
pub const DISCONNECT: [u8; 2] = crate::wire::raw::empty_packet(0xE0);

/// Connects: sends CONNECT, waits for CONNACK, then prepares the session.
/// Returns the session-present flag.
pub fn connect<P: Port>(
    ctx: &mut P,
    p: &Connect<'_>,
    will: Option<&Will<'_>>,
    timeout_ms: u32,
) -> Result<bool, Error> {
    connect_reporting(ctx, p, will, timeout_ms, &mut None)
}

/// [`connect`], also reporting the CONNACK's session-present bit in `seen`
/// as soon as a CONNACK with a valid acknowledge-flags byte has arrived,
/// even when the connection then fails (refused, an invalid return code,
/// session present on a clean session, the session could not be resumed).
/// coreMQTT's `MQTT_Connect` writes `*pSessionPresent` in exactly those
/// cases, so its face does the same; `seen` stays `None` when no such
/// CONNACK arrived.
pub fn connect_reporting<P: Port>(
    ctx: &mut P,
    p: &Connect<'_>,
    will: Option<&Will<'_>>,
    timeout_ms: u32,
    seen: &mut Option<bool>,
) -> Result<bool, Error> {
    // `ConnectPacket::new` refuses only invalid arguments.
    let packet = ConnectPacket::new(p, will).map_err(|_| Error::BadParameter)?;
    connect_packet(ctx, &packet, timeout_ms, seen)
}

/// [`connect_reporting`] for a CONNECT already in wire form (as
/// `MQTT_Connect` reads it from C).
pub fn connect_packet<P: Port>(
    ctx: &mut P,
    p: &ConnectPacket<'_>,
    timeout_ms: u32,
    seen: &mut Option<bool>,
) -> Result<bool, Error> {
    // The serializer's size computation: one copy in firmware that also
    // links `MQTT_SerializeConnect`.
    let remaining = packets::connect_remaining(p);
    // The link state read directly (not through `keepalive::require_connected`,
    // whose answer would be decoded again here): the same refusals.
    let link = *ctx.session().link;
    if link == Link::UP {
        return Err(Error::AlreadyConnected);
    }
    if link == Link::BROKEN {
        return Err(Error::DisconnectPending);
    }
    // Bytes left over from an earlier connection mean nothing on this one.
    *ctx.session().held = 0;

    send_connect(ctx, p, remaining)?;
    let session_present = receive_connack(ctx, timeout_ms, seen)?;
    if p.clean_session() && session_present {
        log::error!("CONNACK has session present set although a clean session was requested");
        return Err(Error::BadResponse);
    }
    if !session_present {
        forget_session(ctx);
    }
    let now = clock(ctx);
    let c = ctx.session();
    *c.link = Link::UP;
    *c.keep_alive_s = p.keep_alive_seconds;
    *c.waiting_ping = false;
    *c.ping_sent = 0;
    *c.last_rx = now;
    if session_present {
        resume_session(ctx)?;
    }
    Ok(session_present)
}

fn send_connect<P: Port>(
    ctx: &mut P,
    p: &ConnectPacket<'_>,
    remaining: usize,
) -> Result<(), Error> {
    let mut head = ConnectHead::default();
    let header = packets::connect_fixed_header(&mut head, p.flags, p.keep_alive_seconds, remaining);

    // Each string is a two-byte length and the caller's bytes, unchanged;
    // the header is slot 0.
    let mut lengths = [[0u8; 2]; 5];
    let mut vectors: [&[u8]; 11] = [header; 11];
    let mut used = 1;
    for (len, field) in lengths.iter_mut().zip(&p.fields) {
        let Some(field) = field else { continue };
        // `ConnectPacket` holds no field over 65,535 bytes: the
        // low 16 bits are the whole length (no saturation code needed).
        *len = (field.len() as u16).to_be_bytes();
        let len: &[u8; 2] = len;
        if let Some([len_slot, field_slot]) = vectors
            .get_mut(used..)
            .and_then(|rest| rest.first_chunk_mut())
        {
            *len_slot = len;
            *field_slot = field;
            used += 2;
        }
    }
    send_vectors(ctx, vectors.get_mut(..used).unwrap_or_default()).map_err(|e| {
        log::error!("sending CONNECT failed: {e:?}");
        Error::SendFailed
    })
}

/// Waits for the CONNACK. With `timeout_ms` > 0 the wait for its first byte
/// lasts that long; with 0 the transport is polled
/// `MQTT_MAX_CONNACK_RECEIVE_RETRY_COUNT` + 1 times. Once it has started, the
/// rest may stall at most `MQTT_RECV_POLLING_TIMEOUT_MS` between bytes.
fn receive_connack<P: Port>(
    ctx: &mut P,
    timeout_ms: u32,
    seen: &mut Option<bool>,
) -> Result<bool, Error> {
    let max_polls = Config::max_connack_receive_retry_count();
    let entry = clock(ctx);
    let mut polls = 0u32;
    let mut first = [0u8; 1];
    loop {
        let got = ctx.recv_into(&mut first);
        if got < 0 {
            log::error!("transport recv failed with {got} while waiting for CONNACK");
            return Err(Error::RecvFailed);
        }
        if got > 0 {
            break;
        }
        let give_up = if timeout_ms > 0 {
            clock(ctx).wrapping_sub(entry) >= timeout_ms
        } else {
            polls += 1;
            polls > max_polls
        };
        if give_up {
            log::error!("no CONNACK received (timeout {timeout_ms} ms)");
            return Err(Error::NoDataAvailable);
        }
    }
    if first != [CONNACK_FIRST_BYTE] {
        log::error!(
            "packet type 0x{:02x} received while expecting CONNACK",
            first[0]
        );
        return Err(Error::BadResponse);
    }
    let mut rest = [0u8; 3];
    recv_exact(ctx, &mut rest[..1])?;
    if rest[0] != 2 {
        log::error!("CONNACK remaining length {} instead of 2", rest[0]);
        return Err(Error::BadResponse);
    }
    recv_exact(ctx, &mut rest[1..])?;
    // The CONNACK's two bytes checked here rather than through `wire`'s
    // generic packet decoder (same checks, same errors, no framing of a
    // packet whose first two bytes are already known).
    let [_, flags, code] = rest;
    if flags & 0xfe != 0 {
        return Err(malformed(wire::Error::InvalidConnAckFlags(flags)));
    }
    // The acknowledge flags are valid (reserved bits zero): the session-present
    // bit is reported whatever the return code says.
    let session_present = flags != 0;
    *seen = Some(session_present);
    let return_code = ConnectReturnCode::from_u8(code).map_err(malformed)?;
    if return_code != ConnectReturnCode::Accepted {
        if session_present {
            // [MQTT-3.2.2-4]: a refused connection never has a session.
            return Err(malformed(wire::Error::SessionPresentWithError));
        }
        log::error!(
            "connection refused by the server: {:?} (return code {})",
            return_code,
            code
        );
        return Err(Error::Refused(return_code));
    }
    Ok(session_present)
}

/// A CONNACK that breaks MQTT 3.1.1.
#[cold]
fn malformed(e: wire::Error) -> Error {
    log::error!("malformed CONNACK: {e}");
    Error::Malformed(e.kind())
}

/// Fills `dst`, allowing `MQTT_RECV_POLLING_TIMEOUT_MS` without data
/// between pieces.
fn recv_exact<P: Port>(ctx: &mut P, dst: &mut [u8]) -> Result<(), Error> {
    let stall_ms = Config::recv_polling_timeout_ms();
    let mut filled = 0;
    let mut last = clock(ctx);
    while filled < dst.len() {
        let got = ctx.recv_into(dst.get_mut(filled..).unwrap_or_default());
        if got < 0 {
            log::error!("transport recv failed with {got}");
            return Err(Error::RecvFailed);
        }
        let now = clock(ctx);
        if got > 0 {
            filled += got as usize;
            last = now;
        } else if now.wrapping_sub(last) >= stall_ms {
            log::error!(
                "packet stalled for {stall_ms} ms after {filled} of {} bytes",
                dst.len()
            );
            return Err(Error::RecvFailed);
        }
    }
    Ok(())
}

/// No session on the broker: drop every record (telling the clear callback
/// about stored publishes). The buffered bytes are already dropped:
/// `connect_reporting` empties the buffer before sending CONNECT, and the
/// CONNACK is read into a local array, not the buffer.
fn forget_session<P: Port>(ctx: &mut P) {
    let mut cursor = 0;
    loop {
        let id = records::publish_to_resend(ctx.record_array(true), &mut cursor);
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
    ctx.record_array(true).fill(empty);
    ctx.record_array(false).fill(empty);
}

/// The broker kept our session: finish what the records say was in flight.
/// PUBRELs go out again for publishes past PUBREC; unacknowledged publishes go
/// out again with DUP set when the retransmit callbacks are registered.
fn resume_session<P: Port>(ctx: &mut P) -> Result<(), Error> {
    let mut cursor = 0;
    loop {
        let id = records::pubrel_to_resend(ctx.record_array(true), &mut cursor);
        if id == 0 {
            break;
        }
        send_ack(ctx, MQTTPubAckType::MQTTPubrel, id, true)?;
    }
    if !ctx.has_retransmit() {
        return Ok(());
    }
    let mut cursor = 0;
    loop {
        let id = records::publish_to_resend(ctx.record_array(true), &mut cursor);
        if id == 0 {
            break;
        }
        // The record `publish_to_resend` found is the one before the cursor
        // it advanced (no search): its QoS, read before any callback runs.
        let qos = ctx
            .record_array(true)
            .get(cursor.wrapping_sub(1))
            .and_then(|r| MQTTQoS::from_raw(r.qos))
            .unwrap_or(MQTTQoS::MQTTQoS0);
        let Some(stored) = ctx.retrieve(id) else {
            log::error!("the retrieve callback could not give back PUBLISH {id}");
            return Err(Error::PublishRetrieveFailed);
        };
        let Some((&first_byte, rest)) = stored.as_ref().split_first() else {
            log::error!("the retrieve callback gave back an empty PUBLISH {id}");
            return Err(Error::PublishRetrieveFailed);
        };
        // DUP (bit 3) set on a copy of the first byte: the stored bytes stay
        // as the application keeps them.
        let dup_first = [first_byte | 0x08];
        let mut vectors: [&[u8]; 2] = [&dup_first, rest];
        if send_vectors(ctx, &mut vectors).is_err() {
            log::error!("resending PUBLISH {id} failed");
            return Err(Error::SendFailed);
        }
        // The copy is on the wire again: the record now waits for its
        // PUBACK/PUBREC exactly as after a first successful send. A record
        // still in `MQTTPublishSend` (its first send failed) would otherwise
        // refuse the answer as an illegal transition, and the application
        // would reconnect into the same trap forever (coreMQTT v3 does).
        if let Err(e) = ctx.outgoing().publish_sent(id, qos) {
            log::error!("resent PUBLISH {id}: its record cannot move on: {e:?}");
            return Err(e);
        }
    }
    Ok(())
}

/// Sends DISCONNECT when connected and marks the context not connected.
///
/// With a transport failure pending nothing is sent (the stream is unusable);
/// the context is reset to not connected and the call succeeds, which is how
/// the application acknowledges the failure.
pub fn disconnect<P: Port>(ctx: &mut P) -> Result<(), Error> {
    // The link state read directly, as in `connect_reporting`.
    let link = *ctx.session().link;
    let status = if link == Link::UP {
        match send_bytes(ctx, &DISCONNECT) {
            Ok(()) => Ok(()),
            Err(e) => {
                log::error!("sending DISCONNECT failed: {e:?}");
                Err(Error::SendFailed)
            }
        }
    } else if link == Link::BROKEN {
        Ok(())
    } else {
        return Err(Error::NotConnected);
    };
    let c = ctx.session();
    *c.link = Link::DOWN;
    *c.held = 0;
    *c.waiting_ping = false;
    status
}
