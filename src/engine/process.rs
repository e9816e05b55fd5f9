//! `MQTT_ProcessLoop` / `MQTT_ReceiveLoop`: one incoming packet per call.
//!
//! Bytes accumulate in the network buffer; `MQTTContext_t::index` counts the
//! ones held there between calls. Each call reads what the transport has
//! (without blocking beyond the transport's own timeout) unless a complete
//! packet is already held, and handles the first packet once it is complete. Until then it returns [`Progress::Partial`] (`MQTTNeedMoreBytes` through the coreMQTT face) and
//! keeps the partial bytes. Bytes after a handled packet stay in the buffer for
//! the next call.
//!
//! | situation | coreMQTT v2.3.1 | rsmqtt |
//! |---|---|---|
//! | packet longer than the network buffer | drained from the socket and silently dropped; the call returns `MQTTSuccess` | drained from the socket, logged with both sizes, the call fails with **[`Error::NoMemory`]** (`MQTTNoMemory`); the connection stays usable |
//! | PUBREL for a packet id without a record (e.g. records lost in a reboot) | `MQTTBadParameter` from the loop on every redelivery, the broker never gets its PUBCOMP | answered with **PUBCOMP** (MQTT 3.1.1 4.3.3: the receiver must answer every PUBREL), logged as a warning, `Ok` (`MQTTSuccess`) |
//! | PUBLISH with a topic that is not UTF-8, or breaks another rule `wire` checks | delivered | [`Error::Malformed`] with the rule (built for size [`Error::BadResponse`]; both `MQTTBadResponse`), not delivered |
//!
//! Why drain the oversized packet rather than fail the connection: the stream
//! stays in sync once the packet's bytes are read, so one oversized message
//! (a large retained payload, say) costs that message only, and the error code
//! plus the logged sizes tell the developer exactly how large the buffer must
//! be. If the drain itself fails (transport error or `PACKET_RX_TIMEOUT_MS`
//! without data) the stream is out of sync, so the call returns
//! [`Error::RecvFailed`] and the link becomes broken (`MQTTDisconnectPending`).

use crate::engine::record::MQTTQoS;
use crate::engine::record::{MQTTPubAckType, MQTTPublishState};
use crate::wire::{self, ack, FixedHeader, PacketType, QoS};

use super::config::Config;
use super::error::Error;
use super::keepalive;
use super::port::{Event, Frame, IncomingPublish, Port};
use super::records::{self, Ack, Direction};
use super::send::{clock, mark_disconnect_pending, send_bytes};

/// What one loop call achieved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Nothing arrived (keep-alive may have sent a PINGREQ).
    Idle,
    /// Part of a packet is held; call again (the coreMQTT face's
    /// `MQTTNeedMoreBytes`). Not an error: the engine keeps the bytes and the
    /// next call continues.
    Partial,
    /// One packet was handled.
    Handled,
}

/// One loop call (`MQTT_ProcessLoop` with `manage_keep_alive`,
/// `MQTT_ReceiveLoop` without): clears the "control packet sent" mark, then
/// receives and handles at most one packet. A packet that breaks MQTT 3.1.1
/// is [`Error::Malformed`] with `wire`'s reason ([`Error::BadResponse`] when
/// built for size).
pub fn run<P: Port>(ctx: &mut P, manage_keep_alive: bool) -> Result<Progress, Error> {
    *ctx.session().control_sent = false;
    receive_one(ctx, manage_keep_alive)
}

