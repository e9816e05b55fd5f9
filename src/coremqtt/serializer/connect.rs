//! CONNECT (MQTT 3.1.1 3.1) as coreMQTT sizes and writes it.

use super::*;

/// Remaining length and total size of a CONNECT
/// (`MQTT_GetConnectPacketSize`). An empty client identifier without clean
/// session, a will message over 65535 bytes or any string over 65535 bytes
/// is `MQTTBadParameter`.
pub fn connect_packet_size(
    connect: &Connect<'_>,
    will: Option<&Will<'_>>,
) -> Result<(usize, usize), MQTTStatus> {
    let remaining = connect_remaining(&ConnectPacket::new(connect, will)?);
    Ok((remaining, remaining + 1 + remaining_length_size(remaining)))
}

/// Writes a whole CONNECT (`MQTT_SerializeConnect`) and returns its size.
/// The payload order is client identifier, will topic, will message, user
/// name, password (§3.1.3).
pub fn serialize_connect(
    out: &mut [u8],
    connect: &Connect<'_>,
    will: Option<&Will<'_>>,
) -> Result<usize, MQTTStatus> {
    let packet = ConnectPacket::new(connect, will)?;
    let remaining = connect_remaining(&packet);
    if does_not_fit(remaining, out.len()) {
        return Err(MQTTNoMemory);
    }
    Ok(write_connect(out, &packet, remaining))
}

/// Writes `packet`, whose remaining length [`connect_remaining`] gave,
/// without computing it again, and returns how many bytes it wrote. Both
/// callers checked that `out` holds a packet of that size, so no write can
/// fall short; the writer bounds every write all the same (a short `out`
/// would end with a truncated packet, never a write past it), and nothing
/// tests a result that cannot fail.
pub(crate) fn write_connect(out: &mut [u8], packet: &ConnectPacket<'_>, remaining: usize) -> usize {
    let mut head = ConnectHead::default();
    let bytes = connect_fixed_header(
        &mut head,
        packet.flags,
        packet.keep_alive_seconds,
        remaining,
    );
    let mut w = RawWriter::new(out);
    let _ = w.bytes(bytes);
    for field in &packet.fields {
        let Some(field) = field else { continue };
        let _ = w.field(field);
    }
    w.position()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connect<'a>(client_id: &'a [u8], user_name: Option<&'a [u8]>, clean: bool) -> Connect<'a> {
        Connect {
            clean_session: clean,
            keep_alive_seconds: 60,
            client_id,
            user_name,
            password: None,
        }
    }

    /// `ConnectPacket::new` refuses what `MQTT_GetConnectPacketSize` refuses,
    /// so the unchecked sizing never sees such a packet.
    #[test]
    fn rust_packets_are_checked_when_built() {
        let long = [b'u'; 65_536];
        assert_eq!(
            connect_packet_size(&connect(b"id", Some(&long), true), None),
            Err(MQTTBadParameter)
        );
        assert_eq!(
            connect_packet_size(&connect(b"id", Some(&long[1..]), true), None),
            Ok((10 + 4 + 2 + 65_535, 1 + 3 + 10 + 4 + 2 + 65_535))
        );
        let will = Will {
            qos: MQTTQoS::MQTTQoS1,
            retain: false,
            topic: b"t",
            payload: &long,
        };
        assert_eq!(
            connect_packet_size(&connect(b"id", None, true), Some(&will)),
            Err(MQTTBadParameter)
        );
        assert_eq!(
            connect_packet_size(&connect(b"", None, false), None),
            Err(MQTTBadParameter)
        );
        assert_eq!(
            connect_packet_size(&connect(b"", None, true), None),
            Ok((12, 14))
        );
        let mut out = [0u8; 14];
        assert_eq!(
            serialize_connect(&mut out, &connect(b"", None, true), None),
            Ok(14)
        );
        assert_eq!(
            out,
            [0x10, 12, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 60, 0, 0]
        );
    }
}
