//! The few packet layouts the engine builds and reads itself (MQTT 3.1.1
//! chapter 2 and 3). Headers are built in small stack arrays and sent as
//! vectors next to the caller's topic, payload and strings, so nothing is
//! copied into the network buffer, which holds received bytes only.

use core::ops::Range;

use crate::coremqtt::serializer_types::{
    MQTTStatus, MQTT_PACKET_TYPE_CONNACK, MQTT_PACKET_TYPE_PINGRESP, MQTT_PACKET_TYPE_PUBACK,
    MQTT_PACKET_TYPE_PUBCOMP, MQTT_PACKET_TYPE_PUBLISH, MQTT_PACKET_TYPE_PUBREC,
    MQTT_PACKET_TYPE_PUBREL, MQTT_PACKET_TYPE_SUBACK, MQTT_PACKET_TYPE_UNSUBACK,
};

/// Largest remaining length the four-byte encoding can express (2.2.3).
pub(crate) const MAX_REMAINING_LENGTH: usize = 268_435_455;

/// Encodes `len` as a remaining length (2.2.3) into `out`; returns the
/// number of bytes used, or `None` when `len` is too large.
pub(crate) fn encode_remaining_length(mut len: usize, out: &mut [u8]) -> Option<usize> {
    if len > MAX_REMAINING_LENGTH {
        return None;
    }
    let mut used = 0;
    loop {
        let mut byte = (len % 128) as u8;
        len /= 128;
        if len > 0 {
            byte |= 0x80;
        }
        *out.get_mut(used)? = byte;
        used += 1;
        if len == 0 {
            return Some(used);
        }
    }
}

/// The fixed header of a received packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FixedHeader {
    /// First byte: type and flags.
    pub type_byte: u8,
    /// Bytes of the fixed header (type byte plus remaining-length bytes).
    pub header_len: usize,
    /// Bytes after the fixed header.
    pub remaining_len: usize,
}

impl FixedHeader {
    /// Bytes of the whole packet.
    pub(crate) fn total_len(&self) -> usize {
        self.header_len + self.remaining_len
    }
}

/// Whether a server may send a packet starting with this byte to a client.
pub(crate) fn valid_incoming_type(type_byte: u8) -> bool {
    matches!(
        type_byte,
        MQTT_PACKET_TYPE_CONNACK
            | MQTT_PACKET_TYPE_PUBACK
            | MQTT_PACKET_TYPE_PUBREC
            | MQTT_PACKET_TYPE_PUBREL
            | MQTT_PACKET_TYPE_PUBCOMP
            | MQTT_PACKET_TYPE_SUBACK
            | MQTT_PACKET_TYPE_UNSUBACK
            | MQTT_PACKET_TYPE_PINGRESP
    ) || type_byte & 0xF0 == MQTT_PACKET_TYPE_PUBLISH
}

/// Reads a fixed header from the start of `bytes`: `Ok(None)` when more bytes
/// are needed, `MQTTBadResponse` for an unknown type or a remaining length
/// longer than four bytes.
pub(crate) fn parse_fixed_header(bytes: &[u8]) -> Result<Option<FixedHeader>, MQTTStatus> {
    let Some(&type_byte) = bytes.first() else {
        return Ok(None);
    };
    if !valid_incoming_type(type_byte) {
        log::error!("invalid packet type byte 0x{type_byte:02x} received");
        return Err(MQTTStatus::MQTTBadResponse);
    }
    let mut remaining_len = 0usize;
    for i in 0..4 {
        let Some(&byte) = bytes.get(1 + i) else {
            return Ok(None);
        };
        remaining_len += usize::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            // 2.2.3: the encoding must be minimal; a trailing zero continuation
            // byte (e.g. 0x80 0x00) is a malformed length.
            if i > 0 && byte == 0 {
                return Err(MQTTStatus::MQTTBadResponse);
            }
            return Ok(Some(FixedHeader {
                type_byte,
                header_len: 2 + i,
                remaining_len,
            }));
        }
    }
    log::error!("remaining length longer than four bytes");
    Err(MQTTStatus::MQTTBadResponse)
}