/// Receives and handles at most one packet; `manage_keep_alive` is true for
/// `MQTT_ProcessLoop`.
pub fn receive_one<P: Port>(ctx: &mut P, manage_keep_alive: bool) -> Result<Progress, Error> {
    let size = ctx.buffer().len();
    let held = (*ctx.session().held).min(size);
    // A complete packet already held (an earlier read brought several) is
    // handled without asking the transport again: one receive call (a
    // system call on a socket) then serves several packets, and fewer bytes
    // stay behind to be moved to the front of the buffer after each packet.
    let held_header = peek(ctx.buffer().get(..held).unwrap_or_default());
    let complete = matches!(held_header, Ok(h) if h.packet_len() <= held);
    let got = if !complete && held < size {
        ctx.recv_into_buffer(held, size - held)
    } else {
        0
    };
    if got < 0 {
        if held > 0 {
            log::error!(
                "transport recv failed with {got} with {held} bytes of an unfinished packet held"
            );
        } else {
            log::error!("transport recv failed with {got}");
        }
        mark_disconnect_pending(ctx);
        return Err(Error::RecvFailed);
    }
    let index = held.saturating_add(got.unsigned_abs() as usize).min(size);
    *ctx.session().held = index;

    // Nothing new arrived: the header read above is still the answer. Size
    // builds read it again instead (`peek` only looks at the bytes, so the
    // result is the same): the branch and the copy of the kept result cost
    // more flash than the second call.
    #[cfg(not(rsmqtt_small))]
    let framed = if index == held {
        held_header
    } else {
        peek(ctx.buffer().get(..index).unwrap_or_default())
    };
    #[cfg(rsmqtt_small)]
    let framed = peek(ctx.buffer().get(..index).unwrap_or_default());

    if got == 0 && !complete && manage_keep_alive {
        keepalive::check(ctx)?;
    }

    let header = match framed {
        Ok(header) => header,
        Err(None) if index == 0 => return Ok(Progress::Idle),
        Err(None) if index >= size => {
            log::error!("network buffer of {size} bytes cannot even hold a fixed header");
            mark_disconnect_pending(ctx);
            return Err(Error::NoMemory);
        }
        Err(None) => return Ok(Progress::Partial),
        Err(Some(e)) => return Err(bad_header(e)),
    };

    let total = header.packet_len();
    if total > size {
        return Err(drop_oversized(ctx, header, index, size));
    }
    if total > index {
        return Ok(Progress::Partial);
    }

    let handled = handle_packet(ctx, header, manage_keep_alive);

    // Keep whatever followed the packet for the next call.
    let held = *ctx.session().held;
    let buf = ctx.buffer();
    let index = held.min(buf.len());
    let rest = index.saturating_sub(total);
    if rest > 0 {
        if let Some(window) = buf.get_mut(..index) {
            wire::shift_to_front(window, total);
        }
    }
    *ctx.session().held = rest;
    if handled.is_ok() {
        let now = clock(ctx);
        *ctx.session().last_rx = now;
    }
    handled.map(|()| Progress::Handled)
}

/// Reads and discards the rest of a packet that does not fit the buffer of
/// `size` bytes: the caller's reading of the buffer, not asked for again
/// (smaller on a Cortex-M4). The calls made in between (the transport's) do
/// not get the context; and should the buffer still shrink, each receive
/// checks its window against the buffer as it is then.
fn drop_oversized<P: Port>(ctx: &mut P, header: FixedHeader, held: usize, size: usize) -> Error {
    let total = header.packet_len();
    log::error!(
        "incoming {:?} packet of {total} bytes does not fit the {size}-byte network buffer; \
         dropping it (MQTTNoMemory)",
        header.packet_type,
    );
    let mut left = total.saturating_sub(held);
    *ctx.session().held = 0;
    let timeout = Config::packet_rx_timeout_ms();
    let mut last_data = clock(ctx);
    while left > 0 {
        let got = ctx.recv_into_buffer(0, left.min(size));
        if got < 0 {
            log::error!("transport recv failed with {got} while dropping the oversized packet");
            mark_disconnect_pending(ctx);
            return Error::RecvFailed;
        }
        let now = clock(ctx);
        if got > 0 {
            left = left.saturating_sub(got.unsigned_abs() as usize);
            last_data = now;
        } else if now.wrapping_sub(last_data) >= timeout {
            log::error!(
                "no data for {timeout} ms while dropping the oversized packet ({left} bytes left)"
            );
            mark_disconnect_pending(ctx);
            return Error::RecvFailed;
        }
    }
    Error::NoMemory
}

