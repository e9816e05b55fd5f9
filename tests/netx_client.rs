//! The NetX Duo MQTT API (`nxd_mqtt_client_*`) against a real Mosquitto and
//! against scripted brokers on 127.0.0.1.

mod common;
#[path = "netx/harness.rs"]
mod harness;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::Broker;
use harness::*;
use rsmqtt::netx::api::*;
use rsmqtt::netx::client_block::*;
use rsmqtt::netx::nx_types::*;
use rsmqtt::netx::threadx::*;

const TICKS_5S: ULONG = 5 * NX_IP_PERIODIC_RATE;

#[test]
fn publish_subscribe_qos_0_1_2_round_trip() {
    let broker = Broker::start();
    let mut app = App::create("netx-roundtrip");
    assert_eq!(
        app.connect(broker.port, 30, NX_TRUE, TICKS_5S),
        NXD_MQTT_SUCCESS
    );
    assert_eq!(
        app.client.nxd_mqtt_client_state,
        NXD_MQTT_CLIENT_STATE_CONNECTED
    );
    assert_eq!(
        app.connect(broker.port, 30, NX_TRUE, TICKS_5S),
        NXD_MQTT_ALREADY_CONNECTED
    );
    assert_eq!(app.subscribe("netx/rt/#", 2), NXD_MQTT_SUCCESS);
    app.wait_suback();
    for qos in 0..=2u32 {
        let payload = format!("payload at qos {qos}");
        assert_eq!(
            app.publish(&format!("netx/rt/{qos}"), payload.as_bytes(), qos),
            NXD_MQTT_SUCCESS
        );
    }
    assert!(app
        .rec
        .wait_until(Duration::from_secs(5), |s| s.messages.len() >= 3));
    std::thread::sleep(Duration::from_millis(200));
    let seen = app.rec.seen.lock().unwrap();
    let mut got: Vec<_> = seen.messages.clone();
    got.sort();
    assert_eq!(
        got,
        (0..=2)
            .map(|q| (
                format!("netx/rt/{q}").into_bytes(),
                format!("payload at qos {q}").into_bytes()
            ))
            .collect::<Vec<_>>()
    );
    // QoS 1 → PUBACK, QoS 2 → PUBREC and PUBCOMP reach the ack callback.
    let kinds: Vec<UINT> = seen.acks.iter().map(|(k, _)| *k).collect();
    assert!(
        kinds.contains(&MQTT_CONTROL_PACKET_TYPE_PUBACK),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&MQTT_CONTROL_PACKET_TYPE_PUBCOMP),
        "{kinds:?}"
    );
    drop(seen);

    assert_eq!(app.unsubscribe("netx/rt/#"), NXD_MQTT_SUCCESS);
    assert!(app.rec.wait_until(Duration::from_secs(5), |s| s
        .acks
        .iter()
        .any(|(k, _)| *k == MQTT_CONTROL_PACKET_TYPE_UNSUBACK)));
    assert_eq!(app.publish("netx/rt/after", b"x", 1), NXD_MQTT_SUCCESS);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        app.rec.seen.lock().unwrap().messages.len(),
        3,
        "unsubscribed topic delivered"
    );

    assert_eq!(app.disconnect(), NXD_MQTT_SUCCESS);
    assert_eq!(
        app.rec.seen.lock().unwrap().disconnects,
        1,
        "own disconnect notifies"
    );
    assert_eq!(app.client.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_IDLE);
    assert_eq!(app.disconnect(), NXD_MQTT_NOT_CONNECTED);
    assert_eq!(app.publish("netx/rt/x", b"x", 0), NXD_MQTT_NOT_CONNECTED);
}

