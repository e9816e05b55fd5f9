//! `core_mqtt_serializer.h`: coreMQTT's stateless MQTT 3.1.1 packet
//! serializer and deserializer.
//!
//! The first half of this file is safe Rust working on byte slices: packet
//! size calculations, encoders that write into a caller's buffer and return
//! how many bytes they wrote, and decoders that return views into the
//! received bytes. They reproduce coreMQTT's byte layout and its choice of
//! status codes (which check yields `MQTTBadParameter`, which
//! `MQTTNoMemory`, which `MQTTBadResponse`), and the engine uses them
//! directly, e.g. to build a PUBLISH header in a small stack buffer and send
//! header, topic and payload as separate vectors.
//!
//! The second half is the `extern "C"` API. Each function reads the C structs
//! (checking every pointer and enum integer), calls the safe code and writes
//! the results back. Where coreMQTT trusts the caller (a `remainingLength`
//! that must come from the matching `MQTT_Get*PacketSize`), this
//! implementation recomputes the real size and refuses a mismatch with
//! `MQTTBadParameter` instead of writing past the buffer.
//!
//! Deliberate differences from coreMQTT, all on paths where coreMQTT would
//! assert, read through NULL or write out of bounds:
//! - a NULL string or payload pointer with a nonzero length, an enum integer
//!   out of range (QoS 3) and a `remainingLength` that does not match the
//!   parameters are `MQTTBadParameter`;
//! - the header writers without a buffer size (`MQTT_SerializeConnectFixedHeader`,
//!   `MQTT_Serialize(Un)SubscribeHeader`) return NULL for NULL arguments;
//! - a SUBACK with packet identifier 0 is `MQTTBadResponse` (MQTT-2.3.1-1),
//!   like every other acknowledgement;
//! - a received remaining length above 268435455 is `MQTTBadResponse`.

use core::ffi::{c_char, c_void};

use super::serializer_types::{
    MQTTConnectInfo_t, MQTTFixedBuffer_t, MQTTPacketInfo_t, MQTTPublishInfo_t, MQTTQoS, MQTTQoSRaw,
    MQTTStatus, MQTTStatus_t, MQTTSubscribeInfo_t, MQTT_PACKET_TYPE_CONNACK,
    MQTT_PACKET_TYPE_CONNECT, MQTT_PACKET_TYPE_DISCONNECT, MQTT_PACKET_TYPE_PINGREQ,
    MQTT_PACKET_TYPE_PINGRESP, MQTT_PACKET_TYPE_PUBACK, MQTT_PACKET_TYPE_PUBCOMP,
    MQTT_PACKET_TYPE_PUBLISH, MQTT_PACKET_TYPE_PUBREC, MQTT_PACKET_TYPE_PUBREL,
    MQTT_PACKET_TYPE_SUBACK, MQTT_PACKET_TYPE_SUBSCRIBE, MQTT_PACKET_TYPE_UNSUBACK,
    MQTT_PACKET_TYPE_UNSUBSCRIBE, MQTT_PUBLISH_ACK_PACKET_SIZE,
};
use super::transport_interface::{NetworkContext_t, TransportRecv_t};
use crate::ffi::guard;
use crate::wire::{ack, length, PublishParts};

use MQTTStatus::{
    MQTTBadParameter, MQTTBadResponse, MQTTNeedMoreBytes, MQTTNoDataAvailable, MQTTNoMemory,
    MQTTRecvFailed, MQTTServerRefused, MQTTSuccess,
};

/// Logs an error from a cold, out-of-line function. The checks on the
/// per-message paths (PUBLISH size and validation) call this instead of
/// `log::error!` directly, so the log formatting is only set up when a check
/// fails and those functions stay small enough to inline.
#[cold]
#[inline(never)]
fn log_error(args: core::fmt::Arguments<'_>) {
    log::error!("{args}");
}

// ---------------------------------------------------------------------------
// Wire primitives (MQTT 3.1.1 §1.5, §2.2.3)
// ---------------------------------------------------------------------------

/// Largest remaining length the four-byte encoding can carry (§2.2.3).
pub const MAX_REMAINING_LENGTH: usize = length::MAX_REMAINING_LENGTH;
/// Size of the CONNECT variable header: protocol name (6), level (1), flags
/// (1), keep alive (2) (§3.1.2).
const CONNECT_VARIABLE_HEADER_SIZE: usize = 10;
/// Most bytes [`connect_fixed_header`] writes: type, four length bytes and
/// the variable header.
pub const CONNECT_FIXED_HEADER_MAX_SIZE: usize = 1 + 4 + CONNECT_VARIABLE_HEADER_SIZE;
/// Most bytes [`serialize_publish_header_without_topic`] writes: type, four
/// length bytes and the topic length.
pub const PUBLISH_HEADER_WITHOUT_TOPIC_MAX_SIZE: usize = 1 + 4 + 2;
/// Most bytes [`subscription_header`] writes: type, four length bytes and
/// the packet identifier.
pub const SUBSCRIPTION_HEADER_MAX_SIZE: usize = 1 + 4 + 2;
/// DISCONNECT and PINGREQ are two bytes: type and a zero remaining length.
pub const EMPTY_PACKET_SIZE: usize = 2;
/// Protocol level of MQTT 3.1.1 (§3.1.2.2).
const PROTOCOL_LEVEL_3_1_1: u8 = 4;

/// PUBLISH fixed-header flag bits (§3.3.1).
const PUBLISH_FLAG_RETAIN: u8 = 0x01;
const PUBLISH_FLAG_QOS1: u8 = 0x02;
const PUBLISH_FLAG_QOS2: u8 = 0x04;
const PUBLISH_FLAG_DUP: u8 = 0x08;

/// CONNECT flag bits (§3.1.2.3).
const CONNECT_FLAG_CLEAN: u8 = 0x02;
const CONNECT_FLAG_WILL: u8 = 0x04;
const CONNECT_FLAG_WILL_QOS1: u8 = 0x08;
const CONNECT_FLAG_WILL_QOS2: u8 = 0x10;
const CONNECT_FLAG_WILL_RETAIN: u8 = 0x20;
const CONNECT_FLAG_PASSWORD: u8 = 0x40;
const CONNECT_FLAG_USERNAME: u8 = 0x80;

/// How many bytes the remaining-length encoding of `length` takes (§2.2.3).
/// Lengths above [`MAX_REMAINING_LENGTH`] count as 4, as in coreMQTT.
pub fn remaining_length_size(length: usize) -> usize {
    length::encoded_len(length)
}

/// Size of a whole packet whose remaining length is `remaining_length`:
/// type byte, length encoding, body. `None` on arithmetic overflow.
pub fn packet_size(remaining_length: usize) -> Option<usize> {
    remaining_length.checked_add(1 + remaining_length_size(remaining_length))
}

/// Sequential writer over a caller's buffer. Running out of room is
/// `MQTTNoMemory`, never a panic.
pub struct Writer<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl<'a> Writer<'a> {
    /// A writer starting at the beginning of `buf`.
    pub fn new(buf: &'a mut [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// Bytes written so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Appends `bytes`.
    pub fn bytes(&mut self, bytes: &[u8]) -> Result<(), MQTTStatus> {
        let end = self.pos.checked_add(bytes.len()).ok_or(MQTTNoMemory)?;
        let target = self.buf.get_mut(self.pos..end).ok_or(MQTTNoMemory)?;
        target.copy_from_slice(bytes);
        self.pos = end;
        Ok(())
    }

    /// Appends one byte.
    pub fn byte(&mut self, value: u8) -> Result<(), MQTTStatus> {
        self.bytes(&[value])
    }

    /// Appends a big-endian two-byte integer (§1.5.2).
    pub fn u16(&mut self, value: u16) -> Result<(), MQTTStatus> {
        self.bytes(&value.to_be_bytes())
    }

    /// Appends a length-prefixed string (§1.5.3). Longer than 65535 bytes is
    /// `MQTTBadParameter`.
    pub fn string(&mut self, value: &[u8]) -> Result<(), MQTTStatus> {
        let length = u16::try_from(value.len()).map_err(|_| MQTTBadParameter)?;
        self.u16(length)?;
        self.bytes(value)
    }

    /// Appends a remaining length in the variable-length encoding (§2.2.3).
    /// Above [`MAX_REMAINING_LENGTH`] is `MQTTBadParameter`.
    pub fn remaining_length(&mut self, value: usize) -> Result<(), MQTTStatus> {
        let mut digits = [0u8; length::MAX_LEN_BYTES];
        let used = length::encode(value, &mut digits).map_err(|_| MQTTBadParameter)?;
        self.bytes(digits.get(..used).unwrap_or_default())
    }
}

/// Reads the big-endian two-byte integer at `at`.
fn read_u16(bytes: &[u8], at: usize) -> Option<u16> {
    let pair = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([pair[0], pair[1]]))
}

