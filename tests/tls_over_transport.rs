//! `rsmqtt_tls_transport.h` against a real Mosquitto with mutual TLS: the
//! TLS layer wraps a plain TCP `TransportInterface_t` written here the way
//! firmware writes one (C function pointers over a socket), and the
//! `MQTT_*` engine runs over the TLS transport it hands back. Also the
//! failures an application must be able to tell apart, partial reads and
//! writes of the inner transport, and the heap a session costs.

mod common;
mod coremqtt_support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::ffi::{c_void, CString};
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use common::Broker;
use coremqtt_support::{fake_time, record_event, take_events, Event, REAL_CLOCK};
use rsmqtt::coremqtt::api::*;
use rsmqtt::coremqtt::context::{MQTTContext_t, MQTTPubAckInfo_t};
use rsmqtt::coremqtt::serializer_types::{
    MQTTConnectInfo_t, MQTTFixedBuffer_t, MQTTPublishInfo_t, MQTTStatus, MQTTSubscribeInfo_t,
};
use rsmqtt::coremqtt::transport_interface::{NetworkContext_t, TransportInterface_t};
use rsmqtt::transport::tls_over::*;

// ---------------------------------------------------------------------------
// Heap accounting per thread, to measure what one TLS session costs.

/// Counts the bytes the current thread holds and its peak.
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    // try_with: the thread's locals may already be gone during its exit.
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: forwards to the system allocator; the counting has no effect on
// the memory handed out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes this thread holds now, and resets the peak to that.
fn heap_mark() -> isize {
    let live = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(live));
    live
}

fn heap_peak() -> isize {
    PEAK.with(Cell::get)
}

// ---------------------------------------------------------------------------
// The inner (plaintext) transport: a TCP socket behind C function pointers.

/// What the inner transport's network context holds.
struct Tcp {
    stream: TcpStream,
    /// Most bytes one recv or send call moves (partial I/O).
    max_chunk: usize,
    /// Every other recv call, and every other send call, moves nothing
    /// (returns 0).
    zero_every_other: bool,
    /// Recv and send calls so far.
    calls: [usize; 2],
    /// Bytes that crossed the socket each way (to check encryption).
    sent: Vec<u8>,
}

impl Tcp {
    fn connect(addr: std::net::SocketAddr) -> Box<Tcp> {
        let stream = TcpStream::connect(addr).expect("connect");
        // Like FreeRTOS_recv with a short receive timeout.
        stream
            .set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        stream.set_nodelay(true).unwrap();
        Box::new(Tcp {
            stream,
            max_chunk: usize::MAX,
            zero_every_other: false,
            calls: [0; 2],
            // Reserved up front so that the heap measurement sees only the
            // TLS session.
            sent: Vec::with_capacity(1 << 16),
        })
    }

    /// How much of `len` a recv (`dir` 0) or send (1) call moves now.
    fn budget(&mut self, dir: usize, len: usize) -> usize {
        self.calls[dir] += 1;
        if self.zero_every_other && self.calls[dir] % 2 == 0 {
            0
        } else {
            len.min(self.max_chunk)
        }
    }

    fn interface(self: &mut Box<Tcp>) -> TransportInterface_t {
        TransportInterface_t {
            recv: Some(tcp_recv),
            send: Some(tcp_send),
            writev: None,
            pNetworkContext: (&mut **self as *mut Tcp).cast(),
        }
    }
}

unsafe extern "C" fn tcp_recv(ctx: *mut NetworkContext_t, buf: *mut c_void, len: usize) -> i32 {
    let tcp = unsafe { &mut *ctx.cast::<Tcp>() };
    let take = tcp.budget(0, len);
    if take == 0 {
        return 0;
    }
    let buf = unsafe { std::slice::from_raw_parts_mut(buf.cast::<u8>(), take) };
    match tcp.stream.read(buf) {
        Ok(0) => -1,
        Ok(n) => n as i32,
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => 0,
        Err(_) => -1,
    }
}

unsafe extern "C" fn tcp_send(ctx: *mut NetworkContext_t, buf: *const c_void, len: usize) -> i32 {
    let tcp = unsafe { &mut *ctx.cast::<Tcp>() };
    let take = tcp.budget(1, len);
    let buf = unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), take) };
    match tcp.stream.write_all(buf) {
        Ok(()) => {
            tcp.sent.extend_from_slice(buf);
            take as i32
        }
        Err(_) => -1,
    }
}

