//! Byte-exact fixtures for the MQTT 3.1.1 codec.
//!
//! Positive fixtures follow the non-normative examples of the OASIS MQTT
//! 3.1.1 standard (section numbers cited per test) and are checked in both
//! directions: decode gives the expected value, and encoding that value
//! (flat and vectored) gives the same bytes. Negative fixtures each break
//! one rule and assert the specific error.

use rsmqtt::wire::{
    self, length, packet_len, ConnAck, Connect, ConnectReturnCode, Disconnect, Error, FixedHeader,
    Packet, PacketType, PingReq, PingResp, PubAck, PubComp, PubRec, PubRel, Publish, QoS, SubAck,
    SubAckReturnCode, Subscribe, SubscribeTopic, TopicError, UnsubAck, Unsubscribe, Will,
    PUBLISH_SCRATCH_LEN,
};

/// Decodes `bytes` as exactly one packet equal to `expected`, then encodes
/// `expected` flat and vectored and compares with `bytes`.
fn check_both_ways(bytes: &[u8], expected: Packet<'_>) {
    let (decoded, used) = wire::decode(bytes).expect("fixture decodes");
    assert_eq!(used, bytes.len(), "consumed length");
    assert_eq!(decoded, expected, "decoded value");
    assert_eq!(decoded.packet_type(), expected.packet_type());

    assert_eq!(expected.encoded_len(), bytes.len(), "encoded_len");
    let mut buf = [0xA5u8; 256];
    let written = expected.encode(&mut buf).expect("fixture encodes");
    assert_eq!(&buf[..written], bytes, "flat encoding");
    // Nothing past the packet was touched.
    assert!(buf[written..].iter().all(|&b| b == 0xA5));

    let mut scratch = [0u8; 64];
    let mut out: [&[u8]; 16] = [&[]; 16];
    let n = expected
        .encode_vectored(&mut scratch, &mut out)
        .expect("fixture encodes vectored");
    let joined: Vec<u8> = out[..n].iter().flat_map(|s| s.iter().copied()).collect();
    assert_eq!(joined, bytes, "vectored encoding");

    // Re-encoding the decoded (borrowed) view is byte-identical too.
    let written = decoded.encode(&mut buf).expect("decoded view encodes");
    assert_eq!(&buf[..written], bytes, "re-encoded decoded view");
}

