//! The `core_mqtt_serializer.h` functions through their C entry points: byte
//! fixtures worked out by hand from the MQTT 3.1.1 standard (section numbers
//! in the comments), the exact status of every error path, and round trips
//! from the serializers through the deserializers.
#![allow(non_snake_case)]

use std::cell::RefCell;
use std::ffi::c_void;
use std::ptr::{null, null_mut};

use rsmqtt::coremqtt::api::{MQTT_Connect, MQTT_Init};
use rsmqtt::coremqtt::context::{MQTTContext_t, MQTTDeserializedInfo_t};
use rsmqtt::coremqtt::serializer::*;
use rsmqtt::coremqtt::serializer_types::*;
use rsmqtt::coremqtt::transport_interface::{NetworkContext_t, TransportInterface_t};

use MQTTStatus::*;

const MAX: usize = 268_435_455;

fn fixed(buf: &mut [u8]) -> MQTTFixedBuffer_t {
    MQTTFixedBuffer_t {
        pBuffer: buf.as_mut_ptr(),
        size: buf.len(),
    }
}

fn connect_info(client_id: &'static str) -> MQTTConnectInfo_t {
    MQTTConnectInfo_t {
        cleanSession: true,
        keepAliveSeconds: 60,
        pClientIdentifier: client_id.as_ptr().cast(),
        clientIdentifierLength: client_id.len() as u16,
        pUserName: null(),
        userNameLength: 0,
        pPassword: null(),
        passwordLength: 0,
    }
}

fn publish_info(qos: u32, topic: &'static str, payload: &'static [u8]) -> MQTTPublishInfo_t {
    MQTTPublishInfo_t {
        qos,
        retain: false,
        dup: false,
        pTopicName: topic.as_ptr().cast(),
        topicNameLength: topic.len() as u16,
        pPayload: if payload.is_empty() {
            null()
        } else {
            payload.as_ptr().cast()
        },
        payloadLength: payload.len(),
    }
}

fn sub(qos: u32, filter: &'static str) -> MQTTSubscribeInfo_t {
    MQTTSubscribeInfo_t {
        qos,
        pTopicFilter: filter.as_ptr().cast(),
        topicFilterLength: filter.len() as u16,
    }
}

fn packet(type_byte: u8, body: &mut [u8]) -> MQTTPacketInfo_t {
    MQTTPacketInfo_t {
        r#type: type_byte,
        pRemainingData: if body.is_empty() {
            null_mut()
        } else {
            body.as_mut_ptr()
        },
        remainingLength: body.len(),
        headerLength: 2,
    }
}

/// Serializes a CONNECT through the C API, returning status and bytes.
unsafe fn connect_bytes(
    info: &MQTTConnectInfo_t,
    will: *const MQTTPublishInfo_t,
) -> (MQTTStatus, Vec<u8>) {
    let (mut remaining, mut size) = (0, 0);
    let status = MQTT_GetConnectPacketSize(info, will, &mut remaining, &mut size);
    if status != MQTTSuccess {
        return (status, Vec::new());
    }
    let mut buf = vec![0xA5u8; size];
    let status = MQTT_SerializeConnect(info, will, remaining, &fixed(&mut buf));
    (status, buf)
}

// ---------------------------------------------------------------- CONNECT

#[test]
fn connect_minimal() {
    // §3.1: type 0x10, remaining length 16 = 10 (variable header) + 2 + 4;
    // protocol name "MQTT", level 4, flags 0x02 (clean session), keep alive 60.
    let info = connect_info("test");
    let (mut remaining, mut size) = (0, 0);
    // SAFETY: valid pointers throughout.
    unsafe {
        assert_eq!(
            MQTT_GetConnectPacketSize(&info, null(), &mut remaining, &mut size),
            MQTTSuccess
        );
        assert_eq!((remaining, size), (16, 18));
        let (status, bytes) = connect_bytes(&info, null());
        assert_eq!(status, MQTTSuccess);
        assert_eq!(
            bytes,
            [
                0x10, 16, 0, 4, b'M', b'Q', b'T', b'T', 4, 0x02, 0, 60, 0, 4, b't', b'e', b's',
                b't'
            ]
        );
    }
}

#[test]
fn connect_with_will_user_and_password() {
    // Flags (§3.1.2.3): user 0x80 | password 0x40 | will retain 0x20 |
    // will QoS 1 0x08 | will 0x04 | clean 0x02 = 0xEE. Payload order (§3.1.3):
    // client id, will topic, will message, user name, password.
    let mut info = connect_info("test");
    info.pUserName = "u".as_ptr().cast();
    info.userNameLength = 1;
    info.pPassword = "p".as_ptr().cast();
    info.passwordLength = 1;
    let mut will = publish_info(1, "w", b"bye");
    will.retain = true;
    // SAFETY: valid pointers throughout.
    let (status, bytes) = unsafe { connect_bytes(&info, &will) };
    assert_eq!(status, MQTTSuccess);
    assert_eq!(
        bytes,
        [
            0x10, 30, 0, 4, b'M', b'Q', b'T', b'T', 4, 0xEE, 0, 60, 0, 4, b't', b'e', b's', b't',
            0, 1, b'w', 0, 3, b'b', b'y', b'e', 0, 1, b'u', 0, 1, b'p'
        ]
    );
}

#[test]
fn connect_empty_user_name_sets_flag() {
    // coreMQTT decides presence by the pointer: a non-NULL empty user name is
    // sent as an empty string with the flag set.
    let mut info = connect_info("c");
    info.pUserName = "".as_ptr().cast();
    info.cleanSession = false;
    info.keepAliveSeconds = 0x1234;
    // SAFETY: valid pointers throughout.
    let (status, bytes) = unsafe { connect_bytes(&info, null()) };
    assert_eq!(status, MQTTSuccess);
    assert_eq!(
        bytes,
        [0x10, 15, 0, 4, b'M', b'Q', b'T', b'T', 4, 0x80, 0x12, 0x34, 0, 1, b'c', 0, 0]
    );
}

#[test]
fn connect_errors() {
    let info = connect_info("test");
    let (mut remaining, mut size) = (0, 0);
    let mut buf = [0u8; 64];
    // SAFETY: valid pointers or NULL as each case states.
    unsafe {
        assert_eq!(
            MQTT_GetConnectPacketSize(null(), null(), &mut remaining, &mut size),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_GetConnectPacketSize(&info, null(), null_mut(), &mut size),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_GetConnectPacketSize(&info, null(), &mut remaining, null_mut()),
            MQTTBadParameter
        );
        let mut empty_id = info;
        empty_id.clientIdentifierLength = 0;
        assert_eq!(
            MQTT_GetConnectPacketSize(&empty_id, null(), &mut remaining, &mut size),
            MQTTBadParameter
        );
        let mut null_id = info;
        null_id.pClientIdentifier = null();
        assert_eq!(
            MQTT_GetConnectPacketSize(&null_id, null(), &mut remaining, &mut size),
            MQTTBadParameter
        );
        // The will message is a two-byte-length field: 65536 bytes is too long.
        let big = vec![0u8; 65_536];
        let mut will = publish_info(0, "w", b"");
        will.pPayload = big.as_ptr().cast();
        will.payloadLength = big.len();
        assert_eq!(
            MQTT_GetConnectPacketSize(&info, &will, &mut remaining, &mut size),
            MQTTBadParameter
        );
        will.payloadLength = 65_535;
        assert_eq!(
            MQTT_GetConnectPacketSize(&info, &will, &mut remaining, &mut size),
            MQTTSuccess
        );
        assert_eq!(remaining, 16 + 2 + 1 + 2 + 65_535);

        // MQTT_SerializeConnect, in coreMQTT's order of checks.
        assert_eq!(
            MQTT_SerializeConnect(null(), null(), 16, &fixed(&mut buf)),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_SerializeConnect(&info, null(), 16, null()),
            MQTTBadParameter
        );
        let no_buffer = MQTTFixedBuffer_t {
            pBuffer: null_mut(),
            size: 64,
        };
        assert_eq!(
            MQTT_SerializeConnect(&info, null(), 16, &no_buffer),
            MQTTBadParameter
        );
        let mut topicless = publish_info(0, "w", b"x");
        topicless.pTopicName = null();
        assert_eq!(
            MQTT_SerializeConnect(&info, &topicless, 16, &fixed(&mut buf)),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_SerializeConnect(&info, null(), 16, &fixed(&mut buf[..17])),
            MQTTNoMemory
        );
        assert_eq!(
            MQTT_SerializeConnect(&info, null(), 16, &fixed(&mut buf[..18])),
            MQTTSuccess
        );
        // A remaining length that does not describe these parameters is refused
        // instead of overrunning the buffer.
        assert_eq!(
            MQTT_SerializeConnect(&info, null(), 2, &fixed(&mut buf[..18])),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_SerializeConnect(&info, null(), 17, &fixed(&mut buf)),
            MQTTBadParameter
        );
    }
}

