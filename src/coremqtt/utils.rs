//! The functions of `core_mqtt.h` that need no connection: topic matching,
//! SUBACK return codes, status names, and flattening the vectors of a stored
//! publish.

use core::ffi::{c_char, CStr};

use super::context::MQTTVec_t;
use super::serializer::c_bytes;
use super::serializer_types::{
    MQTTPacketInfo_t, MQTTStatus, MQTTStatus_t, MQTT_PACKET_TYPE_SUBACK,
};
use super::transport_interface::TransportOutVector_t;
use crate::ffi::guard;

/// Whether `topic` matches `filter` under MQTT 3.1.1 §4.7.
///
/// Identical strings always match (as in coreMQTT, even when the "filter"
/// holds wildcard characters that would not be valid). Otherwise the strings
/// are compared level by level: a `+` level matches any one level (also an
/// empty one), a final `#` level matches its parent and any number of child
/// levels, and a wildcard that is not a whole level is an ordinary character.
/// Topics starting with `$` never match a filter starting with a wildcard
/// (§4.7.2).
pub fn topic_matches(topic: &[u8], filter: &[u8]) -> bool {
    // `level_eq`, not `==`: size builds then link no `memcmp`.
    if crate::wire::topic::level_eq(topic, filter) {
        return true;
    }
    crate::wire::topic::matches_unchecked(filter, topic)
}

/// Checks whether the topic name matches the topic filter and stores the
/// answer in `*pIsMatch`.
///
/// Returns `MQTTBadParameter` when a string is NULL or empty or `pIsMatch`
/// is NULL; `MQTTSuccess` otherwise.
///
/// # Safety
/// The strings are NULL or readable for their lengths; `pIsMatch` is NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn MQTT_MatchTopic(
    pTopicName: *const c_char,
    topicNameLength: u16,
    pTopicFilter: *const c_char,
    topicFilterLength: u16,
    pIsMatch: *mut bool,
) -> MQTTStatus_t {
    guard(MQTTStatus::MQTTBadParameter, || {
        if pTopicName.is_null()
            || topicNameLength == 0
            || pTopicFilter.is_null()
            || topicFilterLength == 0
            || pIsMatch.is_null()
        {
            return MQTTStatus::MQTTBadParameter;
        }
        // SAFETY: non-NULL; the caller guarantees the lengths.
        let (Some(topic), Some(filter)) = (unsafe {
            (
                c_bytes(pTopicName, usize::from(topicNameLength)),
                c_bytes(pTopicFilter, usize::from(topicFilterLength)),
            )
        }) else {
            return MQTTStatus::MQTTBadParameter;
        };
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { pIsMatch.write(topic_matches(topic, filter)) };
        MQTTStatus::MQTTSuccess
    })
}

/// Points `*pPayloadStart` at the return codes of a received SUBACK and stores
/// their count in `*pPayloadSize`.
///
/// Returns `MQTTBadParameter` for NULL arguments, a packet that is not a
/// SUBACK, NULL remaining data or a remaining length under 3.
///
/// # Safety
/// Each pointer is NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn MQTT_GetSubAckStatusCodes(
    pSubackPacket: *const MQTTPacketInfo_t,
    pPayloadStart: *mut *mut u8,
    pPayloadSize: *mut usize,
) -> MQTTStatus_t {
    guard(MQTTStatus::MQTTBadParameter, || {
        // SAFETY: NULL is checked by `as_ref`; the caller guarantees validity.
        let (Some(packet), false, false) = (
            unsafe { pSubackPacket.as_ref() },
            pPayloadStart.is_null(),
            pPayloadSize.is_null(),
        ) else {
            return MQTTStatus::MQTTBadParameter;
        };
        if packet.r#type != MQTT_PACKET_TYPE_SUBACK
            || packet.pRemainingData.is_null()
            || packet.remainingLength < 3
        {
            return MQTTStatus::MQTTBadParameter;
        }
        // SAFETY: the out-pointers were checked non-NULL; the codes start
        // after the two-byte packet identifier inside the remaining data.
        unsafe {
            pPayloadStart.write(packet.pRemainingData.wrapping_add(2));
            pPayloadSize.write(packet.remainingLength - 2);
        }
        MQTTStatus::MQTTSuccess
    })
}

