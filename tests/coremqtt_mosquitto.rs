//! End-to-end tests of the `MQTT_*` API against a real Mosquitto over plain
//! TCP: the client subscribes to its own topics and receives its own QoS 0, 1
//! and 2 publishes back through `MQTT_ProcessLoop` and the event callback.

mod common;
mod coremqtt_support;

use std::time::{Duration, Instant};

use common::{Broker, BrokerOptions};
use coremqtt_support::*;
use rsmqtt::coremqtt::api::*;
use rsmqtt::coremqtt::serializer_types::MQTTStatus;

/// Runs `MQTT_ProcessLoop` until `done` holds for the events seen so far;
/// fails after 10 s or on an error status.
fn process_until(c: &mut Client, mut done: impl FnMut(&[Event], &Client) -> bool) -> Vec<Event> {
    let start = Instant::now();
    let mut seen = Vec::new();
    loop {
        let status = c.process();
        assert!(
            matches!(
                status,
                MQTTStatus::MQTTSuccess | MQTTStatus::MQTTNeedMoreBytes
            ),
            "MQTT_ProcessLoop: {status:?} (events so far {seen:?})"
        );
        seen.extend(take_events());
        if done(&seen, c) {
            return seen;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "timed out; events so far: {seen:?}"
        );
    }
}

fn publishes(events: &[Event]) -> Vec<(Vec<u8>, u32, Vec<u8>)> {
    events
        .iter()
        .filter_map(|e| e.publish.clone())
        .map(|(t, q, _, _, p)| (t, q, p))
        .collect()
}

#[test]
fn subscribe_publish_qos_0_1_2_receive_echoes_unsubscribe_disconnect() {
    REAL_CLOCK.with(|r| r.set(true));
    let broker = Broker::start();
    let mut c = Client::new(broker.addr(), 1024);
    assert_eq!(
        c.connect("rsmqtt-e2e", true, 30, 2000),
        (MQTTStatus::MQTTSuccess, false)
    );

    let sub_id = unsafe { MQTT_GetPacketId(c.ctx()) };
    assert_eq!(
        c.subscribe(&[("e2e/+/echo", 2)], sub_id, false),
        MQTTStatus::MQTTSuccess
    );
    let events = process_until(&mut c, |e, _| e.iter().any(|e| e.packet_type == 0x90));
    let suback = events.iter().find(|e| e.packet_type == 0x90).unwrap();
    assert_eq!(
        (suback.packet_id, suback.result),
        (sub_id, MQTTStatus::MQTTSuccess)
    );

    let payload = vec![0xA5u8; 600];
    assert_eq!(
        c.publish("e2e/q0/echo", b"zero", 0, 0),
        MQTTStatus::MQTTSuccess
    );
    let id1 = unsafe { MQTT_GetPacketId(c.ctx()) };
    assert_eq!(
        c.publish("e2e/q1/echo", b"one", 1, id1),
        MQTTStatus::MQTTSuccess
    );
    let id2 = unsafe { MQTT_GetPacketId(c.ctx()) };
    assert_eq!(
        c.publish("e2e/q2/echo", &payload, 2, id2),
        MQTTStatus::MQTTSuccess
    );

    // Done when all three came back and every QoS exchange (both directions)
    // has finished, i.e. no state record is left.
    let events = process_until(&mut c, |e, c| {
        publishes(e).len() == 3 && c.outgoing_in_use().is_empty() && c.incoming_in_use().is_empty()
    });
    let mut got = publishes(&events);
    got.sort();
    assert_eq!(
        got,
        vec![
            (b"e2e/q0/echo".to_vec(), 0, b"zero".to_vec()),
            (b"e2e/q1/echo".to_vec(), 1, b"one".to_vec()),
            (b"e2e/q2/echo".to_vec(), 2, payload.clone()),
        ]
    );
    let acks: Vec<(u8, u16)> = events
        .iter()
        .filter(|e| e.publish.is_none())
        .map(|e| (e.packet_type, e.packet_id))
        .collect();
    assert!(acks.contains(&(0x40, id1)), "PUBACK for {id1}: {acks:?}");
    assert!(
        acks.contains(&(0x50, id2)) && acks.contains(&(0x70, id2)),
        "PUBREC/PUBCOMP for {id2}: {acks:?}"
    );
    assert!(
        acks.iter().any(|(t, _)| *t == 0x62),
        "the broker's PUBREL for its QoS 2 delivery: {acks:?}"
    );

    let unsub_id = unsafe { MQTT_GetPacketId(c.ctx()) };
    assert_eq!(
        c.subscribe(&[("e2e/+/echo", 0)], unsub_id, true),
        MQTTStatus::MQTTSuccess
    );
    let events = process_until(&mut c, |e, _| e.iter().any(|e| e.packet_type == 0xB0));
    assert!(events
        .iter()
        .any(|e| (e.packet_type, e.packet_id) == (0xB0, unsub_id)));

    // Unsubscribed: our publish no longer comes back.
    assert_eq!(
        c.publish("e2e/q0/echo", b"gone", 0, 0),
        MQTTStatus::MQTTSuccess
    );
    let until = Instant::now() + Duration::from_millis(300);
    while Instant::now() < until {
        assert_eq!(c.process(), MQTTStatus::MQTTSuccess);
    }
    assert!(publishes(&take_events()).is_empty());

    assert_eq!(unsafe { MQTT_Ping(c.ctx()) }, MQTTStatus::MQTTSuccess);
    process_until(&mut c, |_, c| !c.ctx.waitingForPingResp);
    assert_eq!(unsafe { MQTT_Disconnect(c.ctx()) }, MQTTStatus::MQTTSuccess);
    assert_eq!(
        unsafe { MQTT_CheckConnectStatus(c.ctx()) },
        MQTTStatus::MQTTStatusNotConnected
    );
}

