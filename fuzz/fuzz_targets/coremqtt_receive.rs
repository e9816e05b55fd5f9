//! Drives a coreMQTT context through the exported `MQTT_*` functions the way
//! firmware does, with everything a broker (or a broken network) controls
//! taken from the fuzz input: the bytes received and how they are cut into
//! `recv` results, "nothing now" (0) and error (-1) returns, how much each
//! `send` accepts, the clock, the configuration macros, the record counts
//! and the size of the network buffer.
//!
//! After every call it checks what must hold whatever the input:
//! * `index <= networkBuffer.size`, `connectStatus` is a valid value;
//! * every state record is either free (id 0, QoS 0, state 0) or in use with
//!   a non-zero id, a QoS of 1 or 2 and a state other than `MQTTStateNull`,
//!   and no id is used twice in one array;
//! * the status is one the function can return;
//! * when a call succeeded on a healthy connection, the bytes it sent are
//!   whole, valid client-to-server packets (checked with the strict codec);
//! * the event callback gets pointers inside the network buffer, lengths
//!   that add up to the remaining length, flags that match the first byte,
//!   and never a packet identifier 0 where one is required.
//!
//! A panic anywhere (including one the library's C-boundary guard would
//! catch) aborts the process, which libFuzzer reports as a crash.
//!
//! Input layout: an 11-byte header (see [`Setup::read`]), then operations
//! (see [`run_op`]); a missing byte reads as 0.
#![no_main]

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::ffi::c_void;

use libfuzzer_sys::fuzz_target;
use rsmqtt::coremqtt::api::*;
use rsmqtt::coremqtt::context::{
    MQTTContext_t, MQTTDeserializedInfo_t, MQTTPubAckInfo_t, MQTTVec_t,
};
use rsmqtt::coremqtt::serializer_types::{
    MQTTConnectInfo_t, MQTTFixedBuffer_t, MQTTPacketInfo_t, MQTTPublishInfo_t, MQTTStatus,
    MQTTSubscribeInfo_t,
};
use rsmqtt::coremqtt::transport_interface::{
    NetworkContext_t, TransportInterface_t, TransportOutVector_t,
};
use rsmqtt::coremqtt::utils::{MQTT_GetBytesInMQTTVec, MQTT_SerializeMQTTVec};
use rsmqtt::wire::{self, Packet};

/// Valid topic names the application publishes to.
const TOPICS: [&str; 5] = ["a", "a/b", "sensors/1/temp", "$SYS/x", "t"];
/// Valid topic filters the application subscribes to.
const FILTERS: [&str; 5] = ["a/#", "+/b", "#", "sensors/+/temp", "$SYS/#"];
const CLIENT_ID: &str = "fuzz-client";