/// Where `part` starts within `whole` (both from the same buffer).
fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize)
}

/// Decodes the complete packet at the start of `buf` with `wire` into
/// `event` (packet identifier, SUBACK refusal, PUBLISH fields as positions
/// in `buf`): what the engine keeps of the packet once the borrow of the
/// buffer ends, since the application's callbacks run with no borrow alive.
///
/// Only the decoders of packets a client can receive are called (not the
/// generic [`wire::decode`]), so a firmware image carries no CONNECT or
/// SUBSCRIBE decoder.
// Out of line: the decoders it inlines are most of its size, and kept apart
// from the loop's state handling the two compile ~150 bytes smaller on a
// Cortex-M4 than merged (measured with scripts/code-size-compare.sh).
#[inline(never)]
fn decode(buf: &[u8], header: &FixedHeader, event: &mut Event) -> Result<(), Refusal> {
    decode_packet(buf, header, event).map_err(refusal)
}

/// What [`decode`] reports for a packet it refuses: `wire`'s reason, for
/// the log and for a face that shows it (NetX Duo's client logs it).
#[cfg(not(rsmqtt_small))]
type Refusal = wire::Error;

/// Built for size (`cfg(rsmqtt_small)`, see build.rs) no reason: the loop's
/// error is [`Error::BadResponse`] whatever the reason and firmware compiles the
/// log out, so the `wire::Error` values the inlined decoders would build are
/// dropped where they arise (about 90 bytes less on a Cortex-M4, measured with
/// scripts/code-size-compare.sh).
#[cfg(rsmqtt_small)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Refusal;

/// `wire`'s reason as [`decode`] reports it.
#[cfg(not(rsmqtt_small))]
fn refusal(e: wire::Error) -> Refusal {
    e
}

/// `wire`'s reason as [`decode`] reports it: dropped when built for size.
#[cfg(rsmqtt_small)]
fn refusal(_: wire::Error) -> Refusal {
    Refusal
}

/// The body of [`decode`], with `wire`'s reason for a refusal.
#[inline(always)]
fn decode_packet(buf: &[u8], header: &FixedHeader, event: &mut Event) -> Result<(), wire::Error> {
    let packet = buf
        .get(..header.packet_len())
        .ok_or(wire::Error::Truncated)?;
    let body = packet.get(header.header_len..).unwrap_or_default();
    match header.packet_type {
        PacketType::Publish => {
            let p = wire::PublishBody::decode(header.flags, body)?;
            let topic = offset_in(buf, p.topic);
            let payload = offset_in(buf, p.payload);
            event.packet_id = p.packet_id;
            event.publish = Some(IncomingPublish {
                qos: p.qos,
                retain: p.retain,
                dup: p.dup,
                topic: topic..topic.wrapping_add(p.topic.len()),
                payload: payload..payload.wrapping_add(p.payload.len()),
            });
        }
        // One decoder for the five packets that carry only an identifier.
        PacketType::PubAck
        | PacketType::PubRec
        | PacketType::PubRel
        | PacketType::PubComp
        | PacketType::UnsubAck => {
            event.packet_id = ack::id_only_body(header.packet_type, body)?;
        }
        // `SubAck::from_body`'s checks and errors in the same order, with the
        // refusal noted in the same pass over the return codes (one loop, not
        // a check and then a search; smaller on a Cortex-M4). The test below
        // holds the two to the same answers.
        PacketType::SubAck => {
            let [high, low, codes @ ..] = body else {
                return Err(wire::Error::Truncated);
            };
            event.packet_id = u16::from_be_bytes([*high, *low]);
            if event.packet_id == 0 {
                return Err(wire::Error::ZeroPacketId);
            }
            if codes.is_empty() {
                return Err(wire::Error::EmptyPayload);
            }
            for &code in codes {
                if code == 0x80 {
                    event.refused = true;
                } else if code > 0x02 {
                    return Err(wire::Error::InvalidSubAckReturnCode(code));
                }
            }
        }
        // PINGRESP has no body (MQTT 3.1.1 3.13).
        PacketType::PingResp if !body.is_empty() => {
            return Err(wire::Error::WrongRemainingLength {
                packet_type: PacketType::PingResp,
                actual: body.len(),
            })
        }
        PacketType::PingResp => {}
        other => {
            return Err(wire::Error::UnexpectedPacketType {
                expected: PacketType::Publish,
                actual: other,
            })
        }
    }
    Ok(())
}