#[test]
fn message_get_reports_needed_sizes_and_keeps_the_message() {
    let broker = Broker::start();
    let mut app = App::create("netx-msgget");
    app.rec
        .drain
        .store(false, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        app.connect(broker.port, 30, NX_TRUE, TICKS_5S),
        NXD_MQTT_SUCCESS
    );
    assert_eq!(app.subscribe("netx/mg/+", 1), NXD_MQTT_SUCCESS);
    app.wait_suback();
    let ptr = app.ptr();
    let (mut topic, mut msg) = ([0u8; 64], [0u8; 64]);
    let (mut tl, mut ml) = (77u32, 77u32);
    let st = unsafe {
        _nxde_mqtt_client_message_get(
            ptr,
            topic.as_mut_ptr(),
            64,
            &mut tl,
            msg.as_mut_ptr(),
            64,
            &mut ml,
        )
    };
    assert_eq!(st, NXD_MQTT_NO_MESSAGE);
    assert_eq!(
        app.publish("netx/mg/first", b"0123456789", 1),
        NXD_MQTT_SUCCESS
    );
    assert_eq!(app.publish("netx/mg/second", b"abc", 1), NXD_MQTT_SUCCESS);
    assert!(app
        .rec
        .wait_until(Duration::from_secs(5), |s| s.notify_counts.len() >= 2));
    assert_eq!(app.client.message_receive_queue_depth, 2);
    // Too small for the payload: sizes reported, message kept.
    let st = unsafe {
        _nxde_mqtt_client_message_get(
            ptr,
            topic.as_mut_ptr(),
            64,
            &mut tl,
            msg.as_mut_ptr(),
            4,
            &mut ml,
        )
    };
    assert_eq!(st, NXD_MQTT_INSUFFICIENT_BUFFER_SPACE);
    assert_eq!((tl, ml), (13, 10));
    // Too small for the topic.
    let st = unsafe {
        _nxde_mqtt_client_message_get(
            ptr,
            topic.as_mut_ptr(),
            3,
            &mut tl,
            msg.as_mut_ptr(),
            64,
            &mut ml,
        )
    };
    assert_eq!(st, NXD_MQTT_INSUFFICIENT_BUFFER_SPACE);
    assert_eq!((tl, ml), (13, 10));
    // Exactly big enough: oldest first, no terminator written past the data.
    let (mut topic, mut msg) = ([0xEEu8; 14], [0xEEu8; 11]);
    let st = unsafe {
        _nxde_mqtt_client_message_get(
            ptr,
            topic.as_mut_ptr(),
            13,
            &mut tl,
            msg.as_mut_ptr(),
            10,
            &mut ml,
        )
    };
    assert_eq!(st, NXD_MQTT_SUCCESS);
    assert_eq!(&topic[..13], b"netx/mg/first");
    assert_eq!(&msg[..10], b"0123456789");
    assert_eq!((topic[13], msg[10]), (0xEE, 0xEE));
    let (mut topic, mut msg) = ([0u8; 64], [0u8; 64]);
    let st = unsafe {
        _nxde_mqtt_client_message_get(
            ptr,
            topic.as_mut_ptr(),
            64,
            &mut tl,
            msg.as_mut_ptr(),
            64,
            &mut ml,
        )
    };
    assert_eq!(st, NXD_MQTT_SUCCESS);
    assert_eq!(
        (&topic[..tl as usize], &msg[..ml as usize]),
        (&b"netx/mg/second"[..], &b"abc"[..])
    );
    let st = unsafe {
        _nxde_mqtt_client_message_get(
            ptr,
            topic.as_mut_ptr(),
            64,
            &mut tl,
            msg.as_mut_ptr(),
            64,
            &mut ml,
        )
    };
    assert_eq!(st, NXD_MQTT_NO_MESSAGE);
    // The core variant accepts NULL length outputs.
    assert_eq!(app.publish("netx/mg/third", b"z", 0), NXD_MQTT_SUCCESS);
    assert!(app
        .rec
        .wait_until(Duration::from_secs(5), |s| s.notify_counts.len() >= 3));
    let st = unsafe {
        _nxd_mqtt_client_message_get(
            ptr,
            topic.as_mut_ptr(),
            64,
            core::ptr::null_mut(),
            msg.as_mut_ptr(),
            64,
            core::ptr::null_mut(),
        )
    };
    assert_eq!(st, NXD_MQTT_SUCCESS);
}

