//! NetX client behaviour beyond the basic calls: many threads at once, the
//! bounded receive queue with TCP backpressure, resending after a session
//! resumes, and what login and will put on the wire.

mod common;
#[path = "netx/harness.rs"]
mod harness;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::Broker;
use harness::*;
use rsmqtt::netx::api::*;
use rsmqtt::netx::client_block::*;
use rsmqtt::netx::nx_types::*;
use rsmqtt::netx::threadx::*;

const TICKS_5S: ULONG = 5 * NX_IP_PERIODIC_RATE;

#[test]
fn eight_threads_publish_at_once_and_every_message_arrives_once() {
    const THREADS: usize = 8;
    const EACH: usize = 100;
    let broker = Broker::start();
    let mut app = App::create("netx-stress");
    assert_eq!(
        app.connect(broker.port, 30, NX_TRUE, TICKS_5S),
        NXD_MQTT_SUCCESS
    );
    assert_eq!(app.subscribe("netx/stress/#", 2), NXD_MQTT_SUCCESS);
    app.wait_suback();
    let mut observer = App::create("netx-stress-observer");
    assert_eq!(
        observer.connect(broker.port, 30, NX_TRUE, TICKS_5S),
        NXD_MQTT_SUCCESS
    );
    assert_eq!(observer.subscribe("netx/stress/#", 2), NXD_MQTT_SUCCESS);
    observer.wait_suback();
    let client = app.ptr() as usize;
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..EACH {
                    let topic = format!("netx/stress/{t}");
                    let payload = format!("{t}-{i}");
                    let qos = (i % 3) as UINT;
                    let st = unsafe {
                        _nxde_mqtt_client_publish(
                            client as *mut NXD_MQTT_CLIENT,
                            topic.as_ptr() as *mut CHAR,
                            topic.len() as UINT,
                            payload.as_ptr() as *mut CHAR,
                            payload.len() as UINT,
                            0,
                            qos,
                            NX_WAIT_FOREVER,
                        )
                    };
                    assert_eq!(st, NXD_MQTT_SUCCESS, "thread {t} message {i}");
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    if !app.rec.wait_until(Duration::from_secs(20), |s| {
        s.messages.len() >= THREADS * EACH
    }) {
        let seen = app.rec.seen.lock().unwrap();
        let got: std::collections::HashSet<Vec<u8>> =
            seen.messages.iter().map(|(_, p)| p.clone()).collect();
        let missing: Vec<String> = (0..THREADS)
            .flat_map(|t| (0..EACH).map(move |i| format!("{t}-{i}")))
            .filter(|m| !got.contains(m.as_bytes()))
            .collect();
        let obs: std::collections::HashSet<Vec<u8>> = observer
            .rec
            .seen
            .lock()
            .unwrap()
            .messages
            .iter()
            .map(|(_, p)| p.clone())
            .collect();
        let missing_text = format!(
            "{missing:?} observer has {} / missing ones in observer: {:?}",
            obs.len(),
            missing
                .iter()
                .filter(|m| obs.contains(m.as_bytes()))
                .count()
        );
        drop(seen);
        panic!("missing {missing_text}");
    }
    std::thread::sleep(Duration::from_millis(300));
    let seen = app.rec.seen.lock().unwrap();
    let mut count: HashMap<Vec<u8>, usize> = HashMap::new();
    for (topic, payload) in &seen.messages {
        let text = String::from_utf8(payload.clone()).unwrap();
        let t = text.split('-').next().unwrap();
        assert_eq!(topic, format!("netx/stress/{t}").as_bytes());
        *count.entry(payload.clone()).or_default() += 1;
    }
    assert_eq!(count.len(), THREADS * EACH);
    assert!(count.values().all(|n| *n == 1), "duplicates delivered");
    // Per publisher and QoS, messages keep their order (MQTT 3.1.1 4.6).
    for t in 0..THREADS {
        for qos in 0..3 {
            let order: Vec<usize> = seen
                .messages
                .iter()
                .filter(|(topic, _)| topic == format!("netx/stress/{t}").as_bytes())
                .map(|(_, p)| {
                    String::from_utf8_lossy(p)
                        .split('-')
                        .nth(1)
                        .unwrap()
                        .parse()
                        .unwrap()
                })
                .filter(|i: &usize| i % 3 == qos)
                .collect();
            assert!(
                order.windows(2).all(|w| w[0] < w[1]),
                "thread {t} QoS {qos} out of order"
            );
        }
    }
    drop(seen);
    // A second subscriber saw the same traffic.
    assert!(observer
        .rec
        .wait_until(Duration::from_secs(10), |s| s.messages.len()
            == THREADS * EACH));
}

#[test]
fn full_receive_queue_pauses_reading_instead_of_dropping() {
    const COUNT: usize = 30;
    let broker = Broker::start();
    let mut app = App::create("netx-backpressure");
    app.rec.drain.store(false, Ordering::SeqCst);
    assert_eq!(
        unsafe { rsmqtt_nxd_mqtt_client_receive_queue_limit_set(app.ptr(), 0) },
        NXD_MQTT_INVALID_PARAMETER
    );
    assert_eq!(
        unsafe { rsmqtt_nxd_mqtt_client_receive_queue_limit_set(app.ptr(), 3) },
        NXD_MQTT_SUCCESS
    );
    assert_eq!(
        app.connect(broker.port, 30, NX_TRUE, TICKS_5S),
        NXD_MQTT_SUCCESS
    );
    assert_eq!(app.subscribe("netx/bp", 1), NXD_MQTT_SUCCESS);
    app.wait_suback();
    let mut sender = App::create("netx-backpressure-sender");
    assert_eq!(
        sender.connect(broker.port, 30, NX_TRUE, TICKS_5S),
        NXD_MQTT_SUCCESS
    );
    for i in 0..COUNT {
        assert_eq!(
            sender.publish("netx/bp", format!("{i}").as_bytes(), 1),
            NXD_MQTT_SUCCESS
        );
    }
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        app.client.message_receive_queue_depth, 3,
        "the queue holds exactly its bound"
    );
    // Drain slowly: everything arrives, in order, nothing dropped.
    let mut got = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while got.len() < COUNT && Instant::now() < deadline {
        let (mut t, mut p) = ([0u8; 32], [0u8; 32]);
        let (mut tl, mut pl) = (0, 0);
        let st = unsafe {
            _nxde_mqtt_client_message_get(
                app.ptr(),
                t.as_mut_ptr(),
                32,
                &mut tl,
                p.as_mut_ptr(),
                32,
                &mut pl,
            )
        };
        match st {
            NXD_MQTT_SUCCESS => {
                assert!(app.client.message_receive_queue_depth <= 3);
                got.push(
                    String::from_utf8_lossy(&p[..pl as usize])
                        .parse::<usize>()
                        .unwrap(),
                );
            }
            NXD_MQTT_NO_MESSAGE => std::thread::sleep(Duration::from_millis(10)),
            other => panic!("message_get: {other:#x}"),
        }
    }
    assert_eq!(got, (0..COUNT).collect::<Vec<_>>());
    assert_eq!(
        app.client.nxd_mqtt_client_state,
        NXD_MQTT_CLIENT_STATE_CONNECTED
    );
}