#[test]
fn connect_fixed_header() {
    let info = connect_info("test");
    let mut buf = [0xA5u8; 20];
    // SAFETY: the buffer holds the 15 bytes the function may write.
    unsafe {
        let end = MQTT_SerializeConnectFixedHeader(buf.as_mut_ptr(), &info, null(), 16);
        assert_eq!(end.offset_from(buf.as_ptr()), 12);
        assert_eq!(
            buf[..12],
            [0x10, 16, 0, 4, b'M', b'Q', b'T', b'T', 4, 0x02, 0, 60]
        );
        assert_eq!(buf[12], 0xA5);
        // Will QoS 2 without retain: flags 0x02 | 0x04 | 0x10.
        let will = publish_info(2, "w", b"");
        let end = MQTT_SerializeConnectFixedHeader(buf.as_mut_ptr(), &info, &will, 200);
        assert_eq!(end.offset_from(buf.as_ptr()), 13);
        assert_eq!(
            buf[..13],
            [0x10, 0xC8, 0x01, 0, 4, b'M', b'Q', b'T', b'T', 4, 0x16, 0, 60]
        );
        assert!(MQTT_SerializeConnectFixedHeader(null_mut(), &info, null(), 16).is_null());
        assert!(MQTT_SerializeConnectFixedHeader(buf.as_mut_ptr(), null(), null(), 16).is_null());
        assert!(
            MQTT_SerializeConnectFixedHeader(buf.as_mut_ptr(), &info, null(), MAX + 1).is_null()
        );
    }
}

#[test]
fn connect_fixed_header_every_length_width_and_flag() {
    // The remaining length at each boundary of its 1- to 4-byte encoding
    // (2.2.3, worked out by hand), each followed by the variable header.
    let widths: [(usize, &[u8]); 8] = [
        (0, &[0x00]),
        (127, &[0x7F]),
        (128, &[0x80, 0x01]),
        (16_383, &[0xFF, 0x7F]),
        (16_384, &[0x80, 0x80, 0x01]),
        (2_097_151, &[0xFF, 0xFF, 0x7F]),
        (2_097_152, &[0x80, 0x80, 0x80, 0x01]),
        (MAX, &[0xFF, 0xFF, 0xFF, 0x7F]),
    ];
    // User name, password, will QoS 1 with retain, no clean session,
    // keep alive 0x1234: flags 0x80 | 0x40 | 0x20 | 0x08 | 0x04.
    let mut info = connect_info("c");
    info.cleanSession = false;
    info.keepAliveSeconds = 0x1234;
    info.pUserName = b"u".as_ptr().cast();
    info.pPassword = b"p".as_ptr().cast();
    let mut will = publish_info(1, "w", b"m");
    will.retain = true;
    for (remaining, digits) in widths {
        let mut expected = vec![0x10];
        expected.extend_from_slice(digits);
        expected.extend_from_slice(&[0, 4, b'M', b'Q', b'T', b'T', 4, 0xEC, 0x12, 0x34]);
        let mut buf = [0xA5u8; 16];
        // SAFETY: the buffer holds the 15 bytes the function may write.
        let end =
            unsafe { MQTT_SerializeConnectFixedHeader(buf.as_mut_ptr(), &info, &will, remaining) };
        // SAFETY: both point into `buf`.
        let written = unsafe { end.offset_from(buf.as_ptr()) } as usize;
        assert_eq!(buf[..written], expected[..], "remaining length {remaining}");
        assert!(buf[written..].iter().all(|&b| b == 0xA5));
    }
    // An invalid will QoS is refused without writing.
    let mut buf = [0xA5u8; 16];
    let bad_will = publish_info(3, "w", b"");
    // SAFETY: as above.
    let end = unsafe { MQTT_SerializeConnectFixedHeader(buf.as_mut_ptr(), &info, &bad_will, 16) };
    assert!(end.is_null());
    assert_eq!(buf, [0xA5u8; 16]);
}

// ------------------------------------------------- SUBSCRIBE / UNSUBSCRIBE

#[test]
fn subscribe_fixture() {
    // §3.8: 0x82, remaining length 2 + (2+3+1) + (2+1+1) = 12, packet id 10,
    // each filter followed by its requested QoS.
    let list = [sub(1, "a/b"), sub(2, "c")];
    let (mut remaining, mut size) = (0, 0);
    let mut buf = [0u8; 14];
    // SAFETY: valid pointers throughout.
    unsafe {
        assert_eq!(
            MQTT_GetSubscribePacketSize(list.as_ptr(), 2, &mut remaining, &mut size),
            MQTTSuccess
        );
        assert_eq!((remaining, size), (12, 14));
        assert_eq!(
            MQTT_SerializeSubscribe(list.as_ptr(), 2, 10, 12, &fixed(&mut buf)),
            MQTTSuccess
        );
    }
    assert_eq!(
        buf,
        [0x82, 12, 0, 10, 0, 3, b'a', b'/', b'b', 1, 0, 1, b'c', 2]
    );
}

#[test]
fn unsubscribe_fixture() {
    // §3.10: 0xA2, remaining length 2 + 5 + 3 = 10, filters without QoS.
    // UNSUBSCRIBE ignores the QoS field, even an invalid one.
    let list = [sub(7, "a/b"), sub(0, "c")];
    let (mut remaining, mut size) = (0, 0);
    let mut buf = [0u8; 12];
    // SAFETY: valid pointers throughout.
    unsafe {
        assert_eq!(
            MQTT_GetUnsubscribePacketSize(list.as_ptr(), 2, &mut remaining, &mut size),
            MQTTSuccess
        );
        assert_eq!((remaining, size), (10, 12));
        assert_eq!(
            MQTT_SerializeUnsubscribe(list.as_ptr(), 2, 10, 10, &fixed(&mut buf)),
            MQTTSuccess
        );
    }
    assert_eq!(buf, [0xA2, 10, 0, 10, 0, 3, b'a', b'/', b'b', 0, 1, b'c']);
}

