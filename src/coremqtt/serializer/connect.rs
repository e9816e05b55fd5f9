//! CONNECT (MQTT 3.1.1 3.1) as coreMQTT sizes and writes it.

use super::*;

/// CONNECT parameters as borrowed bytes.
#[derive(Clone, Copy, Debug)]
pub struct Connect<'a> {
    /// Clean Session flag.
    pub clean_session: bool,
    /// Keep-alive interval in seconds.
    pub keep_alive_seconds: u16,
    /// Client identifier; may be empty only with `clean_session` (MQTT 3.1.1
    /// 3.1.3-7, as coreMQTT v3-CodeBase).
    pub client_id: &'a [u8],
    /// User name; `Some` sets the flag even when empty, as coreMQTT does for
    /// a non-NULL pointer.
    pub user_name: Option<&'a [u8]>,
    /// Password; same rule.
    pub password: Option<&'a [u8]>,
}

/// The Last Will and Testament of a CONNECT.
#[derive(Clone, Copy, Debug)]
pub struct Will<'a> {
    /// Will QoS.
    pub qos: MQTTQoS,
    /// Will Retain flag.
    pub retain: bool,
    /// Will topic.
    pub topic: &'a [u8],
    /// Will message; at most 65535 bytes (it is a length-prefixed field).
    pub payload: &'a [u8],
}

/// A CONNECT as it goes on the wire: its flags byte, its keep alive and its
/// payload fields in the order of 3.1.3 (client identifier, will topic, will
/// message, user name, password; `None` is a field left out, and the flags
/// byte says which are present). `MQTT_Connect`, `MQTT_SerializeConnect` and
/// `MQTT_GetConnectPacketSize` read the C structs straight into this form
/// ([`c_connect`]) and the engine, the sizer and the writer all walk the one
/// field list: no field-by-field code, no copy of the caller's strings.
///
/// Both ways to build one ([`ConnectPacket::new`] and [`c_connect`]) refuse
/// what `MQTT_GetConnectPacketSize` refuses (`MQTTBadParameter`): an empty
/// client identifier without clean session ([`client_id_allowed`]) and a
/// field over 65,535 bytes. So [`connect_remaining`] and the writers need
/// not check again.
#[derive(Clone, Copy, Debug)]
pub struct ConnectPacket<'a> {
    /// The payload fields in wire order.
    pub(crate) fields: [Option<&'a [u8]>; 5],
    /// The connect flags byte (3.1.2.3).
    pub(crate) flags: u8,
    /// Keep-alive interval in seconds.
    pub(crate) keep_alive_seconds: u16,
}

impl<'a> ConnectPacket<'a> {
    /// The packet of these parameters; `MQTTBadParameter` for an empty
    /// client identifier without clean session or a field over 65,535
    /// bytes.
    pub fn new(connect: &Connect<'a>, will: Option<&Will<'a>>) -> Result<Self, MQTTStatus> {
        let flags = connect_flags(connect, will);
        if !client_id_allowed(connect.client_id, flags) {
            return Err(MQTTBadParameter);
        }
        let packet = Self {
            fields: [
                Some(connect.client_id),
                will.map(|w| w.topic),
                will.map(|w| w.payload),
                connect.user_name,
                connect.password,
            ],
            flags,
            keep_alive_seconds: connect.keep_alive_seconds,
        };
        if packet
            .fields
            .iter()
            .flatten()
            .any(|f| !field_len_allowed(f.len()))
        {
            return Err(MQTTBadParameter);
        }
        Ok(packet)
    }

    /// The Clean Session flag.
    pub fn clean_session(&self) -> bool {
        self.flags & CONNECT_FLAG_CLEAN != 0
    }
}

/// Whether a CONNECT field (a string or the will message) of `len` bytes
/// fits its two length bytes; otherwise `MQTTBadParameter`.
#[inline(always)]
pub(crate) fn field_len_allowed(len: usize) -> bool {
    if len > usize::from(u16::MAX) {
        log_error(format_args!(
            "CONNECT: a string or the will message exceeds 65535 bytes"
        ));
        return false;
    }
    true
}

