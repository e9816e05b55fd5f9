//! `nxd_mqtt_client_secure_connect` and the nx_secure_* subset against
//! Mosquitto's mutual-TLS listener, with TLS setup callbacks written the way
//! NetX Duo applications write them.

mod common;
#[path = "netx/harness.rs"]
mod harness;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use common::Broker;
use harness::*;
use rsmqtt::netx::api::*;
use rsmqtt::netx::client_block::*;
use rsmqtt::netx::nx_types::*;
use rsmqtt::netx::secure::tls_api::*;
use rsmqtt::netx::secure::tls_types::*;
use rsmqtt::netx::secure::x509_api::*;
use rsmqtt::netx::secure::x509_types::*;
use rsmqtt::netx::threadx::*;

/// What a test's TLS setup callback installs.
#[derive(Clone, Default)]
struct Setup {
    ca: Vec<u8>,
    cert: Option<Vec<u8>>,
    key: Option<Vec<u8>>,
    sni: Option<String>,
    callback: bool,
    time: bool,
}

fn setups() -> &'static Mutex<HashMap<usize, Setup>> {
    static S: OnceLock<Mutex<HashMap<usize, Setup>>> = OnceLock::new();
    S.get_or_init(Default::default)
}

/// Memory a TLS setup callback hands to the library: it must outlive the
/// session, as the static arrays of a device's setup code do. It stays owned
/// here, reachable, until the process ends (leaking it instead would leave
/// it unowned, which LeakSanitizer rightly reports).
struct Kept(Box<dyn std::any::Any>);

// SAFETY: a `Kept` is only moved into `kept()` and never read through it;
// the library uses the memory through the pointers handed out below.
unsafe impl Send for Kept {}

fn kept() -> &'static Mutex<Vec<Kept>> {
    static K: OnceLock<Mutex<Vec<Kept>>> = OnceLock::new();
    K.get_or_init(Default::default)
}

/// Keeps `bytes` for the rest of the process; the slice is the only way in.
fn keep_bytes(bytes: Vec<u8>) -> &'static mut [u8] {
    let mut kept = kept().lock().unwrap();
    kept.push(Kept(Box::new(bytes)));
    let bytes = kept
        .last_mut()
        .unwrap()
        .0
        .downcast_mut::<Vec<u8>>()
        .unwrap();
    let (ptr, len) = (bytes.as_mut_ptr(), bytes.len());
    // SAFETY: the Vec's buffer stays put (the Vec is never touched again)
    // and lives until the process ends; this slice is its only user.
    unsafe { std::slice::from_raw_parts_mut(ptr, len) }
}

/// Keeps a zeroed `T` (a NetX Secure C struct) for the rest of the process.
///
/// # Safety
/// All-zero bytes must be a valid `T`.
unsafe fn keep_zeroed<T: 'static>() -> &'static mut T {
    let mut kept = kept().lock().unwrap();
    // SAFETY: the caller vouches for all-zero `T`.
    kept.push(Kept(Box::new(unsafe { core::mem::zeroed::<T>() })));
    let value: *mut T = kept.last_mut().unwrap().0.downcast_mut::<T>().unwrap();
    // SAFETY: the box's allocation stays put and lives until the process
    // ends; this reference is its only user.
    unsafe { &mut *value }
}

static CALLBACK_CALLS: AtomicU32 = AtomicU32::new(0);
static CALLBACK_VERDICT: AtomicU32 = AtomicU32::new(0);

unsafe extern "C" fn check_certificate(
    session: *mut NX_SECURE_TLS_SESSION,
    cert: *mut NX_SECURE_X509_CERT,
) -> ULONG {
    assert!(!session.is_null() && !cert.is_null());
    // The broker's DER certificate is handed over.
    let der = unsafe {
        std::slice::from_raw_parts(
            (*cert).nx_secure_x509_certificate_raw_data,
            (*cert).nx_secure_x509_certificate_raw_data_length as usize,
        )
    };
    assert_eq!(der.first(), Some(&0x30));
    CALLBACK_CALLS.fetch_add(1, Ordering::SeqCst);
    CALLBACK_VERDICT.load(Ordering::SeqCst) as ULONG
}

unsafe extern "C" fn fixed_time() -> ULONG {
    // 2001-09-09: before the test certificates were issued.
    1_000_000_000
}