/// Reads the fuzz input front to back; past the end every byte is 0.
struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.byte(), self.byte()])
    }

    fn take(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One scripted result of the transport's `recv`.
enum Rx {
    /// Bytes, handed out as far as each call asks.
    Data(Vec<u8>),
    /// One call returns 0 ("nothing now").
    Nothing,
    /// One call returns -1.
    Error,
}

/// The network context: the receive script, the send script and every byte
/// the client sent.
struct Net {
    rx: VecDeque<Rx>,
    /// Per send/writev call: -1 error, 0 nothing, k > 0 at most k bytes.
    /// Empty: everything is accepted.
    tx_plan: VecDeque<i32>,
    sent: Vec<u8>,
}

impl Net {
    fn recv(&mut self, buf: &mut [u8]) -> i32 {
        match self.rx.front_mut() {
            None => 0,
            Some(Rx::Nothing) => {
                self.rx.pop_front();
                0
            }
            Some(Rx::Error) => {
                self.rx.pop_front();
                -1
            }
            Some(Rx::Data(bytes)) => {
                let n = bytes.len().min(buf.len());
                buf[..n].copy_from_slice(&bytes[..n]);
                bytes.drain(..n);
                if bytes.is_empty() {
                    self.rx.pop_front();
                }
                n as i32
            }
        }
    }

    fn has_data(&self) -> bool {
        !self.rx.is_empty()
    }

    /// How many of `len` bytes this send call takes, or -1.
    fn budget(&mut self, len: usize) -> i32 {
        match self.tx_plan.pop_front() {
            None => len as i32,
            Some(limit) if limit <= 0 => limit,
            Some(limit) => (limit as usize).min(len) as i32,
        }
    }
}

thread_local! {
    static NOW: Cell<u32> = const { Cell::new(0) };
    static STEP: Cell<u32> = const { Cell::new(1) };
    /// Start and end address of the network buffer.
    static BUFFER: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
    /// What the event callback does besides checking (see `reenter`).
    static REENTER: Cell<Option<u32>> = const { Cell::new(None) };
    /// Copies kept by the store callback.
    static STORED: RefCell<Vec<(u16, Vec<u8>)>> = const { RefCell::new(Vec::new()) };
    static STORE_REFUSES: Cell<bool> = const { Cell::new(false) };
    static RETRIEVE_FAILS: Cell<bool> = const { Cell::new(false) };
}

/// The application's clock: moves on every read, so every wait ends.
extern "C" fn clock() -> u32 {
    NOW.with(|n| {
        n.set(n.get().wrapping_add(STEP.with(Cell::get)));
        n.get()
    })
}

unsafe extern "C" fn net_recv(ctx: *mut NetworkContext_t, buf: *mut c_void, len: usize) -> i32 {
    assert!(
        len > 0 && len <= i32::MAX as usize,
        "recv asked for {len} bytes"
    );
    // SAFETY: the harness's `Net`, alive for the whole run; the library gives
    // a writable buffer of `len` bytes.
    let (net, buf) = unsafe {
        (
            &mut *ctx.cast::<Net>(),
            std::slice::from_raw_parts_mut(buf.cast::<u8>(), len),
        )
    };
    net.recv(buf)
}

unsafe extern "C" fn net_send(ctx: *mut NetworkContext_t, buf: *const c_void, len: usize) -> i32 {
    assert!(len > 0, "send of 0 bytes");
    // SAFETY: as for `net_recv`; the library gives `len` readable bytes.
    let net = unsafe { &mut *ctx.cast::<Net>() };
    let take = net.budget(len);
    if take > 0 {
        // SAFETY: `take <= len`.
        let bytes = unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), take as usize) };
        net.sent.extend_from_slice(bytes);
    }
    take
}

unsafe extern "C" fn net_writev(
    ctx: *mut NetworkContext_t,
    vectors: *mut TransportOutVector_t,
    count: usize,
) -> i32 {
    // SAFETY: as for `net_send`; `count` readable vectors.
    let (net, vectors) = unsafe {
        (
            &mut *ctx.cast::<Net>(),
            std::slice::from_raw_parts(vectors, count),
        )
    };
    let total: usize = vectors.iter().map(|v| v.iov_len).sum();
    let budget = net.budget(total);
    if budget <= 0 {
        return budget;
    }
    let mut left = budget as usize;
    for v in vectors {
        let take = v.iov_len.min(left);
        if take > 0 {
            // SAFETY: each vector points at `iov_len` readable bytes.
            let bytes = unsafe { std::slice::from_raw_parts(v.iov_base.cast::<u8>(), take) };
            net.sent.extend_from_slice(bytes);
        }
        left -= take;
    }
    budget
}

unsafe extern "C" fn store(_: *mut MQTTContext_t, id: u16, vec: *mut MQTTVec_t) -> bool {
    if STORE_REFUSES.with(Cell::get) {
        return false;
    }
    // SAFETY: the library's vector list, valid during the call.
    let len = unsafe { MQTT_GetBytesInMQTTVec(vec) };
    let mut bytes = vec![0u8; len];
    // SAFETY: `bytes` holds exactly the number of bytes the vectors describe.
    unsafe { MQTT_SerializeMQTTVec(bytes.as_mut_ptr(), vec) };
    assert!(
        matches!(wire::decode(&bytes), Ok((Packet::Publish(p), used)) if used == len && p.packet_id == id),
        "store callback got something other than PUBLISH {id}: {bytes:02x?}"
    );
    STORED.with(|s| {
        let mut s = s.borrow_mut();
        s.retain(|(i, _)| *i != id);
        s.push((id, bytes));
    });
    true
}

