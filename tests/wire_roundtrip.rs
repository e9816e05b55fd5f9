//! Property tests for the MQTT 3.1.1 codec: valid packets survive
//! encode → decode unchanged, vectored and flat encodings agree, arbitrary
//! bytes never panic the decoder, partial input reports the right shortfall,
//! and topic matching obeys its basic laws.

use proptest::prelude::*;
use rsmqtt::wire::{
    self, topic, ConnAck, Connect, ConnectReturnCode, Disconnect, Error, Packet, PingReq, PingResp,
    PubAck, PubComp, PubRec, PubRel, Publish, QoS, SubAck, Subscribe, SubscribeTopic, UnsubAck,
    Unsubscribe, Will, PUBLISH_SCRATCH_LEN,
};

/// Owned description of a valid packet; [`with_packet`] lends it out as the
/// borrowing [`Packet`] view.
#[derive(Debug, Clone)]
enum Spec {
    Connect {
        client_id: String,
        clean_session: bool,
        keep_alive: u16,
        will: Option<(String, Vec<u8>, QoS, bool)>,
        username: Option<String>,
        password: Option<Vec<u8>>,
    },
    ConnAck(bool, ConnectReturnCode),
    Publish {
        dup: bool,
        qos: QoS,
        retain: bool,
        topic: String,
        packet_id: u16,
        payload: Vec<u8>,
    },
    PubAck(u16),
    PubRec(u16),
    PubRel(u16),
    PubComp(u16),
    Subscribe(u16, Vec<(String, QoS)>),
    SubAck(u16, Vec<u8>),
    Unsubscribe(u16, Vec<String>),
    UnsubAck(u16),
    PingReq,
    PingResp,
    Disconnect,
}

fn with_packet<R>(spec: &Spec, f: impl FnOnce(Packet<'_>) -> R) -> R {
    match spec {
        Spec::Connect {
            client_id,
            clean_session,
            keep_alive,
            will,
            username,
            password,
        } => f(Packet::Connect(Connect {
            client_id,
            clean_session: *clean_session,
            keep_alive: *keep_alive,
            will: will.as_ref().map(|(topic, message, qos, retain)| Will {
                topic,
                message,
                qos: *qos,
                retain: *retain,
            }),
            username: username.as_deref(),
            password: password.as_deref(),
        })),
        Spec::ConnAck(session_present, return_code) => f(Packet::ConnAck(ConnAck {
            session_present: *session_present,
            return_code: *return_code,
        })),
        Spec::Publish {
            dup,
            qos,
            retain,
            topic,
            packet_id,
            payload,
        } => f(Packet::Publish(Publish {
            dup: *dup,
            qos: *qos,
            retain: *retain,
            topic,
            packet_id: *packet_id,
            payload,
        })),
        Spec::PubAck(id) => f(Packet::PubAck(PubAck { packet_id: *id })),
        Spec::PubRec(id) => f(Packet::PubRec(PubRec { packet_id: *id })),
        Spec::PubRel(id) => f(Packet::PubRel(PubRel { packet_id: *id })),
        Spec::PubComp(id) => f(Packet::PubComp(PubComp { packet_id: *id })),
        Spec::Subscribe(id, topics) => {
            let list: Vec<SubscribeTopic<'_>> = topics
                .iter()
                .map(|(filter, qos)| SubscribeTopic { filter, qos: *qos })
                .collect();
            f(Packet::Subscribe(Subscribe::new(*id, &list)))
        }
        Spec::SubAck(id, codes) => f(Packet::SubAck(SubAck {
            packet_id: *id,
            return_codes: codes,
        })),
        Spec::Unsubscribe(id, filters) => {
            let list: Vec<&str> = filters.iter().map(String::as_str).collect();
            f(Packet::Unsubscribe(Unsubscribe::new(*id, &list)))
        }
        Spec::UnsubAck(id) => f(Packet::UnsubAck(UnsubAck { packet_id: *id })),
        Spec::PingReq => f(Packet::PingReq(PingReq)),
        Spec::PingResp => f(Packet::PingResp(PingResp)),
        Spec::Disconnect => f(Packet::Disconnect(Disconnect)),
    }
}

fn qos() -> impl Strategy<Value = QoS> {
    prop_oneof![
        Just(QoS::AtMostOnce),
        Just(QoS::AtLeastOnce),
        Just(QoS::ExactlyOnce)
    ]
}

fn packet_id() -> impl Strategy<Value = u16> {
    1..=u16::MAX
}

/// Characters of a topic level: ASCII, multi-byte UTF-8, `$`, space; no
/// `/`, wildcards or U+0000.
fn level() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 _$é€😀-]{0,6}"
}