/// A TLS setup callback in the shape of NetX Duo's samples.
unsafe extern "C" fn tls_setup(
    client: *mut NXD_MQTT_CLIENT,
    session: *mut NX_SECURE_TLS_SESSION,
    cert: *mut NX_SECURE_X509_CERT,
    trusted: *mut NX_SECURE_X509_CERT,
) -> UINT {
    let setup = setups()
        .lock()
        .unwrap()
        .get(&(client as usize))
        .cloned()
        .unwrap();
    // Buffers that outlive the session, as static arrays would on a device.
    let leak = keep_bytes;
    unsafe {
        _nx_secure_tls_initialize();
        let meta = leak(vec![0; 1024]);
        let status = _nxe_secure_tls_session_create(
            session,
            &nx_crypto_tls_ciphers,
            meta.as_mut_ptr().cast(),
            1024,
        );
        if status != NX_SUCCESS {
            return status;
        }
        let packet = leak(vec![0; 4000]);
        assert_eq!(
            _nxe_secure_tls_session_packet_buffer_set(session, packet.as_mut_ptr(), 4000),
            NX_SUCCESS
        );
        let remote: &mut NX_SECURE_X509_CERT = keep_zeroed();
        let remote_buf = leak(vec![0; 2000]);
        assert_eq!(
            _nxe_secure_tls_remote_certificate_allocate(
                session,
                remote,
                remote_buf.as_mut_ptr(),
                2000
            ),
            NX_SUCCESS
        );
        let ca = leak(setup.ca.clone());
        let status = _nxe_secure_x509_certificate_initialize(
            trusted,
            ca.as_mut_ptr(),
            ca.len() as USHORT,
            core::ptr::null_mut(),
            0,
            core::ptr::null(),
            0,
            NX_SECURE_X509_KEY_TYPE_NONE,
        );
        if status != NX_SUCCESS {
            return status;
        }
        let status = _nxe_secure_tls_trusted_certificate_add(session, trusted);
        if status != NX_SUCCESS {
            return status;
        }
        if let (Some(c), Some(k)) = (setup.cert, setup.key) {
            let c = leak(c);
            let k = leak(k);
            let status = _nxe_secure_x509_certificate_initialize(
                cert,
                c.as_mut_ptr(),
                c.len() as USHORT,
                core::ptr::null_mut(),
                0,
                k.as_ptr(),
                k.len() as USHORT,
                NX_SECURE_X509_KEY_TYPE_EC_DER,
            );
            if status != NX_SUCCESS {
                return status;
            }
            let status = _nxe_secure_tls_local_certificate_add(session, cert);
            if status != NX_SUCCESS {
                return status;
            }
        }
        if let Some(name) = setup.sni {
            let dns: &mut NX_SECURE_X509_DNS_NAME = keep_zeroed();
            assert_eq!(
                _nxe_secure_x509_dns_name_initialize(dns, name.as_ptr(), name.len() as USHORT),
                NX_SUCCESS
            );
            assert_eq!(
                _nxe_secure_tls_session_sni_extension_set(session, dns),
                NX_SUCCESS
            );
        }
        if setup.callback {
            assert_eq!(
                _nxe_secure_tls_session_certificate_callback_set(session, Some(check_certificate)),
                NX_SUCCESS
            );
        }
        if setup.time {
            assert_eq!(
                _nxe_secure_tls_session_time_function_set(session, Some(fixed_time)),
                NX_SUCCESS
            );
        }
    }
    NX_SUCCESS
}

fn mutual(broker: &Broker) -> Setup {
    Setup {
        ca: std::fs::read(&broker.ca_der).unwrap(),
        cert: Some(std::fs::read(&broker.client_cert_der).unwrap()),
        key: Some(std::fs::read(&broker.client_key_der).unwrap()),
        ..Setup::default()
    }
}

fn secure_connect(app: &mut App, broker: &Broker, setup: Setup) -> UINT {
    secure_connect_to(app, broker.tls_port, setup)
}

fn secure_connect_to(app: &mut App, port: u16, setup: Setup) -> UINT {
    setups().lock().unwrap().insert(app.ptr() as usize, setup);
    let mut addr = ipv4(127, 0, 0, 1);
    unsafe {
        _nxde_mqtt_client_secure_connect(
            app.ptr(),
            &mut addr,
            port as UINT,
            Some(tls_setup),
            30,
            NX_TRUE,
            5 * NX_IP_PERIODIC_RATE,
        )
    }
}

