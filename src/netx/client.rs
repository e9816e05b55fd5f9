//! The Rust side of one `NXD_MQTT_CLIENT`: the engine context, the
//! connection, the receive queue and the client thread.
//!
//! Locking: `engine` (one mutex around the coreMQTT context and the socket)
//! serialises every MQTT operation, whichever thread calls; `shared` guards
//! the receive queue, callbacks and the connect hand-off. No lock is held
//! while an application callback runs, so callbacks may call any API
//! function (including `message_get` from `receive_notify`). The engine lock
//! is taken before `shared` when both are needed, never the other way round.
//!
//! Memory: the application allocates the `NXD_MQTT_CLIENT` block; this state
//! (network buffer, state records, queued messages, stored publishes for
//! resending) lives on the host heap and is released by `delete`.

use core::ffi::c_void;
use std::cell::Cell;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::thread::{JoinHandle, ThreadId};
use std::time::{Duration, Instant};

use super::client_block::*;
use super::engine::{self as mqtt, StatusRaw};
use super::link::{self, Link, Stream};
use super::nx_types::*;
use super::queue::{Message, ReceiveQueue};
use super::secure::{rustls_config, store};
use super::threadx::{UINT, ULONG, USHORT};
use crate::coremqtt::context::{
    MQTTConnectionStatus, MQTTContext_t, MQTTDeserializedInfo_t, MQTTPubAckInfo_t, MQTTVec_t,
};
use crate::coremqtt::serializer_types::{
    MQTTConnectInfo_t, MQTTFixedBuffer_t, MQTTPacketInfo_t, MQTTPublishInfo_t, MQTTStatus,
    MQTTSubscribeInfo_t, MQTT_PACKET_TYPE_PUBACK, MQTT_PACKET_TYPE_PUBCOMP,
    MQTT_PACKET_TYPE_PUBLISH, MQTT_PACKET_TYPE_PUBREC, MQTT_PACKET_TYPE_SUBACK,
    MQTT_PACKET_TYPE_UNSUBACK,
};
use crate::coremqtt::transport_interface::{NetworkContext_t, TransportInterface_t};
use crate::transport::tcp;
use crate::transport::tls::TlsSession;
use crate::transport::ConnectError;

/// Size of each client's receive buffer: the largest incoming packet.
pub const NETWORK_BUFFER_SIZE: usize = 64 * 1024;
/// State records per direction: QoS 1/2 publishes in flight at once.
pub const PUBLISH_RECORDS: usize = 64;
/// Milliseconds per NetX tick (`NX_IP_PERIODIC_RATE` is 100).
// ULONG is 64 bits on LP64 hosts and 32 bits elsewhere: the cast is needed
// on the latter.
#[allow(clippy::unnecessary_cast)]
const MS_PER_TICK: u64 = 1000 / NX_IP_PERIODIC_RATE as u64;
/// How long a non-blocking connect (`NX_NO_WAIT`) may take in all (TCP,
/// TLS handshake, CONNACK) before it reports `NXD_MQTT_CONNECT_FAILURE`.
pub const ASYNC_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the client thread waits for the socket per round.
const POLL_INTERVAL: Duration = Duration::from_millis(10);
/// Packets handled per hold of the engine lock, so publishers get a turn.
const PACKETS_PER_ROUND: usize = 32;
/// Host stack size of the client thread at least (rustls needs room).
const MIN_THREAD_STACK: usize = 256 * 1024;

/// Converts a NetX wait option (ticks) to a deadline; `None` is forever.
// See MS_PER_TICK about the ULONG cast.
#[allow(clippy::unnecessary_cast)]
pub fn deadline_after(wait_option: ULONG) -> Option<Instant> {
    if wait_option == NX_WAIT_FOREVER {
        None
    } else {
        Instant::now().checked_add(Duration::from_millis(
            (wait_option as u64).saturating_mul(MS_PER_TICK),
        ))
    }
}

/// Milliseconds left until `deadline` (at least 1), or `forever`.
fn remaining_ms(deadline: Option<Instant>, forever: u32) -> u32 {
    match deadline {
        None => forever,
        Some(d) => {
            let left = d.saturating_duration_since(Instant::now()).as_millis();
            u32::try_from(left).unwrap_or(u32::MAX).max(1)
        }
    }
}

/// The engine clock: milliseconds since the first call.
unsafe extern "C" fn now_ms() -> u32 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    // Wrapping at 2^32 ms is what coreMQTT expects.
    EPOCH.get_or_init(Instant::now).elapsed().as_millis() as u32
}

/// What the engine's callbacks produced during one engine call.
enum Event {
    Publish(Message),
    Ack { kind: UINT, packet_id: u16 },
}

/// Everything behind the engine lock. The context points into this struct
/// (records, buffer, link), so it is only used where it was placed: inside
/// the `Arc<Client>`.
pub struct Engine {
    ctx: MQTTContext_t,
    link: Link,
    outgoing: Box<[MQTTPubAckInfo_t; PUBLISH_RECORDS]>,
    incoming: Box<[MQTTPubAckInfo_t; PUBLISH_RECORDS]>,
    buffer: Box<[u8]>,
    /// Serialised QoS 1/2 publishes kept for resending after a reconnect.
    resend: HashMap<u16, Vec<u8>>,
    events: Vec<Event>,
    connected: bool,
    ready: bool,
}

// SAFETY: the raw pointers inside (context → records, buffer, link) point
// into this engine's own heap allocations; the engine is only ever used
// behind its mutex, by one thread at a time.
unsafe impl Send for Engine {}

thread_local! {
    /// The engine whose call is running on this thread, for the engine's
    /// callbacks (which only get the context pointer).
    static ACTIVE: Cell<*mut Engine> = const { Cell::new(core::ptr::null_mut()) };
}

/// Runs `call` with the context pointer while the engine callbacks can find
/// `engine`.
fn engine_call<R>(engine: &mut Engine, call: impl FnOnce(*mut MQTTContext_t) -> R) -> R {
    let whole: *mut Engine = engine;
    ACTIVE.with(|a| a.set(whole));
    // SAFETY: `whole` is valid for the whole call (we hold the lock); the
    // pointer to the context is derived from it.
    let result = call(unsafe { core::ptr::addr_of_mut!((*whole).ctx) });
    ACTIVE.with(|a| a.set(core::ptr::null_mut()));
    result
}

/// The engine that is running a call on this thread.
fn active<'a>() -> Option<&'a mut Engine> {
    let ptr = ACTIVE.with(|a| a.get());
    // SAFETY: set by engine_call for the duration of an engine call on this
    // thread; the engine only re-enters us through its callbacks, which touch
    // fields the engine itself does not (events, resend).
    unsafe { ptr.as_mut() }
}

