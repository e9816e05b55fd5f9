//! Feeds arbitrary bytes to coreMQTT's deserializer API the way firmware
//! that reads packets itself does: `MQTT_GetIncomingPacketTypeAndLength`
//! (over an in-memory transport) and `MQTT_ProcessIncomingPacketTypeAndLength`
//! (over a buffer) for the fixed header, then `MQTT_DeserializePublish`,
//! `MQTT_DeserializeAck` and `MQTT_GetSubAckStatusCodes` with the resulting
//! `MQTTPacketInfo_t`. The body is copied into an allocation of exactly the
//! remaining length, so any read past it is caught by the address sanitizer.
//!
//! Cross-checks:
//! * both header functions agree with each other (type, remaining length,
//!   and which status for an incomplete or invalid header);
//! * whenever the strict codec (`rsmqtt::wire`) accepts a packet a server
//!   may send, the header functions give its type and length, and the
//!   coreMQTT deserializer accepts it with the same fields (QoS, flags,
//!   topic, packet identifier, payload, session present, return codes);
//! * whatever coreMQTT accepts has pointers inside the body and lengths that
//!   add up.
//!
//! Intended differences (coreMQTT is the more lenient side, by design of the
//! upstream API, so they only go one way): coreMQTT does not check topic
//! names (UTF-8, wildcards, empty) or the DUP flag of a QoS 0 PUBLISH, and
//! its header functions ignore the reserved flag bits of acknowledgements
//! (PUBREL needs only bit 1); `MQTT_DeserializeAck` then refuses any flags
//! but the exact ones. The strict codec rejects all of those. coreMQTT answers a SUBACK with a 0x80 code or a CONNACK
//! with return code 1-5 with `MQTTServerRefused` where the codec decodes the
//! packet (the refusal is the packet's content, not a malformation).
//!
//! The input's first byte is also used, unframed, as the `type` of a second
//! `MQTTPacketInfo_t` whose body is the rest of the input, as firmware that
//! fills the struct itself may do.
#![no_main]

use std::ffi::c_void;

use libfuzzer_sys::fuzz_target;
use rsmqtt::coremqtt::serializer::{
    MQTT_DeserializeAck, MQTT_DeserializePublish, MQTT_GetIncomingPacketTypeAndLength,
    MQTT_ProcessIncomingPacketTypeAndLength,
};
use rsmqtt::coremqtt::serializer_types::{MQTTPacketInfo_t, MQTTPublishInfo_t, MQTTStatus};
use rsmqtt::coremqtt::transport_interface::NetworkContext_t;
use rsmqtt::coremqtt::utils::MQTT_GetSubAckStatusCodes;
use rsmqtt::wire::{self, ConnectReturnCode, Packet};

/// The network context of the in-memory transport.
struct Mem<'a> {
    data: &'a [u8],
    pos: usize,
}

