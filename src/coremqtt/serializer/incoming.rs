//! Incoming packets with coreMQTT's statuses: the fixed header, PUBLISH and
//! the acknowledgements, split by `wire`, judged by coreMQTT's rules.

use super::*;

/// The fixed header of a received packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedHeader {
    /// First byte: type and flags.
    pub type_byte: u8,
    /// Remaining length.
    pub remaining_length: usize,
    /// Bytes of the fixed header (type byte and length encoding).
    pub header_length: usize,
}

/// Decodes the fixed header at the start of `received`
/// (`MQTT_ProcessIncomingPacketTypeAndLength`).
///
/// `MQTTNoDataAvailable` when `received` is empty; `MQTTBadResponse` for a
/// type a client cannot receive, a length encoding longer than four bytes
/// or one that is not the shortest form; `MQTTNeedMoreBytes` when the length
/// encoding is not complete yet.
#[inline]
pub fn decode_fixed_header(received: &[u8]) -> Result<FixedHeader, MQTTStatus> {
    let Some(&type_byte) = received.first() else {
        return Err(MQTTNoDataAvailable);
    };
    if !type_valid(type_byte) {
        return Err(MQTTBadResponse);
    }
    // The length through `wire`'s byte-at-a-time step rather than
    // `wire::length::decode`: the detailed errors of that decoder would only
    // become coreMQTT's statuses, and with no caller but the engine's
    // fixed-header peek it inlines there (smaller on a Cortex-M4). A length
    // still open is `MQTTNeedMoreBytes`, one longer than four bytes or not in
    // its shortest form (§2.2.3) `MQTTBadResponse`, as `wire` judges them.
    let mut remaining = 0usize;
    let mut used = 0usize;
    loop {
        let Some(&digit) = received.get(used + 1) else {
            return Err(MQTTNeedMoreBytes);
        };
        let step = length::push_digit(&mut remaining, used, digit);
        used += 1;
        if length_done(step)? {
            break;
        }
    }
    Ok(FixedHeader {
        type_byte,
        remaining_length: remaining,
        header_length: 1 + used,
    })
}

/// Whether a client may receive a packet with this first byte, the refusal
/// logged. Shared by [`decode_fixed_header`] and
/// `MQTT_GetIncomingPacketTypeAndLength`: built for size (`cfg(rsmqtt_small)`,
/// see build.rs) one out-of-line copy rather than one in each (smaller on a
/// Cortex-M4, measured with scripts/code-size-compare.sh).
#[cfg_attr(rsmqtt_small, inline(never))]
pub(crate) fn type_valid(type_byte: u8) -> bool {
    let valid = incoming_packet_valid(type_byte);
    if !valid {
        log_error(format_args!(
            "invalid incoming packet type {type_byte:#04x}"
        ));
    }
    valid
}

/// One step of a remaining length read a byte at a time, as coreMQTT's
/// statuses: `Ok(true)` when the field is complete, `Ok(false)` when another
/// byte follows, `MQTTBadResponse` (logged) for a field `wire` refuses. Shared
/// by [`decode_fixed_header`] and `MQTT_GetIncomingPacketTypeAndLength`.
#[inline(always)]
pub(crate) fn length_done(step: length::Digit) -> Result<bool, MQTTStatus> {
    match step {
        length::Digit::More => Ok(false),
        length::Digit::Done => Ok(true),
        length::Digit::NotMinimal => {
            log_error(format_args!("remaining length not in its shortest form"));
            Err(MQTTBadResponse)
        }
        length::Digit::TooLong => {
            log_error(format_args!("remaining length longer than four bytes"));
            Err(MQTTBadResponse)
        }
    }
}

/// A received PUBLISH, borrowing from the packet bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IncomingPublish<'a> {
    /// QoS from the fixed header.
    pub qos: MQTTQoS,
    /// Retain flag.
    pub retain: bool,
    /// DUP flag.
    pub dup: bool,
    /// Topic name.
    pub topic: &'a [u8],
    /// Packet identifier (QoS 1/2 only; 0 for QoS 0).
    pub packet_id: u16,
    /// Application message.
    pub payload: &'a [u8],
}

