//! Scenario tests of the coreMQTT engine against a scripted broker: a thread
//! on 127.0.0.1 that reads the exact bytes the client must send and writes
//! the bytes a broker would, step by step. The engine's clock is a fake one
//! that each test moves by hand, so keep-alive timing is deterministic.

mod coremqtt_support;

use std::net::TcpStream;
use std::time::Duration;

use coremqtt_support::Step::*;
use coremqtt_support::*;
use rsmqtt::coremqtt::api::*;
use rsmqtt::coremqtt::context::MQTTPublishState;
use rsmqtt::coremqtt::serializer_types::MQTTStatus;

/// CONNECT of client id `id`, keep-alive `ka`, clean-session flag `clean`.
fn connect_bytes(id: &str, ka: u16, clean: bool) -> Vec<u8> {
    let mut v = vec![
        0x10,
        (10 + 2 + id.len()) as u8,
        0,
        4,
        b'M',
        b'Q',
        b'T',
        b'T',
        4,
    ];
    v.push(if clean { 0x02 } else { 0 });
    v.extend_from_slice(&ka.to_be_bytes());
    v.extend_from_slice(&(id.len() as u16).to_be_bytes());
    v.extend_from_slice(id.as_bytes());
    v
}

/// A PUBLISH with a one-byte remaining length.
fn publish_bytes(first: u8, topic: &str, id: Option<u16>, payload: &[u8]) -> Vec<u8> {
    let mut body = (topic.len() as u16).to_be_bytes().to_vec();
    body.extend_from_slice(topic.as_bytes());
    if let Some(id) = id {
        body.extend_from_slice(&id.to_be_bytes());
    }
    body.extend_from_slice(payload);
    let mut v = vec![first, body.len() as u8];
    v.extend(body);
    v
}

fn ack(t: u8, id: u16) -> Vec<u8> {
    let [h, l] = id.to_be_bytes();
    vec![t, 2, h, l]
}

const CONNACK_OK: [u8; 4] = [0x20, 2, 0, 0];

#[test]
fn split_connack_and_split_publish_are_reassembled() {
    let broker = Broker::start(vec![
        Expect(connect_bytes("split", 60, true)),
        // CONNACK in three pieces: MQTT_Connect waits for all of it.
        Send(vec![0x20]),
        Send(vec![0x02]),
        Send(vec![0x00]),
        Send(vec![0x00]),
        // A PUBLISH whose header arrives first...
        Notify,
        AwaitGo,
        Send(publish_bytes(0x30, "t/1", None, b"hello")[..4].to_vec()),
        Notify,
        AwaitGo,
        // ...then the rest, followed by a whole second PUBLISH in the same write.
        Send(
            [
                &publish_bytes(0x30, "t/1", None, b"hello")[4..],
                &publish_bytes(0x31, "t/2", None, b"")[..],
            ]
            .concat(),
        ),
        Notify,
    ]);
    let mut c = Client::new(broker.addr, 256);
    assert_eq!(
        c.connect("split", true, 60, 1000),
        (MQTTStatus::MQTTSuccess, false)
    );
    assert_eq!(
        unsafe { MQTT_CheckConnectStatus(c.ctx()) },
        MQTTStatus::MQTTStatusConnected
    );

    broker.wait();
    broker.go();
    broker.wait();
    assert_eq!(c.process(), MQTTStatus::MQTTNeedMoreBytes);
    assert_eq!(c.ctx.index, 4, "the partial packet stays in the buffer");
    assert!(take_events().is_empty());

    broker.go();
    broker.wait();
    assert_eq!(c.process(), MQTTStatus::MQTTSuccess);
    let events = take_events();
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].publish,
        Some((b"t/1".to_vec(), 0, false, false, b"hello".to_vec()))
    );
    // The second PUBLISH is already buffered: the next call handles it even
    // though the socket has nothing new.
    assert_eq!(c.process(), MQTTStatus::MQTTSuccess);
    let events = take_events();
    assert_eq!(
        events[0].publish,
        Some((b"t/2".to_vec(), 0, true, false, Vec::new()))
    );
    assert_eq!(c.ctx.index, 0);
    broker.finish();
}