/// Engine event callback: queues incoming publishes and notes acks.
unsafe extern "C" fn on_event(
    _ctx: *mut MQTTContext_t,
    packet: *mut MQTTPacketInfo_t,
    info: *mut MQTTDeserializedInfo_t,
) {
    let Some(engine) = active() else { return };
    if packet.is_null() || info.is_null() {
        return;
    }
    // SAFETY: the engine passes valid packet and deserialised info.
    let (kind, info) = unsafe { ((*packet).r#type, &*info) };
    if kind & 0xF0 == MQTT_PACKET_TYPE_PUBLISH {
        let publish = info.pPublishInfo;
        if publish.is_null() {
            return;
        }
        // SAFETY: for a PUBLISH the engine points at its deserialised view,
        // whose topic and payload point into the network buffer.
        let message = unsafe {
            let p = &*publish;
            let topic = if p.pTopicName.is_null() {
                Vec::new()
            } else {
                core::slice::from_raw_parts(
                    p.pTopicName as *const u8,
                    usize::from(p.topicNameLength),
                )
                .to_vec()
            };
            let payload = if p.pPayload.is_null() || p.payloadLength == 0 {
                Vec::new()
            } else {
                core::slice::from_raw_parts(p.pPayload as *const u8, p.payloadLength).to_vec()
            };
            Message { topic, payload }
        };
        engine.events.push(Event::Publish(message));
        return;
    }
    let kind = match kind {
        MQTT_PACKET_TYPE_PUBACK => MQTT_CONTROL_PACKET_TYPE_PUBACK,
        MQTT_PACKET_TYPE_PUBREC => MQTT_CONTROL_PACKET_TYPE_PUBREC,
        MQTT_PACKET_TYPE_PUBCOMP => MQTT_CONTROL_PACKET_TYPE_PUBCOMP,
        MQTT_PACKET_TYPE_SUBACK => MQTT_CONTROL_PACKET_TYPE_SUBACK,
        MQTT_PACKET_TYPE_UNSUBACK => MQTT_CONTROL_PACKET_TYPE_UNSUBACK,
        _ => return,
    };
    engine.events.push(Event::Ack {
        kind,
        packet_id: info.packetIdentifier,
    });
}

/// Retransmit store: keeps a copy of an outgoing QoS 1/2 publish.
unsafe extern "C" fn store_publish(
    _ctx: *mut MQTTContext_t,
    packet_id: u16,
    vec: *mut MQTTVec_t,
) -> bool {
    let Some(engine) = active() else { return false };
    if vec.is_null() {
        return false;
    }
    // SAFETY: the engine passes its vector list for this publish.
    let vec = unsafe { &*vec };
    if vec.pVector.is_null() && vec.vectorLen > 0 {
        return false;
    }
    let mut bytes = Vec::new();
    // SAFETY: `vectorLen` vectors, each describing readable bytes.
    let vectors = unsafe { core::slice::from_raw_parts(vec.pVector, vec.vectorLen) };
    for v in vectors {
        if v.iov_len > 0 && !v.iov_base.is_null() {
            // SAFETY: as above.
            bytes.extend_from_slice(unsafe {
                core::slice::from_raw_parts(v.iov_base as *const u8, v.iov_len)
            });
        }
    }
    engine.resend.insert(packet_id, bytes);
    true
}

/// Retransmit retrieve: hands a stored publish back for resending.
unsafe extern "C" fn retrieve_publish(
    _ctx: *mut MQTTContext_t,
    packet_id: u16,
    out: *mut *mut u8,
    out_len: *mut usize,
) -> bool {
    let Some(engine) = active() else { return false };
    let Some(bytes) = engine.resend.get_mut(&packet_id) else {
        return false;
    };
    if out.is_null() || out_len.is_null() {
        return false;
    }
    // SAFETY: the engine passes valid out-pointers; the bytes stay in the
    // map (behind the engine lock) until the engine clears them.
    unsafe {
        *out = bytes.as_mut_ptr();
        *out_len = bytes.len();
    }
    true
}

/// Retransmit clear: the publish was acknowledged.
unsafe extern "C" fn clear_publish(_ctx: *mut MQTTContext_t, packet_id: u16) {
    if let Some(engine) = active() {
        engine.resend.remove(&packet_id);
    }
}

impl Engine {
    fn new() -> Self {
        // SAFETY: MQTTContext_t is plain data for which all-zero is the state
        // before MQTT_Init (NULL pointers, None callbacks, zero counters).
        let ctx: MQTTContext_t = unsafe { core::mem::zeroed() };
        let empty = MQTTPubAckInfo_t {
            packetId: 0,
            qos: 0,
            publishState: 0,
        };
        Engine {
            ctx,
            link: Link::default(),
            outgoing: Box::new([empty; PUBLISH_RECORDS]),
            incoming: Box::new([empty; PUBLISH_RECORDS]),
            buffer: vec![0u8; NETWORK_BUFFER_SIZE].into_boxed_slice(),
            resend: HashMap::new(),
            events: Vec::new(),
            connected: false,
            ready: false,
        }
    }

    /// Initialises the context in place (once the engine is at its final
    /// address).
    fn init(&mut self) -> bool {
        if self.ready {
            return true;
        }
        let transport = TransportInterface_t {
            recv: Some(link::link_recv),
            send: Some(link::link_send),
            writev: Some(link::link_writev),
            pNetworkContext: &mut self.link as *mut Link as *mut NetworkContext_t,
        };
        let buffer = MQTTFixedBuffer_t {
            pBuffer: self.buffer.as_mut_ptr(),
            size: self.buffer.len(),
        };
        let out = self.outgoing.as_mut_ptr();
        let inc = self.incoming.as_mut_ptr();
        let ok = engine_call(self, |ctx| {
            // SAFETY: ctx, transport, buffer and records are valid and owned by
            // this engine, which does not move while the client lives.
            unsafe {
                mqtt::MQTT_Init(ctx, &transport, Some(now_ms), Some(on_event), &buffer)
                    == MQTTStatus::MQTTSuccess as u32
                    && mqtt::MQTT_InitStatefulQoS(ctx, out, PUBLISH_RECORDS, inc, PUBLISH_RECORDS)
                        == MQTTStatus::MQTTSuccess as u32
                    && mqtt::MQTT_InitRetransmits(
                        ctx,
                        Some(store_publish),
                        Some(retrieve_publish),
                        Some(clear_publish),
                    ) == MQTTStatus::MQTTSuccess as u32
            }
        });
        self.ready = ok;
        ok
    }

    /// Closes the socket and puts the context back to "not connected"
    /// without sending anything (the connection is gone or being dropped).
    fn drop_connection(&mut self) {
        if let Some(stream) = self.link.stream.take() {
            stream.close();
        }
        self.connected = false;
        self.ctx.connectStatus = MQTTConnectionStatus::MQTTNotConnected as u32;
        self.ctx.waitingForPingResp = false;
        self.ctx.index = 0;
    }
}

/// Will message settings, copied from `will_message_set`.
#[derive(Clone, Default)]
pub struct Will {
    /// Topic.
    pub topic: Vec<u8>,
    /// Message.
    pub message: Vec<u8>,
    /// Retain flag.
    pub retain: bool,
    /// QoS 0, 1 or 2.
    pub qos: u32,
}

/// A connect request handed to the client thread.
struct ConnectRequest {
    server: SocketAddr,
    keepalive: u16,
    clean_session: bool,
    deadline: Option<Instant>,
    tls: Option<NXD_MQTT_TLS_SETUP>,
    client_id: Vec<u8>,
    blocking: bool,
    notify: NXD_MQTT_CONNECT_NOTIFY,
    notify_context: usize,
}

/// State behind the `shared` lock.
struct Shared {
    queue: ReceiveQueue,
    receive_notify: NXD_MQTT_RECEIVE_NOTIFY,
    disconnect_notify: NXD_MQTT_DISCONNECT_NOTIFY,
    ack_notify: NXD_MQTT_ACK_RECEIVE_NOTIFY,
    ack_context: usize,
    login: Option<(Vec<u8>, Option<Vec<u8>>)>,
    will: Option<Will>,
    pending: Option<ConnectRequest>,
    connecting: bool,
    connect_result: Option<UINT>,
    ping_timeout: Duration,
    stop: bool,
}

/// One NetX MQTT client.
pub struct Client {
    block: usize,
    engine: Mutex<Engine>,
    shared: Mutex<Shared>,
    /// Wakes the client thread (new request, queue drained, stop) and the
    /// threads waiting for a connect result or a free publish record.
    wake: Condvar,
    thread: Mutex<Option<JoinHandle<()>>>,
    thread_id: OnceLock<ThreadId>,
    /// File descriptor of the current socket (-1 when none), polled by the
    /// client thread without the engine lock.
    fd: AtomicI32,
    /// A clone of the current socket, to interrupt blocked calls on delete.
    interrupt: Mutex<Option<TcpStream>>,
    stopping: AtomicBool,
    /// Most outgoing QoS 1/2 publishes awaiting acknowledgement at once.
    inflight_limit: AtomicUsize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section leaves its data consistent before anything can
    // panic (and panics are caught at the C boundary), so a poisoned lock is
    // still usable.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Maps an engine status from publish/subscribe/unsubscribe to NetX.
fn send_status(status: StatusRaw) -> UINT {
    match status {
        s if s == MQTTStatus::MQTTSuccess as u32 => NXD_MQTT_SUCCESS,
        s if s == MQTTStatus::MQTTBadParameter as u32 => NXD_MQTT_INVALID_PARAMETER,
        s if s == MQTTStatus::MQTTNoMemory as u32 => NXD_MQTT_PACKET_POOL_EMPTY,
        s if s == MQTTStatus::MQTTStatusNotConnected as u32
            || s == MQTTStatus::MQTTStatusDisconnectPending as u32 =>
        {
            NXD_MQTT_NOT_CONNECTED
        }
        s if s == MQTTStatus::MQTTSendFailed as u32 => NXD_MQTT_COMMUNICATION_FAILURE,
        _ => NXD_MQTT_INTERNAL_ERROR,
    }
}

/// The registry of live clients, by control-block address.
fn registry() -> MutexGuard<'static, HashMap<usize, Arc<Client>>> {
    static CLIENTS: OnceLock<Mutex<HashMap<usize, Arc<Client>>>> = OnceLock::new();
    lock(CLIENTS.get_or_init(|| Mutex::new(HashMap::new())))
}

/// The client created on `block`, if any.
pub fn find(block: *mut NXD_MQTT_CLIENT) -> Option<Arc<Client>> {
    registry().get(&(block as usize)).cloned()
}

/// Converts a NetX address and port to a socket address.
pub fn socket_addr(address: &NXD_ADDRESS, port: UINT) -> Option<SocketAddr> {
    let port = u16::try_from(port).ok().filter(|p| *p != 0)?;
    let ip = match address.nxd_ip_version {
        // SAFETY: the version says which union member the application wrote.
        NX_IP_VERSION_V4 => IpAddr::V4(Ipv4Addr::from(unsafe { address.nxd_ip_address.v4 } as u32)),
        NX_IP_VERSION_V6 => {
            // SAFETY: as above.
            let words = unsafe { address.nxd_ip_address.v6 };
            let mut bytes = [0u8; 16];
            for (chunk, word) in bytes.chunks_exact_mut(4).zip(words) {
                chunk.copy_from_slice(&(word as u32).to_be_bytes());
            }
            IpAddr::V6(Ipv6Addr::from(bytes))
        }
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

/// Atomic view of a `UINT` field of the application's control block, which
/// the application may read while the client thread writes it.
///
/// # Safety
/// `field` points into a live control block.
unsafe fn field(field: *mut UINT) -> &'static AtomicU32 {
    // SAFETY: UINT is u32, aligned for AtomicU32; the block outlives the
    // client (delete joins the thread before returning).
    unsafe { AtomicU32::from_ptr(field) }
}

impl Client {
    fn block(&self) -> *mut NXD_MQTT_CLIENT {
        self.block as *mut NXD_MQTT_CLIENT
    }

    fn set_state(&self, state: UINT) {
        // SAFETY: the block is live while the client is registered.
        unsafe {
            field(core::ptr::addr_of_mut!(
                (*self.block()).nxd_mqtt_client_state
            ))
        }
        .store(state, Ordering::SeqCst);
    }

    /// The state the application sees in `nxd_mqtt_client_state`.
    pub fn state(&self) -> UINT {
        // SAFETY: as in set_state.
        unsafe {
            field(core::ptr::addr_of_mut!(
                (*self.block()).nxd_mqtt_client_state
            ))
        }
        .load(Ordering::SeqCst)
    }

    fn set_block_field(&self, pick: impl FnOnce(*mut NXD_MQTT_CLIENT) -> *mut UINT, value: UINT) {
        // SAFETY: as in set_state.
        unsafe { field(pick(self.block())) }.store(value, Ordering::SeqCst);
    }

    /// Creates the client for `block` and starts its thread.
    pub fn create(
        block: *mut NXD_MQTT_CLIENT,
        name: String,
        stack_size: usize,
    ) -> Result<(), UINT> {
        let mut clients = registry();
        if clients.contains_key(&(block as usize)) {
            return Err(NXD_MQTT_INVALID_STATE);
        }
        let client = Arc::new(Client {
            block: block as usize,
            engine: Mutex::new(Engine::new()),
            shared: Mutex::new(Shared {
                queue: ReceiveQueue::new(RSMQTT_NXD_MQTT_RECEIVE_QUEUE_LIMIT as usize),
                receive_notify: None,
                disconnect_notify: None,
                ack_notify: None,
                ack_context: 0,
                login: None,
                will: None,
                pending: None,
                connecting: false,
                connect_result: None,
                ping_timeout: Duration::from_secs(1),
                stop: false,
            }),
            wake: Condvar::new(),
            thread: Mutex::new(None),
            thread_id: OnceLock::new(),
            fd: AtomicI32::new(-1),
            interrupt: Mutex::new(None),
            stopping: AtomicBool::new(false),
            inflight_limit: AtomicUsize::new(RSMQTT_NXD_MQTT_MAX_INFLIGHT as usize),
        });
        if !lock(&client.engine).init() {
            return Err(NXD_MQTT_INTERNAL_ERROR);
        }
        let runner = Arc::clone(&client);
        let handle = std::thread::Builder::new()
            .name(name)
            .stack_size(stack_size.max(MIN_THREAD_STACK))
            .spawn(move || runner.run())
            .map_err(|_| NXD_MQTT_INTERNAL_ERROR)?;
        let _ = client.thread_id.set(handle.thread().id());
        *lock(&client.thread) = Some(handle);
        clients.insert(block as usize, client);
        Ok(())
    }

    /// Stops the client: disconnects (with the disconnect notification),
    /// joins the thread, frees everything, forgets the TLS session.
    pub fn delete(block: *mut NXD_MQTT_CLIENT) -> UINT {
        let Some(client) = registry().remove(&(block as usize)) else {
            return NXD_MQTT_CLIENT_NOT_RUNNING;
        };
        client.stopping.store(true, Ordering::SeqCst);
        if lock(&client.shared).connecting {
            // A connect holds the engine while it waits for the broker: cut
            // its socket so it fails now instead of when its wait ends.
            if let Some(tcp) = lock(&client.interrupt).take() {
                let _ = tcp.shutdown(std::net::Shutdown::Both);
            }
        }
        let _ = client.disconnect();
        {
            let mut shared = lock(&client.shared);
            shared.stop = true;
            shared.pending = None;
            shared.queue.clear();
        }
        client.wake.notify_all();
        if let Some(tcp) = lock(&client.interrupt).take() {
            let _ = tcp.shutdown(std::net::Shutdown::Both);
        }
        let handle = lock(&client.thread).take();
        if let Some(handle) = handle {
            if client.thread_id.get() == Some(&std::thread::current().id()) {
                // Called from a callback on the client thread: it ends by
                // itself once the callback returns.
                drop(handle);
            } else {
                let _ = handle.join();
            }
        }
        {
            let mut engine = lock(&client.engine);
            engine.drop_connection();
            engine.resend.clear();
            engine.events.clear();
        }
        let session = block as usize + core::mem::offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_tls_session);
        store::delete(session);
        client.set_state(NXD_MQTT_CLIENT_STATE_INITIALIZE);
        NXD_MQTT_SUCCESS
    }

    /// Sets how many outgoing QoS 1/2 publishes may await acknowledgement.
    pub fn set_inflight_limit(&self, limit: usize) {
        self.inflight_limit
            .store(limit.clamp(1, PUBLISH_RECORDS), Ordering::Relaxed);
    }

    /// Sets the bound of the receive queue.
    pub fn set_queue_limit(&self, limit: usize) {
        lock(&self.shared).queue.set_limit(limit);
        self.wake.notify_all();
    }

    /// Sets the receive notification.
    pub fn set_receive_notify(&self, notify: NXD_MQTT_RECEIVE_NOTIFY) {
        lock(&self.shared).receive_notify = notify;
    }

    /// Sets the disconnect notification.
    pub fn set_disconnect_notify(&self, notify: NXD_MQTT_DISCONNECT_NOTIFY) {
        lock(&self.shared).disconnect_notify = notify;
    }

    /// Records user name and password for the next connects.
    pub fn set_login(&self, login: Option<(Vec<u8>, Option<Vec<u8>>)>) {
        lock(&self.shared).login = login;
    }

    /// Records the will for the next connects.
    pub fn set_will(&self, will: Option<Will>) {
        lock(&self.shared).will = will;
    }

    /// Starts a connection. `tls` is the setup callback for
    /// `secure_connect`. Blocks until done unless `wait_option` is
    /// `NX_NO_WAIT` (then `NX_IN_PROGRESS`; completion goes to
    /// `nxd_mqtt_connect_notify`).
    pub fn connect(
        &self,
        server: SocketAddr,
        tls: Option<NXD_MQTT_TLS_SETUP>,
        keepalive: UINT,
        clean_session: bool,
        wait_option: ULONG,
    ) -> UINT {
        let Ok(keepalive) = u16::try_from(keepalive) else {
            return NXD_MQTT_INVALID_PARAMETER;
        };
        let block = self.block();
        // SAFETY: the block is live; these fields are written by the
        // application before it calls connect.
        let (client_id, notify, notify_context, ack_notify, ack_context, ping_ticks) = unsafe {
            let b = &*block;
            let id = if b.nxd_mqtt_client_id.is_null() || b.nxd_mqtt_client_id_length == 0 {
                Vec::new()
            } else {
                core::slice::from_raw_parts(
                    b.nxd_mqtt_client_id as *const u8,
                    b.nxd_mqtt_client_id_length as usize,
                )
                .to_vec()
            };
            (
                id,
                b.nxd_mqtt_connect_notify,
                b.nxd_mqtt_connect_context as usize,
                b.nxd_mqtt_ack_receive_notify,
                b.nxd_mqtt_ack_receive_context as usize,
                b.nxd_mqtt_ping_timeout,
            )
        };
        if client_id.len() > usize::from(u16::MAX) {
            return NXD_MQTT_INVALID_PARAMETER;
        }
        if self.connecting() {
            return NXD_MQTT_CONNECTING;
        }
        {
            let engine = lock(&self.engine);
            if engine.connected {
                return NXD_MQTT_ALREADY_CONNECTED;
            }
            let mut shared = lock(&self.shared);
            if shared.stop {
                return NXD_MQTT_CLIENT_NOT_RUNNING;
            }
            if shared.connecting {
                return NXD_MQTT_CONNECTING;
            }
            let ping_timeout = Duration::from_millis(u64::from(ping_ticks.max(1)) * MS_PER_TICK);
            shared.ping_timeout = ping_timeout;
            shared.ack_notify = ack_notify;
            shared.ack_context = ack_context;
            shared.connecting = true;
            shared.connect_result = None;
            shared.pending = Some(ConnectRequest {
                server,
                keepalive,
                clean_session,
                deadline: if wait_option == NX_NO_WAIT {
                    Instant::now().checked_add(ASYNC_CONNECT_TIMEOUT)
                } else {
                    deadline_after(wait_option)
                },
                tls,
                client_id,
                blocking: wait_option != NX_NO_WAIT,
                notify,
                notify_context,
            });
        }
        self.set_state(NXD_MQTT_CLIENT_STATE_CONNECTING);
        self.wake.notify_all();
        if wait_option == NX_NO_WAIT {
            return NX_IN_PROGRESS;
        }
        if self.thread_id.get() == Some(&std::thread::current().id()) {
            // Called from a callback on the client thread (say, reconnecting
            // from disconnect_notify): that thread cannot also serve the
            // request, so the connect runs right here.
            let request = lock(&self.shared).pending.take();
            if let Some(request) = request {
                self.do_connect(request);
            }
        }
        let mut shared = lock(&self.shared);
        loop {
            if let Some(result) = shared.connect_result.take() {
                return result;
            }
            if shared.stop && shared.pending.is_none() && !shared.connecting {
                return NXD_MQTT_CLIENT_NOT_RUNNING;
            }
            shared = self
                .wake
                .wait_timeout(shared, POLL_INTERVAL)
                .map(|(g, _)| g)
                .unwrap_or_else(|p| p.into_inner().0);
        }
    }

    /// Publishes; returns once the PUBLISH is sent. QoS 1/2 wait up to
    /// `wait_option` for a free state record when many are in flight.
    pub fn publish(
        &self,
        topic: &[u8],
        payload: &[u8],
        retain: bool,
        qos: u32,
        wait_option: ULONG,
    ) -> UINT {
        let Ok(topic_len) = u16::try_from(topic.len()) else {
            return NXD_MQTT_INVALID_PARAMETER;
        };
        let deadline = deadline_after(wait_option);
        loop {
            if self.connecting() {
                return NXD_MQTT_NOT_CONNECTED;
            }
            let mut engine = lock(&self.engine);
            if !engine.connected {
                return NXD_MQTT_NOT_CONNECTED;
            }
            let in_flight = engine.outgoing.iter().filter(|r| r.packetId != 0).count();
            let status = if qos > 0 && in_flight >= self.inflight_limit.load(Ordering::Relaxed) {
                // The window is full: wait like for a full record table.
                (MQTTStatus::MQTTNoMemory as u32, 0)
            } else {
                engine_call(&mut engine, |ctx| {
                    // SAFETY: ctx is the locked engine's context; topic and
                    // payload outlive the call.
                    unsafe {
                        let id = if qos > 0 {
                            mqtt::MQTT_GetPacketId(ctx)
                        } else {
                            0
                        };
                        let info = MQTTPublishInfo_t {
                            qos,
                            retain,
                            dup: false,
                            pTopicName: topic.as_ptr() as *const core::ffi::c_char,
                            topicNameLength: topic_len,
                            pPayload: payload.as_ptr() as *const c_void,
                            payloadLength: payload.len(),
                        };
                        (mqtt::MQTT_Publish(ctx, &info, id), id)
                    }
                })
            };
            drop(engine);
            let (status, id) = status;
            if status == MQTTStatus::MQTTNoMemory as u32 && qos > 0 {
                let expired = deadline.is_some_and(|d| Instant::now() >= d);
                if expired {
                    return NXD_MQTT_PACKET_POOL_EMPTY;
                }
                // Wait for an acknowledgement to free a record.
                let shared = lock(&self.shared);
                let _ = self.wake.wait_timeout(shared, Duration::from_millis(5));
                continue;
            }
            let result = send_status(status);
            if result == NXD_MQTT_SUCCESS && qos > 0 {
                self.set_block_field(
                    // SAFETY: field of the live block.
                    |b| unsafe { core::ptr::addr_of_mut!((*b).nxd_mqtt_client_packet_identifier) },
                    UINT::from(id),
                );
            }
            return result;
        }
    }

    /// Subscribes (`subscribe` true) or unsubscribes one topic filter;
    /// returns once the packet is sent.
    pub fn sub_unsub(&self, subscribe: bool, filter: &[u8], qos: u32) -> UINT {
        let Ok(len) = u16::try_from(filter.len()) else {
            return NXD_MQTT_INVALID_PARAMETER;
        };
        if self.connecting() {
            return NXD_MQTT_NOT_CONNECTED;
        }
        let mut engine = lock(&self.engine);
        if !engine.connected {
            return NXD_MQTT_NOT_CONNECTED;
        }
        let (status, id) = engine_call(&mut engine, |ctx| {
            let info = MQTTSubscribeInfo_t {
                qos,
                pTopicFilter: filter.as_ptr() as *const core::ffi::c_char,
                topicFilterLength: len,
            };
            // SAFETY: ctx is the locked engine's context; `info` and the
            // filter outlive the call.
            unsafe {
                let id = mqtt::MQTT_GetPacketId(ctx);
                let status = if subscribe {
                    mqtt::MQTT_Subscribe(ctx, &info, 1, id)
                } else {
                    mqtt::MQTT_Unsubscribe(ctx, &info, 1, id)
                };
                (status, id)
            }
        });
        drop(engine);
        let result = send_status(status);
        if result == NXD_MQTT_SUCCESS {
            self.set_block_field(
                // SAFETY: field of the live block.
                |b| unsafe { core::ptr::addr_of_mut!((*b).nxd_mqtt_client_packet_identifier) },
                UINT::from(id),
            );
        }
        result
    }

    /// Copies the oldest queued message out (see [`ReceiveQueue::take`]).
    pub fn message_get(&self, topic: &mut [u8], payload: &mut [u8]) -> (UINT, usize, usize) {
        let mut shared = lock(&self.shared);
        let was_full = shared.queue.is_full();
        let result = match shared.queue.take(topic, payload) {
            super::queue::Take::Empty => (NXD_MQTT_NO_MESSAGE, 0, 0),
            super::queue::Take::TooSmall {
                topic_len,
                payload_len,
            } => (NXD_MQTT_INSUFFICIENT_BUFFER_SPACE, topic_len, payload_len),
            super::queue::Take::Copied {
                topic_len,
                payload_len,
            } => (NXD_MQTT_SUCCESS, topic_len, payload_len),
        };
        let depth = shared.queue.len() as UINT;
        drop(shared);
        self.set_block_field(
            // SAFETY: field of the live block.
            |b| unsafe { core::ptr::addr_of_mut!((*b).message_receive_queue_depth) },
            depth,
        );
        if was_full {
            // The client thread may resume reading the socket.
            self.wake.notify_all();
        }
        result
    }

    /// The application's disconnect: sends DISCONNECT, closes the
    /// connection, drops queued messages and the login and will settings,
    /// then calls the disconnect notification.
    pub fn disconnect(&self) -> UINT {
        if self.connecting() {
            // Abort the attempt: its socket is cut, the connect fails and
            // reports as usual (its caller or connect_notify).
            if let Some(tcp) = lock(&self.interrupt).take() {
                let _ = tcp.shutdown(std::net::Shutdown::Both);
                return NXD_MQTT_SUCCESS;
            }
            return NXD_MQTT_NOT_CONNECTED;
        }
        let mut engine = lock(&self.engine);
        if !engine.connected {
            return NXD_MQTT_NOT_CONNECTED;
        }
        engine_call(&mut engine, |ctx| {
            // SAFETY: ctx is the locked engine's context.
            unsafe { mqtt::MQTT_Disconnect(ctx) }
        });
        engine.drop_connection();
        self.fd.store(-1, Ordering::SeqCst);
        *lock(&self.interrupt) = None;
        let notify = {
            let mut shared = lock(&self.shared);
            shared.queue.clear();
            shared.login = None;
            shared.will = None;
            shared.disconnect_notify
        };
        drop(engine);
        self.clear_login_fields();
        self.set_block_field(
            // SAFETY: field of the live block.
            |b| unsafe { core::ptr::addr_of_mut!((*b).message_receive_queue_depth) },
            0,
        );
        self.set_state(NXD_MQTT_CLIENT_STATE_IDLE);
        if let Some(notify) = notify {
            // SAFETY: the application's registered callback, called with its
            // own block and no lock held.
            unsafe { notify(self.block()) };
        }
        NXD_MQTT_SUCCESS
    }

    /// Whether a connect is under way (then the engine may be busy for as
    /// long as the connect's wait option, so other calls answer at once).
    fn connecting(&self) -> bool {
        lock(&self.shared).connecting
    }

    fn clear_login_fields(&self) {
        // SAFETY: the block is live; these pointer fields are only written by
        // the application's own login_set/will_message_set calls, which it
        // does not run concurrently with disconnect.
        unsafe {
            let b = &mut *self.block();
            b.nxd_mqtt_client_username = core::ptr::null_mut();
            b.nxd_mqtt_client_username_length = 0;
            b.nxd_mqtt_client_password = core::ptr::null_mut();
            b.nxd_mqtt_client_password_length = 0;
            b.nxd_mqtt_client_will_topic = core::ptr::null();
            b.nxd_mqtt_client_will_topic_length = 0;
            b.nxd_mqtt_client_will_message = core::ptr::null();
            b.nxd_mqtt_client_will_message_length = 0;
            b.nxd_mqtt_client_will_qos_retain = 0;
        }
    }

    /// The client thread.
    fn run(self: Arc<Self>) {
        loop {
            let request = {
                let mut shared = lock(&self.shared);
                if shared.stop {
                    break;
                }
                shared.pending.take()
            };
            if let Some(request) = request {
                self.do_connect(request);
                continue;
            }
            self.service();
        }
        let mut shared = lock(&self.shared);
        shared.connecting = false;
        if shared.connect_result.is_none() {
            shared.connect_result = Some(NXD_MQTT_CLIENT_NOT_RUNNING);
        }
        drop(shared);
        self.wake.notify_all();
    }

    /// One round of the client thread while no connect is pending: wait for
    /// data (without the lock), then let the engine process what arrived,
    /// send keep-alives and detect a dead connection.
    fn service(&self) {
        let (full, ping_timeout) = {
            let shared = lock(&self.shared);
            (shared.queue.is_full(), shared.ping_timeout)
        };
        let fd = self.fd.load(Ordering::SeqCst);
        if fd < 0 || full {
            // Nothing to read, or the queue is full: leave the data in the
            // socket so TCP flow control holds the broker back.
            let shared = lock(&self.shared);
            if !shared.stop && shared.pending.is_none() {
                let _ = self.wake.wait_timeout(shared, POLL_INTERVAL);
            }
            return;
        }
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd; a stale descriptor only yields a spurious
        // wake-up, after which the engine (under its lock) decides.
        unsafe { libc::poll(&mut pfd, 1, POLL_INTERVAL.as_millis() as libc::c_int) };

        let mut lost = false;
        let mut events = Vec::new();
        {
            let mut engine = lock(&self.engine);
            if !engine.connected {
                return;
            }
            for _ in 0..PACKETS_PER_ROUND {
                let (queued, limit) = {
                    let shared = lock(&self.shared);
                    (shared.queue.len(), shared.queue.limit())
                };
                if queued + events_publishes(&events) + engine_publishes(&engine) >= limit {
                    break;
                }
                engine.link.bytes_in = 0;
                let status = engine_call(&mut engine, |ctx| {
                    // SAFETY: ctx is the locked engine's context.
                    unsafe { mqtt::MQTT_ProcessLoop(ctx) }
                });
                if status != MQTTStatus::MQTTSuccess as u32
                    && status != MQTTStatus::MQTTNeedMoreBytes as u32
                    && status != MQTTStatus::MQTTNoDataAvailable as u32
                {
                    log::warn!("rsmqtt: connection lost (engine status {status})");
                    lost = true;
                    break;
                }
                let more = engine.link.bytes_in > 0
                    || engine
                        .link
                        .stream
                        .as_mut()
                        .is_some_and(Stream::has_buffered_plaintext);
                if !more {
                    break;
                }
            }
            if !lost && engine.ctx.waitingForPingResp {
                // SAFETY: plain function.
                let waited = unsafe { now_ms() }.wrapping_sub(engine.ctx.pingReqSendTimeMs);
                self.set_block_field(
                    // SAFETY: field of the live block.
                    |b| unsafe { core::ptr::addr_of_mut!((*b).nxd_mqtt_ping_not_responded) },
                    1,
                );
                if u128::from(waited) > ping_timeout.as_millis() {
                    log::warn!("rsmqtt: no PINGRESP within {ping_timeout:?}; disconnecting");
                    lost = true;
                }
            } else {
                self.set_block_field(
                    // SAFETY: field of the live block.
                    |b| unsafe { core::ptr::addr_of_mut!((*b).nxd_mqtt_ping_not_responded) },
                    0,
                );
            }
            events.append(&mut engine.events);
            if lost {
                engine.drop_connection();
                self.fd.store(-1, Ordering::SeqCst);
                *lock(&self.interrupt) = None;
            }
        }
        self.deliver(events);
        if lost {
            self.set_state(NXD_MQTT_CLIENT_STATE_IDLE);
            let notify = lock(&self.shared).disconnect_notify;
            if let Some(notify) = notify {
                // SAFETY: the application's callback, no lock held.
                unsafe { notify(self.block()) };
            }
        }
    }

    /// Queues received messages and runs the application's notifications
    /// (no lock held while they run).
    fn deliver(&self, events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        let mut acked = false;
        for event in events {
            match event {
                Event::Publish(message) => {
                    let (notify, depth) = {
                        let mut shared = lock(&self.shared);
                        shared.queue.push(message);
                        (shared.receive_notify, shared.queue.len() as UINT)
                    };
                    self.set_block_field(
                        // SAFETY: field of the live block.
                        |b| unsafe { core::ptr::addr_of_mut!((*b).message_receive_queue_depth) },
                        depth,
                    );
                    if let Some(notify) = notify {
                        // SAFETY: the application's callback, no lock held.
                        unsafe { notify(self.block(), depth) };
                    }
                }
                Event::Ack { kind, packet_id } => {
                    acked = true;
                    let (notify, context) = {
                        let shared = lock(&self.shared);
                        (shared.ack_notify, shared.ack_context)
                    };
                    if let Some(notify) = notify {
                        // SAFETY: the application's callback, no lock held.
                        unsafe {
                            notify(
                                self.block(),
                                kind,
                                packet_id as USHORT,
                                core::ptr::null_mut(),
                                context as *mut c_void,
                            )
                        };
                    }
                }
            }
        }
        if acked {
            // A publisher may be waiting for a free state record.
            self.wake.notify_all();
        }
    }

    /// Carries out a connect request on the client thread.
    fn do_connect(&self, request: ConnectRequest) {
        let (status, connack_seen) = self.establish(&request);
        if status == NXD_MQTT_SUCCESS {
            self.set_state(NXD_MQTT_CLIENT_STATE_CONNECTED);
        } else {
            self.set_state(NXD_MQTT_CLIENT_STATE_IDLE);
        }
        {
            let mut shared = lock(&self.shared);
            shared.connecting = false;
            if request.blocking {
                shared.connect_result = Some(status);
            }
        }
        self.wake.notify_all();
        if !request.blocking || connack_seen {
            if let Some(notify) = request.notify {
                // SAFETY: the application's callback, no lock held.
                unsafe { notify(self.block(), status, request.notify_context as *mut c_void) };
            }
        }
    }

    /// TCP connect, optional TLS handshake, then MQTT CONNECT/CONNACK.
    /// Returns the NetX status and whether a CONNACK arrived.
    fn establish(&self, request: &ConnectRequest) -> (UINT, bool) {
        let limit = request
            .deadline
            .map(|_| Duration::from_millis(u64::from(remaining_ms(request.deadline, u32::MAX))));
        let tcp = match tcp::connect_addr(request.server, limit) {
            Ok(tcp) => tcp,
            Err(e) => {
                log::error!("rsmqtt: TCP {e}");
                return (NXD_MQTT_CONNECT_FAILURE, false);
            }
        };
        *lock(&self.interrupt) = tcp.try_clone().ok();
        if self.stopping.load(Ordering::SeqCst) {
            return (NXD_MQTT_CLIENT_NOT_RUNNING, false);
        }
        let stream = match request.tls {
            None => Stream::Plain(tcp),
            Some(setup) => match self.secure(tcp, setup, request) {
                Ok(stream) => stream,
                Err(code) => return (code, false),
            },
        };

        let (username, password, will) = {
            let shared = lock(&self.shared);
            let (u, p) = match &shared.login {
                Some((u, p)) => (Some(u.clone()), p.clone()),
                None => (None, None),
            };
            (u, p, shared.will.clone())
        };
        let fd = stream.raw_fd();
        let mut engine = lock(&self.engine);
        engine.link.install(stream);
        engine.link.tap = Some(heapless::Vec::new());
        let connect_info = MQTTConnectInfo_t {
            cleanSession: request.clean_session,
            keepAliveSeconds: request.keepalive,
            // NULL for an empty id: the coreMQTT face reads the first byte of
            // a non-NULL identifier (coreMQTT v3-CodeBase's rule), and an
            // empty Vec's pointer is dangling.
            pClientIdentifier: if request.client_id.is_empty() {
                core::ptr::null()
            } else {
                request.client_id.as_ptr() as *const core::ffi::c_char
            },
            clientIdentifierLength: request.client_id.len() as u16,
            pUserName: username.as_ref().map_or(core::ptr::null(), |u| {
                u.as_ptr() as *const core::ffi::c_char
            }),
            userNameLength: username.as_ref().map_or(0, |u| u.len() as u16),
            pPassword: password.as_ref().map_or(core::ptr::null(), |p| {
                p.as_ptr() as *const core::ffi::c_char
            }),
            passwordLength: password.as_ref().map_or(0, |p| p.len() as u16),
        };
        let will_info = will.as_ref().map(|w| MQTTPublishInfo_t {
            qos: w.qos,
            retain: w.retain,
            dup: false,
            pTopicName: w.topic.as_ptr() as *const core::ffi::c_char,
            topicNameLength: w.topic.len() as u16,
            pPayload: w.message.as_ptr() as *const c_void,
            payloadLength: w.message.len(),
        });
        let timeout = remaining_ms(request.deadline, u32::MAX / 2);
        let mut session_present = false;
        let status = engine_call(&mut engine, |ctx| {
            // SAFETY: ctx is the locked engine's context; the connect and
            // will infos and the buffers they point at outlive the call.
            unsafe {
                mqtt::MQTT_Connect(
                    ctx,
                    &connect_info,
                    will_info
                        .as_ref()
                        .map_or(core::ptr::null(), |w| w as *const _),
                    timeout,
                    &mut session_present,
                )
            }
        });
        let tap = engine.link.tap.take().unwrap_or_default();
        let connack_seen = tap.len() >= 4 && tap[0] == 0x20;
        if status != MQTTStatus::MQTTSuccess as u32 {
            let tls_error = engine.link.tls_error.take();
            engine.drop_connection();
            *lock(&self.interrupt) = None;
            let code = if let Some(tls) = tls_error.filter(|_| !connack_seen) {
                // The broker ended the TLS session instead of answering, as
                // it does when it rejects the client certificate.
                log::error!("rsmqtt: TLS failure while waiting for CONNACK: {tls}");
                rustls_config::handshake_error(&ConnectError::from_tls(&tls))
            } else if status == MQTTStatus::MQTTServerRefused as u32 && connack_seen {
                NXD_MQTT_ERROR_CONNECT_RETURN_CODE + UINT::from(tap[3])
            } else if status == MQTTStatus::MQTTSendFailed as u32 {
                NXD_MQTT_COMMUNICATION_FAILURE
            } else if status == MQTTStatus::MQTTBadResponse as u32 {
                NXD_MQTT_SERVER_MESSAGE_FAILURE
            } else {
                NXD_MQTT_CONNECT_FAILURE
            };
            log::error!("rsmqtt: MQTT connect failed (engine status {status}) → {code:#x}");
            return (code, connack_seen);
        }
        if request.clean_session {
            engine.resend.clear();
        }
        engine.connected = true;
        self.fd.store(fd, Ordering::SeqCst);
        drop(engine);
        // SAFETY: fields of the live block.
        unsafe {
            let b = self.block();
            field(core::ptr::addr_of_mut!((*b).nxd_mqtt_keepalive))
                .store(UINT::from(request.keepalive), Ordering::SeqCst);
            field(core::ptr::addr_of_mut!((*b).nxd_mqtt_clean_session))
                .store(UINT::from(request.clean_session), Ordering::SeqCst);
            field(core::ptr::addr_of_mut!((*b).nxd_mqtt_client_use_tls))
                .store(UINT::from(request.tls.is_some()), Ordering::SeqCst);
        }
        (NXD_MQTT_SUCCESS, true)
    }

    /// Runs the application's TLS setup callback and the handshake.
    fn secure(
        &self,
        tcp: TcpStream,
        setup: NXD_MQTT_TLS_SETUP,
        request: &ConnectRequest,
    ) -> Result<Stream, UINT> {
        let Some(setup) = setup else {
            return Err(NXD_MQTT_INVALID_PARAMETER);
        };
        let block = self.block();
        // SAFETY: the block is live; the callback receives pointers to the
        // session and certificate blocks inside it, as with NetX Duo.
        let (session, cert, trusted) = unsafe {
            (
                core::ptr::addr_of_mut!((*block).nxd_mqtt_tls_session),
                core::ptr::addr_of_mut!((*block).nxd_mqtt_tls_certificate),
                core::ptr::addr_of_mut!((*block).nxd_mqtt_tls_trusted_certificate),
            )
        };
        self.set_block_field(
            // SAFETY: field of the live block.
            |b| unsafe { core::ptr::addr_of_mut!((*b).nxd_mqtt_tls_in_progress) },
            1,
        );
        // SAFETY: the application's callback with pointers into its block.
        let status = unsafe { setup(block, session, cert, trusted) };
        let result = if status != NX_SUCCESS {
            log::error!("rsmqtt: TLS setup callback failed with {status:#x}");
            Err(status)
        } else {
            let built = store::with(session as usize, |s| {
                rustls_config::build(s, session as usize, request.server.ip())
            });
            match built {
                None => Err(super::secure::tls_types::NX_SECURE_TLS_SESSION_UNINITIALIZED),
                Some(Err(code)) => Err(code),
                Some(Ok((config, name))) => {
                    let timeout =
                        Duration::from_millis(u64::from(remaining_ms(request.deadline, 30_000)));
                    TlsSession::handshake(
                        tcp,
                        config,
                        name,
                        Some(link::SEND_TIMEOUT),
                        Some(timeout),
                    )
                    .map(|session| Stream::Tls(Box::new(session)))
                    .map_err(|e| {
                        log::error!("rsmqtt: {e}");
                        rustls_config::handshake_error(&e)
                    })
                }
            }
        };
        self.set_block_field(
            // SAFETY: field of the live block.
            |b| unsafe { core::ptr::addr_of_mut!((*b).nxd_mqtt_tls_in_progress) },
            0,
        );
        if result.is_ok() {
            // SAFETY: field of the live block.
            unsafe {
                field(core::ptr::addr_of_mut!(
                    (*session).nx_secure_tls_session_active
                ))
            }
            .store(1, Ordering::SeqCst);
        }
        result
    }
}

fn events_publishes(events: &[Event]) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, Event::Publish(_)))
        .count()
}

