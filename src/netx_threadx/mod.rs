//! The codec of the ThreadX port of the NetX Duo face (`netx-threadx`).
//!
//! In a ThreadX application the `nxd_mqtt_client_*` functions live in a thin
//! C file compiled with the application's own flags
//! (`ports/threadx/rsmqtt_nxd_mqtt_threadx.c`): it owns the thread, mutex,
//! event flags, timer, TCP socket, NetX Secure session and packet pool, all of
//! which are the application's real ThreadX/NetX objects. Every MQTT byte that
//! leaves or enters it goes through this module, which is the one codec
//! ([`crate::wire`]): packets are *encoded* here as I/O vectors (small owned
//! parts in a caller scratch buffer, topics and payloads referenced) that the
//! C side appends to an `NX_PACKET` chain, and received packets are *decoded
//! and validated* here from bytes the C side copies out of a chain.
//!
//! This module is `no_std`, uses no heap and names no ThreadX or NetX symbol:
//! the library built with it exports `rsmqtt_nxd_*` functions only, so it can
//! sit next to the application's real NetX Duo and NetX Secure.
//!
//! Every function checks the pointers and lengths C hands it and returns a
//! status ([`RSMQTT_NXD_OK`], ...) instead of panicking.
#![allow(unsafe_code)] // the C boundary: raw pointers from C

use core::slice;

use crate::wire::{
    self, length, raw, string, Connect, ConnectReturnCode, Packet, PacketType, PublishParts, QoS,
    Will,
};

/// Success.
pub const RSMQTT_NXD_OK: u32 = 0;
/// The arguments cannot make a valid MQTT 3.1.1 packet (null pointer, string
/// that is not UTF-8, wildcard in a topic name, field longer than 65 535
/// bytes, buffer too small...).
pub const RSMQTT_NXD_INVALID: u32 = 1;
/// The bytes given end before the packet (or its fixed header) does.
pub const RSMQTT_NXD_PARTIAL: u32 = 2;
/// The received bytes break MQTT 3.1.1: the connection should be closed.
pub const RSMQTT_NXD_MALFORMED: u32 = 3;

/// Scratch bytes [`rsmqtt_nxd_connect_encode`] needs.
pub const RSMQTT_NXD_CONNECT_SCRATCH: u32 = 40;
/// I/O vector slots [`rsmqtt_nxd_connect_encode`] may fill.
pub const RSMQTT_NXD_CONNECT_VECTORS: u32 = 16;
/// Scratch bytes [`rsmqtt_nxd_publish_encode`] needs.
pub const RSMQTT_NXD_PUBLISH_SCRATCH: u32 = 9;
/// I/O vector slots [`rsmqtt_nxd_publish_encode`] may fill.
pub const RSMQTT_NXD_PUBLISH_VECTORS: u32 = 4;
// Literals above so that the C header shows the numbers; the codec's own
// constants must agree.
const _: () = assert!(RSMQTT_NXD_PUBLISH_SCRATCH as usize == wire::PUBLISH_SCRATCH_LEN);
const _: () = assert!(RSMQTT_NXD_PUBLISH_VECTORS as usize == wire::PUBLISH_MAX_VECTORS);
/// Scratch bytes the SUBSCRIBE/UNSUBSCRIBE encoders need.
pub const RSMQTT_NXD_SUB_SCRATCH: u32 = 16;
/// I/O vector slots the SUBSCRIBE/UNSUBSCRIBE encoders may fill.
pub const RSMQTT_NXD_SUB_VECTORS: u32 = 8;

/// One I/O vector of an encoded packet: `len` bytes at `ptr`. Concatenated in
/// order, the vectors are the packet.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct RsmqttNxdSlice {
    /// First byte (in the scratch buffer or in the caller's own data).
    pub ptr: *const u8,
    /// Number of bytes.
    pub len: u32,
}

/// What a CONNECT carries. A null pointer means "absent" for the optional
/// fields (user name, password, will topic); lengths go with their pointers.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct RsmqttNxdConnect {
    /// Client identifier bytes (UTF-8); may be null when `client_id_len` is 0.
    pub client_id: *const u8,
    /// Client identifier length.
    pub client_id_len: u32,
    /// User name, or null.
    pub username: *const u8,
    /// User name length.
    pub username_len: u32,
    /// Password, or null; only sent with a user name (3.1.2.9).
    pub password: *const u8,
    /// Password length.
    pub password_len: u32,
    /// Will topic, or null for no will.
    pub will_topic: *const u8,
    /// Will topic length.
    pub will_topic_len: u32,
    /// Will message (may be null when its length is 0).
    pub will_message: *const u8,
    /// Will message length.
    pub will_message_len: u32,
    /// Will QoS (0, 1, 2).
    pub will_qos: u8,
    /// Will retain flag (non-zero: set).
    pub will_retain: u8,
    /// Clean session flag (non-zero: set).
    pub clean_session: u8,
    /// Keep alive, seconds.
    pub keep_alive: u16,
}

/// A parsed fixed header.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct RsmqttNxdHeader {
    /// Packet type (1..14).
    pub packet_type: u8,
    /// Low nibble of the first byte.
    pub flags: u8,
    /// Size of the fixed header, 2 to 5 bytes.
    pub header_len: u32,
    /// Bytes after the fixed header.
    pub remaining_length: u32,
}