/// Reads the body of a CONNACK (3.2): the session-present flag, or
/// `MQTTServerRefused` for return codes 1–5, `MQTTBadResponse` otherwise.
pub(crate) fn decode_connack(body: &[u8]) -> Result<bool, MQTTStatus> {
    let [flags, code] = body else {
        log::error!("CONNACK remaining length {} instead of 2", body.len());
        return Err(MQTTStatus::MQTTBadResponse);
    };
    if flags & 0xFE != 0 {
        log::error!("CONNACK reserved flag bits set: 0x{flags:02x}");
        return Err(MQTTStatus::MQTTBadResponse);
    }
    let session_present = flags & 0x01 != 0;
    match code {
        0 => Ok(session_present),
        // 3.2.2.2: a refusal must come with session present 0.
        1..=5 if session_present => Err(MQTTStatus::MQTTBadResponse),
        1..=5 => {
            log::error!("broker refused the connection: CONNACK return code {code}");
            Err(MQTTStatus::MQTTServerRefused)
        }
        _ => {
            log::error!("CONNACK with reserved return code {code}");
            Err(MQTTStatus::MQTTBadResponse)
        }
    }
}

/// A PUBLISH read from a packet body; ranges index into the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PublishView {
    /// QoS 0, 1 or 2.
    pub qos: u8,
    /// Retain flag.
    pub retain: bool,
    /// DUP flag.
    pub dup: bool,
    /// Where the topic name is.
    pub topic: Range<usize>,
    /// Packet identifier (0 for QoS 0).
    pub packet_id: u16,
    /// Where the payload is.
    pub payload: Range<usize>,
}

/// Reads a PUBLISH (3.3) from its first byte and body.
pub(crate) fn decode_publish(type_byte: u8, body: &[u8]) -> Result<PublishView, MQTTStatus> {
    let qos = (type_byte >> 1) & 0x03;
    if qos == 3 {
        log::error!("PUBLISH with QoS 3");
        return Err(MQTTStatus::MQTTBadResponse);
    }
    let topic_len = match body {
        [hi, lo, ..] => usize::from(u16::from_be_bytes([*hi, *lo])),
        _ => return Err(MQTTStatus::MQTTBadResponse),
    };
    let topic = 2..2 + topic_len;
    let id_len = if qos > 0 { 2 } else { 0 };
    if topic_len == 0 || body.len() < topic.end + id_len {
        log::error!("PUBLISH too short for its topic and packet identifier");
        return Err(MQTTStatus::MQTTBadResponse);
    }
    let mut packet_id = 0;
    if qos > 0 {
        packet_id = u16::from_be_bytes([body[topic.end], body[topic.end + 1]]);
        if packet_id == 0 {
            log::error!("QoS {qos} PUBLISH with packet identifier 0");
            return Err(MQTTStatus::MQTTBadResponse);
        }
    }
    let payload = topic.end + id_len..body.len();
    Ok(PublishView {
        qos,
        retain: type_byte & 0x01 != 0,
        dup: type_byte & 0x08 != 0,
        topic,
        packet_id,
        payload,
    })
}

/// Reads the packet identifier of PUBACK, PUBREC, PUBREL, PUBCOMP or
/// UNSUBACK (exactly two bytes, never 0).
pub(crate) fn decode_packet_id(body: &[u8]) -> Result<u16, MQTTStatus> {
    match body {
        [0, 0] => {
            log::error!("acknowledgement with packet identifier 0");
            Err(MQTTStatus::MQTTBadResponse)
        }
        [hi, lo] => Ok(u16::from_be_bytes([*hi, *lo])),
        _ => {
            log::error!(
                "acknowledgement remaining length {} instead of 2",
                body.len()
            );
            Err(MQTTStatus::MQTTBadResponse)
        }
    }
}

/// Reads a SUBACK (3.9): its packet identifier and whether every filter was
/// granted (`Ok`) or at least one refused (`MQTTServerRefused`).
pub(crate) fn decode_suback(body: &[u8]) -> (u16, Result<(), MQTTStatus>) {
    let [hi, lo, codes @ ..] = body else {
        return (0, Err(MQTTStatus::MQTTBadResponse));
    };
    let id = u16::from_be_bytes([*hi, *lo]);
    if id == 0 || codes.is_empty() {
        return (id, Err(MQTTStatus::MQTTBadResponse));
    }
    let mut refused = false;
    for &code in codes {
        match code {
            0x00..=0x02 => {}
            0x80 => refused = true,
            _ => {
                log::error!("SUBACK with invalid return code 0x{code:02x}");
                return (id, Err(MQTTStatus::MQTTBadResponse));
            }
        }
    }
    if refused {
        log::warn!("broker refused at least one topic filter of SUBSCRIBE {id}");
        return (id, Err(MQTTStatus::MQTTServerRefused));
    }
    (id, Ok(()))
}

