//! `core_mqtt_serializer.h`: coreMQTT's stateless MQTT 3.1.1 packet
//! serializer and deserializer.
//!
//! The submodules are safe Rust working on byte slices, one file per packet
//! family (`connect`, `subscribe`, `publish`, `acks`,
//! `incoming`), plus the shared `primitives` and `c_structs` (reading the C
//! parameter structs): packet size calculations, encoders that write into a
//! caller's buffer and return how many bytes they wrote, and decoders that
//! return views into the received bytes. Lengths and field splits come from
//! [`crate::wire`]; these files keep coreMQTT's byte layout and its choice
//! of status codes (which check yields `MQTTBadParameter`, which
//! `MQTTNoMemory`, which `MQTTBadResponse`). The engine uses the encoders to
//! build a CONNECT, SUBSCRIBE or PUBLISH header in a small stack buffer and
//! send it next to the caller's strings as separate vectors.
//!
//! This file is the `extern "C"` API. Each function reads the C structs
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
    MQTT_PACKET_TYPE_DISCONNECT, MQTT_PACKET_TYPE_PINGREQ, MQTT_PACKET_TYPE_PINGRESP,
    MQTT_PACKET_TYPE_PUBACK, MQTT_PACKET_TYPE_PUBCOMP, MQTT_PACKET_TYPE_PUBLISH,
    MQTT_PACKET_TYPE_PUBREC, MQTT_PACKET_TYPE_PUBREL, MQTT_PACKET_TYPE_SUBACK,
    MQTT_PACKET_TYPE_UNSUBACK, MQTT_PUBLISH_ACK_PACKET_SIZE,
};
use super::transport_interface::{NetworkContext_t, TransportRecv_t};
use crate::ffi::guard;
use crate::wire::length;
use crate::wire::raw::{self, RawWriter};

use MQTTStatus::{
    MQTTBadParameter, MQTTBadResponse, MQTTNeedMoreBytes, MQTTNoDataAvailable, MQTTNoMemory,
    MQTTRecvFailed, MQTTServerRefused, MQTTSuccess,
};

use crate::engine::packets::log_error;
// The packet forms the engine sends, shared with the serializer exports.
pub use crate::engine::packets::*;

mod acks;
mod c_structs;
mod connect;
mod incoming;
mod primitives;
mod publish;
mod subscribe;

pub use acks::*;
pub use c_structs::*;
pub use connect::*;
pub use incoming::*;
pub use primitives::*;
pub use publish::*;
pub use subscribe::*;

// ---------------------------------------------------------------------------
// The C API
// ---------------------------------------------------------------------------

/// What [`connect_c`] does with the CONNECT it read from C.
enum ConnectJob<'a> {
    /// `MQTT_GetConnectPacketSize`: store the remaining length and size.
    Size {
        remaining_out: &'a mut usize,
        size_out: &'a mut usize,
    },
    /// `MQTT_SerializeConnect`: write it, if `remaining` is its real
    /// remaining length.
    Serialize {
        fixed: &'a MQTTFixedBuffer_t,
        remaining: usize,
    },
}