// ---------------------------------------------------------------------------
// Credentials and configuration.

struct Creds {
    ca: Vec<u8>,
    cert: Vec<u8>,
    key: Vec<u8>,
    name: CString,
    alpn: Vec<u8>,
}

impl Creds {
    fn pem(broker: &Broker) -> Creds {
        Creds {
            ca: broker.ca_pem(),
            cert: broker.client_cert_pem(),
            key: broker.client_key_pem(),
            name: CString::new("localhost").unwrap(),
            alpn: Vec::new(),
        }
    }

    fn der(broker: &Broker) -> Creds {
        Creds {
            ca: std::fs::read(&broker.ca_der).unwrap(),
            cert: std::fs::read(&broker.client_cert_der).unwrap(),
            key: std::fs::read(&broker.client_key_der).unwrap(),
            name: CString::new("localhost").unwrap(),
            alpn: Vec::new(),
        }
    }

    fn config(&self) -> RsmqttTlsConfig_t {
        let opt = |v: &Vec<u8>| {
            if v.is_empty() {
                std::ptr::null()
            } else {
                v.as_ptr()
            }
        };
        RsmqttTlsConfig_t {
            pRootCa: opt(&self.ca),
            rootCaLength: self.ca.len(),
            pClientCert: opt(&self.cert),
            clientCertLength: self.cert.len(),
            pPrivateKey: opt(&self.key),
            privateKeyLength: self.key.len(),
            pServerName: self.name.as_ptr(),
            disableSni: false,
            maxFragmentLength: 0,
            handshakeTimeoutMs: 10_000,
            pAlpnProtos: opt(&self.alpn),
            alpnProtosLength: self.alpn.len(),
            getTimeMs: None,
        }
    }
}

/// Connects TLS over a fresh inner TCP transport to the broker's TLS port.
fn tls_connect(
    broker: &Broker,
    config: &RsmqttTlsConfig_t,
    tune: impl FnOnce(&mut Tcp),
) -> (
    RsmqttTlsStatus_t,
    Box<RsmqttTlsContext_t>,
    Box<Tcp>,
    TransportInterface_t,
) {
    let mut tcp = Tcp::connect(broker.tls_addr());
    tune(&mut tcp);
    tls_connect_over(tcp, config)
}

/// Connects TLS over the given inner transport.
fn tls_connect_over(
    mut tcp: Box<Tcp>,
    config: &RsmqttTlsConfig_t,
) -> (
    RsmqttTlsStatus_t,
    Box<RsmqttTlsContext_t>,
    Box<Tcp>,
    TransportInterface_t,
) {
    let inner = tcp.interface();
    let mut ctx = Box::new(RsmqttTlsContext_t {
        pSession: std::ptr::null_mut(),
    });
    let mut tls = TransportInterface_t {
        recv: None,
        send: None,
        writev: None,
        pNetworkContext: std::ptr::null_mut(),
    };
    let status = unsafe { RsmqttTls_Connect(&mut *ctx, &inner, config, &mut tls) };
    (status, ctx, tcp, tls)
}

// ---------------------------------------------------------------------------
// An MQTT client over a given transport, driven through MQTT_* as C does.

struct Mqtt {
    ctx: Box<MQTTContext_t>,
    _buffer: Vec<u8>,
    _outgoing: Vec<MQTTPubAckInfo_t>,
    _incoming: Vec<MQTTPubAckInfo_t>,
}

const FREE: MQTTPubAckInfo_t = MQTTPubAckInfo_t {
    packetId: 0,
    qos: 0,
    publishState: 0,
};

