//! The applications of the reliability tests through the `MQTT_*` face: a
//! persistent publisher and a persistent subscriber written as coreMQTT
//! applications are (one thread per context, `MQTT_ProcessLoop`, and on any
//! failure `MQTT_Disconnect`, a new socket after a backoff and `MQTT_Connect`
//! with the session kept). Shared by the connection-reset sweep and the
//! broker-kill test, which differ only in the fault they inject.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use crate::common::proxy::*;
use crate::coremqtt_support::*;
use rsmqtt::coremqtt::api::*;
use rsmqtt::coremqtt::context::MQTTPubAckInfo_t;
use rsmqtt::coremqtt::serializer_types::MQTTStatus;
use rsmqtt::coremqtt::state::MQTT_PublishToResend;

/// How the publisher gets unacknowledged publishes out again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Resend {
    /// `MQTT_InitRetransmits`: `MQTT_Connect` resends the stored copies.
    Callbacks,
    /// The application: `MQTT_PublishToResend` and `MQTT_Publish(dup)`.
    Application,
}

/// Most publishes in flight (the client has 8 records).
pub(crate) const WINDOW: usize = 6;
/// Messages published after the last fault fired.
pub(crate) const TAIL: u64 = 20;
/// Incoming records of the subscriber. Mosquitto's `max_inflight_messages`
/// is 20, but after a resumption Mosquitto 2.0 was seen resending about 30
/// QoS 2 publishes with DUP and then sending new ones before the PUBRELs
/// that would free their records: with 32 records the subscriber failed
/// with `MQTTNoMemory` on every reconnect (the records survive with the
/// session), a livelock that is a sizing matter, not a protocol one.
pub(crate) const INCOMING_RECORDS: usize = 128;
/// CONNACK wait per attempt.
pub(crate) const CONNECT_TIMEOUT_MS: u32 = 2_000;

/// Flags and counters the test thread shares with the client threads.
#[derive(Default)]
pub(crate) struct Shared {
    /// The publisher goes on publishing while set.
    pub(crate) keep_publishing: AtomicBool,
    /// Messages published for good (each number once).
    pub(crate) sent: AtomicU64,
    /// Distinct messages the subscriber has received so far.
    pub(crate) received: AtomicU64,
    /// The publisher has published its tail.
    pub(crate) published_all: AtomicBool,
    /// The clients stop when set.
    pub(crate) stop: AtomicBool,
    /// What the subscriber's application received.
    pub(crate) deliveries: Mutex<Deliveries>,
}

/// Connect attempts after the first, and how many succeeded.
#[derive(Default, Debug)]
pub(crate) struct Connects {
    pub(crate) attempts: u64,
    pub(crate) reconnects: u64,
}

/// Puts a fresh socket to `addr` under the client.
pub(crate) fn fresh_socket(c: &mut Client, addr: SocketAddr) -> bool {
    match TcpStream::connect(addr) {
        Ok(s) => {
            s.set_read_timeout(Some(Duration::from_millis(10))).unwrap();
            s.set_nodelay(true).unwrap();
            c.net.stream = s;
            true
        }
        Err(_) => false,
    }
}

/// Acknowledges a failure: the context goes back to not connected.
pub(crate) fn drop_connection(c: &mut Client) {
    let _ = unsafe { MQTT_Disconnect(c.ctx()) };
}

/// Connects (the first time on the socket `Client::new` opened), with
/// backoff between attempts; `None` when told to stop.
pub(crate) fn connect_with_backoff(
    c: &mut Client,
    addr: SocketAddr,
    id: &str,
    first: &mut bool,
    connects: &mut Connects,
    shared: &Shared,
) -> Option<bool> {
    let mut backoff = Backoff::default();
    loop {
        if shared.stop.load(Ordering::SeqCst) {
            return None;
        }
        if !*first {
            backoff.wait();
            connects.attempts += 1;
            if !fresh_socket(c, addr) {
                continue;
            }
        }
        let was_first = std::mem::replace(first, false);
        let (status, present) = c.connect(id, false, 60, CONNECT_TIMEOUT_MS);
        if status == MQTTStatus::MQTTSuccess {
            if !was_first {
                connects.reconnects += 1;
            }
            return Some(present);
        }
        drop_connection(c);
    }
}