/// An `MQTTStatus_t` as C passes it to `MQTT_Status_strerror`: any integer.
/// Appears as `MQTTStatus_t` in C.
pub type MQTTStatusRaw = super::c_enum::Raw;

/// Names of the `MQTTStatus_t` values, indexed by value.
const STATUS_NAMES: [&CStr; 17] = [
    c"MQTTSuccess",
    c"MQTTBadParameter",
    c"MQTTNoMemory",
    c"MQTTSendFailed",
    c"MQTTRecvFailed",
    c"MQTTBadResponse",
    c"MQTTServerRefused",
    c"MQTTNoDataAvailable",
    c"MQTTIllegalState",
    c"MQTTStateCollision",
    c"MQTTKeepAliveTimeout",
    c"MQTTNeedMoreBytes",
    c"MQTTStatusConnected",
    c"MQTTStatusNotConnected",
    c"MQTTStatusDisconnectPending",
    c"MQTTPublishStoreFailed",
    c"MQTTPublishRetrieveFailed",
];

/// The name of a status value, as `MQTT_Status_strerror` gives it.
pub fn status_name(status: MQTTStatusRaw) -> &'static CStr {
    STATUS_NAMES
        .get(super::c_enum::to_index(status))
        .copied()
        .unwrap_or(c"Invalid MQTT Status code")
}

/// The name of a status ("MQTTNoMemory", ...), or "Invalid MQTT Status code"
/// for a value that is not a status. The string is static.
///
/// # Safety
/// Always safe to call; `unsafe` only because it is an FFI export.
#[no_mangle]
pub unsafe extern "C" fn MQTT_Status_strerror(status: MQTTStatusRaw) -> *const c_char {
    guard(c"Invalid MQTT Status code".as_ptr(), || {
        status_name(status).as_ptr()
    })
}

/// Borrows the vector array of an `MQTTVec_t`; NULL or empty is `None`.
///
/// # Safety
/// A non-NULL `pVector` points to `vectorLen` readable vectors.
unsafe fn vectors(vec: &MQTTVec_t) -> &[TransportOutVector_t] {
    if vec.pVector.is_null() || !crate::ffi::fits_slice::<TransportOutVector_t>(vec.vectorLen) {
        &[]
    } else {
        // SAFETY: non-NULL; the caller guarantees the count.
        unsafe { core::slice::from_raw_parts(vec.pVector, vec.vectorLen) }
    }
}

/// Total bytes of the vectors in `pVec` (0 for NULL): the size of the buffer
/// `MQTT_SerializeMQTTVec` fills.
///
/// # Safety
/// `pVec` is NULL or a vector set handed out by the library.
#[no_mangle]
pub unsafe extern "C" fn MQTT_GetBytesInMQTTVec(pVec: *const MQTTVec_t) -> usize {
    guard(0, || {
        // SAFETY: NULL is checked by `as_ref`; the vectors are the library's.
        match unsafe { pVec.as_ref() } {
            Some(vec) => unsafe { vectors(vec) }
                .iter()
                .fold(0usize, |total, vector| total.saturating_add(vector.iov_len)),
            None => 0,
        }
    })
}

