//! What the coreMQTT engine tests share: a client driven through the exported
//! `MQTT_*` functions exactly as C would drive them, over a real TCP socket,
//! with a per-thread fake clock and an event callback that records what it
//! sees.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use rsmqtt::coremqtt::api::*;
use rsmqtt::coremqtt::context::{
    MQTTContext_t, MQTTDeserializedInfo_t, MQTTPubAckInfo_t, MQTTVec_t,
};
use rsmqtt::coremqtt::serializer_types::{
    MQTTConnectInfo_t, MQTTFixedBuffer_t, MQTTPacketInfo_t, MQTTPublishInfo_t, MQTTStatus,
    MQTTSubscribeInfo_t,
};
use rsmqtt::coremqtt::transport_interface::{NetworkContext_t, TransportInterface_t};
use rsmqtt::coremqtt::utils::{MQTT_GetBytesInMQTTVec, MQTT_SerializeMQTTVec};

thread_local! {
    /// The fake clock of this test thread, in milliseconds.
    pub static NOW: Cell<u32> = const { Cell::new(1_000) };
    /// What the event callback saw on this thread.
    pub static EVENTS: RefCell<Vec<Event>> = const { RefCell::new(Vec::new()) };
    /// Publishes the store callback kept, by packet id.
    pub static STORED: RefCell<Vec<(u16, Vec<u8>)>> = const { RefCell::new(Vec::new()) };
    /// Packet ids the clear callback was told about.
    pub static CLEARED: RefCell<Vec<u16>> = const { RefCell::new(Vec::new()) };
    /// Whether the clock also advances on every read (for real-time tests).
    pub static REAL_CLOCK: Cell<bool> = const { Cell::new(false) };
    /// Milliseconds the fake clock moves on each read (0: only `advance`).
    pub static AUTO_ADVANCE: Cell<u32> = const { Cell::new(0) };
}

/// The clock the engine reads: the fake time of the calling thread, or real
/// milliseconds when `REAL_CLOCK` is set.
pub extern "C" fn fake_time() -> u32 {
    if REAL_CLOCK.with(Cell::get) {
        use std::sync::OnceLock;
        static START: OnceLock<std::time::Instant> = OnceLock::new();
        return START
            .get_or_init(std::time::Instant::now)
            .elapsed()
            .as_millis() as u32;
    }
    let step = AUTO_ADVANCE.with(Cell::get);
    NOW.with(|n| {
        n.set(n.get().wrapping_add(step));
        n.get()
    })
}

/// Moves the fake clock forward.
pub fn advance(ms: u32) {
    NOW.with(|n| n.set(n.get().wrapping_add(ms)));
}

/// Topic, QoS, retain, dup and payload of a received PUBLISH.
pub type PublishCopy = (Vec<u8>, u32, bool, bool, Vec<u8>);

/// One callback invocation, copied out of the network buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Packet type byte.
    pub packet_type: u8,
    /// Packet identifier.
    pub packet_id: u16,
    /// Deserialization result.
    pub result: MQTTStatus,
    /// Topic, QoS, retain, dup and payload of a PUBLISH.
    pub publish: Option<PublishCopy>,
}

/// Takes the events recorded so far.
pub fn take_events() -> Vec<Event> {
    EVENTS.with(|e| std::mem::take(&mut *e.borrow_mut()))
}

/// The event callback: copies what it is given (the pointers are only valid
/// during the call).
pub unsafe extern "C" fn record_event(
    _ctx: *mut MQTTContext_t,
    packet: *mut MQTTPacketInfo_t,
    info: *mut MQTTDeserializedInfo_t,
) {
    let (packet, info) = unsafe { (&*packet, &*info) };
    let publish = unsafe { info.pPublishInfo.as_ref() }.map(|p| unsafe {
        (
            std::slice::from_raw_parts(p.pTopicName.cast::<u8>(), usize::from(p.topicNameLength))
                .to_vec(),
            p.qos,
            p.retain,
            p.dup,
            std::slice::from_raw_parts(p.pPayload.cast::<u8>(), p.payloadLength).to_vec(),
        )
    });
    EVENTS.with(|e| {
        e.borrow_mut().push(Event {
            packet_type: packet.r#type,
            packet_id: info.packetIdentifier,
            result: info.deserializationResult,
            publish,
        })
    });
}

