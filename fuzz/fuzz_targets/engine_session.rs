//! Drives the session engine directly through its Rust API over an
//! in-memory port, with everything a broker or a broken network controls
//! taken from the fuzz input: the bytes received and when, receive errors,
//! how much each send accepts, the clock, the buffer size and the record
//! counts. No C ABI is involved, so this reaches the engine's own logic
//! (framing, `wire` decoding, the QoS 1/2 state machine, resending on
//! resumption) without the faces' argument checks in front.
//!
//! After every call it checks what must hold whatever the input:
//! * the held byte count fits the buffer, the link state is valid;
//! * every state record is free or a QoS 1/2 record with a non-zero id and
//!   a state other than `MQTTStateNull`, no id twice in one array;
//! * every delivered PUBLISH has its topic and payload inside the packet in
//!   the buffer, and a topic that is valid UTF-8 (the engine decodes with
//!   `wire`).
//!
//! A panic anywhere aborts the process, which libFuzzer reports as a crash.
#![no_main]

use std::collections::{BTreeMap, VecDeque};

use libfuzzer_sys::fuzz_target;
use rsmqtt::coremqtt::context::MQTTPubAckInfo_t;
use rsmqtt::coremqtt::serializer::{Connect, Subscription, SubscriptionKind};
use rsmqtt::coremqtt::serializer_types::MQTTQoS;
use rsmqtt::engine::records::StateRecords;
use rsmqtt::engine::{self, connect, process, publish, subscribe, Event, Port, Session};

const FREE: MQTTPubAckInfo_t = MQTTPubAckInfo_t {
    packetId: 0,
    qos: 0,
    publishState: 0,
};
const TOPICS: [&[u8]; 3] = [b"a", b"a/b", b"sensors/1"];

#[derive(Default)]
struct Scalars {
    next_packet_id: u16,
    link: u32,
    last_tx: u32,
    last_rx: u32,
    control_sent: bool,
    held: usize,
    keep_alive_s: u16,
    ping_sent: u32,
    waiting_ping: bool,
}

struct FuzzPort {
    s: Scalars,
    now: u32,
    buffer: Vec<u8>,
    outgoing: Vec<MQTTPubAckInfo_t>,
    incoming: Vec<MQTTPubAckInfo_t>,
    inbound: VecDeque<u8>,
    /// What the next receive calls return instead of data (0 or -1).
    recv_script: VecDeque<i32>,
    /// What the next send calls accept at most (negative: fail).
    send_script: VecDeque<i32>,
    stored: BTreeMap<u16, Vec<u8>>,
    events: Vec<Event>,
}

impl FuzzPort {
    fn recv(&mut self, dst: &mut [u8]) -> i32 {
        if let Some(forced) = self.recv_script.pop_front() {
            if forced <= 0 {
                return forced;
            }
        }
        let n = dst.len().min(self.inbound.len());
        for (slot, byte) in dst.iter_mut().zip(self.inbound.drain(..n)) {
            *slot = byte;
        }
        n as i32
    }

    fn check(&self) {
        assert!(self.s.held <= self.buffer.len());
        assert!(self.s.link <= 2);
        for records in [&self.outgoing, &self.incoming] {
            let mut ids = Vec::new();
            for r in records.iter() {
                if r.packetId == 0 {
                    assert_eq!((r.qos, r.publishState), (0, 0), "free record not clean");
                } else {
                    assert!(matches!(r.qos, 1 | 2), "record QoS {}", r.qos);
                    assert!(
                        (1..=10).contains(&r.publishState),
                        "state {}",
                        r.publishState
                    );
                    assert!(!ids.contains(&r.packetId), "id {} twice", r.packetId);
                    ids.push(r.packetId);
                }
            }
        }
    }
}

impl Port for FuzzPort {
    /// Moves 7 ms per reading, as a real clock moves while the engine
    /// polls: the engine's waits (CONNACK, send and receive timeouts) are
    /// bounded by the clock, and a frozen one would make them endless.
    fn now(&mut self) -> u32 {
        self.now = self.now.wrapping_add(7);
        self.now
    }

