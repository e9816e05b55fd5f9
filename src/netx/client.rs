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
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::thread::{JoinHandle, ThreadId};
use std::time::{Duration, Instant};

use super::client_block::*;
use super::link::{self, Stream};
use super::nx_types::*;
use super::port::{now_ms, Engine, Event};
pub use super::port::{NETWORK_BUFFER_SIZE, PUBLISH_RECORDS};
use super::queue::ReceiveQueue;
use super::secure::{rustls_config, store};
use super::threadx::{UINT, ULONG, USHORT};
use crate::coremqtt::serializer::{Connect, Subscription, SubscriptionKind, Will as WillParams};
use crate::coremqtt::serializer_types::{MQTTQoS, MQTTStatus};
use crate::engine::publish::Publish;
use crate::engine::{self, Error as EngineError};
use crate::transport::tcp;
use crate::transport::tls::TlsSession;
use crate::transport::ConnectError;

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
fn send_status(status: MQTTStatus) -> UINT {
    match status {
        MQTTStatus::MQTTSuccess => NXD_MQTT_SUCCESS,
        MQTTStatus::MQTTBadParameter => NXD_MQTT_INVALID_PARAMETER,
        MQTTStatus::MQTTNoMemory => NXD_MQTT_PACKET_POOL_EMPTY,
        MQTTStatus::MQTTStatusNotConnected | MQTTStatus::MQTTStatusDisconnectPending => {
            NXD_MQTT_NOT_CONNECTED
        }
        MQTTStatus::MQTTSendFailed => NXD_MQTT_COMMUNICATION_FAILURE,
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
        if u16::try_from(topic.len()).is_err() {
            return NXD_MQTT_INVALID_PARAMETER;
        }
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
                (MQTTStatus::MQTTNoMemory, 0)
            } else {
                match MQTTQoS::from_raw(qos) {
                    None => (MQTTStatus::MQTTBadParameter, 0),
                    Some(qos) => {
                        let id = if qos == MQTTQoS::MQTTQoS0 {
                            0
                        } else {
                            engine::next_packet_id(&mut *engine)
                        };
                        let publish = Publish {
                            qos,
                            retain,
                            dup: false,
                            topic,
                            payload,
                        };
                        (engine::publish::publish(&mut *engine, &publish, id), id)
                    }
                }
            };
            drop(engine);
            let (status, id) = status;
            if status == MQTTStatus::MQTTNoMemory && qos > 0 {
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
        if u16::try_from(filter.len()).is_err() {
            return NXD_MQTT_INVALID_PARAMETER;
        }
        if self.connecting() {
            return NXD_MQTT_NOT_CONNECTED;
        }
        let mut engine = lock(&self.engine);
        if !engine.connected {
            return NXD_MQTT_NOT_CONNECTED;
        }
        let Some(qos) = MQTTQoS::from_raw(qos) else {
            return NXD_MQTT_INVALID_PARAMETER;
        };
        let kind = if subscribe {
            SubscriptionKind::Subscribe
        } else {
            SubscriptionKind::Unsubscribe
        };
        let id = engine::next_packet_id(&mut *engine);
        let entry = Subscription { qos, filter };
        let status = engine::subscribe::send(&mut *engine, kind, 1, &|_| entry, id);
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
        engine::connect::disconnect(&mut *engine);
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
                let status = engine::process::run(&mut *engine, true);
                if !matches!(
                    status,
                    MQTTStatus::MQTTSuccess
                        | MQTTStatus::MQTTNeedMoreBytes
                        | MQTTStatus::MQTTNoDataAvailable
                ) {
                    log::warn!("rsmqtt: connection lost (engine status {status:?})");
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
            let ping = engine.ping_outstanding();
            if let (false, Some(sent)) = (lost, ping) {
                let waited = now_ms().wrapping_sub(sent);
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
        let Some(will_qos) = will
            .as_ref()
            .map_or(Some(MQTTQoS::MQTTQoS0), |w| MQTTQoS::from_raw(w.qos))
        else {
            engine.drop_connection();
            return (NXD_MQTT_INVALID_PARAMETER, false);
        };
        let params = Connect {
            clean_session: request.clean_session,
            keep_alive_seconds: request.keepalive,
            client_id: &request.client_id,
            user_name: username.as_deref(),
            password: password.as_deref(),
        };
        let will_params = will.as_ref().map(|w| WillParams {
            qos: will_qos,
            retain: w.retain,
            topic: &w.topic,
            payload: &w.message,
        });
        let timeout = remaining_ms(request.deadline, u32::MAX / 2);
        let result = engine::connect::connect(&mut *engine, &params, will_params.as_ref(), timeout);
        // Whether the broker answered with a CONNACK (accepted, refused or
        // malformed); a blocking connect then also reports to connect_notify.
        let connack_seen = matches!(
            result,
            Ok(_) | Err(EngineError::Refused(_) | EngineError::Malformed(_))
        );
        if let Err(error) = result {
            let tls_error = engine.link.tls_error.take();
            engine.drop_connection();
            *lock(&self.interrupt) = None;
            let code = match (error, tls_error) {
                (EngineError::Refused(code), _) => {
                    NXD_MQTT_ERROR_CONNECT_RETURN_CODE + UINT::from(code as u8)
                }
                // The broker ended the TLS session instead of answering, as
                // it does when it rejects the client certificate.
                (EngineError::Status(_), Some(tls)) => {
                    log::error!("rsmqtt: TLS failure while waiting for CONNACK: {tls}");
                    rustls_config::handshake_error(&ConnectError::from_tls(&tls))
                }
                (EngineError::Malformed(_), _) => NXD_MQTT_SERVER_MESSAGE_FAILURE,
                (EngineError::Status(MQTTStatus::MQTTSendFailed), None) => {
                    NXD_MQTT_COMMUNICATION_FAILURE
                }
                (EngineError::Status(MQTTStatus::MQTTBadResponse), None) => {
                    NXD_MQTT_SERVER_MESSAGE_FAILURE
                }
                (EngineError::Status(_), None) => NXD_MQTT_CONNECT_FAILURE,
            };
            log::error!("rsmqtt: MQTT connect failed ({error:?}) → {code:#x}");
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