/// Shared body of `MQTT_GetConnectPacketSize` and `MQTT_SerializeConnect`
/// (one copy of the C struct reading and the sizing for both), with
/// coreMQTT's order of checks for each.
///
/// # Safety
/// As for the exported functions.
#[inline(never)]
unsafe fn connect_c(
    pConnectInfo: *const MQTTConnectInfo_t,
    pWillInfo: *const MQTTPublishInfo_t,
    job: Option<ConnectJob<'_>>,
) -> MQTTStatus {
    // SAFETY: NULL is checked by `as_ref`; the caller guarantees validity.
    let (Some(info), Some(job)) = (unsafe { pConnectInfo.as_ref() }, job) else {
        return MQTTBadParameter;
    };
    // SAFETY: NULL is checked by `as_ref`.
    let will_info = unsafe { pWillInfo.as_ref() };
    let mut out: &mut [u8] = &mut [];
    if let ConnectJob::Serialize { fixed, remaining } = job {
        // SAFETY: the buffer is writable for its size (caller contract).
        let Some(buffer) = (unsafe { c_fixed_buffer(fixed) }) else {
            return MQTTBadParameter;
        };
        if will_info.is_some_and(|will| will.pTopicName.is_null()) {
            log_error(format_args!("the will topic must not be NULL"));
            return MQTTBadParameter;
        }
        if does_not_fit(remaining, buffer.len()) {
            return MQTTNoMemory;
        }
        out = buffer;
    }
    // Read and used in place (by reference), never moved: a move of this
    // struct is a `memcpy` call (as in `MQTT_Connect`).
    // SAFETY: string pointers valid for their lengths (caller contract).
    let packet = unsafe { c_connect(info, will_info) };
    let Some(packet) = packet.as_ref() else {
        return MQTTBadParameter;
    };
    let remaining = connect_remaining(packet);
    match job {
        ConnectJob::Size {
            remaining_out,
            size_out,
        } => {
            *remaining_out = remaining;
            // The shared out-of-line helper; the remaining length is far
            // below the limit, so it never overflows.
            *size_out = packet_size(remaining).unwrap_or_default();
            MQTTSuccess
        }
        ConnectJob::Serialize {
            remaining: expected,
            ..
        } if expected != remaining => {
            log_error(format_args!(
                "remainingLength does not match the CONNECT parameters"
            ));
            MQTTBadParameter
        }
        // Sized and checked above, and `out` holds a packet of that size.
        ConnectJob::Serialize { .. } => {
            connect::write_connect(out, packet, remaining);
            MQTTSuccess
        }
    }
}

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
        // SAFETY: NULL is checked by `as_mut`; the caller guarantees the
        // out-pointers are writable.
        let job = match unsafe { (pRemainingLength.as_mut(), pPacketSize.as_mut()) } {
            (Some(remaining_out), Some(size_out)) => Some(ConnectJob::Size {
                remaining_out,
                size_out,
            }),
            _ => None,
        };
        // SAFETY: forwarded contract.
        unsafe { connect_c(pConnectInfo, pWillInfo, job) }
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
        let job = unsafe { pFixedBuffer.as_ref() }.map(|fixed| ConnectJob::Serialize {
            fixed,
            remaining: remainingLength,
        });
        // SAFETY: forwarded contract.
        unsafe { connect_c(pConnectInfo, pWillInfo, job) }
    })
}