/// A non-empty MQTT string without U+0000 (client ids, user names).
fn mqtt_string() -> impl Strategy<Value = String> {
    "[^\u{0}]{0,12}"
}

fn topic_name() -> impl Strategy<Value = String> {
    prop::collection::vec(level(), 1..5)
        .prop_map(|levels| levels.join("/"))
        .prop_filter("non-empty", |t| !t.is_empty())
}

fn topic_filter() -> impl Strategy<Value = String> {
    let filter_level = prop_oneof![3 => level(), 1 => Just("+".to_string())];
    (prop::collection::vec(filter_level, 1..5), any::<bool>())
        .prop_map(|(mut levels, hash)| {
            if hash {
                levels.push("#".to_string());
            }
            levels.join("/")
        })
        .prop_filter("non-empty", |t| !t.is_empty())
}

fn connack_code() -> impl Strategy<Value = ConnectReturnCode> {
    (0u8..=5).prop_map(|c| ConnectReturnCode::from_u8(c).unwrap())
}

fn spec() -> impl Strategy<Value = Spec> {
    let bytes = || prop::collection::vec(any::<u8>(), 0..40);
    prop_oneof![
        (
            mqtt_string(),
            any::<bool>(),
            any::<u16>(),
            prop::option::of((topic_name(), bytes(), qos(), any::<bool>())),
            prop::option::of(mqtt_string()),
            prop::option::of(bytes()),
        )
            .prop_map(
                |(client_id, clean_session, keep_alive, will, username, password)| {
                    // A password needs a user name (3.1.2.9).
                    let password = if username.is_some() { password } else { None };
                    Spec::Connect {
                        client_id,
                        clean_session,
                        keep_alive,
                        will,
                        username,
                        password,
                    }
                }
            ),
        (any::<bool>(), connack_code())
            .prop_map(|(sp, code)| Spec::ConnAck(sp && code == ConnectReturnCode::Accepted, code)),
        (
            any::<bool>(),
            qos(),
            any::<bool>(),
            topic_name(),
            packet_id(),
            bytes()
        )
            .prop_map(|(dup, qos, retain, topic, id, payload)| {
                let qos0 = qos == QoS::AtMostOnce;
                Spec::Publish {
                    dup: dup && !qos0,
                    qos,
                    retain,
                    topic,
                    packet_id: if qos0 { 0 } else { id },
                    payload,
                }
            }),
        packet_id().prop_map(Spec::PubAck),
        packet_id().prop_map(Spec::PubRec),
        packet_id().prop_map(Spec::PubRel),
        packet_id().prop_map(Spec::PubComp),
        (
            packet_id(),
            prop::collection::vec((topic_filter(), qos()), 1..5)
        )
            .prop_map(|(id, t)| Spec::Subscribe(id, t)),
        (
            packet_id(),
            prop::collection::vec(prop::sample::select(vec![0u8, 1, 2, 0x80]), 1..6)
        )
            .prop_map(|(id, c)| Spec::SubAck(id, c)),
        (packet_id(), prop::collection::vec(topic_filter(), 1..5))
            .prop_map(|(id, f)| Spec::Unsubscribe(id, f)),
        packet_id().prop_map(Spec::UnsubAck),
        Just(Spec::PingReq),
        Just(Spec::PingResp),
        Just(Spec::Disconnect),
    ]
}