#[test]
fn mutual_tls_round_trip() {
    let broker = Broker::start();
    let mut app = App::create("netx-tls");
    assert_eq!(
        secure_connect(&mut app, &broker, mutual(&broker)),
        NXD_MQTT_SUCCESS,
        "{}",
        broker.log()
    );
    assert_eq!(app.client.nxd_mqtt_client_use_tls, 1);
    assert_eq!(app.subscribe("netx/tls", 2), NXD_MQTT_SUCCESS);
    app.wait_suback();
    assert_eq!(app.publish("netx/tls", b"over tls q1", 1), NXD_MQTT_SUCCESS);
    assert_eq!(app.publish("netx/tls", b"over tls q2", 2), NXD_MQTT_SUCCESS);
    assert!(app
        .rec
        .wait_until(Duration::from_secs(5), |s| s.messages.len() == 2));
    assert_eq!(app.disconnect(), NXD_MQTT_SUCCESS);
    // Reconnecting runs the setup callback again on a fresh session.
    assert_eq!(
        secure_connect(&mut app, &broker, mutual(&broker)),
        NXD_MQTT_SUCCESS
    );
}

#[test]
fn sni_name_and_certificate_callback() {
    let broker = Broker::start();
    let mut app = App::create("netx-tls-sni");
    CALLBACK_VERDICT.store(0, Ordering::SeqCst);
    let before = CALLBACK_CALLS.load(Ordering::SeqCst);
    let setup = Setup {
        sni: Some("localhost".into()),
        callback: true,
        ..mutual(&broker)
    };
    assert_eq!(secure_connect(&mut app, &broker, setup), NXD_MQTT_SUCCESS);
    assert!(CALLBACK_CALLS.load(Ordering::SeqCst) > before);
    assert_eq!(app.disconnect(), NXD_MQTT_SUCCESS);

    // A name the certificate does not carry fails once an SNI name is set,
    // with the X.509 code NetX Secure's DNS name check returns.
    let setup = Setup {
        sni: Some("not-the-broker.example".into()),
        ..mutual(&broker)
    };
    assert_eq!(
        secure_connect(&mut app, &broker, setup),
        NX_SECURE_X509_CERTIFICATE_DNS_MISMATCH
    );
    assert_eq!(app.client.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_IDLE);
}

#[test]
fn failed_verification_is_reported_with_netx_secure_codes() {
    let broker = Broker::start();
    let other = Broker::start();
    let mut app = App::create("netx-tls-bad");
    // The other broker's CA did not sign this broker's certificate (both CAs
    // carry the same name, so the issuer is found and its signature fails).
    let setup = Setup {
        ca: std::fs::read(&other.ca_der).unwrap(),
        ..mutual(&broker)
    };
    assert_eq!(
        secure_connect(&mut app, &broker, setup),
        NX_SECURE_TLS_CERTIFICATE_SIG_CHECK_FAILED
    );
    // The application's callback can reject the broker.
    CALLBACK_VERDICT.store(1, Ordering::SeqCst);
    let setup = Setup {
        callback: true,
        ..mutual(&broker)
    };
    assert_eq!(
        secure_connect(&mut app, &broker, setup),
        NX_SECURE_TLS_INVALID_SERVER_CERT
    );
    CALLBACK_VERDICT.store(0, Ordering::SeqCst);
    // The application's clock says the certificate is not valid yet: the
    // X.509 code NetX Secure's chain check returns.
    let setup = Setup {
        time: true,
        ..mutual(&broker)
    };
    assert_eq!(
        secure_connect(&mut app, &broker, setup),
        NX_SECURE_X509_CERTIFICATE_NOT_YET_VALID
    );
    // Without a client certificate the broker refuses the session with an
    // alert (under TLS 1.3 it arrives after the handshake, instead of the
    // CONNACK).
    let setup = Setup {
        cert: None,
        key: None,
        ..mutual(&broker)
    };
    assert_eq!(
        secure_connect(&mut app, &broker, setup),
        NX_SECURE_TLS_ALERT_RECEIVED
    );
    // A garbage CA is refused by certificate_initialize, whose status the
    // setup callback returns, and secure_connect reports it.
    let setup = Setup {
        ca: vec![1, 2, 3],
        ..mutual(&broker)
    };
    assert_eq!(
        secure_connect(&mut app, &broker, setup),
        NX_SECURE_X509_INVALID_CERTIFICATE_SEQUENCE
    );
    // Everything still works afterwards.
    assert_eq!(
        secure_connect(&mut app, &broker, mutual(&broker)),
        NXD_MQTT_SUCCESS
    );
}