/// Where the parts of a received PUBLISH are, as offsets from its first byte.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct RsmqttNxdPublishInfo {
    /// QoS (0, 1, 2).
    pub qos: u8,
    /// RETAIN flag.
    pub retain: u8,
    /// DUP flag.
    pub dup: u8,
    /// Packet identifier (0 for QoS 0).
    pub packet_id: u16,
    /// Offset of the topic name's first byte.
    pub topic_offset: u32,
    /// Topic name length.
    pub topic_len: u32,
    /// Offset of the payload's first byte.
    pub payload_offset: u32,
    /// Payload length.
    pub payload_len: u32,
}

/// Borrows `len` bytes at `ptr`; null is accepted only for an empty slice.
///
/// # Safety
/// A non-null `ptr` must be valid for `len` bytes for `'a`.
unsafe fn bytes<'a>(ptr: *const u8, len: u32) -> Option<&'a [u8]> {
    // SAFETY: forwarded contract.
    unsafe { crate::ffi::c_bytes(ptr, usize::try_from(len).ok()?) }
}

/// Like [`bytes`] but the text must be an MQTT UTF-8 string.
///
/// # Safety
/// As [`bytes`].
unsafe fn text<'a>(ptr: *const u8, len: u32) -> Option<&'a str> {
    // SAFETY: forwarded contract.
    let raw = unsafe { bytes(ptr, len) }?;
    string::validate_bytes(raw).ok()
}

/// Writes the vectors of one encoded packet to C's array.
///
/// # Safety
/// `out` valid for `out_len` elements, `count` valid for one write.
unsafe fn put_vectors(
    parts: &[&[u8]],
    out: *mut RsmqttNxdSlice,
    out_len: u32,
    count: *mut u32,
) -> u32 {
    let Ok(n) = u32::try_from(parts.len()) else {
        return RSMQTT_NXD_INVALID;
    };
    if out.is_null() || count.is_null() || n > out_len {
        return RSMQTT_NXD_INVALID;
    }
    for (i, part) in parts.iter().enumerate() {
        let Ok(len) = u32::try_from(part.len()) else {
            return RSMQTT_NXD_INVALID;
        };
        // SAFETY: i < n <= out_len, `out` valid for out_len elements.
        unsafe {
            out.add(i).write(RsmqttNxdSlice {
                ptr: part.as_ptr(),
                len,
            })
        };
    }
    // SAFETY: `count` is non-null and writable by contract.
    unsafe { count.write(n) };
    RSMQTT_NXD_OK
}

/// Encodes a packet of the wire codec as vectors (scratch + borrowed data).
///
/// # Safety
/// `scratch` valid for `scratch_len` bytes; `out`/`count` as [`put_vectors`].
unsafe fn vectored<'a, const N: usize>(
    encode: impl FnOnce(&'a mut [u8], &mut [&'a [u8]]) -> Result<usize, wire::Error>,
    scratch: *mut u8,
    scratch_len: u32,
    out: *mut RsmqttNxdSlice,
    out_len: u32,
    count: *mut u32,
) -> u32 {
    if scratch.is_null() {
        return RSMQTT_NXD_INVALID;
    }
    let Ok(scratch_len) = usize::try_from(scratch_len) else {
        return RSMQTT_NXD_INVALID;
    };
    // SAFETY: C gives a writable buffer of scratch_len bytes that outlives
    // the vectors (it reads them right after this call returns).
    let scratch = unsafe { slice::from_raw_parts_mut(scratch, scratch_len) };
    let mut parts: [&[u8]; N] = [&[]; N];
    match encode(scratch, &mut parts) {
        // SAFETY: forwarded contract.
        Ok(used) => match parts.get(..used) {
            Some(used) => unsafe { put_vectors(used, out, out_len, count) },
            None => RSMQTT_NXD_INVALID,
        },
        Err(_) => RSMQTT_NXD_INVALID,
    }
}

fn qos(value: u8) -> Option<QoS> {
    QoS::from_u8(value).ok()
}

/// Encodes the CONNECT described by `connect` as I/O vectors: at most
/// [`RSMQTT_NXD_CONNECT_VECTORS`] in `out`, owned bytes in `scratch` (at
/// least [`RSMQTT_NXD_CONNECT_SCRATCH`] bytes), the strings referenced.
/// Returns [`RSMQTT_NXD_INVALID`] when a field breaks MQTT 3.1.1 (not UTF-8,
/// will topic with a wildcard, longer than 65 535 bytes...).
///
/// # Safety
/// Every non-null pointer must be valid for its length; `scratch` writable
/// for `scratch_len` bytes, `out` for `out_len` elements, `count` for one.
#[no_mangle]
pub unsafe extern "C" fn rsmqtt_nxd_connect_encode(
    connect: *const RsmqttNxdConnect,
    scratch: *mut u8,
    scratch_len: u32,
    out: *mut RsmqttNxdSlice,
    out_len: u32,
    count: *mut u32,
) -> u32 {
    // SAFETY: C passes a valid block or null.
    let Some(c) = (unsafe { connect.as_ref() }) else {
        return RSMQTT_NXD_INVALID;
    };
    // SAFETY (all four): pointer/length pairs from C, checked for null.
    let Some(client_id) = (unsafe { text(c.client_id, c.client_id_len) }) else {
        return RSMQTT_NXD_INVALID;
    };
    let username = if c.username.is_null() {
        None
    } else {
        match unsafe { text(c.username, c.username_len) } {
            Some(name) => Some(name),
            None => return RSMQTT_NXD_INVALID,
        }
    };
    let password = if c.password.is_null() || username.is_none() {
        None
    } else {
        match unsafe { bytes(c.password, c.password_len) } {
            Some(p) => Some(p),
            None => return RSMQTT_NXD_INVALID,
        }
    };
    let will = if c.will_topic.is_null() {
        None
    } else {
        let (Some(topic), Some(message), Some(will_qos)) = (
            unsafe { text(c.will_topic, c.will_topic_len) },
            unsafe { bytes(c.will_message, c.will_message_len) },
            qos(c.will_qos),
        ) else {
            return RSMQTT_NXD_INVALID;
        };
        Some(Will {
            topic,
            message,
            qos: will_qos,
            retain: c.will_retain != 0,
        })
    };
    let packet = Connect {
        client_id,
        clean_session: c.clean_session != 0,
        keep_alive: c.keep_alive,
        will,
        username,
        password,
    };
    // SAFETY: forwarded contract.
    unsafe {
        vectored::<{ RSMQTT_NXD_CONNECT_VECTORS as usize }>(
            |s, o| packet.encode_vectored(s, o),
            scratch,
            scratch_len,
            out,
            out_len,
            count,
        )
    }
}