/// Whether a CONNECT with these flags may carry this client identifier: an
/// empty one needs a clean session (MQTT 3.1.1 3.1.3-7, as coreMQTT
/// v3-CodeBase); otherwise `MQTTBadParameter`.
#[inline(always)]
pub(crate) fn client_id_allowed(client_id: &[u8], flags: u8) -> bool {
    if client_id.is_empty() && flags & CONNECT_FLAG_CLEAN == 0 {
        log_error(format_args!(
            "CONNECT: a zero-length client identifier requires clean session"
        ));
        return false;
    }
    true
}

/// The remaining length of `packet`: the variable header and each field
/// with its two length bytes. Nothing to check here: both ways to build a
/// packet refused what `MQTT_GetConnectPacketSize` refuses. The one size
/// computation of `MQTT_Connect`, the serializer functions and the engine.
#[inline(always)]
pub fn connect_remaining(packet: &ConnectPacket<'_>) -> usize {
    let mut remaining = CONNECT_VARIABLE_HEADER_SIZE;
    // A plain loop rather than `flatten()`, whose `next` firmware builds
    // keep as a function of its own.
    for field in &packet.fields {
        let Some(field) = field else { continue };
        // At most 10 + 5 * 65,537 bytes: no overflow, and far below
        // MAX_REMAINING_LENGTH.
        remaining += 2 + field.len();
    }
    remaining
}

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

/// The CONNECT flags byte (§3.1.2.3).
pub fn connect_flags(connect: &Connect<'_>, will: Option<&Will<'_>>) -> u8 {
    let mut flags = 0;
    if connect.clean_session {
        flags |= CONNECT_FLAG_CLEAN;
    }
    if connect.user_name.is_some() {
        flags |= CONNECT_FLAG_USERNAME;
    }
    if connect.password.is_some() {
        flags |= CONNECT_FLAG_PASSWORD;
    }
    if let Some(will) = will {
        // Will QoS is bits 3-4: QoS 1 is 0x08, QoS 2 is 0x10.
        flags |= CONNECT_FLAG_WILL | ((will.qos as u8) << 3);
        if will.retain {
            flags |= CONNECT_FLAG_WILL_RETAIN;
        }
    }
    flags
}

/// The array [`connect_fixed_header`] builds the start of a CONNECT in.
pub type ConnectHead = [u8; CONNECT_FIXED_HEADER_MAX_SIZE];

/// Writes the start of a CONNECT into `out`: type byte, remaining length,
/// protocol name "MQTT", level 4, flags and keep alive
/// (`MQTT_SerializeConnectFixedHeader`), and returns those bytes: the end
/// of `out` from where they begin (one bounds check here rather than one in
/// each caller). `remaining` must be within the MQTT limit
/// (`MAX_REMAINING_LENGTH`): every CONNECT sized from its fields is, and
/// `MQTT_SerializeConnectFixedHeader` checks the caller's value first; a
/// larger one would give four digits that do not decode to it (bounded
/// writes, no panic), never a valid header.
///
/// The variable header is at the end of the array and the fixed header
/// right before it: no bounds checks against a caller's buffer, and the one
/// encoder serves all three users (the engine sends the returned bytes as
/// they are, `MQTT_SerializeConnect` and `MQTT_SerializeConnectFixedHeader`
/// copy them). The caller owns the array: returned by value it would be
/// moved with a `memcpy` call, which a minimal firmware would link for this
/// alone.
pub fn connect_fixed_header(
    out: &mut ConnectHead,
    flags: u8,
    keep_alive_seconds: u16,
    remaining: usize,
) -> &[u8] {
    let [keep_alive_high, keep_alive_low] = keep_alive_seconds.to_be_bytes();
    *out = [
        0,
        0,
        0,
        0,
        0,
        0,
        4,
        b'M',
        b'Q',
        b'T',
        b'T',
        PROTOCOL_LEVEL_3_1_1,
        flags,
        keep_alive_high,
        keep_alive_low,
    ];
    // The type byte, then the remaining length's digits (least significant
    // first, bit 7 set on all but the last, 2.2.3) up to the variable header.
    let start = length::MAX_LEN_BYTES - remaining_length_size(remaining);
    if let Some((type_byte, digits)) = out
        .get_mut(start..=length::MAX_LEN_BYTES)
        .and_then(|fixed| fixed.split_first_mut())
    {
        *type_byte = MQTT_PACKET_TYPE_CONNECT;
        length::write_digits(remaining, digits);
    }
    out.get(start..).unwrap_or_default()
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