/// Handles one complete packet at the start of the network buffer.
fn handle_packet<P: Port>(
    ctx: &mut P,
    header: FixedHeader,
    manage_keep_alive: bool,
) -> Result<(), Error> {
    let ty = header.packet_type;
    let mut event = Event {
        frame: Frame {
            first_byte: (ty as u8) << 4 | header.flags,
            header_len: header.header_len,
            remaining_len: header.remaining_length,
        },
        packet_id: 0,
        refused: false,
        publish: None,
    };
    if let Err(e) = decode(ctx.buffer(), &header, &mut event) {
        return Err(malformed(ty, e));
    }
    match ty {
        PacketType::Publish => incoming_publish(ctx, &event),
        PacketType::PubAck | PacketType::PubRec | PacketType::PubRel | PacketType::PubComp => {
            publish_ack(ctx, &event, ack_type(ty))
        }
        PacketType::PingResp => {
            *ctx.session().waiting_ping = false;
            if !manage_keep_alive {
                ctx.deliver(&event);
            }
            Ok(())
        }
        // SUBACK and UNSUBACK. A refused filter is news for the application,
        // not a loop error.
        _ => {
            if event.refused {
                log::warn!(
                    "SUBSCRIBE {}: a topic filter was refused by the server",
                    event.packet_id
                );
            }
            ctx.deliver(&event);
            Ok(())
        }
    }
}

/// The fixed header at the start of `buf`: `Err(None)` while it is
/// incomplete, `Err(Some(reason))` for one `wire` refuses. Built for size
/// (see [`Refusal`]) one out-of-line copy with `FixedHeader::peek` inlined,
/// so that its detailed errors are not built.
#[cfg_attr(rsmqtt_small, inline(never))]
fn peek(buf: &[u8]) -> Result<FixedHeader, Option<Refusal>> {
    FixedHeader::peek(buf).map_err(|e| match e {
        wire::Error::Incomplete { .. } => None,
        other => Some(refusal(other)),
    })
}

/// The loop's error for a fixed header `wire` refused: [`Error::Malformed`]
/// with the reason.
#[cfg(not(rsmqtt_small))]
fn bad_header(e: Refusal) -> Error {
    log::error!("malformed fixed header from the server: {e}");
    Error::Malformed(e.kind())
}

/// The loop's error for a fixed header `wire` refused: built for size (see
/// [`Refusal`]) [`Error::BadResponse`], without the reason.
#[cfg(rsmqtt_small)]
fn bad_header(_: Refusal) -> Error {
    log::error!("malformed fixed header from the server");
    Error::BadResponse
}

/// A packet `wire` refused: logged, and the loop's error.
#[cfg(not(rsmqtt_small))]
#[cold]
#[inline(never)]
fn malformed(ty: PacketType, e: Refusal) -> Error {
    log::error!("malformed {ty:?} from the server: {e}");
    Error::Malformed(e.kind())
}

/// A packet `wire` refused: logged, and the loop's error. Built for size the
/// reason is not kept (see [`Refusal`]): the error is
/// [`Error::BadResponse`]. Inlined: with the log compiled out (as in
/// firmware) nothing is left but that constant.
#[cfg(rsmqtt_small)]
fn malformed(ty: PacketType, _: Refusal) -> Error {
    log::error!("malformed {ty:?} from the server");
    Error::BadResponse
}

/// The acknowledgement of PUBACK, PUBREC, PUBREL or PUBCOMP: the packet
/// types 4 to 7 are [`Ack`] 0 to 3 in the same order, so this is a
/// subtraction.
fn ack_type(ty: PacketType) -> Ack {
    match ty {
        PacketType::PubAck => Ack::PubAck,
        PacketType::PubRec => Ack::PubRec,
        PacketType::PubRel => Ack::PubRel,
        _ => Ack::PubComp,
    }
}