/// Whether `type_byte` (with its flags) may arrive at a client: every
/// server-to-client packet, and PUBREL only with its mandatory flag bit 1
/// (coreMQTT checks only that bit; the other flags are ignored, §2.2.2).
pub fn incoming_packet_valid(type_byte: u8) -> bool {
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

// ---------------------------------------------------------------------------
// CONNECT (§3.1)
// ---------------------------------------------------------------------------

/// CONNECT parameters as borrowed bytes.
#[derive(Clone, Copy, Debug)]
pub struct Connect<'a> {
    /// Clean Session flag.
    pub clean_session: bool,
    /// Keep-alive interval in seconds.
    pub keep_alive_seconds: u16,
    /// Client identifier; must not be empty (coreMQTT refuses it).
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
/// (`MQTT_GetConnectPacketSize`). An empty client identifier, a will
/// message over 65535 bytes or any string over 65535 bytes is
/// `MQTTBadParameter`.
pub fn connect_packet_size(
    connect: &Connect<'_>,
    will: Option<&Will<'_>>,
) -> Result<(usize, usize), MQTTStatus> {
    let too_long = |s: &[u8]| s.len() > usize::from(u16::MAX);
    if connect.client_id.is_empty() {
        log_error(format_args!("CONNECT: the client identifier must be set"));
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
    let mut w = Writer::new(out);
    w.byte(MQTT_PACKET_TYPE_CONNECT)?;
    w.remaining_length(remaining_length)?;
    w.string(b"MQTT")?;
    w.byte(PROTOCOL_LEVEL_3_1_1)?;
    w.byte(connect_flags(connect, will))?;
    w.u16(connect.keep_alive_seconds)?;
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
    let header = connect_fixed_header(out, connect, will, remaining)?;
    let mut w = Writer::new(out.get_mut(header..).ok_or(MQTTNoMemory)?);
    w.string(connect.client_id)?;
    if let Some(will) = will {
        w.string(will.topic)?;
        w.string(will.payload)?;
    }
    if let Some(user_name) = connect.user_name {
        w.string(user_name)?;
    }
    if let Some(password) = connect.password {
        w.string(password)?;
    }
    Ok(header + w.position())
}

// ---------------------------------------------------------------------------
// SUBSCRIBE and UNSUBSCRIBE (§3.8, §3.10)
// ---------------------------------------------------------------------------

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
    let per_filter_extra = match kind {
        SubscriptionKind::Subscribe => 3,
        SubscriptionKind::Unsubscribe => 2,
    };
    let mut remaining: usize = 2;
    let mut count = 0usize;
    let mut valid = true;
    for subscription in subscriptions {
        count += 1;
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
    let mut w = Writer::new(out);
    w.byte(kind.type_byte())?;
    w.remaining_length(remaining_length)?;
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
    let header = subscription_header(out, kind, remaining, packet_id)?;
    let mut w = Writer::new(out.get_mut(header..).ok_or(MQTTNoMemory)?);
    for subscription in subscriptions {
        w.string(subscription.filter)?;
        if kind == SubscriptionKind::Subscribe {
            w.byte(subscription.qos as u8)?;
        }
    }
    Ok(header + w.position())
}

// ---------------------------------------------------------------------------
// PUBLISH (§3.3)
// ---------------------------------------------------------------------------

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

/// The first byte of a PUBLISH: type and flags (§3.3.1).
pub fn publish_type_byte(qos: MQTTQoS, retain: bool, dup: bool) -> u8 {
    let mut byte = MQTT_PACKET_TYPE_PUBLISH;
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
    // The payload limit leaves room for the type byte and the length
    // encoding, first assuming one length byte, then the real count.
    let first_limit = MAX_REMAINING_LENGTH - header - 1;
    if payload_length > first_limit {
        return Err(MQTTBadParameter);
    }
    let remaining = header + payload_length;
    if payload_length > first_limit - remaining_length_size(remaining) {
        log_error(format_args!(
            "PUBLISH: payload of {payload_length} bytes exceeds the MQTT limit"
        ));
        return Err(MQTTBadParameter);
    }
    Ok((remaining, remaining + 1 + remaining_length_size(remaining)))
}

/// Checks the PUBLISH rules coreMQTT applies before serializing: a topic,
/// a packet identifier for QoS 1/2, and no DUP on QoS 0.
#[inline]
fn check_publish(header: &PublishHeader<'_>, packet_id: u16) -> Result<(), MQTTStatus> {
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
    let mut w = Writer::new(out);
    w.byte(publish_type_byte(qos, retain, dup))?;
    w.remaining_length(remaining_length)?;
    w.u16(topic_length)?;
    Ok(w.position())
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
/// `remaining` is known, so the size is computed once per packet. The
/// output is cut to the exact packet length first (a buffer that is too
/// small is `MQTTNoMemory`), so every piece below lands in a slice of known
/// size: no per-byte bounds checks, one copy each for topic and payload.
#[inline]
fn write_publish(
    out: &mut [u8],
    header: &PublishHeader<'_>,
    packet_id: u16,
    remaining: usize,
    payload: &[u8],
) -> Result<usize, MQTTStatus> {
    let topic_length = u16::try_from(header.topic.len()).map_err(|_| MQTTBadParameter)?;
    if remaining > MAX_REMAINING_LENGTH {
        return Err(MQTTBadParameter);
    }
    let fixed_length = 1 + remaining_length_size(remaining);
    let id_length = if header.qos == MQTTQoS::MQTTQoS0 {
        0
    } else {
        2
    };
    let total = (fixed_length + 2 + header.topic.len() + id_length)
        .checked_add(payload.len())
        .ok_or(MQTTBadParameter)?;
    let out = out.get_mut(..total).ok_or(MQTTNoMemory)?;
    let (head, rest) = out.split_at_mut_checked(fixed_length).ok_or(MQTTNoMemory)?;
    encode_fixed_header(
        head,
        publish_type_byte(header.qos, header.retain, header.dup),
        remaining,
    );
    let (length_bytes, rest) = rest.split_at_mut_checked(2).ok_or(MQTTNoMemory)?;
    length_bytes.copy_from_slice(&topic_length.to_be_bytes());
    let (topic, rest) = rest
        .split_at_mut_checked(header.topic.len())
        .ok_or(MQTTNoMemory)?;
    topic.copy_from_slice(header.topic);
    let (id, rest) = rest.split_at_mut_checked(id_length).ok_or(MQTTNoMemory)?;
    if id_length != 0 {
        id.copy_from_slice(&packet_id.to_be_bytes());
    }
    rest.copy_from_slice(payload);
    Ok(total)
}

/// Encodes a type byte and a remaining length (§2.2) into `out`, which the
/// caller sized as `1 + remaining_length_size(remaining)` bytes.
fn encode_fixed_header(out: &mut [u8], type_byte: u8, remaining: usize) {
    let mut w = Writer::new(out);
    let _ = w
        .byte(type_byte)
        .and_then(|()| w.remaining_length(remaining));
}

// ---------------------------------------------------------------------------
// Acknowledgements, PINGREQ, DISCONNECT (§3.4-3.7, §3.12, §3.14)
// ---------------------------------------------------------------------------

/// Writes a PUBACK, PUBREC, PUBREL or PUBCOMP (`MQTT_SerializeAck`); other
/// type bytes and packet identifier 0 are `MQTTBadParameter`, a buffer under
/// four bytes `MQTTNoMemory` (checked first, as coreMQTT does).
#[inline]
pub fn serialize_ack(out: &mut [u8], packet_type: u8, packet_id: u16) -> Result<usize, MQTTStatus> {
    let Some(target) = out.get_mut(..MQTT_PUBLISH_ACK_PACKET_SIZE) else {
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
            let [high, low] = packet_id.to_be_bytes();
            target.copy_from_slice(&[packet_type, 2, high, low]);
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
pub const DISCONNECT_PACKET: [u8; 2] = [MQTT_PACKET_TYPE_DISCONNECT, 0];
/// The two bytes of a PINGREQ (§3.12).
pub const PINGREQ_PACKET: [u8; 2] = [MQTT_PACKET_TYPE_PINGREQ, 0];

// ---------------------------------------------------------------------------
// Incoming packets
// ---------------------------------------------------------------------------

/// The fixed header of a received packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedHeader {
    /// First byte: type and flags.
    pub type_byte: u8,
    /// Remaining length.
    pub remaining_length: usize,
    /// Bytes of the fixed header (type byte and length encoding).
    pub header_length: usize,
}

/// Decodes the fixed header at the start of `received`
/// (`MQTT_ProcessIncomingPacketTypeAndLength`).
///
/// `MQTTNoDataAvailable` when `received` is empty; `MQTTBadResponse` for a
/// type a client cannot receive, a length encoding longer than four bytes
/// or one that is not the shortest form; `MQTTNeedMoreBytes` when the length
/// encoding is not complete yet.
#[inline]
pub fn decode_fixed_header(received: &[u8]) -> Result<FixedHeader, MQTTStatus> {
    let Some(&type_byte) = received.first() else {
        return Err(MQTTNoDataAvailable);
    };
    if !incoming_packet_valid(type_byte) {
        log_error(format_args!(
            "invalid incoming packet type {type_byte:#04x}"
        ));
        return Err(MQTTBadResponse);
    }
    // `wire` decodes the length; coreMQTT's statuses for its failures: a
    // length still open is `MQTTNeedMoreBytes`, one longer than four bytes or
    // not in its shortest form (§2.2.3) `MQTTBadResponse`.
    let (remaining, used) = match length::decode(received.get(1..).unwrap_or_default()) {
        Ok(decoded) => decoded,
        Err(crate::wire::Error::Incomplete { .. }) => return Err(MQTTNeedMoreBytes),
        Err(e) => {
            log_error(format_args!("invalid remaining length: {e}"));
            return Err(MQTTBadResponse);
        }
    };
    Ok(FixedHeader {
        type_byte,
        remaining_length: remaining,
        header_length: 1 + used,
    })
}

/// A received PUBLISH, borrowing from the packet bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IncomingPublish<'a> {
    /// QoS from the fixed header.
    pub qos: MQTTQoS,
    /// Retain flag.
    pub retain: bool,
    /// DUP flag.
    pub dup: bool,
    /// Topic name.
    pub topic: &'a [u8],
    /// Packet identifier (QoS 1/2 only; 0 for QoS 0).
    pub packet_id: u16,
    /// Application message.
    pub payload: &'a [u8],
}

/// Decodes a PUBLISH from its first byte and the bytes after the fixed header
/// (`MQTT_DeserializePublish`). `MQTTBadResponse` for QoS 3, a body too short
/// for its topic (and packet identifier), or packet identifier 0.
#[inline]
pub fn deserialize_publish(type_byte: u8, body: &[u8]) -> Result<IncomingPublish<'_>, MQTTStatus> {
    let qos = match (
        type_byte & PUBLISH_FLAG_QOS2 != 0,
        type_byte & PUBLISH_FLAG_QOS1 != 0,
    ) {
        (true, true) => {
            log_error(format_args!("PUBLISH with QoS 3"));
            return Err(MQTTBadResponse);
        }
        (true, false) => MQTTQoS::MQTTQoS2,
        (false, true) => MQTTQoS::MQTTQoS1,
        (false, false) => MQTTQoS::MQTTQoS0,
    };
    let id_length = if qos == MQTTQoS::MQTTQoS0 { 0 } else { 2 };
    // A topic needs its two length bytes and (coreMQTT's first sanity check)
    // at least one more byte.
    if body.len() < 3 + id_length {
        return Err(MQTTBadResponse);
    }
    // `wire` splits the fields; coreMQTT's policy on their contents (no text
    // or topic-name check, only a zero packet identifier refused) stays here.
    let Ok(parts) = PublishParts::split(id_length != 0, body) else {
        log_error(format_args!("PUBLISH body shorter than its topic name"));
        return Err(MQTTBadResponse);
    };
    let (topic, payload) = (parts.topic, parts.payload);
    let packet_id = parts.packet_id.unwrap_or(0);
    if parts.packet_id == Some(0) {
        log_error(format_args!("PUBLISH with packet identifier 0"));
        return Err(MQTTBadResponse);
    }
    Ok(IncomingPublish {
        qos,
        retain: type_byte & PUBLISH_FLAG_RETAIN != 0,
        dup: type_byte & PUBLISH_FLAG_DUP != 0,
        topic,
        packet_id,
        payload,
    })
}

/// What [`deserialize_ack`] learned. The output fields are set even with some
/// error statuses, as coreMQTT writes them before finishing its checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AckOutcome {
    /// `MQTTSuccess`, `MQTTServerRefused` (CONNACK return code 1-5, or a
    /// SUBACK with a 0x80 code) or `MQTTBadResponse`.
    pub status: MQTTStatus,
    /// Packet identifier, for SUBACK, UNSUBACK and publish acknowledgements.
    pub packet_id: Option<u16>,
    /// Session Present, for CONNACK.
    pub session_present: Option<bool>,
}

impl AckOutcome {
    fn new(status: MQTTStatus) -> Self {
        Self {
            status,
            packet_id: None,
            session_present: None,
        }
    }
}

/// Decodes CONNACK, SUBACK, UNSUBACK, PUBACK, PUBREC, PUBREL, PUBCOMP or
/// PINGRESP from the exact first byte and the body (`MQTT_DeserializeAck`).
#[inline]
pub fn deserialize_ack(type_byte: u8, body: &[u8]) -> AckOutcome {
    match type_byte {
        MQTT_PACKET_TYPE_CONNACK => deserialize_connack(body),
        MQTT_PACKET_TYPE_SUBACK => deserialize_suback(body),
        MQTT_PACKET_TYPE_PINGRESP => AckOutcome::new(if body.is_empty() {
            MQTTSuccess
        } else {
            log_error(format_args!("PINGRESP with a remaining length"));
            MQTTBadResponse
        }),
        MQTT_PACKET_TYPE_UNSUBACK
        | MQTT_PACKET_TYPE_PUBACK
        | MQTT_PACKET_TYPE_PUBREC
        | MQTT_PACKET_TYPE_PUBREL
        | MQTT_PACKET_TYPE_PUBCOMP => {
            // The type byte is one of the five exact values, so `wire`
            // accepts its type and flags.
            let decoded = crate::wire::split_first_byte(type_byte)
                .and_then(|(packet_type, _)| ack::id_only_body(packet_type, body));
            let (status, packet_id) = match decoded {
                Ok(packet_id) => (MQTTSuccess, Some(packet_id)),
                // coreMQTT reports the identifier it read, then refuses it.
                Err(crate::wire::Error::ZeroPacketId) => (MQTTBadResponse, Some(0)),
                Err(e) => {
                    log_error(format_args!("acknowledgement {type_byte:#04x}: {e}"));
                    return AckOutcome::new(MQTTBadResponse);
                }
            };
            AckOutcome {
                status,
                packet_id,
                session_present: None,
            }
        }
        _ => {
            log_error(format_args!("not an acknowledgement: {type_byte:#04x}"));
            AckOutcome::new(MQTTBadResponse)
        }
    }
}

/// CONNACK (§3.2): remaining length 2, only bit 0 of the first byte may be
/// set, return code 0-5, and a set Session Present bit needs return code 0.
// Out of line: keeps `deserialize_ack` small enough to inline for the
// per-message acknowledgements.
#[inline(never)]
fn deserialize_connack(body: &[u8]) -> AckOutcome {
    let &[flags, code] = body else {
        log_error(format_args!("CONNACK without remaining length 2"));
        return AckOutcome::new(MQTTBadResponse);
    };
    if flags | 0x01 != 0x01 {
        log_error(format_args!("CONNACK reserved bits set"));
        return AckOutcome::new(MQTTBadResponse);
    }
    let session_present = flags & 0x01 != 0;
    let status = if session_present && code != 0 {
        MQTTBadResponse
    } else if code > 5 {
        log_error(format_args!("CONNACK return code {code} is invalid"));
        MQTTBadResponse
    } else if code > 0 {
        log_error(format_args!(
            "connection refused by the server, return code {code}"
        ));
        MQTTServerRefused
    } else {
        MQTTSuccess
    };
    AckOutcome {
        status,
        packet_id: None,
        session_present: Some(session_present),
    }
}

/// SUBACK (§3.9): a packet identifier and at least one return code, each
/// 0x00-0x02 or 0x80. A 0x80 makes the result `MQTTServerRefused`; any
/// other value is `MQTTBadResponse`.
// Out of line: keeps `deserialize_ack` small enough to inline for the
// per-message acknowledgements.
#[inline(never)]
fn deserialize_suback(body: &[u8]) -> AckOutcome {
    let (Some(packet_id), Some(codes)) = (read_u16(body, 0), body.get(2..)) else {
        return AckOutcome::new(MQTTBadResponse);
    };
    if codes.is_empty() {
        log_error(format_args!("SUBACK without return codes"));
        return AckOutcome::new(MQTTBadResponse);
    }
    let mut status = MQTTSuccess;
    if packet_id == 0 {
        status = MQTTBadResponse;
    } else {
        for (index, &code) in codes.iter().enumerate() {
            match code {
                0x00..=0x02 => {}
                0x80 => {
                    log::warn!("topic filter #{index} refused by the server");
                    status = MQTTServerRefused;
                }
                _ => {
                    log_error(format_args!("invalid SUBACK return code {code:#04x}"));
                    status = MQTTBadResponse;
                    break;
                }
            }
        }
    }
    AckOutcome {
        status,
        packet_id: Some(packet_id),
        session_present: None,
    }
}

// ---------------------------------------------------------------------------
// Reading the C structs
// ---------------------------------------------------------------------------

/// Borrows `length` bytes at `pointer`. NULL is an empty slice when `length`
/// is 0 and `None` otherwise: a slice is never built from NULL.
///
/// # Safety
/// A non-NULL `pointer` must be valid for reads of `length` bytes for `'a`.
pub unsafe fn c_bytes<'a, T>(pointer: *const T, length: usize) -> Option<&'a [u8]> {
    if pointer.is_null() {
        (length == 0).then_some(&[][..])
    } else if length > isize::MAX as usize {
        None
    } else {
        // SAFETY: non-NULL and, by the caller's contract, readable.
        Some(unsafe { core::slice::from_raw_parts(pointer.cast::<u8>(), length) })
    }
}

/// Borrows the buffer of an `MQTTFixedBuffer_t`; `None` when its pointer is
/// NULL.
///
/// # Safety
/// `buffer.pBuffer`, when not NULL, must be writable for `buffer.size` bytes
/// and not otherwise accessed for `'a`.
pub unsafe fn c_fixed_buffer<'a>(buffer: &MQTTFixedBuffer_t) -> Option<&'a mut [u8]> {
    if buffer.pBuffer.is_null() || buffer.size > isize::MAX as usize {
        None
    } else {
        // SAFETY: non-NULL and, by the caller's contract, writable.
        Some(unsafe { core::slice::from_raw_parts_mut(buffer.pBuffer, buffer.size) })
    }
}

/// Reads the CONNECT parameters. `None` when a pointer is NULL with a
/// nonzero length.
///
/// # Safety
/// The pointers in `info` must be valid for their lengths.
pub unsafe fn c_connect<'a>(info: &MQTTConnectInfo_t) -> Option<Connect<'a>> {
    // SAFETY: forwarded from the caller.
    unsafe {
        let optional = |pointer: *const c_char, length: u16| {
            if pointer.is_null() {
                Some(None)
            } else {
                c_bytes(pointer, usize::from(length)).map(Some)
            }
        };
        Some(Connect {
            clean_session: info.cleanSession,
            keep_alive_seconds: info.keepAliveSeconds,
            client_id: c_bytes(
                info.pClientIdentifier,
                usize::from(info.clientIdentifierLength),
            )?,
            user_name: optional(info.pUserName, info.userNameLength)?,
            password: optional(info.pPassword, info.passwordLength)?,
        })
    }
}

/// Reads a will from an `MQTTPublishInfo_t`. `None` for an invalid QoS or a
/// NULL pointer with a nonzero length.
///
/// # Safety
/// The pointers in `info` must be valid for their lengths.
pub unsafe fn c_will<'a>(info: &MQTTPublishInfo_t) -> Option<Will<'a>> {
    // SAFETY: forwarded from the caller.
    unsafe {
        Some(Will {
            qos: MQTTQoS::from_raw(info.qos)?,
            retain: info.retain,
            topic: c_bytes(info.pTopicName, usize::from(info.topicNameLength))?,
            payload: c_bytes(info.pPayload, info.payloadLength)?,
        })
    }
}

/// Reads one subscription. `None` for a NULL filter, or (for SUBSCRIBE) an
/// invalid QoS.
///
/// # Safety
/// `info.pTopicFilter` must be valid for `info.topicFilterLength` bytes.
pub unsafe fn c_subscription<'a>(
    info: &MQTTSubscribeInfo_t,
    kind: SubscriptionKind,
) -> Option<Subscription<'a>> {
    let qos = match kind {
        SubscriptionKind::Subscribe => MQTTQoS::from_raw(info.qos)?,
        SubscriptionKind::Unsubscribe => MQTTQoS::MQTTQoS0,
    };
    if info.pTopicFilter.is_null() {
        return None;
    }
    // SAFETY: non-NULL; the caller guarantees the length.
    let filter = unsafe { c_bytes(info.pTopicFilter, usize::from(info.topicFilterLength))? };
    Some(Subscription { qos, filter })
}

