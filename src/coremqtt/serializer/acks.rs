//! PUBACK, PUBREC, PUBREL, PUBCOMP, PINGREQ and DISCONNECT (MQTT 3.1.1 3.4-3.7,
//! 3.12, 3.14) as coreMQTT writes them.

use super::*;

/// Writes a PUBACK, PUBREC, PUBREL or PUBCOMP (`MQTT_SerializeAck`); other
/// type bytes and packet identifier 0 are `MQTTBadParameter`, a buffer under
/// four bytes `MQTTNoMemory` (checked first, as coreMQTT does).
#[inline]
pub fn serialize_ack(out: &mut [u8], packet_type: u8, packet_id: u16) -> Result<usize, MQTTStatus> {
    let Some(target) = out.first_chunk_mut::<MQTT_PUBLISH_ACK_PACKET_SIZE>() else {
        return Err(MQTTNoMemory);
    };
    if packet_id == 0 {
        return Err(MQTTBadParameter);
    }
    match packet_type {
        MQTT_PACKET_TYPE_PUBACK
        | MQTT_PACKET_TYPE_PUBREC
        | MQTT_PACKET_TYPE_PUBREL
        | MQTT_PACKET_TYPE_PUBCOMP => {
            // One array store, not a byte-copy loop.
            *target = raw::id_packet(packet_type, packet_id);
            Ok(MQTT_PUBLISH_ACK_PACKET_SIZE)
        }
        _ => {
            log_error(format_args!(
                "not a publish acknowledgement type: {packet_type:#04x}"
            ));
            Err(MQTTBadParameter)
        }
    }
}

/// The two bytes of a DISCONNECT (§3.14).
pub const DISCONNECT_PACKET: [u8; 2] = raw::empty_packet(MQTT_PACKET_TYPE_DISCONNECT);
/// The two bytes of a PINGREQ (§3.12).
pub const PINGREQ_PACKET: [u8; 2] = raw::empty_packet(MQTT_PACKET_TYPE_PINGREQ);