/// The coreMQTT QoS of a `wire` QoS.
pub(crate) fn mqtt_qos(qos: QoS) -> MQTTQoS {
    match qos {
        QoS::AtMostOnce => MQTTQoS::MQTTQoS0,
        QoS::AtLeastOnce => MQTTQoS::MQTTQoS1,
        QoS::ExactlyOnce => MQTTQoS::MQTTQoS2,
    }
}

/// An incoming PUBLISH: record it (QoS 1/2), hand it to the application,
/// acknowledge it.
fn incoming_publish<P: Port>(ctx: &mut P, event: &Event) -> Result<(), Error> {
    let Some(publish) = &event.publish else {
        return Err(Error::BadResponse);
    };
    let id = event.packet_id;
    let qos = mqtt_qos(publish.qos);
    let mut duplicate = false;
    if qos != MQTTQoS::MQTTQoS0 {
        let incoming = ctx.record_array(false);
        if incoming.is_empty() {
            // coreMQTT's status for this case: the publish is dropped unanswered.
            log::error!(
                "QoS {} PUBLISH {id} dropped: no incoming records (MQTT_InitStatefulQoS)",
                qos as u32
            );
            return Err(Error::RecvFailed);
        }
        // Packet identifier 0 cannot reach here: `wire` refuses it.
        match records::receive_publish(incoming, id, qos) {
            Ok(_) => {}
            // A QoS 1 id we still hold (our PUBACK was not sent, e.g. the
            // connection was cut) and the DUP flag clear: a re-delivery always
            // carries DUP=1 (MQTT-3.3.1-1), so this is a new message under a
            // reused id, e.g. from a broker that restarted and lost its state.
            // MQTT 3.1.1 4.3.2 has a QoS 1 receiver treat a PUBLISH with that
            // id as a new publication whatever its DUP flag: deliver it. coreMQTT
            // drops it as a duplicate; at-least-once allows the rare double
            // delivery, not the loss.
            Err(Error::StateCollision) if qos == MQTTQoS::MQTTQoS1 && !publish.dup => {
                log::warn!("QoS 1 PUBLISH {id} reuses a held id without DUP: a new message (MQTT 3.1.1 4.3.2)");
            }
            // A resend (DUP=1) of a publish we already have (our ack was lost):
            // acknowledge again, but do not deliver it twice. At QoS 2 any
            // collision is a resend, DUP or not: the record stays until PUBREL,
            // and exactly-once (4.3.3) forbids delivering an id twice before
            // then; a broker may only reuse the id after our PUBCOMP.
            Err(Error::StateCollision) => {
                duplicate = true;
                if !publish.dup {
                    log::warn!("PUBLISH {id} repeated without the DUP flag (MQTT-3.3.1-1)");
                }
            }
            Err(e) => {
                log::error!("cannot record incoming PUBLISH {id}: {e:?}");
                return Err(e);
            }
        }
    }
    if !duplicate {
        ctx.deliver(event);
    }
    match qos {
        MQTTQoS::MQTTQoS0 => Ok(()),
        MQTTQoS::MQTTQoS1 => send(ctx, Ack::PubAck, id, true),
        MQTTQoS::MQTTQoS2 => send(ctx, Ack::PubRec, id, true),
    }
}