#[test]
fn nonblocking_connect_reports_through_connect_notify() {
    let broker = Broker::start();
    let mut app = App::create("netx-async");
    assert_eq!(
        app.connect(broker.port, 30, NX_TRUE, NX_NO_WAIT),
        NX_IN_PROGRESS
    );
    assert!(app
        .rec
        .wait_until(Duration::from_secs(5), |s| !s.connect_results.is_empty()));
    assert_eq!(
        app.rec.seen.lock().unwrap().connect_results,
        vec![NXD_MQTT_SUCCESS]
    );
    assert_eq!(
        app.client.nxd_mqtt_client_state,
        NXD_MQTT_CLIENT_STATE_CONNECTED
    );
    assert_eq!(app.publish("netx/async", b"ok", 1), NXD_MQTT_SUCCESS);
}

#[test]
fn connect_to_a_closed_port_fails() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let mut app = App::create("netx-refused-tcp");
    assert_eq!(
        app.connect(port, 30, NX_TRUE, TICKS_5S),
        NXD_MQTT_CONNECT_FAILURE
    );
    assert_eq!(app.client.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_IDLE);
}

/// A scripted broker: accepts one connection, reads the CONNECT, answers
/// with `connack`, then runs `after` on the stream.
fn scripted(
    connack: [u8; 4],
    after: impl FnOnce(std::net::TcpStream) + Send + 'static,
) -> (u16, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut head = [0u8; 2];
        s.read_exact(&mut head).unwrap();
        assert_eq!(head[0], 0x10, "expected CONNECT");
        let mut rest = vec![0u8; head[1] as usize];
        s.read_exact(&mut rest).unwrap();
        s.write_all(&connack).unwrap();
        after(s);
    });
    (port, handle)
}

#[test]
fn refused_connack_codes_map_to_nxd_errors() {
    for code in 1u8..=5 {
        let (port, peer) = scripted([0x20, 0x02, 0x00, code], |_| {});
        let mut app = App::create(&format!("netx-refused-{code}"));
        assert_eq!(
            app.connect(port, 30, NX_TRUE, TICKS_5S),
            NXD_MQTT_ERROR_CONNECT_RETURN_CODE + UINT::from(code)
        );
        assert_eq!(app.client.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_IDLE);
        peer.join().unwrap();
    }
}