fn decode_err(bytes: &[u8]) -> Error {
    match wire::decode(bytes) {
        Ok((p, _)) => panic!("expected an error, decoded {p:?}"),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------------------
// 2.2.3 Remaining Length, Table 2.4 "Size of Remaining Length field"

#[test]
fn remaining_length_table_2_4_boundaries() {
    let rows: [(usize, &[u8]); 8] = [
        (0, &[0x00]),
        (127, &[0x7F]),
        (128, &[0x80, 0x01]),
        (16_383, &[0xFF, 0x7F]),
        (16_384, &[0x80, 0x80, 0x01]),
        (2_097_151, &[0xFF, 0xFF, 0x7F]),
        (2_097_152, &[0x80, 0x80, 0x80, 0x01]),
        (268_435_455, &[0xFF, 0xFF, 0xFF, 0x7F]),
    ];
    for (value, bytes) in rows {
        assert_eq!(length::decode(bytes), Ok((value, bytes.len())));
        let mut out = [0u8; 4];
        let used = length::encode(value, &mut out).unwrap();
        assert_eq!(&out[..used], bytes);
    }
}

#[test]
fn remaining_length_two_byte_publish() {
    // 200-byte payload: remaining length 2 + 1 + 200 = 203 = 0xCB 0x01.
    let payload = [0x5Au8; 200];
    let mut bytes = vec![0x30, 0xCB, 0x01, 0x00, 0x01, b't'];
    bytes.extend_from_slice(&payload);
    let expected = Publish {
        topic: "t",
        payload: &payload,
        ..Publish::default()
    };
    let mut buf = [0u8; 256];
    let n = expected.encode(&mut buf).unwrap();
    assert_eq!(&buf[..n], &bytes[..]);
    assert_eq!(Publish::decode(&bytes), Ok((expected, bytes.len())));
}

// ---------------------------------------------------------------------------
// Positive fixtures, one per packet type.

/// 3.1.2.10 "Variable header non normative example" (Figure 3.6): protocol
/// name MQTT, level 4, connect flags 0xCE (user name, password, will QoS 1,
/// will flag, clean session), keep alive 10; followed by the payload fields
/// in the order of 3.1.3.
#[test]
fn connect_fixture_3_1_2_10() {
    #[rustfmt::skip]
    let bytes = [
        0x10, 0x26,
        0x00, 0x04, b'M', b'Q', b'T', b'T', // protocol name (3.1.2.1)
        0x04,                               // protocol level (3.1.2.2)
        0xCE,                               // connect flags (3.1.2.3)
        0x00, 0x0A,                         // keep alive 10 s (3.1.2.10)
        0x00, 0x06, b'r', b's', b'm', b'q', b't', b't', // client id (3.1.3.1)
        0x00, 0x03, b'a', b'/', b'b',       // will topic (3.1.3.2)
        0x00, 0x03, b'b', b'y', b'e',       // will message (3.1.3.3)
        0x00, 0x04, b'u', b's', b'e', b'r', // user name (3.1.3.4)
        0x00, 0x02, b'p', b'w',             // password (3.1.3.5)
    ];
    let expected = Connect {
        client_id: "rsmqtt",
        clean_session: true,
        keep_alive: 10,
        will: Some(Will {
            topic: "a/b",
            message: b"bye",
            qos: QoS::AtLeastOnce,
            retain: false,
        }),
        username: Some("user"),
        password: Some(b"pw"),
    };
    check_both_ways(&bytes, Packet::Connect(expected));
}

/// 3.1.3.1: a zero-byte client identifier with clean session, no optional
/// fields (connect flags 0x02).
#[test]
fn connect_minimal_empty_client_id_3_1_3_1() {
    let bytes = [
        0x10, 0x0C, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x00,
    ];
    let expected = Connect {
        client_id: "",
        clean_session: true,
        keep_alive: 60,
        ..Connect::default()
    };
    check_both_ways(&bytes, Packet::Connect(expected));
}

/// 3.2.1 CONNACK fixed header (Figure 3.8) and 3.2.2 variable header
/// (Figure 3.9): session present 0, return code 0 "Connection Accepted".
#[test]
fn connack_fixture_3_2() {
    check_both_ways(
        &[0x20, 0x02, 0x00, 0x00],
        Packet::ConnAck(ConnAck::default()),
    );
    // 3.2.2.2 Session Present set.
    check_both_ways(
        &[0x20, 0x02, 0x01, 0x00],
        Packet::ConnAck(ConnAck {
            session_present: true,
            return_code: ConnectReturnCode::Accepted,
        }),
    );
}

/// 3.2.2.3 Table 3.1: every refusal return code 1..5.
#[test]
fn connack_return_codes_table_3_1() {
    let codes = [
        ConnectReturnCode::UnacceptableProtocolVersion,
        ConnectReturnCode::IdentifierRejected,
        ConnectReturnCode::ServerUnavailable,
        ConnectReturnCode::BadUserNameOrPassword,
        ConnectReturnCode::NotAuthorized,
    ];
    for (i, code) in codes.into_iter().enumerate() {
        let bytes = [0x20, 0x02, 0x00, i as u8 + 1];
        check_both_ways(
            &bytes,
            Packet::ConnAck(ConnAck {
                session_present: false,
                return_code: code,
            }),
        );
    }
}

/// 3.3.2.3 Table 3.3 "Publish Packet non normative example" (Figure 3.11):
/// topic name "a/b", packet identifier 10; QoS 1 (fixed header 0x32,
/// 3.3.1), payload "hi".
#[test]
fn publish_fixture_3_3_2_3() {
    #[rustfmt::skip]
    let bytes = [
        0x32, 0x09,
        0x00, 0x03, b'a', b'/', b'b', // topic name
        0x00, 0x0A,                   // packet identifier 10
        b'h', b'i',                   // payload
    ];
    let expected = Publish {
        dup: false,
        qos: QoS::AtLeastOnce,
        retain: false,
        topic: "a/b",
        packet_id: 10,
        payload: b"hi",
    };
    check_both_ways(&bytes, Packet::Publish(expected));
}

/// 3.3.1: QoS 0 has no packet identifier; RETAIN set, empty payload
/// (3.3.3 allows a zero-length payload).
#[test]
fn publish_qos0_retain_empty_payload_3_3_1() {
    let bytes = [0x31, 0x05, 0x00, 0x03, b'a', b'/', b'b'];
    let expected = Publish {
        retain: true,
        topic: "a/b",
        ..Publish::default()
    };
    check_both_ways(&bytes, Packet::Publish(expected));
}

/// 3.3.1.1 DUP with QoS 2 (fixed header 0x3C).
#[test]
fn publish_qos2_dup_3_3_1_1() {
    let bytes = [0x3C, 0x08, 0x00, 0x03, b'a', b'/', b'b', 0x12, 0x34, 0xFF];
    let expected = Publish {
        dup: true,
        qos: QoS::ExactlyOnce,
        retain: false,
        topic: "a/b",
        packet_id: 0x1234,
        payload: &[0xFF],
    };
    check_both_ways(&bytes, Packet::Publish(expected));
}

/// 3.4.1 PUBACK fixed header (Figure 3.12), 3.4.2 variable header (Figure
/// 3.13) with packet identifier 10.
#[test]
fn puback_fixture_3_4() {
    check_both_ways(
        &[0x40, 0x02, 0x00, 0x0A],
        Packet::PubAck(PubAck { packet_id: 10 }),
    );
}

/// 3.5 PUBREC (Figures 3.14, 3.15).
#[test]
fn pubrec_fixture_3_5() {
    check_both_ways(
        &[0x50, 0x02, 0x00, 0x0A],
        Packet::PubRec(PubRec { packet_id: 10 }),
    );
}

/// 3.6 PUBREL (Figures 3.16, 3.17): fixed header flags 0b0010.
#[test]
fn pubrel_fixture_3_6() {
    check_both_ways(
        &[0x62, 0x02, 0x00, 0x0A],
        Packet::PubRel(PubRel { packet_id: 10 }),
    );
}

/// 3.7 PUBCOMP (Figures 3.18, 3.19).
#[test]
fn pubcomp_fixture_3_7() {
    check_both_ways(
        &[0x70, 0x02, 0x00, 0x0A],
        Packet::PubComp(PubComp { packet_id: 10 }),
    );
}

/// 3.8.2 "Variable header with a Packet Identifier of 10" and 3.8.3 Table
/// 3.5 "Payload non normative example": "a/b" QoS 1, "c/d" QoS 2, in the
/// byte format of the payload example figure; fixed header 0x82 (3.8.1).
#[test]
fn subscribe_fixture_3_8() {
    #[rustfmt::skip]
    let bytes = [
        0x82, 0x0E,
        0x00, 0x0A,
        0x00, 0x03, b'a', b'/', b'b', 0x01,
        0x00, 0x03, b'c', b'/', b'd', 0x02,
    ];
    let topics = [
        SubscribeTopic {
            filter: "a/b",
            qos: QoS::AtLeastOnce,
        },
        SubscribeTopic {
            filter: "c/d",
            qos: QoS::ExactlyOnce,
        },
    ];
    check_both_ways(&bytes, Packet::Subscribe(Subscribe::new(10, &topics)));
    let (decoded, _) = Subscribe::decode(&bytes).unwrap();
    assert!(decoded.topics().eq(topics.iter().copied()));
}

/// 3.9.3 Table 3.6 "Payload non normative example": return codes
/// "Success - Maximum QoS 0", "Success - Maximum QoS 2", "Failure";
/// packet identifier 10 (3.9.2).
#[test]
fn suback_fixture_3_9() {
    let bytes = [0x90, 0x05, 0x00, 0x0A, 0x00, 0x02, 0x80];
    check_both_ways(
        &bytes,
        Packet::SubAck(SubAck {
            packet_id: 10,
            return_codes: &[0x00, 0x02, 0x80],
        }),
    );
    let (decoded, _) = SubAck::decode(&bytes).unwrap();
    let codes: Vec<_> = decoded.codes().collect();
    assert_eq!(
        codes,
        [
            Ok(SubAckReturnCode::MaxQos0),
            Ok(SubAckReturnCode::MaxQos2),
            Ok(SubAckReturnCode::Failure)
        ]
    );
}

/// 3.10.3 Table 3.7 "Payload non normative example": filters "a/b" and
/// "c/d"; fixed header 0xA2 (3.10.1), packet identifier 10.
#[test]
fn unsubscribe_fixture_3_10() {
    #[rustfmt::skip]
    let bytes = [
        0xA2, 0x0C,
        0x00, 0x0A,
        0x00, 0x03, b'a', b'/', b'b',
        0x00, 0x03, b'c', b'/', b'd',
    ];
    let filters = ["a/b", "c/d"];
    check_both_ways(&bytes, Packet::Unsubscribe(Unsubscribe::new(10, &filters)));
    let (decoded, _) = Unsubscribe::decode(&bytes).unwrap();
    assert!(decoded.filters().eq(filters.iter().copied()));
}

/// 3.11 UNSUBACK (Figures 3.31, 3.32).
#[test]
fn unsuback_fixture_3_11() {
    check_both_ways(
        &[0xB0, 0x02, 0x00, 0x0A],
        Packet::UnsubAck(UnsubAck { packet_id: 10 }),
    );
}

/// 3.12 PINGREQ fixed header (Figure 3.33).
#[test]
fn pingreq_fixture_3_12() {
    check_both_ways(&[0xC0, 0x00], Packet::PingReq(PingReq));
}

/// 3.13 PINGRESP fixed header (Figure 3.34).
#[test]
fn pingresp_fixture_3_13() {
    check_both_ways(&[0xD0, 0x00], Packet::PingResp(PingResp));
}

/// 3.14 DISCONNECT fixed header (Figure 3.35).
#[test]
fn disconnect_fixture_3_14() {
    check_both_ways(&[0xE0, 0x00], Packet::Disconnect(Disconnect));
}

// ---------------------------------------------------------------------------
// Partial input: how many more bytes are needed.

#[test]
fn incomplete_empty_buffer_needs_two() {
    assert_eq!(decode_err(&[]), Error::Incomplete { needed: 2 });
}

#[test]
fn incomplete_first_byte_only_needs_one() {
    assert_eq!(decode_err(&[0x30]), Error::Incomplete { needed: 1 });
}

#[test]
fn incomplete_continued_length_needs_one() {
    assert_eq!(
        decode_err(&[0x30, 0x80, 0x80]),
        Error::Incomplete { needed: 1 }
    );
}

#[test]
fn incomplete_body_reports_exact_shortfall() {
    let bytes = [
        0x32, 0x09, 0x00, 0x03, b'a', b'/', b'b', 0x00, 0x0A, b'h', b'i',
    ];
    assert_eq!(decode_err(&bytes[..8]), Error::Incomplete { needed: 3 });
    assert_eq!(packet_len(&bytes[..2]), Ok(11));
    let header = FixedHeader::peek(&bytes[..2]).unwrap();
    assert_eq!(header.packet_type, PacketType::Publish);
    assert_eq!(header.remaining_length, 9);
    assert_eq!(header.header_len, 2);
}

#[test]
fn decode_leaves_following_bytes_alone() {
    let bytes = [0xC0, 0x00, 0xD0, 0x00];
    assert_eq!(wire::decode(&bytes), Ok((Packet::PingReq(PingReq), 2)));
}

// ---------------------------------------------------------------------------
// Negative fixtures: remaining length (2.2.3).

#[test]
fn reject_fifth_remaining_length_byte() {
    assert_eq!(
        decode_err(&[0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        Error::RemainingLengthTooLong
    );
}

#[test]
fn reject_fifth_remaining_length_byte_before_it_arrives() {
    // Four continued bytes can never be followed by a valid fifth.
    assert_eq!(
        decode_err(&[0x30, 0x80, 0x80, 0x80, 0x80]),
        Error::RemainingLengthTooLong
    );
}

#[test]
fn reject_non_minimal_remaining_length() {
    assert_eq!(
        decode_err(&[0xC0, 0x80, 0x00]),
        Error::RemainingLengthNotMinimal
    );
}

// Negative fixtures: packet type and fixed header flags (2.2.1, 2.2.2).

#[test]
fn reject_reserved_packet_type_0() {
    assert_eq!(decode_err(&[0x00, 0x00]), Error::ReservedPacketType(0));
}

#[test]
fn reject_reserved_packet_type_15() {
    assert_eq!(decode_err(&[0xF0, 0x00]), Error::ReservedPacketType(15));
}

#[test]
fn reject_pubrel_flags_zero() {
    assert_eq!(
        decode_err(&[0x60, 0x02, 0x00, 0x01]),
        Error::InvalidFlags {
            packet_type: PacketType::PubRel,
            flags: 0
        }
    );
}

#[test]
fn reject_subscribe_flags_zero() {
    assert_eq!(
        decode_err(&[0x80, 0x06, 0x00, 0x01, 0x00, 0x01, b'a', 0x00]),
        Error::InvalidFlags {
            packet_type: PacketType::Subscribe,
            flags: 0
        }
    );
}

#[test]
fn reject_unsubscribe_flags_zero() {
    assert_eq!(
        decode_err(&[0xA0, 0x05, 0x00, 0x01, 0x00, 0x01, b'a']),
        Error::InvalidFlags {
            packet_type: PacketType::Unsubscribe,
            flags: 0
        }
    );
}

#[test]
fn reject_puback_flags_nonzero() {
    assert_eq!(
        decode_err(&[0x42, 0x02, 0x00, 0x01]),
        Error::InvalidFlags {
            packet_type: PacketType::PubAck,
            flags: 2
        }
    );
}

#[test]
fn reject_pingreq_flags_nonzero_from_first_byte() {
    // Detected before the length byte arrives.
    assert_eq!(
        decode_err(&[0xC1]),
        Error::InvalidFlags {
            packet_type: PacketType::PingReq,
            flags: 1
        }
    );
}

#[test]
fn reject_connect_flags_nonzero() {
    assert_eq!(
        decode_err(&[0x11, 0x00]),
        Error::InvalidFlags {
            packet_type: PacketType::Connect,
            flags: 1
        }
    );
}

// Negative fixtures: PUBLISH (3.3).

#[test]
fn reject_publish_qos_3() {
    assert_eq!(
        decode_err(&[0x36, 0x07, 0x00, 0x01, b'a', 0x00, 0x01, 0x00, 0x00]),
        Error::InvalidQos(3)
    );
}

#[test]
fn reject_publish_dup_with_qos_0() {
    assert_eq!(
        decode_err(&[0x38, 0x03, 0x00, 0x01, b'a']),
        Error::DupWithQos0
    );
}

#[test]
fn reject_publish_qos1_packet_id_zero() {
    assert_eq!(
        decode_err(&[0x32, 0x05, 0x00, 0x01, b'a', 0x00, 0x00]),
        Error::ZeroPacketId
    );
}

#[test]
fn reject_publish_wildcard_topic() {
    assert_eq!(
        decode_err(&[0x30, 0x05, 0x00, 0x03, b'a', b'/', b'+']),
        Error::InvalidTopicName(TopicError::WildcardInName)
    );
}

#[test]
fn reject_publish_empty_topic() {
    assert_eq!(
        decode_err(&[0x30, 0x02, 0x00, 0x00]),
        Error::InvalidTopicName(TopicError::Empty)
    );
}

#[test]
fn reject_publish_topic_length_past_packet_end() {
    assert_eq!(
        decode_err(&[0x30, 0x03, 0x00, 0x05, b'a']),
        Error::Truncated
    );
}

#[test]
fn reject_publish_qos1_without_packet_id() {
    assert_eq!(
        decode_err(&[0x32, 0x03, 0x00, 0x01, b'a']),
        Error::Truncated
    );
}

// Negative fixtures: strings (1.5.3).

#[test]
fn reject_ill_formed_utf8() {
    assert_eq!(
        decode_err(&[0x30, 0x04, 0x00, 0x02, 0xC3, 0x28]),
        Error::InvalidUtf8
    );
}

#[test]
fn reject_utf8_encoded_surrogate() {
    // U+D800 encoded as ED A0 80 (1.5.3: surrogates must not appear).
    assert_eq!(
        decode_err(&[0x30, 0x05, 0x00, 0x03, 0xED, 0xA0, 0x80]),
        Error::InvalidUtf8
    );
}

#[test]
fn reject_overlong_null() {
    // C0 80 is the overlong (modified UTF-8) form of U+0000.
    assert_eq!(
        decode_err(&[0x30, 0x04, 0x00, 0x02, 0xC0, 0x80]),
        Error::InvalidUtf8
    );
}

#[test]
fn reject_null_character() {
    assert_eq!(
        decode_err(&[0x30, 0x05, 0x00, 0x03, b'a', 0x00, b'b']),
        Error::NullCharacter
    );
}

#[test]
fn accept_non_ascii_topic() {
    // "é/ü": multi-byte UTF-8 is fine.
    let bytes = [0x30, 0x07, 0x00, 0x05, 0xC3, 0xA9, b'/', 0xC3, 0xBC];
    let (p, _) = Publish::decode(&bytes).unwrap();
    assert_eq!(p.topic, "é/ü");
}

// Negative fixtures: CONNECT (3.1).

/// Builds a CONNECT with the given protocol name bytes, level and flags and
/// client id "c"; optional fields are appended raw by the caller.
fn connect_bytes(name: &[u8], level: u8, flags: u8, extra: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&(name.len() as u16).to_be_bytes());
    body.extend_from_slice(name);
    body.push(level);
    body.push(flags);
    body.extend_from_slice(&[0x00, 0x0A, 0x00, 0x01, b'c']);
    body.extend_from_slice(extra);
    let mut bytes = vec![0x10, body.len() as u8];
    bytes.extend_from_slice(&body);
    bytes
}

#[test]
fn connect_helper_builds_valid_packet() {
    let bytes = connect_bytes(b"MQTT", 4, 0x02, &[]);
    assert!(Connect::decode(&bytes).is_ok());
}

#[test]
fn reject_connect_protocol_name_mqisdp() {
    assert_eq!(
        decode_err(&connect_bytes(b"MQIsdp", 4, 0x02, &[])),
        Error::InvalidProtocolName
    );
}

#[test]
fn reject_connect_protocol_level_3() {
    assert_eq!(
        decode_err(&connect_bytes(b"MQTT", 3, 0x02, &[])),
        Error::UnsupportedProtocolLevel(3)
    );
}

#[test]
fn reject_connect_reserved_flag() {
    assert_eq!(
        decode_err(&connect_bytes(b"MQTT", 4, 0x03, &[])),
        Error::ReservedConnectFlag
    );
}

#[test]
fn reject_connect_will_qos_without_will_flag() {
    assert_eq!(
        decode_err(&connect_bytes(b"MQTT", 4, 0x0A, &[])),
        Error::WillFlagsWithoutWill
    );
}

#[test]
fn reject_connect_will_retain_without_will_flag() {
    assert_eq!(
        decode_err(&connect_bytes(b"MQTT", 4, 0x22, &[])),
        Error::WillFlagsWithoutWill
    );
}

#[test]
fn reject_connect_will_qos_3() {
    let will = [0x00, 0x01, b't', 0x00, 0x00];
    assert_eq!(
        decode_err(&connect_bytes(b"MQTT", 4, 0x1E, &will)),
        Error::InvalidQos(3)
    );
}

#[test]
fn reject_connect_password_without_username() {
    assert_eq!(
        decode_err(&connect_bytes(b"MQTT", 4, 0x42, &[0x00, 0x00])),
        Error::PasswordWithoutUsername
    );
}

#[test]
fn reject_connect_will_topic_with_wildcard() {
    let will = [0x00, 0x01, b'#', 0x00, 0x00];
    assert_eq!(
        decode_err(&connect_bytes(b"MQTT", 4, 0x06, &will)),
        Error::InvalidTopicName(TopicError::WildcardInName)
    );
}

#[test]
fn reject_connect_missing_username() {
    assert_eq!(
        decode_err(&connect_bytes(b"MQTT", 4, 0x82, &[])),
        Error::Truncated
    );
}

#[test]
fn reject_connect_trailing_bytes() {
    assert_eq!(
        decode_err(&connect_bytes(b"MQTT", 4, 0x02, &[0x00])),
        Error::TrailingBytes
    );
}

// Negative fixtures: CONNACK (3.2).

#[test]
fn reject_connack_reserved_flag_bits() {
    assert_eq!(
        decode_err(&[0x20, 0x02, 0x02, 0x00]),
        Error::InvalidConnAckFlags(0x02)
    );
}

#[test]
fn reject_connack_return_code_6() {
    assert_eq!(
        decode_err(&[0x20, 0x02, 0x00, 0x06]),
        Error::InvalidConnectReturnCode(6)
    );
}

#[test]
fn reject_connack_session_present_with_refusal() {
    assert_eq!(
        decode_err(&[0x20, 0x02, 0x01, 0x05]),
        Error::SessionPresentWithError
    );
}

#[test]
fn reject_connack_remaining_length_3() {
    assert_eq!(
        decode_err(&[0x20, 0x03, 0x00, 0x00, 0x00]),
        Error::WrongRemainingLength {
            packet_type: PacketType::ConnAck,
            actual: 3
        }
    );
}

// Negative fixtures: acknowledgements (3.4 to 3.7, 3.11).

#[test]
fn reject_puback_packet_id_zero() {
    assert_eq!(decode_err(&[0x40, 0x02, 0x00, 0x00]), Error::ZeroPacketId);
}

#[test]
fn reject_pubrec_short() {
    assert_eq!(
        decode_err(&[0x50, 0x01, 0x01]),
        Error::WrongRemainingLength {
            packet_type: PacketType::PubRec,
            actual: 1
        }
    );
}

#[test]
fn reject_pubcomp_long() {
    assert_eq!(
        decode_err(&[0x70, 0x03, 0x00, 0x01, 0x00]),
        Error::WrongRemainingLength {
            packet_type: PacketType::PubComp,
            actual: 3
        }
    );
}

#[test]
fn reject_unsuback_packet_id_zero() {
    assert_eq!(decode_err(&[0xB0, 0x02, 0x00, 0x00]), Error::ZeroPacketId);
}

// Negative fixtures: SUBSCRIBE (3.8).

#[test]
fn reject_subscribe_without_filters() {
    assert_eq!(decode_err(&[0x82, 0x02, 0x00, 0x0A]), Error::EmptyPayload);
}

#[test]
fn reject_subscribe_packet_id_zero() {
    assert_eq!(
        decode_err(&[0x82, 0x06, 0x00, 0x00, 0x00, 0x01, b'a', 0x00]),
        Error::ZeroPacketId
    );
}

#[test]
fn reject_subscribe_reserved_qos_bits() {
    assert_eq!(
        decode_err(&[0x82, 0x06, 0x00, 0x01, 0x00, 0x01, b'a', 0x04]),
        Error::ReservedQosBits(0x04)
    );
}

#[test]
fn reject_subscribe_requested_qos_3() {
    assert_eq!(
        decode_err(&[0x82, 0x06, 0x00, 0x01, 0x00, 0x01, b'a', 0x03]),
        Error::InvalidQos(3)
    );
}

#[test]
fn reject_subscribe_missing_qos_byte() {
    assert_eq!(
        decode_err(&[0x82, 0x05, 0x00, 0x01, 0x00, 0x01, b'a']),
        Error::Truncated
    );
}

#[test]
fn reject_subscribe_hash_not_last() {
    assert_eq!(
        decode_err(&[0x82, 0x08, 0x00, 0x01, 0x00, 0x03, b'#', b'/', b'a', 0x00]),
        Error::InvalidTopicFilter(TopicError::MisplacedMultiLevelWildcard)
    );
}

#[test]
fn reject_subscribe_plus_sharing_level() {
    assert_eq!(
        decode_err(&[0x82, 0x07, 0x00, 0x01, 0x00, 0x02, b'a', b'+', 0x00]),
        Error::InvalidTopicFilter(TopicError::MisplacedSingleLevelWildcard)
    );
}

#[test]
fn reject_subscribe_empty_filter() {
    assert_eq!(
        decode_err(&[0x82, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00]),
        Error::InvalidTopicFilter(TopicError::Empty)
    );
}

// Negative fixtures: SUBACK (3.9).

#[test]
fn reject_suback_return_code_3() {
    assert_eq!(
        decode_err(&[0x90, 0x03, 0x00, 0x01, 0x03]),
        Error::InvalidSubAckReturnCode(0x03)
    );
}

#[test]
fn reject_suback_return_code_0x81() {
    assert_eq!(
        decode_err(&[0x90, 0x03, 0x00, 0x01, 0x81]),
        Error::InvalidSubAckReturnCode(0x81)
    );
}

#[test]
fn reject_suback_without_return_codes() {
    assert_eq!(decode_err(&[0x90, 0x02, 0x00, 0x01]), Error::EmptyPayload);
}

#[test]
fn reject_suback_packet_id_zero() {
    assert_eq!(
        decode_err(&[0x90, 0x03, 0x00, 0x00, 0x00]),
        Error::ZeroPacketId
    );
}

// Negative fixtures: UNSUBSCRIBE (3.10).

#[test]
fn reject_unsubscribe_without_filters() {
    assert_eq!(decode_err(&[0xA2, 0x02, 0x00, 0x0A]), Error::EmptyPayload);
}

#[test]
fn reject_unsubscribe_packet_id_zero() {
    assert_eq!(
        decode_err(&[0xA2, 0x05, 0x00, 0x00, 0x00, 0x01, b'a']),
        Error::ZeroPacketId
    );
}

#[test]
fn reject_unsubscribe_bad_filter() {
    assert_eq!(
        decode_err(&[0xA2, 0x06, 0x00, 0x01, 0x00, 0x02, b'a', b'#']),
        Error::InvalidTopicFilter(TopicError::MisplacedMultiLevelWildcard)
    );
}

// Negative fixtures: zero remaining length (3.12 to 3.14).

#[test]
fn reject_pingreq_with_body() {
    assert_eq!(
        decode_err(&[0xC0, 0x01, 0x00]),
        Error::WrongRemainingLength {
            packet_type: PacketType::PingReq,
            actual: 1
        }
    );
}

#[test]
fn reject_pingresp_with_body() {
    assert_eq!(
        decode_err(&[0xD0, 0x01, 0x00]),
        Error::WrongRemainingLength {
            packet_type: PacketType::PingResp,
            actual: 1
        }
    );
}

#[test]
fn reject_disconnect_with_body() {
    assert_eq!(
        decode_err(&[0xE0, 0x01, 0x00]),
        Error::WrongRemainingLength {
            packet_type: PacketType::Disconnect,
            actual: 1
        }
    );
}

// Per-type decode of the wrong type.

#[test]
fn reject_unexpected_packet_type() {
    assert_eq!(
        Publish::decode(&[0xC0, 0x00]),
        Err(Error::UnexpectedPacketType {
            expected: PacketType::Publish,
            actual: PacketType::PingReq
        })
    );
}

// ---------------------------------------------------------------------------
// Encoder errors.

#[test]
fn encode_buffer_too_small_writes_nothing() {
    let p = Publish {
        topic: "a/b",
        payload: b"hello",
        ..Publish::default()
    };
    let mut buf = [0xEEu8; 11];
    assert_eq!(
        p.encode(&mut buf),
        Err(Error::BufferTooSmall { needed: 12 })
    );
    assert!(buf.iter().all(|&b| b == 0xEE));
}

#[test]
fn encode_rejects_qos1_packet_id_zero() {
    let p = Publish {
        qos: QoS::AtLeastOnce,
        topic: "a",
        ..Publish::default()
    };
    assert_eq!(p.encode(&mut [0u8; 16]), Err(Error::ZeroPacketId));
}

#[test]
fn encode_rejects_dup_qos0() {
    let p = Publish {
        dup: true,
        topic: "a",
        ..Publish::default()
    };
    assert_eq!(p.encode(&mut [0u8; 16]), Err(Error::DupWithQos0));
}

#[test]
fn encode_rejects_wildcard_topic_name() {
    let p = Publish {
        topic: "a/#",
        ..Publish::default()
    };
    assert_eq!(
        p.encode(&mut [0u8; 16]),
        Err(Error::InvalidTopicName(TopicError::WildcardInName))
    );
}

#[test]
fn encode_rejects_null_in_string() {
    let c = Connect {
        client_id: "a\0b",
        clean_session: true,
        ..Connect::default()
    };
    assert_eq!(c.encode(&mut [0u8; 64]), Err(Error::NullCharacter));
}

#[test]
fn encode_rejects_string_over_65535_bytes() {
    let long = "x".repeat(65_536);
    let p = Publish {
        topic: &long,
        ..Publish::default()
    };
    assert_eq!(p.encode(&mut vec![0u8; 70_000]), Err(Error::FieldTooLong));
}

#[test]
fn encode_accepts_string_of_65535_bytes() {
    let long = "x".repeat(65_535);
    let p = Publish {
        topic: &long,
        ..Publish::default()
    };
    let mut buf = vec![0u8; p.encoded_len()];
    assert_eq!(p.encode(&mut buf), Ok(p.encoded_len()));
    assert_eq!(Publish::decode(&buf), Ok((p, buf.len())));
}

#[test]
fn encode_rejects_password_without_username() {
    let c = Connect {
        client_id: "c",
        password: Some(b"pw"),
        ..Connect::default()
    };
    assert_eq!(
        c.encode(&mut [0u8; 64]),
        Err(Error::PasswordWithoutUsername)
    );
}

#[test]
fn encode_rejects_empty_subscribe() {
    assert_eq!(
        Subscribe::new(1, &[]).encode(&mut [0u8; 16]),
        Err(Error::EmptyPayload)
    );
}

#[test]
fn encode_rejects_bad_filter() {
    let topics = [SubscribeTopic {
        filter: "a/#/b",
        qos: QoS::AtMostOnce,
    }];
    assert_eq!(
        Subscribe::new(1, &topics).encode(&mut [0u8; 16]),
        Err(Error::InvalidTopicFilter(
            TopicError::MisplacedMultiLevelWildcard
        ))
    );
}

#[test]
fn encode_rejects_empty_unsubscribe() {
    assert_eq!(
        Unsubscribe::new(1, &[]).encode(&mut [0u8; 16]),
        Err(Error::EmptyPayload)
    );
}

#[test]
fn encode_rejects_bad_suback_code() {
    let s = SubAck {
        packet_id: 1,
        return_codes: &[0x01, 0x7F],
    };
    assert_eq!(
        s.encode(&mut [0u8; 16]),
        Err(Error::InvalidSubAckReturnCode(0x7F))
    );
}

#[test]
fn encode_rejects_session_present_with_refusal() {
    let c = ConnAck {
        session_present: true,
        return_code: ConnectReturnCode::NotAuthorized,
    };
    assert_eq!(c.encode(&mut [0u8; 4]), Err(Error::SessionPresentWithError));
}

#[test]
fn encode_rejects_ack_packet_id_zero() {
    assert_eq!(
        PubRel { packet_id: 0 }.encode(&mut [0u8; 4]),
        Err(Error::ZeroPacketId)
    );
}

// ---------------------------------------------------------------------------
// Vectored encoding.

#[test]
fn publish_io_slices_borrow_topic_and_payload() {
    let payload = [7u8; 300];
    let p = Publish {
        qos: QoS::AtLeastOnce,
        topic: "a/b",
        packet_id: 10,
        payload: &payload,
        ..Publish::default()
    };
    let mut scratch = [0u8; PUBLISH_SCRATCH_LEN];
    let slices = p.io_slices(&mut scratch).unwrap();
    let v = slices.as_slice();
    assert_eq!(v.len(), 4);
    // Remaining length 2 + 3 + 2 + 300 = 307 = 0xB3 0x02.
    assert_eq!(v[0], &[0x32, 0xB3, 0x02, 0x00, 0x03]);
    assert!(std::ptr::eq(v[1].as_ptr(), p.topic.as_ptr()));
    assert_eq!(v[2], &[0x00, 0x0A]);
    assert!(std::ptr::eq(v[3], &payload[..]));
    assert_eq!(slices.total_len(), p.encoded_len());
    // 3-byte fixed header, 2 + 3 topic, 2 packet id.
    assert_eq!(p.header_len(), 10);
}

#[test]
fn publish_io_slices_qos0_uses_three_vectors() {
    let p = Publish {
        topic: "t",
        payload: b"x",
        ..Publish::default()
    };
    let mut scratch = [0u8; PUBLISH_SCRATCH_LEN];
    let slices = p.io_slices(&mut scratch).unwrap();
    assert_eq!(
        slices.as_slice(),
        &[&[0x30, 0x04, 0x00, 0x01][..], b"t", b"x"]
    );
}

#[test]
fn vectored_reports_too_few_vectors() {
    let p = Publish {
        topic: "t",
        payload: b"x",
        ..Publish::default()
    };
    let mut scratch = [0u8; 16];
    let mut out: [&[u8]; 2] = [&[]; 2];
    assert_eq!(
        p.encode_vectored(&mut scratch, &mut out),
        Err(Error::TooFewVectors { needed: 3 })
    );
}

#[test]
fn vectored_reports_scratch_too_small() {
    let c = Connect {
        client_id: "c",
        username: Some("u"),
        ..Connect::default()
    };
    let mut scratch = [0u8; 4];
    let mut out: [&[u8]; 8] = [&[]; 8];
    // Owned bytes: 2 fixed header + 10 variable header + 2 + 2 prefixes.
    assert_eq!(
        c.encode_vectored(&mut scratch, &mut out),
        Err(Error::BufferTooSmall { needed: 16 })
    );
}

#[test]
fn publish_encode_header_stops_before_payload() {
    let p = Publish {
        qos: QoS::AtLeastOnce,
        topic: "a/b",
        packet_id: 10,
        payload: b"hi",
        ..Publish::default()
    };
    let mut buf = [0xEEu8; 16];
    assert_eq!(p.encode_header(&mut buf), Ok(9));
    assert_eq!(
        &buf[..9],
        &[0x32, 0x09, 0x00, 0x03, b'a', b'/', b'b', 0x00, 0x0A]
    );
    assert!(buf[9..].iter().all(|&b| b == 0xEE));
    assert_eq!(
        p.encode_header(&mut [0u8; 8]),
        Err(Error::BufferTooSmall { needed: 9 })
    );
}

#[test]
fn packet_from_inner_types() {
    let p: Packet<'_> = PubAck { packet_id: 3 }.into();
    assert_eq!(p, Packet::PubAck(PubAck { packet_id: 3 }));
    assert_eq!(p.packet_type(), PacketType::PubAck);
}

#[test]
fn decode_body_with_separately_read_header() {
    let body = [0x00, 0x03, b'a', b'/', b'b', 0x00, 0x0A, b'h', b'i'];
    let (expected, _) = wire::decode(&[
        0x32, 0x09, 0x00, 0x03, b'a', b'/', b'b', 0x00, 0x0A, b'h', b'i',
    ])
    .unwrap();
    assert_eq!(Packet::decode_body(0x32, &body), Ok(expected));
}

#[test]
fn decode_body_checks_first_byte_flags() {
    assert_eq!(
        Packet::decode_body(0x60, &[0x00, 0x01]),
        Err(Error::InvalidFlags {
            packet_type: PacketType::PubRel,
            flags: 0
        })
    );
}

#[test]
fn incomplete_is_the_only_recoverable_error() {
    assert!(decode_err(&[0x30]).is_incomplete());
    assert!(!decode_err(&[0x00, 0x00]).is_incomplete());
}