#[test]
fn keep_alive_sends_pingreq_and_times_out_without_pingresp() {
    let broker = Broker::start(vec![
        Expect(connect_bytes("ka", 10, true)),
        Send(CONNACK_OK.to_vec()),
        Expect(vec![0xC0, 0]),
        Send(vec![0xD0, 0]),
        Notify,
        Expect(vec![0xC0, 0]),
        // No PINGRESP this time.
    ]);
    let mut c = Client::new(broker.addr, 128);
    assert_eq!(c.connect("ka", true, 10, 1000).0, MQTTStatus::MQTTSuccess);

    // Quiet for less than the interval: nothing is sent.
    advance(9_999);
    assert_eq!(c.process(), MQTTStatus::MQTTSuccess);
    assert!(!c.ctx.waitingForPingResp);
    // At the interval a PINGREQ goes out, and its PINGRESP clears the wait.
    advance(1);
    assert_eq!(c.process(), MQTTStatus::MQTTSuccess);
    assert!(c.ctx.waitingForPingResp);
    assert!(c.ctx.controlPacketSent);
    broker.wait();
    assert_eq!(c.process(), MQTTStatus::MQTTSuccess);
    assert!(!c.ctx.waitingForPingResp);
    assert!(
        take_events().is_empty(),
        "ProcessLoop keeps PINGRESPs to itself"
    );

    advance(10_000);
    assert_eq!(c.process(), MQTTStatus::MQTTSuccess);
    assert!(c.ctx.waitingForPingResp);
    advance(5_000);
    assert_eq!(
        c.process(),
        MQTTStatus::MQTTSuccess,
        "exactly MQTT_PINGRESP_TIMEOUT_MS is still in time"
    );
    advance(1);
    assert_eq!(c.process(), MQTTStatus::MQTTKeepAliveTimeout);
    broker.finish();
}

#[test]
fn refused_connack_is_server_refused() {
    let broker = Broker::start(vec![
        Expect(connect_bytes("no", 60, true)),
        Send(vec![0x20, 2, 0, 5]),
    ]);
    let mut c = Client::new(broker.addr, 128);
    assert_eq!(
        c.connect("no", true, 60, 1000).0,
        MQTTStatus::MQTTServerRefused
    );
    assert_eq!(
        unsafe { MQTT_CheckConnectStatus(c.ctx()) },
        MQTTStatus::MQTTStatusNotConnected
    );
    broker.finish();
}

#[test]
fn connack_timeout_is_no_data_available() {
    let broker = Broker::start(vec![Expect(connect_bytes("slow", 60, true)), Notify]);
    let mut c = Client::new(broker.addr, 128);
    coremqtt_support::REAL_CLOCK.with(|r| r.set(true));
    let (status, _) = c.connect("slow", true, 60, 200);
    coremqtt_support::REAL_CLOCK.with(|r| r.set(false));
    assert_eq!(status, MQTTStatus::MQTTNoDataAvailable);
    broker.finish();
}

#[test]
fn qos2_in_both_directions() {
    let broker = Broker::start(vec![
        Expect(connect_bytes("q2", 60, true)),
        Send(CONNACK_OK.to_vec()),
        // Outgoing: PUBLISH → PUBREC → PUBREL → PUBCOMP.
        Expect(publish_bytes(0x34, "out", Some(1), b"x")),
        Send(ack(0x50, 1)),
        Expect(ack(0x62, 1)),
        Send(ack(0x70, 1)),
        // Incoming: PUBLISH → PUBREC → PUBREL → PUBCOMP.
        Send(publish_bytes(0x34, "in", Some(7), b"y")),
        Expect(ack(0x50, 7)),
        Send(ack(0x62, 7)),
        Expect(ack(0x70, 7)),
        Notify,
    ]);
    let mut c = Client::new(broker.addr, 128);
    assert_eq!(c.connect("q2", true, 60, 1000).0, MQTTStatus::MQTTSuccess);
    assert_eq!(c.publish("out", b"x", 2, 1), MQTTStatus::MQTTSuccess);
    assert_eq!(
        c.outgoing_in_use(),
        vec![(1, 2, MQTTPublishState::MQTTPubRecPending as u32)]
    );

    let pubrec = c.process_until_events(1);
    assert_eq!((pubrec[0].packet_type, pubrec[0].packet_id), (0x50, 1));
    assert_eq!(
        c.outgoing_in_use(),
        vec![(1, 2, MQTTPublishState::MQTTPubCompPending as u32)]
    );
    let pubcomp = c.process_until_events(1);
    assert_eq!((pubcomp[0].packet_type, pubcomp[0].packet_id), (0x70, 1));
    assert!(c.outgoing_in_use().is_empty());

    let incoming = c.process_until_events(1);
    assert_eq!(
        incoming[0].publish,
        Some((b"in".to_vec(), 2, false, false, b"y".to_vec()))
    );
    assert_eq!(incoming[0].packet_id, 7);
    assert_eq!(
        c.incoming_in_use(),
        vec![(7, 2, MQTTPublishState::MQTTPubRelPending as u32)]
    );
    let pubrel = c.process_until_events(1);
    assert_eq!((pubrel[0].packet_type, pubrel[0].packet_id), (0x62, 7));
    assert!(c.incoming_in_use().is_empty());
    broker.wait();
    broker.finish();
}