impl Mqtt {
    fn new(transport: &TransportInterface_t) -> Mqtt {
        REAL_CLOCK.with(|r| r.set(true));
        let mut m = Mqtt {
            // SAFETY: a zeroed context is what C declares; MQTT_Init fills it.
            ctx: Box::new(unsafe { std::mem::zeroed() }),
            _buffer: vec![0; 1024],
            _outgoing: vec![FREE; 4],
            _incoming: vec![FREE; 4],
        };
        let buffer = MQTTFixedBuffer_t {
            pBuffer: m._buffer.as_mut_ptr(),
            size: m._buffer.len(),
        };
        unsafe {
            assert_eq!(
                MQTT_Init(
                    &mut *m.ctx,
                    transport,
                    Some(fake_time),
                    Some(record_event),
                    &buffer
                ),
                MQTTStatus::MQTTSuccess
            );
            assert_eq!(
                MQTT_InitStatefulQoS(
                    &mut *m.ctx,
                    m._outgoing.as_mut_ptr(),
                    4,
                    m._incoming.as_mut_ptr(),
                    4
                ),
                MQTTStatus::MQTTSuccess
            );
        }
        m
    }

    /// Connect, subscribe to `topic`, publish to it at each QoS of `qos`,
    /// receive every echo, unsubscribe, disconnect.
    fn round_trip(&mut self, client_id: &str, topic: &str, qos: &[u32]) {
        let ctx: *mut MQTTContext_t = &mut *self.ctx;
        let info = MQTTConnectInfo_t {
            cleanSession: true,
            keepAliveSeconds: 30,
            pClientIdentifier: client_id.as_ptr().cast(),
            clientIdentifierLength: client_id.len() as u16,
            pUserName: std::ptr::null(),
            userNameLength: 0,
            pPassword: std::ptr::null(),
            passwordLength: 0,
        };
        let mut present = true;
        let status = unsafe { MQTT_Connect(ctx, &info, std::ptr::null(), 5_000, &mut present) };
        assert_eq!(status, MQTTStatus::MQTTSuccess);
        assert!(!present);

        let sub = [MQTTSubscribeInfo_t {
            qos: 2,
            pTopicFilter: topic.as_ptr().cast(),
            topicFilterLength: topic.len() as u16,
        }];
        let id = unsafe { MQTT_GetPacketId(ctx) };
        assert_eq!(
            unsafe { MQTT_Subscribe(ctx, sub.as_ptr(), 1, id) },
            MQTTStatus::MQTTSuccess
        );
        let events = self.process_until(|e| e.iter().any(|e| e.packet_type == 0x90));
        assert!(events
            .iter()
            .any(|e| e.packet_type == 0x90 && e.packet_id == id));

        for &q in qos {
            let payload = format!("hello at QoS {q} through TLS over a TransportInterface_t");
            let publish = MQTTPublishInfo_t {
                qos: q,
                retain: false,
                dup: false,
                pTopicName: topic.as_ptr().cast(),
                topicNameLength: topic.len() as u16,
                pPayload: payload.as_ptr().cast(),
                payloadLength: payload.len(),
            };
            let id = if q == 0 {
                0
            } else {
                unsafe { MQTT_GetPacketId(ctx) }
            };
            assert_eq!(
                unsafe { MQTT_Publish(ctx, &publish, id) },
                MQTTStatus::MQTTSuccess
            );
            // Our echo comes back, and our own QoS 1/2 publish completes
            // (PUBACK, or PUBCOMP after PUBREC/PUBREL).
            let acked = |e: &Event| e.packet_id == id && matches!(e.packet_type, 0x40 | 0x70);
            let events = self.process_until(|e| {
                e.iter().any(|e| e.publish.is_some()) && (q == 0 || e.iter().any(acked))
            });
            let (t, rq, _, _, p) = events.iter().find_map(|e| e.publish.clone()).unwrap();
            assert_eq!(
                (t.as_slice(), rq, p.as_slice()),
                (topic.as_bytes(), q, payload.as_bytes())
            );
        }

        let id = unsafe { MQTT_GetPacketId(ctx) };
        assert_eq!(
            unsafe { MQTT_Unsubscribe(ctx, sub.as_ptr(), 1, id) },
            MQTTStatus::MQTTSuccess
        );
        self.process_until(|e| e.iter().any(|e| e.packet_type == 0xB0));
        assert_eq!(unsafe { MQTT_Disconnect(ctx) }, MQTTStatus::MQTTSuccess);
    }