/// Decodes a PUBLISH from its first byte and the bytes after the fixed header
/// (`MQTT_DeserializePublish`). `MQTTBadResponse` for QoS 3, a body too short
/// for its topic (and packet identifier), or packet identifier 0.
#[inline]
pub fn deserialize_publish(type_byte: u8, body: &[u8]) -> Result<IncomingPublish<'_>, MQTTStatus> {
    // The two QoS bits as one number (PUBLISH_FLAG_QOS1 is bit 1).
    let qos = match (type_byte & (PUBLISH_FLAG_QOS1 | PUBLISH_FLAG_QOS2)) >> 1 {
        0 => MQTTQoS::MQTTQoS0,
        1 => MQTTQoS::MQTTQoS1,
        2 => MQTTQoS::MQTTQoS2,
        _ => {
            log_error(format_args!("PUBLISH with QoS 3"));
            return Err(MQTTBadResponse);
        }
    };
    let id_length = if qos == MQTTQoS::MQTTQoS0 { 0 } else { 2 };
    // A topic needs its two length bytes and (coreMQTT's first sanity check)
    // at least one more byte.
    if body.len() < 3 + id_length {
        return Err(MQTTBadResponse);
    }
    // The fields split in place by their lengths alone; coreMQTT's policy on
    // their contents (no text or topic-name check, only a zero packet
    // identifier refused). Not `wire::PublishParts::split`: with the engine's
    // `PublishBody::decode` as its one caller that inlines there, and this
    // face needs no `wire::Error` (smaller on a Cortex-M4).
    let [high, low, rest @ ..] = body else {
        return Err(MQTTBadResponse);
    };
    let Some((topic, rest)) = rest.split_at_checked(usize::from(u16::from_be_bytes([*high, *low])))
    else {
        log_error(format_args!("PUBLISH body shorter than its topic name"));
        return Err(MQTTBadResponse);
    };
    let (packet_id, payload) = match (id_length, rest) {
        (0, payload) => (0, payload),
        (_, [high, low, payload @ ..]) => (u16::from_be_bytes([*high, *low]), payload),
        _ => {
            log_error(format_args!("PUBLISH body shorter than its topic name"));
            return Err(MQTTBadResponse);
        }
    };
    if id_length != 0 && packet_id == 0 {
        log_error(format_args!("PUBLISH with packet identifier 0"));
        return Err(MQTTBadResponse);
    }
    Ok(IncomingPublish {
        qos,
        retain: type_byte & PUBLISH_FLAG_RETAIN != 0,
        dup: type_byte & PUBLISH_FLAG_DUP != 0,
        topic,
        packet_id,
        payload,
    })
}

/// What [`deserialize_ack`] learned. The output fields are set even with some
/// error statuses, as coreMQTT writes them before finishing its checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AckOutcome {
    /// `MQTTSuccess`, `MQTTServerRefused` (CONNACK return code 1-5, or a
    /// SUBACK with a 0x80 code) or `MQTTBadResponse`.
    pub status: MQTTStatus,
    /// Packet identifier, for SUBACK, UNSUBACK and publish acknowledgements.
    pub packet_id: Option<u16>,
    /// Session Present, for CONNACK.
    pub session_present: Option<bool>,
}

impl AckOutcome {
    fn new(status: MQTTStatus) -> Self {
        Self {
            status,
            packet_id: None,
            session_present: None,
        }
    }
}

