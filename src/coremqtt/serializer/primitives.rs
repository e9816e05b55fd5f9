//! Constants of the coreMQTT serializer (MQTT 3.1.1 1.5, 2.2.3), the
//! statuses of a failed raw write, and which packet types a client may
//! receive. Every byte is written by `wire::raw` and every length decoded by
//! `wire`.

use super::*;

/// Largest remaining length the four-byte encoding can carry (§2.2.3).
pub const MAX_REMAINING_LENGTH: usize = length::MAX_REMAINING_LENGTH;
/// Most bytes [`serialize_publish_header_without_topic`] writes: type, four
/// length bytes and the topic length.
pub const PUBLISH_HEADER_WITHOUT_TOPIC_MAX_SIZE: usize = 1 + 4 + 2;
/// DISCONNECT and PINGREQ are two bytes: type and a zero remaining length.
pub const EMPTY_PACKET_SIZE: usize = 2;
use crate::wire::raw::RawError;
pub use crate::wire::raw::{packet_size, remaining_length_size};

impl From<RawError> for MQTTStatus {
    /// coreMQTT's statuses for a failed write: no room in the caller's
    /// buffer is `MQTTNoMemory`, a value the encoding cannot carry
    /// `MQTTBadParameter`.
    fn from(e: RawError) -> Self {
        match e {
            RawError::NoRoom => MQTTNoMemory,
            RawError::TooLong => MQTTBadParameter,
        }
    }
}

/// Reads the big-endian two-byte integer at `at`.
pub(crate) fn read_u16(bytes: &[u8], at: usize) -> Option<u16> {
    let pair = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([pair[0], pair[1]]))
}

/// Whether `type_byte` (with its flags) may arrive at a client: every
/// server-to-client packet, and PUBREL only with its mandatory flag bit 1
/// (coreMQTT checks only that bit; the other flags are ignored, §2.2.2).
///
/// One bit test: bit `n` of the mask is set when packet type `n` is accepted,
/// PUBREL's (6) only when its flag bit 1 is (a few instructions on a
/// Cortex-M4 where a `match` compiles to a jump over the types; the test
/// below holds it to the table of types).
pub fn incoming_packet_valid(type_byte: u8) -> bool {
    // CONNACK (2), PUBLISH (3), PUBACK (4), PUBREC (5), PUBCOMP (7),
    // SUBACK (9), UNSUBACK (11), PINGRESP (13).
    const ANY_FLAGS: u16 = 0x2ABC;
    let pubrel = if type_byte & 0x02 != 0 { 1 << 6 } else { 0 };
    (ANY_FLAGS | pubrel).wrapping_shr(u32::from(type_byte >> 4)) & 1 != 0
}

#[cfg(test)]
fn incoming_packet_valid_by_type(type_byte: u8) -> bool {
    match type_byte & 0xF0 {
        MQTT_PACKET_TYPE_CONNACK
        | MQTT_PACKET_TYPE_PUBLISH
        | MQTT_PACKET_TYPE_PUBACK
        | MQTT_PACKET_TYPE_PUBREC
        | MQTT_PACKET_TYPE_PUBCOMP
        | MQTT_PACKET_TYPE_SUBACK
        | MQTT_PACKET_TYPE_UNSUBACK
        | MQTT_PACKET_TYPE_PINGRESP => true,
        0x60 => type_byte & 0x02 != 0,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    /// The bit test accepts exactly the types of the table, PUBREL with
    /// its flag bit 1 only, whatever the other flags.
    #[test]
    fn incoming_type_mask_matches_the_type_table() {
        for type_byte in 0..=u8::MAX {
            assert_eq!(
                super::incoming_packet_valid(type_byte),
                super::incoming_packet_valid_by_type(type_byte),
                "{type_byte:#04x}"
            );
        }
    }

    /// The engine builds the first bytes of the packets it sends from
    /// `wire`'s packet types; they are the header's constants.
    #[test]
    fn engine_type_bytes_are_the_c_constants() {
        use crate::coremqtt::serializer_types::{
            MQTT_PACKET_TYPE_CONNECT, MQTT_PACKET_TYPE_PUBLISH, MQTT_PACKET_TYPE_SUBSCRIBE,
            MQTT_PACKET_TYPE_UNSUBSCRIBE,
        };
        use crate::engine::packets;
        assert_eq!(packets::CONNECT_TYPE_BYTE, MQTT_PACKET_TYPE_CONNECT);
        assert_eq!(packets::PUBLISH_TYPE_BYTE, MQTT_PACKET_TYPE_PUBLISH);
        assert_eq!(packets::SUBSCRIBE_TYPE_BYTE, MQTT_PACKET_TYPE_SUBSCRIBE);
        assert_eq!(packets::UNSUBSCRIBE_TYPE_BYTE, MQTT_PACKET_TYPE_UNSUBSCRIBE);
    }
}