    fn process_until(&mut self, mut done: impl FnMut(&[Event]) -> bool) -> Vec<Event> {
        let start = Instant::now();
        let mut seen = Vec::new();
        loop {
            let status = unsafe { MQTT_ProcessLoop(&mut *self.ctx) };
            assert!(
                matches!(
                    status,
                    MQTTStatus::MQTTSuccess | MQTTStatus::MQTTNeedMoreBytes
                ),
                "MQTT_ProcessLoop: {status:?}; events so far {seen:?}"
            );
            seen.extend(take_events());
            if done(&seen) {
                return seen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out; events so far {seen:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------

#[test]
fn mqtt_over_mutual_tls_over_a_tcp_transport_interface() {
    let broker = Broker::start();
    let creds = Creds::pem(&broker);
    let config = creds.config();

    let tcp = Tcp::connect(broker.tls_addr());
    let before = heap_mark();
    let (status, mut ctx, tcp, tls) = tls_connect_over(tcp, &config);
    assert_eq!(status, RsmqttTlsStatus::RSMQTT_TLS_SUCCESS);
    let handshake_peak = heap_peak() - before;
    let session_live = heap_mark() - before;
    assert!(!ctx.pSession.is_null());
    assert_eq!(
        tls.pNetworkContext,
        (&mut *ctx as *mut RsmqttTlsContext_t).cast()
    );

    let mut mqtt = Mqtt::new(&tls);
    mqtt.round_trip("tls-over-transport", "tls/over/transport", &[0, 1, 2]);
    let mqtt_peak = heap_peak() - before;

    // Nothing readable crossed the inner transport.
    let sent = &tcp.sent;
    assert!(!sent.is_empty());
    assert!(!sent
        .windows(b"tls/over/transport".len())
        .any(|w| w == b"tls/over/transport"));

    assert_eq!(
        unsafe { RsmqttTls_Disconnect(&mut *ctx) },
        RsmqttTlsStatus::RSMQTT_TLS_SUCCESS
    );
    assert!(ctx.pSession.is_null());
    drop(mqtt);
    // The context box of tls_connect_over.
    let leaked = heap_mark() - before - std::mem::size_of::<RsmqttTlsContext_t>() as isize;
    println!(
        "rsmqtt TLS-over-transport heap (EC P-256 mutual TLS 1.3, this thread): \
         handshake peak {handshake_peak} B, session after handshake {session_live} B, \
         peak during MQTT traffic {mqtt_peak} B, left after disconnect {leaked} B"
    );
    assert!(session_live > 0 && handshake_peak >= session_live);
    // Everything the session allocated is freed by the disconnect (the
    // ring provider's lazily built tables are process-wide and stay).
    assert_eq!(leaked, 0, "{leaked} bytes still held after disconnect");
    // The broker saw our client certificate's identity.
    broker.wait_log_contains(&["tls-over-transport"]);
}

#[test]
fn der_credentials_and_partial_reads_and_writes_of_the_inner_transport() {
    let broker = Broker::start();
    let mut creds = Creds::der(&broker);
    creds.alpn = b"\x04mqtt\x08x-rsmqtt".to_vec();
    let config = creds.config();
    // At most 3 bytes per inner call, and every other call moves nothing:
    // every record arrives and leaves in pieces.
    let (status, mut ctx, tcp, tls) = tls_connect(&broker, &config, |t| {
        t.max_chunk = 3;
        t.zero_every_other = true;
    });
    assert_eq!(status, RsmqttTlsStatus::RSMQTT_TLS_SUCCESS);
    assert!(tcp.calls[0] > 200, "only {:?} inner calls", tcp.calls);
    let mut mqtt = Mqtt::new(&tls);
    mqtt.round_trip("tls-over-chunks", "tls/chunks", &[2, 1]);
    assert_eq!(
        unsafe { RsmqttTls_Disconnect(&mut *ctx) },
        RsmqttTlsStatus::RSMQTT_TLS_SUCCESS
    );
}

#[test]
fn the_failures_are_told_apart() {
    let broker = Broker::start();
    let connect = |creds: &Creds| tls_connect(&broker, &creds.config(), |_| {}).0;

    // The broker requires a client certificate.
    let mut no_cert = Creds::pem(&broker);
    no_cert.cert.clear();
    no_cert.key.clear();
    assert_eq!(
        connect(&no_cert),
        RsmqttTlsStatus::RSMQTT_TLS_ALERT_RECEIVED
    );

    // The same when the inner transport delivers the server's verdict a
    // few bytes at a time.
    let config = no_cert.config();
    let chunked = tls_connect(&broker, &config, |t| {
        t.max_chunk = 2;
        t.zero_every_other = true;
    });
    assert_eq!(chunked.0, RsmqttTlsStatus::RSMQTT_TLS_ALERT_RECEIVED);

    // The server certificate is for localhost/127.0.0.1, not this name.
    let mut wrong_name = Creds::pem(&broker);
    wrong_name.name = CString::new("broker.example.com").unwrap();
    assert_eq!(
        connect(&wrong_name),
        RsmqttTlsStatus::RSMQTT_TLS_SERVER_CERTIFICATE_REJECTED
    );

    // A CA that did not sign the server certificate (the client's own).
    let mut wrong_ca = Creds::pem(&broker);
    wrong_ca.ca = broker.client_cert_pem();
    assert_eq!(
        connect(&wrong_ca),
        RsmqttTlsStatus::RSMQTT_TLS_SERVER_CERTIFICATE_REJECTED
    );

    // Unparsable key, and a key that is not the certificate's.
    let mut bad_key = Creds::pem(&broker);
    bad_key.key = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".to_vec();
    assert_eq!(
        connect(&bad_key),
        RsmqttTlsStatus::RSMQTT_TLS_INVALID_CREDENTIALS
    );
    let mut other_key = Creds::pem(&broker);
    other_key.cert = std::fs::read(broker.dir.join("pki/server.crt")).unwrap();
    assert_eq!(
        connect(&other_key),
        RsmqttTlsStatus::RSMQTT_TLS_INVALID_CREDENTIALS
    );
    let mut garbage_ca = Creds::pem(&broker);
    garbage_ca.ca = b"\x01\x02\x03".to_vec();
    assert_eq!(
        connect(&garbage_ca),
        RsmqttTlsStatus::RSMQTT_TLS_INVALID_CREDENTIALS
    );

    // Malformed parameters.
    let mut bad_alpn = Creds::pem(&broker);
    bad_alpn.alpn = b"\x09mqtt".to_vec();
    assert_eq!(
        connect(&bad_alpn),
        RsmqttTlsStatus::RSMQTT_TLS_INVALID_PARAMETER
    );
    let good = Creds::pem(&broker);
    let mut config = good.config();
    config.pServerName = std::ptr::null();
    assert_eq!(
        tls_connect(&broker, &config, |_| {}).0,
        RsmqttTlsStatus::RSMQTT_TLS_INVALID_PARAMETER
    );
    let mut config = good.config();
    config.rootCaLength = 0;
    assert_eq!(
        tls_connect(&broker, &config, |_| {}).0,
        RsmqttTlsStatus::RSMQTT_TLS_INVALID_PARAMETER
    );
    let mut config = good.config();
    config.maxFragmentLength = 16;
    assert_eq!(
        tls_connect(&broker, &config, |_| {}).0,
        RsmqttTlsStatus::RSMQTT_TLS_INVALID_PARAMETER
    );
}

#[test]
fn a_silent_or_closing_peer_and_null_pointers() {
    let broker = Broker::start();
    let creds = Creds::pem(&broker);
    let config = {
        let mut c = creds.config();
        c.handshakeTimeoutMs = 300;
        c
    };

    // A server that accepts and never answers: the handshake times out.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut tcp = Tcp::connect(silent.local_addr().unwrap());
    let _held = silent.accept().unwrap();
    let mut ctx = RsmqttTlsContext_t {
        pSession: std::ptr::null_mut(),
    };
    let inner = tcp.interface();
    let start = Instant::now();
    let status = unsafe { RsmqttTls_Connect(&mut ctx, &inner, &config, std::ptr::null_mut()) };
    assert_eq!(status, RsmqttTlsStatus::RSMQTT_TLS_TIMEOUT);
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert!(ctx.pSession.is_null());

    // A server that closes the connection: the inner transport's error.
    let closing = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut tcp = Tcp::connect(closing.local_addr().unwrap());
    drop(closing.accept().unwrap());
    let inner = tcp.interface();
    let status = unsafe { RsmqttTls_Connect(&mut ctx, &inner, &config, std::ptr::null_mut()) };
    assert_eq!(status, RsmqttTlsStatus::RSMQTT_TLS_TRANSPORT_ERROR);

    // An inner transport without functions, NULL arguments.
    let none = TransportInterface_t {
        recv: None,
        send: None,
        writev: None,
        pNetworkContext: std::ptr::null_mut(),
    };
    let invalid = RsmqttTlsStatus::RSMQTT_TLS_INVALID_PARAMETER;
    unsafe {
        assert_eq!(
            RsmqttTls_Connect(&mut ctx, &none, &config, std::ptr::null_mut()),
            invalid
        );
        assert_eq!(
            RsmqttTls_Connect(std::ptr::null_mut(), &inner, &config, std::ptr::null_mut()),
            invalid
        );
        assert_eq!(
            RsmqttTls_Connect(&mut ctx, std::ptr::null(), &config, std::ptr::null_mut()),
            invalid
        );
        assert_eq!(
            RsmqttTls_Connect(&mut ctx, &inner, std::ptr::null(), std::ptr::null_mut()),
            invalid
        );
        assert_eq!(RsmqttTls_Disconnect(std::ptr::null_mut()), invalid);
        // Not connected: I/O fails, disconnect is a no-op.
        let net = (&mut ctx as *mut RsmqttTlsContext_t).cast::<NetworkContext_t>();
        let mut buf = [0u8; 4];
        assert_eq!(RsmqttTls_Recv(net, buf.as_mut_ptr().cast(), 4), -1);
        assert_eq!(RsmqttTls_Send(net, buf.as_ptr().cast(), 4), -1);
        assert_eq!(
            RsmqttTls_Recv(std::ptr::null_mut(), buf.as_mut_ptr().cast(), 4),
            -1
        );
        assert_eq!(RsmqttTls_Writev(net, std::ptr::null_mut(), 1), -1);
        assert_eq!(
            RsmqttTls_Disconnect(&mut ctx),
            RsmqttTlsStatus::RSMQTT_TLS_SUCCESS
        );
    }

    // Connected: NULL buffers fail, a second connect on the same context
    // is refused and leaves the session alone.
    let (status, mut ctx, mut tcp, tls) = tls_connect(&broker, &creds.config(), |_| {});
    assert_eq!(status, RsmqttTlsStatus::RSMQTT_TLS_SUCCESS);
    let net = tls.pNetworkContext;
    unsafe {
        assert_eq!(RsmqttTls_Recv(net, std::ptr::null_mut(), 4), -1);
        assert_eq!(RsmqttTls_Send(net, std::ptr::null(), 4), -1);
        let mut buf = [0u8; 4];
        // Nothing sent yet, so nothing to receive.
        assert_eq!(RsmqttTls_Recv(net, buf.as_mut_ptr().cast(), 0), 0);
        assert_eq!(RsmqttTls_Recv(net, buf.as_mut_ptr().cast(), 4), 0);
        let inner = tcp.interface();
        assert_eq!(
            RsmqttTls_Connect(&mut *ctx, &inner, &creds.config(), std::ptr::null_mut()),
            invalid
        );
        assert!(!ctx.pSession.is_null());
        // The server closing the session: a garbage MQTT packet makes
        // Mosquitto drop the connection, and recv reports it.
        assert_eq!(RsmqttTls_Send(net, [0xf0u8, 0x00].as_ptr().cast(), 2), 2);
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match RsmqttTls_Recv(net, buf.as_mut_ptr().cast(), 4) {
                0 => assert!(Instant::now() < deadline, "no close seen"),
                n => {
                    assert_eq!(n, -1);
                    break;
                }
            }
        }
        assert_eq!(
            RsmqttTls_Disconnect(&mut *ctx),
            RsmqttTlsStatus::RSMQTT_TLS_SUCCESS
        );
    }
}

// ---------------------------------------------------------------------------
// Issue 11, item 3: the refusals, each with its status and logged cause.

thread_local! {
    /// Error records the library logged on this thread.
    static LOGGED: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The log callback, as a C application registers one: keeps the records
/// of the thread that logs them (the one calling `RsmqttTls_Connect`).
unsafe extern "C" fn keep_log(_level: i32, message: *const std::ffi::c_char) {
    // SAFETY: the library passes a NUL-terminated string valid for the call.
    let text = unsafe { std::ffi::CStr::from_ptr(message) }
        .to_string_lossy()
        .into_owned();
    LOGGED.with(|l| l.borrow_mut().push(text));
}

#[test]
fn tls_refusals_each_have_their_own_status_and_cause() {
    use rsmqtt::logging::*;
    // SAFETY: a valid callback for the life of the process.
    assert!(unsafe { rsmqtt_log_set_callback(Some(keep_log)) });
    assert!(unsafe { rsmqtt_log_set_level(RSMQTT_LOG_ERROR) });
    let broker = Broker::start_with(common::BrokerOptions {
        refusals: true,
        ..common::BrokerOptions::default()
    });
    let pki = broker.refusals.clone().unwrap();
    let tls11 = common::Tls11Server::start(&broker);
    let at = |port: u16| std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let with = |tune: &dyn Fn(&mut Creds)| {
        let mut creds = Creds::pem(&broker);
        tune(&mut creds);
        creds
    };
    let read = |p: &std::path::Path| std::fs::read(p).unwrap();
    use RsmqttTlsStatus::*;
    let cases = [
        (
            "unknown CA",
            broker.tls_port,
            with(&|c| c.ca = read(&pki.other_ca)),
            RSMQTT_TLS_SERVER_CERTIFICATE_REJECTED,
            "UnknownIssuer",
        ),
        (
            "expired server certificate",
            pki.expired_port,
            with(&|_| {}),
            RSMQTT_TLS_SERVER_CERTIFICATE_REJECTED,
            "certificate expired",
        ),
        (
            "server certificate not valid yet",
            pki.future_port,
            with(&|_| {}),
            RSMQTT_TLS_SERVER_CERTIFICATE_REJECTED,
            "certificate not valid yet",
        ),
        (
            "wrong host name",
            broker.tls_port,
            with(&|c| c.name = CString::new("broker.example.com").unwrap()),
            RSMQTT_TLS_SERVER_CERTIFICATE_REJECTED,
            "not valid for name \"broker.example.com\"",
        ),
        (
            "no client certificate",
            broker.tls_port,
            with(&|c| {
                c.cert.clear();
                c.key.clear();
            }),
            RSMQTT_TLS_ALERT_RECEIVED,
            "alert CertificateRequired",
        ),
        (
            "client certificate from another CA",
            broker.tls_port,
            with(&|c| {
                c.cert = read(&pki.other_client_cert);
                c.key = read(&pki.other_client_key);
            }),
            RSMQTT_TLS_ALERT_RECEIVED,
            "alert UnknownCA",
        ),
        (
            "client key not the certificate's",
            broker.tls_port,
            with(&|c| c.key = read(&pki.other_client_key)),
            RSMQTT_TLS_INVALID_CREDENTIALS,
            "KeyMismatch",
        ),
        (
            "server limited to TLS 1.1",
            tls11.port,
            with(&|_| {}),
            RSMQTT_TLS_ALERT_RECEIVED,
            "alert ProtocolVersion",
        ),
    ];
    for (name, port, creds, want, cause) in &cases {
        LOGGED.with(|l| l.borrow_mut().clear());
        let (status, mut ctx, tcp, tls) =
            tls_connect_over(Tcp::connect(at(*port)), &creds.config());
        let logged = LOGGED.with(|l| l.borrow().clone());
        println!("{name}: {status:?} {logged:?}");
        assert_eq!(status, *want, "{name}: {logged:?}");
        assert!(
            logged.iter().any(|l| l.contains(cause)),
            "{name}: no error log naming {cause:?}: {logged:?}"
        );
        // Refused: no session and no send function, so no MQTT byte can
        // follow; the inner transport carried TLS records only.
        assert!(ctx.pSession.is_null(), "{name}");
        assert!(tls.send.is_none(), "{name}");
        assert!(
            tcp.sent.first().is_none_or(|&b| b == 0x16),
            "{name}: the first byte sent was not a TLS handshake record"
        );
        unsafe { RsmqttTls_Disconnect(&mut *ctx) };
    }
    // Mosquitto logs each refusal after it sent its alert: wait for the lines.
    let log = broker.wait_log_contains(&[
        "alert unknown ca",
        "alert certificate expired",
        "alert bad certificate",
        "peer did not return a certificate",
        "certificate verify failed",
    ]);
    assert!(
        !log.contains("New client connected"),
        "the broker saw MQTT:\n{log}"
    );
}
