//! SUBSCRIBE and UNSUBSCRIBE (MQTT 3.1.1 3.8, 3.10) as coreMQTT sizes and writes them.

use super::*;

/// SUBSCRIBE or UNSUBSCRIBE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubscriptionKind {
    /// SUBSCRIBE: each filter is followed by its requested QoS byte.
    Subscribe,
    /// UNSUBSCRIBE: filters only.
    Unsubscribe,
}

impl SubscriptionKind {
    /// The first byte of the packet.
    pub(crate) fn type_byte(self) -> u8 {
        match self {
            Self::Subscribe => MQTT_PACKET_TYPE_SUBSCRIBE,
            Self::Unsubscribe => MQTT_PACKET_TYPE_UNSUBSCRIBE,
        }
    }
}

/// One topic filter of a SUBSCRIBE or UNSUBSCRIBE.
#[derive(Clone, Copy, Debug)]
pub struct Subscription<'a> {
    /// Requested QoS (ignored for UNSUBSCRIBE).
    pub qos: MQTTQoS,
    /// Topic filter; must not be empty.
    pub filter: &'a [u8],
}

/// Entry `i` of a SUBSCRIBE or UNSUBSCRIBE's list: `None` is an entry the C
/// face could not read (a NULL filter or an invalid QoS), which is
/// `MQTTBadParameter`. The size check and the encoder take lists as a count
/// and this one non-generic type, so each exists once in a firmware image
/// however many faces (the C serializers, `MQTT_Subscribe`, the engine) call
/// it.
pub type SubscriptionAt<'f, 'a> = &'f dyn Fn(usize) -> Option<Subscription<'a>>;

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

/// [`subscription_packet_size`]'s one pass over the `count` entries `at`
/// gives, shared by every face: the remaining length, or 0 (no packet has
/// it) for a list that is `MQTTBadParameter`. Sets `wants_qos1_or_2` when
/// some entry of a SUBSCRIBE asks for QoS 1 or 2 (it then needs incoming
/// records; an UNSUBSCRIBE's QoS fields mean nothing).
/// Returns a bare number rather than a `Result` so the answer comes back in
/// a register: this is on `MQTT_Subscribe`'s path in the smallest firmware.
pub(crate) fn checked_subscription_size(
    count: usize,
    at: SubscriptionAt<'_, '_>,
    kind: SubscriptionKind,
    wants_qos1_or_2: &mut bool,
) -> usize {
    let per_filter_extra = match kind {
        SubscriptionKind::Subscribe => 3,
        SubscriptionKind::Unsubscribe => 2,
    };
    if count == 0 {
        return 0;
    }
    let mut remaining: usize = 2;
    // The first invalid entry decides (all are `MQTTBadParameter`); stopping
    // as soon as the packet is over the MQTT limit also keeps the sum far
    // from overflowing.
    for i in 0..count {
        let Some(subscription) = at(i) else {
            log_error(format_args!(
                "subscription #{i} has a NULL topic filter or an invalid QoS"
            ));
            return 0;
        };
        let length = subscription.filter.len();
        if length == 0 || length > usize::from(u16::MAX) {
            log_error(format_args!(
                "subscription #{i} has an empty or oversized topic filter"
            ));
            return 0;
        }
        *wants_qos1_or_2 |=
            kind == SubscriptionKind::Subscribe && subscription.qos != MQTTQoS::MQTTQoS0;
        remaining += length + per_filter_extra;
        if remaining > MAX_REMAINING_LENGTH {
            log_error(format_args!(
                "subscription packet of over {MAX_REMAINING_LENGTH} bytes exceeds the MQTT limit"
            ));
            return 0;
        }
    }
    remaining
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

/// Writes a first byte, a remaining length and a two-byte number: the
/// start of a SUBSCRIBE or UNSUBSCRIBE (the number is the packet
/// identifier) and of a PUBLISH without its topic (the topic's length),
/// one copy for both. Returns the count, or 0 (no header has that size)
/// when the remaining length is over the limit or `out` is too short
/// ([`header_result`] tells which): a bare number comes back in a
/// register, where a `Result` goes through memory at every caller.
pub(crate) fn header_with_u16(
    out: &mut [u8],
    first_byte: u8,
    remaining_length: usize,
    value: u16,
) -> usize {
    let mut w = RawWriter::new(out);
    match w
        .fixed_header(first_byte, remaining_length)
        .and_then(|()| w.u16(value))
    {
        Ok(()) => w.position(),
        Err(_) => 0,
    }
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