fn encode_flat(packet: &Packet<'_>) -> Vec<u8> {
    let mut buf = vec![0u8; packet.encoded_len()];
    let n = packet.encode(&mut buf).expect("valid packet encodes");
    assert_eq!(n, buf.len());
    buf
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn valid_packet_round_trips(spec in spec()) {
        with_packet(&spec, |packet| {
            let bytes = encode_flat(&packet);
            let (decoded, used) = wire::decode(&bytes).expect("encoded packet decodes");
            prop_assert_eq!(used, bytes.len());
            prop_assert_eq!(decoded, packet);
            // The decoded view re-encodes to the same bytes.
            prop_assert_eq!(encode_flat(&decoded), bytes);
            Ok(())
        })?;
    }

    #[test]
    fn vectored_equals_flat(spec in spec()) {
        with_packet(&spec, |packet| {
            let flat = encode_flat(&packet);
            let mut scratch = [0u8; 128];
            let mut out: [&[u8]; 32] = [&[]; 32];
            let n = packet.encode_vectored(&mut scratch, &mut out).expect("vectored");
            let joined: Vec<u8> = out[..n].concat();
            prop_assert_eq!(&joined, &flat);
            if let Packet::Publish(p) = packet {
                let mut scratch = [0u8; PUBLISH_SCRATCH_LEN];
                let slices = p.io_slices(&mut scratch).expect("io_slices");
                prop_assert_eq!(&slices.as_slice().concat(), &flat);
                let mut header = [0u8; 64];
                let n = p.encode_header(&mut header).expect("encode_header");
                prop_assert_eq!(n, p.header_len());
                prop_assert_eq!(&header[..n], &flat[..n]);
                prop_assert_eq!(&flat[n..], p.payload);
            }
            Ok(())
        })?;
    }

    #[test]
    fn too_small_buffer_is_refused_untouched(spec in spec(), cut in 1usize..8) {
        with_packet(&spec, |packet| {
            let len = packet.encoded_len();
            let short = len.saturating_sub(cut);
            let mut buf = vec![0xEEu8; short];
            prop_assert_eq!(packet.encode(&mut buf), Err(Error::BufferTooSmall { needed: len }));
            prop_assert!(buf.iter().all(|&b| b == 0xEE));
            Ok(())
        })?;
    }

    #[test]
    fn every_prefix_is_incomplete_with_exact_need(spec in spec()) {
        with_packet(&spec, |packet| {
            let bytes = encode_flat(&packet);
            let header_len = wire::FixedHeader::peek(&bytes).unwrap().header_len;
            for cut in 0..bytes.len() {
                match wire::decode(&bytes[..cut]) {
                    Err(Error::Incomplete { needed }) => {
                        prop_assert!(needed >= 1 && cut + needed <= bytes.len());
                        if cut >= header_len {
                            prop_assert_eq!(cut + needed, bytes.len());
                        }
                    }
                    other => prop_assert!(false, "prefix {} gave {:?}", cut, other),
                }
            }
            Ok(())
        })?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Ok((packet, used)) = wire::decode(&bytes) {
            prop_assert!(used <= bytes.len());
            // Decoding is canonical: re-encoding gives back the same bytes.
            prop_assert_eq!(encode_flat(&packet), &bytes[..used]);
        }
    }

    #[test]
    fn mutated_packets_never_panic(
        spec in spec(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        with_packet(&spec, |packet| {
            let mut bytes = encode_flat(&packet);
            for (index, value) in &flips {
                let i = index.index(bytes.len());
                bytes[i] = *value;
            }
            if let Ok((decoded, used)) = wire::decode(&bytes) {
                prop_assert!(used <= bytes.len());
                prop_assert_eq!(encode_flat(&decoded), &bytes[..used]);
            }
            Ok(())
        })?;
    }

    #[test]
    fn name_matches_itself_and_hash(name in topic_name()) {
        prop_assert!(topic::matches(&name, &name));
        prop_assert_eq!(topic::matches("#", &name), !name.starts_with('$'));
    }

    #[test]
    fn plus_replaces_any_level(name in topic_name(), pick in any::<prop::sample::Index>()) {
        let mut levels: Vec<&str> = name.split('/').collect();
        let i = pick.index(levels.len());
        levels[i] = "+";
        let filter = levels.join("/");
        let dollar_blocked = i == 0 && name.starts_with('$');
        prop_assert_eq!(topic::matches(&filter, &name), !dollar_blocked);
    }

    #[test]
    fn hash_suffix_matches_descendants_and_parent(
        parent in topic_name(),
        child in topic_name(),
    ) {
        let filter = format!("{parent}/#");
        prop_assert!(topic::matches(&filter, &parent));
        let descendant = format!("{parent}/{child}");
        prop_assert!(topic::matches(&filter, &descendant));
    }

    #[test]
    fn different_level_count_without_wildcards_never_matches(
        name in topic_name(),
        extra in level(),
    ) {
        let longer = format!("{name}/{extra}");
        prop_assert!(!topic::matches(&name, &longer));
        prop_assert!(!topic::matches(&longer, &name));
    }

    #[test]
    fn generated_filters_are_valid_and_names_are_not_filters_with_wildcards(
        filter in topic_filter(),
        name in topic_name(),
    ) {
        prop_assert!(topic::validate_filter(&filter).is_ok());
        prop_assert!(topic::validate_name(&name).is_ok());
        prop_assert!(topic::validate_filter(&name).is_ok());
        if filter.contains(['+', '#']) {
            prop_assert!(topic::validate_name(&filter).is_err());
        }
    }
}