/// Builds a packet whose variable part is `[u16 id] [u16-prefixed binary field] [tail]`
/// or, for PUBLISH, `[u16-prefixed topic] [u16 id] payload`, as vectors: the
/// fixed header (written by [`raw::RawWriter`]) and the
/// small fields in `scratch`, the topic/filter and payload referenced.
///
/// NetX Duo's API takes topics and filters as bytes plus a length and its
/// original client sends them as they are; so does this face (NetX Duo's own
/// tests publish topics made of every byte value). The structure is still
/// checked: non-empty field of at most 65 535 bytes, remaining length within
/// MQTT's 268 435 455.
struct Layout<'a> {
    first: u8,
    /// PUBLISH: field first, then the identifier; others: identifier first.
    field_first: bool,
    packet_id: Option<u16>,
    field: &'a [u8],
    /// SUBSCRIBE's requested QoS byte.
    tail: Option<u8>,
    payload: &'a [u8],
}

impl Layout<'_> {
    fn remaining(&self) -> Option<usize> {
        let mut len = 2usize.checked_add(self.field.len())?;
        if self.packet_id.is_some() {
            len = len.checked_add(2)?;
        }
        if self.tail.is_some() {
            len = len.checked_add(1)?;
        }
        len.checked_add(self.payload.len())
    }
}

/// # Safety
/// `scratch` writable for `scratch_len` bytes; `out` for `out_len` elements;
/// `count` for one. The vectors point into `scratch` and the layout's data.
unsafe fn encode_layout(
    layout: &Layout<'_>,
    scratch: *mut u8,
    scratch_len: u32,
    out: *mut RsmqttNxdSlice,
    out_len: u32,
    count: *mut u32,
) -> u32 {
    let Ok(field_len) = u16::try_from(layout.field.len()) else {
        return RSMQTT_NXD_INVALID;
    };
    if field_len == 0 || layout.packet_id == Some(0) || scratch.is_null() {
        return RSMQTT_NXD_INVALID;
    }
    let Some(remaining) = layout.remaining() else {
        return RSMQTT_NXD_INVALID;
    };
    // Fixed header, then the small fields in wire order, through the one
    // raw writer; `head` is where the field (topic or filter) goes.
    let mut small = [0u8; raw::FIXED_HEADER_MAX_LEN + 2 + 2 + 1];
    let mut w = raw::RawWriter::new(&mut small);
    let head = (|| -> Result<usize, raw::RawError> {
        w.fixed_header(layout.first, remaining)?;
        if layout.field_first {
            w.u16(field_len)?;
            let head = w.position();
            if let Some(id) = layout.packet_id {
                w.u16(id)?;
            }
            Ok(head)
        } else {
            if let Some(id) = layout.packet_id {
                w.u16(id)?;
            }
            w.u16(field_len)?;
            let head = w.position();
            if let Some(q) = layout.tail {
                w.byte(q)?;
            }
            Ok(head)
        }
    })();
    let at = w.position();
    let Ok(head) = head else {
        return RSMQTT_NXD_INVALID;
    };
    let Ok(scratch_len) = usize::try_from(scratch_len) else {
        return RSMQTT_NXD_INVALID;
    };
    if scratch_len < at {
        return RSMQTT_NXD_INVALID;
    }
    // SAFETY: C gives `scratch_len` >= `at` writable bytes that outlive the
    // vectors.
    let scratch = unsafe { slice::from_raw_parts_mut(scratch, at) };
    let Some(src) = small.get(..at) else {
        return RSMQTT_NXD_INVALID;
    };
    scratch.copy_from_slice(src);
    let (before, after) = scratch.split_at(head);
    let mut parts: [&[u8]; 4] = [&[]; 4];
    let mut used = 0usize;
    for part in [before, layout.field, after, layout.payload] {
        if !part.is_empty() {
            if let Some(slot) = parts.get_mut(used) {
                *slot = part;
                used = used.saturating_add(1);
            }
        }
    }
    match parts.get(..used) {
        // SAFETY: forwarded contract.
        Some(parts) => unsafe { put_vectors(parts, out, out_len, count) },
        None => RSMQTT_NXD_INVALID,
    }
}

