//! A loopback TCP proxy that cuts connections after a chosen number of
//! bytes, and the fault plans the connection-reset sweeps feed it.
//!
//! Each connection the proxy accepts takes the next [`Fault`] of its plan (or
//! none once the plan is used up) and relays bytes both ways between the
//! client and the upstream broker. When the byte count of the fault's
//! direction reaches the fault's position, the proxy forwards exactly that
//! many bytes, then ends both sockets: with a TCP reset (`SO_LINGER` 0) or
//! with an orderly close. The proxy counts connections and faults fired, and
//! how long each fault took to be followed by the client's next connection.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Which way the counted bytes flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// From the client to the broker.
    ToBroker,
    /// From the broker to the client.
    ToClient,
}

/// How the connection ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    /// A TCP reset on both sides (`SO_LINGER` 0, then close).
    Reset,
    /// An orderly close (FIN) on both sides.
    Close,
}

/// One injected failure: after `after` bytes in `direction`, `cut`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault {
    /// The direction whose bytes are counted.
    pub direction: Direction,
    /// Bytes forwarded in that direction before the cut (0: the first byte
    /// never arrives).
    pub after: usize,
    /// How the connection ends.
    pub cut: Cut,
}

/// What a proxy saw, for the report.
#[derive(Clone, Debug, Default)]
pub struct ProxyStats {
    /// Connections accepted.
    pub connections: u64,
    /// Faults fired (each one ended a connection).
    pub faults: u64,
    /// Of those, resets.
    pub resets: u64,
    /// Of those, orderly closes.
    pub closes: u64,
    /// Connections that ended without a fault (the client or the broker
    /// closed them); their fault goes back to the front of the plan.
    pub other_ends: u64,
    /// Longest time from a fault to the next accepted connection.
    pub longest_recovery: Duration,
    /// QoS 2 PUBLISHes the broker sent for a packet id it had already sent
    /// PUBREL for, on this or an earlier connection: a broker that breaks
    /// MQTT 3.1.1 4.3.3 ("MUST NOT re-send the PUBLISH once it has sent the
    /// corresponding PUBREL"). A client cannot tell such a PUBLISH from a
    /// new message, so it may deliver it again.
    pub qos2_publish_after_pubrel: u64,
    /// Message numbers (see [`message_number`]) of the client's publishes
    /// that the broker acknowledged (PUBACK for QoS 1, PUBREC for QoS 2):
    /// from then on the broker, not the client, answers for them.
    pub broker_acknowledged: std::collections::HashSet<u64>,
    /// Message numbers of the broker's publishes that the client
    /// acknowledged (PUBACK or PUBREC): the client had them.
    pub client_acknowledged: std::collections::HashSet<u64>,
    /// QoS 2 PUBLISHes of a message the client had already acknowledged
    /// with PUBREC, sent where the client cannot recognise them (after its
    /// PUBCOMP freed the record, or under another packet id): a broker that
    /// lost its own state (a kill before its last save) delivers such a
    /// message again, and no client can tell.
    pub qos2_redelivered_after_pubrec: u64,
    /// Messages the broker sent at QoS 2, or with DUP set, under a packet
    /// id the client may still hold for another message: one the broker
    /// sent under that id whose PUBACK (QoS 1) or PUBCOMP (QoS 2) the
    /// client was not seen sending. MQTT 3.1.1 2.3.1 frees an id only with
    /// that answer; a client that holds the id (like coreMQTT, whose record
    /// outlives a failed ack) takes such a PUBLISH for a resend of the
    /// message it holds and does not deliver it again. (A QoS 1 PUBLISH
    /// with DUP clear on a held id is a new message, which rsmqtt delivers:
    /// not counted.) A broker that restarts from an older database
    /// reuses ids that way. (A message the client never read, cut by the
    /// reset, also counts: the ledger cannot see what the client read.)
    pub sent_on_held_id: std::collections::HashSet<u64>,
}