/// An incoming PUBACK, PUBREC, PUBREL or PUBCOMP.
fn publish_ack<P: Port>(ctx: &mut P, event: &Event, ack: Ack) -> Result<(), Error> {
    let id = event.packet_id;
    let step = records::ack_step(ack, Direction::Receive);
    let state = match records::apply_ack(ctx.record_array(step.outgoing), id, step) {
        Ok(state) => state,
        // `wire` refuses identifier 0, so this is "no record for `id`".
        Err(Error::BadResponse) if ack == Ack::PubRel => {
            log::warn!("PUBREL {id} without a state record (lost, e.g. in a reboot): answering PUBCOMP (MQTT 3.1.1 4.3.3)");
            return send(ctx, Ack::PubComp, id, false);
        }
        Err(e) => return Err(record_error(id, e)),
    };
    if matches!(ack, Ack::PubAck | Ack::PubRec) {
        // The broker has the publish now: a stored copy is no longer needed.
        ctx.clear(id);
    }
    ctx.deliver(event);
    match state {
        MQTTPublishState::MQTTPubRelSend => send(ctx, Ack::PubRel, id, true),
        MQTTPublishState::MQTTPubCompSend => send(ctx, Ack::PubComp, id, true),
        _ => Ok(()),
    }
}

/// A failed record update, logged when the record is missing (the other
/// failures log themselves in `records`).
fn record_error(id: u16, e: Error) -> Error {
    if e == Error::BadResponse {
        log::error!("no state record for packet identifier {id}");
    }
    e
}

/// The four bytes of PUBACK, PUBREC, PUBREL or PUBCOMP for `id`.
///
/// The packet types 4 to 7 are [`Ack`] 0 to 3 in the same order, so the
/// first byte is computed, not looked up (no table in flash); PUBREL carries
/// the flags 0b0010 (MQTT 3.1.1 Table 2.2).
pub fn ack_packet(ack: Ack, id: u16) -> [u8; 4] {
    let flags = if ack == Ack::PubRel { 0x02 } else { 0x00 };
    let first = ((ack as u8).wrapping_add(4) << 4) | flags;
    wire::raw::id_packet(first, id)
}

/// [`send`] for coreMQTT's acknowledgement type (the session resumption in
/// `engine::connect` resends PUBRELs with it).
pub fn send_ack<P: Port>(
    ctx: &mut P,
    ack: MQTTPubAckType,
    id: u16,
    update_record: bool,
) -> Result<(), Error> {
    send(ctx, ack.into(), id, update_record)
}

/// Sends PUBACK, PUBREC, PUBREL or PUBCOMP for `id`, then (when
/// `update_record`) moves its state record on.
///
/// Every caller passes an identifier that is not 0: one `wire` decoded (it
/// refuses 0), or one `records::pubrel_to_resend` returned (0 ends its
/// walk). Other builds still refuse 0 with [`Error::BadParameter`]; size builds
/// (`cfg(rsmqtt_small)`, see build.rs) leave the unreachable check out
/// (8 bytes on a Cortex-M4, measured with scripts/code-size-compare.sh).
pub fn send<P: Port>(ctx: &mut P, ack: Ack, id: u16, update_record: bool) -> Result<(), Error> {
    #[cfg(not(rsmqtt_small))]
    if id == 0 {
        return Err(Error::BadParameter);
    }
    let packet = ack_packet(ack, id);
    if send_bytes(ctx, &packet).is_err() {
        log::error!("sending {ack:?} for packet {id} failed");
        return Err(Error::SendFailed);
    }
    *ctx.session().control_sent = true;
    if !update_record {
        return Ok(());
    }
    let step = records::ack_step(ack, Direction::Send);
    match records::apply_ack(ctx.record_array(step.outgoing), id, step) {
        Ok(_) => Ok(()),
        Err(e) => Err(record_error(id, e)),
    }
}

#[cfg(test)]
mod tests {
    use crate::wire::{self, FixedHeader, PacketType, PingResp, SubAck};

    /// The computed first bytes are the packet types 4 to 7, PUBREL's with
    /// its flags 0b0010.
    #[test]
    fn ack_packets_carry_their_types() {
        use super::{ack_packet, Ack};
        assert_eq!(ack_packet(Ack::PubAck, 0x1234), [0x40, 2, 0x12, 0x34]);
        assert_eq!(ack_packet(Ack::PubRec, 0x1234), [0x50, 2, 0x12, 0x34]);
        assert_eq!(ack_packet(Ack::PubRel, 0x1234), [0x62, 2, 0x12, 0x34]);
        assert_eq!(ack_packet(Ack::PubComp, 0x0001), [0x70, 2, 0x00, 0x01]);
    }