/// Reads one MQTT packet: (first byte, body).
fn read_packet(s: &mut TcpStream) -> (u8, Vec<u8>) {
    try_read_packet(s).expect("the client closed the connection early")
}

/// Reads one MQTT packet, or `None` at the end of the stream.
fn try_read_packet(s: &mut TcpStream) -> Option<(u8, Vec<u8>)> {
    let mut first = [0u8; 1];
    s.read_exact(&mut first).ok()?;
    let (mut len, mut shift) = (0usize, 0);
    loop {
        let mut b = [0u8; 1];
        s.read_exact(&mut b).ok()?;
        len |= usize::from(b[0] & 0x7F) << shift;
        shift += 7;
        if b[0] & 0x80 == 0 {
            break;
        }
    }
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).ok()?;
    Some((first[0], body))
}

/// Splits a length-prefixed field off `data`.
fn field(data: &mut &[u8]) -> Vec<u8> {
    let len = usize::from(u16::from_be_bytes([data[0], data[1]]));
    let out = data[2..2 + len].to_vec();
    *data = &data[2 + len..];
    out
}

#[test]
fn login_and_will_at_qos2_go_into_connect() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let (kind, body) = read_packet(&mut s);
        assert_eq!(kind, 0x10);
        s.write_all(&[0x20, 2, 0, 0]).unwrap();
        body
    });
    let mut app = App::create("netx-login");
    let (user, pass) = (b"alice".to_vec(), b"s3cret".to_vec());
    let (topic, message) = (b"netx/will".to_vec(), b"gone".to_vec());
    unsafe {
        assert_eq!(
            _nxde_mqtt_client_login_set(
                app.ptr(),
                user.as_ptr() as *mut CHAR,
                5,
                pass.as_ptr() as *mut CHAR,
                6
            ),
            NXD_MQTT_SUCCESS
        );
        assert_eq!(
            _nxde_mqtt_client_will_message_set(
                app.ptr(),
                topic.as_ptr(),
                9,
                message.as_ptr(),
                4,
                NX_TRUE,
                2
            ),
            NXD_MQTT_SUCCESS
        );
    }
    // The settings were copied: the application's buffers may change.
    drop((user, pass, topic, message));
    assert_eq!(app.connect(port, 42, NX_TRUE, TICKS_5S), NXD_MQTT_SUCCESS);
    let body = peer.join().unwrap();
    // Variable header: "MQTT", level 4, flags, keep-alive.
    assert_eq!(&body[..7], &[0, 4, b'M', b'Q', b'T', b'T', 4]);
    let flags = body[7];
    assert_eq!(flags & 0x80, 0x80, "user name flag");
    assert_eq!(flags & 0x40, 0x40, "password flag");
    assert_eq!(flags & 0x20, 0x20, "will retain");
    assert_eq!((flags >> 3) & 3, 2, "will QoS 2");
    assert_eq!(flags & 0x04, 0x04, "will flag");
    assert_eq!(flags & 0x02, 0x02, "clean session");
    assert_eq!(u16::from_be_bytes([body[8], body[9]]), 42);
    let mut rest = &body[10..];
    assert_eq!(field(&mut rest), b"netx-login");
    assert_eq!(field(&mut rest), b"netx/will");
    assert_eq!(field(&mut rest), b"gone");
    assert_eq!(field(&mut rest), b"alice");
    assert_eq!(field(&mut rest), b"s3cret");
    assert!(rest.is_empty());
}