/// Store callback: flattens the vectors with the library's own helpers.
pub unsafe extern "C" fn store_publish(
    _ctx: *mut MQTTContext_t,
    id: u16,
    vec: *mut MQTTVec_t,
) -> bool {
    let len = unsafe { MQTT_GetBytesInMQTTVec(vec) };
    let mut bytes = vec![0u8; len];
    unsafe { MQTT_SerializeMQTTVec(bytes.as_mut_ptr(), vec) };
    STORED.with(|s| {
        let mut s = s.borrow_mut();
        s.retain(|(i, _)| *i != id);
        s.push((id, bytes));
    });
    true
}

/// Retrieve callback: hands back the stored bytes (they stay owned here).
pub unsafe extern "C" fn retrieve_publish(
    _ctx: *mut MQTTContext_t,
    id: u16,
    out: *mut *mut u8,
    out_len: *mut usize,
) -> bool {
    STORED.with(|s| {
        let mut s = s.borrow_mut();
        match s.iter_mut().find(|(i, _)| *i == id) {
            Some((_, bytes)) => {
                unsafe {
                    *out = bytes.as_mut_ptr();
                    *out_len = bytes.len();
                }
                true
            }
            None => false,
        }
    })
}

/// Clear callback: forgets the stored copy and notes the id.
pub unsafe extern "C" fn clear_publish(_ctx: *mut MQTTContext_t, id: u16) {
    STORED.with(|s| s.borrow_mut().retain(|(i, _)| *i != id));
    CLEARED.with(|c| c.borrow_mut().push(id));
}

/// The application's network context: a TCP stream, and knobs that make
/// the transport behave like a congested one.
pub struct Net {
    /// The socket.
    pub stream: TcpStream,
    /// Most bytes one send/writev call takes.
    pub max_chunk: usize,
    /// Every other send/writev call takes nothing (returns 0).
    pub zero_every_other: bool,
    /// Every send/writev call takes nothing.
    pub stalled: bool,
    /// Calls after this many take nothing.
    pub stall_after: Option<usize>,
    /// Bytes the transport still delivers before it fails: once they are
    /// used up, the call that would go past them writes what is left of the
    /// allowance, shuts the socket down and returns -1 (a connection lost in
    /// the middle of a packet).
    pub fail_after_bytes: Option<usize>,
    /// Each send/writev call that writes something reports one byte more
    /// than it wrote (a broken transport).
    pub over_report: bool,
    /// Send/writev calls so far.
    pub calls: usize,
    /// How many vectors each writev call was given.
    pub writev_vectors: Vec<usize>,
}

impl Net {
    /// A plain transport over `stream`.
    pub fn new(stream: TcpStream) -> Net {
        Net {
            stream,
            max_chunk: usize::MAX,
            zero_every_other: false,
            stalled: false,
            stall_after: None,
            fail_after_bytes: None,
            over_report: false,
            calls: 0,
            writev_vectors: Vec::new(),
        }
    }

    /// How much of `len` this call may write before the injected failure,
    /// and whether the failure comes with this call.
    fn failure_cut(&mut self, len: usize) -> (usize, bool) {
        match self.fail_after_bytes.as_mut() {
            Some(left) if *left < len => {
                let take = *left;
                *left = 0;
                (take, true)
            }
            Some(left) => {
                *left -= len;
                (len, false)
            }
            None => (len, false),
        }
    }

    /// How much of `len` this call accepts (0 when congested).
    fn budget(&mut self, len: usize) -> usize {
        self.calls += 1;
        if self.stalled
            || self.stall_after.is_some_and(|n| self.calls > n)
            || (self.zero_every_other && self.calls % 2 == 0)
        {
            0
        } else {
            len.min(self.max_chunk)
        }
    }
}

/// Transport recv over [`Net`]: 0 when nothing arrives within the socket's
/// short read timeout, -1 on error or end of stream.
pub unsafe extern "C" fn net_recv(
    ctx: *mut NetworkContext_t,
    buf: *mut core::ffi::c_void,
    len: usize,
) -> i32 {
    let net = unsafe { &mut *ctx.cast::<Net>() };
    let buf = unsafe { std::slice::from_raw_parts_mut(buf.cast::<u8>(), len) };
    match net.stream.read(buf) {
        Ok(0) => -1,
        Ok(n) => n as i32,
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
            ) =>
        {
            0
        }
        Err(_) => -1,
    }
}