/// Borrows a C array of subscriptions; NULL or empty is `None`.
///
/// # Safety
/// A non-NULL `list` must point to `count` readable entries.
unsafe fn c_subscription_list<'a>(
    list: *const MQTTSubscribeInfo_t,
    count: usize,
) -> Option<&'a [MQTTSubscribeInfo_t]> {
    if list.is_null()
        || count == 0
        || count > isize::MAX as usize / core::mem::size_of::<MQTTSubscribeInfo_t>()
    {
        None
    } else {
        // SAFETY: non-NULL; the caller guarantees `count` entries.
        Some(unsafe { core::slice::from_raw_parts(list, count) })
    }
}

/// Validates every entry of a subscription list, then yields them as views.
///
/// # Safety
/// Every entry's filter pointer must be valid for its length.
unsafe fn c_subscriptions<'a>(
    list: &'a [MQTTSubscribeInfo_t],
    kind: SubscriptionKind,
) -> Result<impl Iterator<Item = Subscription<'a>> + Clone + 'a, MQTTStatus> {
    // SAFETY: forwarded from the caller.
    if list
        .iter()
        .any(|info| unsafe { c_subscription(info, kind) }.is_none())
    {
        log_error(format_args!(
            "a subscription has a NULL topic filter or an invalid QoS"
        ));
        return Err(MQTTBadParameter);
    }
    // SAFETY: forwarded from the caller; every entry was checked above.
    Ok(list
        .iter()
        .filter_map(move |info| unsafe { c_subscription(info, kind) }))
}

