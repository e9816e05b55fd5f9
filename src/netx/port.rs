//! The NetX face's [`Port`]: the engine's session, records, receive buffer
//! and stored publishes live in one Rust struct per client, and its bytes go
//! through the client's [`Link`].
//!
//! The engine is called directly (no coreMQTT context, no C callbacks): its
//! events are copied out of the receive buffer into [`Event`]s that the
//! client thread delivers to the application once the engine lock is
//! released.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use super::client_block::{
    MQTT_CONTROL_PACKET_TYPE_PUBACK, MQTT_CONTROL_PACKET_TYPE_PUBCOMP,
    MQTT_CONTROL_PACKET_TYPE_PUBREC, MQTT_CONTROL_PACKET_TYPE_SUBACK,
    MQTT_CONTROL_PACKET_TYPE_UNSUBACK,
};
use super::link::Link;
use super::queue::Message;
use super::threadx::UINT;
use crate::coremqtt::context::MQTTPubAckInfo_t;
use crate::engine::records::StateRecords;
use crate::engine::{self, Port, Session};

/// Size of each client's receive buffer: the largest incoming packet.
pub const NETWORK_BUFFER_SIZE: usize = 64 * 1024;
/// State records per direction: QoS 1/2 publishes in flight at once.
pub const PUBLISH_RECORDS: usize = 64;

/// The engine clock: milliseconds since the first call, wrapping at 2^32.
pub fn now_ms() -> u32 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    EPOCH.get_or_init(Instant::now).elapsed().as_millis() as u32
}

/// What the engine reported during one call, for the application.
pub enum Event {
    /// An incoming PUBLISH, copied out of the receive buffer.
    Publish(Message),
    /// An acknowledgement, as NetX's `MQTT_CONTROL_PACKET_TYPE_*`.
    Ack {
        /// The packet type.
        kind: UINT,
        /// Its packet identifier.
        packet_id: u16,
    },
}

/// The engine's scalar session state.
struct SessionState {
    next_packet_id: u16,
    link: engine::LinkRaw,
    last_tx: u32,
    last_rx: u32,
    control_sent: bool,
    held: usize,
    keep_alive_s: u16,
    ping_sent: u32,
    waiting_ping: bool,
}

const FREE_RECORD: MQTTPubAckInfo_t = MQTTPubAckInfo_t {
    packetId: 0,
    qos: 0,
    publishState: 0,
};

/// Everything behind a client's engine lock.
pub struct Engine {
    session: SessionState,
    /// The connection.
    pub link: Link,
    /// Records of outgoing QoS 1/2 publishes.
    pub outgoing: Box<[MQTTPubAckInfo_t; PUBLISH_RECORDS]>,
    incoming: Box<[MQTTPubAckInfo_t; PUBLISH_RECORDS]>,
    buffer: Box<[u8]>,
    /// Serialised QoS 1/2 publishes kept for resending after a reconnect.
    pub resend: HashMap<u16, Arc<[u8]>>,
    /// Events of the engine calls since the client last took them.
    pub events: Vec<Event>,
    /// Whether a CONNACK accepted the current connection.
    pub connected: bool,
}

impl Engine {
    /// A client's engine, not connected.
    pub fn new() -> Self {
        Engine {
            session: SessionState {
                next_packet_id: 1,
                link: engine::Link::DOWN,
                last_tx: 0,
                last_rx: 0,
                control_sent: false,
                held: 0,
                keep_alive_s: 0,
                ping_sent: 0,
                waiting_ping: false,
            },
            link: Link::default(),
            outgoing: Box::new([FREE_RECORD; PUBLISH_RECORDS]),
            incoming: Box::new([FREE_RECORD; PUBLISH_RECORDS]),
            buffer: vec![0u8; NETWORK_BUFFER_SIZE].into_boxed_slice(),
            resend: HashMap::new(),
            events: Vec::new(),
            connected: false,
        }
    }

    /// Whether a PINGREQ is waiting for its PINGRESP, and since when.
    pub fn ping_outstanding(&self) -> Option<u32> {
        self.session.waiting_ping.then_some(self.session.ping_sent)
    }

    /// Closes the socket and puts the session back to "not connected"
    /// without sending anything (the connection is gone or being dropped).
    pub fn drop_connection(&mut self) {
        if let Some(stream) = self.link.stream.take() {
            stream.close();
        }
        self.connected = false;
        self.session.link = engine::Link::DOWN;
        self.session.waiting_ping = false;
        self.session.held = 0;
    }
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Port for Engine {
    fn now(&mut self) -> u32 {
        now_ms()
    }

    fn session(&mut self) -> Session<'_> {
        let s = &mut self.session;
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
            outgoing: &mut self.outgoing[..],
            incoming: &mut self.incoming[..],
        }
    }

    fn recv_into_buffer(&mut self, offset: usize, len: usize) -> i32 {
        let end = offset.saturating_add(len);
        match self.buffer.get_mut(offset..end) {
            Some(dst) if !dst.is_empty() => self.link.recv(dst),
            _ => 0,
        }
    }

    fn recv_into(&mut self, dst: &mut [u8]) -> i32 {
        if dst.is_empty() {
            return 0;
        }
        self.link.recv(dst)
    }

    fn send_once(&mut self, parts: &[&[u8]]) -> i32 {
        self.link.send(parts)
    }

    fn deliver(&mut self, event: &engine::Event) {
        if let Some(publish) = &event.publish {
            let copy = |range: &core::ops::Range<usize>| {
                self.buffer
                    .get(range.clone())
                    .map(<[u8]>::to_vec)
                    .unwrap_or_default()
            };
            let message = Message {
                topic: copy(&publish.topic),
                payload: copy(&publish.payload),
            };
            self.events.push(Event::Publish(message));
            return;
        }
        let kind = match event.frame.first_byte & 0xF0 {
            0x40 => MQTT_CONTROL_PACKET_TYPE_PUBACK,
            0x50 => MQTT_CONTROL_PACKET_TYPE_PUBREC,
            0x70 => MQTT_CONTROL_PACKET_TYPE_PUBCOMP,
            0x90 => MQTT_CONTROL_PACKET_TYPE_SUBACK,
            0xB0 => MQTT_CONTROL_PACKET_TYPE_UNSUBACK,
            _ => return,
        };
        self.events.push(Event::Ack {
            kind,
            packet_id: event.packet_id,
        });
    }

    type Stored = Arc<[u8]>;

    fn store(&mut self, packet_id: u16, parts: &[&[u8]]) -> Option<bool> {
        let packet: Arc<[u8]> = parts.concat().into();
        self.resend.insert(packet_id, packet);
        Some(true)
    }

    fn has_retransmit(&mut self) -> bool {
        true
    }

    fn retrieve(&mut self, packet_id: u16) -> Option<Arc<[u8]>> {
        self.resend.get(&packet_id).cloned()
    }

    fn clear(&mut self, packet_id: u16) {
        self.resend.remove(&packet_id);
    }
}