#[test]
fn resumed_session_resends_pubrel_then_stored_publish_with_dup() {
    let broker = Broker::start(vec![
        Expect(connect_bytes("resume", 60, false)),
        Send(CONNACK_OK.to_vec()),
        // QoS 2 publish 5 gets as far as PUBREL; QoS 1 publish 6 is never acked.
        Expect(publish_bytes(0x34, "r", Some(5), b"five")),
        Send(ack(0x50, 5)),
        Expect(ack(0x62, 5)),
        Expect(publish_bytes(0x32, "r", Some(6), b"six")),
        Expect(vec![0xE0, 0]),
        Reconnect,
        Expect(connect_bytes("resume", 60, false)),
        Send(vec![0x20, 2, 1, 0]),
        // On resumption: PUBREL first, then the publish again with DUP.
        Expect(ack(0x62, 5)),
        Expect(publish_bytes(0x3A, "r", Some(6), b"six")),
        Send(ack(0x40, 6)),
        Send(ack(0x70, 5)),
    ]);
    let mut c = Client::new(broker.addr, 128);
    c.with_retransmits();
    assert_eq!(
        c.connect("resume", false, 60, 1000),
        (MQTTStatus::MQTTSuccess, false)
    );
    assert_eq!(c.publish("r", b"five", 2, 5), MQTTStatus::MQTTSuccess);
    c.process_until_events(1);
    assert_eq!(c.publish("r", b"six", 1, 6), MQTTStatus::MQTTSuccess);
    assert_eq!(unsafe { MQTT_Disconnect(c.ctx()) }, MQTTStatus::MQTTSuccess);
    assert_eq!(
        c.outgoing_in_use(),
        vec![
            (5, 2, MQTTPublishState::MQTTPubCompPending as u32),
            (6, 1, MQTTPublishState::MQTTPubAckPending as u32)
        ]
    );
    assert_eq!(
        CLEARED.with(|c| c.borrow().clone()),
        vec![5],
        "PUBREC released the stored copy of 5"
    );

    // A new socket for the same context, as after a network outage.
    let stream = TcpStream::connect(broker.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(10)))
        .unwrap();
    c.net.stream = stream;
    assert_eq!(
        c.connect("resume", false, 60, 1000),
        (MQTTStatus::MQTTSuccess, true)
    );
    let events = c.process_until_events(2);
    assert_eq!(
        events
            .iter()
            .map(|e| (e.packet_type, e.packet_id))
            .collect::<Vec<_>>(),
        vec![(0x40, 6), (0x70, 5)]
    );
    assert!(c.outgoing_in_use().is_empty());
    assert_eq!(CLEARED.with(|c| c.borrow().clone()), vec![5, 6]);
    broker.finish();
}

#[test]
fn clean_session_clears_records_and_stored_publishes() {
    let broker = Broker::start(vec![
        Expect(connect_bytes("clean", 60, false)),
        Send(CONNACK_OK.to_vec()),
        Expect(publish_bytes(0x32, "c", Some(9), b"nine")),
        Expect(vec![0xE0, 0]),
        Reconnect,
        Expect(connect_bytes("clean", 60, true)),
        Send(CONNACK_OK.to_vec()),
    ]);
    let mut c = Client::new(broker.addr, 128);
    c.with_retransmits();
    assert_eq!(
        c.connect("clean", false, 60, 1000).0,
        MQTTStatus::MQTTSuccess
    );
    assert_eq!(c.publish("c", b"nine", 1, 9), MQTTStatus::MQTTSuccess);
    assert_eq!(unsafe { MQTT_Disconnect(c.ctx()) }, MQTTStatus::MQTTSuccess);
    let stream = TcpStream::connect(broker.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(10)))
        .unwrap();
    c.net.stream = stream;
    assert_eq!(
        c.connect("clean", true, 60, 1000),
        (MQTTStatus::MQTTSuccess, false)
    );
    assert!(c.outgoing_in_use().is_empty());
    assert_eq!(CLEARED.with(|c| c.borrow().clone()), vec![9]);
    broker.finish();
}