#[test]
fn persistent_session_resumes_and_delivers_what_was_queued_while_offline() {
    REAL_CLOCK.with(|r| r.set(true));
    let broker = Broker::start_with(BrokerOptions {
        persist: true,
        ..BrokerOptions::default()
    });

    let mut sub = Client::new(broker.addr(), 512);
    assert_eq!(
        sub.connect("rsmqtt-persist", false, 30, 2000).0,
        MQTTStatus::MQTTSuccess
    );
    assert_eq!(
        sub.subscribe(&[("persist/t", 1)], 1, false),
        MQTTStatus::MQTTSuccess
    );
    process_until(&mut sub, |e, _| e.iter().any(|e| e.packet_type == 0x90));
    assert_eq!(
        unsafe { MQTT_Disconnect(sub.ctx()) },
        MQTTStatus::MQTTSuccess
    );

    // Someone else publishes while the subscriber is away.
    let mut publisher = Client::new(broker.addr(), 512);
    assert_eq!(
        publisher.connect("rsmqtt-publisher", true, 30, 2000).0,
        MQTTStatus::MQTTSuccess
    );
    assert_eq!(
        publisher.publish("persist/t", b"queued", 1, 1),
        MQTTStatus::MQTTSuccess
    );
    process_until(&mut publisher, |e, _| {
        e.iter().any(|e| e.packet_type == 0x40)
    });
    assert_eq!(
        unsafe { MQTT_Disconnect(publisher.ctx()) },
        MQTTStatus::MQTTSuccess
    );

    // Same context, new socket: the session is still there.
    let stream = std::net::TcpStream::connect(broker.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(10)))
        .unwrap();
    sub.net.stream = stream;
    assert_eq!(
        sub.connect("rsmqtt-persist", false, 30, 2000),
        (MQTTStatus::MQTTSuccess, true)
    );
    let events = process_until(&mut sub, |e, c| {
        !publishes(e).is_empty() && c.incoming_in_use().is_empty()
    });
    assert_eq!(
        publishes(&events),
        vec![(b"persist/t".to_vec(), 1, b"queued".to_vec())]
    );
    assert_eq!(
        unsafe { MQTT_Disconnect(sub.ctx()) },
        MQTTStatus::MQTTSuccess
    );
}