unsafe extern "C" fn retrieve(
    _: *mut MQTTContext_t,
    id: u16,
    out: *mut *mut u8,
    out_len: *mut usize,
) -> bool {
    if RETRIEVE_FAILS.with(Cell::get) {
        return false;
    }
    STORED.with(|s| {
        let mut s = s.borrow_mut();
        match s.iter_mut().find(|(i, _)| *i == id) {
            Some((_, bytes)) => {
                // SAFETY: the library's out-pointers; the bytes stay in
                // `STORED` until the clear callback.
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

unsafe extern "C" fn clear(_: *mut MQTTContext_t, id: u16) {
    STORED.with(|s| s.borrow_mut().retain(|(i, _)| *i != id));
}

fn inside(p: usize, len: usize, start: usize, end: usize) -> bool {
    p >= start && p.checked_add(len).is_some_and(|e| e <= end)
}

/// The event callback: checks everything it is handed.
unsafe extern "C" fn on_event(
    ctx: *mut MQTTContext_t,
    packet: *mut MQTTPacketInfo_t,
    info: *mut MQTTDeserializedInfo_t,
) {
    // SAFETY: the library passes valid structs for the duration of the call.
    let (packet, info) = unsafe { (&*packet, &*info) };
    let (start, end) = BUFFER.with(Cell::get);
    let data = packet.pRemainingData as usize;
    assert!(
        inside(data, packet.remainingLength, start, end),
        "remaining data outside the network buffer"
    );
    assert_eq!(
        data - start,
        packet.headerLength,
        "the packet does not start the buffer"
    );
    assert!(packet.headerLength >= 2 && packet.headerLength <= 5);
    // SAFETY: the context pointer the application gave the library.
    let index = unsafe { (*ctx).index };
    assert!(index <= end - start, "index {index} beyond the buffer");
    let t = packet.r#type;
    // SAFETY: NULL or a struct valid for the call.
    let publish = unsafe { info.pPublishInfo.as_ref() };
    match t & 0xF0 {
        0x30 => {
            let p = publish.expect("a PUBLISH event without publish info");
            assert_eq!(info.deserializationResult, MQTTStatus::MQTTSuccess);
            assert_eq!(p.qos, u32::from((t >> 1) & 3), "QoS differs from the flags");
            assert!(p.qos <= 2);
            assert_eq!(p.retain, t & 1 != 0);
            assert_eq!(p.dup, t & 8 != 0);
            let id_len = if p.qos == 0 { 0 } else { 2 };
            if p.qos != 0 {
                assert_ne!(info.packetIdentifier, 0, "QoS {} PUBLISH with id 0", p.qos);
            }
            let topic = p.pTopicName as usize;
            let topic_len = usize::from(p.topicNameLength);
            assert_eq!(topic, data + 2, "topic not where the packet has it");
            assert!(inside(
                topic,
                topic_len,
                data,
                data + packet.remainingLength
            ));
            assert!(inside(
                p.pPayload as usize,
                p.payloadLength,
                data,
                data + packet.remainingLength
            ));
            assert_eq!(
                2 + topic_len + id_len + p.payloadLength,
                packet.remainingLength,
                "topic, id and payload do not add up to the remaining length"
            );
        }
        0x40 | 0x50 | 0x60 | 0x70 | 0xB0 => {
            assert!(publish.is_none());
            assert_eq!(packet.remainingLength, 2);
            assert_ne!(info.packetIdentifier, 0, "ack type {t:#04x} with id 0");
            assert_eq!(info.deserializationResult, MQTTStatus::MQTTSuccess);
        }
        0x90 => {
            assert!(publish.is_none());
            assert!(packet.remainingLength >= 3);
            assert_ne!(info.packetIdentifier, 0, "SUBACK with id 0");
            assert!(matches!(
                info.deserializationResult,
                MQTTStatus::MQTTSuccess | MQTTStatus::MQTTServerRefused
            ));
        }
        0xD0 => {
            assert!(publish.is_none());
            assert_eq!(packet.remainingLength, 0);
        }
        _ => panic!("event for packet type {t:#04x}"),
    }
    if let Some(action) = REENTER.with(Cell::get) {
        // SAFETY: the context the library passed in.
        unsafe { reenter(ctx, action) };
    }
}

/// What firmware may do from inside the event callback (coreMQTT allows
/// publishing, subscribing and pinging there): 0-2 publish at that QoS,
/// 3 subscribe at QoS 1 and ping.
///
/// # Safety
/// `ctx` is the context the library passed to the callback.
unsafe fn reenter(ctx: *mut MQTTContext_t, action: u32) {
    if action == 3 {
        let filter = FILTERS[0];
        let list = [MQTTSubscribeInfo_t {
            qos: 1,
            pTopicFilter: filter.as_ptr().cast(),
            topicFilterLength: filter.len() as u16,
        }];
        // SAFETY: per this function's contract; a valid list.
        unsafe {
            let id = MQTT_GetPacketId(ctx);
            let status = MQTT_Subscribe(ctx, list.as_ptr(), 1, id);
            check_status("MQTT_Subscribe (in callback)", status, SUBSCRIBE_OK);
            let status = MQTT_Ping(ctx);
            check_status("MQTT_Ping (in callback)", status, SUBSCRIBE_OK);
        }
        return;
    }
    let qos = action;
    // SAFETY: per this function's contract.
    let id = if qos == 0 {
        0
    } else {
        unsafe { MQTT_GetPacketId(ctx) }
    };
    let reply = MQTTPublishInfo_t {
        qos,
        retain: false,
        dup: false,
        pTopicName: TOPICS[1].as_ptr().cast(),
        topicNameLength: TOPICS[1].len() as u16,
        pPayload: b"echo".as_ptr().cast(),
        payloadLength: 4,
    };
    // SAFETY: valid structs; the context the library passed in.
    let status = unsafe { MQTT_Publish(ctx, &reply, id) };
    check_status("MQTT_Publish (in callback)", status, PUBLISH_OK);
}

type Allowed = &'static [MQTTStatus];

const LOOP_OK: Allowed = &[
    MQTTStatus::MQTTSuccess,
    MQTTStatus::MQTTNeedMoreBytes,
    MQTTStatus::MQTTBadResponse,
    MQTTStatus::MQTTNoMemory,
    MQTTStatus::MQTTRecvFailed,
    MQTTStatus::MQTTSendFailed,
    MQTTStatus::MQTTIllegalState,
    MQTTStatus::MQTTBadParameter,
    MQTTStatus::MQTTStateCollision,
    MQTTStatus::MQTTKeepAliveTimeout,
    MQTTStatus::MQTTStatusNotConnected,
    MQTTStatus::MQTTStatusDisconnectPending,
];
const PUBLISH_OK: Allowed = &[
    MQTTStatus::MQTTSuccess,
    MQTTStatus::MQTTBadParameter,
    MQTTStatus::MQTTNoMemory,
    MQTTStatus::MQTTSendFailed,
    MQTTStatus::MQTTStateCollision,
    MQTTStatus::MQTTIllegalState,
    MQTTStatus::MQTTStatusNotConnected,
    MQTTStatus::MQTTStatusDisconnectPending,
    MQTTStatus::MQTTPublishStoreFailed,
];
const SUBSCRIBE_OK: Allowed = &[
    MQTTStatus::MQTTSuccess,
    MQTTStatus::MQTTBadParameter,
    MQTTStatus::MQTTNoMemory,
    MQTTStatus::MQTTSendFailed,
    MQTTStatus::MQTTStatusNotConnected,
    MQTTStatus::MQTTStatusDisconnectPending,
];
const CONNECT_OK: Allowed = &[
    MQTTStatus::MQTTSuccess,
    MQTTStatus::MQTTBadParameter,
    MQTTStatus::MQTTNoMemory,
    MQTTStatus::MQTTSendFailed,
    MQTTStatus::MQTTRecvFailed,
    MQTTStatus::MQTTBadResponse,
    MQTTStatus::MQTTServerRefused,
    MQTTStatus::MQTTNoDataAvailable,
    MQTTStatus::MQTTIllegalState,
    MQTTStatus::MQTTStateCollision,
    MQTTStatus::MQTTStatusConnected,
    MQTTStatus::MQTTStatusDisconnectPending,
    MQTTStatus::MQTTPublishRetrieveFailed,
];

const CANCEL_OK: Allowed = &[MQTTStatus::MQTTSuccess, MQTTStatus::MQTTBadParameter];

fn check_status(call: &str, status: MQTTStatus, allowed: Allowed) {
    // The value came back through the C ABI; read it as C would.
    let raw = status as u32;
    assert!(raw <= 16, "{call} returned {raw}, not an MQTTStatus_t");
    assert!(allowed.contains(&status), "{call} returned {status:?}");
}

/// Whole, valid client-to-server packets, and nothing else.
fn check_sent(call: &str, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        match wire::decode(bytes) {
            Ok((packet, used)) => {
                assert!(
                    matches!(
                        packet,
                        Packet::Connect(_)
                            | Packet::Publish(_)
                            | Packet::PubAck(_)
                            | Packet::PubRec(_)
                            | Packet::PubRel(_)
                            | Packet::PubComp(_)
                            | Packet::Subscribe(_)
                            | Packet::Unsubscribe(_)
                            | Packet::PingReq(_)
                            | Packet::Disconnect(_)
                    ),
                    "{call} sent a server packet {packet:?}"
                );
                bytes = &bytes[used..];
            }
            Err(e) => panic!("{call} sent invalid bytes ({e:?}): {bytes:02x?}"),
        }
    }
}

fn check_records(what: &str, records: &[MQTTPubAckInfo_t]) {
    for (i, r) in records.iter().enumerate() {
        if r.packetId == 0 {
            assert!(
                r.qos == 0 && r.publishState == 0,
                "{what} record {i} has id 0 but {r:?}"
            );
        } else {
            assert!(
                (1..=2).contains(&r.qos) && (1..=10).contains(&r.publishState),
                "{what} record {i} in use but {r:?}"
            );
            assert!(
                !records[..i].iter().any(|o| o.packetId == r.packetId),
                "{what} records hold id {} twice",
                r.packetId
            );
        }
    }
}

/// The application: context, buffer, records and transport at stable
/// addresses, as C would hold them.
struct App {
    ctx: Box<MQTTContext_t>,
    net: Box<Net>,
    buffer: Vec<u8>,
    outgoing: Vec<MQTTPubAckInfo_t>,
    incoming: Vec<MQTTPubAckInfo_t>,
    clean_session: bool,
    keep_alive: u16,
    /// While connected: where the bytes sent on this connection start, and
    /// how far they were verified to be whole, valid packets.
    stream: Option<(usize, usize)>,
}

impl App {
    fn ctx(&mut self) -> *mut MQTTContext_t {
        &mut *self.ctx
    }

    /// Runs one API call and checks the invariants after it.
    fn call(&mut self, name: &str, allowed: Allowed, f: impl FnOnce(&mut App) -> MQTTStatus) {
        let before = self.net.sent.len();
        let status = f(self);
        check_status(name, status, allowed);
        let size = self.buffer.len();
        assert!(
            self.ctx.index <= size,
            "{name}: index {} > {size}",
            self.ctx.index
        );
        assert!(self.ctx.connectStatus <= 2, "{name}: connectStatus corrupt");
        check_records("outgoing", &self.outgoing);
        check_records("incoming", &self.incoming);
        // A connection that is still up has sent only whole, valid packets:
        // a packet cut short by a send error or timeout must have made it
        // `MQTTDisconnectPending`.
        if self.ctx.connectStatus != 1 {
            self.stream = None;
        } else {
            if name == "MQTT_Connect" && status == MQTTStatus::MQTTSuccess {
                self.stream = Some((before, before));
            }
            if let Some((start, verified)) = self.stream {
                let end = self.net.sent.len();
                check_sent(name, &self.net.sent[verified..]);
                self.stream = Some((start, end));
            }
        }
    }

    fn connect(&mut self, timeout_ms: u32, will: bool) {
        let info = MQTTConnectInfo_t {
            cleanSession: self.clean_session,
            keepAliveSeconds: self.keep_alive,
            pClientIdentifier: CLIENT_ID.as_ptr().cast(),
            clientIdentifierLength: CLIENT_ID.len() as u16,
            pUserName: std::ptr::null(),
            userNameLength: 0,
            pPassword: std::ptr::null(),
            passwordLength: 0,
        };
        let will_info = MQTTPublishInfo_t {
            qos: 1,
            retain: true,
            dup: false,
            pTopicName: TOPICS[0].as_ptr().cast(),
            topicNameLength: TOPICS[0].len() as u16,
            pPayload: b"gone".as_ptr().cast(),
            payloadLength: 4,
        };
        let will_ptr: *const MQTTPublishInfo_t = if will { &will_info } else { std::ptr::null() };
        let mut present = false;
        self.call("MQTT_Connect", CONNECT_OK, |app| unsafe {
            // SAFETY: valid structs and strings; the context is initialised.
            MQTT_Connect(app.ctx(), &info, will_ptr, timeout_ms, &mut present)
        });
    }
}

/// The run's fixed choices, from the 11-byte header.
struct Setup {
    connack_from_input: bool,
    retransmits: bool,
    writev: bool,
    prefill: bool,
}

impl Setup {
    /// Byte 0: flags (bit 0 CONNACK from the input rather than a valid one,
    /// bit 1 clean session, bit 2 retransmit callbacks, bit 3 writev, bit 4
    /// publish from the callback, bit 5 records left from a previous session,
    /// bits 6-7 keep-alive 0/1/5/60 s). Byte 1: network buffer size - 8.
    /// Byte 2: clock step - 1 (bits 0-6), start near the wrap (bit 7).
    /// Byte 3: outgoing records (bits 0-1), incoming (bits 2-3), retrieve
    /// fails (bit 4), store refuses (bit 5), what the event callback does
    /// (bits 6-7, see `reenter`).
    /// Bytes 4-10: the configuration macros, scaled.
    fn read(input: &mut Input<'_>) -> (Setup, App) {
        let flags = input.byte();
        let size = 8 + usize::from(input.byte());
        let clock = input.byte();
        let records = input.byte();
        let config = RsmqttCoreMqttConfig_t {
            pingrespTimeoutMs: u32::from(input.byte()) * 20,
            packetTxTimeoutMs: u32::from(input.byte()) * 40,
            packetRxTimeoutMs: u32::from(input.byte()) * 40,
            recvPollingTimeoutMs: u32::from(input.byte()),
            sendTimeoutMs: u32::from(input.byte()) * 20,
            subUnsubMaxVectors: 4 + u32::from(input.byte() % 61),
            maxConnackReceiveRetryCount: u32::from(input.byte() % 8),
        };
        // SAFETY: a valid struct.
        assert_eq!(
            unsafe { rsmqtt_coremqtt_config_set(&config) },
            MQTTStatus::MQTTSuccess
        );
        STEP.with(|s| s.set(1 + u32::from(clock & 0x7F)));
        NOW.with(|n| {
            n.set(if clock & 0x80 != 0 {
                u32::MAX - 3000
            } else {
                1000
            })
        });
        REENTER.with(|r| r.set((flags & 0x10 != 0).then_some(u32::from(records >> 6))));
        RETRIEVE_FAILS.with(|r| r.set(records & 0x10 != 0));
        STORE_REFUSES.with(|r| r.set(records & 0x20 != 0));
        STORED.with(|s| s.borrow_mut().clear());
        let free = MQTTPubAckInfo_t {
            packetId: 0,
            qos: 0,
            publishState: 0,
        };
        let setup = Setup {
            connack_from_input: flags & 1 != 0,
            retransmits: flags & 4 != 0,
            writev: flags & 8 != 0,
            prefill: flags & 0x20 != 0,
        };
        let app = App {
            // SAFETY: zeroed memory is what C declares; MQTT_Init writes it.
            ctx: Box::new(unsafe { std::mem::zeroed() }),
            net: Box::new(Net {
                rx: VecDeque::new(),
                tx_plan: VecDeque::new(),
                sent: Vec::new(),
            }),
            buffer: vec![0; size],
            outgoing: vec![free; usize::from(records & 3)],
            incoming: vec![free; usize::from((records >> 2) & 3)],
            clean_session: flags & 2 != 0,
            keep_alive: [0, 1, 5, 60][usize::from(flags >> 6)],
            stream: None,
        };
        (setup, app)
    }
}

/// Records a previous session left: one publish of each kind in flight. The
/// unacknowledged publishes have stored copies, as the store callback made
/// them.
fn prefill(app: &mut App) {
    let out = [(1u16, 1u32, 6u32), (2, 2, 9), (3, 2, 7)];
    for (r, &(id, qos, state)) in app.outgoing.iter_mut().zip(&out) {
        *r = MQTTPubAckInfo_t {
            packetId: id,
            qos,
            publishState: state,
        };
        if state != 9 {
            let topic = TOPICS[0].as_bytes();
            let mut bytes = vec![0x30 | (qos as u8) << 1, (2 + topic.len() + 2 + 1) as u8];
            bytes.extend_from_slice(&(topic.len() as u16).to_be_bytes());
            bytes.extend_from_slice(topic);
            bytes.extend_from_slice(&id.to_be_bytes());
            bytes.push(b'x');
            STORED.with(|s| s.borrow_mut().push((id, bytes)));
        }
    }
    let inc = [(5u16, 2u32, 8u32), (6, 2, 8)];
    for (r, &(id, qos, state)) in app.incoming.iter_mut().zip(&inc) {
        *r = MQTTPubAckInfo_t {
            packetId: id,
            qos,
            publishState: state,
        };
    }
}

fn packet_id(app: &mut App, b: u8) -> u16 {
    if b < 8 {
        // 0 (refused for QoS 1/2) and small ids that collide with records.
        u16::from(b)
    } else {
        // SAFETY: an initialised context.
        unsafe { MQTT_GetPacketId(app.ctx()) }
    }
}

/// One operation: the opcode byte selects it, operands follow.
fn run_op(app: &mut App, input: &mut Input<'_>) {
    match input.byte() % 24 {
        // Bytes from the broker, as one piece of the receive script.
        0..=6 => {
            let n = usize::from(input.byte());
            let bytes = input.take(n).to_vec();
            app.net.rx.push_back(Rx::Data(bytes));
        }
        7 => app.net.rx.push_back(Rx::Nothing),
        8 => app.net.rx.push_back(Rx::Error),
        9 | 10 => app.call("MQTT_ProcessLoop", LOOP_OK, |app| unsafe {
            // SAFETY: an initialised context.
            MQTT_ProcessLoop(app.ctx())
        }),
        11 => app.call("MQTT_ReceiveLoop", LOOP_OK, |app| unsafe {
            // SAFETY: an initialised context.
            MQTT_ReceiveLoop(app.ctx())
        }),
        12 => {
            let flags = input.byte();
            // Bits 0-1 QoS, 2 retain, 3 DUP, 4-6 topic, 7 payload length x4.
            let topic = TOPICS[usize::from(flags >> 4 & 7) % TOPICS.len()];
            let qos = u32::from(flags & 3) % 3;
            let len = usize::from(input.byte()) * if flags & 0x80 != 0 { 4 } else { 1 };
            let payload = input.take(len).to_vec();
            let id_byte = input.byte();
            let id = if qos == 0 { 0 } else { packet_id(app, id_byte) };
            let info = MQTTPublishInfo_t {
                qos,
                retain: flags & 4 != 0,
                // DUP is only for QoS 1/2 (MQTT-3.3.1-2).
                dup: qos != 0 && flags & 8 != 0,
                pTopicName: topic.as_ptr().cast(),
                topicNameLength: topic.len() as u16,
                pPayload: payload.as_ptr().cast(),
                payloadLength: payload.len(),
            };
            app.call("MQTT_Publish", PUBLISH_OK, |app| unsafe {
                // SAFETY: valid struct, topic and payload.
                MQTT_Publish(app.ctx(), &info, id)
            });
        }
        op @ (13 | 14) => {
            let flags = input.byte();
            let count = 1 + usize::from(flags % 6);
            let list: Vec<MQTTSubscribeInfo_t> = (0..count)
                .map(|i| {
                    let f = FILTERS[(usize::from(flags >> 3) + i) % FILTERS.len()];
                    MQTTSubscribeInfo_t {
                        qos: (u32::from(flags >> 6) + i as u32) % 3,
                        pTopicFilter: f.as_ptr().cast(),
                        topicFilterLength: f.len() as u16,
                    }
                })
                .collect();
            let id_byte = input.byte();
            let id = packet_id(app, id_byte);
            if op == 13 {
                app.call("MQTT_Subscribe", SUBSCRIBE_OK, |app| unsafe {
                    // SAFETY: a valid list of `count` entries.
                    MQTT_Subscribe(app.ctx(), list.as_ptr(), list.len(), id)
                });
            } else {
                app.call("MQTT_Unsubscribe", SUBSCRIBE_OK, |app| unsafe {
                    // SAFETY: a valid list of `count` entries.
                    MQTT_Unsubscribe(app.ctx(), list.as_ptr(), list.len(), id)
                });
            }
        }
        15 => app.call("MQTT_Ping", SUBSCRIBE_OK, |app| unsafe {
            // SAFETY: an initialised context.
            MQTT_Ping(app.ctx())
        }),
        16 => {
            let ms = u32::from(input.u16()) * 4;
            NOW.with(|n| n.set(n.get().wrapping_add(ms)));
        }
        17 => {
            let n = input.byte() % 8;
            for _ in 0..n {
                let b = input.byte();
                let entry = match b {
                    0xFF => -1,
                    0xF0..=0xFE => 0,
                    _ => 1 + i32::from(b % 64),
                };
                app.net.tx_plan.push_back(entry);
            }
        }
        18 => app.call("MQTT_Disconnect", SUBSCRIBE_OK, |app| unsafe {
            // SAFETY: an initialised context.
            MQTT_Disconnect(app.ctx())
        }),
        20 => {
            let id = u16::from(input.byte() % 8);
            app.call("MQTT_CancelCallback", CANCEL_OK, |app| unsafe {
                // SAFETY: an initialised context.
                MQTT_CancelCallback(app.ctx(), id)
            });
        }
        21 => {
            // SAFETY: an initialised context.
            let status = unsafe { MQTT_CheckConnectStatus(app.ctx()) };
            let want = [
                MQTTStatus::MQTTStatusNotConnected,
                MQTTStatus::MQTTStatusConnected,
                MQTTStatus::MQTTStatusDisconnectPending,
            ][app.ctx.connectStatus as usize];
            assert_eq!(status, want);
        }
        22 => app.call("MQTT_ProcessLoop", LOOP_OK, |app| unsafe {
            // SAFETY: an initialised context.
            MQTT_ProcessLoop(app.ctx())
        }),
        _ => {
            let b = input.byte();
            app.clean_session = b & 1 != 0;
            let timeout = if b & 2 != 0 {
                0
            } else {
                u32::from(b >> 2) * 16
            };
            app.connect(timeout, b & 0x80 != 0);
        }
    }
}

/// Prints the library's log records (set `RSMQTT_FUZZ_LOG` to see them when
/// reproducing a crash).
extern "C" fn print_log(level: i32, message: *const std::ffi::c_char) {
    // SAFETY: the library passes a NUL-terminated message valid for the call.
    let text = unsafe { std::ffi::CStr::from_ptr(message) };
    eprintln!("rsmqtt[{level}]: {}", text.to_string_lossy());
}

fuzz_target!(|data: &[u8]| {
    static LOG: std::sync::Once = std::sync::Once::new();
    LOG.call_once(|| {
        if std::env::var_os("RSMQTT_FUZZ_LOG").is_some() {
            // SAFETY: a valid callback; any level is accepted.
            unsafe {
                rsmqtt::logging::rsmqtt_log_set_callback(Some(print_log));
                rsmqtt::logging::rsmqtt_log_set_level(rsmqtt::logging::RSMQTT_LOG_DEBUG);
            }
        }
    });
    let mut input = Input(data);
    let (setup, mut app) = Setup::read(&mut input);
    BUFFER.with(|b| {
        let start = app.buffer.as_ptr() as usize;
        b.set((start, start + app.buffer.len()))
    });
    let transport = TransportInterface_t {
        recv: Some(net_recv),
        send: Some(net_send),
        writev: if setup.writev { Some(net_writev) } else { None },
        pNetworkContext: (&mut *app.net as *mut Net).cast(),
    };
    let fixed = MQTTFixedBuffer_t {
        pBuffer: app.buffer.as_mut_ptr(),
        size: app.buffer.len(),
    };
    let out_ptr = if app.outgoing.is_empty() {
        std::ptr::null_mut()
    } else {
        app.outgoing.as_mut_ptr()
    };
    let in_ptr = if app.incoming.is_empty() {
        std::ptr::null_mut()
    } else {
        app.incoming.as_mut_ptr()
    };
    // SAFETY: every pointer is valid and outlives the context.
    unsafe {
        assert_eq!(
            MQTT_Init(app.ctx(), &transport, Some(clock), Some(on_event), &fixed),
            MQTTStatus::MQTTSuccess
        );
        assert_eq!(
            MQTT_InitStatefulQoS(
                app.ctx(),
                out_ptr,
                app.outgoing.len(),
                in_ptr,
                app.incoming.len()
            ),
            MQTTStatus::MQTTSuccess
        );
        if setup.retransmits {
            assert_eq!(
                MQTT_InitRetransmits(app.ctx(), Some(store), Some(retrieve), Some(clear)),
                MQTTStatus::MQTTSuccess
            );
        }
    }
    if setup.prefill {
        prefill(&mut app);
    }
    if !setup.connack_from_input {
        // A valid CONNACK; Session Present when the broker kept a session.
        let present = u8::from(!app.clean_session && setup.prefill);
        app.net.rx.push_back(Rx::Data(vec![0x20, 2, present, 0]));
        app.connect(0, false);
        // CONNECT goes out in at most 11 send calls, each reading the clock
        // at most twice; a send timeout shorter than that may expire.
        let send_timeout = rsmqtt::coremqtt::engine::config::Config::current().send_timeout_ms;
        if send_timeout > 24 * STEP.with(Cell::get)
            && !STORE_REFUSES.with(Cell::get)
            && !RETRIEVE_FAILS.with(Cell::get)
        {
            assert_eq!(app.ctx.connectStatus, 1, "a valid CONNACK did not connect");
        }
    } else {
        // The first operations provide the CONNACK.
        for _ in 0..4 {
            run_op(&mut app, &mut input);
        }
        app.connect(0, false);
    }

    let mut ops = 0;
    while !input.is_empty() && ops < 4096 {
        run_op(&mut app, &mut input);
        ops += 1;
    }
    // Let the loop see whatever the broker still has queued.
    let mut rounds = 0;
    while app.net.has_data() && rounds < 256 {
        app.call("MQTT_ProcessLoop", LOOP_OK, |app| unsafe {
            // SAFETY: an initialised context.
            MQTT_ProcessLoop(app.ctx())
        });
        rounds += 1;
    }
    app.call("MQTT_Disconnect", SUBSCRIBE_OK, |app| unsafe {
        // SAFETY: an initialised context.
        MQTT_Disconnect(app.ctx())
    });
});