/// Encodes a PUBLISH as at most [`RSMQTT_NXD_PUBLISH_VECTORS`] vectors
/// (fixed header, topic length and packet identifier in `scratch`, which
/// must hold [`RSMQTT_NXD_PUBLISH_SCRATCH`] bytes; topic and payload
/// referenced). `packet_id` must be non-zero for QoS 1 and 2 and `dup` is
/// only allowed with them. The topic is sent as the bytes given (see
/// [`Layout`]); it must be 1 to 65 535 bytes.
///
/// # Safety
/// `topic` valid for `topic_len` bytes, `payload` for `payload_len` (or null
/// when 0); `scratch`, `out` (`out_len` elements) and `count` writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // one C call per packet, plain values
pub unsafe extern "C" fn rsmqtt_nxd_publish_encode(
    topic: *const u8,
    topic_len: u32,
    payload: *const u8,
    payload_len: u32,
    qos_value: u8,
    retain: u8,
    dup: u8,
    packet_id: u16,
    scratch: *mut u8,
    scratch_len: u32,
    out: *mut RsmqttNxdSlice,
    out_len: u32,
    count: *mut u32,
) -> u32 {
    // SAFETY: pointer/length pairs from C.
    let (Some(topic), Some(payload), Some(qos)) = (
        unsafe { bytes(topic, topic_len) },
        unsafe { bytes(payload, payload_len) },
        qos(qos_value),
    ) else {
        return RSMQTT_NXD_INVALID;
    };
    if dup != 0 && qos == QoS::AtMostOnce {
        return RSMQTT_NXD_INVALID;
    }
    let first = (PacketType::Publish as u8) << 4
        | qos.as_u8() << 1
        | if dup != 0 { 0x08 } else { 0 }
        | u8::from(retain != 0);
    let layout = Layout {
        first,
        field_first: true,
        packet_id: (qos != QoS::AtMostOnce).then_some(packet_id),
        field: topic,
        tail: None,
        payload,
    };
    // SAFETY: forwarded contract.
    unsafe { encode_layout(&layout, scratch, scratch_len, out, out_len, count) }
}

/// Encodes a SUBSCRIBE for one topic filter (bytes as given, 1 to 65 535)
/// at `qos` (0..2) with `packet_id` (non-zero) as vectors; `scratch` holds
/// at least [`RSMQTT_NXD_SUB_SCRATCH`] bytes, `out` [`RSMQTT_NXD_SUB_VECTORS`]
/// slots.
///
/// # Safety
/// `filter` valid for `filter_len` bytes; `scratch`, `out`, `count` writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn rsmqtt_nxd_subscribe_encode(
    filter: *const u8,
    filter_len: u32,
    qos_value: u8,
    packet_id: u16,
    scratch: *mut u8,
    scratch_len: u32,
    out: *mut RsmqttNxdSlice,
    out_len: u32,
    count: *mut u32,
) -> u32 {
    // SAFETY: pointer/length pair from C.
    let (Some(filter), Some(qos)) = (unsafe { bytes(filter, filter_len) }, qos(qos_value)) else {
        return RSMQTT_NXD_INVALID;
    };
    let layout = Layout {
        first: (PacketType::Subscribe as u8) << 4 | 0x02,
        field_first: false,
        packet_id: Some(packet_id),
        field: filter,
        tail: Some(qos.as_u8()),
        payload: &[],
    };
    // SAFETY: forwarded contract.
    unsafe { encode_layout(&layout, scratch, scratch_len, out, out_len, count) }
}

/// Encodes an UNSUBSCRIBE for one topic filter, like
/// [`rsmqtt_nxd_subscribe_encode`].
///
/// # Safety
/// As [`rsmqtt_nxd_subscribe_encode`].
#[no_mangle]
pub unsafe extern "C" fn rsmqtt_nxd_unsubscribe_encode(
    filter: *const u8,
    filter_len: u32,
    packet_id: u16,
    scratch: *mut u8,
    scratch_len: u32,
    out: *mut RsmqttNxdSlice,
    out_len: u32,
    count: *mut u32,
) -> u32 {
    // SAFETY: pointer/length pair from C.
    let Some(filter) = (unsafe { bytes(filter, filter_len) }) else {
        return RSMQTT_NXD_INVALID;
    };
    let layout = Layout {
        first: (PacketType::Unsubscribe as u8) << 4 | 0x02,
        field_first: false,
        packet_id: Some(packet_id),
        field: filter,
        tail: None,
        payload: &[],
    };
    // SAFETY: forwarded contract.
    unsafe { encode_layout(&layout, scratch, scratch_len, out, out_len, count) }
}

/// Encodes one of the short packets into `out` (4 bytes) and stores its
/// length in `len`: PUBACK, PUBREC, PUBREL, PUBCOMP (with `packet_id`,
/// non-zero), PINGREQ or DISCONNECT (`packet_id` ignored).
///
/// # Safety
/// `out` writable for 4 bytes, `len` for one `u32`.
#[no_mangle]
pub unsafe extern "C" fn rsmqtt_nxd_short_encode(
    packet_type: u8,
    packet_id: u16,
    out: *mut u8,
    len: *mut u32,
) -> u32 {
    if out.is_null() || len.is_null() {
        return RSMQTT_NXD_INVALID;
    }
    // SAFETY: C gives 4 writable bytes.
    let buf = unsafe { slice::from_raw_parts_mut(out, 4) };
    let packet = match PacketType::from_u8(packet_type) {
        Ok(PacketType::PubAck) => Packet::PubAck(wire::PubAck { packet_id }),
        Ok(PacketType::PubRec) => Packet::PubRec(wire::PubRec { packet_id }),
        Ok(PacketType::PubRel) => Packet::PubRel(wire::PubRel { packet_id }),
        Ok(PacketType::PubComp) => Packet::PubComp(wire::PubComp { packet_id }),
        Ok(PacketType::PingReq) => Packet::PingReq(wire::PingReq),
        Ok(PacketType::Disconnect) => Packet::Disconnect(wire::Disconnect),
        _ => return RSMQTT_NXD_INVALID,
    };
    match packet.encode(buf).map(u32::try_from) {
        Ok(Ok(n)) => {
            // SAFETY: `len` non-null and writable.
            unsafe { len.write(n) };
            RSMQTT_NXD_OK
        }
        _ => RSMQTT_NXD_INVALID,
    }
}