#[test]
fn unacknowledged_qos1_publish_is_resent_after_resuming_the_session() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || {
        // First connection: take the PUBLISH, never acknowledge, hang up.
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let (kind, body) = read_packet(&mut s);
        assert_eq!(kind, 0x10);
        assert_eq!(body[7] & 0x02, 0, "clean session off");
        s.write_all(&[0x20, 2, 0, 0]).unwrap();
        let (first, publish) = read_packet(&mut s);
        assert_eq!(first & 0xF6, 0x32, "QoS 1 PUBLISH: {first:#x}");
        drop(s);
        // Second connection: session present, the PUBLISH comes again.
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let (kind, _) = read_packet(&mut s);
        assert_eq!(kind, 0x10);
        s.write_all(&[0x20, 2, 1, 0]).unwrap();
        let (again_first, again) = read_packet(&mut s);
        assert_eq!(
            again_first & 0xF6,
            0x32,
            "QoS 1 PUBLISH again: {again_first:#x}"
        );
        assert_eq!(again_first & 0x08, 0x08, "DUP set on the resend");
        assert_eq!(again, publish, "same topic, packet id and payload");
        // Acknowledge it now.
        let mut rest = &again[..];
        let _topic = field(&mut rest);
        s.write_all(&[0x40, 2, rest[0], rest[1]]).unwrap();
        std::thread::sleep(Duration::from_millis(300));
        u16::from_be_bytes([rest[0], rest[1]])
    });
    let mut app = App::create("netx-resend");
    assert_eq!(app.connect(port, 30, NX_FALSE, TICKS_5S), NXD_MQTT_SUCCESS);
    assert_eq!(app.publish("netx/resend", b"keep me", 1), NXD_MQTT_SUCCESS);
    assert!(app
        .rec
        .wait_until(Duration::from_secs(5), |s| s.disconnects == 1));
    assert_eq!(app.connect(port, 30, NX_FALSE, TICKS_5S), NXD_MQTT_SUCCESS);
    let id = peer.join().unwrap();
    assert!(app.rec.wait_until(Duration::from_secs(5), |s| s
        .acks
        .contains(&(MQTT_CONTROL_PACKET_TYPE_PUBACK, id))));
}