/// Transport send over [`Net`].
pub unsafe extern "C" fn net_send(
    ctx: *mut NetworkContext_t,
    buf: *const core::ffi::c_void,
    len: usize,
) -> i32 {
    let net = unsafe { &mut *ctx.cast::<Net>() };
    let take = net.budget(len);
    let (take, fail) = net.failure_cut(take);
    let buf = unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), take) };
    if fail {
        let _ = net.stream.write_all(buf);
        let _ = net.stream.shutdown(std::net::Shutdown::Both);
        return -1;
    }
    match net.stream.write_all(buf) {
        Ok(()) => (take + usize::from(net.over_report && take > 0)) as i32,
        Err(_) => -1,
    }
}

/// Transport writev over [`Net`]: takes bytes from the vectors in order, up
/// to the chunk limit, possibly stopping in the middle of a vector.
pub unsafe extern "C" fn net_writev(
    ctx: *mut NetworkContext_t,
    vectors: *mut rsmqtt::coremqtt::transport_interface::TransportOutVector_t,
    count: usize,
) -> i32 {
    let net = unsafe { &mut *ctx.cast::<Net>() };
    let vectors = unsafe { std::slice::from_raw_parts(vectors, count) };
    net.writev_vectors.push(count);
    let total: usize = vectors.iter().map(|v| v.iov_len).sum();
    let (mut budget, fail) = {
        let budget = net.budget(total);
        net.failure_cut(budget)
    };
    let mut sent = 0;
    for v in vectors {
        let take = v.iov_len.min(budget);
        let bytes = unsafe { std::slice::from_raw_parts(v.iov_base.cast::<u8>(), take) };
        if net.stream.write_all(bytes).is_err() {
            return -1;
        }
        sent += take;
        budget -= take;
    }
    if fail {
        let _ = net.stream.shutdown(std::net::Shutdown::Both);
        return -1;
    }
    (sent + usize::from(net.over_report && sent > 0)) as i32
}

/// A coreMQTT client as a C application would set it up: context, buffer and
/// record arrays at stable addresses.
pub struct Client {
    /// The context (boxed: its address must not change).
    pub ctx: Box<MQTTContext_t>,
    /// The network context.
    pub net: Box<Net>,
    /// Receive buffer.
    pub buffer: Vec<u8>,
    /// Outgoing records.
    pub outgoing: Vec<MQTTPubAckInfo_t>,
    /// Incoming records.
    pub incoming: Vec<MQTTPubAckInfo_t>,
}

const FREE: MQTTPubAckInfo_t = MQTTPubAckInfo_t {
    packetId: 0,
    qos: 0,
    publishState: 0,
};

impl Client {
    /// Connects a socket to `addr` and initialises a context over it with a
    /// buffer of `buffer_size` bytes and 8 records each way.
    pub fn new(addr: std::net::SocketAddr, buffer_size: usize) -> Client {
        Client::new_with(addr, buffer_size, false)
    }

    /// Like [`Client::new`], with a writev function in the transport when
    /// `writev` is set.
    pub fn new_with(addr: std::net::SocketAddr, buffer_size: usize, writev: bool) -> Client {
        let stream = TcpStream::connect(addr).expect("connect to the broker");
        stream
            .set_read_timeout(Some(Duration::from_millis(10)))
            .unwrap();
        stream.set_nodelay(true).unwrap();
        let mut client = Client {
            // SAFETY: a zeroed context is what C code declares statically;
            // MQTT_Init overwrites it.
            ctx: Box::new(unsafe { std::mem::zeroed() }),
            net: Box::new(Net::new(stream)),
            buffer: vec![0; buffer_size],
            outgoing: vec![FREE; 8],
            incoming: vec![FREE; 8],
        };
        let transport = TransportInterface_t {
            recv: Some(net_recv),
            send: Some(net_send),
            writev: if writev { Some(net_writev) } else { None },
            pNetworkContext: (&mut *client.net as *mut Net).cast(),
        };
        let buffer = MQTTFixedBuffer_t {
            pBuffer: client.buffer.as_mut_ptr(),
            size: client.buffer.len(),
        };
        let status = unsafe {
            MQTT_Init(
                client.ctx(),
                &transport,
                Some(fake_time),
                Some(record_event),
                &buffer,
            )
        };
        assert_eq!(status, MQTTStatus::MQTTSuccess);
        let status = unsafe {
            MQTT_InitStatefulQoS(
                client.ctx(),
                client.outgoing.as_mut_ptr(),
                client.outgoing.len(),
                client.incoming.as_mut_ptr(),
                client.incoming.len(),
            )
        };
        assert_eq!(status, MQTTStatus::MQTTSuccess);
        client
    }

