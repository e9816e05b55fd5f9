//! SUBSCRIBE and UNSUBSCRIBE (MQTT 3.1.1 3.8, 3.10) as coreMQTT sizes and writes them.

use super::*;

/// Remaining length and total size of a SUBSCRIBE or UNSUBSCRIBE
/// (`MQTT_GetSubscribePacketSize`, `MQTT_GetUnsubscribePacketSize`). No
/// filters, an empty filter, a filter over 65535 bytes or a packet over the
/// MQTT limit is `MQTTBadParameter`.
pub fn subscription_packet_size<'a>(
    subscriptions: &[Subscription<'a>],
    kind: SubscriptionKind,
) -> Result<(usize, usize), MQTTStatus> {
    let at = |i: usize| subscriptions.get(i).copied();
    match checked_subscription_size(subscriptions.len(), &at, kind, &mut false) {
        0 => Err(MQTTBadParameter),
        remaining => Ok((remaining, packet_size_of(remaining))),
    }
}

/// Whole size of a packet of `remaining` bytes after its header, for a
/// `remaining` within the MQTT limit (so never `None` below): through the
/// out-of-line [`packet_size`] the other serializers call too.
pub(crate) fn packet_size_of(remaining: usize) -> usize {
    packet_size(remaining).unwrap_or(usize::MAX)
}

/// Writes the type byte, remaining length and packet identifier of a
/// SUBSCRIBE or UNSUBSCRIBE (`MQTT_SerializeSubscribeHeader`,
/// `MQTT_SerializeUnsubscribeHeader`); at most
/// [`SUBSCRIPTION_HEADER_MAX_SIZE`] bytes. Returns the count.
// A forwarding wrapper: inlined, so every caller calls `header_with_u16`.
#[inline(always)]
pub fn subscription_header(
    out: &mut [u8],
    kind: SubscriptionKind,
    remaining_length: usize,
    packet_id: u16,
) -> Result<usize, MQTTStatus> {
    header_result(
        header_with_u16(out, kind.type_byte(), remaining_length, packet_id),
        remaining_length,
    )
}

/// [`header_with_u16`]'s count as a `Result`: 0 is `MQTTBadParameter` for
/// a remaining length over the limit and `MQTTNoMemory` otherwise (the
/// statuses the writer's two refusals map to).
#[inline(always)]
pub(crate) fn header_result(written: usize, remaining_length: usize) -> Result<usize, MQTTStatus> {
    match written {
        0 if remaining_length > MAX_REMAINING_LENGTH => Err(MQTTBadParameter),
        0 => Err(MQTTNoMemory),
        written => Ok(written),
    }
}

/// Writes a whole SUBSCRIBE or UNSUBSCRIBE and returns its size. Packet
/// identifier 0 is `MQTTBadParameter`; a buffer smaller than the packet is
/// `MQTTNoMemory`.
pub fn serialize_subscription(
    out: &mut [u8],
    kind: SubscriptionKind,
    subscriptions: &[Subscription<'_>],
    packet_id: u16,
) -> Result<usize, MQTTStatus> {
    if packet_id == 0 {
        return Err(MQTTBadParameter);
    }
    let (remaining, size) = subscription_packet_size(subscriptions, kind)?;
    if size > out.len() {
        return Err(MQTTNoMemory);
    }
    let at = |i: usize| subscriptions.get(i).copied();
    write_subscription(out, kind, subscriptions.len(), &at, packet_id, remaining)
}

/// Writes a SUBSCRIBE or UNSUBSCRIBE whose remaining length
/// [`checked_subscription_size`] gave for these subscriptions (so its checks
/// have passed), without computing it again, into an `out` the caller
/// checked it fits (only the header's writes are checked here). The
/// entries are those the size was computed from, so none is `None` (one
/// would be `MQTTBadParameter`).
pub(crate) fn write_subscription(
    out: &mut [u8],
    kind: SubscriptionKind,
    count: usize,
    at: SubscriptionAt<'_, '_>,
    packet_id: u16,
    remaining: usize,
) -> Result<usize, MQTTStatus> {
    let header = subscription_header(out, kind, remaining, packet_id)?;
    let mut w = RawWriter::new(out.get_mut(header..).ok_or(MQTTNoMemory)?);
    // Every caller checked that the packet `remaining` gives fits `out`,
    // so the filters' writes cannot run out of room: their results are not
    // looked at one by one (a branch each).
    for i in 0..count {
        let subscription = at(i).ok_or(MQTTBadParameter)?;
        let _ = w.field(subscription.filter);
        if kind == SubscriptionKind::Subscribe {
            let _ = w.byte(subscription.qos as u8);
        }
    }
    Ok(header + w.position())
}