pub(crate) fn publisher(
    addr: SocketAddr,
    topic: &str,
    qos: u32,
    mode: Resend,
    shared: &Shared,
) -> Connects {
    REAL_CLOCK.with(|r| r.set(true));
    let id = format!("sweep-pub-{}", std::process::id());
    let mut c = Client::new(addr, 1024);
    if mode == Resend::Callbacks {
        c.with_retransmits();
    }
    let mut connects = Connects::default();
    let mut first = true;
    // Packet id → message number of every publish not yet completed.
    let mut inflight: HashMap<u16, u64> = HashMap::new();
    // Messages to publish again under a new id (session lost).
    let mut again: VecDeque<u64> = VecDeque::new();
    let mut next = 0u64;
    let mut tail_left = TAIL;
    let mut connected = false;
    while !shared.stop.load(Ordering::SeqCst) {
        if !connected {
            let Some(present) =
                connect_with_backoff(&mut c, addr, &id, &mut first, &mut connects, shared)
            else {
                break;
            };
            connected = true;
            if !present {
                // No session: the library dropped its records (and, with
                // callbacks, the stored copies); publish those messages again.
                again.extend(inflight.drain().map(|(_, n)| n));
            } else if mode == Resend::Application {
                let mut cursor = 0;
                loop {
                    let pid = unsafe { MQTT_PublishToResend(c.ctx(), &mut cursor) };
                    if pid == 0 {
                        break;
                    }
                    let n = *inflight
                        .get(&pid)
                        .unwrap_or_else(|| panic!("record {pid} without a message"));
                    let status = c.publish_dup(topic, &payload(n), qos, pid);
                    if status != MQTTStatus::MQTTSuccess {
                        connected = false;
                        break;
                    }
                }
                if !connected {
                    drop_connection(&mut c);
                    continue;
                }
            }
        }
        let keep = shared.keep_publishing.load(Ordering::SeqCst);
        let ahead = next.saturating_sub(shared.received.load(Ordering::SeqCst));
        let want = again
            .front()
            .copied()
            .or(((keep || tail_left > 0) && ahead < MAX_AHEAD).then_some(next));
        if let Some(n) = want.filter(|_| c.outgoing_in_use().len() < WINDOW) {
            let pid = unsafe { MQTT_GetPacketId(c.ctx()) };
            let status = c.publish(topic, &payload(n), qos, pid);
            // A failed send after the record was reserved and stored still
            // belongs to the session: it goes out again on resumption.
            if matches!(status, MQTTStatus::MQTTSuccess | MQTTStatus::MQTTSendFailed) {
                inflight.insert(pid, n);
                if again.front() == Some(&n) {
                    again.pop_front();
                } else {
                    next += 1;
                    shared.sent.store(next, Ordering::SeqCst);
                    if !keep {
                        tail_left -= 1;
                        if tail_left == 0 {
                            shared.published_all.store(true, Ordering::SeqCst);
                        }
                    }
                }
            }
            match status {
                MQTTStatus::MQTTSuccess => {}
                // The packet id counter wrapped onto a publish still in
                // flight: take the next id.
                MQTTStatus::MQTTStateCollision => continue,
                _ => {
                    drop_connection(&mut c);
                    connected = false;
                    continue;
                }
            }
            // About a thousand messages a second at most.
            std::thread::sleep(Duration::from_millis(1));
        }
        let status = c.process();
        for e in take_events() {
            if e.packet_type == 0x40 || e.packet_type == 0x70 {
                inflight.remove(&e.packet_id);
            }
        }
        if !matches!(
            status,
            MQTTStatus::MQTTSuccess | MQTTStatus::MQTTNeedMoreBytes
        ) {
            drop_connection(&mut c);
            connected = false;
        }
    }
    connects
}

pub(crate) fn subscriber(
    direct: SocketAddr,
    via: SocketAddr,
    topic: &str,
    qos: u32,
    shared: &Shared,
    ready: std::sync::mpsc::Sender<()>,
) -> Connects {
    REAL_CLOCK.with(|r| r.set(true));
    let id = format!("sweep-sub-{}", std::process::id());
    // The session and its subscription first, straight to the broker.
    let mut c = Client::new(direct, 1024);
    // MQTT 3.1.1 has no way to ask the broker for fewer QoS 2 publishes in
    // flight, so the subscriber needs records for all the broker may send
    // (see INCOMING_RECORDS).
    c.incoming = vec![
        MQTTPubAckInfo_t {
            packetId: 0,
            qos: 0,
            publishState: 0,
        };
        INCOMING_RECORDS
    ];
    let status = unsafe {
        MQTT_InitStatefulQoS(
            c.ctx(),
            c.outgoing.as_mut_ptr(),
            c.outgoing.len(),
            c.incoming.as_mut_ptr(),
            c.incoming.len(),
        )
    };
    assert_eq!(status, MQTTStatus::MQTTSuccess);
    assert_eq!(
        c.connect(&id, false, 60, CONNECT_TIMEOUT_MS).0,
        MQTTStatus::MQTTSuccess
    );
    assert_eq!(
        c.subscribe(&[(topic, qos)], 1, false),
        MQTTStatus::MQTTSuccess
    );
    let suback = c.process_until_events(1);
    assert_eq!(suback[0].packet_type, 0x90);
    assert_eq!(unsafe { MQTT_Disconnect(c.ctx()) }, MQTTStatus::MQTTSuccess);
    ready.send(()).unwrap();

    let mut connects = Connects::default();
    let mut first = false;
    let mut connected = false;
    // The first connection through the proxy is not a reconnect.
    let mut initial = true;
    while !shared.stop.load(Ordering::SeqCst) {
        if !connected {
            if initial {
                initial = false;
                assert!(fresh_socket(&mut c, via));
                first = true;
            }
            if connect_with_backoff(&mut c, via, &id, &mut first, &mut connects, shared).is_none() {
                break;
            }
            connected = true;
        }
        let status = c.process();
        let events = take_events();
        if !events.is_empty() {
            let mut d = shared.deliveries.lock().unwrap();
            for e in events {
                if let Some((_, _, _, _, body)) = e.publish {
                    d.note(message_number(&body).expect("a sweep payload"));
                }
            }
            shared.received.store(d.distinct(), Ordering::SeqCst);
        }
        if !matches!(
            status,
            MQTTStatus::MQTTSuccess | MQTTStatus::MQTTNeedMoreBytes
        ) {
            drop_connection(&mut c);
            connected = false;
        }
    }
    connects
}