#[test]
fn delete_releases_a_connected_client_and_allows_reuse_of_the_block() {
    let broker = Broker::start();
    let mut app = App::create("netx-delete");
    assert_eq!(
        app.connect(broker.port, 30, NX_TRUE, TICKS_5S),
        NXD_MQTT_SUCCESS
    );
    let ptr = app.ptr();
    assert_eq!(unsafe { _nxde_mqtt_client_delete(ptr) }, NXD_MQTT_SUCCESS);
    assert_eq!(
        app.rec.seen.lock().unwrap().disconnects,
        1,
        "delete disconnects with a notification"
    );
    assert_eq!(
        unsafe { _nxde_mqtt_client_delete(ptr) },
        NXD_MQTT_CLIENT_NOT_RUNNING
    );
    assert_eq!(app.publish("x", b"y", 0), NXD_MQTT_CLIENT_NOT_RUNNING);
    // The same block can hold a new client.
    let again = unsafe {
        _nxde_mqtt_client_create(
            ptr,
            core::ptr::null_mut(),
            app.id.as_mut_ptr() as *mut CHAR,
            app.id.len() as UINT,
            &mut *app.ip,
            &mut *app.pool,
            app.stack.as_mut_ptr().cast(),
            4096,
            1,
            core::ptr::null_mut(),
            0,
        )
    };
    assert_eq!(again, NXD_MQTT_SUCCESS);
    assert_eq!(
        app.connect(broker.port, 30, NX_TRUE, TICKS_5S),
        NXD_MQTT_SUCCESS
    );
}

#[test]
fn qos2_pubrel_is_resent_after_resuming_the_session() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || {
        // First connection: PUBLISH, PUBREC, PUBREL, then hang up before
        // PUBCOMP.
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        assert_eq!(read_packet(&mut s).0, 0x10);
        s.write_all(&[0x20, 2, 0, 0]).unwrap();
        let (first, publish) = read_packet(&mut s);
        assert_eq!(first & 0xF6, 0x34, "QoS 2 PUBLISH: {first:#x}");
        let mut rest = &publish[..];
        assert_eq!(field(&mut rest), b"netx/q2");
        let id = [rest[0], rest[1]];
        s.write_all(&[0x50, 2, id[0], id[1]]).unwrap();
        assert_eq!(read_packet(&mut s), (0x62, id.to_vec()), "PUBREL");
        drop(s);
        // Second connection: the PUBREL comes again, then PUBCOMP ends it.
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        assert_eq!(read_packet(&mut s).0, 0x10);
        s.write_all(&[0x20, 2, 1, 0]).unwrap();
        assert_eq!(read_packet(&mut s), (0x62, id.to_vec()), "PUBREL resent");
        s.write_all(&[0x70, 2, id[0], id[1]]).unwrap();
        std::thread::sleep(Duration::from_millis(300));
        u16::from_be_bytes(id)
    });
    let mut app = App::create("netx-q2-resend");
    assert_eq!(app.connect(port, 30, NX_FALSE, TICKS_5S), NXD_MQTT_SUCCESS);
    assert_eq!(app.publish("netx/q2", b"exactly once", 2), NXD_MQTT_SUCCESS);
    assert!(app
        .rec
        .wait_until(Duration::from_secs(5), |s| s.disconnects == 1));
    assert_eq!(app.connect(port, 30, NX_FALSE, TICKS_5S), NXD_MQTT_SUCCESS);
    let id = peer.join().unwrap();
    assert!(app.rec.wait_until(Duration::from_secs(5), |s| s
        .acks
        .contains(&(MQTT_CONTROL_PACKET_TYPE_PUBCOMP, id))));
}