#[test]
fn subscription_errors() {
    let list = [sub(1, "a/b"), sub(2, "c")];
    let (mut remaining, mut size) = (0, 0);
    let mut buf = [0u8; 32];
    // SAFETY: valid pointers or NULL as each case states.
    unsafe {
        assert_eq!(
            MQTT_GetSubscribePacketSize(null(), 2, &mut remaining, &mut size),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_GetSubscribePacketSize(list.as_ptr(), 0, &mut remaining, &mut size),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_GetSubscribePacketSize(list.as_ptr(), 2, null_mut(), &mut size),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_GetUnsubscribePacketSize(list.as_ptr(), 2, &mut remaining, null_mut()),
            MQTTBadParameter
        );
        let empty = [sub(1, "a"), sub(1, "")];
        assert_eq!(
            MQTT_GetSubscribePacketSize(empty.as_ptr(), 2, &mut remaining, &mut size),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_GetUnsubscribePacketSize(empty.as_ptr(), 2, &mut remaining, &mut size),
            MQTTBadParameter
        );
        let mut null_filter = [sub(1, "a")];
        null_filter[0].pTopicFilter = null();
        assert_eq!(
            MQTT_GetSubscribePacketSize(null_filter.as_ptr(), 1, &mut remaining, &mut size),
            MQTTBadParameter
        );
        let bad_qos = [sub(3, "a")];
        assert_eq!(
            MQTT_GetSubscribePacketSize(bad_qos.as_ptr(), 1, &mut remaining, &mut size),
            MQTTBadParameter
        );

        let ok = fixed(&mut buf);
        assert_eq!(
            MQTT_SerializeSubscribe(null(), 2, 10, 12, &ok),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_SerializeSubscribe(list.as_ptr(), 2, 10, 12, null()),
            MQTTBadParameter
        );
        let no_buffer = MQTTFixedBuffer_t {
            pBuffer: null_mut(),
            size: 32,
        };
        assert_eq!(
            MQTT_SerializeSubscribe(list.as_ptr(), 2, 10, 12, &no_buffer),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_SerializeSubscribe(list.as_ptr(), 0, 10, 12, &ok),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_SerializeSubscribe(list.as_ptr(), 2, 0, 12, &ok),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_SerializeSubscribe(list.as_ptr(), 2, 10, 12, &fixed(&mut buf[..13])),
            MQTTNoMemory
        );
        assert_eq!(
            MQTT_SerializeSubscribe(list.as_ptr(), 2, 10, 11, &fixed(&mut buf)),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_SerializeUnsubscribe(list.as_ptr(), 2, 0, 10, &fixed(&mut buf)),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_SerializeUnsubscribe(list.as_ptr(), 2, 10, 10, &fixed(&mut buf[..11])),
            MQTTNoMemory
        );
    }
}

#[test]
fn subscription_headers() {
    let mut buf = [0xA5u8; 8];
    // SAFETY: the buffer holds the 7 bytes the functions may write.
    unsafe {
        let end = MQTT_SerializeSubscribeHeader(12, buf.as_mut_ptr(), 10);
        assert_eq!(end.offset_from(buf.as_ptr()), 4);
        assert_eq!(buf[..5], [0x82, 12, 0, 10, 0xA5]);
        let end = MQTT_SerializeUnsubscribeHeader(300, buf.as_mut_ptr(), 0x0102);
        assert_eq!(end.offset_from(buf.as_ptr()), 5);
        // 300 = 0b10_0101100: 0xAC, 0x02 (§2.2.3).
        assert_eq!(buf[..5], [0xA2, 0xAC, 0x02, 1, 2]);
        assert!(MQTT_SerializeSubscribeHeader(12, null_mut(), 10).is_null());
    }
}

// ---------------------------------------------------------------- PUBLISH

#[test]
fn publish_qos1_retain_fixture() {
    // §3.3: flags QoS 1 (0x02) | retain (0x01) → 0x33; remaining length
    // 2 + 3 (topic) + 2 (packet id) + 2 (payload) = 9.
    let mut info = publish_info(1, "a/b", b"hi");
    info.retain = true;
    let (mut remaining, mut size) = (0, 0);
    let mut buf = [0u8; 11];
    let expected = [0x33, 9, 0, 3, b'a', b'/', b'b', 0, 7, b'h', b'i'];
    // SAFETY: valid pointers throughout.
    unsafe {
        assert_eq!(
            MQTT_GetPublishPacketSize(&info, &mut remaining, &mut size),
            MQTTSuccess
        );
        assert_eq!((remaining, size), (9, 11));
        assert_eq!(
            MQTT_SerializePublish(&info, 7, 9, &fixed(&mut buf)),
            MQTTSuccess
        );
        assert_eq!(buf, expected);

        // Header only: everything but the payload, and its size.
        let mut header = [0u8; 11];
        let mut header_size = 0;
        assert_eq!(
            MQTT_SerializePublishHeader(&info, 7, 9, &fixed(&mut header[..9]), &mut header_size),
            MQTTSuccess
        );
        assert_eq!(header_size, 9);
        assert_eq!(header[..9], expected[..9]);
        assert_eq!(
            MQTT_SerializePublishHeader(&info, 7, 9, &fixed(&mut header[..8]), &mut header_size),
            MQTTNoMemory
        );

        // Header without topic: type, remaining length, topic length.
        let mut short = [0xA5u8; 8];
        let mut written = 0;
        assert_eq!(
            MQTT_SerializePublishHeaderWithoutTopic(&info, 9, short.as_mut_ptr(), &mut written),
            MQTTSuccess
        );
        assert_eq!(written, 4);
        assert_eq!(short[..5], [0x33, 9, 0, 3, 0xA5]);
    }
}

#[test]
fn publish_qos0_and_qos2_dup() {
    let info = publish_info(0, "t", b"");
    let mut buf = [0u8; 5];
    let mut dup = publish_info(2, "t", b"x");
    dup.dup = true;
    let mut buf2 = [0u8; 8];
    // SAFETY: valid pointers throughout.
    unsafe {
        // QoS 0 has no packet identifier; the packet id argument is ignored.
        assert_eq!(
            MQTT_SerializePublish(&info, 0, 3, &fixed(&mut buf)),
            MQTTSuccess
        );
        assert_eq!(buf, [0x30, 3, 0, 1, b't']);
        // QoS 2 (0x04) with DUP (0x08): 0x3C.
        assert_eq!(
            MQTT_SerializePublish(&dup, 0xBEEF, 6, &fixed(&mut buf2)),
            MQTTSuccess
        );
        assert_eq!(buf2, [0x3C, 6, 0, 1, b't', 0xBE, 0xEF, b'x']);
    }
}

#[test]
fn publish_two_byte_remaining_length() {
    // 200-byte payload, QoS 0, topic "t": remaining length 203 = 0xCB 0x01.
    static PAYLOAD: [u8; 200] = [7; 200];
    let info = publish_info(0, "t", &PAYLOAD);
    let (mut remaining, mut size) = (0, 0);
    let mut buf = vec![0u8; 206];
    // SAFETY: valid pointers throughout.
    unsafe {
        assert_eq!(
            MQTT_GetPublishPacketSize(&info, &mut remaining, &mut size),
            MQTTSuccess
        );
        assert_eq!((remaining, size), (203, 206));
        assert_eq!(
            MQTT_SerializePublish(&info, 0, 203, &fixed(&mut buf)),
            MQTTSuccess
        );
    }
    assert_eq!(buf[..5], [0x30, 0xCB, 0x01, 0, 1]);
    assert_eq!(buf[5], b't');
    assert!(buf[6..].iter().all(|&b| b == 7));
}