unsafe extern "C" fn mem_recv(ctx: *mut NetworkContext_t, buf: *mut c_void, len: usize) -> i32 {
    // SAFETY: the harness's `Mem`; the library gives `len` writable bytes.
    let mem = unsafe { &mut *ctx.cast::<Mem<'_>>() };
    let n = len.min(mem.data.len() - mem.pos);
    // SAFETY: `n` bytes fit both sides.
    unsafe {
        std::ptr::copy_nonoverlapping(mem.data[mem.pos..].as_ptr(), buf.cast::<u8>(), n);
    }
    mem.pos += n;
    n as i32
}

fn empty_packet() -> MQTTPacketInfo_t {
    MQTTPacketInfo_t {
        r#type: 0,
        pRemainingData: std::ptr::null_mut(),
        remainingLength: 0,
        headerLength: 0,
    }
}

fn inside(p: usize, len: usize, start: usize, end: usize) -> bool {
    p >= start && p.checked_add(len).is_some_and(|e| e <= end)
}

/// What `MQTT_DeserializePublish` made of a packet.
struct PublishResult {
    status: MQTTStatus,
    packet_id: u16,
    info: MQTTPublishInfo_t,
}

fn deserialize_publish(packet: &MQTTPacketInfo_t) -> PublishResult {
    let mut packet_id = 0u16;
    let mut info = MQTTPublishInfo_t {
        qos: 0,
        retain: false,
        dup: false,
        pTopicName: std::ptr::null(),
        topicNameLength: 0,
        pPayload: std::ptr::null(),
        payloadLength: 0,
    };
    // SAFETY: valid structs; the body is readable for its length.
    let status = unsafe { MQTT_DeserializePublish(packet, &mut packet_id, &mut info) };
    assert!((status as u32) <= 16);
    if status == MQTTStatus::MQTTSuccess {
        let start = packet.pRemainingData as usize;
        let end = start + packet.remainingLength;
        let topic_len = usize::from(info.topicNameLength);
        assert_eq!(info.pTopicName as usize, start + 2);
        assert!(inside(info.pTopicName as usize, topic_len, start, end));
        assert!(info.qos <= 2);
        assert_eq!(info.qos, u32::from(packet.r#type >> 1) & 3);
        assert_eq!(info.retain, packet.r#type & 1 != 0);
        assert_eq!(info.dup, packet.r#type & 8 != 0);
        let id_len = if info.qos == 0 { 0 } else { 2 };
        if info.qos != 0 {
            assert_ne!(packet_id, 0, "QoS {} PUBLISH accepted with id 0", info.qos);
        }
        assert_eq!(
            2 + topic_len + id_len + info.payloadLength,
            packet.remainingLength
        );
        if info.payloadLength > 0 {
            assert_eq!(info.pPayload as usize, start + 2 + topic_len + id_len);
        }
    }
    PublishResult {
        status,
        packet_id,
        info,
    }
}

fn deserialize_ack(packet: &MQTTPacketInfo_t) -> (MQTTStatus, u16, bool) {
    let mut packet_id = 0u16;
    let mut present = false;
    // SAFETY: valid structs; the body is readable for its length.
    let status = unsafe { MQTT_DeserializeAck(packet, &mut packet_id, &mut present) };
    assert!((status as u32) <= 16);
    (status, packet_id, present)
}

/// `MQTT_GetSubAckStatusCodes`: the codes as a slice when it succeeds.
fn suback_codes(packet: &MQTTPacketInfo_t) -> Option<&[u8]> {
    let mut start: *mut u8 = std::ptr::null_mut();
    let mut size = 0usize;
    // SAFETY: valid struct and out-pointers.
    let status = unsafe { MQTT_GetSubAckStatusCodes(packet, &mut start, &mut size) };
    if status != MQTTStatus::MQTTSuccess {
        assert_eq!(status, MQTTStatus::MQTTBadParameter);
        return None;
    }
    let body = packet.pRemainingData as usize;
    assert!(inside(
        start as usize,
        size,
        body,
        body + packet.remainingLength
    ));
    // SAFETY: checked to lie inside the body.
    Some(unsafe { std::slice::from_raw_parts(start, size) })
}

/// Every function on one packet, whatever it holds.
fn exercise(packet: &MQTTPacketInfo_t) {
    let _ = deserialize_publish(packet);
    let _ = deserialize_ack(packet);
    let _ = suback_codes(packet);
    // NULL out-pointers where the API allows or refuses them.
    // SAFETY: valid struct; NULL out-pointers are checked by the library.
    unsafe {
        let _ = MQTT_DeserializeAck(packet, std::ptr::null_mut(), std::ptr::null_mut());
        let mut id = 0u16;
        let _ = MQTT_DeserializeAck(packet, &mut id, std::ptr::null_mut());
        let _ = MQTT_DeserializePublish(packet, std::ptr::null_mut(), std::ptr::null_mut());
    }
}

fuzz_target!(|data: &[u8]| {
    // The fixed header, from the transport and from a buffer.
    let mut mem = Mem { data, pos: 0 };
    let mut from_transport = empty_packet();
    // SAFETY: a valid receive function over `mem`, and a writable struct.
    let transport_status = unsafe {
        MQTT_GetIncomingPacketTypeAndLength(
            Some(mem_recv),
            (&mut mem as *mut Mem<'_>).cast(),
            &mut from_transport,
        )
    };
    let mut from_buffer = empty_packet();
    let index = data.len();
    // SAFETY: `data` is readable for `index` bytes.
    let buffer_status =
        unsafe { MQTT_ProcessIncomingPacketTypeAndLength(data.as_ptr(), &index, &mut from_buffer) };
    match buffer_status {
        MQTTStatus::MQTTSuccess => {
            assert_eq!(transport_status, MQTTStatus::MQTTSuccess);
            assert_eq!(from_transport.r#type, from_buffer.r#type);
            assert_eq!(from_transport.remainingLength, from_buffer.remainingLength);
            assert_eq!(mem.pos, from_buffer.headerLength, "header bytes read");
            assert!((2..=5).contains(&from_buffer.headerLength));
        }
        MQTTStatus::MQTTNoDataAvailable => {
            assert!(data.is_empty());
            assert_eq!(transport_status, MQTTStatus::MQTTNoDataAvailable);
        }
        // The transport says nothing more is there: a cut header.
        MQTTStatus::MQTTNeedMoreBytes => {
            assert_eq!(transport_status, MQTTStatus::MQTTBadResponse)
        }
        MQTTStatus::MQTTBadResponse => {
            assert_eq!(transport_status, MQTTStatus::MQTTBadResponse)
        }
        other => panic!("MQTT_ProcessIncomingPacketTypeAndLength returned {other:?}"),
    }

    // What the strict codec makes of the same bytes.
    let strict = wire::decode(data).ok().filter(|(p, _)| {
        matches!(
            p,
            Packet::ConnAck(_)
                | Packet::Publish(_)
                | Packet::PubAck(_)
                | Packet::PubRec(_)
                | Packet::PubRel(_)
                | Packet::PubComp(_)
                | Packet::SubAck(_)
                | Packet::UnsubAck(_)
                | Packet::PingResp(_)
        )
    });
    if let Some((_, used)) = strict {
        assert_eq!(
            buffer_status,
            MQTTStatus::MQTTSuccess,
            "coreMQTT refuses the header of a valid packet"
        );
        assert_eq!(from_buffer.headerLength + from_buffer.remainingLength, used);
    }

    if buffer_status == MQTTStatus::MQTTSuccess {
        let header = from_buffer.headerLength;
        let end = header + from_buffer.remainingLength;
        if let Some(body) = data.get(header..end) {
            // Exactly the body, in its own allocation.
            let mut body = body.to_vec();
            let packet = MQTTPacketInfo_t {
                r#type: from_buffer.r#type,
                pRemainingData: body.as_mut_ptr(),
                remainingLength: body.len(),
                headerLength: header,
            };
            exercise(&packet);
            if let Some((strict_packet, _)) = strict {
                cross_check(&packet, strict_packet);
            }
        }
    }

    // Firmware may also fill the struct itself: first byte and the rest.
    if let Some((&first, rest)) = data.split_first() {
        let mut rest = rest.to_vec();
        let packet = MQTTPacketInfo_t {
            r#type: first,
            pRemainingData: if rest.is_empty() {
                std::ptr::null_mut()
            } else {
                rest.as_mut_ptr()
            },
            remainingLength: rest.len(),
            headerLength: 0,
        };
        exercise(&packet);
    }
});

/// The strict codec accepted `strict`: coreMQTT must accept it with the same
/// fields.
fn cross_check(packet: &MQTTPacketInfo_t, strict: Packet<'_>) {
    let id_of = |status: MQTTStatus, id: u16, want: u16, what: &str| {
        assert_eq!(status, MQTTStatus::MQTTSuccess, "{what} {want} refused");
        assert_eq!(id, want, "{what} packet id");
    };
    match strict {
        Packet::Publish(p) => {
            let got = deserialize_publish(packet);
            assert_eq!(got.status, MQTTStatus::MQTTSuccess, "valid PUBLISH refused");
            assert_eq!(got.info.qos, p.qos as u32);
            assert_eq!(got.info.retain, p.retain);
            assert_eq!(got.info.dup, p.dup);
            // SAFETY: checked above to lie inside the body.
            let (topic, payload) = unsafe {
                (
                    std::slice::from_raw_parts(
                        got.info.pTopicName.cast::<u8>(),
                        usize::from(got.info.topicNameLength),
                    ),
                    if got.info.payloadLength == 0 {
                        &[][..]
                    } else {
                        std::slice::from_raw_parts(
                            got.info.pPayload.cast::<u8>(),
                            got.info.payloadLength,
                        )
                    },
                )
            };
            assert_eq!(topic, p.topic.as_bytes());
            assert_eq!(payload, p.payload);
            if p.packet_id != 0 {
                assert_eq!(got.packet_id, p.packet_id);
            }
        }
        Packet::ConnAck(c) => {
            let (status, _, present) = deserialize_ack(packet);
            let want = if c.return_code == ConnectReturnCode::Accepted {
                MQTTStatus::MQTTSuccess
            } else {
                MQTTStatus::MQTTServerRefused
            };
            assert_eq!(status, want, "CONNACK {c:?}");
            assert_eq!(present, c.session_present);
        }
        Packet::PubAck(a) => {
            let (s, id, _) = deserialize_ack(packet);
            id_of(s, id, a.packet_id, "PUBACK");
        }
        Packet::PubRec(a) => {
            let (s, id, _) = deserialize_ack(packet);
            id_of(s, id, a.packet_id, "PUBREC");
        }
        Packet::PubRel(a) => {
            let (s, id, _) = deserialize_ack(packet);
            id_of(s, id, a.packet_id, "PUBREL");
        }
        Packet::PubComp(a) => {
            let (s, id, _) = deserialize_ack(packet);
            id_of(s, id, a.packet_id, "PUBCOMP");
        }
        Packet::UnsubAck(a) => {
            let (s, id, _) = deserialize_ack(packet);
            id_of(s, id, a.packet_id, "UNSUBACK");
        }
        Packet::SubAck(a) => {
            let (status, id, _) = deserialize_ack(packet);
            let refused = a.return_codes.contains(&0x80);
            let want = if refused {
                MQTTStatus::MQTTServerRefused
            } else {
                MQTTStatus::MQTTSuccess
            };
            assert_eq!(status, want, "SUBACK {a:?}");
            assert_eq!(id, a.packet_id);
            assert_eq!(suback_codes(packet), Some(a.return_codes));
        }
        Packet::PingResp(_) => {
            let (status, _, _) = deserialize_ack(packet);
            assert_eq!(status, MQTTStatus::MQTTSuccess, "PINGRESP refused");
        }
        _ => {}
    }
}