#[test]
fn oversized_packet_is_reported_and_drained_and_the_stream_stays_usable() {
    let big = vec![b'z'; 300];
    let broker = Broker::start(vec![
        Expect(connect_bytes("big", 60, true)),
        Send(CONNACK_OK.to_vec()),
        Send({
            // Two-byte remaining length: 2 + 3 + 300 = 305.
            let mut v = vec![0x30, 0xB1, 0x02, 0, 3, b'b', b'i', b'g'];
            v.extend_from_slice(&big);
            v
        }),
        Send(publish_bytes(0x30, "ok", None, b"after")),
        Notify,
    ]);
    let mut c = Client::new(broker.addr, 64);
    assert_eq!(c.connect("big", true, 60, 1000).0, MQTTStatus::MQTTSuccess);
    broker.wait();
    assert_eq!(c.process(), MQTTStatus::MQTTNoMemory);
    assert!(take_events().is_empty());
    assert_eq!(
        unsafe { MQTT_CheckConnectStatus(c.ctx()) },
        MQTTStatus::MQTTStatusConnected
    );
    let events = c.process_until_events(1);
    assert_eq!(
        events[0].publish,
        Some((b"ok".to_vec(), 0, false, false, b"after".to_vec()))
    );
    broker.finish();
}

#[test]
fn pubrel_for_an_unknown_id_is_answered_with_pubcomp() {
    let broker = Broker::start(vec![
        Expect(connect_bytes("lost", 60, true)),
        Send(CONNACK_OK.to_vec()),
        Send(ack(0x62, 42)),
        Expect(ack(0x70, 42)),
        Notify,
    ]);
    let mut c = Client::new(broker.addr, 64);
    assert_eq!(c.connect("lost", true, 60, 1000).0, MQTTStatus::MQTTSuccess);
    let start = std::time::Instant::now();
    while !c.ctx.controlPacketSent {
        assert_eq!(c.process(), MQTTStatus::MQTTSuccess);
        assert!(start.elapsed() < Duration::from_secs(5));
    }
    broker.wait();
    broker.finish();
}

#[test]
fn transport_failure_leaves_disconnect_pending_until_disconnect() {
    let broker = Broker::start(vec![
        Expect(connect_bytes("drop", 60, true)),
        Send(CONNACK_OK.to_vec()),
        Reconnect,
    ]);
    let mut c = Client::new(broker.addr, 64);
    assert_eq!(c.connect("drop", true, 60, 1000).0, MQTTStatus::MQTTSuccess);
    // The broker dropped the socket (it waits for another connection).
    let start = std::time::Instant::now();
    loop {
        let status = c.process();
        if status == MQTTStatus::MQTTRecvFailed {
            break;
        }
        assert_eq!(status, MQTTStatus::MQTTSuccess);
        assert!(start.elapsed() < Duration::from_secs(5));
    }
    assert_eq!(
        unsafe { MQTT_CheckConnectStatus(c.ctx()) },
        MQTTStatus::MQTTStatusDisconnectPending
    );
    assert_eq!(
        c.publish("t", b"x", 0, 0),
        MQTTStatus::MQTTStatusDisconnectPending
    );
    assert_eq!(
        unsafe { MQTT_Ping(c.ctx()) },
        MQTTStatus::MQTTStatusDisconnectPending
    );
    assert_eq!(unsafe { MQTT_Disconnect(c.ctx()) }, MQTTStatus::MQTTSuccess);
    assert_eq!(
        unsafe { MQTT_CheckConnectStatus(c.ctx()) },
        MQTTStatus::MQTTStatusNotConnected
    );
    let _ = TcpStream::connect(broker.addr);
    broker.finish();
}

/// A transport that reports more bytes than were pending is a transport
/// failure: the publish fails at once, before the clock is read for that
/// call (the last send time stays), and the connection is left
/// disconnect-pending (the byte stream is not trustworthy any more). Through
/// writev, whose one call takes the whole packet and reports a byte more.
#[test]
fn a_transport_reporting_more_bytes_than_pending_fails_the_send() {
    let broker = Broker::start(vec![
        Expect(connect_bytes("over", 60, true)),
        Send(CONNACK_OK.to_vec()),
        Expect(publish_bytes(0x30, "t", None, b"x")),
    ]);
    let mut c = Client::new_with(broker.addr, 64, true);
    assert_eq!(c.connect("over", true, 60, 1000).0, MQTTStatus::MQTTSuccess);
    let before = c.ctx.lastPacketTxTime;
    advance(5);
    c.net.over_report = true;
    assert_eq!(c.publish("t", b"x", 0, 0), MQTTStatus::MQTTSendFailed);
    assert_eq!(c.ctx.lastPacketTxTime, before);
    assert_eq!(
        unsafe { MQTT_CheckConnectStatus(c.ctx()) },
        MQTTStatus::MQTTStatusDisconnectPending
    );
    broker.finish();
}

