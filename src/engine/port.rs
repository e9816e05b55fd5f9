//! What the engine needs from outside, as one trait: bytes in and out, the
//! clock, the receive buffer, the session's scalar state, the QoS 1/2
//! records, event delivery and the optional store of outgoing publishes.
//!
//! The engine never holds a borrow of anything a port hands out across
//! another port call: a face may call into application code (a coreMQTT
//! event callback may call `MQTT_Publish` on the same context), so every
//! accessor returns a short borrow tied to `&mut self`, and the borrow checker
//! guarantees nothing of the port is borrowed while application code runs.

use core::ops::Range;

use crate::wire::QoS;

use crate::engine::record::MQTTPubAckInfo_t;

use super::records::{Outgoing, StateRecords};

/// The session's scalar state, as mutable views into wherever the face keeps
/// it (the coreMQTT face keeps it in `MQTTContext_t`, whose layout C fixes).
pub struct Session<'a> {
    /// The packet identifier [`crate::engine::next_packet_id`] hands out next.
    pub next_packet_id: &'a mut u16,
    /// Connection status: not connected, connected, or a transport failure
    /// pending (see [`Link`]). Stored as the target's C enum integer
    /// because the coreMQTT face keeps it in `MQTTContext_t.connectStatus`.
    pub link: &'a mut LinkRaw,
    /// When a packet was last sent (clock milliseconds).
    pub last_tx: &'a mut u32,
    /// When a packet was last received.
    pub last_rx: &'a mut u32,
    /// Whether a packet went out during the current loop call.
    pub control_sent: &'a mut bool,
    /// Bytes of a partial packet held at the front of the receive buffer.
    pub held: &'a mut usize,
    /// Keep-alive interval in seconds (0: off).
    pub keep_alive_s: &'a mut u16,
    /// When the outstanding PINGREQ was sent.
    pub ping_sent: &'a mut u32,
    /// Whether a PINGRESP is awaited.
    pub waiting_ping: &'a mut bool,
}

/// The values of [`Session::link`]; they are coreMQTT's
/// `MQTTConnectionStatus_t` values, so that face stores them unchanged.
pub struct Link;

/// The integer [`Session::link`] is stored in: coreMQTT's
/// `MQTTConnectionStatus_t`, whose size follows the target's C enums.
pub type LinkRaw = super::c_enum::Raw;

impl Link {
    /// No connection.
    pub const DOWN: LinkRaw = 0;
    /// Connected.
    pub const UP: LinkRaw = 1;
    /// A transport failure cut a packet short: only a disconnect may follow.
    pub const BROKEN: LinkRaw = 2;
}

/// Where a received packet sits in the receive buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The first byte (packet type and flags).
    pub first_byte: u8,
    /// Bytes of the fixed header.
    pub header_len: usize,
    /// The remaining length.
    pub remaining_len: usize,
}

/// A received PUBLISH, as positions in the receive buffer: the port turns
/// them into whatever its application expects (pointers for C, a copy for a
/// message queue) while no borrow of the buffer is alive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingPublish {
    /// QoS.
    pub qos: QoS,
    /// Retain flag.
    pub retain: bool,
    /// DUP flag.
    pub dup: bool,
    /// Topic name (valid UTF-8, checked by `wire`), within the buffer.
    pub topic: Range<usize>,
    /// Payload, within the buffer.
    pub payload: Range<usize>,
}

/// What the engine reports to the application, one packet at a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The packet's position in the receive buffer.
    pub frame: Frame,
    /// Its packet identifier (0 for a PINGRESP).
    pub packet_id: u16,
    /// For SUBACK: at least one filter was refused (return code 0x80).
    pub refused: bool,
    /// For an incoming PUBLISH: its fields.
    pub publish: Option<IncomingPublish>,
}

/// The engine's outside world. A face implements it once per connection
/// type; every method is called from the engine's own thread of control.
pub trait Port {
    /// The current time in milliseconds, wrapping at 2^32.
    fn now(&mut self) -> u32;

    /// The session's scalar state.
    fn session(&mut self) -> Session<'_>;

    /// The receive buffer (empty when there is none).
    fn buffer(&mut self) -> &mut [u8];

    /// The QoS 1/2 state records, outgoing and incoming.
    fn records(&mut self) -> StateRecords<'_>;

    /// One of the two record arrays: the outgoing one when `outgoing`, else
    /// the incoming one. Every engine step touches one side only, and a port
    /// may give one side more cheaply than both (the coreMQTT face need not
    /// check two C arrays against each other); the default takes it from
    /// [`Port::records`], which the engine then never calls itself.
    fn record_array(&mut self, outgoing: bool) -> &mut [MQTTPubAckInfo_t] {
        let records = self.records();
        if outgoing {
            records.outgoing
        } else {
            records.incoming
        }
    }

    /// The outgoing records, for sending a publish.
    // A forwarding wrapper: called, it costs a function of its own and a
    // call at each of the engine's four uses (24 bytes on a Cortex-M4).
    #[inline(always)]
    fn outgoing(&mut self) -> Outgoing<'_> {
        Outgoing(self.record_array(true))
    }

    /// Receives at most `len` bytes into `buffer()[offset..]`: the number of
    /// bytes received, 0 for nothing now, negative for a transport failure.
    fn recv_into_buffer(&mut self, offset: usize, len: usize) -> i32;

    /// Receives into `dst`, with the same result as `recv_into_buffer`.
    fn recv_into(&mut self, dst: &mut [u8]) -> i32;

    /// One transport call for the bytes of `parts`, in order: bytes taken
    /// (a prefix of the concatenation), 0 for none now, negative for a
    /// failure.
    fn send_once(&mut self, parts: &[&[u8]]) -> i32;

    /// Delivers one event to the application.
    fn deliver(&mut self, event: &Event);

    /// A stored publish as [`Port::retrieve`] gives it back. It borrows
    /// nothing of the port, so the engine can send it through the port.
    type Stored: AsRef<[u8]>;

    /// Offers an outgoing QoS 1/2 publish (the concatenation of `parts`) for
    /// storage before it is sent: `None` when the application keeps no
    /// copies, else whether it took it.
    fn store(&mut self, packet_id: u16, parts: &[&[u8]]) -> Option<bool>;

    /// Whether stored copies can be given back ([`Port::retrieve`]).
    fn has_retransmit(&mut self) -> bool;

    /// Gives back the stored publish `packet_id`, first byte included, as it
    /// was stored; `None` when it cannot.
    fn retrieve(&mut self, packet_id: u16) -> Option<Self::Stored>;

    /// A stored publish is acknowledged (or its session is gone): forget it.
    fn clear(&mut self, packet_id: u16);
}