fn engine_publishes(engine: &Engine) -> usize {
    events_publishes(&engine.events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netx_addresses_become_socket_addresses() {
        let v4 = NXD_ADDRESS {
            nxd_ip_version: NX_IP_VERSION_V4,
            nxd_ip_address: crate::netx::nx_types::NXD_ADDRESS_UNION { v4: 0xC0A8_0001 },
        };
        assert_eq!(
            socket_addr(&v4, 1883),
            Some("192.168.0.1:1883".parse().unwrap())
        );
        assert_eq!(socket_addr(&v4, 0), None);
        assert_eq!(socket_addr(&v4, 70_000), None);
        let v6 = NXD_ADDRESS {
            nxd_ip_version: NX_IP_VERSION_V6,
            nxd_ip_address: crate::netx::nx_types::NXD_ADDRESS_UNION {
                v6: [0x2001_0db8, 0, 0, 0x0000_0042],
            },
        };
        assert_eq!(
            socket_addr(&v6, 8883),
            Some("[2001:db8::42]:8883".parse().unwrap())
        );
        let bad = NXD_ADDRESS {
            nxd_ip_version: 0,
            ..v4
        };
        assert_eq!(socket_addr(&bad, 1883), None);
    }

    #[test]
    fn wait_options_are_ticks_of_10_ms() {
        assert_eq!(deadline_after(NX_WAIT_FOREVER), None);
        let d = deadline_after(150).unwrap();
        let left = d.saturating_duration_since(Instant::now());
        assert!(left <= Duration::from_millis(1500) && left > Duration::from_millis(1400));
        assert_eq!(remaining_ms(None, 7), 7);
        assert_eq!(remaining_ms(Some(Instant::now()), 7), 1);
    }
}