/// Writes `value` through `out` when it is not NULL.
///
/// # Safety
/// A non-NULL `out` must be writable.
unsafe fn put<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: non-NULL; the caller guarantees it is writable.
        unsafe { out.write(value) };
    }
}

/// Turns `Result<(remaining, size)>` into the two out-parameters.
///
/// # Safety
/// Both pointers must be writable (they were checked non-NULL).
unsafe fn put_sizes(
    result: Result<(usize, usize), MQTTStatus>,
    pRemainingLength: *mut usize,
    pPacketSize: *mut usize,
) -> MQTTStatus {
    match result {
        Ok((remaining, size)) => {
            // SAFETY: forwarded from the caller.
            unsafe {
                put(pRemainingLength, remaining);
                put(pPacketSize, size);
            }
            MQTTSuccess
        }
        Err(status) => status,
    }
}

/// Exactly how many bytes a header of `fixed_part` bytes after the type byte
/// and length encoding takes, or `None` for a remaining length over the
/// limit. The C header functions build their output slice with this length,
/// so no slice ever reaches past what the header really needs.
fn header_length(remaining_length: usize, fixed_part: usize) -> Option<usize> {
    (remaining_length <= MAX_REMAINING_LENGTH)
        .then(|| 1 + remaining_length_size(remaining_length) + fixed_part)
}

/// A packet of `remaining_length` does not fit into `buffer_size` bytes.
fn does_not_fit(remaining_length: usize, buffer_size: usize) -> bool {
    packet_size(remaining_length).is_none_or(|size| size > buffer_size)
}

// ---------------------------------------------------------------------------
// The C API
// ---------------------------------------------------------------------------

/// Computes the remaining length and total size of a CONNECT packet.
///
/// Returns `MQTTBadParameter` for a NULL argument, a missing client
/// identifier or a will message over 65535 bytes; `MQTTSuccess` otherwise.
///
/// # Safety
/// Each pointer is NULL or valid; the strings in the structs are valid for
/// their lengths.
#[no_mangle]
pub unsafe extern "C" fn MQTT_GetConnectPacketSize(
    pConnectInfo: *const MQTTConnectInfo_t,
    pWillInfo: *const MQTTPublishInfo_t,
    pRemainingLength: *mut usize,
    pPacketSize: *mut usize,
) -> MQTTStatus_t {
    guard(MQTTBadParameter, || {
        // SAFETY: NULL is checked by `as_ref`; the caller guarantees validity.
        let (Some(info), false, false) = (
            unsafe { pConnectInfo.as_ref() },
            pRemainingLength.is_null(),
            pPacketSize.is_null(),
        ) else {
            return MQTTBadParameter;
        };
        // SAFETY: string pointers valid for their lengths (caller contract).
        let Some(connect) = (unsafe { c_connect(info) }) else {
            return MQTTBadParameter;
        };
        // SAFETY: as above.
        let will = match unsafe { pWillInfo.as_ref() } {
            None => None,
            Some(will_info) => match unsafe { c_will(will_info) } {
                Some(will) => Some(will),
                None => return MQTTBadParameter,
            },
        };
        // SAFETY: both out-pointers checked non-NULL above.
        unsafe {
            put_sizes(
                connect_packet_size(&connect, will.as_ref()),
                pRemainingLength,
                pPacketSize,
            )
        }
    })
}

/// Serializes a CONNECT packet into `pFixedBuffer`.
///
/// Returns `MQTTBadParameter` for NULL arguments, a will without topic or a
/// `remainingLength` that does not match the parameters; `MQTTNoMemory` when
/// the buffer is too small; `MQTTSuccess` otherwise.
///
/// # Safety
/// Each pointer is NULL or valid; `pFixedBuffer->pBuffer` is writable for
/// `pFixedBuffer->size` bytes.
#[no_mangle]
pub unsafe extern "C" fn MQTT_SerializeConnect(
    pConnectInfo: *const MQTTConnectInfo_t,
    pWillInfo: *const MQTTPublishInfo_t,
    remainingLength: usize,
    pFixedBuffer: *const MQTTFixedBuffer_t,
) -> MQTTStatus_t {
    guard(MQTTBadParameter, || {
        // SAFETY: NULL is checked by `as_ref`; the caller guarantees validity.
        let (Some(info), Some(fixed)) = (unsafe { pConnectInfo.as_ref() }, unsafe {
            pFixedBuffer.as_ref()
        }) else {
            return MQTTBadParameter;
        };
        // SAFETY: the buffer is writable for its size (caller contract).
        let Some(out) = (unsafe { c_fixed_buffer(fixed) }) else {
            return MQTTBadParameter;
        };
        // SAFETY: NULL is checked by `as_ref`.
        let will_info = unsafe { pWillInfo.as_ref() };
        if will_info.is_some_and(|will| will.pTopicName.is_null()) {
            log_error(format_args!("the will topic must not be NULL"));
            return MQTTBadParameter;
        }
        if does_not_fit(remainingLength, out.len()) {
            return MQTTNoMemory;
        }
        // SAFETY: string pointers valid for their lengths (caller contract).
        let (Some(connect), will) = (
            unsafe { c_connect(info) },
            will_info.map(|w| unsafe { c_will(w) }),
        ) else {
            return MQTTBadParameter;
        };
        let will = match will {
            None => None,
            Some(Some(will)) => Some(will),
            Some(None) => return MQTTBadParameter,
        };
        match connect_packet_size(&connect, will.as_ref()) {
            Ok((remaining, _)) if remaining == remainingLength => {}
            Ok(_) => {
                log_error(format_args!(
                    "remainingLength does not match the CONNECT parameters"
                ));
                return MQTTBadParameter;
            }
            Err(status) => return status,
        }
        match serialize_connect(out, &connect, will.as_ref()) {
            Ok(_) => MQTTSuccess,
            Err(status) => status,
        }
    })
}

