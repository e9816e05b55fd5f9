//! The engine never allocates: a whole session (connect, subscribe, QoS 0/1/2
//! publishes received back, unsubscribe, disconnect) against a real Mosquitto,
//! with a counting global allocator armed only while an `MQTT_*` function runs
//! on this thread. The transport is a raw `TcpStream` (its read and write do
//! not allocate) and the event callback only counts.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rsmqtt::coremqtt::api::*;
use rsmqtt::coremqtt::context::{MQTTContext_t, MQTTDeserializedInfo_t, MQTTPubAckInfo_t};
use rsmqtt::coremqtt::serializer_types::{
    MQTTConnectInfo_t, MQTTFixedBuffer_t, MQTTPacketInfo_t, MQTTPublishInfo_t, MQTTStatus,
    MQTTSubscribeInfo_t,
};
use rsmqtt::coremqtt::transport_interface::{NetworkContext_t, TransportInterface_t};

/// Counts allocations made while this thread's `ARMED` flag is set.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if ARMED.try_with(Cell::get).unwrap_or(false) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if ARMED.try_with(Cell::get).unwrap_or(false) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs one engine call with the counter armed.
fn counted<R>(f: impl FnOnce() -> R) -> R {
    ARMED.with(|a| a.set(true));
    let r = f();
    ARMED.with(|a| a.set(false));
    r
}

thread_local! {
    static PUBLISHES: Cell<usize> = const { Cell::new(0) };
    static ACKS: Cell<usize> = const { Cell::new(0) };
}

unsafe extern "C" fn on_event(
    _: *mut MQTTContext_t,
    _: *mut MQTTPacketInfo_t,
    info: *mut MQTTDeserializedInfo_t,
) {
    if unsafe { !(*info).pPublishInfo.is_null() } {
        PUBLISHES.with(|c| c.set(c.get() + 1));
    } else {
        ACKS.with(|c| c.set(c.get() + 1));
    }
}

extern "C" fn now_ms() -> u32 {
    use std::sync::OnceLock;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_millis() as u32
}

unsafe extern "C" fn recv(
    ctx: *mut NetworkContext_t,
    buf: *mut core::ffi::c_void,
    len: usize,
) -> i32 {
    let stream = unsafe { &mut *ctx.cast::<TcpStream>() };
    match stream.read(unsafe { std::slice::from_raw_parts_mut(buf.cast(), len) }) {
        Ok(0) => -1,
        Ok(n) => n as i32,
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => 0,
        Err(_) => -1,
    }
}

unsafe extern "C" fn send(
    ctx: *mut NetworkContext_t,
    buf: *const core::ffi::c_void,
    len: usize,
) -> i32 {
    let stream = unsafe { &mut *ctx.cast::<TcpStream>() };
    match stream.write(unsafe { std::slice::from_raw_parts(buf.cast(), len) }) {
        Ok(n) => n as i32,
        Err(_) => -1,
    }
}