/// Encodes `value` as an MQTT remaining length (1 to 4 bytes) into `out`.
///
/// # Safety
/// `out` writable for 4 bytes, `len` for one `u32`.
#[no_mangle]
pub unsafe extern "C" fn rsmqtt_nxd_remaining_length_encode(
    value: u32,
    out: *mut u8,
    len: *mut u32,
) -> u32 {
    if out.is_null() || len.is_null() {
        return RSMQTT_NXD_INVALID;
    }
    let mut tmp = [0u8; length::MAX_LEN_BYTES];
    let Ok(value) = usize::try_from(value) else {
        return RSMQTT_NXD_INVALID;
    };
    match length::encode(value, &mut tmp) {
        Ok(n) => {
            let Some(used) = tmp.get(..n) else {
                return RSMQTT_NXD_INVALID;
            };
            // SAFETY: `out` writable for 4 >= n bytes; `len` writable.
            unsafe {
                core::ptr::copy_nonoverlapping(used.as_ptr(), out, used.len());
                len.write(n as u32);
            }
            RSMQTT_NXD_OK
        }
        Err(_) => RSMQTT_NXD_INVALID,
    }
}

/// Decodes the remaining length field at the start of `buf` (`len` bytes):
/// its value and the number of bytes it takes (1 to 4).
/// [`RSMQTT_NXD_PARTIAL`] when `buf` ends inside it, [`RSMQTT_NXD_MALFORMED`]
/// for a fifth byte or a non-minimal form.
///
/// # Safety
/// `buf` valid for `len` bytes; outputs writable.
#[no_mangle]
pub unsafe extern "C" fn rsmqtt_nxd_remaining_length_decode(
    buf: *const u8,
    len: u32,
    value: *mut u32,
    used: *mut u32,
) -> u32 {
    // SAFETY: pointer/length pair from C.
    let Some(input) = (unsafe { bytes(buf, len) }) else {
        return RSMQTT_NXD_INVALID;
    };
    if value.is_null() || used.is_null() {
        return RSMQTT_NXD_INVALID;
    }
    match length::decode(input) {
        Ok((v, n)) => {
            let (Ok(v), Ok(n)) = (u32::try_from(v), u32::try_from(n)) else {
                return RSMQTT_NXD_MALFORMED;
            };
            // SAFETY: non-null, writable.
            unsafe {
                value.write(v);
                used.write(n);
            }
            RSMQTT_NXD_OK
        }
        Err(wire::Error::Incomplete { .. }) => RSMQTT_NXD_PARTIAL,
        Err(_) => RSMQTT_NXD_MALFORMED,
    }
}

/// Parses the fixed header at the start of `buf` (`len` bytes, 0 to 5 are
/// enough). [`RSMQTT_NXD_PARTIAL`] when more bytes are needed,
/// [`RSMQTT_NXD_MALFORMED`] for a reserved type, wrong flags (Table 2.2) or
/// a bad remaining length. One leniency: a PUBREL with flags 0 instead of 2
/// is accepted (some brokers and NetX Duo's own test broker send it).
///
/// # Safety
/// `buf` valid for `len` bytes; `header` writable.
#[no_mangle]
pub unsafe extern "C" fn rsmqtt_nxd_fixed_header(
    buf: *const u8,
    len: u32,
    header: *mut RsmqttNxdHeader,
) -> u32 {
    // SAFETY: pointer/length pair from C.
    let Some(input) = (unsafe { bytes(buf, len) }) else {
        return RSMQTT_NXD_INVALID;
    };
    if header.is_null() {
        return RSMQTT_NXD_INVALID;
    }
    let mut first5 = [0u8; 5];
    let n = input.len().min(5);
    let (Some(dst), Some(src)) = (first5.get_mut(..n), input.get(..n)) else {
        return RSMQTT_NXD_INVALID;
    };
    dst.copy_from_slice(src);
    if first5[0] == 0x60 {
        first5[0] = 0x62;
    }
    let Some(head) = first5.get(..n) else {
        return RSMQTT_NXD_INVALID;
    };
    match wire::FixedHeader::peek(head) {
        Ok(h) => {
            let (Ok(rl), Ok(hl)) = (
                u32::try_from(h.remaining_length),
                u32::try_from(h.header_len),
            ) else {
                return RSMQTT_NXD_MALFORMED;
            };
            // SAFETY: non-null, writable.
            unsafe {
                header.write(RsmqttNxdHeader {
                    packet_type: h.packet_type as u8,
                    flags: h.flags,
                    header_len: hl,
                    remaining_length: rl,
                })
            };
            RSMQTT_NXD_OK
        }
        Err(wire::Error::Incomplete { .. }) => RSMQTT_NXD_PARTIAL,
        Err(_) => RSMQTT_NXD_MALFORMED,
    }
}