/// Shared body of the SUBSCRIBE/UNSUBSCRIBE size functions.
///
/// # Safety
/// Pointers NULL or valid, as for the exported functions.
unsafe fn get_subscription_size(
    pSubscriptionList: *const MQTTSubscribeInfo_t,
    subscriptionCount: usize,
    pRemainingLength: *mut usize,
    pPacketSize: *mut usize,
    kind: SubscriptionKind,
) -> MQTTStatus {
    if pSubscriptionList.is_null() || pRemainingLength.is_null() || pPacketSize.is_null() {
        return MQTTBadParameter;
    }
    // SAFETY: non-NULL; the caller guarantees `subscriptionCount` entries.
    let Some(list) = (unsafe { c_subscription_list(pSubscriptionList, subscriptionCount) }) else {
        return MQTTBadParameter;
    };
    // SAFETY: the filters are valid for their lengths (caller contract).
    let result = unsafe { c_subscriptions(list, kind) }
        .and_then(|subscriptions| subscription_packet_size(subscriptions, kind));
    // SAFETY: both out-pointers checked non-NULL above.
    unsafe { put_sizes(result, pRemainingLength, pPacketSize) }
}

/// Shared body of `MQTT_SerializeSubscribe` and `MQTT_SerializeUnsubscribe`,
/// with coreMQTT's order of checks.
///
/// # Safety
/// Pointers NULL or valid, as for the exported functions.
unsafe fn serialize_subscription_c(
    pSubscriptionList: *const MQTTSubscribeInfo_t,
    subscriptionCount: usize,
    packetId: u16,
    remainingLength: usize,
    pFixedBuffer: *const MQTTFixedBuffer_t,
    kind: SubscriptionKind,
) -> MQTTStatus {
    // SAFETY: NULL is checked by `as_ref`; the caller guarantees validity.
    let Some(fixed) = (unsafe { pFixedBuffer.as_ref() }) else {
        return MQTTBadParameter;
    };
    if pSubscriptionList.is_null() {
        return MQTTBadParameter;
    }
    // SAFETY: the buffer is writable for its size (caller contract).
    let Some(out) = (unsafe { c_fixed_buffer(fixed) }) else {
        return MQTTBadParameter;
    };
    if subscriptionCount == 0 || packetId == 0 {
        return MQTTBadParameter;
    }
    if does_not_fit(remainingLength, out.len()) {
        return MQTTNoMemory;
    }
    // SAFETY: non-NULL; the caller guarantees `subscriptionCount` entries.
    let Some(list) = (unsafe { c_subscription_list(pSubscriptionList, subscriptionCount) }) else {
        return MQTTBadParameter;
    };
    // SAFETY: the filters are valid for their lengths (caller contract).
    let subscriptions = match unsafe { c_subscriptions(list, kind) } {
        Ok(subscriptions) => subscriptions,
        Err(status) => return status,
    };
    match subscription_packet_size(subscriptions.clone(), kind) {
        Ok((remaining, _)) if remaining == remainingLength => {}
        Ok(_) => {
            log_error(format_args!(
                "remainingLength does not match the subscription list"
            ));
            return MQTTBadParameter;
        }
        Err(status) => return status,
    }
    match serialize_subscription(out, kind, subscriptions, packetId) {
        Ok(_) => MQTTSuccess,
        Err(status) => status,
    }
}

/// Computes the remaining length and total size of a SUBSCRIBE packet.
///
/// Returns `MQTTBadParameter` for NULL arguments, no subscriptions, an empty
/// filter, an invalid QoS or a packet over the MQTT limit.
///
/// # Safety
/// Each pointer is NULL or valid; the list has `subscriptionCount` entries.
#[no_mangle]
pub unsafe extern "C" fn MQTT_GetSubscribePacketSize(
    pSubscriptionList: *const MQTTSubscribeInfo_t,
    subscriptionCount: usize,
    pRemainingLength: *mut usize,
    pPacketSize: *mut usize,
) -> MQTTStatus_t {
    guard(MQTTBadParameter, || {
        // SAFETY: forwarded contract.
        unsafe {
            get_subscription_size(
                pSubscriptionList,
                subscriptionCount,
                pRemainingLength,
                pPacketSize,
                SubscriptionKind::Subscribe,
            )
        }
    })
}

/// Serializes a SUBSCRIBE packet into `pFixedBuffer`.
///
/// Returns `MQTTBadParameter` for NULL arguments, no subscriptions, packet
/// identifier 0, an invalid entry or a mismatching `remainingLength`;
/// `MQTTNoMemory` when the buffer is too small.
///
/// # Safety
/// Each pointer is NULL or valid; the list has `subscriptionCount` entries;
/// the buffer is writable for its size.
#[no_mangle]
pub unsafe extern "C" fn MQTT_SerializeSubscribe(
    pSubscriptionList: *const MQTTSubscribeInfo_t,
    subscriptionCount: usize,
    packetId: u16,
    remainingLength: usize,
    pFixedBuffer: *const MQTTFixedBuffer_t,
) -> MQTTStatus_t {
    guard(MQTTBadParameter, || {
        // SAFETY: forwarded contract.
        unsafe {
            serialize_subscription_c(
                pSubscriptionList,
                subscriptionCount,
                packetId,
                remainingLength,
                pFixedBuffer,
                SubscriptionKind::Subscribe,
            )
        }
    })
}

/// Computes the remaining length and total size of an UNSUBSCRIBE packet.
///
/// Returns `MQTTBadParameter` for NULL arguments, no subscriptions, an empty
/// or NULL filter or a packet over the MQTT limit. The QoS fields are ignored.
///
/// # Safety
/// Each pointer is NULL or valid; the list has `subscriptionCount` entries.
#[no_mangle]
pub unsafe extern "C" fn MQTT_GetUnsubscribePacketSize(
    pSubscriptionList: *const MQTTSubscribeInfo_t,
    subscriptionCount: usize,
    pRemainingLength: *mut usize,
    pPacketSize: *mut usize,
) -> MQTTStatus_t {
    guard(MQTTBadParameter, || {
        // SAFETY: forwarded contract.
        unsafe {
            get_subscription_size(
                pSubscriptionList,
                subscriptionCount,
                pRemainingLength,
                pPacketSize,
                SubscriptionKind::Unsubscribe,
            )
        }
    })
}

/// Serializes an UNSUBSCRIBE packet into `pFixedBuffer`.
///
/// Returns `MQTTBadParameter` for NULL arguments, no subscriptions, packet
/// identifier 0, an invalid entry or a mismatching `remainingLength`;
/// `MQTTNoMemory` when the buffer is too small.
///
/// # Safety
/// Each pointer is NULL or valid; the list has `subscriptionCount` entries;
/// the buffer is writable for its size.
#[no_mangle]
pub unsafe extern "C" fn MQTT_SerializeUnsubscribe(
    pSubscriptionList: *const MQTTSubscribeInfo_t,
    subscriptionCount: usize,
    packetId: u16,
    remainingLength: usize,
    pFixedBuffer: *const MQTTFixedBuffer_t,
) -> MQTTStatus_t {
    guard(MQTTBadParameter, || {
        // SAFETY: forwarded contract.
        unsafe {
            serialize_subscription_c(
                pSubscriptionList,
                subscriptionCount,
                packetId,
                remainingLength,
                pFixedBuffer,
                SubscriptionKind::Unsubscribe,
            )
        }
    })
}

/// Computes the remaining length and total size of a PUBLISH packet.
///
/// Returns `MQTTBadParameter` for NULL arguments, a NULL or empty topic, an
/// invalid QoS or a packet over the MQTT limit.
///
/// # Safety
/// Each pointer is NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn MQTT_GetPublishPacketSize(
    pPublishInfo: *const MQTTPublishInfo_t,
    pRemainingLength: *mut usize,
    pPacketSize: *mut usize,
) -> MQTTStatus_t {
    guard(MQTTBadParameter, || {
        // SAFETY: NULL is checked by `as_ref`; the caller guarantees validity.
        let (Some(info), false, false) = (
            unsafe { pPublishInfo.as_ref() },
            pRemainingLength.is_null(),
            pPacketSize.is_null(),
        ) else {
            return MQTTBadParameter;
        };
        if info.pTopicName.is_null() || info.topicNameLength == 0 {
            log_error(format_args!("PUBLISH: invalid topic name"));
            return MQTTBadParameter;
        }
        let Some(qos) = MQTTQoS::from_raw(info.qos) else {
            return MQTTBadParameter;
        };
        let result =
            publish_packet_size(qos, usize::from(info.topicNameLength), info.payloadLength);
        // SAFETY: both out-pointers checked non-NULL above.
        unsafe { put_sizes(result, pRemainingLength, pPacketSize) }
    })
}

/// Reads an outgoing PUBLISH's header fields from C.
///
/// # Safety
/// `info.pTopicName` is valid for `info.topicNameLength` bytes.
unsafe fn c_publish_header<'a>(info: &MQTTPublishInfo_t) -> Result<PublishHeader<'a>, MQTTStatus> {
    if info.pTopicName.is_null() || info.topicNameLength == 0 {
        log_error(format_args!("PUBLISH: invalid topic name"));
        return Err(MQTTBadParameter);
    }
    let qos = MQTTQoS::from_raw(info.qos).ok_or(MQTTBadParameter)?;
    // SAFETY: non-NULL; the caller guarantees the length.
    let topic = unsafe { c_bytes(info.pTopicName, usize::from(info.topicNameLength)) }
        .ok_or(MQTTBadParameter)?;
    Ok(PublishHeader {
        qos,
        retain: info.retain,
        dup: info.dup,
        topic,
    })
}

