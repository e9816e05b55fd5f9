//! Reading the C structs of the serializer API into the safe types, with
//! every pointer and enum integer checked.

use super::*;

pub use crate::ffi::c_bytes;

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

/// Borrows the client identifier of an `MQTTConnectInfo_t` with coreMQTT
/// v3-CodeBase's rule: a zero length goes with NULL or `""`, a non-zero
/// length with a non-empty string; `None` (and a logged error) when the two
/// disagree. The first byte of a non-NULL string is read before `length`
/// bytes are trusted, so `""` with a length of 99 is refused instead of read
/// past its end.
///
/// # Safety
/// A non-NULL `pointer` must be readable for one byte and, when that byte is
/// not NUL, for `length` bytes for `'a`.
pub unsafe fn c_client_id<'a>(pointer: *const c_char, length: u16) -> Option<&'a [u8]> {
    // SAFETY: non-NULL, so at least the first byte is readable (contract).
    let empty_string = pointer.is_null() || unsafe { pointer.read() } == 0;
    if (length == 0) != empty_string {
        log_error(format_args!(
            "CONNECT: client identifier length {length} does not match its string"
        ));
        return None;
    }
    // SAFETY: length 0, or a non-empty string of `length` bytes (contract).
    unsafe { c_bytes(pointer, usize::from(length)) }
}

/// The CONNECT flags byte (3.1.2.3) of these C structs: a non-NULL user
/// name or password sets its flag whatever its length (as coreMQTT, which
/// looks only at the pointer). `None` for an invalid will QoS. The strings
/// are not read, so `MQTT_SerializeConnectFixedHeader` uses it too.
// Inlined into both callers: out of line it saves the whole-API firmware 8
// bytes but costs the minimal one, which links only `c_connect`, 32.
#[inline(always)]
pub fn c_connect_flags(info: &MQTTConnectInfo_t, will: Option<&MQTTPublishInfo_t>) -> Option<u8> {
    let mut flags = 0;
    if info.cleanSession {
        flags |= CONNECT_FLAG_CLEAN;
    }
    if !info.pUserName.is_null() {
        flags |= CONNECT_FLAG_USERNAME;
    }
    if !info.pPassword.is_null() {
        flags |= CONNECT_FLAG_PASSWORD;
    }
    if let Some(will) = will {
        // Will QoS is bits 3-4: QoS 1 is 0x08, QoS 2 is 0x10.
        flags |= CONNECT_FLAG_WILL | ((MQTTQoS::from_raw(will.qos)? as u8) << 3);
        if will.retain {
            flags |= CONNECT_FLAG_WILL_RETAIN;
        }
    }
    Some(flags)
}

/// Reads a CONNECT and its optional will straight into wire form. `None`
/// when the client identifier's length and string disagree
/// ([`c_client_id`]) or the identifier is empty without clean session
/// ([`client_id_allowed`]), for an invalid will QoS, or for a will topic or
/// message that is NULL with a non-zero length, or a will message over
/// 65,535 bytes (all `MQTTBadParameter` for
/// every caller); a NULL user name or password is absent whatever its
/// length.
///
/// # Safety
/// The pointers in `info` and `will` must be valid for their lengths.
pub unsafe fn c_connect<'a>(
    info: &MQTTConnectInfo_t,
    will: Option<&MQTTPublishInfo_t>,
) -> Option<ConnectPacket<'a>> {
    // NULL is an absent field; otherwise the caller's bytes as they are (a
    // non-NULL pointer makes a valid slice also for length 0, and a `u16`
    // length always fits one), without the zero-length special case of
    // `c_bytes`: nothing to refuse here.
    // The flags (and the will QoS check) first: computed while `info` and
    // `will` are still in their argument registers (28 bytes less than last).
    let flags = c_connect_flags(info, will)?;
    let optional = |pointer: *const c_char, length: u16| -> Option<&'a [u8]> {
        // SAFETY: non-NULL and, by the caller's contract, readable for
        // `length` bytes.
        (!pointer.is_null())
            .then(|| unsafe { core::slice::from_raw_parts(pointer.cast(), usize::from(length)) })
    };
    // The one field whose C length can exceed 65,535 bytes (the others
    // are `u16`).
    if will.is_some_and(|w| !field_len_allowed(w.payloadLength)) {
        return None;
    }
    let (topic, message) = match will {
        None => (None, None),
        // SAFETY: forwarded from the caller.
        Some(w) => unsafe {
            (
                Some(c_bytes(w.pTopicName, usize::from(w.topicNameLength))?),
                Some(c_bytes(w.pPayload, w.payloadLength)?),
            )
        },
    };
    // SAFETY: forwarded from the caller.
    let client_id = unsafe { c_client_id(info.pClientIdentifier, info.clientIdentifierLength)? };
    if !client_id_allowed(client_id, flags) {
        return None;
    }
    Some(ConnectPacket {
        fields: [
            Some(client_id),
            topic,
            message,
            optional(info.pUserName, info.userNameLength),
            optional(info.pPassword, info.passwordLength),
        ],
        flags,
        keep_alive_seconds: info.keepAliveSeconds,
    })
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
pub(crate) unsafe fn c_subscription_list<'a>(
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

/// Reads entry `i` of a subscription list as a view: `None` past the end or
/// for an entry with a NULL filter or an invalid QoS (which
/// `checked_subscription_size` refuses). `MQTT_Subscribe`, `MQTT_Unsubscribe`
/// and the four serializer functions all read their lists through this one
/// closure type, so a firmware image holds one copy of it.
///
/// # Safety
/// Every entry's filter pointer must be valid for its length for as long as
/// the closure is called.
pub(crate) unsafe fn c_subscription_reader<'a>(
    list: &'a [MQTTSubscribeInfo_t],
    kind: SubscriptionKind,
) -> impl Fn(usize) -> Option<Subscription<'a>> + 'a {
    // SAFETY: forwarded from the caller.
    move |i| {
        list.get(i)
            .and_then(|info| unsafe { c_subscription(info, kind) })
    }
}

/// Writes `value` through `out` when it is not NULL.
///
/// # Safety
/// A non-NULL `out` must be writable.
pub(crate) unsafe fn put<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: non-NULL; the caller guarantees it is writable.
        unsafe { out.write(value) };
    }
}

/// Turns `Result<(remaining, size)>` into the two out-parameters.
///
/// # Safety
/// Both pointers must be writable (they were checked non-NULL).
pub(crate) unsafe fn put_sizes(
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
pub(crate) fn header_length(remaining_length: usize, fixed_part: usize) -> Option<usize> {
    raw::header_size(remaining_length, fixed_part)
}

/// A packet of `remaining_length` does not fit into `buffer_size` bytes.
pub(crate) fn does_not_fit(remaining_length: usize, buffer_size: usize) -> bool {
    packet_size(remaining_length).is_none_or(|size| size > buffer_size)
}
