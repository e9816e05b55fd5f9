//! PUBLISH (MQTT 3.1.1 3.3) as coreMQTT sizes and writes it.

use super::*;

/// The header fields of an outgoing PUBLISH.
#[derive(Clone, Copy, Debug)]
pub struct PublishHeader<'a> {
    /// QoS.
    pub qos: MQTTQoS,
    /// Retain flag.
    pub retain: bool,
    /// DUP flag; only allowed with QoS 1 or 2.
    pub dup: bool,
    /// Topic name; must not be empty.
    pub topic: &'a [u8],
}

/// Remaining length and total size of a PUBLISH (`MQTT_GetPublishPacketSize`).
/// An empty or oversized topic is `MQTTBadParameter`; so is a payload
/// that makes the whole packet (not only its remaining length) exceed
/// 268435455 bytes, which is the limit coreMQTT applies.
#[inline]
pub fn publish_packet_size(
    qos: MQTTQoS,
    topic_length: usize,
    payload_length: usize,
) -> Result<(usize, usize), MQTTStatus> {
    if topic_length == 0 || topic_length > usize::from(u16::MAX) {
        log_error(format_args!(
            "PUBLISH: invalid topic name length {topic_length}"
        ));
        return Err(MQTTBadParameter);
    }
    let mut header = 2 + topic_length;
    if qos != MQTTQoS::MQTTQoS0 {
        header += 2;
    }
    // coreMQTT's limit is on the whole packet: type byte, length encoding
    // and remaining length together at most MAX_REMAINING_LENGTH.
    let remaining = header.saturating_add(payload_length);
    // `None` (an overflow) is over the limit too.
    let size = packet_size(remaining).unwrap_or(usize::MAX);
    if size > MAX_REMAINING_LENGTH {
        log_error(format_args!(
            "PUBLISH: payload of {payload_length} bytes exceeds the MQTT limit"
        ));
        return Err(MQTTBadParameter);
    }
    Ok((remaining, size))
}

/// Checks the PUBLISH rules coreMQTT applies before serializing: a topic,
/// a packet identifier for QoS 1/2, and no DUP on QoS 0.
#[inline]
pub(crate) fn check_publish(header: &PublishHeader<'_>, packet_id: u16) -> Result<(), MQTTStatus> {
    if header.topic.is_empty() {
        log_error(format_args!("PUBLISH: the topic name must not be empty"));
        Err(MQTTBadParameter)
    } else if header.qos != MQTTQoS::MQTTQoS0 && packet_id == 0 {
        log_error(format_args!(
            "PUBLISH: packet identifier 0 with QoS {}",
            header.qos as u32
        ));
        Err(MQTTBadParameter)
    } else if header.dup && header.qos == MQTTQoS::MQTTQoS0 {
        log_error(format_args!("PUBLISH: DUP set on a QoS 0 publish"));
        Err(MQTTBadParameter)
    } else {
        Ok(())
    }
}

/// Writes type byte, remaining length and the topic's two length bytes, but
/// not the topic itself (`MQTT_SerializePublishHeaderWithoutTopic`), so the
/// topic can be sent from the caller's memory. At most
/// [`PUBLISH_HEADER_WITHOUT_TOPIC_MAX_SIZE`] bytes; returns the count.
pub fn serialize_publish_header_without_topic(
    out: &mut [u8],
    qos: MQTTQoS,
    retain: bool,
    dup: bool,
    topic_length: u16,
    remaining_length: usize,
) -> Result<usize, MQTTStatus> {
    header_result(
        header_with_u16(
            out,
            publish_type_byte(qos, retain, dup),
            remaining_length,
            topic_length,
        ),
        remaining_length,
    )
}

/// Writes everything of a PUBLISH but the payload: fixed header, topic and,
/// for QoS 1/2, the packet identifier (`MQTT_SerializePublishHeader`).
/// The remaining length is computed from the header and `payload_length`
/// (see [`publish_packet_size`]). Returns the header size.
pub fn serialize_publish_header(
    out: &mut [u8],
    header: &PublishHeader<'_>,
    packet_id: u16,
    payload_length: usize,
) -> Result<usize, MQTTStatus> {
    check_publish(header, packet_id)?;
    let (remaining, size) = publish_packet_size(header.qos, header.topic.len(), payload_length)?;
    if size - payload_length > out.len() {
        return Err(MQTTNoMemory);
    }
    write_publish(out, header, packet_id, remaining, &[])
}

/// Writes a whole PUBLISH (`MQTT_SerializePublish`) and returns its size.
pub fn serialize_publish(
    out: &mut [u8],
    header: &PublishHeader<'_>,
    packet_id: u16,
    payload: &[u8],
) -> Result<usize, MQTTStatus> {
    check_publish(header, packet_id)?;
    let (remaining, size) = publish_packet_size(header.qos, header.topic.len(), payload.len())?;
    if size > out.len() {
        return Err(MQTTNoMemory);
    }
    write_publish(out, header, packet_id, remaining, payload)
}

/// Writes fixed header, topic, packet identifier (QoS 1/2) and `payload`
/// (empty for a header only) once the parameters are validated and
/// `remaining` is known, so the size is computed once per packet. Every
/// caller has checked that `remaining` is the one these fields give and
/// that the packet (without the payload for a header only) fits `out`, so
/// only the fixed header's result is looked at; the returned position is
/// how far the writes got.
#[inline]
pub(crate) fn write_publish(
    out: &mut [u8],
    header: &PublishHeader<'_>,
    packet_id: u16,
    remaining: usize,
    payload: &[u8],
) -> Result<usize, MQTTStatus> {
    if remaining > MAX_REMAINING_LENGTH {
        return Err(MQTTBadParameter);
    }
    let mut w = RawWriter::new(out);
    w.fixed_header(
        publish_type_byte(header.qos, header.retain, header.dup),
        remaining,
    )?;
    // Every caller checked that the whole packet fits `out` before calling,
    // so the writes after the header cannot run out of room: their results
    // are not looked at one by one (a branch each); the position written
    // to tells the caller how far they got.
    let _ = w.field(header.topic);
    if header.qos != MQTTQoS::MQTTQoS0 {
        let _ = w.u16(packet_id);
    }
    let _ = w.bytes(payload);
    Ok(w.position())
}