/// Copies the bytes of all vectors in `pVec`, in order, to `pAllocatedMem`,
/// which must hold `MQTT_GetBytesInMQTTVec(pVec)` bytes. Does nothing when an
/// argument is NULL; a vector with a NULL base contributes nothing.
///
/// # Safety
/// `pAllocatedMem` is NULL or writable for `MQTT_GetBytesInMQTTVec(pVec)`
/// bytes; `pVec` is NULL or a vector set handed out by the library.
#[no_mangle]
pub unsafe extern "C" fn MQTT_SerializeMQTTVec(pAllocatedMem: *mut u8, pVec: *const MQTTVec_t) {
    guard((), || {
        // SAFETY: NULL is checked by `as_ref`; the vectors are the library's.
        let Some(vec) = (unsafe { pVec.as_ref() }) else {
            return;
        };
        if pAllocatedMem.is_null() {
            return;
        }
        let mut offset = 0usize;
        // SAFETY: as above.
        for vector in unsafe { vectors(vec) } {
            // What `c_bytes` refuses contributes nothing: a NULL base (an
            // empty vector copies nothing either way) or a length no slice
            // can have. Copied from the raw pointer, without a slice made
            // first.
            let len = vector.iov_len;
            if vector.iov_base.is_null() || !crate::ffi::fits_slice::<u8>(len) {
                continue;
            }
            // SAFETY: the vector's base is readable for its length; the
            // caller sized the memory with MQTT_GetBytesInMQTTVec, so
            // `offset + len` stays inside it; source and target do not
            // overlap (the target is the application's fresh buffer).
            unsafe {
                core::ptr::copy_nonoverlapping(
                    vector.iov_base.cast::<u8>(),
                    pAllocatedMem.add(offset),
                    len,
                );
            }
            offset += len;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vectors' bytes are copied in order; a vector with a NULL base
    /// (whatever its length) and an empty one add nothing.
    #[test]
    fn serialize_vec_skips_null_and_empty_vectors() {
        let (a, b) = (*b"head", *b"tail");
        let mut parts = [
            TransportOutVector_t {
                iov_base: a.as_ptr().cast(),
                iov_len: a.len(),
            },
            TransportOutVector_t {
                iov_base: core::ptr::null(),
                iov_len: 3,
            },
            TransportOutVector_t {
                iov_base: b.as_ptr().cast(),
                iov_len: 0,
            },
            TransportOutVector_t {
                iov_base: b.as_ptr().cast(),
                iov_len: b.len(),
            },
        ];
        let vec = MQTTVec_t {
            pVector: parts.as_mut_ptr(),
            vectorLen: parts.len(),
        };
        let mut out = [0u8; 10];
        // SAFETY: every non-NULL base is readable for its length; `out`
        // has room for the 8 bytes.
        unsafe { MQTT_SerializeMQTTVec(out.as_mut_ptr(), &vec) };
        assert_eq!(&out, b"headtail\0\0");
    }

    #[test]
    fn topic_matching_follows_section_4_7() {
        let yes =
            |t: &str, f: &str| assert!(topic_matches(t.as_bytes(), f.as_bytes()), "{t} ~ {f}");
        let no =
            |t: &str, f: &str| assert!(!topic_matches(t.as_bytes(), f.as_bytes()), "{t} !~ {f}");
        yes("sport/tennis/player1", "sport/tennis/player1/#");
        yes("sport/tennis/player1/ranking", "sport/tennis/player1/#");
        yes("sport/tennis/player1", "sport/#");
        yes("sport", "sport/#");
        yes("sport/", "sport/#");
        yes("sport/", "sport/+");
        yes("a/b", "#");
        yes("sport/tennis/player1", "sport/tennis/+");
        yes("sport/hockey/player", "sport/+/player");
        yes("/finance", "+/+");
        yes("/finance", "/+");
        yes("a/+", "a/+");
        no("sport/tennis/player1/ranking", "sport/tennis/+");
        no("sport", "sport/+");
        no("/finance", "+");
        no("sport/tennis", "sport/tennis/x");
        no("a/b", "a/b+");
        no("a/bc", "a/+c");
        no("a/x/b", "a/#/b");
        no("$SYS/monitor", "#");
        no("$SYS/monitor", "+/monitor");
        yes("$SYS/monitor", "$SYS/#");
        yes("$SYS", "$SYS");
    }

    #[test]
    fn match_topic_checks_arguments() {
        let mut is_match = false;
        // SAFETY: valid pointers and lengths, or NULL as each case states.
        unsafe {
            let t = c"a/b".as_ptr();
            let f = c"a/+".as_ptr();
            assert_eq!(
                MQTT_MatchTopic(t, 3, f, 3, &mut is_match),
                MQTTStatus::MQTTSuccess
            );
            assert!(is_match);
            assert_eq!(
                MQTT_MatchTopic(t, 0, f, 3, &mut is_match),
                MQTTStatus::MQTTBadParameter
            );
            assert_eq!(
                MQTT_MatchTopic(t, 3, f, 0, &mut is_match),
                MQTTStatus::MQTTBadParameter
            );
            assert_eq!(
                MQTT_MatchTopic(core::ptr::null(), 3, f, 3, &mut is_match),
                MQTTStatus::MQTTBadParameter
            );
            assert_eq!(
                MQTT_MatchTopic(t, 3, core::ptr::null(), 3, &mut is_match),
                MQTTStatus::MQTTBadParameter
            );
            assert_eq!(
                MQTT_MatchTopic(t, 3, f, 3, core::ptr::null_mut()),
                MQTTStatus::MQTTBadParameter
            );
            assert_eq!(
                MQTT_MatchTopic(t, 3, c"a/c".as_ptr(), 3, &mut is_match),
                MQTTStatus::MQTTSuccess
            );
            assert!(!is_match);
        }
    }

    #[test]
    fn suback_codes() {
        let mut body = [0x00, 0x07, 0x01, 0x80];
        let packet = MQTTPacketInfo_t {
            r#type: MQTT_PACKET_TYPE_SUBACK,
            pRemainingData: body.as_mut_ptr(),
            remainingLength: 4,
            headerLength: 2,
        };
        let mut start: *mut u8 = core::ptr::null_mut();
        let mut size = 0usize;
        // SAFETY: all pointers valid.
        unsafe {
            assert_eq!(
                MQTT_GetSubAckStatusCodes(&packet, &mut start, &mut size),
                MQTTStatus::MQTTSuccess
            );
            assert_eq!(size, 2);
            assert_eq!(core::slice::from_raw_parts(start, size), [0x01, 0x80]);
            let short = MQTTPacketInfo_t {
                remainingLength: 2,
                ..packet
            };
            assert_eq!(
                MQTT_GetSubAckStatusCodes(&short, &mut start, &mut size),
                MQTTStatus::MQTTBadParameter
            );
            let other = MQTTPacketInfo_t {
                r#type: 0xB0,
                ..packet
            };
            assert_eq!(
                MQTT_GetSubAckStatusCodes(&other, &mut start, &mut size),
                MQTTStatus::MQTTBadParameter
            );
            let null = MQTTPacketInfo_t {
                pRemainingData: core::ptr::null_mut(),
                ..packet
            };
            assert_eq!(
                MQTT_GetSubAckStatusCodes(&null, &mut start, &mut size),
                MQTTStatus::MQTTBadParameter
            );
            assert_eq!(
                MQTT_GetSubAckStatusCodes(&packet, core::ptr::null_mut(), &mut size),
                MQTTStatus::MQTTBadParameter
            );
        }
    }

    #[test]
    fn status_names() {
        // SAFETY: the returned pointers are static C strings.
        let name = |s| {
            unsafe { CStr::from_ptr(MQTT_Status_strerror(s)) }
                .to_str()
                .unwrap()
        };
        assert_eq!(name(0), "MQTTSuccess");
        assert_eq!(name(2), "MQTTNoMemory");
        assert_eq!(name(11), "MQTTNeedMoreBytes");
        assert_eq!(name(16), "MQTTPublishRetrieveFailed");
        assert_eq!(name(17), "Invalid MQTT Status code");
        assert_eq!(name(u32::MAX), "Invalid MQTT Status code");
    }

    #[test]
    fn vectors_flatten_in_order() {
        let parts: [&[u8]; 3] = [b"\x32\x0a", b"", b"topic/payload"];
        let mut iov: Vec<TransportOutVector_t> = parts
            .iter()
            .map(|p| TransportOutVector_t {
                iov_base: p.as_ptr().cast(),
                iov_len: p.len(),
            })
            .collect();
        let vec = MQTTVec_t {
            pVector: iov.as_mut_ptr(),
            vectorLen: iov.len(),
        };
        // SAFETY: the vectors point at live slices; the target is sized by the first call.
        unsafe {
            let total = MQTT_GetBytesInMQTTVec(&vec);
            assert_eq!(total, 15);
            let mut out = vec![0u8; total];
            MQTT_SerializeMQTTVec(out.as_mut_ptr(), &vec);
            assert_eq!(out, b"\x32\x0atopic/payload");
            assert_eq!(MQTT_GetBytesInMQTTVec(core::ptr::null()), 0);
            MQTT_SerializeMQTTVec(core::ptr::null_mut(), &vec);
        }
    }
}
