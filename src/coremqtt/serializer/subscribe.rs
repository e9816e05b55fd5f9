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
    fn type_byte(self) -> u8 {
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

/// Remaining length and total size of a SUBSCRIBE or UNSUBSCRIBE
/// (`MQTT_GetSubscribePacketSize`, `MQTT_GetUnsubscribePacketSize`). No
/// filters, an empty filter, a filter over 65535 bytes or a packet over the
/// MQTT limit is `MQTTBadParameter`.
pub fn subscription_packet_size<'a>(
    subscriptions: impl IntoIterator<Item = Subscription<'a>>,
    kind: SubscriptionKind,
) -> Result<(usize, usize), MQTTStatus> {
    checked_subscription_size(subscriptions.into_iter().map(Some), kind)
}

/// [`subscription_packet_size`] over entries that may have failed to read
/// (`None`: a NULL filter or an invalid QoS in the C list), which are
/// `MQTTBadParameter` like the other invalid entries: the C face reads,
/// checks and sizes its list in one pass.
pub(crate) fn checked_subscription_size<'a>(
    subscriptions: impl IntoIterator<Item = Option<Subscription<'a>>>,
    kind: SubscriptionKind,
) -> Result<(usize, usize), MQTTStatus> {
    let per_filter_extra = match kind {
        SubscriptionKind::Subscribe => 3,
        SubscriptionKind::Unsubscribe => 2,
    };
    let mut remaining: usize = 2;
    let mut count = 0usize;
    let mut valid = true;
    for subscription in subscriptions {
        count += 1;
        let Some(subscription) = subscription else {
            log_error(format_args!(
                "subscription #{} has a NULL topic filter or an invalid QoS",
                count - 1
            ));
            valid = false;
            continue;
        };
        let length = subscription.filter.len();
        if length == 0 || length > usize::from(u16::MAX) {
            log_error(format_args!(
                "subscription #{} has an empty or oversized topic filter",
                count - 1
            ));
            valid = false;
        }
        remaining = remaining
            .saturating_add(length)
            .saturating_add(per_filter_extra);
    }
    if count == 0 || !valid {
        return Err(MQTTBadParameter);
    }
    if remaining > MAX_REMAINING_LENGTH {
        log_error(format_args!(
            "subscription packet of {remaining} bytes exceeds the MQTT limit"
        ));
        return Err(MQTTBadParameter);
    }
    Ok((remaining, remaining + 1 + remaining_length_size(remaining)))
}

/// Writes the type byte, remaining length and packet identifier of a
/// SUBSCRIBE or UNSUBSCRIBE (`MQTT_SerializeSubscribeHeader`,
/// `MQTT_SerializeUnsubscribeHeader`); at most
/// [`SUBSCRIPTION_HEADER_MAX_SIZE`] bytes. Returns the count.
pub fn subscription_header(
    out: &mut [u8],
    kind: SubscriptionKind,
    remaining_length: usize,
    packet_id: u16,
) -> Result<usize, MQTTStatus> {
    let mut w = RawWriter::new(out);
    w.fixed_header(kind.type_byte(), remaining_length)?;
    w.u16(packet_id)?;
    Ok(w.position())
}

/// Writes a whole SUBSCRIBE or UNSUBSCRIBE and returns its size. Packet
/// identifier 0 is `MQTTBadParameter`; a buffer smaller than the packet is
/// `MQTTNoMemory`.
pub fn serialize_subscription<'a, I>(
    out: &mut [u8],
    kind: SubscriptionKind,
    subscriptions: I,
    packet_id: u16,
) -> Result<usize, MQTTStatus>
where
    I: IntoIterator<Item = Subscription<'a>>,
    I::IntoIter: Clone,
{
    let subscriptions = subscriptions.into_iter();
    if packet_id == 0 {
        return Err(MQTTBadParameter);
    }
    let (remaining, size) = subscription_packet_size(subscriptions.clone(), kind)?;
    if size > out.len() {
        return Err(MQTTNoMemory);
    }
    write_subscription(out, kind, subscriptions.map(Some), packet_id, remaining)
}

/// Writes a SUBSCRIBE or UNSUBSCRIBE whose remaining length
/// `subscription_packet_size` gave for these subscriptions (so its checks
/// have passed), without computing it again; `MQTTNoMemory` if `out` is too
/// small. The entries are those the size was computed from, so none is
/// `None` (one would be `MQTTBadParameter`).
pub(crate) fn write_subscription<'a>(
    out: &mut [u8],
    kind: SubscriptionKind,
    subscriptions: impl Iterator<Item = Option<Subscription<'a>>>,
    packet_id: u16,
    remaining: usize,
) -> Result<usize, MQTTStatus> {
    let header = subscription_header(out, kind, remaining, packet_id)?;
    let mut w = RawWriter::new(out.get_mut(header..).ok_or(MQTTNoMemory)?);
    for subscription in subscriptions {
        let subscription = subscription.ok_or(MQTTBadParameter)?;
        w.field(subscription.filter)?;
        if kind == SubscriptionKind::Subscribe {
            w.byte(subscription.qos as u8)?;
        }
    }
    Ok(header + w.position())
}
