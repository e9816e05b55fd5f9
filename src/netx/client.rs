//! The Rust side of one `NXD_MQTT_CLIENT`: its engine (see
//! [`super::port`]), the receive queue, the registry of live clients and
//! their settings. The rest of a client's work lives next to this file:
//! `client/connect.rs` (connecting), `client/operations.rs` (publish,
//! subscribe, message_get, disconnect) and `client/thread.rs` (the client
//! thread).
//!
//! Locking: `engine` (one mutex around the engine's session and the socket)
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
use crate::coremqtt::serializer_types::MQTTQoS;
use crate::engine::publish::Publish;
use crate::engine::{self, Error as EngineError};
use crate::transport::tcp;
use crate::transport::tls::TlsSession;
use crate::transport::ConnectError;

mod connect;
mod operations;
mod thread;

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

/// Maps the engine's result of a publish, subscribe or unsubscribe to NetX.
fn send_status(result: Result<(), EngineError>) -> UINT {
    match result {
        Ok(()) => NXD_MQTT_SUCCESS,
        Err(EngineError::BadParameter) => NXD_MQTT_INVALID_PARAMETER,
        Err(EngineError::NoMemory) => NXD_MQTT_PACKET_POOL_EMPTY,
        Err(EngineError::NotConnected | EngineError::DisconnectPending) => NXD_MQTT_NOT_CONNECTED,
        Err(EngineError::SendFailed) => NXD_MQTT_COMMUNICATION_FAILURE,
        Err(_) => NXD_MQTT_INTERNAL_ERROR,
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

    /// Whether a connect is under way (then the engine may be busy for as
    /// long as the connect's wait option, so other calls answer at once).
    fn connecting(&self) -> bool {
        lock(&self.shared).connecting
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The NetX codes of a publish, subscribe or unsubscribe, for the engine
    /// results they answer (the codes the face returned when the engine
    /// reported coreMQTT statuses).
    #[test]
    fn engine_results_map_to_netx_codes() {
        assert_eq!(send_status(Ok(())), NXD_MQTT_SUCCESS);
        assert_eq!(
            send_status(Err(EngineError::BadParameter)),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            send_status(Err(EngineError::NoMemory)),
            NXD_MQTT_PACKET_POOL_EMPTY
        );
        assert_eq!(
            send_status(Err(EngineError::NotConnected)),
            NXD_MQTT_NOT_CONNECTED
        );
        assert_eq!(
            send_status(Err(EngineError::DisconnectPending)),
            NXD_MQTT_NOT_CONNECTED
        );
        assert_eq!(
            send_status(Err(EngineError::SendFailed)),
            NXD_MQTT_COMMUNICATION_FAILURE
        );
        for other in [
            EngineError::StateCollision,
            EngineError::IllegalState,
            EngineError::PublishStoreFailed,
        ] {
            assert_eq!(
                send_status(Err(other)),
                NXD_MQTT_INTERNAL_ERROR,
                "{other:?}"
            );
        }
    }

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