/// Checks that the caller's remaining length is the one the parameters give
/// (and that [`publish_packet_size`] would accept them: the whole packet
/// within [`MAX_REMAINING_LENGTH`], coreMQTT's limit), without computing the
/// size from scratch: this runs on every publish.
#[inline]
fn check_publish_remaining(
    header: &PublishHeader<'_>,
    payload_length: usize,
    remaining_length: usize,
) -> Result<(), MQTTStatus> {
    let id_length = if header.qos == MQTTQoS::MQTTQoS0 {
        0
    } else {
        2
    };
    let expected = (2 + id_length + header.topic.len()).checked_add(payload_length);
    let packet = packet_size(remaining_length);
    match (expected, packet) {
        (Some(expected), Some(packet))
            if expected == remaining_length
                && !header.topic.is_empty()
                && header.topic.len() <= usize::from(u16::MAX)
                && packet <= MAX_REMAINING_LENGTH =>
        {
            Ok(())
        }
        _ => {
            log_error(format_args!(
                "remainingLength does not match the PUBLISH parameters"
            ));
            Err(MQTTBadParameter)
        }
    }
}

/// Serializes a PUBLISH packet, payload included, into `pFixedBuffer`.
///
/// Returns `MQTTBadParameter` for NULL arguments, a NULL payload with a
/// nonzero length, a NULL or empty topic, QoS 1/2 with packet identifier 0,
/// DUP on QoS 0 or a mismatching `remainingLength`; `MQTTNoMemory` when the
/// buffer is too small.
///
/// # Safety
/// Each pointer is NULL or valid; topic and payload are valid for their
/// lengths; the buffer is writable for its size.
#[no_mangle]
pub unsafe extern "C" fn MQTT_SerializePublish(
    pPublishInfo: *const MQTTPublishInfo_t,
    packetId: u16,
    remainingLength: usize,
    pFixedBuffer: *const MQTTFixedBuffer_t,
) -> MQTTStatus_t {
    guard(MQTTBadParameter, || {
        // SAFETY: NULL is checked by `as_ref`; the caller guarantees validity.
        let (Some(fixed), Some(info)) = (unsafe { pFixedBuffer.as_ref() }, unsafe {
            pPublishInfo.as_ref()
        }) else {
            return MQTTBadParameter;
        };
        // SAFETY: the buffer is writable for its size (caller contract).
        let Some(out) = (unsafe { c_fixed_buffer(fixed) }) else {
            return MQTTBadParameter;
        };
        // SAFETY: the payload is valid for its length (caller contract).
        let Some(payload) = (unsafe { c_bytes(info.pPayload, info.payloadLength) }) else {
            log_error(format_args!("PUBLISH: NULL payload with nonzero length"));
            return MQTTBadParameter;
        };
        // SAFETY: the topic is valid for its length (caller contract).
        let header = match unsafe { c_publish_header(info) } {
            Ok(header) => header,
            Err(status) => return status,
        };
        if let Err(status) = check_publish(&header, packetId) {
            return status;
        }
        if does_not_fit(remainingLength, out.len()) {
            return MQTTNoMemory;
        }
        if let Err(status) = check_publish_remaining(&header, payload.len(), remainingLength) {
            return status;
        }
        // Everything is validated and the remaining length is the real one:
        // write without computing the size again.
        match write_publish(out, &header, packetId, remainingLength, payload) {
            Ok(_) => MQTTSuccess,
            Err(status) => status,
        }
    })
}

/// Serializes the first part of a PUBLISH: type byte, remaining length and
/// the two bytes of the topic length, without the topic, into `pBuffer`, and
/// stores how many bytes were written (at most 7) in `*headerSize`.
///
/// Returns `MQTTBadParameter` for NULL arguments, an invalid QoS or a
/// remaining length over the MQTT limit.
///
/// # Safety
/// `pPublishInfo` and `headerSize` are NULL or valid; `pBuffer` is NULL or
/// writable for 7 bytes.
#[no_mangle]
pub unsafe extern "C" fn MQTT_SerializePublishHeaderWithoutTopic(
    pPublishInfo: *const MQTTPublishInfo_t,
    remainingLength: usize,
    pBuffer: *mut u8,
    headerSize: *mut usize,
) -> MQTTStatus_t {
    guard(MQTTBadParameter, || {
        // SAFETY: NULL is checked by `as_ref`; the caller guarantees validity.
        let (Some(info), false, false) = (
            unsafe { pPublishInfo.as_ref() },
            pBuffer.is_null(),
            headerSize.is_null(),
        ) else {
            return MQTTBadParameter;
        };
        let Some(qos) = MQTTQoS::from_raw(info.qos) else {
            return MQTTBadParameter;
        };
        let Some(length) = header_length(remainingLength, 2) else {
            return MQTTBadParameter;
        };
        // SAFETY: the caller guarantees room for this header (at most 7 bytes).
        let out = unsafe { core::slice::from_raw_parts_mut(pBuffer, length) };
        match serialize_publish_header_without_topic(
            out,
            qos,
            info.retain,
            info.dup,
            info.topicNameLength,
            remainingLength,
        ) {
            Ok(written) => {
                // SAFETY: checked non-NULL above.
                unsafe { headerSize.write(written) };
                MQTTSuccess
            }
            Err(status) => status,
        }
    })
}

/// Serializes a PUBLISH without its payload (fixed header, topic, packet
/// identifier) into `pFixedBuffer` and stores the header size.
///
/// Returns `MQTTBadParameter` for NULL arguments, a NULL or empty topic, QoS
/// 1/2 with packet identifier 0, DUP on QoS 0 or a mismatching
/// `remainingLength`; `MQTTNoMemory` when the header does not fit.
///
/// # Safety
/// Each pointer is NULL or valid; the topic is valid for its length; the
/// buffer is writable for its size.
#[no_mangle]
pub unsafe extern "C" fn MQTT_SerializePublishHeader(
    pPublishInfo: *const MQTTPublishInfo_t,
    packetId: u16,
    remainingLength: usize,
    pFixedBuffer: *const MQTTFixedBuffer_t,
    pHeaderSize: *mut usize,
) -> MQTTStatus_t {
    guard(MQTTBadParameter, || {
        // SAFETY: NULL is checked by `as_ref`; the caller guarantees validity.
        let (Some(fixed), Some(info), false) = (
            unsafe { pFixedBuffer.as_ref() },
            unsafe { pPublishInfo.as_ref() },
            pHeaderSize.is_null(),
        ) else {
            return MQTTBadParameter;
        };
        // SAFETY: the buffer is writable for its size (caller contract).
        let Some(out) = (unsafe { c_fixed_buffer(fixed) }) else {
            return MQTTBadParameter;
        };
        // SAFETY: the topic is valid for its length (caller contract).
        let header = match unsafe { c_publish_header(info) } {
            Ok(header) => header,
            Err(status) => return status,
        };
        if let Err(status) = check_publish(&header, packetId) {
            return status;
        }
        let header_size =
            packet_size(remainingLength).and_then(|size| size.checked_sub(info.payloadLength));
        match header_size {
            Some(size) if size > out.len() => return MQTTNoMemory,
            Some(_) => {}
            None => return MQTTBadParameter,
        }
        if let Err(status) = check_publish_remaining(&header, info.payloadLength, remainingLength) {
            return status;
        }
        match write_publish(out, &header, packetId, remainingLength, &[]) {
            Ok(written) => {
                // SAFETY: checked non-NULL above.
                unsafe { pHeaderSize.write(written) };
                MQTTSuccess
            }
            Err(status) => status,
        }
    })
}

/// Serializes a PUBACK, PUBREC, PUBREL or PUBCOMP (`packetType` is the full
/// first byte, e.g. `MQTT_PACKET_TYPE_PUBREL` 0x62) into `pFixedBuffer`.
///
/// Returns `MQTTBadParameter` for NULL arguments, packet identifier 0 or
/// another packet type; `MQTTNoMemory` when the buffer is under 4 bytes.
///
/// # Safety
/// `pFixedBuffer` is NULL or valid; its buffer is writable for its size.
#[no_mangle]
pub unsafe extern "C" fn MQTT_SerializeAck(
    pFixedBuffer: *const MQTTFixedBuffer_t,
    packetType: u8,
    packetId: u16,
) -> MQTTStatus_t {
    guard(MQTTBadParameter, || {
        // SAFETY: NULL is checked by `as_ref`; the buffer is writable (caller contract).
        let Some(out) = (unsafe {
            pFixedBuffer
                .as_ref()
                .and_then(|fixed| c_fixed_buffer(fixed))
        }) else {
            return MQTTBadParameter;
        };
        match serialize_ack(out, packetType, packetId) {
            Ok(_) => MQTTSuccess,
            Err(status) => status,
        }
    })
}

/// Stores the size of a DISCONNECT packet (2) in `*pPacketSize`.
///
/// # Safety
/// `pPacketSize` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn MQTT_GetDisconnectPacketSize(pPacketSize: *mut usize) -> MQTTStatus_t {
    // SAFETY: forwarded contract.
    guard(MQTTBadParameter, || unsafe { two_byte_size(pPacketSize) })
}

/// Stores the size of a DISCONNECT or PINGREQ (2) in `*size`.
///
/// # Safety
/// `size` is NULL or writable.
unsafe fn two_byte_size(size: *mut usize) -> MQTTStatus {
    if size.is_null() {
        return MQTTBadParameter;
    }
    // SAFETY: checked non-NULL; the caller guarantees it is writable.
    unsafe { size.write(EMPTY_PACKET_SIZE) };
    MQTTSuccess
}