#[test]
fn publish_size_limit() {
    // coreMQTT limits the whole packet to 268435455 bytes. QoS 0, topic "t":
    // payload MAX-8 gives remaining length MAX-5 and packet size exactly MAX.
    let mut info = publish_info(0, "t", b"");
    let (mut remaining, mut size) = (0, 0);
    // The size functions never read the payload.
    info.payloadLength = MAX - 8;
    // SAFETY: valid pointers; the payload is not dereferenced.
    unsafe {
        assert_eq!(
            MQTT_GetPublishPacketSize(&info, &mut remaining, &mut size),
            MQTTSuccess
        );
        assert_eq!((remaining, size), (MAX - 5, MAX));
        info.payloadLength = MAX - 7;
        assert_eq!(
            MQTT_GetPublishPacketSize(&info, &mut remaining, &mut size),
            MQTTBadParameter
        );
        info.payloadLength = usize::MAX;
        assert_eq!(
            MQTT_GetPublishPacketSize(&info, &mut remaining, &mut size),
            MQTTBadParameter
        );
    }
}

#[test]
fn publish_errors() {
    let info = publish_info(1, "a/b", b"hi");
    let (mut remaining, mut size) = (0, 0);
    let mut buf = [0u8; 32];
    let mut header_size = 0;
    // SAFETY: valid pointers or NULL as each case states.
    unsafe {
        assert_eq!(
            MQTT_GetPublishPacketSize(null(), &mut remaining, &mut size),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_GetPublishPacketSize(&info, null_mut(), &mut size),
            MQTTBadParameter
        );
        let mut no_topic = info;
        no_topic.topicNameLength = 0;
        assert_eq!(
            MQTT_GetPublishPacketSize(&no_topic, &mut remaining, &mut size),
            MQTTBadParameter
        );
        let mut null_topic = info;
        null_topic.pTopicName = null();
        assert_eq!(
            MQTT_GetPublishPacketSize(&null_topic, &mut remaining, &mut size),
            MQTTBadParameter
        );
        let mut bad_qos = info;
        bad_qos.qos = 3;
        assert_eq!(
            MQTT_GetPublishPacketSize(&bad_qos, &mut remaining, &mut size),
            MQTTBadParameter
        );

        let ok = fixed(&mut buf);
        assert_eq!(MQTT_SerializePublish(null(), 7, 9, &ok), MQTTBadParameter);
        assert_eq!(MQTT_SerializePublish(&info, 7, 9, null()), MQTTBadParameter);
        let mut null_payload = info;
        null_payload.pPayload = null();
        assert_eq!(
            MQTT_SerializePublish(&null_payload, 7, 9, &ok),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_SerializePublish(&no_topic, 7, 9, &ok),
            MQTTBadParameter
        );
        // QoS 1 and 2 need a packet identifier.
        assert_eq!(MQTT_SerializePublish(&info, 0, 9, &ok), MQTTBadParameter);
        // DUP is only for QoS 1 and 2.
        let mut dup0 = publish_info(0, "t", b"");
        dup0.dup = true;
        assert_eq!(MQTT_SerializePublish(&dup0, 0, 3, &ok), MQTTBadParameter);
        assert_eq!(
            MQTT_SerializePublish(&info, 7, 9, &fixed(&mut buf[..10])),
            MQTTNoMemory
        );
        assert_eq!(
            MQTT_SerializePublish(&info, 7, 8, &fixed(&mut buf)),
            MQTTBadParameter
        );

        assert_eq!(
            MQTT_SerializePublishHeader(&info, 7, 9, &fixed(&mut buf), null_mut()),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_SerializePublishHeader(&info, 0, 9, &fixed(&mut buf), &mut header_size),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_SerializePublishHeader(&dup0, 0, 3, &fixed(&mut buf), &mut header_size),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_SerializePublishHeader(&info, 7, 1, &fixed(&mut buf), &mut header_size),
            MQTTBadParameter
        );

        let mut written = 0;
        assert_eq!(
            MQTT_SerializePublishHeaderWithoutTopic(null(), 9, buf.as_mut_ptr(), &mut written),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_SerializePublishHeaderWithoutTopic(&info, 9, null_mut(), &mut written),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_SerializePublishHeaderWithoutTopic(&info, 9, buf.as_mut_ptr(), null_mut()),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_SerializePublishHeaderWithoutTopic(&info, MAX + 1, buf.as_mut_ptr(), &mut written),
            MQTTBadParameter
        );
    }
}

#[test]
fn duplicate_flag() {
    let mut header = [0x32u8, 9];
    // SAFETY: valid pointers or NULL.
    unsafe {
        assert_eq!(
            MQTT_UpdateDuplicatePublishFlag(header.as_mut_ptr(), true),
            MQTTSuccess
        );
        assert_eq!(header[0], 0x3A);
        assert_eq!(
            MQTT_UpdateDuplicatePublishFlag(header.as_mut_ptr(), false),
            MQTTSuccess
        );
        assert_eq!(header[0], 0x32);
        let mut ack = [0x40u8];
        assert_eq!(
            MQTT_UpdateDuplicatePublishFlag(ack.as_mut_ptr(), true),
            MQTTBadParameter
        );
        assert_eq!(ack[0], 0x40);
        assert_eq!(
            MQTT_UpdateDuplicatePublishFlag(null_mut(), true),
            MQTTBadParameter
        );
    }
}

// ------------------------------------------- acks, PINGREQ, DISCONNECT

#[test]
fn acks_pingreq_disconnect() {
    let mut buf = [0u8; 4];
    let mut size = 0;
    // SAFETY: valid pointers or NULL as each case states.
    unsafe {
        // §3.4-3.7: type, remaining length 2, packet id.
        assert_eq!(
            MQTT_SerializeAck(&fixed(&mut buf), MQTT_PACKET_TYPE_PUBREL, 0x1234),
            MQTTSuccess
        );
        assert_eq!(buf, [0x62, 2, 0x12, 0x34]);
        for t in [
            MQTT_PACKET_TYPE_PUBACK,
            MQTT_PACKET_TYPE_PUBREC,
            MQTT_PACKET_TYPE_PUBCOMP,
        ] {
            assert_eq!(MQTT_SerializeAck(&fixed(&mut buf), t, 1), MQTTSuccess);
            assert_eq!(buf, [t, 2, 0, 1]);
        }
        assert_eq!(
            MQTT_SerializeAck(&fixed(&mut buf), 0x60, 1),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_SerializeAck(&fixed(&mut buf), MQTT_PACKET_TYPE_PUBLISH, 1),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_SerializeAck(&fixed(&mut buf), MQTT_PACKET_TYPE_PUBACK, 0),
            MQTTBadParameter
        );
        // The size check comes before the packet identifier check.
        assert_eq!(
            MQTT_SerializeAck(&fixed(&mut buf[..3]), MQTT_PACKET_TYPE_PUBACK, 0),
            MQTTNoMemory
        );
        assert_eq!(
            MQTT_SerializeAck(null(), MQTT_PACKET_TYPE_PUBACK, 1),
            MQTTBadParameter
        );

        // §3.12, §3.14: two bytes each.
        assert_eq!(MQTT_GetDisconnectPacketSize(&mut size), MQTTSuccess);
        assert_eq!(size, 2);
        size = 0;
        assert_eq!(MQTT_GetPingreqPacketSize(&mut size), MQTTSuccess);
        assert_eq!(size, 2);
        assert_eq!(MQTT_GetDisconnectPacketSize(null_mut()), MQTTBadParameter);
        assert_eq!(MQTT_GetPingreqPacketSize(null_mut()), MQTTBadParameter);
        assert_eq!(MQTT_SerializeDisconnect(&fixed(&mut buf[..2])), MQTTSuccess);
        assert_eq!(buf[..2], [0xE0, 0]);
        assert_eq!(MQTT_SerializePingreq(&fixed(&mut buf[..2])), MQTTSuccess);
        assert_eq!(buf[..2], [0xC0, 0]);
        assert_eq!(
            MQTT_SerializeDisconnect(&fixed(&mut buf[..1])),
            MQTTNoMemory
        );
        assert_eq!(MQTT_SerializePingreq(&fixed(&mut buf[..1])), MQTTNoMemory);
        assert_eq!(MQTT_SerializePingreq(null()), MQTTBadParameter);
        let no_buffer = MQTTFixedBuffer_t {
            pBuffer: null_mut(),
            size: 2,
        };
        assert_eq!(MQTT_SerializeDisconnect(&no_buffer), MQTTBadParameter);
    }
}