#[test]
fn api_rejects_bad_arguments_like_coremqtt() {
    let null = std::ptr::null_mut();
    unsafe {
        assert_eq!(MQTT_ProcessLoop(null), MQTTStatus::MQTTBadParameter);
        assert_eq!(
            MQTT_Publish(null, std::ptr::null(), 1),
            MQTTStatus::MQTTBadParameter
        );
        assert_eq!(MQTT_GetPacketId(null), 0);
        assert_eq!(
            MQTT_CheckConnectStatus(std::ptr::null()),
            MQTTStatus::MQTTBadParameter
        );
        assert_eq!(
            rsmqtt_coremqtt_config_set(std::ptr::null()),
            MQTTStatus::MQTTBadParameter
        );
    }
    let broker = Broker::start(vec![]);
    let mut c = Client::new(broker.addr, 64);
    // Not connected yet.
    assert_eq!(
        c.publish("t", b"x", 0, 0),
        MQTTStatus::MQTTStatusNotConnected
    );
    // QoS 1 without a packet id, QoS 3, empty topic.
    assert_eq!(c.publish("t", b"x", 1, 0), MQTTStatus::MQTTBadParameter);
    assert_eq!(c.publish("t", b"x", 3, 1), MQTTStatus::MQTTBadParameter);
    assert_eq!(c.publish("", b"x", 0, 0), MQTTStatus::MQTTBadParameter);
    assert_eq!(
        c.subscribe(&[("a", 0)], 0, false),
        MQTTStatus::MQTTBadParameter
    );
    assert_eq!(
        c.subscribe(&[("a", 3)], 1, false),
        MQTTStatus::MQTTBadParameter
    );
    assert_eq!(
        c.subscribe(&[("", 0)], 1, true),
        MQTTStatus::MQTTBadParameter
    );
    // A zero-length client identifier needs clean session (MQTT-3.1.3-7).
    assert_eq!(c.connect("", false, 60, 10).0, MQTTStatus::MQTTBadParameter);
    // Packet ids skip 0 when they wrap.
    c.ctx.nextPacketId = u16::MAX;
    assert_eq!(unsafe { MQTT_GetPacketId(c.ctx()) }, u16::MAX);
    assert_eq!(unsafe { MQTT_GetPacketId(c.ctx()) }, 1);
    // A corrupt index is refused rather than trusted.
    c.ctx.index = 65;
    assert_eq!(c.process(), MQTTStatus::MQTTBadParameter);
    broker.finish();
}

#[test]
fn connect_with_timeout_zero_polls_a_bounded_number_of_times() {
    // CONNACK already waiting: one poll is enough.
    let broker = Broker::start(vec![
        Expect(connect_bytes("zero", 60, true)),
        Send(CONNACK_OK.to_vec()),
    ]);
    let mut c = Client::new(broker.addr, 64);
    assert_eq!(
        c.connect("zero", true, 60, 0),
        (MQTTStatus::MQTTSuccess, false)
    );
    broker.finish();

    // No CONNACK: MQTT_MAX_CONNACK_RECEIVE_RETRY_COUNT + 1 polls of the
    // transport (10 ms read timeout each here), then MQTTNoDataAvailable,
    // without the clock moving at all.
    let broker = Broker::start(vec![Expect(connect_bytes("none", 60, true)), Notify]);
    let mut c = Client::new(broker.addr, 64);
    let start = std::time::Instant::now();
    assert_eq!(
        c.connect("none", true, 60, 0).0,
        MQTTStatus::MQTTNoDataAvailable
    );
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(
        unsafe { MQTT_CheckConnectStatus(c.ctx()) },
        MQTTStatus::MQTTStatusNotConnected
    );
    broker.finish();
}

#[test]
fn zero_length_client_id_connects_with_clean_session() {
    // coreMQTT v3-CodeBase (its change #331): the server assigns the id.
    let broker = Broker::start(vec![
        Expect(connect_bytes("", 60, true)),
        Send(CONNACK_OK.to_vec()),
    ]);
    let mut c = Client::new(broker.addr, 64);
    assert_eq!(
        c.connect("", true, 60, 1000),
        (MQTTStatus::MQTTSuccess, false)
    );
    broker.finish();
}