#[test]
fn a_whole_session_allocates_nothing() {
    let broker = common::Broker::start();
    let mut stream = TcpStream::connect(broker.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(5)))
        .unwrap();

    // Everything the application owns, set up before counting starts.
    let mut ctx: MQTTContext_t = unsafe { std::mem::zeroed() };
    let mut buffer = [0u8; 512];
    let free = MQTTPubAckInfo_t {
        packetId: 0,
        qos: 0,
        publishState: 0,
    };
    let mut outgoing = [free; 4];
    let mut incoming = [free; 4];
    let transport = TransportInterface_t {
        recv: Some(recv),
        send: Some(send),
        writev: None,
        pNetworkContext: (&mut stream as *mut TcpStream).cast(),
    };
    let fixed = MQTTFixedBuffer_t {
        pBuffer: buffer.as_mut_ptr(),
        size: buffer.len(),
    };
    let id = "no-alloc";
    let connect = MQTTConnectInfo_t {
        cleanSession: true,
        keepAliveSeconds: 30,
        pClientIdentifier: id.as_ptr().cast(),
        clientIdentifierLength: id.len() as u16,
        pUserName: std::ptr::null(),
        userNameLength: 0,
        pPassword: std::ptr::null(),
        passwordLength: 0,
    };
    let filter = "noalloc/#";
    let subs = [MQTTSubscribeInfo_t {
        qos: 2,
        pTopicFilter: filter.as_ptr().cast(),
        topicFilterLength: 9,
    }];
    let topic = "noalloc/t";
    let publish = |qos: u32| MQTTPublishInfo_t {
        qos,
        retain: false,
        dup: false,
        pTopicName: topic.as_ptr().cast(),
        topicNameLength: topic.len() as u16,
        pPayload: b"payload".as_ptr().cast(),
        payloadLength: 7,
    };
    let (p0, p1, p2) = (publish(0), publish(1), publish(2));
    let c: *mut MQTTContext_t = &mut ctx;

    // The counter does see allocations made while armed...
    ALLOCATIONS.store(0, Ordering::Relaxed);
    drop(counted(|| {
        std::hint::black_box(Vec::<u8>::with_capacity(16))
    }));
    assert_eq!(ALLOCATIONS.load(Ordering::Relaxed), 1);
    // ...and from here on only MQTT_* calls are counted.
    ALLOCATIONS.store(0, Ordering::Relaxed);
    let mut present = false;
    let deadline = Instant::now() + Duration::from_secs(10);
    let pump = |until: &dyn Fn() -> bool| {
        while !until() {
            let status = counted(|| unsafe { MQTT_ProcessLoop(c) });
            assert!(
                matches!(
                    status,
                    MQTTStatus::MQTTSuccess | MQTTStatus::MQTTNeedMoreBytes
                ),
                "{status:?}"
            );
            assert!(Instant::now() < deadline, "timed out");
        }
    };
    unsafe {
        assert_eq!(
            counted(|| MQTT_Init(c, &transport, Some(now_ms), Some(on_event), &fixed)),
            MQTTStatus::MQTTSuccess
        );
        let records =
            counted(|| MQTT_InitStatefulQoS(c, outgoing.as_mut_ptr(), 4, incoming.as_mut_ptr(), 4));
        assert_eq!(records, MQTTStatus::MQTTSuccess);
        assert_eq!(
            counted(|| MQTT_Connect(c, &connect, std::ptr::null(), 2000, &mut present)),
            MQTTStatus::MQTTSuccess
        );
        let sub_id = counted(|| MQTT_GetPacketId(c));
        assert_eq!(
            counted(|| MQTT_Subscribe(c, subs.as_ptr(), 1, sub_id)),
            MQTTStatus::MQTTSuccess
        );
        pump(&|| ACKS.with(Cell::get) >= 1);
        assert_eq!(counted(|| MQTT_Publish(c, &p0, 0)), MQTTStatus::MQTTSuccess);
        let id1 = counted(|| MQTT_GetPacketId(c));
        assert_eq!(
            counted(|| MQTT_Publish(c, &p1, id1)),
            MQTTStatus::MQTTSuccess
        );
        let id2 = counted(|| MQTT_GetPacketId(c));
        assert_eq!(
            counted(|| MQTT_Publish(c, &p2, id2)),
            MQTTStatus::MQTTSuccess
        );
        pump(&|| PUBLISHES.with(Cell::get) == 3 && records_free(c));
        assert_eq!(counted(|| MQTT_Ping(c)), MQTTStatus::MQTTSuccess);
        let unsub_id = counted(|| MQTT_GetPacketId(c));
        let acks_before = ACKS.with(Cell::get);
        assert_eq!(
            counted(|| MQTT_Unsubscribe(c, subs.as_ptr(), 1, unsub_id)),
            MQTTStatus::MQTTSuccess
        );
        pump(&|| ACKS.with(Cell::get) > acks_before);
        assert_eq!(counted(|| MQTT_Disconnect(c)), MQTTStatus::MQTTSuccess);
    }
    assert_eq!(
        ALLOCATIONS.load(Ordering::Relaxed),
        0,
        "allocations inside MQTT_* calls"
    );
    assert_eq!(PUBLISHES.with(Cell::get), 3);
}

/// Whether every outgoing and incoming record is free again.
unsafe fn records_free(c: *mut MQTTContext_t) -> bool {
    let ctx = unsafe { &*c };
    let all_free = |p: *mut MQTTPubAckInfo_t, n: usize| {
        unsafe { std::slice::from_raw_parts(p, n) }
            .iter()
            .all(|r| r.packetId == 0)
    };
    all_free(
        ctx.outgoingPublishRecords,
        ctx.outgoingPublishRecordMaxCount,
    ) && all_free(
        ctx.incomingPublishRecords,
        ctx.incomingPublishRecordMaxCount,
    )
}