#[test]
fn nx_secure_calls_check_their_parameters() {
    let null = core::ptr::null_mut::<NX_SECURE_TLS_SESSION>();
    unsafe {
        let mut session: NX_SECURE_TLS_SESSION = core::mem::zeroed();
        let mut cert: NX_SECURE_X509_CERT = core::mem::zeroed();
        let mut buf = [0u8; 16];
        assert_eq!(
            _nxe_secure_tls_session_create(null, &nx_crypto_tls_ciphers, core::ptr::null_mut(), 0),
            NX_PTR_ERROR
        );
        // Not created yet.
        assert_eq!(
            _nxe_secure_tls_trusted_certificate_add(&mut session, &mut cert),
            NX_SECURE_TLS_SESSION_UNINITIALIZED
        );
        assert_eq!(
            _nxe_secure_tls_session_create(
                &mut session,
                &nx_crypto_tls_ciphers,
                core::ptr::null_mut(),
                0
            ),
            NX_SUCCESS
        );
        assert_eq!(session.nx_secure_tls_id, NX_SECURE_TLS_ID);
        // An uninitialised certificate cannot be added.
        assert_eq!(
            _nxe_secure_tls_trusted_certificate_add(&mut session, &mut cert),
            NX_SECURE_TLS_INVALID_CERTIFICATE
        );
        assert_eq!(
            _nxe_secure_tls_trusted_certificate_add(&mut session, core::ptr::null_mut()),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxe_secure_tls_session_packet_buffer_set(&mut session, core::ptr::null_mut(), 4),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxe_secure_x509_certificate_initialize(
                &mut cert,
                core::ptr::null_mut(),
                0,
                core::ptr::null_mut(),
                0,
                core::ptr::null(),
                0,
                0
            ),
            NX_PTR_ERROR
        );
        // Not DER.
        assert_eq!(
            _nxe_secure_x509_certificate_initialize(
                &mut cert,
                buf.as_mut_ptr(),
                16,
                core::ptr::null_mut(),
                0,
                core::ptr::null(),
                0,
                0
            ),
            NX_SECURE_X509_INVALID_CERTIFICATE_SEQUENCE
        );
        // Hardware keys are not supported, and say so.
        buf[0] = 0x30;
        buf[1] = 14;
        assert_eq!(
            _nxe_secure_x509_certificate_initialize(
                &mut cert,
                buf.as_mut_ptr(),
                16,
                core::ptr::null_mut(),
                0,
                buf.as_ptr(),
                16,
                NX_SECURE_X509_KEY_TYPE_HARDWARE
            ),
            NX_SECURE_X509_INVALID_PRIVATE_KEY_TYPE
        );
        // A key that is not an EC key.
        assert_eq!(
            _nxe_secure_x509_certificate_initialize(
                &mut cert,
                buf.as_mut_ptr(),
                16,
                core::ptr::null_mut(),
                0,
                buf.as_ptr(),
                16,
                NX_SECURE_X509_KEY_TYPE_EC_DER
            ),
            NX_SECURE_PKCS1_INVALID_PRIVATE_KEY
        );
        // The raw buffer must hold the certificate.
        let mut small = [0u8; 4];
        assert_eq!(
            _nxe_secure_x509_certificate_initialize(
                &mut cert,
                buf.as_mut_ptr(),
                16,
                small.as_mut_ptr(),
                4,
                core::ptr::null(),
                0,
                0
            ),
            NX_SECURE_X509_INSUFFICIENT_CERT_SPACE
        );
        assert_eq!(
            _nxe_secure_x509_certificate_initialize(
                &mut cert,
                buf.as_mut_ptr(),
                16,
                core::ptr::null_mut(),
                0,
                core::ptr::null(),
                0,
                0
            ),
            NX_SUCCESS
        );
        // A certificate without a key cannot identify this device.
        assert_eq!(
            _nxe_secure_tls_local_certificate_add(&mut session, &mut cert),
            NX_SECURE_X509_INVALID_PRIVATE_KEY_TYPE
        );
        let long = [b'a'; 101];
        let mut dns: NX_SECURE_X509_DNS_NAME = core::mem::zeroed();
        assert_eq!(
            _nxe_secure_x509_dns_name_initialize(&mut dns, long.as_ptr(), 101),
            NX_SECURE_X509_NAME_STRING_TOO_LONG
        );
        assert_eq!(
            _nxe_secure_tls_session_time_function_set(&mut session, None),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxe_secure_tls_session_certificate_callback_set(&mut session, None),
            NX_PTR_ERROR
        );
        assert_eq!(_nxe_secure_tls_session_delete(&mut session), NX_SUCCESS);
        assert_eq!(
            _nxe_secure_tls_session_delete(&mut session),
            NX_SECURE_TLS_SESSION_UNINITIALIZED
        );
    }
}