/// An acknowledgement packet for `packet_id` (3.4–3.7).
pub(crate) fn ack(type_byte: u8, packet_id: u16) -> [u8; 4] {
    let [hi, lo] = packet_id.to_be_bytes();
    [type_byte, 2, hi, lo]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_length_round_trips_at_the_encoding_boundaries() {
        for len in [
            0usize,
            127,
            128,
            16_383,
            16_384,
            2_097_151,
            2_097_152,
            MAX_REMAINING_LENGTH,
        ] {
            let mut out = [0u8; 5];
            out[0] = 0x30;
            let used = encode_remaining_length(len, &mut out[1..]).unwrap();
            let header = parse_fixed_header(&out[..1 + used]).unwrap().unwrap();
            assert_eq!((header.remaining_len, header.header_len), (len, 1 + used));
        }
        assert_eq!(
            encode_remaining_length(MAX_REMAINING_LENGTH + 1, &mut [0; 4]),
            None
        );
    }

    #[test]
    fn fixed_header_needs_more_bytes_or_fails() {
        assert_eq!(parse_fixed_header(&[]), Ok(None));
        assert_eq!(parse_fixed_header(&[0x30, 0x80]), Ok(None));
        assert_eq!(
            parse_fixed_header(&[0x00, 0x00]),
            Err(MQTTStatus::MQTTBadResponse)
        );
        assert_eq!(
            parse_fixed_header(&[0x30, 0xFF, 0xFF, 0xFF, 0xFF]),
            Err(MQTTStatus::MQTTBadResponse)
        );
        assert_eq!(
            parse_fixed_header(&[0x30, 0x80, 0x00]),
            Err(MQTTStatus::MQTTBadResponse)
        );
    }

    #[test]
    fn connack_codes() {
        assert_eq!(decode_connack(&[0, 0]), Ok(false));
        assert_eq!(decode_connack(&[1, 0]), Ok(true));
        assert_eq!(decode_connack(&[0, 5]), Err(MQTTStatus::MQTTServerRefused));
        assert_eq!(decode_connack(&[1, 5]), Err(MQTTStatus::MQTTBadResponse));
        assert_eq!(decode_connack(&[0, 6]), Err(MQTTStatus::MQTTBadResponse));
        assert_eq!(decode_connack(&[2, 0]), Err(MQTTStatus::MQTTBadResponse));
        assert_eq!(decode_connack(&[0]), Err(MQTTStatus::MQTTBadResponse));
    }

    #[test]
    fn publish_fields() {
        // QoS 1, retain, topic "a/b", id 10, payload "hi".
        let body = [0, 3, b'a', b'/', b'b', 0, 10, b'h', b'i'];
        let p = decode_publish(0x33, &body).unwrap();
        assert_eq!((p.qos, p.retain, p.dup, p.packet_id), (1, true, false, 10));
        assert_eq!(
            (&body[p.topic.clone()], &body[p.payload.clone()]),
            (&b"a/b"[..], &b"hi"[..])
        );
        assert!(decode_publish(0x36, &body).is_err());
        assert!(decode_publish(0x32, &[0, 3, b'a', b'/', b'b', 0, 0]).is_err());
        assert!(decode_publish(0x30, &[0, 0]).is_err());
        assert!(decode_publish(0x30, &[0, 5, b'a']).is_err());
    }

    #[test]
    fn suback_refusal_is_reported_with_its_id() {
        assert_eq!(decode_suback(&[0, 7, 0, 1, 2]), (7, Ok(())));
        assert_eq!(
            decode_suback(&[0, 7, 0x80]),
            (7, Err(MQTTStatus::MQTTServerRefused))
        );
        assert_eq!(
            decode_suback(&[0, 7, 3]).1,
            Err(MQTTStatus::MQTTBadResponse)
        );
        assert_eq!(decode_suback(&[0, 7]).1, Err(MQTTStatus::MQTTBadResponse));
    }
}