/// Writes a fixed two-byte packet into a C fixed buffer.
///
/// # Safety
/// As for the exported functions that call it.
unsafe fn serialize_two_bytes(
    pFixedBuffer: *const MQTTFixedBuffer_t,
    packet: [u8; 2],
) -> MQTTStatus {
    // SAFETY: NULL is checked by `as_ref`; the buffer is writable (caller contract).
    let Some(out) = (unsafe {
        pFixedBuffer
            .as_ref()
            .and_then(|fixed| c_fixed_buffer(fixed))
    }) else {
        return MQTTBadParameter;
    };
    match out.get_mut(..EMPTY_PACKET_SIZE) {
        Some(target) => {
            target.copy_from_slice(&packet);
            MQTTSuccess
        }
        None => MQTTNoMemory,
    }
}

/// Serializes a DISCONNECT packet into `pFixedBuffer`.
///
/// Returns `MQTTBadParameter` for NULL arguments, `MQTTNoMemory` when the
/// buffer is under 2 bytes.
///
/// # Safety
/// `pFixedBuffer` is NULL or valid; its buffer is writable for its size.
#[no_mangle]
pub unsafe extern "C" fn MQTT_SerializeDisconnect(
    pFixedBuffer: *const MQTTFixedBuffer_t,
) -> MQTTStatus_t {
    // SAFETY: forwarded contract.
    guard(MQTTBadParameter, || unsafe {
        serialize_two_bytes(pFixedBuffer, DISCONNECT_PACKET)
    })
}

/// Stores the size of a PINGREQ packet (2) in `*pPacketSize`.
///
/// # Safety
/// `pPacketSize` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn MQTT_GetPingreqPacketSize(pPacketSize: *mut usize) -> MQTTStatus_t {
    // SAFETY: forwarded contract.
    guard(MQTTBadParameter, || unsafe { two_byte_size(pPacketSize) })
}

/// Serializes a PINGREQ packet into `pFixedBuffer`.
///
/// # Safety
/// `pFixedBuffer` is NULL or valid; its buffer is writable for its size.
#[no_mangle]
pub unsafe extern "C" fn MQTT_SerializePingreq(
    pFixedBuffer: *const MQTTFixedBuffer_t,
) -> MQTTStatus_t {
    // SAFETY: forwarded contract.
    guard(MQTTBadParameter, || unsafe {
        serialize_two_bytes(pFixedBuffer, PINGREQ_PACKET)
    })
}

/// Borrows the body of a received packet. `Err(MQTTBadResponse)` for a
/// remaining length above the MQTT limit, `Ok(None)` for a NULL pointer.
///
/// # Safety
/// A non-NULL `pRemainingData` is readable for `remainingLength` bytes.
unsafe fn c_packet_body<'a>(packet: &MQTTPacketInfo_t) -> Result<Option<&'a [u8]>, MQTTStatus> {
    if packet.pRemainingData.is_null() {
        Ok(None)
    } else if packet.remainingLength > MAX_REMAINING_LENGTH {
        Err(MQTTBadResponse)
    } else {
        // SAFETY: non-NULL; the caller guarantees the length.
        Ok(unsafe { c_bytes(packet.pRemainingData.cast_const(), packet.remainingLength) })
    }
}

/// Deserializes a received PUBLISH; topic and payload point into
/// `pIncomingPacket->pRemainingData`.
///
/// Returns `MQTTBadParameter` for NULL arguments or a packet that is not a
/// PUBLISH; `MQTTBadResponse` for a malformed PUBLISH; `MQTTSuccess`
/// otherwise. The packet identifier is written only for QoS 1 and 2.
///
/// # Safety
/// Each pointer is NULL or valid; the remaining data is readable for the
/// remaining length.
#[no_mangle]
pub unsafe extern "C" fn MQTT_DeserializePublish(
    pIncomingPacket: *const MQTTPacketInfo_t,
    pPacketId: *mut u16,
    pPublishInfo: *mut MQTTPublishInfo_t,
) -> MQTTStatus_t {
    guard(MQTTBadParameter, || {
        // SAFETY: NULL is checked by `as_ref`; the caller guarantees validity.
        let (Some(packet), false, false) = (
            unsafe { pIncomingPacket.as_ref() },
            pPacketId.is_null(),
            pPublishInfo.is_null(),
        ) else {
            return MQTTBadParameter;
        };
        if packet.r#type & 0xF0 != MQTT_PACKET_TYPE_PUBLISH {
            log_error(format_args!("not a PUBLISH: {:#04x}", packet.r#type));
            return MQTTBadParameter;
        }
        // SAFETY: the remaining data is readable for its length (caller contract).
        let body = match unsafe { c_packet_body(packet) } {
            Ok(Some(body)) => body,
            Ok(None) => return MQTTBadParameter,
            Err(status) => return status,
        };
        match deserialize_publish(packet.r#type, body) {
            Ok(publish) => {
                let payload = if publish.payload.is_empty() {
                    core::ptr::null()
                } else {
                    publish.payload.as_ptr().cast::<c_void>()
                };
                // SAFETY: both out-pointers checked non-NULL above; the
                // caller guarantees they are writable.
                unsafe {
                    if publish.qos != MQTTQoS::MQTTQoS0 {
                        pPacketId.write(publish.packet_id);
                    }
                    pPublishInfo.write(MQTTPublishInfo_t {
                        qos: publish.qos as MQTTQoSRaw,
                        retain: publish.retain,
                        dup: publish.dup,
                        pTopicName: publish.topic.as_ptr().cast::<c_char>(),
                        // The topic came from a two-byte length field.
                        topicNameLength: publish.topic.len() as u16,
                        pPayload: payload,
                        payloadLength: publish.payload.len(),
                    });
                }
                MQTTSuccess
            }
            Err(status) => status,
        }
    })
}

/// Deserializes a received CONNACK, SUBACK, UNSUBACK, PUBACK, PUBREC,
/// PUBREL, PUBCOMP or PINGRESP.
///
/// `pPacketId` may be NULL only for CONNACK and PINGRESP, `pSessionPresent`
/// only for packets other than CONNACK, and the remaining data only for
/// PINGRESP; otherwise `MQTTBadParameter`. Returns `MQTTServerRefused` for a
/// CONNACK with return code 1-5 or a SUBACK with a 0x80 code,
/// `MQTTBadResponse` for a malformed or unexpected packet, `MQTTSuccess`
/// otherwise.
///
/// # Safety
/// Each pointer is NULL or valid; the remaining data is readable for the
/// remaining length.
#[no_mangle]
pub unsafe extern "C" fn MQTT_DeserializeAck(
    pIncomingPacket: *const MQTTPacketInfo_t,
    pPacketId: *mut u16,
    pSessionPresent: *mut bool,
) -> MQTTStatus_t {
    guard(MQTTBadParameter, || {
        // SAFETY: NULL is checked by `as_ref`; the caller guarantees validity.
        let Some(packet) = (unsafe { pIncomingPacket.as_ref() }) else {
            return MQTTBadParameter;
        };
        let type_byte = packet.r#type;
        if pPacketId.is_null()
            && type_byte != MQTT_PACKET_TYPE_CONNACK
            && type_byte != MQTT_PACKET_TYPE_PINGRESP
        {
            log_error(format_args!(
                "pPacketId cannot be NULL for packet type {type_byte:#04x}"
            ));
            return MQTTBadParameter;
        }
        if pSessionPresent.is_null() && type_byte == MQTT_PACKET_TYPE_CONNACK {
            log_error(format_args!("pSessionPresent cannot be NULL for CONNACK"));
            return MQTTBadParameter;
        }
        // SAFETY: the remaining data is readable for its length (caller contract).
        let body = match unsafe { c_packet_body(packet) } {
            Ok(Some(body)) => body,
            Ok(None) if type_byte == MQTT_PACKET_TYPE_PINGRESP => {
                return if packet.remainingLength == 0 {
                    MQTTSuccess
                } else {
                    MQTTBadResponse
                };
            }
            Ok(None) => return MQTTBadParameter,
            Err(status) => return status,
        };
        let outcome = deserialize_ack(type_byte, body);
        // SAFETY: `put` skips NULL; the caller guarantees writability.
        unsafe {
            if let Some(packet_id) = outcome.packet_id {
                put(pPacketId, packet_id);
            }
            if let Some(session_present) = outcome.session_present {
                put(pSessionPresent, session_present);
            }
        }
        outcome.status
    })
}

/// Reads one byte through the transport: `Ok(Some(byte))`, `Ok(None)` when
/// nothing was available, `Err(())` on a transport error or an impossible
/// count.
///
/// # Safety
/// `recv` must be a valid transport receive function for `context`.
unsafe fn recv_byte(
    recv: unsafe extern "C" fn(*mut NetworkContext_t, *mut c_void, usize) -> i32,
    context: *mut NetworkContext_t,
) -> Result<Option<u8>, ()> {
    let mut byte = 0u8;
    // SAFETY: the buffer is one valid byte; the transport contract is the caller's.
    match unsafe { recv(context, (&mut byte as *mut u8).cast::<c_void>(), 1) } {
        1 => Ok(Some(byte)),
        0 => Ok(None),
        _ => Err(()),
    }
}

/// Reads the type byte and remaining length of the next packet from the
/// transport, one byte at a time; the body stays in the transport.
///
/// Returns `MQTTBadParameter` for a NULL packet or receive function;
/// `MQTTNoDataAvailable` when the transport had nothing; `MQTTRecvFailed`
/// when it failed reading the type byte; `MQTTBadResponse` for an invalid
/// type or remaining length (including a transport failure inside it).
///
/// # Safety
/// `readFunc` is a valid transport receive function for `pNetworkContext`;
/// `pIncomingPacket` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn MQTT_GetIncomingPacketTypeAndLength(
    readFunc: TransportRecv_t,
    pNetworkContext: *mut NetworkContext_t,
    pIncomingPacket: *mut MQTTPacketInfo_t,
) -> MQTTStatus_t {
    guard(MQTTBadParameter, || {
        // SAFETY: NULL is checked by `as_mut`; the caller guarantees validity.
        let (Some(packet), Some(recv)) = (unsafe { pIncomingPacket.as_mut() }, readFunc) else {
            return MQTTBadParameter;
        };
        // SAFETY: transport contract is the caller's.
        let type_byte = match unsafe { recv_byte(recv, pNetworkContext) } {
            Ok(Some(byte)) => byte,
            Ok(None) => return MQTTNoDataAvailable,
            Err(()) => return MQTTRecvFailed,
        };
        packet.r#type = type_byte;
        if !incoming_packet_valid(type_byte) {
            log_error(format_args!(
                "invalid incoming packet type {type_byte:#04x}"
            ));
            return MQTTBadResponse;
        }
        // Read the length bytes until one without the continuation bit, at
        // most four (as coreMQTT does: a fourth with the bit set fails
        // without reading a fifth); `wire` decodes them.
        let mut digits = [0u8; length::MAX_LEN_BYTES];
        let mut used = 0usize;
        let remaining = loop {
            // SAFETY: transport contract is the caller's.
            let digit = match unsafe { recv_byte(recv, pNetworkContext) } {
                Ok(Some(byte)) => byte,
                _ => return MQTTBadResponse,
            };
            let Some(slot) = digits.get_mut(used) else {
                return MQTTBadResponse;
            };
            *slot = digit;
            used += 1;
            match length::decode(digits.get(..used).unwrap_or_default()) {
                Ok((remaining, _)) => break remaining,
                Err(crate::wire::Error::Incomplete { .. }) => {}
                Err(e) => {
                    log_error(format_args!("invalid remaining length: {e}"));
                    return MQTTBadResponse;
                }
            }
        };
        packet.remainingLength = remaining;
        MQTTSuccess
    })
}