/// Issue 13: a QoS `qos` PUBLISH whose first send breaks off after `cut`
/// bytes. With the retransmit callbacks registered, `MQTT_Connect` on the
/// resumed session sends the stored copy again with DUP; the broker's answer
/// to that copy must complete the exchange, and the session must go on (the
/// next loop succeeds, the next publish completes) instead of failing the
/// loop on an acknowledgement the records did not expect.
fn publish_cut_mid_send_is_resent_on_resumption_and_the_session_goes_on(qos: u32, cut: usize) {
    let first = if qos == 1 { 0x32 } else { 0x34 };
    let id = format!("cut-q{qos}-{cut}");
    let cut_publish = publish_bytes(first, "cut", Some(1), b"stored payload");
    let next_publish = publish_bytes(first, "cut", Some(2), b"next");
    let mut dup = cut_publish.clone();
    dup[0] |= 0x08;
    assert!(cut < cut_publish.len());
    // The broker's side of one exchange for packet `n`: PUBACK, or PUBREC,
    // PUBREL from the client, PUBCOMP.
    let complete = |n: u16| -> Vec<Step> {
        if qos == 1 {
            vec![Send(ack(0x40, n))]
        } else {
            vec![Send(ack(0x50, n)), Expect(ack(0x62, n)), Send(ack(0x70, n))]
        }
    };
    let mut script = vec![
        Expect(connect_bytes(&id, 60, false)),
        Send(CONNACK_OK.to_vec()),
        // Only the first `cut` bytes of the PUBLISH arrive, then the
        // connection is gone.
        Expect(cut_publish[..cut].to_vec()),
        Reconnect,
        Expect(connect_bytes(&id, 60, false)),
        Send(vec![0x20, 2, 1, 0]),
        // The stored copy, whole and with DUP, exactly once.
        Expect(dup),
    ];
    script.extend(complete(1));
    script.push(Expect(next_publish));
    script.extend(complete(2));
    script.push(Notify);
    let broker = Broker::start(script);

    let mut c = Client::new(broker.addr, 256);
    c.with_retransmits();
    assert_eq!(
        c.connect(&id, false, 60, 1000),
        (MQTTStatus::MQTTSuccess, false)
    );
    c.net.fail_after_bytes = Some(cut);
    assert_eq!(
        c.publish("cut", b"stored payload", qos, 1),
        MQTTStatus::MQTTSendFailed
    );
    assert_eq!(
        unsafe { MQTT_CheckConnectStatus(c.ctx()) },
        MQTTStatus::MQTTStatusDisconnectPending
    );
    assert_eq!(
        c.outgoing_in_use(),
        vec![(1, qos, MQTTPublishState::MQTTPublishSend as u32)],
        "the failed first send leaves the record waiting to be sent"
    );
    assert_eq!(unsafe { MQTT_Disconnect(c.ctx()) }, MQTTStatus::MQTTSuccess);

    // Reconnect on a new socket, as the application does after the failure.
    let stream = TcpStream::connect(broker.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(10)))
        .unwrap();
    c.net.stream = stream;
    c.net.fail_after_bytes = None;
    assert_eq!(
        c.connect(&id, false, 60, 1000),
        (MQTTStatus::MQTTSuccess, true)
    );
    let acks: Vec<(u8, u16)> = if qos == 1 {
        vec![(0x40, 1)]
    } else {
        vec![(0x50, 1), (0x70, 1)]
    };
    let events = c.process_until_events(acks.len());
    assert_eq!(
        events
            .iter()
            .map(|e| (e.packet_type, e.packet_id))
            .collect::<Vec<_>>(),
        acks
    );
    assert!(events.iter().all(|e| e.result == MQTTStatus::MQTTSuccess));
    assert!(c.outgoing_in_use().is_empty());
    assert!(CLEARED.with(|c| c.borrow().contains(&1)));
    assert!(STORED.with(|s| s.borrow().is_empty()));

    // The session goes on: the next loop succeeds and the next publish
    // completes on the same connection.
    assert_eq!(c.process(), MQTTStatus::MQTTSuccess);
    assert_eq!(c.publish("cut", b"next", qos, 2), MQTTStatus::MQTTSuccess);
    let events = c.process_until_events(acks.len());
    assert_eq!(
        events
            .iter()
            .map(|e| (e.packet_type, e.packet_id))
            .collect::<Vec<_>>(),
        acks.iter().map(|(t, _)| (*t, 2)).collect::<Vec<_>>()
    );
    assert!(c.outgoing_in_use().is_empty());
    assert_eq!(
        unsafe { MQTT_CheckConnectStatus(c.ctx()) },
        MQTTStatus::MQTTStatusConnected
    );
    broker.wait();
    broker.finish();
}