// ----------------------------------------------------------- deserializing

/// Runs MQTT_DeserializeAck; returns status, packet id and session present
/// (initialised to sentinels to see what was written).
fn ack(type_byte: u8, body: &[u8]) -> (MQTTStatus, u16, Option<bool>) {
    let mut body = body.to_vec();
    let info = packet(type_byte, &mut body);
    let mut id = 0xFFFF;
    let mut session = 2u8;
    // SAFETY: valid pointers; `session` is read back only as a byte.
    let status = unsafe { MQTT_DeserializeAck(&info, &mut id, (&mut session as *mut u8).cast()) };
    (status, id, (session != 2).then_some(session == 1))
}

#[test]
fn connack() {
    // §3.2: remaining length 2; flags byte with only Session Present; return code.
    assert_eq!(ack(0x20, &[0, 0]), (MQTTSuccess, 0xFFFF, Some(false)));
    assert_eq!(ack(0x20, &[1, 0]), (MQTTSuccess, 0xFFFF, Some(true)));
    for code in 1..=5 {
        assert_eq!(
            ack(0x20, &[0, code]),
            (MQTTServerRefused, 0xFFFF, Some(false))
        );
    }
    assert_eq!(ack(0x20, &[0, 6]).0, MQTTBadResponse);
    // A session cannot be present on a refused connection.
    assert_eq!(ack(0x20, &[1, 5]).0, MQTTBadResponse);
    assert_eq!(ack(0x20, &[2, 0]).0, MQTTBadResponse);
    assert_eq!(ack(0x20, &[0, 0, 0]).0, MQTTBadResponse);
    assert_eq!(ack(0x20, &[0]).0, MQTTBadResponse);
    // CONNACK needs pSessionPresent but not pPacketId.
    let mut body = [0u8, 0];
    let info = packet(0x20, &mut body);
    let mut session = true;
    // SAFETY: valid pointers or NULL.
    unsafe {
        assert_eq!(
            MQTT_DeserializeAck(&info, null_mut(), &mut session),
            MQTTSuccess
        );
        assert!(!session);
        assert_eq!(
            MQTT_DeserializeAck(&info, null_mut(), null_mut()),
            MQTTBadParameter
        );
    }
}

#[test]
fn suback() {
    // §3.9: packet id then one return code per filter: 0, 1, 2 or 0x80.
    assert_eq!(ack(0x90, &[0, 10, 1]), (MQTTSuccess, 10, None));
    assert_eq!(ack(0x90, &[0, 10, 0, 1, 2]), (MQTTSuccess, 10, None));
    assert_eq!(ack(0x90, &[0, 10, 1, 0x80]), (MQTTServerRefused, 10, None));
    assert_eq!(ack(0x90, &[0, 10, 0x80, 3]).0, MQTTBadResponse);
    assert_eq!(ack(0x90, &[0, 10]).0, MQTTBadResponse);
    assert_eq!(ack(0x90, &[0, 0, 1]).0, MQTTBadResponse);
}

#[test]
fn simple_acks_and_pingresp() {
    for t in [0x40, 0x50, 0x62, 0x70, 0xB0] {
        assert_eq!(
            ack(t, &[0x12, 0x34]),
            (MQTTSuccess, 0x1234, None),
            "type {t:#x}"
        );
        assert_eq!(ack(t, &[0, 0]).0, MQTTBadResponse, "type {t:#x} id 0");
        assert_eq!(
            ack(t, &[0, 1, 0]).0,
            MQTTBadResponse,
            "type {t:#x} length 3"
        );
    }
    // PUBREL must carry its flag bits; other types are not acknowledgements.
    assert_eq!(ack(0x60, &[0, 1]).0, MQTTBadResponse);
    assert_eq!(ack(0x30, &[0, 1]).0, MQTTBadResponse);
    assert_eq!(ack(0x42, &[0, 1]).0, MQTTBadResponse);
    // §3.13: PINGRESP has no body; pPacketId and pRemainingData may be NULL.
    let info = packet(0xD0, &mut []);
    // SAFETY: valid pointers or NULL.
    unsafe {
        assert_eq!(
            MQTT_DeserializeAck(&info, null_mut(), null_mut()),
            MQTTSuccess
        );
        let odd = MQTTPacketInfo_t {
            remainingLength: 1,
            ..info
        };
        assert_eq!(
            MQTT_DeserializeAck(&odd, null_mut(), null_mut()),
            MQTTBadResponse
        );
        // Other packets need pPacketId and remaining data.
        let mut body = [0u8, 1];
        let puback = packet(0x40, &mut body);
        assert_eq!(
            MQTT_DeserializeAck(&puback, null_mut(), null_mut()),
            MQTTBadParameter
        );
        let mut id = 0;
        let no_data = MQTTPacketInfo_t {
            pRemainingData: null_mut(),
            ..puback
        };
        assert_eq!(
            MQTT_DeserializeAck(&no_data, &mut id, null_mut()),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_DeserializeAck(null(), &mut id, null_mut()),
            MQTTBadParameter
        );
    }
}

fn deserialize_publish_c(type_byte: u8, body: &mut [u8]) -> (MQTTStatus, u16, MQTTPublishInfo_t) {
    let info = packet(type_byte, body);
    let mut id = 0xFFFF;
    let mut out = publish_info(0, "x", b"");
    // SAFETY: valid pointers.
    let status = unsafe { MQTT_DeserializePublish(&info, &mut id, &mut out) };
    (status, id, out)
}

#[test]
fn deserialize_publish_fixtures() {
    // QoS 1, topic "a/b", packet id 7, payload "hi" (§3.3).
    let mut body = [0, 3, b'a', b'/', b'b', 0, 7, b'h', b'i'];
    let base = body.as_ptr() as usize;
    let (status, id, out) = deserialize_publish_c(0x33, &mut body);
    assert_eq!(status, MQTTSuccess);
    assert_eq!(id, 7);
    assert_eq!((out.qos, out.retain, out.dup), (1, true, false));
    assert_eq!(out.topicNameLength, 3);
    // Topic and payload point into the packet.
    assert_eq!(out.pTopicName as usize, base + 2);
    assert_eq!(out.pPayload as usize, base + 7);
    assert_eq!(out.payloadLength, 2);

    // QoS 0 with no payload: no packet id written, payload NULL.
    let mut body = [0, 1, b't'];
    let (status, id, out) = deserialize_publish_c(0x38, &mut body);
    assert_eq!((status, id), (MQTTSuccess, 0xFFFF));
    assert_eq!((out.qos, out.dup), (0, true));
    assert!(out.pPayload.is_null());
    assert_eq!(out.payloadLength, 0);

    // Malformed: QoS 3, too short, topic longer than the packet, packet id 0.
    assert_eq!(
        deserialize_publish_c(0x36, &mut [0, 1, b't', 0, 1]).0,
        MQTTBadResponse
    );
    assert_eq!(deserialize_publish_c(0x30, &mut [0, 1]).0, MQTTBadResponse);
    assert_eq!(
        deserialize_publish_c(0x32, &mut [0, 1, b't', 0]).0,
        MQTTBadResponse
    );
    assert_eq!(
        deserialize_publish_c(0x30, &mut [0, 5, b't']).0,
        MQTTBadResponse
    );
    assert_eq!(
        deserialize_publish_c(0x32, &mut [0, 1, b't', 0, 0]).0,
        MQTTBadResponse
    );
    // Not a PUBLISH, or no data: bad parameter.
    assert_eq!(
        deserialize_publish_c(0x40, &mut [0, 1, b't']).0,
        MQTTBadParameter
    );
    assert_eq!(deserialize_publish_c(0x30, &mut []).0, MQTTBadParameter);
    let mut body = [0u8, 1, b't'];
    let info = packet(0x30, &mut body);
    let mut out = publish_info(0, "x", b"");
    let mut id = 0;
    // SAFETY: valid pointers or NULL.
    unsafe {
        assert_eq!(
            MQTT_DeserializePublish(null(), &mut id, &mut out),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_DeserializePublish(&info, null_mut(), &mut out),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_DeserializePublish(&info, &mut id, null_mut()),
            MQTTBadParameter
        );
    }
}