    fn session(&mut self) -> Session<'_> {
        let s = &mut self.s;
        Session {
            next_packet_id: &mut s.next_packet_id,
            link: &mut s.link,
            last_tx: &mut s.last_tx,
            last_rx: &mut s.last_rx,
            control_sent: &mut s.control_sent,
            held: &mut s.held,
            keep_alive_s: &mut s.keep_alive_s,
            ping_sent: &mut s.ping_sent,
            waiting_ping: &mut s.waiting_ping,
        }
    }

    fn buffer(&mut self) -> &mut [u8] {
        &mut self.buffer
    }

    fn records(&mut self) -> StateRecords<'_> {
        StateRecords {
            outgoing: &mut self.outgoing,
            incoming: &mut self.incoming,
        }
    }

    fn recv_into_buffer(&mut self, offset: usize, len: usize) -> i32 {
        let end = offset.checked_add(len).expect("engine asked past usize");
        assert!(end <= self.buffer.len(), "engine asked past the buffer");
        let mut tmp = vec![0u8; len];
        let n = self.recv(&mut tmp);
        if n > 0 {
            self.buffer[offset..offset + n as usize].copy_from_slice(&tmp[..n as usize]);
        }
        n
    }

    fn recv_into(&mut self, dst: &mut [u8]) -> i32 {
        self.recv(dst)
    }

    fn send_once(&mut self, parts: &[&[u8]]) -> i32 {
        let total: usize = parts.iter().map(|p| p.len()).sum();
        match self.send_script.pop_front() {
            Some(n) if n < 0 => -1,
            Some(n) => (n as usize).min(total) as i32,
            None => total as i32,
        }
    }

    fn deliver(&mut self, event: &Event) {
        if let Some(p) = &event.publish {
            let end = event.frame.header_len + event.frame.remaining_len;
            assert!(end <= self.buffer.len());
            assert!(p.topic.start >= event.frame.header_len && p.topic.end <= end);
            assert!(p.payload.start >= p.topic.end && p.payload.end == end);
            assert!(std::str::from_utf8(&self.buffer[p.topic.clone()]).is_ok());
        }
        self.events.push(event.clone());
    }

    type Stored = Vec<u8>;

    fn store(&mut self, packet_id: u16, parts: &[&[u8]]) -> Option<bool> {
        self.stored.insert(packet_id, parts.concat());
        Some(true)
    }

    fn has_retransmit(&mut self) -> bool {
        true
    }

    fn retrieve(&mut self, packet_id: u16) -> Option<Vec<u8>> {
        self.stored.get(&packet_id).cloned()
    }

    fn clear(&mut self, packet_id: u16) {
        self.stored.remove(&packet_id);
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = data.iter().copied();
    let mut next = move || input.next();
    let buffer_size = 8 + usize::from(next().unwrap_or(0)) * 2;
    let out_count = usize::from(next().unwrap_or(0) % 5);
    let in_count = usize::from(next().unwrap_or(0) % 5);
    let mut port = FuzzPort {
        s: Scalars {
            next_packet_id: 1,
            ..Scalars::default()
        },
        now: 1_000,
        buffer: vec![0; buffer_size],
        outgoing: vec![FREE; out_count],
        incoming: vec![FREE; in_count],
        inbound: VecDeque::new(),
        recv_script: VecDeque::new(),
        send_script: VecDeque::new(),
        stored: BTreeMap::new(),
        events: Vec::new(),
    };
    let mut ops = 0;
    while let Some(op) = next() {
        ops += 1;
        if ops > 200 {
            break;
        }
        let arg = next().unwrap_or(0);
        match op % 10 {
            0 => {
                for _ in 0..arg % 64 {
                    port.inbound.push_back(next().unwrap_or(0));
                }
            }
            1 => {
                let _ = process::run(&mut port, arg & 1 == 0);
            }
            2 => {
                let qos = match arg % 3 {
                    0 => MQTTQoS::MQTTQoS0,
                    1 => MQTTQoS::MQTTQoS1,
                    _ => MQTTQoS::MQTTQoS2,
                };
                let id = if qos == MQTTQoS::MQTTQoS0 {
                    0
                } else {
                    engine::next_packet_id(&mut port)
                };
                let p = publish::Publish {
                    qos,
                    retain: arg & 0x10 != 0,
                    dup: arg & 0x20 != 0,
                    topic: TOPICS[usize::from(arg >> 6) % TOPICS.len()],
                    payload: b"payload",
                };
                let _ = publish::publish(&mut port, &p, id);
            }
            3 => {
                let id = engine::next_packet_id(&mut port);
                let kind = if arg & 1 == 0 {
                    SubscriptionKind::Subscribe
                } else {
                    SubscriptionKind::Unsubscribe
                };
                let entry = Subscription {
                    qos: MQTTQoS::from_raw(u32::from(arg >> 1) % 3).unwrap_or(MQTTQoS::MQTTQoS0),
                    filter: b"a/#",
                };
                let _ = subscribe::send(
                    &mut port,
                    kind,
                    usize::from(arg >> 3) % 3 + 1,
                    &|_| Some(entry),
                    id,
                );
            }
            4 => {
                let params = Connect {
                    clean_session: arg & 1 != 0,
                    keep_alive_seconds: u16::from(arg >> 1),
                    client_id: b"fuzz",
                    user_name: None,
                    password: None,
                };
                let _ = connect::connect(&mut port, &params, None, u32::from(arg));
            }
            5 => {
                let _ = connect::disconnect(&mut port);
            }
            6 => port.now = port.now.wrapping_add(u32::from(arg) * 250),
            7 => port
                .recv_script
                .push_back(if arg & 1 == 0 { 0 } else { -1 }),
            8 => port.send_script.push_back(i32::from(arg as i8)),
            _ => {
                let _ = keepalive_ping(&mut port);
            }
        }
        port.check();
    }
});

fn keepalive_ping(port: &mut FuzzPort) -> Result<(), engine::Error> {
    engine::keepalive::ping(port)
}