    /// The context pointer C would pass.
    pub fn ctx(&mut self) -> *mut MQTTContext_t {
        &mut *self.ctx
    }

    /// Registers the store/retrieve/clear callbacks above.
    pub fn with_retransmits(&mut self) {
        let status = unsafe {
            MQTT_InitRetransmits(
                self.ctx(),
                Some(store_publish),
                Some(retrieve_publish),
                Some(clear_publish),
            )
        };
        assert_eq!(status, MQTTStatus::MQTTSuccess);
    }

    /// `MQTT_Connect` with client id `id`; returns status and session present.
    pub fn connect(
        &mut self,
        id: &str,
        clean: bool,
        keep_alive: u16,
        timeout_ms: u32,
    ) -> (MQTTStatus, bool) {
        // NUL-terminated as a C application's would be: the library reads the
        // first byte of a non-NULL identifier even when its length is 0.
        let id_c = std::ffi::CString::new(id).expect("no NUL in the client id");
        let info = MQTTConnectInfo_t {
            cleanSession: clean,
            keepAliveSeconds: keep_alive,
            pClientIdentifier: id_c.as_ptr(),
            clientIdentifierLength: id.len() as u16,
            pUserName: std::ptr::null(),
            userNameLength: 0,
            pPassword: std::ptr::null(),
            passwordLength: 0,
        };
        let mut present = false;
        let status = unsafe {
            MQTT_Connect(
                self.ctx(),
                &info,
                std::ptr::null(),
                timeout_ms,
                &mut present,
            )
        };
        (status, present)
    }

    /// `MQTT_Publish`.
    pub fn publish(&mut self, topic: &str, payload: &[u8], qos: u32, id: u16) -> MQTTStatus {
        self.publish_with(topic, payload, qos, id, false)
    }

    /// `MQTT_Publish` with the DUP flag set (an application's resend).
    pub fn publish_dup(&mut self, topic: &str, payload: &[u8], qos: u32, id: u16) -> MQTTStatus {
        self.publish_with(topic, payload, qos, id, true)
    }

    fn publish_with(
        &mut self,
        topic: &str,
        payload: &[u8],
        qos: u32,
        id: u16,
        dup: bool,
    ) -> MQTTStatus {
        let info = MQTTPublishInfo_t {
            qos,
            retain: false,
            dup,
            pTopicName: topic.as_ptr().cast(),
            topicNameLength: topic.len() as u16,
            pPayload: payload.as_ptr().cast(),
            payloadLength: payload.len(),
        };
        unsafe { MQTT_Publish(self.ctx(), &info, id) }
    }

    /// `MQTT_Subscribe` (or `MQTT_Unsubscribe`) for `filters`.
    pub fn subscribe(&mut self, filters: &[(&str, u32)], id: u16, unsubscribe: bool) -> MQTTStatus {
        let list: Vec<MQTTSubscribeInfo_t> = filters
            .iter()
            .map(|(f, q)| MQTTSubscribeInfo_t {
                qos: *q,
                pTopicFilter: f.as_ptr().cast(),
                topicFilterLength: f.len() as u16,
            })
            .collect();
        unsafe {
            if unsubscribe {
                MQTT_Unsubscribe(self.ctx(), list.as_ptr(), list.len(), id)
            } else {
                MQTT_Subscribe(self.ctx(), list.as_ptr(), list.len(), id)
            }
        }
    }

    /// `MQTT_ProcessLoop`.
    pub fn process(&mut self) -> MQTTStatus {
        unsafe { MQTT_ProcessLoop(self.ctx()) }
    }

