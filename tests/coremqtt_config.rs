//! The run-time configuration (`rsmqtt_coremqtt_config_set`) and the send
//! path under a congested transport. A separate test binary, because the
//! configuration is process-wide.

mod coremqtt_support;

use std::time::{Duration, Instant};

use coremqtt_support::Step::*;
use coremqtt_support::*;
use rsmqtt::coremqtt::api::*;
use rsmqtt::coremqtt::serializer_types::MQTTStatus;

const CONNACK_OK: [u8; 4] = [0x20, 2, 0, 0];

fn connect_bytes(id: &str) -> Vec<u8> {
    let mut v = vec![
        0x10,
        (12 + id.len()) as u8,
        0,
        4,
        b'M',
        b'Q',
        b'T',
        b'T',
        4,
        0x02,
        0,
        60,
    ];
    v.extend_from_slice(&(id.len() as u16).to_be_bytes());
    v.extend_from_slice(id.as_bytes());
    v
}

fn subscribe_bytes(id: u16, filters: &[&str]) -> Vec<u8> {
    let mut body = id.to_be_bytes().to_vec();
    for f in filters {
        body.extend_from_slice(&(f.len() as u16).to_be_bytes());
        body.extend_from_slice(f.as_bytes());
        body.push(0);
    }
    let mut v = vec![0x82, body.len() as u8];
    v.extend(body);
    v
}

fn current() -> RsmqttCoreMqttConfig_t {
    let mut c = RsmqttCoreMqttConfig_t {
        pingrespTimeoutMs: 0,
        packetTxTimeoutMs: 0,
        packetRxTimeoutMs: 0,
        recvPollingTimeoutMs: 0,
        sendTimeoutMs: 0,
        subUnsubMaxVectors: 0,
        maxConnackReceiveRetryCount: 0,
    };
    assert_eq!(
        unsafe { rsmqtt_coremqtt_config_get(&mut c) },
        MQTTStatus::MQTTSuccess
    );
    c
}

/// All checks in one test: they share the process-wide configuration.
#[test]
fn configuration_and_congested_transports() {
    // Defaults are upstream's.
    let defaults = current();
    assert_eq!(
        defaults,
        RsmqttCoreMqttConfig_t {
            pingrespTimeoutMs: 5000,
            packetTxTimeoutMs: 30000,
            packetRxTimeoutMs: 30000,
            recvPollingTimeoutMs: 10,
            sendTimeoutMs: 20000,
            subUnsubMaxVectors: 4,
            maxConnackReceiveRetryCount: 5,
        }
    );

    short_writes_through_send_and_writev_deliver_whole_packets();
    subscribe_vectors_respect_the_configured_maximum();
    a_changed_pingresp_timeout_takes_effect();
    a_stalled_transport_times_out_and_a_partial_packet_leaves_disconnect_pending();

    assert_eq!(
        unsafe { rsmqtt_coremqtt_config_set(&defaults) },
        MQTTStatus::MQTTSuccess
    );
    assert_eq!(current(), defaults);
}

fn short_writes_through_send_and_writev_deliver_whole_packets() {
    for writev in [false, true] {
        let broker = Broker::start(vec![
            Expect(connect_bytes("short")),
            Send(CONNACK_OK.to_vec()),
            Expect(subscribe_bytes(3, &["a/b", "c"])),
            Expect(vec![
                0x30, 9, 0, 3, b't', b'/', b'x', b'h', b'e', b'l', b'o',
            ]),
        ]);
        let mut c = Client::new_with(broker.addr, 64, writev);
        c.net.max_chunk = 3;
        c.net.zero_every_other = true;
        assert_eq!(
            c.connect("short", true, 60, 1000).0,
            MQTTStatus::MQTTSuccess
        );
        assert_eq!(
            c.subscribe(&[("a/b", 0), ("c", 0)], 3, false),
            MQTTStatus::MQTTSuccess
        );
        assert_eq!(c.publish("t/x", b"helo", 0, 0), MQTTStatus::MQTTSuccess);
        assert!(
            c.net.calls > 10,
            "the packets went out in many small pieces"
        );
        broker.finish();
    }
}