#[test]
fn inflight_window_makes_publish_wait_up_to_its_wait_option() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || {
        // Accept everything, acknowledge nothing.
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        assert_eq!(read_packet(&mut s).0, 0x10);
        s.write_all(&[0x20, 2, 0, 0]).unwrap();
        let mut publishes = Vec::new();
        while let Some((first, _)) = try_read_packet(&mut s) {
            if first & 0xF0 == 0x30 {
                publishes.push((first >> 1) & 3);
            }
        }
        publishes
    });
    let mut app = App::create("netx-window");
    let p = app.ptr();
    assert_eq!(
        unsafe { rsmqtt_nxd_mqtt_client_inflight_limit_set(p, 0) },
        NXD_MQTT_INVALID_PARAMETER
    );
    assert_eq!(
        unsafe { rsmqtt_nxd_mqtt_client_inflight_limit_set(p, 2) },
        NXD_MQTT_SUCCESS
    );
    assert_eq!(app.connect(port, 30, NX_TRUE, TICKS_5S), NXD_MQTT_SUCCESS);
    let topic = "netx/window";
    let publish = |wait: ULONG| unsafe {
        _nxde_mqtt_client_publish(
            p,
            topic.as_ptr() as *mut CHAR,
            topic.len() as UINT,
            b"x".as_ptr() as *mut CHAR,
            1,
            0,
            1,
            wait,
        )
    };
    assert_eq!(publish(NX_NO_WAIT), NXD_MQTT_SUCCESS);
    assert_eq!(publish(NX_NO_WAIT), NXD_MQTT_SUCCESS);
    // The window is full: no wait fails at once, a wait of 20 ticks after
    // about 200 ms.
    assert_eq!(publish(NX_NO_WAIT), NXD_MQTT_PACKET_POOL_EMPTY);
    let start = Instant::now();
    assert_eq!(publish(20), NXD_MQTT_PACKET_POOL_EMPTY);
    assert!(
        start.elapsed() >= Duration::from_millis(190),
        "{:?}",
        start.elapsed()
    );
    // QoS 0 is not limited.
    assert_eq!(app.publish(topic, b"q0", 0), NXD_MQTT_SUCCESS);
    app.disconnect();
    // Exactly the two QoS 1 and the QoS 0 PUBLISH reached the peer.
    assert_eq!(peer.join().unwrap(), vec![1, 1, 0]);
}

#[test]
fn broker_publishes_the_will_when_the_session_is_taken_over() {
    let broker = Broker::start();
    let mut watcher = App::create("netx-will-watcher");
    assert_eq!(
        watcher.connect(broker.port, 30, NX_TRUE, TICKS_5S),
        NXD_MQTT_SUCCESS
    );
    assert_eq!(watcher.subscribe("netx/will/+", 2), NXD_MQTT_SUCCESS);
    watcher.wait_suback();
    let mut app = App::create("netx-will");
    let (topic, message) = (b"netx/will/gone", b"lost at qos 2");
    let st = unsafe {
        _nxde_mqtt_client_will_message_set(
            app.ptr(),
            topic.as_ptr(),
            topic.len() as UINT,
            message.as_ptr(),
            message.len() as UINT,
            NX_FALSE,
            2,
        )
    };
    assert_eq!(st, NXD_MQTT_SUCCESS);
    assert_eq!(
        app.connect(broker.port, 30, NX_TRUE, TICKS_5S),
        NXD_MQTT_SUCCESS
    );
    let mut thief = App::create("netx-will");
    assert_eq!(
        thief.connect(broker.port, 30, NX_TRUE, TICKS_5S),
        NXD_MQTT_SUCCESS
    );
    assert!(
        watcher
            .rec
            .wait_until(Duration::from_secs(5), |s| !s.messages.is_empty()),
        "{}",
        broker.log()
    );
    assert_eq!(
        watcher.rec.seen.lock().unwrap().messages,
        vec![(topic.to_vec(), message.to_vec())]
    );
}

