//! `TlsSession::handshake`: the TLS session over a socket the caller
//! connected and a rustls configuration the caller built, as the NetX client
//! uses it, against a real Mosquitto with mutual TLS.

mod common;

use common::{connack_return_code, connect_packet, Broker};
use rsmqtt::transport::tls::{provider, TlsSession};
use rsmqtt::transport::{tcp, ConnectError};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, RootCertStore};
use std::io::ErrorKind;
use std::sync::Arc;
use std::time::Duration;

const TIMEOUT: Option<Duration> = Some(Duration::from_secs(5));

/// A TLS 1.3 configuration trusting `ca_pem`, with the broker's client
/// certificate when `mutual`.
fn config(ca_pem: &[u8], broker: &Broker, mutual: bool) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem) {
        roots.add(cert.unwrap()).unwrap();
    }
    let builder = ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_root_certificates(roots);
    let config = if mutual {
        let chain = CertificateDer::pem_slice_iter(&broker.client_cert_pem())
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        let key = PrivateKeyDer::from_pem_slice(&broker.client_key_pem()).unwrap();
        builder.with_client_auth_cert(chain, key).unwrap()
    } else {
        builder.with_no_client_auth()
    };
    Arc::new(config)
}

fn handshake(broker: &Broker, config: Arc<ClientConfig>) -> Result<TlsSession, ConnectError> {
    let sock = tcp::connect_addr(broker.tls_addr(), TIMEOUT).unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    TlsSession::handshake(sock, config, name, TIMEOUT, TIMEOUT)
}

/// Reads exactly `buf.len()` bytes through `TlsSession::read`.
fn read_exact(session: &mut TlsSession, buf: &mut [u8]) -> std::io::Result<()> {
    let mut got = 0;
    while got < buf.len() {
        got += session.read(&mut buf[got..])?;
    }
    Ok(())
}

#[test]
fn handshake_on_a_connected_socket_carries_mqtt() {
    let broker = Broker::start();
    let mut session = handshake(&broker, config(&broker.ca_pem(), &broker, true))
        .unwrap_or_else(|e| panic!("handshake failed: {e}\n{}", broker.log()));
    assert_eq!(session.tcp_stream().peer_addr().unwrap(), broker.tls_addr());
    assert_eq!(
        session.tcp_stream().read_timeout().unwrap(),
        TIMEOUT,
        "the receive timeout is the socket's"
    );
    session.write_all(&connect_packet("tls-session")).unwrap();
    let mut connack = [0u8; 4];
    read_exact(&mut session, &mut connack).unwrap();
    assert_eq!(connack_return_code(&connack), 0);
    assert!(!session.has_buffered_plaintext());
    session.close();
}

#[test]
fn handshake_failures_are_classified() {
    let broker = Broker::start();
    let other = Broker::start();
    // Another broker's CA did not sign this broker's certificate.
    match handshake(&broker, config(&other.ca_pem(), &broker, true)) {
        Err(ConnectError::ServerCertificate(_)) => {}
        other => panic!("expected a rejected server certificate, got {other:?}"),
    }
    // Under TLS 1.3 the broker's refusal of a missing client certificate
    // comes after the client's handshake is done: the first read reports
    // the alert as a rustls error inside an InvalidData error.
    let mut session = handshake(&broker, config(&broker.ca_pem(), &broker, false))
        .unwrap_or_else(|e| panic!("client side of the handshake failed: {e}"));
    let _ = session.write_all(&connect_packet("tls-no-cert"));
    let mut connack = [0u8; 4];
    let err = read_exact(&mut session, &mut connack).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData, "{err}");
    let tls = err
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>())
        .unwrap_or_else(|| panic!("no rustls error inside {err:?}"));
    assert!(
        matches!(tls, rustls::Error::AlertReceived(_)),
        "expected an alert, got {tls:?}"
    );
}