#[test]
fn missing_pingresp_disconnects_after_the_ping_timeout() {
    let (port, peer) = scripted([0x20, 0x02, 0x00, 0x00], |mut s| {
        // Swallow PINGREQs without answering until the client hangs up.
        let mut buf = [0u8; 64];
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(8) {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    });
    let mut app = App::create("netx-pingtimeout");
    assert_eq!(app.connect(port, 1, NX_TRUE, TICKS_5S), NXD_MQTT_SUCCESS);
    let start = Instant::now();
    assert!(
        app.rec
            .wait_until(Duration::from_secs(6), |s| s.disconnects == 1),
        "no disconnect notify"
    );
    // Keep-alive 1 s, then the 1 s PINGRESP timeout.
    assert!(
        start.elapsed() >= Duration::from_millis(1500),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(app.client.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_IDLE);
    peer.join().unwrap();
}

#[test]
fn broker_dropping_the_connection_fires_disconnect_notify() {
    let broker = Broker::start();
    let mut first = App::create("netx-same-id");
    assert_eq!(
        first.connect(broker.port, 30, NX_TRUE, TICKS_5S),
        NXD_MQTT_SUCCESS
    );
    // A second client with the same id makes the broker drop the first.
    let mut second = App::create("netx-same-id");
    assert_eq!(
        second.connect(broker.port, 30, NX_TRUE, TICKS_5S),
        NXD_MQTT_SUCCESS
    );
    assert!(first
        .rec
        .wait_until(Duration::from_secs(5), |s| s.disconnects == 1));
    assert_eq!(
        first.client.nxd_mqtt_client_state,
        NXD_MQTT_CLIENT_STATE_IDLE
    );
    // The dropped client can connect again.
    drop(second);
    assert_eq!(
        first.connect(broker.port, 30, NX_TRUE, TICKS_5S),
        NXD_MQTT_SUCCESS
    );
}

#[test]
fn checking_symbols_reject_bad_parameters() {
    let mut app = App::create("netx-nxde");
    let p = app.ptr();
    let mut addr = ipv4(127, 0, 0, 1);
    let topic = b"t".as_ptr() as *mut CHAR;
    let mut buf = [0u8; 4];
    unsafe {
        assert_eq!(
            _nxde_mqtt_client_create(nul(), nul(), nul(), 0, nul(), nul(), nul(), 0, 0, nul(), 0),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxde_mqtt_client_connect(nul(), &mut addr, 1883, 0, 1, 0),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxde_mqtt_client_connect(p, nul(), 1883, 0, 1, 0),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxde_mqtt_client_connect(p, &mut addr, 0, 0, 1, 0),
            NX_INVALID_PORT
        );
        assert_eq!(
            _nxde_mqtt_client_publish(nul(), topic, 1, nul(), 0, 0, 0, 0),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxde_mqtt_client_publish(p, nul(), 1, nul(), 0, 0, 0, 0),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_publish(p, topic, 0, nul(), 0, 0, 0, 0),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_publish(p, topic, 1, topic, 0, 0, 0, 0),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_publish(p, topic, 1, nul(), 0, 0, 3, 0),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_subscribe(p, topic, 1, 3),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_subscribe(p, nul(), 1, 0),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_subscribe(nul(), topic, 1, 0),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxde_mqtt_client_unsubscribe(p, topic, 0),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_message_get(p, nul(), 0, nul(), buf.as_mut_ptr(), 4, nul()),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_message_get(
                nul(),
                buf.as_mut_ptr(),
                4,
                nul(),
                buf.as_mut_ptr(),
                4,
                nul()
            ),
            NX_PTR_ERROR
        );
        assert_eq!(_nxde_mqtt_client_receive_notify_set(p, None), NX_PTR_ERROR);
        assert_eq!(_nxde_mqtt_client_disconnect(nul()), NX_PTR_ERROR);
        assert_eq!(_nxde_mqtt_client_delete(nul()), NX_PTR_ERROR);
        assert_eq!(
            _nxde_mqtt_client_will_message_set(p, nul(), 0, nul(), 0, 0, 0),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_will_message_set(p, b"w".as_ptr(), 1, nul(), 0, 0, 3),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_login_set(nul(), nul(), 0, nul(), 0),
            NX_PTR_ERROR
        );
        // The core set refuses NULL too instead of crashing.
        assert_eq!(
            _nxd_mqtt_client_publish(nul(), topic, 1, nul(), 0, 0, 0, 0),
            NX_PTR_ERROR
        );
        assert_eq!(_nxd_mqtt_client_disconnect(nul()), NX_PTR_ERROR);
        // Not created: not running.
        let mut other: NXD_MQTT_CLIENT = core::mem::zeroed();
        assert_eq!(
            _nxd_mqtt_client_disconnect(&mut other),
            NXD_MQTT_CLIENT_NOT_RUNNING
        );
        // Not connected.
        assert_eq!(
            _nxd_mqtt_client_subscribe(p, topic, 1, 0),
            NXD_MQTT_NOT_CONNECTED
        );
        // Created twice.
        assert_eq!(
            _nxde_mqtt_client_create(
                p,
                nul(),
                topic,
                1,
                &mut *app.ip,
                &mut *app.pool,
                buf.as_mut_ptr().cast(),
                4,
                1,
                nul(),
                0
            ),
            NXD_MQTT_INVALID_STATE
        );
    }
}

fn nul<T>() -> *mut T {
    core::ptr::null_mut()
}

#[test]
fn keep_alive_pings_keep_an_idle_connection_up() {
    let broker = Broker::start();
    let mut app = App::create("netx-keepalive");
    assert_eq!(
        app.connect(broker.port, 1, NX_TRUE, TICKS_5S),
        NXD_MQTT_SUCCESS
    );
    assert_eq!(app.client.nxd_mqtt_keepalive, 1);
    // Mosquitto drops a client silent for 1.5 keep-alive periods: PINGREQ and
    // PINGRESP must flow for this to stay connected.
    std::thread::sleep(Duration::from_millis(3500));
    assert_eq!(
        app.rec.seen.lock().unwrap().disconnects,
        0,
        "{}",
        broker.log()
    );
    assert_eq!(
        app.client.nxd_mqtt_client_state,
        NXD_MQTT_CLIENT_STATE_CONNECTED
    );
    assert!(
        broker
            .log()
            .contains("Received PINGREQ from netx-keepalive"),
        "{}",
        broker.log()
    );
}

#[test]
fn ipv6_server_address() {
    let listener = TcpListener::bind("[::1]:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut head = [0u8; 2];
        s.read_exact(&mut head).unwrap();
        let mut rest = vec![0u8; head[1] as usize];
        s.read_exact(&mut rest).unwrap();
        s.write_all(&[0x20, 2, 0, 0]).unwrap();
        let mut buf = [0u8; 2];
        let _ = s.read(&mut buf);
    });
    let mut app = App::create("netx-ipv6");
    let mut addr = NXD_ADDRESS {
        nxd_ip_version: NX_IP_VERSION_V6,
        nxd_ip_address: NXD_ADDRESS_UNION { v6: [0, 0, 0, 1] },
    };
    let st = unsafe {
        _nxde_mqtt_client_connect(app.ptr(), &mut addr, port as UINT, 30, NX_TRUE, TICKS_5S)
    };
    assert_eq!(st, NXD_MQTT_SUCCESS);
    assert_eq!(app.disconnect(), NXD_MQTT_SUCCESS);
    peer.join().unwrap();
    // An unknown address version is a bad parameter.
    addr.nxd_ip_version = 5;
    let st = unsafe {
        _nxde_mqtt_client_connect(app.ptr(), &mut addr, port as UINT, 30, NX_TRUE, TICKS_5S)
    };
    assert_eq!(st, NXD_MQTT_INVALID_PARAMETER);
}

#[test]
fn nonblocking_connect_reports_a_refusal_through_connect_notify() {
    let (port, peer) = scripted([0x20, 0x02, 0x00, 0x05], |_| {});
    let mut app = App::create("netx-async-refused");
    assert_eq!(app.connect(port, 30, NX_TRUE, NX_NO_WAIT), NX_IN_PROGRESS);
    // A second connect while the first is under way.
    let second = app.connect(port, 30, NX_TRUE, NX_NO_WAIT);
    assert!(
        second == NXD_MQTT_CONNECTING || second == NX_IN_PROGRESS,
        "{second:#x}"
    );
    assert!(app
        .rec
        .wait_until(Duration::from_secs(5), |s| !s.connect_results.is_empty()));
    assert_eq!(
        app.rec.seen.lock().unwrap().connect_results[0],
        NXD_MQTT_ERROR_NOT_AUTHORIZED
    );
    peer.join().unwrap();
}

unsafe extern "C" fn disconnect_on_receive(client: *mut NXD_MQTT_CLIENT, _count: UINT) {
    // Calling back into the API from the client thread must not deadlock.
    let mut topic = [0u8; 64];
    let mut payload = [0u8; 64];
    let (mut tl, mut pl) = (0, 0);
    let st = unsafe {
        _nxde_mqtt_client_message_get(
            client,
            topic.as_mut_ptr(),
            64,
            &mut tl,
            payload.as_mut_ptr(),
            64,
            &mut pl,
        )
    };
    assert_eq!(st, NXD_MQTT_SUCCESS);
    assert_eq!(
        unsafe { _nxde_mqtt_client_disconnect(client) },
        NXD_MQTT_SUCCESS
    );
}

#[test]
fn callbacks_may_call_back_into_the_api() {
    let broker = Broker::start();
    let mut app = App::create("netx-reentrant");
    assert_eq!(
        app.connect(broker.port, 30, NX_TRUE, TICKS_5S),
        NXD_MQTT_SUCCESS
    );
    assert_eq!(app.subscribe("netx/reentrant", 1), NXD_MQTT_SUCCESS);
    app.wait_suback();
    unsafe { _nxde_mqtt_client_receive_notify_set(app.ptr(), Some(disconnect_on_receive)) };
    assert_eq!(app.publish("netx/reentrant", b"bye", 1), NXD_MQTT_SUCCESS);
    assert!(app
        .rec
        .wait_until(Duration::from_secs(5), |s| s.disconnects == 1));
    assert_eq!(app.client.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_IDLE);
}

static RECONNECT_PORT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
static RECONNECT_RESULT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(u32::MAX);

unsafe extern "C" fn reconnect_on_disconnect(client: *mut NXD_MQTT_CLIENT) {
    let mut addr = ipv4(127, 0, 0, 1);
    let port = RECONNECT_PORT.load(std::sync::atomic::Ordering::SeqCst);
    let st = unsafe { _nxde_mqtt_client_connect(client, &mut addr, port, 30, NX_TRUE, TICKS_5S) };
    RECONNECT_RESULT.store(st, std::sync::atomic::Ordering::SeqCst);
}

#[test]
fn blocking_connect_from_disconnect_notify_reconnects() {
    let broker = Broker::start();
    RECONNECT_PORT.store(UINT::from(broker.port), std::sync::atomic::Ordering::SeqCst);
    let mut first = App::create("netx-reconnect");
    assert_eq!(
        first.connect(broker.port, 30, NX_TRUE, TICKS_5S),
        NXD_MQTT_SUCCESS
    );
    unsafe { _nxde_mqtt_client_disconnect_notify_set(first.ptr(), Some(reconnect_on_disconnect)) };
    // Take the session over from another client: the broker drops `first`,
    // whose disconnect_notify (on its client thread) connects again.
    let mut second = App::create("netx-reconnect");
    assert_eq!(
        second.connect(broker.port, 30, NX_TRUE, TICKS_5S),
        NXD_MQTT_SUCCESS
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while RECONNECT_RESULT.load(std::sync::atomic::Ordering::SeqCst) == u32::MAX
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        RECONNECT_RESULT.load(std::sync::atomic::Ordering::SeqCst),
        NXD_MQTT_SUCCESS
    );
    // Stop the two from taking the id back and forth.
    unsafe { _nxde_mqtt_client_disconnect_notify_set(first.ptr(), None) };
    drop(second);
    assert_eq!(
        first.client.nxd_mqtt_client_state,
        NXD_MQTT_CLIENT_STATE_CONNECTED
    );
}

#[test]
fn delete_interrupts_a_connect_waiting_forever() {
    // A peer that accepts the TCP connection and never answers CONNECT.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 64];
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 {
                break;
            }
        }
    });
    let mut app = App::create("netx-delete-connecting");
    let client = app.ptr() as usize;
    let connecting = std::thread::spawn(move || {
        let mut addr = ipv4(127, 0, 0, 1);
        unsafe {
            _nxde_mqtt_client_connect(
                client as *mut NXD_MQTT_CLIENT,
                &mut addr,
                port as UINT,
                30,
                NX_TRUE,
                NX_WAIT_FOREVER,
            )
        }
    });
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        app.client.nxd_mqtt_client_state,
        NXD_MQTT_CLIENT_STATE_CONNECTING
    );
    let start = Instant::now();
    assert_eq!(
        unsafe { _nxde_mqtt_client_delete(app.ptr()) },
        NXD_MQTT_SUCCESS
    );
    let result = connecting.join().unwrap();
    assert_ne!(result, NXD_MQTT_SUCCESS);
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    peer.join().unwrap();
}