/// Ends `s` with a TCP reset (SO_LINGER 0) instead of an orderly close.
fn reset(s: TcpStream) {
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket and a linger struct of the size passed.
    let rc = unsafe {
        libc::setsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0, "SO_LINGER");
    drop(s);
}

/// A listener whose accepted sockets have a tiny receive buffer, so a large
/// PUBLISH cannot vanish into kernel buffers: its sender is still writing
/// when the peer resets the connection.
fn small_window_listener() -> TcpListener {
    use std::os::fd::AsRawFd;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let size: libc::c_int = 4096;
    // SAFETY: a valid socket and an int option of the size passed.
    let rc = unsafe {
        libc::setsockopt(
            listener.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            (&size as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0, "SO_RCVBUF");
    listener
}

/// The broker's side of completing packet `id` at `qos` (PUBACK, or PUBREC,
/// PUBREL, PUBCOMP).
fn complete_exchange(s: &mut TcpStream, qos: u8, id: [u8; 2]) {
    if qos == 1 {
        s.write_all(&[0x40, 2, id[0], id[1]]).unwrap();
    } else {
        s.write_all(&[0x50, 2, id[0], id[1]]).unwrap();
        assert_eq!(read_packet(s), (0x62, id.to_vec()), "PUBREL");
        s.write_all(&[0x70, 2, id[0], id[1]]).unwrap();
    }
}

/// Issue 13 through the NetX face: a QoS `qos` publish whose send is cut by
/// a connection reset partway through. After the application reconnects
/// with the session kept, the stored copy goes out again with DUP; the
/// broker's acknowledgement of that copy completes it, the connection stays
/// up and the next publish completes too (before the fix the
/// acknowledgement failed the client loop, which dropped the connection, and
/// every reconnect repeated it).
fn publish_cut_by_a_reset_completes_after_reconnect(qos: u8) {
    const BIG: usize = 8 << 20;
    let listener = small_window_listener();
    let port = listener.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let (kind, body) = read_packet(&mut s);
        assert_eq!(kind, 0x10);
        assert_eq!(body[7] & 0x02, 0, "clean session off");
        s.write_all(&[0x20, 2, 0, 0]).unwrap();
        // The first 64 bytes of the PUBLISH, then a reset.
        let mut head = [0u8; 64];
        s.read_exact(&mut head).unwrap();
        assert_eq!(head[0] & 0xF6, 0x30 | (qos << 1), "PUBLISH: {:#x}", head[0]);
        reset(s);

        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let (kind, body) = read_packet(&mut s);
        assert_eq!(kind, 0x10);
        assert_eq!(body[7] & 0x02, 0, "clean session off");
        s.write_all(&[0x20, 2, 1, 0]).unwrap();
        let (first, again) = read_packet(&mut s);
        assert_eq!(first, 0x38 | (qos << 1), "the stored copy with DUP");
        let mut rest = &again[..];
        assert_eq!(field(&mut rest), b"netx/cut");
        let id = [rest[0], rest[1]];
        assert_eq!(rest.len(), 2 + BIG, "the whole payload");
        assert!(rest[2..].iter().all(|&b| b == 0x5A));
        complete_exchange(&mut s, qos, id);

        // The session goes on: the next publish arrives once and completes.
        let (first, next) = read_packet(&mut s);
        assert_eq!(first, 0x30 | (qos << 1), "the next PUBLISH, no DUP");
        let mut rest = &next[..];
        assert_eq!(field(&mut rest), b"netx/cut");
        let next_id = [rest[0], rest[1]];
        assert_eq!(&rest[2..], b"next");
        complete_exchange(&mut s, qos, next_id);
        // Nothing else may follow (no third copy of either publish).
        s.set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        let mut extra = [0u8; 1];
        let after = s.read(&mut extra);
        assert!(
            matches!(&after, Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)),
            "unexpected bytes or close after the exchanges: {after:?} {extra:?}"
        );
        (u16::from_be_bytes(id), u16::from_be_bytes(next_id), s)
    });

    let mut app = App::create(&format!("netx-cut-q{qos}"));
    assert_eq!(app.connect(port, 30, NX_FALSE, TICKS_5S), NXD_MQTT_SUCCESS);
    let big = vec![0x5Au8; BIG];
    assert_eq!(
        app.publish("netx/cut", &big, UINT::from(qos)),
        NXD_MQTT_COMMUNICATION_FAILURE,
        "the reset cuts the send"
    );
    assert!(app
        .rec
        .wait_until(Duration::from_secs(5), |s| s.disconnects == 1));
    // What a NetX application does after disconnect_notify.
    assert_eq!(app.connect(port, 30, NX_FALSE, TICKS_5S), NXD_MQTT_SUCCESS);
    let done = if qos == 1 {
        MQTT_CONTROL_PACKET_TYPE_PUBACK
    } else {
        MQTT_CONTROL_PACKET_TYPE_PUBCOMP
    };
    assert!(
        app.rec.wait_until(Duration::from_secs(5), |s| s
            .acks
            .iter()
            .any(|(k, _)| *k == done)),
        "the resent publish was not completed: {:?}",
        app.rec.seen.lock().unwrap()
    );
    assert_eq!(
        app.publish("netx/cut", b"next", UINT::from(qos)),
        NXD_MQTT_SUCCESS
    );
    let (id, next_id, _socket) = peer.join().unwrap();
    assert!(app.rec.wait_until(Duration::from_secs(5), |s| s
        .acks
        .contains(&(done, next_id))));
    let seen = app.rec.seen.lock().unwrap();
    assert!(seen.acks.contains(&(done, id)));
    assert_eq!(seen.disconnects, 1, "the connection stayed up");
    drop(seen);
    assert_eq!(
        app.client.nxd_mqtt_client_state,
        NXD_MQTT_CLIENT_STATE_CONNECTED
    );
}