/// Decodes the type byte and remaining length of the packet at the start of
/// `pBuffer`, which holds `*pIndex` received bytes, and sets `type`,
/// `remainingLength` and `headerLength` of `*pIncomingPacket`.
///
/// Returns `MQTTBadParameter` for NULL arguments; `MQTTNoDataAvailable` when
/// `*pIndex` is 0; `MQTTNeedMoreBytes` when the length is incomplete;
/// `MQTTBadResponse` for an invalid type or length.
///
/// # Safety
/// Each pointer is NULL or valid; `pBuffer` is readable for `*pIndex` bytes.
#[no_mangle]
pub unsafe extern "C" fn MQTT_ProcessIncomingPacketTypeAndLength(
    pBuffer: *const u8,
    pIndex: *const usize,
    pIncomingPacket: *mut MQTTPacketInfo_t,
) -> MQTTStatus_t {
    guard(MQTTBadParameter, || {
        // SAFETY: NULL is checked by `as_mut`/`as_ref`; the caller guarantees validity.
        let (Some(packet), Some(&index), false) = (
            unsafe { pIncomingPacket.as_mut() },
            unsafe { pIndex.as_ref() },
            pBuffer.is_null(),
        ) else {
            return MQTTBadParameter;
        };
        // Only the type byte and at most four length bytes are looked at.
        let visible = index.min(5);
        // SAFETY: non-NULL and readable for `index` >= `visible` bytes.
        let Some(received) = (unsafe { c_bytes(pBuffer, visible) }) else {
            return MQTTBadParameter;
        };
        if let Some(&type_byte) = received.first() {
            packet.r#type = type_byte;
        }
        match decode_fixed_header(received) {
            Ok(header) => {
                packet.remainingLength = header.remaining_length;
                packet.headerLength = header.header_length;
                MQTTSuccess
            }
            Err(status) => status,
        }
    })
}

/// Sets (`set` true) or clears the DUP flag in the first byte of a serialized
/// PUBLISH. `MQTTBadParameter` when `pHeader` is NULL or not a PUBLISH.
///
/// # Safety
/// `pHeader` is NULL or points to a writable byte.
#[no_mangle]
pub unsafe extern "C" fn MQTT_UpdateDuplicatePublishFlag(
    pHeader: *mut u8,
    set: bool,
) -> MQTTStatus_t {
    guard(MQTTBadParameter, || {
        // SAFETY: NULL is checked by `as_mut`; the caller guarantees it is writable.
        let Some(first) = (unsafe { pHeader.as_mut() }) else {
            return MQTTBadParameter;
        };
        if *first & 0xF0 != MQTT_PACKET_TYPE_PUBLISH {
            return MQTTBadParameter;
        }
        if set {
            *first |= PUBLISH_FLAG_DUP;
        } else {
            *first &= !PUBLISH_FLAG_DUP;
        }
        MQTTSuccess
    })
}

/// Writes the start of a CONNECT (type byte, remaining length, protocol name,
/// level, flags, keep alive; at most 15 bytes) at `pIndex` and returns the
/// position after it. Returns NULL for a NULL argument, an invalid will QoS
/// or a remaining length over the MQTT limit.
///
/// # Safety
/// `pIndex` is NULL or writable for 15 bytes; the structs are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn MQTT_SerializeConnectFixedHeader(
    pIndex: *mut u8,
    pConnectInfo: *const MQTTConnectInfo_t,
    pWillInfo: *const MQTTPublishInfo_t,
    remainingLength: usize,
) -> *mut u8 {
    guard(core::ptr::null_mut(), || {
        // SAFETY: NULL is checked by `as_ref`; the caller guarantees validity.
        let (Some(info), false) = (unsafe { pConnectInfo.as_ref() }, pIndex.is_null()) else {
            return core::ptr::null_mut();
        };
        // Only the flags and keep alive are needed: build the views without
        // touching the strings.
        let connect = Connect {
            clean_session: info.cleanSession,
            keep_alive_seconds: info.keepAliveSeconds,
            client_id: &[],
            user_name: (!info.pUserName.is_null()).then_some(&[][..]),
            password: (!info.pPassword.is_null()).then_some(&[][..]),
        };
        // SAFETY: NULL is checked by `as_ref`.
        let will = match unsafe { pWillInfo.as_ref() } {
            None => None,
            Some(will) => match MQTTQoS::from_raw(will.qos) {
                Some(qos) => Some(Will {
                    qos,
                    retain: will.retain,
                    topic: &[],
                    payload: &[],
                }),
                None => return core::ptr::null_mut(),
            },
        };
        let Some(length) = header_length(remainingLength, CONNECT_VARIABLE_HEADER_SIZE) else {
            return core::ptr::null_mut();
        };
        // SAFETY: the caller guarantees room for this header (at most 15 bytes).
        let out = unsafe { core::slice::from_raw_parts_mut(pIndex, length) };
        match connect_fixed_header(out, &connect, will.as_ref(), remainingLength) {
            // SAFETY: `written` bytes were written inside the caller's buffer.
            Ok(written) => unsafe { pIndex.add(written) },
            Err(_) => core::ptr::null_mut(),
        }
    })
}

/// Shared body of the SUBSCRIBE/UNSUBSCRIBE header functions.
///
/// # Safety
/// `pIndex` is NULL or writable for 7 bytes.
unsafe fn subscription_header_c(
    remainingLength: usize,
    pIndex: *mut u8,
    packetId: u16,
    kind: SubscriptionKind,
) -> *mut u8 {
    if pIndex.is_null() {
        return core::ptr::null_mut();
    }
    let Some(length) = header_length(remainingLength, 2) else {
        return core::ptr::null_mut();
    };
    // SAFETY: the caller guarantees room for this header (at most 7 bytes).
    let out = unsafe { core::slice::from_raw_parts_mut(pIndex, length) };
    match subscription_header(out, kind, remainingLength, packetId) {
        // SAFETY: `written` bytes were written inside the caller's buffer.
        Ok(written) => unsafe { pIndex.add(written) },
        Err(_) => core::ptr::null_mut(),
    }
}

/// Writes the type byte, remaining length and packet identifier of a
/// SUBSCRIBE (at most 7 bytes) at `pIndex` and returns the position after
/// them; NULL for a NULL `pIndex` or a remaining length over the limit.
///
/// # Safety
/// `pIndex` is NULL or writable for 7 bytes.
#[no_mangle]
pub unsafe extern "C" fn MQTT_SerializeSubscribeHeader(
    remainingLength: usize,
    pIndex: *mut u8,
    packetId: u16,
) -> *mut u8 {
    // SAFETY: forwarded contract.
    guard(core::ptr::null_mut(), || unsafe {
        subscription_header_c(
            remainingLength,
            pIndex,
            packetId,
            SubscriptionKind::Subscribe,
        )
    })
}

/// Writes the type byte, remaining length and packet identifier of an
/// UNSUBSCRIBE (at most 7 bytes) at `pIndex` and returns the position after
/// them; NULL for a NULL `pIndex` or a remaining length over the limit.
///
/// # Safety
/// `pIndex` is NULL or writable for 7 bytes.
#[no_mangle]
pub unsafe extern "C" fn MQTT_SerializeUnsubscribeHeader(
    remainingLength: usize,
    pIndex: *mut u8,
    packetId: u16,
) -> *mut u8 {
    // SAFETY: forwarded contract.
    guard(core::ptr::null_mut(), || unsafe {
        subscription_header_c(
            remainingLength,
            pIndex,
            packetId,
            SubscriptionKind::Unsubscribe,
        )
    })
}