#[test]
fn calls_during_a_slow_connect_answer_at_once() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 64];
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 {
                break;
            }
        }
    });
    let mut app = App::create("netx-slow-connect");
    assert_eq!(app.connect(port, 30, NX_TRUE, NX_NO_WAIT), NX_IN_PROGRESS);
    std::thread::sleep(Duration::from_millis(300));
    let start = Instant::now();
    assert_eq!(app.publish("netx/slow", b"x", 1), NXD_MQTT_NOT_CONNECTED);
    assert_eq!(app.subscribe("netx/slow", 1), NXD_MQTT_NOT_CONNECTED);
    assert_eq!(
        app.connect(port, 30, NX_TRUE, TICKS_5S),
        NXD_MQTT_CONNECTING
    );
    // disconnect aborts the attempt, which reports its failure.
    assert_eq!(app.disconnect(), NXD_MQTT_SUCCESS);
    assert!(
        start.elapsed() < Duration::from_millis(500),
        "{:?}",
        start.elapsed()
    );
    assert!(app
        .rec
        .wait_until(Duration::from_secs(2), |s| !s.connect_results.is_empty()));
    assert_ne!(
        app.rec.seen.lock().unwrap().connect_results[0],
        NXD_MQTT_SUCCESS
    );
    assert_eq!(app.client.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_IDLE);
    peer.join().unwrap();
}