fn process(bytes: &[u8]) -> (MQTTStatus, MQTTPacketInfo_t) {
    let mut info = MQTTPacketInfo_t {
        r#type: 0,
        pRemainingData: null_mut(),
        remainingLength: 99,
        headerLength: 99,
    };
    let index = bytes.len();
    // SAFETY: valid pointers; a dangling but non-NULL pointer for the empty case is never read.
    let status = unsafe {
        MQTT_ProcessIncomingPacketTypeAndLength(
            if bytes.is_empty() {
                [0u8].as_ptr()
            } else {
                bytes.as_ptr()
            },
            &index,
            &mut info,
        )
    };
    (status, info)
}

#[test]
fn process_incoming_type_and_length() {
    assert_eq!(process(&[]).0, MQTTNoDataAvailable);
    assert_eq!(process(&[0x30]).0, MQTTNeedMoreBytes);
    assert_eq!(process(&[0x30, 0x80]).0, MQTTNeedMoreBytes);
    let (status, info) = process(&[0x30, 0xCB, 0x01, 0xAA]);
    assert_eq!(status, MQTTSuccess);
    assert_eq!(
        (info.r#type, info.remainingLength, info.headerLength),
        (0x30, 203, 3)
    );
    // §2.2.3: the largest length, four bytes.
    let (status, info) = process(&[0x30, 0xFF, 0xFF, 0xFF, 0x7F]);
    assert_eq!(status, MQTTSuccess);
    assert_eq!((info.remainingLength, info.headerLength), (MAX, 5));
    // A fifth length byte, and a padded (non-minimal) encoding, are refused.
    assert_eq!(process(&[0x30, 0xFF, 0xFF, 0xFF, 0xFF]).0, MQTTBadResponse);
    assert_eq!(
        process(&[0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]).0,
        MQTTBadResponse
    );
    assert_eq!(process(&[0x30, 0x80, 0x00]).0, MQTTBadResponse);
    // Packets a client never receives, and PUBREL without its flag.
    assert_eq!(process(&[0x10, 0]).0, MQTTBadResponse);
    assert_eq!(process(&[0x82, 0]).0, MQTTBadResponse);
    assert_eq!(process(&[0x60, 2]).0, MQTTBadResponse);
    assert_eq!(process(&[0x62, 2]).0, MQTTSuccess);
    assert_eq!(process(&[0xD0, 0]).1.headerLength, 2);
    let index = 2usize;
    let mut info = process(&[]).1;
    // SAFETY: NULL arguments only.
    unsafe {
        assert_eq!(
            MQTT_ProcessIncomingPacketTypeAndLength(null(), &index, &mut info),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_ProcessIncomingPacketTypeAndLength([0u8].as_ptr(), null(), &mut info),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_ProcessIncomingPacketTypeAndLength([0u8].as_ptr(), &index, null_mut()),
            MQTTBadParameter
        );
    }
}

// A scripted transport for MQTT_GetIncomingPacketTypeAndLength.
thread_local! {
    static SCRIPT: RefCell<Vec<i32>> = const { RefCell::new(Vec::new()) };
}

/// Returns the next scripted value: a byte (0..=255) delivered as one byte
/// received, or a negative/`1000` sentinel meaning "return -1" / "return 0".
unsafe extern "C" fn scripted_recv(
    _: *mut NetworkContext_t,
    buffer: *mut c_void,
    length: usize,
) -> i32 {
    assert_eq!(length, 1, "the header is read one byte at a time");
    SCRIPT.with(|script| {
        let mut script = script.borrow_mut();
        if script.is_empty() {
            return 0;
        }
        match script.remove(0) {
            -1 => -1,
            1000 => 0,
            // SAFETY: the library passes a one-byte buffer.
            byte => unsafe {
                buffer.cast::<u8>().write(byte as u8);
                1
            },
        }
    })
}

fn get_incoming(script: &[i32]) -> (MQTTStatus, MQTTPacketInfo_t, usize) {
    SCRIPT.with(|s| *s.borrow_mut() = script.to_vec());
    let mut info = MQTTPacketInfo_t {
        r#type: 0,
        pRemainingData: null_mut(),
        remainingLength: 0,
        headerLength: 0,
    };
    // SAFETY: a valid receive function and packet.
    let status =
        unsafe { MQTT_GetIncomingPacketTypeAndLength(Some(scripted_recv), null_mut(), &mut info) };
    let left = SCRIPT.with(|s| s.borrow().len());
    (status, info, left)
}

#[test]
fn get_incoming_type_and_length() {
    let (status, info, left) = get_incoming(&[0x40, 0x02, 0x00, 0x07]);
    assert_eq!(status, MQTTSuccess);
    assert_eq!((info.r#type, info.remainingLength), (0x40, 2));
    // Only the fixed header is consumed.
    assert_eq!(left, 2);
    let (status, info, _) = get_incoming(&[0x30, 0xCB, 0x01]);
    assert_eq!((status, info.remainingLength), (MQTTSuccess, 203));
    assert_eq!(get_incoming(&[]).0, MQTTNoDataAvailable);
    assert_eq!(get_incoming(&[-1]).0, MQTTRecvFailed);
    assert_eq!(get_incoming(&[0x00]).0, MQTTBadResponse);
    // The transport failing inside the length, or a fifth length byte.
    assert_eq!(get_incoming(&[0x30, 0x80, 1000]).0, MQTTBadResponse);
    assert_eq!(get_incoming(&[0x30, 0x80, -1]).0, MQTTBadResponse);
    let (status, _, left) = get_incoming(&[0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]);
    assert_eq!((status, left), (MQTTBadResponse, 1));
    let mut info = get_incoming(&[]).1;
    // SAFETY: NULL arguments only.
    unsafe {
        assert_eq!(
            MQTT_GetIncomingPacketTypeAndLength(None, null_mut(), &mut info),
            MQTTBadParameter
        );
        assert_eq!(
            MQTT_GetIncomingPacketTypeAndLength(Some(scripted_recv), null_mut(), null_mut()),
            MQTTBadParameter
        );
    }
}

// ------------------------------------------------------------ round trips

#[test]
fn publish_round_trip_through_c_api() {
    for (qos, retain, dup, id) in [
        (0u32, false, false, 0u16),
        (1, true, false, 1),
        (2, false, true, 65535),
    ] {
        let mut info = publish_info(qos, "sensors/+/temp", b"21.5 C");
        info.retain = retain;
        info.dup = dup;
        let (mut remaining, mut size) = (0, 0);
        let mut wire = vec![0u8; 64];
        let mut header = MQTTPacketInfo_t {
            r#type: 0,
            pRemainingData: null_mut(),
            remainingLength: 0,
            headerLength: 0,
        };
        let mut out = publish_info(0, "x", b"");
        let mut out_id = 0;
        // SAFETY: valid pointers; the buffer outlives the decoded views.
        unsafe {
            assert_eq!(
                MQTT_GetPublishPacketSize(&info, &mut remaining, &mut size),
                MQTTSuccess
            );
            assert_eq!(
                MQTT_SerializePublish(&info, id, remaining, &fixed(&mut wire)),
                MQTTSuccess
            );
            assert_eq!(
                MQTT_ProcessIncomingPacketTypeAndLength(wire.as_ptr(), &size, &mut header),
                MQTTSuccess
            );
            assert_eq!(header.headerLength + header.remainingLength, size);
            header.pRemainingData = wire.as_mut_ptr().add(header.headerLength);
            assert_eq!(
                MQTT_DeserializePublish(&header, &mut out_id, &mut out),
                MQTTSuccess
            );
            assert_eq!((out.qos, out.retain, out.dup), (qos, retain, dup));
            if qos > 0 {
                assert_eq!(out_id, id);
            }
            let topic =
                std::slice::from_raw_parts(out.pTopicName.cast::<u8>(), out.topicNameLength.into());
            assert_eq!(topic, b"sensors/+/temp");
            let payload = std::slice::from_raw_parts(out.pPayload.cast::<u8>(), out.payloadLength);
            assert_eq!(payload, b"21.5 C");
        }
    }
}

#[test]
fn ack_round_trip_through_c_api() {
    for t in [
        MQTT_PACKET_TYPE_PUBACK,
        MQTT_PACKET_TYPE_PUBREC,
        MQTT_PACKET_TYPE_PUBREL,
        MQTT_PACKET_TYPE_PUBCOMP,
    ] {
        let mut wire = [0u8; 4];
        // SAFETY: valid pointers.
        unsafe { assert_eq!(MQTT_SerializeAck(&fixed(&mut wire), t, 4242), MQTTSuccess) };
        let (status, id, _) = ack(wire[0], &wire[2..]);
        assert_eq!((status, id), (MQTTSuccess, 4242));
    }
}

// ------------------------------------------------ the safe Rust interface

#[test]
fn safe_encoders_used_by_the_engine() {
    // PUBLISH header for vectored sends: header + topic + payload.
    let header = PublishHeader {
        qos: MQTTQoS::MQTTQoS1,
        retain: false,
        dup: false,
        topic: b"a/b",
    };
    let mut small = [0u8; 16];
    let n = serialize_publish_header(&mut small, &header, 7, 2).unwrap();
    assert_eq!(small[..n], [0x32, 9, 0, 3, b'a', b'/', b'b', 0, 7]);
    let (remaining, _) = publish_packet_size(MQTTQoS::MQTTQoS1, 3, 2).unwrap();
    let n = serialize_publish_header_without_topic(
        &mut small,
        MQTTQoS::MQTTQoS1,
        false,
        false,
        3,
        remaining,
    )
    .unwrap();
    assert_eq!(small[..n], [0x32, 9, 0, 3]);
    assert_eq!(
        serialize_publish_header(&mut small[..8], &header, 7, 2),
        Err(MQTTNoMemory)
    );
    // Subscription header and CONNECT.
    let subs = [Subscription {
        qos: MQTTQoS::MQTTQoS1,
        filter: b"a/b",
    }];
    let (remaining, size) = subscription_packet_size(&subs, SubscriptionKind::Subscribe).unwrap();
    assert_eq!((remaining, size), (8, 10));
    let n = subscription_header(&mut small, SubscriptionKind::Subscribe, remaining, 5).unwrap();
    assert_eq!(small[..n], [0x82, 8, 0, 5]);
    // The header writers' two refusals: a remaining length over the MQTT
    // limit, and a buffer that ends before the two-byte number.
    let too_long = 268_435_456;
    assert_eq!(
        subscription_header(&mut small, SubscriptionKind::Subscribe, too_long, 5),
        Err(MQTTBadParameter)
    );
    assert_eq!(
        subscription_header(&mut small[..3], SubscriptionKind::Unsubscribe, 8, 5),
        Err(MQTTNoMemory)
    );
    assert_eq!(
        serialize_publish_header_without_topic(
            &mut small,
            MQTTQoS::MQTTQoS0,
            false,
            false,
            3,
            too_long
        ),
        Err(MQTTBadParameter)
    );
    assert_eq!(
        serialize_publish_header_without_topic(
            &mut small[..1],
            MQTTQoS::MQTTQoS0,
            false,
            false,
            3,
            7
        ),
        Err(MQTTNoMemory)
    );
    // SAFETY: the buffer has room for the longest header.
    unsafe {
        assert!(MQTT_SerializeSubscribeHeader(too_long, small.as_mut_ptr(), 5).is_null());
        assert!(MQTT_SerializeUnsubscribeHeader(too_long, small.as_mut_ptr(), 5).is_null());
    }
    let connect = Connect {
        clean_session: true,
        keep_alive_seconds: 60,
        client_id: b"test",
        user_name: None,
        password: None,
    };
    let mut buf = [0u8; 18];
    assert_eq!(serialize_connect(&mut buf, &connect, None), Ok(18));
    assert_eq!(
        serialize_connect(&mut buf[..17], &connect, None),
        Err(MQTTNoMemory)
    );
    assert_eq!(DISCONNECT_PACKET, [0xE0, 0]);
    assert_eq!(PINGREQ_PACKET, [0xC0, 0]);
    // Decoders.
    assert_eq!(
        decode_fixed_header(&[0x90, 3, 0, 1, 0]),
        Ok(FixedHeader {
            type_byte: 0x90,
            remaining_length: 3,
            header_length: 2
        })
    );
    let outcome = deserialize_ack(0x90, &[0, 1, 0x80]);
    assert_eq!(outcome.status, MQTTServerRefused);
    assert_eq!(outcome.packet_id, Some(1));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any PUBLISH the serializer accepts decodes back to its fields.
        #[test]
        fn publish_round_trip(
            qos in 0u8..3,
            retain: bool,
            dup: bool,
            topic in proptest::collection::vec(any::<u8>(), 1..300),
            payload in proptest::collection::vec(any::<u8>(), 0..20_000),
            id in 1u16..,
        ) {
            let qos = MQTTQoS::from_raw(qos.into()).unwrap();
            let dup = dup && qos != MQTTQoS::MQTTQoS0;
            let header = PublishHeader { qos, retain, dup, topic: &topic };
            let (remaining, size) = publish_packet_size(qos, topic.len(), payload.len()).unwrap();
            let mut wire = vec![0u8; size];
            prop_assert_eq!(serialize_publish(&mut wire, &header, id, &payload), Ok(size));
            let fixed = decode_fixed_header(&wire).unwrap();
            prop_assert_eq!(fixed.remaining_length, remaining);
            let decoded = deserialize_publish(fixed.type_byte, &wire[fixed.header_length..]).unwrap();
            prop_assert_eq!(decoded.qos, qos);
            prop_assert_eq!((decoded.retain, decoded.dup), (retain, dup));
            prop_assert_eq!(decoded.topic, &topic[..]);
            prop_assert_eq!(decoded.payload, &payload[..]);
            prop_assert_eq!(decoded.packet_id, if qos == MQTTQoS::MQTTQoS0 { 0 } else { id });
        }

        /// The decoders never panic, whatever the bytes.
        #[test]
        fn decoders_total(bytes in proptest::collection::vec(any::<u8>(), 0..64), type_byte: u8) {
            let _ = decode_fixed_header(&bytes);
            let _ = deserialize_publish(type_byte, &bytes);
            let _ = deserialize_ack(type_byte, &bytes);
        }

        /// Every remaining length round-trips through the length encoding.
        #[test]
        fn remaining_length_round_trip(length in 0usize..=268_435_455) {
            let mut buf = [0u8; 5];
            let used = rsmqtt::wire::raw::fixed_header(&mut buf, 0x30, length).unwrap() - 1;
            prop_assert_eq!(used, remaining_length_size(length));
            let fixed = decode_fixed_header(&buf[..1 + used]).unwrap();
            prop_assert_eq!(fixed.remaining_length, length);
        }
    }
}

/// A one-byte C string `""` on the last byte of a readable page followed by
/// an inaccessible one: reading a second byte faults, so a test that passes
/// proves the library read no further than the NUL.
struct GuardedEmptyString {
    base: *mut libc::c_void,
    page: usize,
}

impl GuardedEmptyString {
    fn new() -> GuardedEmptyString {
        // SAFETY: plain POSIX calls; the mapping is checked and owned here.
        unsafe {
            let page = libc::sysconf(libc::_SC_PAGESIZE) as usize;
            let base = libc::mmap(
                std::ptr::null_mut(),
                2 * page,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            assert_ne!(base, libc::MAP_FAILED);
            let guard = base.cast::<u8>().add(page);
            assert_eq!(libc::mprotect(guard.cast(), page, libc::PROT_NONE), 0);
            guard.sub(1).write(0);
            GuardedEmptyString { base, page }
        }
    }

    fn as_ptr(&self) -> *const std::ffi::c_char {
        // SAFETY: the last byte of the first (readable) page.
        unsafe { self.base.cast::<u8>().add(self.page - 1).cast() }
    }
}

impl Drop for GuardedEmptyString {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `new`.
        unsafe { libc::munmap(self.base, 2 * self.page) };
    }
}

#[test]
fn zero_length_client_id_needs_clean_session() {
    // coreMQTT v3-CodeBase (#331): a zero length goes with NULL or "", and is
    // allowed only with clean session (MQTT-3.1.3-7); the server assigns one.
    let (mut remaining, mut size) = (0, 0);
    for pointer in [null(), c"".as_ptr()] {
        let mut info = connect_info("x");
        info.pClientIdentifier = pointer;
        info.clientIdentifierLength = 0;
        // SAFETY: valid pointers throughout.
        unsafe {
            assert_eq!(
                MQTT_GetConnectPacketSize(&info, null(), &mut remaining, &mut size),
                MQTTSuccess
            );
            assert_eq!((remaining, size), (12, 14));
            let (status, bytes) = connect_bytes(&info, null());
            assert_eq!(status, MQTTSuccess);
            assert_eq!(
                bytes,
                [0x10, 12, 0, 4, b'M', b'Q', b'T', b'T', 4, 0x02, 0, 60, 0, 0]
            );
            info.cleanSession = false;
            assert_eq!(
                MQTT_GetConnectPacketSize(&info, null(), &mut remaining, &mut size),
                MQTTBadParameter
            );
        }
    }
    // A string with a zero length, or NULL with a length: the two disagree.
    let mut info = connect_info("x");
    info.pClientIdentifier = c"id".as_ptr();
    info.clientIdentifierLength = 0;
    // SAFETY: valid pointers throughout.
    unsafe {
        assert_eq!(
            MQTT_GetConnectPacketSize(&info, null(), &mut remaining, &mut size),
            MQTTBadParameter
        );
        info.pClientIdentifier = null();
        info.clientIdentifierLength = 5;
        assert_eq!(
            MQTT_GetConnectPacketSize(&info, null(), &mut remaining, &mut size),
            MQTTBadParameter
        );
    }
}

#[test]
fn empty_client_id_string_with_a_length_is_refused_without_reading_past_it() {
    // "" with length 99 used to be read as 99 bytes. The string sits just
    // before a guard page here, so such a read would crash the test.
    let empty = GuardedEmptyString::new();
    let mut info = connect_info("x");
    info.pClientIdentifier = empty.as_ptr();
    info.clientIdentifierLength = 99;
    let (mut remaining, mut size) = (0, 0);
    let mut buf = [0u8; 256];
    // SAFETY: valid pointers; the identifier is the guarded one-byte string.
    unsafe {
        assert_eq!(
            MQTT_GetConnectPacketSize(&info, null(), &mut remaining, &mut size),
            MQTTBadParameter
        );
        // 10 + 2 + 99 would be the remaining length of a 99-byte identifier.
        assert_eq!(
            MQTT_SerializeConnect(&info, null(), 111, &fixed(&mut buf)),
            MQTTBadParameter
        );
    }
    // MQTT_Connect reads the identifier itself: refused before anything is
    // sent (the transport would fail the test if it were called).
    let transport = untouched_transport();
    // SAFETY: a zeroed context is what C declares statically; MQTT_Init
    // fills it. Every pointer below is valid for the calls.
    unsafe {
        let mut context: MQTTContext_t = std::mem::zeroed();
        assert_eq!(
            MQTT_Init(
                &mut context,
                &transport,
                Some(zero_clock),
                Some(ignore_event),
                &fixed(&mut buf)
            ),
            MQTTSuccess
        );
        let mut present = false;
        assert_eq!(
            MQTT_Connect(&mut context, &info, null(), 100, &mut present),
            MQTTBadParameter
        );
    }
}

unsafe extern "C" fn no_send(_: *mut NetworkContext_t, _: *const c_void, _: usize) -> i32 {
    panic!("the transport must not be used");
}

unsafe extern "C" fn no_recv(_: *mut NetworkContext_t, _: *mut c_void, _: usize) -> i32 {
    panic!("the transport must not be used");
}

unsafe extern "C" fn zero_clock() -> u32 {
    0
}

unsafe extern "C" fn ignore_event(
    _: *mut MQTTContext_t,
    _: *mut MQTTPacketInfo_t,
    _: *mut MQTTDeserializedInfo_t,
) {
}

/// A transport whose functions fail the test when called.
fn untouched_transport() -> TransportInterface_t {
    TransportInterface_t {
        recv: Some(no_recv),
        send: Some(no_send),
        writev: None,
        pNetworkContext: null_mut(),
    }
}

#[test]
fn init_accepts_an_empty_network_buffer_like_coremqtt() {
    // coreMQTT v3-CodeBase's MQTT_Init does not look inside the network
    // buffer. rsmqtt accepts an empty one too, then refuses to run a
    // connection without a buffer (coreMQTT asserts there); a NULL buffer
    // that claims a size is refused at once.
    let transport = untouched_transport();
    let mut byte = [0u8; 1];
    let cases = [
        (null_mut(), 0, MQTTSuccess),
        (byte.as_mut_ptr(), 0, MQTTSuccess),
        (null_mut(), 16, MQTTBadParameter),
    ];
    for (pointer, size, expected) in cases {
        let buffer = MQTTFixedBuffer_t {
            pBuffer: pointer,
            size,
        };
        // SAFETY: a zeroed context, valid pointers; the buffer outlives it.
        unsafe {
            let mut context: MQTTContext_t = std::mem::zeroed();
            assert_eq!(
                MQTT_Init(
                    &mut context,
                    &transport,
                    Some(zero_clock),
                    Some(ignore_event),
                    &buffer
                ),
                expected,
                "buffer {{{pointer:?}, {size}}}"
            );
            if expected != MQTTSuccess {
                continue;
            }
            assert_eq!(context.nextPacketId, 1);
            assert_eq!(context.networkBuffer.size, 0);
            if pointer.is_null() {
                let info = connect_info("id");
                let mut present = false;
                assert_eq!(
                    MQTT_Connect(&mut context, &info, null(), 100, &mut present),
                    MQTTBadParameter
                );
            }
        }
    }
}
