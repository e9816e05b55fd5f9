//! The test harness itself: a real broker starts, speaks MQTT on its plain
//! port, and its TLS port refuses anything that is not TLS.

mod common;

use common::{Broker, BrokerOptions};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

#[test]
fn plain_port_answers_connect_with_connack_accepted() {
    let broker = Broker::start();
    let mut stream = TcpStream::connect(broker.addr()).expect("plain port refused");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    // CONNECT, MQTT 3.1.1 §3.1: "MQTT" level 4, clean session, keep alive 60,
    // client id "harness".
    let connect: [u8; 21] = [
        0x10, 19, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x02, 0x00, 60, 0x00, 0x07, b'h', b'a',
        b'r', b'n', b'e', b's', b's',
    ];
    assert_eq!(&connect[..], &common::connect_packet("harness")[..]);
    stream.write_all(&connect).unwrap();
    let mut connack = [0u8; 4];
    stream
        .read_exact(&mut connack)
        .unwrap_or_else(|e| panic!("no CONNACK ({e}); broker log:\n{}", broker.log()));
    // CONNACK §3.2: no session present, return code 0 (accepted).
    assert_eq!(connack, [0x20, 0x02, 0x00, 0x00]);
    stream.write_all(&common::DISCONNECT).unwrap();
}

#[test]
fn tls_port_does_not_answer_plain_mqtt() {
    let broker = Broker::start();
    let mut stream = TcpStream::connect(broker.tls_addr()).expect("TLS port refused");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .write_all(&common::connect_packet("plain-on-tls"))
        .unwrap();
    let mut reply = Vec::new();
    // The broker sees a malformed TLS record and closes (possibly after an
    // alert); either way no CONNACK comes back.
    let _ = stream.read_to_end(&mut reply);
    assert!(
        !reply.starts_with(&[0x20, 0x02]),
        "TLS port answered plain MQTT: {reply:02x?}"
    );
    if let Some(&first) = reply.first() {
        assert_eq!(
            first, 0x15,
            "only a TLS alert record may come back: {reply:02x?}"
        );
    }
}

#[test]
fn pki_files_exist_in_every_form() {
    let broker = Broker::start();
    for path in [
        &broker.ca,
        &broker.ca_der,
        &broker.client_cert,
        &broker.client_cert_der,
        &broker.client_key,
        &broker.client_key_der,
    ] {
        assert!(
            !common::read(path).is_empty(),
            "{} is empty",
            path.display()
        );
    }
    assert!(broker.ca_pem().starts_with(b"-----BEGIN CERTIFICATE-----"));
    assert!(broker
        .client_key_pem()
        .starts_with(b"-----BEGIN PRIVATE KEY-----"));
    // RFC 5915 ECPrivateKey: SEQUENCE { INTEGER 1, ... }.
    assert_eq!(&common::read(&broker.client_key_der)[..2], &[0x30, 0x77]);
}

#[test]
fn broker_stops_on_drop_and_restart_keeps_ports() {
    let mut broker = Broker::start_with(BrokerOptions {
        persist: true,
        ..BrokerOptions::default()
    });
    let (port, first_pid) = (broker.port, broker.pid);
    broker.restart();
    assert_ne!(broker.pid, first_pid);
    assert_eq!(broker.port, port);
    let mut stream = TcpStream::connect(broker.addr()).expect("restarted broker refused");
    assert_eq!(
        common::raw_connect(&mut stream, "after-restart", Duration::from_secs(5)),
        Some(0)
    );
    drop(stream);
    let addr = broker.addr();
    drop(broker);
    assert!(
        TcpStream::connect(addr).is_err(),
        "broker still listening after drop"
    );
}

#[test]
fn persistent_broker_keeps_sessions_across_restart() {
    let mut broker = Broker::start_with(BrokerOptions {
        persist: true,
        ..BrokerOptions::default()
    });
    let timeout = Duration::from_secs(5);
    let mut stream = TcpStream::connect(broker.addr()).unwrap();
    // First connection with clean session 0: a new session.
    assert_eq!(
        common::raw_connect_with(&mut stream, "persisted", false, timeout),
        Some((0, false))
    );
    stream.write_all(&common::DISCONNECT).unwrap();
    drop(stream);
    broker.restart();
    let mut stream = TcpStream::connect(broker.addr()).unwrap();
    assert_eq!(
        common::raw_connect_with(&mut stream, "persisted", false, timeout),
        Some((0, true)),
        "session not restored; broker log:\n{}",
        broker.log()
    );
}

#[test]
fn sessions_do_not_survive_restart_without_persistence() {
    let mut broker = Broker::start();
    let timeout = Duration::from_secs(5);
    let mut stream = TcpStream::connect(broker.addr()).unwrap();
    assert_eq!(
        common::raw_connect_with(&mut stream, "volatile", false, timeout),
        Some((0, false))
    );
    stream.write_all(&common::DISCONNECT).unwrap();
    drop(stream);
    broker.restart();
    let mut stream = TcpStream::connect(broker.addr()).unwrap();
    assert_eq!(
        common::raw_connect_with(&mut stream, "volatile", false, timeout),
        Some((0, false))
    );
}