#[test]
fn qos1_publish_cut_mid_send_is_acknowledged_after_resumption() {
    // Cut inside the header, inside the topic, inside the packet id and
    // inside the payload.
    for cut in [1, 5, 8, 12] {
        publish_cut_mid_send_is_resent_on_resumption_and_the_session_goes_on(1, cut);
    }
}

#[test]
fn qos2_publish_cut_mid_send_completes_once_after_resumption() {
    for cut in [1, 5, 8, 12] {
        publish_cut_mid_send_is_resent_on_resumption_and_the_session_goes_on(2, cut);
    }
}

/// The coreMQTT resend loop an application runs without retransmit
/// callbacks: `MQTT_PublishToResend` with one cursor, and for each id
/// `MQTT_Publish` with DUP set. The outgoing records have holes at the front
/// (the first publishes were acknowledged) and the last slot in use, where a
/// reservation used to compact the array under the cursor, so the loop
/// skipped publishes and they were never resent (found by the reset sweep).
#[test]
fn publish_to_resend_loop_with_dup_publishes_resends_every_record() {
    let topic = "r";
    let mut script = vec![
        Expect(connect_bytes("loop", 60, false)),
        Send(CONNACK_OK.to_vec()),
    ];
    for id in 1..=8u16 {
        script.push(Expect(publish_bytes(0x32, topic, Some(id), b"p")));
    }
    for id in 1..=3u16 {
        script.push(Send(ack(0x40, id)));
    }
    script.extend([
        Expect(vec![0xE0, 0]),
        Reconnect,
        Expect(connect_bytes("loop", 60, false)),
        Send(vec![0x20, 2, 1, 0]),
    ]);
    for id in 4..=8u16 {
        script.push(Expect(publish_bytes(0x3A, topic, Some(id), b"p")));
    }
    for id in 4..=8u16 {
        script.push(Send(ack(0x40, id)));
    }
    script.push(Notify);
    let broker = Broker::start(script);
    let mut c = Client::new(broker.addr, 256);
    assert_eq!(
        c.connect("loop", false, 60, 1000),
        (MQTTStatus::MQTTSuccess, false)
    );
    for id in 1..=8u16 {
        assert_eq!(c.publish(topic, b"p", 1, id), MQTTStatus::MQTTSuccess);
    }
    c.process_until_events(3);
    assert_eq!(
        c.outgoing.iter().map(|r| r.packetId).collect::<Vec<_>>(),
        vec![0, 0, 0, 4, 5, 6, 7, 8]
    );
    assert_eq!(unsafe { MQTT_Disconnect(c.ctx()) }, MQTTStatus::MQTTSuccess);
    let stream = TcpStream::connect(broker.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(10)))
        .unwrap();
    c.net.stream = stream;
    assert_eq!(
        c.connect("loop", false, 60, 1000),
        (MQTTStatus::MQTTSuccess, true)
    );
    let mut cursor = 0;
    let mut resent = Vec::new();
    loop {
        let id = unsafe { rsmqtt::coremqtt::state::MQTT_PublishToResend(c.ctx(), &mut cursor) };
        if id == 0 {
            break;
        }
        assert_eq!(c.publish_dup(topic, b"p", 1, id), MQTTStatus::MQTTSuccess);
        resent.push(id);
    }
    assert_eq!(resent, vec![4, 5, 6, 7, 8]);
    let events = c.process_until_events(5);
    assert_eq!(
        events.iter().map(|e| e.packet_id).collect::<Vec<_>>(),
        vec![4, 5, 6, 7, 8]
    );
    assert!(c.outgoing_in_use().is_empty());
    broker.wait();
    broker.finish();
}

#[test]
fn publish_with_invalid_utf8_topic_is_bad_response() {
    // Topic "a\xFFb": not UTF-8 (MQTT 3.1.1 1.5.3).
    let mut bad = vec![0x30, 8, 0, 3, b'a', 0xFF, b'b'];
    bad.extend_from_slice(b"xyz");
    let broker = Broker::start(vec![
        Expect(connect_bytes("utf", 60, true)),
        Send(CONNACK_OK.to_vec()),
        Send(bad),
        Notify,
    ]);
    let mut c = Client::new(broker.addr, 128);
    assert_eq!(c.connect("utf", true, 60, 1000).0, MQTTStatus::MQTTSuccess);
    broker.wait();
    let start = std::time::Instant::now();
    let status = loop {
        let status = c.process();
        if status != MQTTStatus::MQTTSuccess && status != MQTTStatus::MQTTNeedMoreBytes {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "no error reported"
        );
    };
    assert_eq!(status, MQTTStatus::MQTTBadResponse);
    assert!(take_events().is_empty(), "the publish is not delivered");
    broker.finish();
}