    /// `decode` skips the second fixed-header parse of `wire`'s packet
    /// decoders (and checks SUBACK in place): it must give their answers,
    /// refusals included.
    #[test]
    fn body_decoders_agree_with_the_packet_decoders() {
        let cases: &[&[u8]] = &[
            b"\x30\x05\x00\x01a hi",        // QoS 0
            b"\x32\x07\x00\x01a\x00\x07hi", // QoS 1, id 7
            b"\x3d\x07\x00\x01a\x00\x07hi", // QoS 2, DUP, RETAIN
            b"\x36\x05\x00\x01a\x00\x07",   // QoS 3
            b"\x38\x03\x00\x01a",           // DUP with QoS 0
            b"\x32\x05\x00\x01a\x00\x00",   // packet id 0
            b"\x30\x04\x00\x02\xc3\x28",    // topic not UTF-8
            b"\x30\x04\x00\x02a\x00",       // NUL in the topic
            b"\x30\x04\x00\x02a+",          // wildcard in the topic
            b"\x30\x02\x00\x05",            // topic longer than the body
            b"\x32\x03\x00\x01a",           // no room for the id
            b"\x90\x03\x00\x05\x01",        // SUBACK granted QoS 1
            b"\x90\x04\x00\x05\x80\x02",    // one refused
            b"\x90\x02\x00\x05",            // no return codes
            b"\x90\x03\x00\x05\x03",        // return code 3
            b"\x90\x03\x00\x00\x01",        // packet id 0
            b"\x90\x04\x00\x05\x80\x03",    // refused, then invalid
            b"\x90\x04\x00\x05\x03\x80",    // invalid, then refused
            b"\x90\x01\x00",                // no room for the id
        ];
        for &bytes in cases {
            let header = FixedHeader::peek(bytes).unwrap();
            let body = &bytes[header.header_len..header.packet_len()];
            match header.packet_type {
                PacketType::Publish => assert_eq!(
                    wire::PublishBody::decode(header.flags, body),
                    wire::Publish::decode(bytes).map(|(p, _)| wire::PublishBody {
                        dup: p.dup,
                        qos: p.qos,
                        retain: p.retain,
                        topic: p.topic.as_bytes(),
                        packet_id: p.packet_id,
                        payload: p.payload,
                    }),
                    "{bytes:x?}"
                ),
                // `decode` checks SUBACK in place: the same refusals, the
                // same identifier and whether a filter was refused.
                _ => {
                    let mut event = super::Event {
                        frame: super::Frame {
                            first_byte: 0x90,
                            header_len: header.header_len,
                            remaining_len: header.remaining_length,
                        },
                        packet_id: 0,
                        refused: false,
                        publish: None,
                    };
                    assert_eq!(
                        super::decode(bytes, &header, &mut event)
                            .map(|()| (event.packet_id, event.refused)),
                        SubAck::decode(bytes)
                            .map(|(a, _)| (a.packet_id, a.return_codes.contains(&0x80)))
                            .map_err(super::refusal),
                        "{bytes:x?}"
                    );
                    assert_eq!(
                        SubAck::from_body(body),
                        SubAck::decode(bytes).map(|(a, _)| a),
                        "{bytes:x?}"
                    );
                }
            }
        }
        // PINGRESP: the check in `decode` is PingResp's.
        let mut event = super::Event {
            frame: super::Frame {
                first_byte: 0xd0,
                header_len: 2,
                remaining_len: 1,
            },
            packet_id: 0,
            refused: false,
            publish: None,
        };
        let long = b"\xd0\x01\x00";
        let header = FixedHeader::peek(long).unwrap();
        assert_eq!(
            super::decode(long, &header, &mut event),
            PingResp::decode(long).map(|_| ()).map_err(super::refusal)
        );
        assert!(super::decode(
            b"\xd0\x00",
            &FixedHeader::peek(b"\xd0\x00").unwrap(),
            &mut event
        )
        .is_ok());
    }
}