#[test]
fn secure_connect_reports_a_failing_setup_callback() {
    unsafe extern "C" fn refuse(
        _c: *mut NXD_MQTT_CLIENT,
        _s: *mut NX_SECURE_TLS_SESSION,
        _a: *mut NX_SECURE_X509_CERT,
        _b: *mut NX_SECURE_X509_CERT,
    ) -> UINT {
        0x1234
    }
    let broker = Broker::start();
    let mut app = App::create("netx-tls-refuse");
    let mut addr = ipv4(127, 0, 0, 1);
    let st = unsafe {
        _nxde_mqtt_client_secure_connect(
            app.ptr(),
            &mut addr,
            broker.tls_port as UINT,
            Some(refuse),
            30,
            NX_TRUE,
            500,
        )
    };
    assert_eq!(st, 0x1234);
    let st = unsafe {
        _nxde_mqtt_client_secure_connect(
            app.ptr(),
            &mut addr,
            broker.tls_port as UINT,
            None,
            30,
            NX_TRUE,
            500,
        )
    };
    assert_eq!(st, NX_PTR_ERROR);
}

/// Issue 11, item 3: every way a TLS connection must be refused, through
/// `nxd_mqtt_client_secure_connect`, each with the status NetX Secure gives
/// it, against a broker whose listeners are wrong in one way each
/// (`broker.sh --refusals`) and a server stuck on TLS 1.1. The broker's log
/// shows each attempt ending in its TLS layer and no MQTT CONNECT, although
/// secure_connect sends one as soon as the handshake completes.
#[test]
fn tls_refusals_each_have_their_own_status() {
    let broker = Broker::start_with(common::BrokerOptions {
        refusals: true,
        ..common::BrokerOptions::default()
    });
    let pki = broker.refusals.clone().unwrap();
    let tls11 = common::Tls11Server::start(&broker);
    let der = |p: &std::path::Path| std::fs::read(p).unwrap();
    let cases: [(&str, u16, Setup, UINT); 8] = [
        (
            "unknown CA",
            broker.tls_port,
            Setup {
                ca: der(&pki.other_ca_der),
                ..mutual(&broker)
            },
            NX_SECURE_TLS_ISSUER_CERTIFICATE_NOT_FOUND,
        ),
        (
            "expired server certificate",
            pki.expired_port,
            mutual(&broker),
            NX_SECURE_X509_CERTIFICATE_EXPIRED,
        ),
        (
            "server certificate not valid yet",
            pki.future_port,
            mutual(&broker),
            NX_SECURE_X509_CERTIFICATE_NOT_YET_VALID,
        ),
        (
            // NetX Secure checks the name only when the application names
            // the broker (SNI), as here.
            "wrong host name",
            broker.tls_port,
            Setup {
                sni: Some("broker.example.com".into()),
                ..mutual(&broker)
            },
            NX_SECURE_X509_CERTIFICATE_DNS_MISMATCH,
        ),
        (
            "no client certificate",
            broker.tls_port,
            Setup {
                cert: None,
                key: None,
                ..mutual(&broker)
            },
            NX_SECURE_TLS_ALERT_RECEIVED,
        ),
        (
            "client certificate from another CA",
            broker.tls_port,
            Setup {
                cert: Some(der(&pki.other_client_cert_der)),
                key: Some(der(&pki.other_client_key_der)),
                ..mutual(&broker)
            },
            NX_SECURE_TLS_ALERT_RECEIVED,
        ),
        (
            "client key not the certificate's",
            broker.tls_port,
            Setup {
                key: Some(der(&pki.other_client_key_der)),
                ..mutual(&broker)
            },
            NX_SECURE_TLS_INVALID_CERTIFICATE,
        ),
        (
            "server limited to TLS 1.1",
            tls11.port,
            mutual(&broker),
            NX_SECURE_TLS_ALERT_RECEIVED,
        ),
    ];
    let mut outcomes = Vec::new();
    for (i, (name, port, setup, _)) in cases.iter().enumerate() {
        let mut app = App::create(&format!("netx-refusal-{i}"));
        let status = secure_connect_to(&mut app, *port, setup.clone());
        // The client is idle again and reports it.
        assert_ne!(
            app.client.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_CONNECTED,
            "{name}"
        );
        println!("{name}: {status:#x}");
        outcomes.push(status);
    }
    for ((name, _, _, want), got) in cases.iter().zip(&outcomes) {
        assert_eq!(got, want, "{name}: {got:#x}, expected {want:#x}");
    }
    let log = broker.log();
    for verdict in [
        "alert unknown ca",
        "alert certificate expired",
        "alert bad certificate",
        "peer did not return a certificate",
        "certificate verify failed",
    ] {
        assert!(
            log.contains(verdict),
            "no {verdict:?} in the broker log:\n{log}"
        );
    }
    assert!(
        !log.contains("New client connected") && !log.contains("netx-refusal"),
        "the broker saw MQTT:\n{log}"
    );
}