    /// Calls `MQTT_ProcessLoop` until the callback has seen `n` more events
    /// (each call must succeed or need more bytes); gives up after 5 s.
    pub fn process_until_events(&mut self, n: usize) -> Vec<Event> {
        let start = std::time::Instant::now();
        let mut seen = Vec::new();
        while seen.len() < n {
            let status = self.process();
            assert!(
                matches!(
                    status,
                    MQTTStatus::MQTTSuccess | MQTTStatus::MQTTNeedMoreBytes
                ),
                "MQTT_ProcessLoop returned {status:?}"
            );
            seen.extend(take_events());
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "waited too long; events so far: {seen:?}"
            );
        }
        seen
    }

    /// The outgoing records in use, as (id, qos, state).
    pub fn outgoing_in_use(&self) -> Vec<(u16, u32, u32)> {
        self.outgoing
            .iter()
            .filter(|r| r.packetId != 0)
            .map(|r| (r.packetId, r.qos, r.publishState))
            .collect()
    }

    /// The incoming records in use, as (id, qos, state).
    pub fn incoming_in_use(&self) -> Vec<(u16, u32, u32)> {
        self.incoming
            .iter()
            .filter(|r| r.packetId != 0)
            .map(|r| (r.packetId, r.qos, r.publishState))
            .collect()
    }
}

/// One step of a broker script.
pub enum Step {
    /// Read exactly these bytes from the client (assert equality).
    Expect(Vec<u8>),
    /// Write these bytes.
    Send(Vec<u8>),
    /// Tell the test the previous steps are done.
    Notify,
    /// Wait until the test says go.
    AwaitGo,
    /// Drop the connection and accept the next one.
    Reconnect,
}

/// A scripted broker running in its own thread.
pub struct Broker {
    /// Where it listens.
    pub addr: SocketAddr,
    notified: Receiver<()>,
    go: Sender<()>,
    thread: Option<JoinHandle<Result<(), String>>>,
}

impl Broker {
    /// Starts the broker with its script.
    pub fn start(script: Vec<Step>) -> Broker {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (notify_tx, notified) = channel();
        let (go, go_rx) = channel();
        let thread = std::thread::spawn(move || {
            let accept = |l: &TcpListener| -> Result<TcpStream, String> {
                let (s, _) = l.accept().map_err(|e| e.to_string())?;
                s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                s.set_nodelay(true).unwrap();
                Ok(s)
            };
            let mut stream = accept(&listener)?;
            for (i, step) in script.into_iter().enumerate() {
                match step {
                    Step::Expect(want) => {
                        let mut got = vec![0u8; want.len()];
                        stream
                            .read_exact(&mut got)
                            .map_err(|e| format!("step {i}: reading {want:02x?}: {e}"))?;
                        if got != want {
                            return Err(format!("step {i}: expected {want:02x?}, got {got:02x?}"));
                        }
                    }
                    Step::Send(bytes) => stream
                        .write_all(&bytes)
                        .map_err(|e| format!("step {i}: {e}"))?,
                    Step::Notify => notify_tx.send(()).map_err(|e| e.to_string())?,
                    Step::AwaitGo => go_rx.recv().map_err(|e| e.to_string())?,
                    Step::Reconnect => {
                        let _ = stream.shutdown(std::net::Shutdown::Both);
                        stream = accept(&listener)?;
                    }
                }
            }
            // Hold the socket open until the test is done with it.
            let _ = go_rx.recv_timeout(Duration::from_secs(5));
            Ok(())
        });
        Broker {
            addr,
            notified,
            go,
            thread: Some(thread),
        }
    }

    /// Waits for the broker's next `Notify`.
    pub fn wait(&self) {
        self.notified
            .recv_timeout(Duration::from_secs(5))
            .expect("broker did not reach its Notify step");
        // Let the bytes just written reach our socket.
        std::thread::sleep(Duration::from_millis(30));
    }

    /// Releases the broker's next `AwaitGo`.
    pub fn go(&self) {
        self.go.send(()).unwrap();
    }

    /// Ends the script and reports the broker's verdict.
    pub fn finish(mut self) {
        let _ = self.go.send(());
        let result = self
            .thread
            .take()
            .unwrap()
            .join()
            .expect("broker thread panicked");
        if let Err(e) = result {
            panic!("scripted broker: {e}");
        }
    }
}