#[test]
fn truncated_packet_then_close_is_recv_failed() {
    // A PUBLISH announcing 20 bytes, of which 6 arrive before the close.
    let broker = Broker::start(vec![
        Expect(connect_bytes("cut", 60, true)),
        Send(CONNACK_OK.to_vec()),
        Send(vec![0x30, 20, 0, 3, b'a', b'b']),
        Reconnect,
    ]);
    let mut c = Client::new(broker.addr, 128);
    assert_eq!(c.connect("cut", true, 60, 1000).0, MQTTStatus::MQTTSuccess);
    let start = std::time::Instant::now();
    let status = loop {
        let status = c.process();
        if status != MQTTStatus::MQTTSuccess && status != MQTTStatus::MQTTNeedMoreBytes {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "no error reported"
        );
    };
    assert_eq!(status, MQTTStatus::MQTTRecvFailed);
    assert_eq!(
        unsafe { MQTT_CheckConnectStatus(c.ctx()) },
        MQTTStatus::MQTTStatusDisconnectPending
    );
    assert!(take_events().is_empty());
    let _ = TcpStream::connect(broker.addr);
    broker.finish();
}

/// Issue 11 through `MQTT_*`: QoS 1 PUBLISH 5 is delivered but its PUBACK
/// send fails (connection cut); the session resumes with the incoming
/// record for 5 still held. The broker then sends PUBLISH 5 again with
/// `first` (DUP clear: a new message from a broker that lost its state;
/// DUP set: a resend) and `payload`; returns the events it caused.
fn qos1_publish_on_a_held_id(first: u8, payload: &[u8]) -> Vec<Event> {
    let broker = Broker::start(vec![
        Expect(connect_bytes("held", 60, false)),
        Send(CONNACK_OK.to_vec()),
        Send(publish_bytes(0x32, "h", Some(5), b"first")),
        Notify,
        AwaitGo,
        Reconnect,
        Expect(connect_bytes("held", 60, false)),
        Send(vec![0x20, 2, 1, 0]),
        Send(publish_bytes(first, "h", Some(5), payload)),
        Notify,
        Expect(ack(0x40, 5)),
    ]);
    let mut c = Client::new(broker.addr, 128);
    assert_eq!(
        c.connect("held", false, 60, 1000),
        (MQTTStatus::MQTTSuccess, false)
    );
    broker.wait();
    c.net.fail_after_bytes = Some(0);
    assert_eq!(c.process(), MQTTStatus::MQTTSendFailed);
    let events = take_events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].publish.as_ref().unwrap().4, b"first");
    assert_eq!(
        c.incoming_in_use(),
        vec![(5, 1, MQTTPublishState::MQTTPubAckSend as u32)]
    );
    broker.go();
    // The application closes the broken connection (the context is
    // disconnect-pending: nothing goes out).
    assert_eq!(unsafe { MQTT_Disconnect(c.ctx()) }, MQTTStatus::MQTTSuccess);

    c.net.fail_after_bytes = None;
    let stream = TcpStream::connect(broker.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(10)))
        .unwrap();
    c.net.stream = stream;
    assert_eq!(
        c.connect("held", false, 60, 1000),
        (MQTTStatus::MQTTSuccess, true)
    );
    broker.wait();
    let mut events = Vec::new();
    for _ in 0..20 {
        let status = c.process();
        assert!(
            matches!(
                status,
                MQTTStatus::MQTTSuccess | MQTTStatus::MQTTNeedMoreBytes
            ),
            "MQTT_ProcessLoop returned {status:?}"
        );
        events.extend(take_events());
    }
    assert!(c.incoming_in_use().is_empty(), "PUBACK sent, record freed");
    broker.finish();
    events
}

#[test]
fn qos1_publish_reusing_a_held_id_without_dup_is_delivered() {
    let events = qos1_publish_on_a_held_id(0x32, b"second");
    assert_eq!(events.len(), 1, "the new message is delivered: {events:?}");
    assert_eq!(events[0].packet_id, 5);
    assert_eq!(events[0].publish.as_ref().unwrap().4, b"second");
}

#[test]
fn qos1_publish_resent_with_dup_on_a_held_id_is_acknowledged_not_delivered() {
    let events = qos1_publish_on_a_held_id(0x3A, b"first");
    assert!(
        events.is_empty(),
        "a resend is not delivered twice: {events:?}"
    );
}