/// Watches the broker-to-client packets of one client's connections for
/// QoS 2 PUBLISHes sent again after their PUBREL.
#[derive(Default)]
struct Monitor {
    /// Packet ids the broker has sent PUBREL for, until a PUBLISH without
    /// DUP uses the id for a new message.
    released: std::collections::HashSet<u16>,
}

impl Monitor {
    /// Takes the complete packets at the front of `pending` (one
    /// connection's unparsed broker-to-client bytes).
    fn take_packets(&mut self, pending: &mut Vec<u8>, stats: &mut ProxyStats) {
        loop {
            let mut length = 0usize;
            let mut header = 1;
            let mut complete = false;
            while let Some(&b) = pending.get(header) {
                length |= usize::from(b & 0x7F) << (7 * (header - 1));
                header += 1;
                if b & 0x80 == 0 {
                    complete = true;
                    break;
                }
                if header > 4 {
                    return;
                }
            }
            if !complete || pending.len() < header + length {
                return;
            }
            let packet: Vec<u8> = pending.drain(..header + length).collect();
            let body = &packet[header..];
            match packet[0] & 0xF0 {
                0x60 if body.len() >= 2 => {
                    self.released.insert(u16::from_be_bytes([body[0], body[1]]));
                }
                0x30 if (packet[0] >> 1) & 3 == 2 && body.len() >= 2 => {
                    let topic_len = usize::from(u16::from_be_bytes([body[0], body[1]]));
                    if let Some(id) = body.get(2 + topic_len..4 + topic_len) {
                        let id = u16::from_be_bytes([id[0], id[1]]);
                        if packet[0] & 0x08 == 0 {
                            // A new message: the packet id is in use again.
                            self.released.remove(&id);
                        } else if self.released.contains(&id) {
                            stats.qos2_publish_after_pubrel += 1;
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// Splits the first complete MQTT packet off `pending`.
fn next_packet(pending: &mut Vec<u8>) -> Option<Vec<u8>> {
    let mut length = 0usize;
    let mut header = 1;
    loop {
        let b = *pending.get(header)?;
        length |= usize::from(b & 0x7F) << (7 * (header - 1));
        header += 1;
        if b & 0x80 == 0 {
            break;
        }
        if header > 4 {
            return None;
        }
    }
    (pending.len() >= header + length).then(|| pending.drain(..header + length).collect())
}

/// The packet id and message number of a QoS 1/2 PUBLISH with a sweep
/// payload, and its QoS.
fn publish_fields(packet: &[u8]) -> Option<(u16, u64, u8)> {
    let qos = (packet[0] >> 1) & 3;
    if packet[0] & 0xF0 != 0x30 || qos == 0 {
        return None;
    }
    let mut header = 1;
    while packet.get(header)? & 0x80 != 0 {
        header += 1;
    }
    let body = packet.get(header + 1..)?;
    let topic_len = usize::from(u16::from_be_bytes([*body.first()?, *body.get(1)?]));
    let id = body.get(2 + topic_len..4 + topic_len)?;
    let n = message_number(body.get(4 + topic_len..)?)?;
    Some((u16::from_be_bytes([id[0], id[1]]), n, qos))
}

/// Follows who acknowledged which message, both directions, across one
/// client's connections (see the `ProxyStats` fields it fills).
#[derive(Default)]
struct Ledger {
    /// Packet id → message number of the client's last PUBLISH on that id.
    client_ids: std::collections::HashMap<u16, u64>,
    /// Packet id → message number and QoS of the broker's last PUBLISH.
    broker_ids: std::collections::HashMap<u16, (u64, u8)>,
    /// QoS 2 messages the client answered with PUBREC: the packet id, and
    /// whether the client still holds the record (no PUBCOMP yet).
    received_qos2: std::collections::HashMap<u64, (u16, bool)>,
    /// Packet id → message the broker sent under it, until the client's
    /// PUBACK or PUBCOMP frees the id.
    held_ids: std::collections::HashMap<u16, u64>,
}

impl Ledger {
    fn take_packets(
        &mut self,
        direction: Direction,
        pending: &mut Vec<u8>,
        stats: &mut ProxyStats,
    ) {
        while let Some(packet) = next_packet(pending) {
            let kind = packet[0] & 0xF0;
            if let Some((id, n, qos)) = publish_fields(&packet) {
                if direction == Direction::ToBroker {
                    self.client_ids.insert(id, n);
                    continue;
                }
                let dup = packet[0] & 0x08 != 0;
                match self.held_ids.get(&id) {
                    // A new QoS 1 message (DUP clear) on a held id is
                    // delivered by the client (MQTT 3.1.1 4.3.2): the id
                    // now stands for it.
                    Some(&held) if held != n && qos == 1 && !dup => {
                        self.held_ids.insert(id, n);
                    }
                    // At QoS 2, or marked as a resend, the client takes it
                    // for the message it holds and does not deliver it.
                    Some(&held) if held != n => {
                        stats.sent_on_held_id.insert(n);
                    }
                    Some(_) => {}
                    None => {
                        self.held_ids.insert(id, n);
                    }
                }
                if qos == 2 {
                    if let Some(&(held, open)) = self.received_qos2.get(&n) {
                        if !(open && held == id && dup) {
                            stats.qos2_redelivered_after_pubrec += 1;
                        }
                    }
                }
                self.broker_ids.insert(id, (n, qos));
                continue;
            }
            let Some(id) = packet.get(2..4).map(|b| u16::from_be_bytes([b[0], b[1]])) else {
                continue;
            };
            match (direction, kind) {
                (Direction::ToClient, 0x40 | 0x50) => {
                    if let Some(&n) = self.client_ids.get(&id) {
                        stats.broker_acknowledged.insert(n);
                    }
                }
                (Direction::ToBroker, 0x40 | 0x50) => {
                    if let Some(&(n, qos)) = self.broker_ids.get(&id) {
                        stats.client_acknowledged.insert(n);
                        if qos == 2 && kind == 0x50 {
                            self.received_qos2.insert(n, (id, true));
                        }
                        if kind == 0x40 {
                            self.held_ids.remove(&id);
                        }
                    }
                }
                (Direction::ToBroker, 0x70) => {
                    if let Some(&(n, 2)) = self.broker_ids.get(&id) {
                        if let Some(entry) = self.received_qos2.get_mut(&n) {
                            entry.1 = false;
                        }
                        self.held_ids.remove(&id);
                    }
                }
                _ => {}
            }
        }
    }
}

#[derive(Default)]
struct State {
    plan: VecDeque<Fault>,
    stats: ProxyStats,
    monitor: Monitor,
    ledger: Ledger,
    /// When the last fault fired, until the next connection arrives.
    fired_at: Option<Instant>,
}

/// The proxy; it stops accepting when dropped.
pub struct FaultProxy {
    /// Where clients connect.
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

impl FaultProxy {
    /// Starts a proxy in front of `upstream` with an empty plan.
    pub fn start(upstream: SocketAddr) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let acceptor = {
            let (state, stop) = (state.clone(), stop.clone());
            std::thread::spawn(move || {
                for client in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(client) = client else { continue };
                    let fault = {
                        let mut s = lock(&state);
                        s.stats.connections += 1;
                        if let Some(at) = s.fired_at.take() {
                            s.stats.longest_recovery = s.stats.longest_recovery.max(at.elapsed());
                        }
                        s.plan.pop_front()
                    };
                    let Ok(broker) = TcpStream::connect(upstream) else {
                        continue;
                    };
                    let state = state.clone();
                    std::thread::spawn(move || {
                        let fired = relay(client, broker, fault, &state);
                        let mut s = lock(&state);
                        if !fired {
                            s.stats.other_ends += 1;
                            if let Some(f) = fault {
                                s.plan.push_front(f);
                            }
                        }
                    });
                }
            })
        };
        FaultProxy {
            addr,
            state,
            stop,
            acceptor: Some(acceptor),
        }
    }

    /// Appends faults to the plan; each new connection takes the next one.
    pub fn push_plan(&self, faults: impl IntoIterator<Item = Fault>) {
        lock(&self.state).plan.extend(faults);
    }

    /// Faults not yet handed to a connection.
    pub fn faults_left(&self) -> usize {
        lock(&self.state).plan.len()
    }

    /// A copy of the counters.
    pub fn stats(&self) -> ProxyStats {
        lock(&self.state).stats.clone()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the acceptor so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

/// Sets `SO_LINGER` 0 so that closing `s` sends a reset.
pub fn linger_zero(s: &TcpStream) {
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket and a linger struct of the size passed.
    let rc = unsafe {
        libc::setsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0, "setsockopt(SO_LINGER)");
}

/// Relays one connection until either side ends it or the fault fires;
/// true when the fault fired. One thread per connection polls both sockets,
/// so that a reset closes the only descriptor of each socket.
fn relay(
    mut client: TcpStream,
    mut broker: TcpStream,
    fault: Option<Fault>,
    state: &Mutex<State>,
) -> bool {
    let _ = client.set_nodelay(true);
    let _ = broker.set_nodelay(true);
    let mut counted = [0usize; 2];
    let mut buf = vec![0u8; 16 * 1024];
    // Broker-to-client bytes not yet parsed into whole packets.
    let mut to_client: Vec<u8> = Vec::new();
    // The same, for the ledger, in each direction.
    let mut ledger_pending: [Vec<u8>; 2] = [Vec::new(), Vec::new()];
    loop {
        let mut fds = [
            libc::pollfd {
                fd: client.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: broker.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        // SAFETY: two valid pollfds.
        let ready = unsafe { libc::poll(fds.as_mut_ptr(), 2, 1000) };
        if ready < 0 {
            return false;
        }
        for (index, pfd) in fds.iter().enumerate() {
            if pfd.revents == 0 {
                continue;
            }
            let (from, to, direction) = if index == 0 {
                (&mut client, &mut broker, Direction::ToBroker)
            } else {
                (&mut broker, &mut client, Direction::ToClient)
            };
            let n = match from.read(&mut buf) {
                Ok(0) => {
                    // One side closed: pass the close on and stop.
                    let _ = to.shutdown(Shutdown::Both);
                    let _ = from.shutdown(Shutdown::Both);
                    return false;
                }
                Ok(n) => n,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => {
                    // A reset from one side: reset the other one too.
                    linger_zero(to);
                    return false;
                }
            };
            let slot = direction as usize;
            let limit = fault
                .filter(|f| f.direction == direction)
                .map(|f| f.after.saturating_sub(counted[slot]));
            let take = limit.map_or(n, |left| left.min(n));
            if take > 0 && to.write_all(&buf[..take]).is_err() {
                linger_zero(from);
                return false;
            }
            counted[slot] += take;
            if take > 0 {
                ledger_pending[slot].extend_from_slice(&buf[..take]);
                let mut s = lock(state);
                let State { ledger, stats, .. } = &mut *s;
                ledger.take_packets(direction, &mut ledger_pending[slot], stats);
            }
            if direction == Direction::ToClient && take > 0 {
                to_client.extend_from_slice(&buf[..take]);
                let mut s = lock(state);
                let State { monitor, stats, .. } = &mut *s;
                monitor.take_packets(&mut to_client, stats);
            }
            if let Some(f) = fault.filter(|_| limit.is_some_and(|left| left <= n)) {
                fire(f, client, broker, state);
                return true;
            }
        }
    }
}

/// Ends both sockets as `fault` says and counts it.
fn fire(fault: Fault, client: TcpStream, broker: TcpStream, state: &Mutex<State>) {
    match fault.cut {
        Cut::Reset => {
            linger_zero(&client);
            linger_zero(&broker);
        }
        Cut::Close => {
            let _ = client.shutdown(Shutdown::Both);
            let _ = broker.shutdown(Shutdown::Both);
        }
    }
    drop((client, broker));
    let mut s = lock(state);
    s.stats.faults += 1;
    match fault.cut {
        Cut::Reset => s.stats.resets += 1,
        Cut::Close => s.stats.closes += 1,
    }
    s.fired_at = Some(Instant::now());
}

/// How much of the sweep to run: `RSMQTT_SWEEP=full` for every position of
/// the first 150 bytes each way plus 50 random later ones; otherwise (CI) a
/// spread of 10 positions each way plus 3 random ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SweepSize {
    /// Every position.
    Full,
    /// A shortened form for CI.
    Short,
}

impl SweepSize {
    /// From `RSMQTT_SWEEP`.
    pub fn from_env() -> SweepSize {
        match std::env::var("RSMQTT_SWEEP").as_deref() {
            Ok("full") => SweepSize::Full,
            _ => SweepSize::Short,
        }
    }
}

/// Bytes of the start of a session swept position by position.
pub const SWEPT_BYTES: usize = 150;

/// The seed of the random positions: `RSMQTT_SWEEP_SEED`, or the clock.
pub fn sweep_seed() -> u64 {
    std::env::var("RSMQTT_SWEEP_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        })
}

/// xorshift64*: small, seeded, reproducible.
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (0 is replaced).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `lo..hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo) as u64) as usize
    }
}

/// The faults for one client's connections: the swept positions of the
/// first [`SWEPT_BYTES`] bytes in both directions (resets), then random
/// positions up to 2,000 bytes (resets and closes alternately).
pub fn sweep_plan(size: SweepSize, rng: &mut Rng) -> Vec<Fault> {
    let (positions, random): (Vec<usize>, usize) = match size {
        SweepSize::Full => ((0..SWEPT_BYTES).collect(), 50),
        SweepSize::Short => {
            let offset = rng.range(0, 15);
            ((offset..SWEPT_BYTES).step_by(15).collect(), 3)
        }
    };
    let mut plan = Vec::new();
    for direction in [Direction::ToBroker, Direction::ToClient] {
        plan.extend(positions.iter().map(|&after| Fault {
            direction,
            after,
            cut: Cut::Reset,
        }));
    }
    for i in 0..random * 2 {
        plan.push(Fault {
            direction: if i % 2 == 0 {
                Direction::ToBroker
            } else {
                Direction::ToClient
            },
            after: rng.range(SWEPT_BYTES, 2_000),
            cut: if (i / 2) % 2 == 0 {
                Cut::Reset
            } else {
                Cut::Close
            },
        });
    }
    plan
}

/// What the application side of a sweep counted.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// Messages the publisher handed to the library for good.
    pub sent: u64,
    /// Distinct messages the subscriber's application received.
    pub received: u64,
    /// Deliveries of a message the application had already received.
    pub duplicates: u64,
    /// Sent but never received.
    pub lost: u64,
    /// Connect attempts after the first, publisher and subscriber.
    pub reconnect_attempts: u64,
    /// Successful reconnects, publisher and subscriber.
    pub reconnects: u64,
}

/// Counts deliveries by message number.
#[derive(Default)]
pub struct Deliveries {
    seen: std::collections::HashMap<u64, u32>,
    /// Deliveries of a number already seen.
    pub duplicates: u64,
}

impl Deliveries {
    /// Notes one delivery of message `n`.
    pub fn note(&mut self, n: u64) {
        let count = self.seen.entry(n).or_insert(0);
        *count += 1;
        if *count > 1 {
            self.duplicates += 1;
        }
    }

    /// Distinct messages seen.
    pub fn distinct(&self) -> u64 {
        self.seen.len() as u64
    }

    /// Of messages `0..sent`, those never delivered.
    pub fn missing(&self, sent: u64) -> Vec<u64> {
        (0..sent).filter(|n| !self.seen.contains_key(n)).collect()
    }
}

/// The payload of message `n`.
pub fn payload(n: u64) -> Vec<u8> {
    format!("msg-{n:08}").into_bytes()
}

/// The message number in a payload made by [`payload`].
pub fn message_number(payload: &[u8]) -> Option<u64> {
    std::str::from_utf8(payload.strip_prefix(b"msg-")?)
        .ok()?
        .parse()
        .ok()
}

/// Most messages the publisher may be ahead of the subscriber. Mosquitto
/// queues at most `max_queued_messages` (1,000) QoS 1/2 messages for a
/// client beyond those in flight and drops the rest, by design; while the
/// subscriber reconnects the publisher must not outrun that, or the broker
/// (not the client) loses messages.
pub const MAX_AHEAD: u64 = 200;

/// Exponential reconnect backoff: 10 ms doubling to 320 ms, reset after a
/// successful connect.
#[derive(Default)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    /// Sleeps before the next attempt (nothing before the first retry after
    /// a connection that was up).
    pub fn wait(&mut self) {
        if self.failures > 0 {
            let ms = 10u64 << (self.failures - 1).min(5);
            std::thread::sleep(Duration::from_millis(ms));
        }
        self.failures += 1;
    }

    /// The connection is up again.
    pub fn reset(&mut self) {
        self.failures = 0;
    }
}

/// Prints one line of the sweep report and checks the no-loss properties:
/// nothing lost, no QoS 2 duplicate the client could have avoided, reconnect attempts about equal to
/// the faults (one per fault, with slack for an attempt that fails on its
/// own or a fault at the very end), recovery within `max_recovery`.
pub fn check_and_report(
    label: &str,
    qos: u32,
    tally: &Tally,
    proxies: &[&ProxyStats],
    missing: &[u64],
    max_recovery: Duration,
) {
    let faults: u64 = proxies.iter().map(|p| p.faults).sum();
    let resets: u64 = proxies.iter().map(|p| p.resets).sum();
    let closes: u64 = proxies.iter().map(|p| p.closes).sum();
    let recovery = proxies
        .iter()
        .map(|p| p.longest_recovery)
        .max()
        .unwrap_or_default();
    let broker_resends: u64 = proxies.iter().map(|p| p.qos2_publish_after_pubrel).sum();
    let other_ends: u64 = proxies.iter().map(|p| p.other_ends).sum();
    println!(
        "SWEEP {label} qos={qos}: sent={} received={} duplicates={} lost={} \
         faults={faults} (resets={resets} closes={closes}) reconnect_attempts={} \
         reconnects={} other_connection_ends={other_ends} longest_recovery={recovery:?} \
         broker_qos2_publish_after_pubrel={broker_resends}",
        tally.sent,
        tally.received,
        tally.duplicates,
        tally.lost,
        tally.reconnect_attempts,
        tally.reconnects,
    );
    assert!(
        missing.is_empty(),
        "{label} QoS {qos}: {} messages lost, first {:?}",
        missing.len(),
        &missing[..missing.len().min(20)]
    );
    assert_eq!(tally.lost, 0);
    if qos == 2 {
        // Mosquitto 2.0 (db__message_reconnect_reset_outgoing) turns every
        // outgoing QoS 2 state but "waiting for PUBCOMP" back into "publish"
        // on a reconnect, including "PUBREL still to be resent": when the
        // connection drops again before that PUBREL goes out, the next
        // session gets the PUBLISH again after the client completed it. Such
        // duplicates are the broker's; any other one fails the test.
        assert!(
            tally.duplicates <= broker_resends,
            "{label}: {} QoS 2 duplicates delivered, only {broker_resends} explained by \
             the broker resending a PUBLISH after its PUBREL",
            tally.duplicates
        );
    }
    assert!(faults > 0, "{label}: no fault fired");
    let slack = 2 + faults / 20;
    assert!(
        tally.reconnect_attempts <= faults + slack,
        "{label} QoS {qos}: {} reconnect attempts for {faults} faults (reconnect storm)",
        tally.reconnect_attempts
    );
    // Every fault costs one more attempt (a fault during the connect
    // exchange costs an attempt but no session, so successful reconnects
    // may be fewer).
    assert!(
        tally.reconnect_attempts + slack >= faults,
        "{label} QoS {qos}: {} reconnect attempts for {faults} faults",
        tally.reconnect_attempts
    );
    assert!(
        recovery <= max_recovery,
        "{label} QoS {qos}: a client took {recovery:?} to come back after a fault"
    );
}