fn subscribe_vectors_respect_the_configured_maximum() {
    for max in [4u32, 7, 1000] {
        let mut config = current();
        config.subUnsubMaxVectors = max;
        assert_eq!(
            unsafe { rsmqtt_coremqtt_config_set(&config) },
            MQTTStatus::MQTTSuccess
        );
        let filters = ["f/1", "f/2", "f/3", "f/4", "f/5"];
        let broker = Broker::start(vec![
            Expect(connect_bytes("vec")),
            Send(CONNACK_OK.to_vec()),
            Expect(subscribe_bytes(9, &filters)),
        ]);
        let mut c = Client::new_with(broker.addr, 64, true);
        assert_eq!(c.connect("vec", true, 60, 1000).0, MQTTStatus::MQTTSuccess);
        c.net.writev_vectors.clear();
        let list: Vec<(&str, u32)> = filters.iter().map(|f| (*f, 0)).collect();
        assert_eq!(c.subscribe(&list, 9, false), MQTTStatus::MQTTSuccess);
        // 1 header vector + 3 per filter = 16, in batches of at most `max`
        // (the engine's stack array holds 64).
        let limit = (max as usize).min(64);
        assert!(
            c.net.writev_vectors.iter().all(|n| *n <= limit),
            "{max}: {:?}",
            c.net.writev_vectors
        );
        let expected_calls = if max == 4 {
            5
        } else if max == 7 {
            3
        } else {
            1
        };
        assert_eq!(
            c.net.writev_vectors.len(),
            expected_calls,
            "{max}: {:?}",
            c.net.writev_vectors
        );
        broker.finish();
    }
}

fn a_changed_pingresp_timeout_takes_effect() {
    let mut config = current();
    config.pingrespTimeoutMs = 100;
    assert_eq!(
        unsafe { rsmqtt_coremqtt_config_set(&config) },
        MQTTStatus::MQTTSuccess
    );
    let broker = Broker::start(vec![
        Expect(connect_bytes("ping")),
        Send(CONNACK_OK.to_vec()),
        Expect(vec![0xC0, 0]),
    ]);
    let mut c = Client::new(broker.addr, 64);
    assert_eq!(c.connect("ping", true, 60, 1000).0, MQTTStatus::MQTTSuccess);
    assert_eq!(unsafe { MQTT_Ping(c.ctx()) }, MQTTStatus::MQTTSuccess);
    advance(100);
    assert_eq!(c.process(), MQTTStatus::MQTTSuccess);
    advance(1);
    assert_eq!(c.process(), MQTTStatus::MQTTKeepAliveTimeout);
    broker.finish();
}

fn a_stalled_transport_times_out_and_a_partial_packet_leaves_disconnect_pending() {
    let mut config = current();
    config.sendTimeoutMs = 100;
    assert_eq!(
        unsafe { rsmqtt_coremqtt_config_set(&config) },
        MQTTStatus::MQTTSuccess
    );
    let broker = Broker::start(vec![
        Expect(connect_bytes("stall")),
        Send(CONNACK_OK.to_vec()),
    ]);
    let mut c = Client::new(broker.addr, 64);
    assert_eq!(
        c.connect("stall", true, 60, 1000).0,
        MQTTStatus::MQTTSuccess
    );
    REAL_CLOCK.with(|r| r.set(true));

    // Nothing goes out: the send fails after the timeout, the stream is intact.
    c.net.stalled = true;
    let start = Instant::now();
    assert_eq!(c.publish("t", b"x", 0, 0), MQTTStatus::MQTTSendFailed);
    assert!(start.elapsed() >= Duration::from_millis(90));
    assert_eq!(
        unsafe { MQTT_CheckConnectStatus(c.ctx()) },
        MQTTStatus::MQTTStatusConnected
    );

    // Part of a packet went out: the stream is broken, only disconnect is left.
    c.net.stalled = false;
    c.net.max_chunk = 2;
    c.net.calls = 0;
    c.net.stall_after = Some(1);
    assert_eq!(c.publish("t", b"x", 0, 0), MQTTStatus::MQTTSendFailed);
    assert_eq!(
        unsafe { MQTT_CheckConnectStatus(c.ctx()) },
        MQTTStatus::MQTTStatusDisconnectPending
    );
    assert_eq!(unsafe { MQTT_Disconnect(c.ctx()) }, MQTTStatus::MQTTSuccess);
    REAL_CLOCK.with(|r| r.set(false));
    broker.finish();
}