/// Decodes a whole CONNACK (`len` bytes from its first byte). Reserved bits
/// of the acknowledge flags are ignored.
///
/// # Safety
/// `buf` valid for `len` bytes; both outputs writable.
#[no_mangle]
pub unsafe extern "C" fn rsmqtt_nxd_connack_decode(
    buf: *const u8,
    len: u32,
    session_present: *mut u8,
    return_code: *mut u8,
) -> u32 {
    // SAFETY: pointer/length pair from C.
    let Some(input) = (unsafe { bytes(buf, len) }) else {
        return RSMQTT_NXD_INVALID;
    };
    if session_present.is_null() || return_code.is_null() {
        return RSMQTT_NXD_INVALID;
    }
    // One leniency, as NetX Duo's original client has it: the reserved bits
    // 7-1 of the acknowledge flags (3.2.2.1) are ignored, only Session
    // Present is read (NetX Duo's own tests send uninitialised flags).
    let mut copy = [0u8; 4];
    if input.len() != copy.len() {
        return if input.len() < copy.len() {
            RSMQTT_NXD_PARTIAL
        } else {
            RSMQTT_NXD_MALFORMED
        };
    }
    copy.copy_from_slice(input);
    copy[2] &= 0x01;
    match wire::ConnAck::decode(&copy) {
        Ok((ack, 4)) => {
            let code = match ack.return_code {
                ConnectReturnCode::Accepted => 0,
                ConnectReturnCode::UnacceptableProtocolVersion => 1,
                ConnectReturnCode::IdentifierRejected => 2,
                ConnectReturnCode::ServerUnavailable => 3,
                ConnectReturnCode::BadUserNameOrPassword => 4,
                ConnectReturnCode::NotAuthorized => 5,
            };
            // SAFETY: non-null, writable.
            unsafe {
                session_present.write(u8::from(ack.session_present));
                return_code.write(code);
            }
            RSMQTT_NXD_OK
        }
        Err(wire::Error::Incomplete { .. }) => RSMQTT_NXD_PARTIAL,
        _ => RSMQTT_NXD_MALFORMED,
    }
}

/// Decodes a whole PUBACK, PUBREC, PUBREL (flags 0 tolerated), PUBCOMP or
/// UNSUBACK and returns its packet identifier.
///
/// # Safety
/// `buf` valid for `len` bytes; `packet_id` writable.
#[no_mangle]
pub unsafe extern "C" fn rsmqtt_nxd_ack_decode(
    buf: *const u8,
    len: u32,
    packet_id: *mut u16,
) -> u32 {
    // SAFETY: pointer/length pair from C.
    let Some(input) = (unsafe { bytes(buf, len) }) else {
        return RSMQTT_NXD_INVALID;
    };
    if packet_id.is_null() {
        return RSMQTT_NXD_INVALID;
    }
    let mut copy = [0u8; 4];
    if input.len() != 4 {
        return RSMQTT_NXD_MALFORMED;
    }
    copy.copy_from_slice(input);
    if copy[0] == 0x60 {
        copy[0] = 0x62;
    }
    let id = match wire::decode(&copy) {
        Ok((Packet::PubAck(a), 4)) => a.packet_id,
        Ok((Packet::PubRec(a), 4)) => a.packet_id,
        Ok((Packet::PubRel(a), 4)) => a.packet_id,
        Ok((Packet::PubComp(a), 4)) => a.packet_id,
        Ok((Packet::UnsubAck(a), 4)) => a.packet_id,
        _ => return RSMQTT_NXD_MALFORMED,
    };
    // SAFETY: non-null, writable.
    unsafe { packet_id.write(id) };
    RSMQTT_NXD_OK
}

/// Decodes a whole SUBACK for one topic filter: its packet identifier and
/// return code (0, 1, 2 or 0x80).
///
/// # Safety
/// `buf` valid for `len` bytes; outputs writable.
#[no_mangle]
pub unsafe extern "C" fn rsmqtt_nxd_suback_decode(
    buf: *const u8,
    len: u32,
    packet_id: *mut u16,
    return_code: *mut u8,
) -> u32 {
    // SAFETY: pointer/length pair from C.
    let Some(input) = (unsafe { bytes(buf, len) }) else {
        return RSMQTT_NXD_INVALID;
    };
    if packet_id.is_null() || return_code.is_null() {
        return RSMQTT_NXD_INVALID;
    }
    match wire::SubAck::decode(input) {
        Ok((ack, used)) if used == input.len() && ack.return_codes.len() == 1 => {
            let code = ack.return_codes.first().copied().unwrap_or(0x80);
            // SAFETY: non-null, writable.
            unsafe {
                packet_id.write(ack.packet_id);
                return_code.write(code);
            }
            RSMQTT_NXD_OK
        }
        _ => RSMQTT_NXD_MALFORMED,
    }
}