/// Shared body of `MQTT_GetSubscribePacketSize`, `MQTT_SerializeSubscribe`
/// and their UNSUBSCRIBE twins (one copy of the list reading and the sizing
/// for all four), with coreMQTT's order of checks for each. The exports pass
/// their own arguments straight through, NULL for those they do not have:
/// the size functions their two out-pointers (and no buffer), the
/// serializers their buffer, packet identifier and remaining length. A
/// non-NULL `pFixedBuffer` therefore means "serialize"; a serializer called
/// with a NULL buffer is refused by the size branch's NULL check, as it must
/// be.
///
/// # Safety
/// Pointers NULL or valid, as for the exported functions.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
unsafe fn subscription_c(
    pSubscriptionList: *const MQTTSubscribeInfo_t,
    subscriptionCount: usize,
    kind: SubscriptionKind,
    pRemainingLength: *mut usize,
    pPacketSize: *mut usize,
    pFixedBuffer: *const MQTTFixedBuffer_t,
    packetId: u16,
    remainingLength: usize,
) -> MQTTStatus {
    if pSubscriptionList.is_null() {
        return MQTTBadParameter;
    }
    let mut out: &mut [u8] = &mut [];
    // SAFETY: NULL is checked by `as_ref`; the caller guarantees validity.
    if let Some(fixed) = unsafe { pFixedBuffer.as_ref() } {
        // SAFETY: the buffer is writable for its size (caller contract).
        let Some(buffer) = (unsafe { c_fixed_buffer(fixed) }) else {
            return MQTTBadParameter;
        };
        if subscriptionCount == 0 || packetId == 0 {
            return MQTTBadParameter;
        }
        if does_not_fit(remainingLength, buffer.len()) {
            return MQTTNoMemory;
        }
        out = buffer;
    } else if pRemainingLength.is_null() || pPacketSize.is_null() {
        return MQTTBadParameter;
    }
    // SAFETY: non-NULL; the caller guarantees `subscriptionCount` entries.
    let Some(list) = (unsafe { c_subscription_list(pSubscriptionList, subscriptionCount) }) else {
        return MQTTBadParameter;
    };
    // SAFETY: the filters are valid for their lengths (caller contract).
    let at = unsafe { c_subscription_reader(list, kind) };
    let remaining = checked_subscription_size(list.len(), &at, kind, &mut false);
    if remaining == 0 {
        return MQTTBadParameter;
    }
    if pFixedBuffer.is_null() {
        // SAFETY: both checked non-NULL above; writable (caller contract).
        unsafe {
            put(pRemainingLength, remaining);
            put(pPacketSize, packet_size_of(remaining));
        }
        return MQTTSuccess;
    }
    if remainingLength != remaining {
        log_error(format_args!(
            "remainingLength does not match the subscription list"
        ));
        return MQTTBadParameter;
    }
    // Sized and checked above (packet identifier, buffer size).
    match subscribe::write_subscription(out, kind, list.len(), &at, packetId, remaining) {
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
            subscription_c(
                pSubscriptionList,
                subscriptionCount,
                SubscriptionKind::Subscribe,
                pRemainingLength,
                pPacketSize,
                core::ptr::null(),
                0,
                0,
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
            subscription_c(
                pSubscriptionList,
                subscriptionCount,
                SubscriptionKind::Subscribe,
                core::ptr::null_mut(),
                core::ptr::null_mut(),
                pFixedBuffer,
                packetId,
                remainingLength,
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
            subscription_c(
                pSubscriptionList,
                subscriptionCount,
                SubscriptionKind::Unsubscribe,
                pRemainingLength,
                pPacketSize,
                core::ptr::null(),
                0,
                0,
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
            subscription_c(
                pSubscriptionList,
                subscriptionCount,
                SubscriptionKind::Unsubscribe,
                core::ptr::null_mut(),
                core::ptr::null_mut(),
                pFixedBuffer,
                packetId,
                remainingLength,
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
    // The whole packet (`packet_size`) is within the limit exactly when the
    // remaining length is at most `MAX_REMAINING_LENGTH - 5`: a length that
    // needs the most (4) digits is far above 5, so adding the type byte and
    // digits to anything up to there stays within, and anything above needs
    // 4 digits and is over. One comparison, not the size computed again.
    match expected {
        Some(expected)
            if expected == remaining_length
                && !header.topic.is_empty()
                && header.topic.len() <= usize::from(u16::MAX)
                && remaining_length <= MAX_REMAINING_LENGTH - 5 =>
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

/// Shared body of `MQTT_SerializePublish` (`pHeaderSize` NULL: the whole
/// packet, payload included) and `MQTT_SerializePublishHeader` (`header_only`:
/// everything but the payload, its size stored in `*pHeaderSize`), with
/// coreMQTT's order of checks for each. One copy for both exports.
///
/// # Safety
/// As for the exported functions.
// One copy in firmware (opt-level s/z, cfg `rsmqtt_small` from build.rs);
// elsewhere inlined into each export, where the header-only branches fold
// away: MQTT_SerializePublish is on the per-message path of scripts/bench.sh
// (about 100 instructions less per message inlined).
#[cfg_attr(rsmqtt_small, inline(never))]
#[cfg_attr(not(rsmqtt_small), inline(always))]
unsafe fn serialize_publish_c(
    pPublishInfo: *const MQTTPublishInfo_t,
    packetId: u16,
    remainingLength: usize,
    pFixedBuffer: *const MQTTFixedBuffer_t,
    pHeaderSize: *mut usize,
    header_only: bool,
) -> MQTTStatus {
    // SAFETY: NULL is checked by `as_ref`; the caller guarantees validity.
    let (Some(fixed), Some(info)) = (unsafe { pFixedBuffer.as_ref() }, unsafe {
        pPublishInfo.as_ref()
    }) else {
        return MQTTBadParameter;
    };
    if header_only && pHeaderSize.is_null() {
        return MQTTBadParameter;
    }
    // SAFETY: the buffer is writable for its size (caller contract).
    let Some(out) = (unsafe { c_fixed_buffer(fixed) }) else {
        return MQTTBadParameter;
    };
    let payload: &[u8] = if header_only {
        &[]
    } else {
        // SAFETY: the payload is valid for its length (caller contract).
        match unsafe { c_bytes(info.pPayload, info.payloadLength) } {
            Some(payload) => payload,
            None => {
                log_error(format_args!("PUBLISH: NULL payload with nonzero length"));
                return MQTTBadParameter;
            }
        }
    };
    // SAFETY: the topic is valid for its length (caller contract).
    let header = match unsafe { c_publish_header(info) } {
        Ok(header) => header,
        Err(status) => return status,
    };
    if let Err(status) = check_publish(&header, packetId) {
        return status;
    }
    // The room needed: the whole packet, or without its payload. A remaining
    // length that overflows is "no memory" for the whole packet and a bad
    // parameter for the header alone (coreMQTT's two checks).
    let payload_part = if header_only { info.payloadLength } else { 0 };
    match packet_size(remainingLength).and_then(|size| size.checked_sub(payload_part)) {
        Some(size) if size <= out.len() => {}
        None if header_only => return MQTTBadParameter,
        _ => return MQTTNoMemory,
    }
    if let Err(status) = check_publish_remaining(&header, info.payloadLength, remainingLength) {
        return status;
    }
    // Everything is validated and the remaining length is the real one:
    // write without computing the size again.
    match write_publish(out, &header, packetId, remainingLength, payload) {
        Ok(written) => {
            if header_only {
                // SAFETY: checked non-NULL above.
                unsafe { pHeaderSize.write(written) };
            }
            MQTTSuccess
        }
        Err(status) => status,
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
        // SAFETY: forwarded contract.
        unsafe {
            serialize_publish_c(
                pPublishInfo,
                packetId,
                remainingLength,
                pFixedBuffer,
                core::ptr::null_mut(),
                false,
            )
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
        let (Some(info), false) = (unsafe { pPublishInfo.as_ref() }, headerSize.is_null()) else {
            return MQTTBadParameter;
        };
        let Some(qos) = MQTTQoS::from_raw(info.qos) else {
            return MQTTBadParameter;
        };
        let first_byte = publish_type_byte(qos, info.retain, info.dup);
        // SAFETY: `pBuffer` is NULL or has room for the header (contract).
        match unsafe {
            header_with_u16_c(pBuffer, first_byte, remainingLength, info.topicNameLength)
        } {
            Some(written) => {
                // SAFETY: checked non-NULL above.
                unsafe { headerSize.write(written) };
                MQTTSuccess
            }
            None => MQTTBadParameter,
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
        // SAFETY: forwarded contract.
        unsafe {
            serialize_publish_c(
                pPublishInfo,
                packetId,
                remainingLength,
                pFixedBuffer,
                pHeaderSize,
                true,
            )
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
    // The two bytes stored one by one: a copy of the array would spill it to
    // the stack for a byte loop (smaller on a Cortex-M4).
    let [first, second] = packet;
    match out {
        [first_out, second_out, ..] => {
            *first_out = first;
            *second_out = second;
            MQTTSuccess
        }
        _ => MQTTNoMemory,
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
        // PINGRESP has no body (§3.13): its remaining length decides, whether
        // or not the data pointer is NULL (a non-NULL one with a length is
        // `MQTTBadResponse` from the body check too). Answered before the
        // pointer checks, which it needs none of: one test instead of a
        // PINGRESP case in each of them (smaller on a Cortex-M4).
        if type_byte == MQTT_PACKET_TYPE_PINGRESP {
            return if packet.remainingLength == 0 {
                MQTTSuccess
            } else {
                log_error(format_args!("PINGRESP with a remaining length"));
                MQTTBadResponse
            };
        }
        // The one out-parameter the type needs: Session Present for CONNACK,
        // the packet identifier for the others.
        let connack = type_byte == MQTT_PACKET_TYPE_CONNACK;
        let out_missing = if connack {
            pSessionPresent.is_null()
        } else {
            pPacketId.is_null()
        };
        if out_missing {
            log_error(format_args!(
                "output parameter for packet type {type_byte:#04x} cannot be NULL"
            ));
            return MQTTBadParameter;
        }
        // SAFETY: the remaining data is readable for its length (caller contract).
        let body = match unsafe { c_packet_body(packet) } {
            Ok(Some(body)) => body,
            Ok(None) => return MQTTBadParameter,
            Err(status) => return status,
        };
        let outcome = deserialize_ack(type_byte, body);
        // SAFETY: `put` skips NULL; the caller guarantees writability. The
        // output written is the one checked above for this type, so the
        // compiler drops `put`'s second NULL test.
        unsafe {
            if connack {
                if let Some(session_present) = outcome.session_present {
                    put(pSessionPresent, session_present);
                }
            } else if let Some(packet_id) = outcome.packet_id {
                put(pPacketId, packet_id);
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
        // The type byte and then the length bytes, one at a time, in one loop
        // with one receive call (smaller on a Cortex-M4 than a call for the
        // type byte and a loop for the length). The length bytes stop at
        // one without the continuation bit, at most four (as coreMQTT does: a
        // fourth with the bit set fails without reading a fifth), through
        // `wire`'s byte-at-a-time step: its status-free answers become
        // `MQTTBadResponse` here, so the detailed errors of
        // `wire::length::decode` are not built.
        let mut remaining = 0usize;
        let mut used = 0usize;
        loop {
            // SAFETY: transport contract is the caller's.
            let byte = match unsafe { recv_byte(recv, pNetworkContext) } {
                Ok(Some(byte)) => byte,
                Ok(None) if used == 0 => return MQTTNoDataAvailable,
                Err(()) if used == 0 => return MQTTRecvFailed,
                // Nothing or a failure inside the length.
                _ => return MQTTBadResponse,
            };
            if used == 0 {
                packet.r#type = byte;
                if !incoming::type_valid(byte) {
                    return MQTTBadResponse;
                }
            } else {
                match incoming::length_done(length::push_digit(&mut remaining, used - 1, byte)) {
                    Ok(true) => break,
                    Ok(false) => {}
                    Err(status) => return status,
                }
            }
            used += 1;
        }
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
        // Only the flags and keep alive are needed: the strings are not
        // touched. SAFETY: NULL is checked by `as_ref`.
        let Some(flags) = c_connect_flags(info, unsafe { pWillInfo.as_ref() }) else {
            return core::ptr::null_mut();
        };
        if remainingLength > MAX_REMAINING_LENGTH {
            return core::ptr::null_mut();
        }
        let mut head = ConnectHead::default();
        let bytes = connect_fixed_header(&mut head, flags, info.keepAliveSeconds, remainingLength);
        // SAFETY: the caller guarantees room for this header (at most 15
        // bytes); `bytes` is a local array, so the two do not overlap.
        unsafe {
            core::ptr::copy_nonoverlapping(bytes.as_ptr(), pIndex, bytes.len());
            pIndex.add(bytes.len())
        }
    })
}

/// Writes `first_byte`, the remaining length and `value` at `pIndex` (at
/// most 7 bytes) and returns how many bytes that took; `None` for a NULL
/// `pIndex` or a remaining length over the limit. The body of the
/// SUBSCRIBE/UNSUBSCRIBE header functions and of
/// `MQTT_SerializePublishHeaderWithoutTopic`, which write the same shape.
///
/// # Safety
/// `pIndex` is NULL or writable for 7 bytes.
#[inline(never)]
unsafe fn header_with_u16_c(
    pIndex: *mut u8,
    first_byte: u8,
    remainingLength: usize,
    value: u16,
) -> Option<usize> {
    if pIndex.is_null() {
        return None;
    }
    let length = header_length(remainingLength, 2)?;
    // SAFETY: the caller guarantees room for this header (at most 7 bytes).
    let out = unsafe { core::slice::from_raw_parts_mut(pIndex, length) };
    match header_with_u16(out, first_byte, remainingLength, value) {
        0 => None,
        written => Some(written),
    }
}

/// Shared body of the SUBSCRIBE/UNSUBSCRIBE header functions.
///
/// # Safety
/// `pIndex` is NULL or writable for 7 bytes.
// A forwarding wrapper: inlined into the two exports.
#[inline(always)]
unsafe fn subscription_header_c(
    remainingLength: usize,
    pIndex: *mut u8,
    packetId: u16,
    kind: SubscriptionKind,
) -> *mut u8 {
    // SAFETY: forwarded contract.
    match unsafe { header_with_u16_c(pIndex, kind.type_byte(), remainingLength, packetId) } {
        // SAFETY: `written` bytes were written inside the caller's buffer.
        Some(written) => unsafe { pIndex.add(written) },
        None => core::ptr::null_mut(),
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