/// Decodes CONNACK, SUBACK, UNSUBACK, PUBACK, PUBREC, PUBREL, PUBCOMP or
/// PINGRESP from the exact first byte and the body (`MQTT_DeserializeAck`).
#[inline]
pub fn deserialize_ack(type_byte: u8, body: &[u8]) -> AckOutcome {
    match type_byte {
        MQTT_PACKET_TYPE_CONNACK => deserialize_connack(body),
        MQTT_PACKET_TYPE_SUBACK => deserialize_suback(body),
        MQTT_PACKET_TYPE_PINGRESP => AckOutcome::new(if body.is_empty() {
            MQTTSuccess
        } else {
            log_error(format_args!("PINGRESP with a remaining length"));
            MQTTBadResponse
        }),
        MQTT_PACKET_TYPE_UNSUBACK
        | MQTT_PACKET_TYPE_PUBACK
        | MQTT_PACKET_TYPE_PUBREC
        | MQTT_PACKET_TYPE_PUBREL
        | MQTT_PACKET_TYPE_PUBCOMP => {
            // Exactly two bytes, read in place: `wire::ack::id_only_body`
            // would build a detailed `wire::Error` only to be mapped to
            // `MQTTBadResponse` here (measured smaller on a Cortex-M4).
            let &[high, low] = body else {
                log_error(format_args!(
                    "acknowledgement {type_byte:#04x} without remaining length 2"
                ));
                return AckOutcome::new(MQTTBadResponse);
            };
            let packet_id = u16::from_be_bytes([high, low]);
            AckOutcome {
                // coreMQTT reports the identifier it read, then refuses 0.
                status: if packet_id == 0 {
                    MQTTBadResponse
                } else {
                    MQTTSuccess
                },
                packet_id: Some(packet_id),
                session_present: None,
            }
        }
        _ => {
            log_error(format_args!("not an acknowledgement: {type_byte:#04x}"));
            AckOutcome::new(MQTTBadResponse)
        }
    }
}

/// CONNACK (§3.2): remaining length 2, only bit 0 of the first byte may be
/// set, return code 0-5, and a set Session Present bit needs return code 0.
pub(crate) fn deserialize_connack(body: &[u8]) -> AckOutcome {
    let &[flags, code] = body else {
        log_error(format_args!("CONNACK without remaining length 2"));
        return AckOutcome::new(MQTTBadResponse);
    };
    if flags | 0x01 != 0x01 {
        log_error(format_args!("CONNACK reserved bits set"));
        return AckOutcome::new(MQTTBadResponse);
    }
    let session_present = flags & 0x01 != 0;
    let status = if session_present && code != 0 {
        MQTTBadResponse
    } else if code > 5 {
        log_error(format_args!("CONNACK return code {code} is invalid"));
        MQTTBadResponse
    } else if code > 0 {
        log_error(format_args!(
            "connection refused by the server, return code {code}"
        ));
        MQTTServerRefused
    } else {
        MQTTSuccess
    };
    AckOutcome {
        status,
        packet_id: None,
        session_present: Some(session_present),
    }
}

/// SUBACK (§3.9): a packet identifier and at least one return code, each
/// 0x00-0x02 or 0x80. A 0x80 makes the result `MQTTServerRefused`; any
/// other value is `MQTTBadResponse`.
pub(crate) fn deserialize_suback(body: &[u8]) -> AckOutcome {
    let (Some(packet_id), Some(codes)) = (read_u16(body, 0), body.get(2..)) else {
        return AckOutcome::new(MQTTBadResponse);
    };
    if codes.is_empty() {
        log_error(format_args!("SUBACK without return codes"));
        return AckOutcome::new(MQTTBadResponse);
    }
    let mut status = MQTTSuccess;
    if packet_id == 0 {
        status = MQTTBadResponse;
    } else {
        for (index, &code) in codes.iter().enumerate() {
            match code {
                0x00..=0x02 => {}
                0x80 => {
                    log::warn!("topic filter #{index} refused by the server");
                    status = MQTTServerRefused;
                }
                _ => {
                    log_error(format_args!("invalid SUBACK return code {code:#04x}"));
                    status = MQTTBadResponse;
                    break;
                }
            }
        }
    }
    AckOutcome {
        status,
        packet_id: Some(packet_id),
        session_present: None,
    }
}
