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

/// Remaining length and total size of a CONNECT
/// (`MQTT_GetConnectPacketSize`). An empty client identifier without clean
/// session, a will message over 65535 bytes or any string over 65535 bytes
/// is `MQTTBadParameter`.
pub fn connect_packet_size(
    connect: &Connect<'_>,
    will: Option<&Will<'_>>,
) -> Result<(usize, usize), MQTTStatus> {
    let too_long = |s: &[u8]| s.len() > usize::from(u16::MAX);
    if connect.client_id.is_empty() && !connect.clean_session {
        log_error(format_args!(
            "CONNECT: a zero-length client identifier requires clean session"
        ));
        return Err(MQTTBadParameter);
    }
    if will.is_some_and(|w| too_long(w.payload) || too_long(w.topic))
        || too_long(connect.client_id)
        || connect.user_name.is_some_and(too_long)
        || connect.password.is_some_and(too_long)
    {
        log_error(format_args!(
            "CONNECT: a string or the will message exceeds 65535 bytes"
        ));
        return Err(MQTTBadParameter);
    }
    // Each field is at most 65535 + 2 bytes, so the sum stays far below
    // MAX_REMAINING_LENGTH: no overflow is possible.
    let mut remaining = CONNECT_VARIABLE_HEADER_SIZE + 2 + connect.client_id.len();
    if let Some(will) = will {
        remaining += 2 + will.topic.len() + 2 + will.payload.len();
    }
    if let Some(user_name) = connect.user_name {
        remaining += 2 + user_name.len();
    }
    if let Some(password) = connect.password {
        remaining += 2 + password.len();
    }
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
        flags |= CONNECT_FLAG_WILL;
        match will.qos {
            MQTTQoS::MQTTQoS1 => flags |= CONNECT_FLAG_WILL_QOS1,
            MQTTQoS::MQTTQoS2 => flags |= CONNECT_FLAG_WILL_QOS2,
            MQTTQoS::MQTTQoS0 => {}
        }
        if will.retain {
            flags |= CONNECT_FLAG_WILL_RETAIN;
        }
    }
    flags
}

/// Writes the start of a CONNECT: type byte, remaining length, protocol
/// name "MQTT", level 4, flags and keep alive (`MQTT_SerializeConnectFixedHeader`).
/// At most [`CONNECT_FIXED_HEADER_MAX_SIZE`] bytes; returns the count.
pub fn connect_fixed_header(
    out: &mut [u8],
    connect: &Connect<'_>,
    will: Option<&Will<'_>>,
    remaining_length: usize,
) -> Result<usize, MQTTStatus> {
    let mut w = RawWriter::new(out);
    w.fixed_header(MQTT_PACKET_TYPE_CONNECT, remaining_length)?;
    // The variable header in one piece: protocol name "MQTT" as a field,
    // level, flags and keep alive (§3.1.2).
    let [keep_alive_high, keep_alive_low] = connect.keep_alive_seconds.to_be_bytes();
    w.bytes(&[
        0,
        4,
        b'M',
        b'Q',
        b'T',
        b'T',
        PROTOCOL_LEVEL_3_1_1,
        connect_flags(connect, will),
        keep_alive_high,
        keep_alive_low,
    ])?;
    Ok(w.position())
}

/// Writes a whole CONNECT (`MQTT_SerializeConnect`) and returns its size.
/// The payload order is client identifier, will topic, will message, user
/// name, password (§3.1.3).
pub fn serialize_connect(
    out: &mut [u8],
    connect: &Connect<'_>,
    will: Option<&Will<'_>>,
) -> Result<usize, MQTTStatus> {
    let (remaining, size) = connect_packet_size(connect, will)?;
    if size > out.len() {
        return Err(MQTTNoMemory);
    }
    write_connect(out, connect, will, remaining)
}

/// Writes a CONNECT whose remaining length `connect_packet_size` gave for
/// these parameters (so its checks have passed), without computing it again;
/// `MQTTNoMemory` if `out` is too small.
pub(crate) fn write_connect(
    out: &mut [u8],
    connect: &Connect<'_>,
    will: Option<&Will<'_>>,
    remaining: usize,
) -> Result<usize, MQTTStatus> {
    let header = connect_fixed_header(out, connect, will, remaining)?;
    let mut w = RawWriter::new(out.get_mut(header..).ok_or(MQTTNoMemory)?);
    w.field(connect.client_id)?;
    if let Some(will) = will {
        w.field(will.topic)?;
        w.field(will.payload)?;
    }
    if let Some(user_name) = connect.user_name {
        w.field(user_name)?;
    }
    if let Some(password) = connect.password {
        w.field(password)?;
    }
    Ok(header + w.position())
}