#[test]
fn qos1_publish_cut_by_a_reset_is_acknowledged_after_reconnect() {
    publish_cut_by_a_reset_completes_after_reconnect(1);
}

#[test]
fn qos2_publish_cut_by_a_reset_completes_once_after_reconnect() {
    publish_cut_by_a_reset_completes_after_reconnect(2);
}

/// A broker that accepts the connection, sends `bytes` and then closes (or
/// keeps the socket open until the client hangs up, with `close` false).
fn broker_sending(bytes: Vec<u8>, close: bool) -> (u16, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let (kind, _) = read_packet(&mut s);
        assert_eq!(kind, 0x10);
        s.write_all(&[0x20, 2, 0, 0]).unwrap();
        s.write_all(&bytes).unwrap();
        if !close {
            // The client must end the connection itself.
            while try_read_packet(&mut s).is_some() {}
        }
    });
    (port, peer)
}

#[test]
fn publish_with_an_invalid_utf8_topic_ends_the_connection_undelivered() {
    // Topic "a\xFFb" is not UTF-8 (MQTT 3.1.1 1.5.3): a protocol violation,
    // so the client drops the connection and delivers nothing.
    let (port, peer) = broker_sending(
        vec![0x30, 8, 0, 3, b'a', 0xFF, b'b', b'x', b'y', b'z'],
        false,
    );
    let mut app = App::create("netx-utf8");
    assert_eq!(app.connect(port, 30, NX_TRUE, TICKS_5S), NXD_MQTT_SUCCESS);
    assert!(app
        .rec
        .wait_until(Duration::from_secs(5), |s| s.disconnects == 1));
    peer.join().unwrap();
    assert!(app.rec.seen.lock().unwrap().messages.is_empty());
    assert_eq!(app.client.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_IDLE);
}

#[test]
fn truncated_packet_then_close_ends_the_connection_undelivered() {
    // A PUBLISH announcing 20 bytes, of which 6 arrive before the close.
    let (port, peer) = broker_sending(vec![0x30, 20, 0, 3, b'a', b'b'], true);
    let mut app = App::create("netx-cut");
    assert_eq!(app.connect(port, 30, NX_TRUE, TICKS_5S), NXD_MQTT_SUCCESS);
    assert!(app
        .rec
        .wait_until(Duration::from_secs(5), |s| s.disconnects == 1));
    peer.join().unwrap();
    assert!(app.rec.seen.lock().unwrap().messages.is_empty());
    assert_eq!(app.client.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_IDLE);
}