/// Locates and validates the parts of a received PUBLISH of `packet_len`
/// bytes, given its first `head_len` bytes in `head` (at least the fixed
/// header, topic and packet identifier; the payload need not be there).
/// Checks QoS, DUP with QoS 0, a non-empty topic, a non-zero packet
/// identifier and the lengths (the topic's bytes are not interpreted).
/// [`RSMQTT_NXD_PARTIAL`] when `head` ends before the packet identifier
/// while the packet goes on.
///
/// # Safety
/// `head` valid for `head_len` bytes; `info` writable.
#[no_mangle]
pub unsafe extern "C" fn rsmqtt_nxd_publish_decode(
    head: *const u8,
    head_len: u32,
    packet_len: u32,
    info: *mut RsmqttNxdPublishInfo,
) -> u32 {
    // SAFETY: pointer/length pair from C.
    let Some(input) = (unsafe { bytes(head, head_len) }) else {
        return RSMQTT_NXD_INVALID;
    };
    if info.is_null() || head_len > packet_len {
        return RSMQTT_NXD_INVALID;
    }
    let header = match wire::FixedHeader::peek(input) {
        Ok(h) => h,
        Err(wire::Error::Incomplete { .. }) => return RSMQTT_NXD_PARTIAL,
        Err(_) => return RSMQTT_NXD_MALFORMED,
    };
    if header.packet_type != PacketType::Publish
        || u32::try_from(header.packet_len()).ok() != Some(packet_len)
    {
        return RSMQTT_NXD_MALFORMED;
    }
    let Some(qos) = qos((header.flags >> 1) & 3) else {
        return RSMQTT_NXD_MALFORMED;
    };
    let dup = header.flags & 0x08 != 0;
    if dup && qos == QoS::AtMostOnce {
        return RSMQTT_NXD_MALFORMED;
    }
    let has_id = qos != QoS::AtMostOnce;
    let Some(body) = input.get(header.header_len..) else {
        return RSMQTT_NXD_PARTIAL;
    };
    let parts = match PublishParts::split(has_id, body) {
        Ok(parts) => parts,
        // The head ends inside the topic or identifier: either C gave too
        // little or the packet is shorter than its topic length says.
        Err(_) if head_len < packet_len => return RSMQTT_NXD_PARTIAL,
        Err(_) => return RSMQTT_NXD_MALFORMED,
    };
    // The topic's bytes are handed over as they are, like NetX Duo's
    // original (its API is bytes plus a length): only the structure counts.
    if parts.topic.is_empty() || parts.packet_id == Some(0) {
        return RSMQTT_NXD_MALFORMED;
    }
    let topic_offset = header.header_len.saturating_add(2);
    let payload_offset = topic_offset
        .saturating_add(parts.topic.len())
        .saturating_add(if has_id { 2 } else { 0 });
    let payload_len = header.packet_len().saturating_sub(payload_offset);
    let (Ok(topic_offset), Ok(topic_len), Ok(payload_offset), Ok(payload_len)) = (
        u32::try_from(topic_offset),
        u32::try_from(parts.topic.len()),
        u32::try_from(payload_offset),
        u32::try_from(payload_len),
    ) else {
        return RSMQTT_NXD_MALFORMED;
    };
    // SAFETY: non-null, writable.
    unsafe {
        info.write(RsmqttNxdPublishInfo {
            qos: qos.as_u8(),
            retain: header.flags & 1,
            dup: u8::from(dup),
            packet_id: parts.packet_id.unwrap_or(0),
            topic_offset,
            topic_len,
            payload_offset,
            payload_len,
        })
    };
    RSMQTT_NXD_OK
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gather(v: &[RsmqttNxdSlice], n: u32) -> [u8; 256] {
        let mut out = [0u8; 256];
        let mut at = 0;
        for s in &v[..n as usize] {
            let part = unsafe { slice::from_raw_parts(s.ptr, s.len as usize) };
            out[at..at + part.len()].copy_from_slice(part);
            at += part.len();
        }
        out
    }

    #[test]
    fn publish_round_trip_through_decode() {
        let mut scratch = [0u8; RSMQTT_NXD_PUBLISH_SCRATCH as usize];
        let mut v = [RsmqttNxdSlice {
            ptr: core::ptr::null(),
            len: 0,
        }; 4];
        let mut n = 0;
        let topic = b"a/b";
        let payload = b"hello";
        let rc = unsafe {
            rsmqtt_nxd_publish_encode(
                topic.as_ptr(),
                3,
                payload.as_ptr(),
                5,
                2,
                0,
                0,
                9,
                scratch.as_mut_ptr(),
                scratch.len() as u32,
                v.as_mut_ptr(),
                4,
                &mut n,
            )
        };
        assert_eq!(rc, RSMQTT_NXD_OK);
        let bytes = gather(&v, n);
        let total = 2 + 2 + 3 + 2 + 5;
        assert_eq!(&bytes[..total], b"\x34\x0c\x00\x03a/b\x00\x09hello");
        let mut info = RsmqttNxdPublishInfo::default();
        let rc = unsafe {
            rsmqtt_nxd_publish_decode(bytes.as_ptr(), total as u32, total as u32, &mut info)
        };
        assert_eq!(rc, RSMQTT_NXD_OK);
        assert_eq!(
            (info.qos, info.packet_id, info.topic_offset, info.topic_len),
            (2, 9, 4, 3)
        );
        assert_eq!((info.payload_offset, info.payload_len), (9, 5));
        // An empty topic or a zero identifier is refused both ways.
        let rc = unsafe {
            rsmqtt_nxd_publish_encode(
                b"a".as_ptr(),
                0,
                core::ptr::null(),
                0,
                0,
                0,
                0,
                0,
                scratch.as_mut_ptr(),
                scratch.len() as u32,
                v.as_mut_ptr(),
                4,
                &mut n,
            )
        };
        assert_eq!(rc, RSMQTT_NXD_INVALID);
        let bad = b"\x32\x05\x00\x01a\x00\x00";
        let rc = unsafe { rsmqtt_nxd_publish_decode(bad.as_ptr(), 7, 7, &mut info) };
        assert_eq!(rc, RSMQTT_NXD_MALFORMED);
        // A topic longer than the packet is malformed.
        let short = b"\x30\x03\x00\x05a";
        let rc = unsafe { rsmqtt_nxd_publish_decode(short.as_ptr(), 5, 5, &mut info) };
        assert_eq!(rc, RSMQTT_NXD_MALFORMED);
    }

    #[test]
    fn subscribe_and_unsubscribe_bytes() {
        let mut scratch = [0u8; RSMQTT_NXD_SUB_SCRATCH as usize];
        let mut v = [RsmqttNxdSlice {
            ptr: core::ptr::null(),
            len: 0,
        }; RSMQTT_NXD_SUB_VECTORS as usize];
        let mut n = 0;
        let rc = unsafe {
            rsmqtt_nxd_subscribe_encode(
                b"a/+".as_ptr(),
                3,
                1,
                0x0102,
                scratch.as_mut_ptr(),
                16,
                v.as_mut_ptr(),
                8,
                &mut n,
            )
        };
        assert_eq!(rc, RSMQTT_NXD_OK);
        assert_eq!(&gather(&v, n)[..10], b"\x82\x08\x01\x02\x00\x03a/+\x01");
        let rc = unsafe {
            rsmqtt_nxd_unsubscribe_encode(
                b"a/+".as_ptr(),
                3,
                7,
                scratch.as_mut_ptr(),
                16,
                v.as_mut_ptr(),
                8,
                &mut n,
            )
        };
        assert_eq!(rc, RSMQTT_NXD_OK);
        assert_eq!(&gather(&v, n)[..9], b"\xa2\x07\x00\x07\x00\x03a/+");
        let rc = unsafe {
            rsmqtt_nxd_unsubscribe_encode(
                b"a".as_ptr(),
                1,
                0,
                scratch.as_mut_ptr(),
                16,
                v.as_mut_ptr(),
                8,
                &mut n,
            )
        };
        assert_eq!(rc, RSMQTT_NXD_INVALID);
    }

    #[test]
    fn short_packets_and_pubrel_leniency() {
        let mut out = [0u8; 4];
        let mut len = 0;
        assert_eq!(
            unsafe { rsmqtt_nxd_short_encode(6, 0x1234, out.as_mut_ptr(), &mut len) },
            0
        );
        assert_eq!(&out[..len as usize], b"\x62\x02\x12\x34");
        let mut id = 0;
        assert_eq!(
            unsafe { rsmqtt_nxd_ack_decode(b"\x60\x02\x00\x07".as_ptr(), 4, &mut id) },
            0
        );
        assert_eq!(id, 7);
        assert_eq!(
            unsafe { rsmqtt_nxd_ack_decode([0x40u8, 0x02, 0x00, 0x00].as_ptr(), 4, &mut id) },
            RSMQTT_NXD_MALFORMED
        );
        let mut h = RsmqttNxdHeader::default();
        assert_eq!(
            unsafe { rsmqtt_nxd_fixed_header(b"\x30\xff".as_ptr(), 2, &mut h) },
            RSMQTT_NXD_PARTIAL
        );
        assert_eq!(
            unsafe { rsmqtt_nxd_fixed_header([0xf0u8, 0x00].as_ptr(), 2, &mut h) },
            RSMQTT_NXD_MALFORMED
        );
    }

    #[test]
    fn connack_reserved_flags_ignored_return_code_checked() {
        let (mut sp, mut rc) = (9, 9);
        let ok = b"\x20\x02\xfe\x05";
        assert_eq!(
            unsafe { rsmqtt_nxd_connack_decode(ok.as_ptr(), 4, &mut sp, &mut rc) },
            RSMQTT_NXD_OK
        );
        assert_eq!((sp, rc), (0, 5));
        let bad = b"\x20\x02\x00\x06";
        assert_eq!(
            unsafe { rsmqtt_nxd_connack_decode(bad.as_ptr(), 4, &mut sp, &mut rc) },
            RSMQTT_NXD_MALFORMED
        );
        let long = b"\x20\x03\x00\x00\x00";
        assert_eq!(
            unsafe { rsmqtt_nxd_connack_decode(long.as_ptr(), 5, &mut sp, &mut rc) },
            RSMQTT_NXD_MALFORMED
        );
    }

    #[test]
    fn connect_vectors() {
        let c = RsmqttNxdConnect {
            client_id: b"id".as_ptr(),
            client_id_len: 2,
            username: b"u".as_ptr(),
            username_len: 1,
            password: core::ptr::null(),
            password_len: 0,
            will_topic: core::ptr::null(),
            will_topic_len: 0,
            will_message: core::ptr::null(),
            will_message_len: 0,
            will_qos: 0,
            will_retain: 0,
            clean_session: 1,
            keep_alive: 60,
        };
        let mut scratch = [0u8; RSMQTT_NXD_CONNECT_SCRATCH as usize];
        let mut v = [RsmqttNxdSlice {
            ptr: core::ptr::null(),
            len: 0,
        }; RSMQTT_NXD_CONNECT_VECTORS as usize];
        let mut n = 0;
        let rc = unsafe {
            rsmqtt_nxd_connect_encode(
                &c,
                scratch.as_mut_ptr(),
                scratch.len() as u32,
                v.as_mut_ptr(),
                v.len() as u32,
                &mut n,
            )
        };
        assert_eq!(rc, RSMQTT_NXD_OK);
        let bytes = gather(&v, n);
        assert_eq!(
            &bytes[..19],
            b"\x10\x11\x00\x04MQTT\x04\x82\x00\x3c\x00\x02id\x00\x01u"
        );
    }
}
