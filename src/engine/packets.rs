//! The packets the engine sends, in the forms the engine and the coreMQTT
//! serializer exports share: CONNECT's parameters, validated field list,
//! size and header; SUBSCRIBE/UNSUBSCRIBE's filter list, its one-pass check
//! and size, and the header writer PUBLISH uses too; PUBLISH's first byte.
//! One copy of each in a firmware image, whichever faces call it. Every
//! byte is written by [`crate::wire::raw`] and every length computed by
//! [`crate::wire`].

use crate::wire::length::{self, MAX_REMAINING_LENGTH};
use crate::wire::raw::{remaining_length_size, RawWriter};
use crate::wire::PacketType;

use super::error::Error;
use super::record::MQTTQoS;

/// The first byte of a CONNECT (MQTT 3.1.1 §3.1.1).
pub const CONNECT_TYPE_BYTE: u8 = (PacketType::Connect as u8) << 4;
/// The first byte of a PUBLISH without flags (§3.3.1).
pub const PUBLISH_TYPE_BYTE: u8 = (PacketType::Publish as u8) << 4;
/// The first byte of a SUBSCRIBE, with its fixed flags 0b0010 (§3.8.1).
pub const SUBSCRIBE_TYPE_BYTE: u8 = (PacketType::Subscribe as u8) << 4 | 0x02;
/// The first byte of an UNSUBSCRIBE, with its fixed flags 0b0010 (§3.10.1).
pub const UNSUBSCRIBE_TYPE_BYTE: u8 = (PacketType::Unsubscribe as u8) << 4 | 0x02;

/// Size of the CONNECT variable header: protocol name (6), level (1), flags
/// (1), keep alive (2) (§3.1.2).
pub(crate) const CONNECT_VARIABLE_HEADER_SIZE: usize = 10;
/// Most bytes [`connect_fixed_header`] writes: type, four length bytes and
/// the variable header.
pub const CONNECT_FIXED_HEADER_MAX_SIZE: usize = 1 + 4 + CONNECT_VARIABLE_HEADER_SIZE;
/// Most bytes [`subscription_header`](crate::coremqtt::serializer::subscription_header) writes: type, four length bytes and
/// the packet identifier.
pub const SUBSCRIPTION_HEADER_MAX_SIZE: usize = 1 + 4 + 2;
/// Protocol level of MQTT 3.1.1 (§3.1.2.2).
pub const PROTOCOL_LEVEL_3_1_1: u8 = 4;

/// PUBLISH fixed-header flag: RETAIN (§3.3.1.3).
pub const PUBLISH_FLAG_RETAIN: u8 = 0x01;
/// PUBLISH fixed-header flag: QoS 1 (§3.3.1.2).
pub const PUBLISH_FLAG_QOS1: u8 = 0x02;
/// PUBLISH fixed-header flag: QoS 2 (§3.3.1.2).
pub const PUBLISH_FLAG_QOS2: u8 = 0x04;
/// PUBLISH fixed-header flag: DUP (§3.3.1.1).
pub const PUBLISH_FLAG_DUP: u8 = 0x08;

/// CONNECT flag: Clean Session (§3.1.2.4).
pub const CONNECT_FLAG_CLEAN: u8 = 0x02;
/// CONNECT flag: a will is present (§3.1.2.5).
pub const CONNECT_FLAG_WILL: u8 = 0x04;
/// CONNECT flag: Will Retain (§3.1.2.7).
pub const CONNECT_FLAG_WILL_RETAIN: u8 = 0x20;
/// CONNECT flag: a password is present (§3.1.2.9).
pub const CONNECT_FLAG_PASSWORD: u8 = 0x40;
/// CONNECT flag: a user name is present (§3.1.2.8).
pub const CONNECT_FLAG_USERNAME: u8 = 0x80;

/// Logs an error from a cold, out-of-line function. The checks on the
/// per-message paths (PUBLISH size and validation) call this instead of
/// `log::error!` directly, so the log formatting is only set up when a check
/// fails and those functions stay small enough to inline.
#[cold]
#[inline(never)]
pub(crate) fn log_error(args: core::fmt::Arguments<'_>) {
    log::error!("{args}");
}

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
/// ([`c_connect`](crate::coremqtt::serializer::c_connect)) and the engine, the sizer and the writer all walk the one
/// field list: no field-by-field code, no copy of the caller's strings.
///
/// Both ways to build one ([`ConnectPacket::new`] and [`c_connect`](crate::coremqtt::serializer::c_connect)) refuse
/// what `MQTT_GetConnectPacketSize` refuses ([`Error::BadParameter`]): an empty
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
    /// The packet of these parameters; [`Error::BadParameter`] for an empty
    /// client identifier without clean session or a field over 65,535
    /// bytes.
    pub fn new(connect: &Connect<'a>, will: Option<&Will<'a>>) -> Result<Self, Error> {
        let flags = connect_flags(connect, will);
        if !client_id_allowed(connect.client_id, flags) {
            return Err(Error::BadParameter);
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
            return Err(Error::BadParameter);
        }
        Ok(packet)
    }

    /// The Clean Session flag.
    pub fn clean_session(&self) -> bool {
        self.flags & CONNECT_FLAG_CLEAN != 0
    }
}

/// Whether a CONNECT field (a string or the will message) of `len` bytes
/// fits its two length bytes; otherwise [`Error::BadParameter`].
#[inline(always)]
pub fn field_len_allowed(len: usize) -> bool {
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
/// v3-CodeBase); otherwise [`Error::BadParameter`].
#[inline(always)]
pub fn client_id_allowed(client_id: &[u8], flags: u8) -> bool {
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
        *type_byte = CONNECT_TYPE_BYTE;
        length::write_digits(remaining, digits);
    }
    out.get(start..).unwrap_or_default()
}

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
            Self::Subscribe => SUBSCRIBE_TYPE_BYTE,
            Self::Unsubscribe => UNSUBSCRIBE_TYPE_BYTE,
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
/// [`Error::BadParameter`]. The size check and the encoder take lists as a count
/// and this one non-generic type, so each exists once in a firmware image
/// however many faces (the C serializers, `MQTT_Subscribe`, the engine) call
/// it.
pub type SubscriptionAt<'f, 'a> = &'f dyn Fn(usize) -> Option<Subscription<'a>>;

/// [`subscription_packet_size`]'s one pass over the `count` entries `at`
/// gives, shared by every face: the remaining length, or 0 (no packet has
/// it) for a list that is [`Error::BadParameter`]. Sets `wants_qos1_or_2` when
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
    // The first invalid entry decides (all are [`Error::BadParameter`]); stopping
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

/// The first byte of a PUBLISH: type and flags (§3.3.1).
pub fn publish_type_byte(qos: MQTTQoS, retain: bool, dup: bool) -> u8 {
    let mut byte = PUBLISH_TYPE_BYTE;
    match qos {
        MQTTQoS::MQTTQoS1 => byte |= PUBLISH_FLAG_QOS1,
        MQTTQoS::MQTTQoS2 => byte |= PUBLISH_FLAG_QOS2,
        MQTTQoS::MQTTQoS0 => {}
    }
    if retain {
        byte |= PUBLISH_FLAG_RETAIN;
    }
    if dup {
        byte |= PUBLISH_FLAG_DUP;
    }
    byte
}
