//! The engine over an in-memory port: no sockets, no C, a clock that only
//! moves when the test says so. What the broker sends is queued up front;
//! what the client sends is collected and compared byte for byte.

extern crate std;

use std::collections::{BTreeMap, VecDeque};
use std::vec::Vec;

use super::packets::Connect;
use super::port::{Event, Link, LinkRaw, Port, Session};
use super::process::Progress;
use super::records::StateRecords;
use super::Error;
use super::{connect, process, publish};
use crate::engine::record::MQTTQoS;
use crate::engine::record::{MQTTPubAckInfo_t, MQTTPublishState};
use crate::wire::{self, ConnectReturnCode};

const FREE: MQTTPubAckInfo_t = MQTTPubAckInfo_t {
    packetId: 0,
    qos: 0,
    publishState: 0,
};

#[derive(Default)]
struct Scalars {
    next_packet_id: u16,
    link: LinkRaw,
    last_tx: u32,
    last_rx: u32,
    control_sent: bool,
    held: usize,
    keep_alive_s: u16,
    ping_sent: u32,
    waiting_ping: bool,
}

/// A port whose transport is two byte queues.
struct MemoryPort {
    s: Scalars,
    now: u32,
    buffer: [u8; 256],
    outgoing: [MQTTPubAckInfo_t; 4],
    incoming: [MQTTPubAckInfo_t; 4],
    inbound: VecDeque<u8>,
    /// Receives return -1 once `inbound` is empty (the peer closed).
    closed: bool,
    sent: Vec<u8>,
    /// Sends fail (-1) after this many more bytes.
    send_budget: Option<usize>,
    events: Vec<Event>,
    stored: BTreeMap<u16, Vec<u8>>,
}

impl MemoryPort {
    fn new() -> Self {
        MemoryPort {
            s: Scalars {
                next_packet_id: 1,
                ..Scalars::default()
            },
            now: 1_000,
            buffer: [0; 256],
            outgoing: [FREE; 4],
            incoming: [FREE; 4],
            inbound: VecDeque::new(),
            closed: false,
            sent: Vec::new(),
            send_budget: None,
            events: Vec::new(),
            stored: BTreeMap::new(),
        }
    }

    fn broker_sends(&mut self, bytes: &[u8]) {
        self.inbound.extend(bytes);
    }

    fn take_sent(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.sent)
    }

    fn recv(&mut self, dst: &mut [u8]) -> i32 {
        if self.inbound.is_empty() {
            return if self.closed { -1 } else { 0 };
        }
        let n = dst.len().min(self.inbound.len());
        for (slot, byte) in dst.iter_mut().zip(self.inbound.drain(..n)) {
            *slot = byte;
        }
        n as i32
    }
}

impl Port for MemoryPort {
    fn now(&mut self) -> u32 {
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
        let mut tmp = [0u8; 256];
        let n = self.recv(&mut tmp[..len.min(256)]);
        if n > 0 {
            self.buffer[offset..offset + n as usize].copy_from_slice(&tmp[..n as usize]);
        }
        n
    }

    fn recv_into(&mut self, dst: &mut [u8]) -> i32 {
        self.recv(dst)
    }

    fn send_once(&mut self, parts: &[&[u8]]) -> i32 {
        let all: Vec<u8> = parts.concat();
        let take = match self.send_budget {
            Some(0) => return -1,
            Some(budget) => all.len().min(budget),
            None => all.len(),
        };
        if let Some(budget) = self.send_budget.as_mut() {
            *budget -= take;
        }
        self.sent.extend_from_slice(&all[..take]);
        take as i32
    }

    fn deliver(&mut self, event: &Event) {
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

/// One `MQTT_ProcessLoop`.
fn loop_status(port: &mut MemoryPort) -> Result<Progress, Error> {
    process::run(port, true)
}

fn params(clean_session: bool) -> Connect<'static> {
    Connect {
        clean_session,
        keep_alive_seconds: 60,
        client_id: b"mem",
        user_name: None,
        password: None,
    }
}

fn connected(clean_session: bool) -> MemoryPort {
    let mut port = MemoryPort::new();
    port.broker_sends(&[0x20, 2, 0, 0]);
    assert_eq!(
        connect::connect(&mut port, &params(clean_session), None, 1000),
        Ok(false)
    );
    port.take_sent();
    port
}

#[test]
fn refused_connack_carries_its_return_code() {
    let mut port = MemoryPort::new();
    port.broker_sends(&[0x20, 2, 0, 5]);
    assert_eq!(
        connect::connect(&mut port, &params(true), None, 1000),
        Err(Error::Refused(ConnectReturnCode::NotAuthorized))
    );
    assert_eq!(port.s.link, Link::DOWN);
}

#[test]
fn refused_connack_reports_its_session_present_bit() {
    let mut port = MemoryPort::new();
    port.broker_sends(&[0x20, 2, 0, 5]);
    let mut seen = None;
    assert_eq!(
        connect::connect_reporting(&mut port, &params(true), None, 1000, &mut seen),
        Err(Error::Refused(ConnectReturnCode::NotAuthorized))
    );
    assert_eq!(
        seen,
        Some(false),
        "a refused CONNACK still reports its flag"
    );
}

#[test]
fn session_present_on_a_clean_session_is_reported_and_refused() {
    let mut port = MemoryPort::new();
    port.broker_sends(&[0x20, 2, 1, 0]);
    let mut seen = None;
    assert_eq!(
        connect::connect_reporting(&mut port, &params(true), None, 1000, &mut seen),
        Err(Error::BadResponse)
    );
    assert_eq!(seen, Some(true));
}

#[test]
fn connack_with_reserved_flags_reports_no_session_present_bit() {
    let mut port = MemoryPort::new();
    port.broker_sends(&[0x20, 2, 0x02, 0]);
    let mut seen = None;
    assert!(connect::connect_reporting(&mut port, &params(true), None, 1000, &mut seen).is_err());
    assert_eq!(seen, None);
}

#[test]
fn stored_publish_has_dup_set_while_the_sent_one_keeps_the_callers_flag() {
    let mut port = connected(true);
    let p = publish::Publish {
        qos: MQTTQoS::MQTTQoS2,
        retain: true,
        dup: false,
        topic: b"t",
        payload: b"hi",
    };
    assert_eq!(publish::publish(&mut port, &p, 9), Ok(()));
    assert_eq!(port.take_sent(), [0x35, 7, 0, 1, b't', 0, 9, b'h', b'i']);
    assert_eq!(
        port.stored.get(&9).map(Vec::as_slice),
        Some(&[0x3d, 7, 0, 1, b't', 0, 9, b'h', b'i'][..])
    );
}

#[test]
fn publish_with_a_topic_too_long_to_coalesce_sends_the_same_bytes() {
    for topic_len in [63usize, 64, 65, 200] {
        let mut port = connected(true);
        let topic = vec![b'a'; topic_len];
        let p = publish::Publish {
            qos: MQTTQoS::MQTTQoS1,
            retain: false,
            dup: false,
            topic: &topic,
            payload: b"xyz",
        };
        assert_eq!(publish::publish(&mut port, &p, 3), Ok(()));
        let remaining = 2 + topic_len + 2 + 3;
        let mut expected = vec![0x32];
        if remaining < 128 {
            expected.push(remaining as u8);
        } else {
            expected.extend([(remaining % 128) as u8 | 0x80, (remaining / 128) as u8]);
        }
        expected.extend((topic_len as u16).to_be_bytes());
        expected.extend(&topic);
        expected.extend([0, 3, b'x', b'y', b'z']);
        assert_eq!(port.take_sent(), expected, "topic of {topic_len} bytes");
    }
}

#[test]
fn malformed_connack_carries_the_wire_reason() {
    let mut port = MemoryPort::new();
    port.broker_sends(&[0x20, 2, 0x02, 0]);
    assert_eq!(
        connect::connect(&mut port, &params(true), None, 1000),
        Err(Error::Malformed(wire::ErrorKind::InvalidConnAckFlags))
    );
}

#[test]
fn connack_reasons_match_the_wire_decoder() {
    // The engine checks the CONNACK's two bytes itself; every pair must give
    // the error `wire`'s CONNACK decoder gives (or success), reported in the
    // same order of checks.
    for flags in 0..=255u8 {
        for code in 0..=7u8 {
            let mut port = MemoryPort::new();
            port.broker_sends(&[0x20, 2, flags, code]);
            let mut seen = None;
            let result =
                connect::connect_reporting(&mut port, &params(false), None, 1000, &mut seen);
            let expected = match wire::ConnAck::decode(&[0x20, 2, flags, code]) {
                Err(e) => Err(Error::Malformed(e.kind())),
                Ok((ack, _)) if ack.return_code != ConnectReturnCode::Accepted => {
                    Err(Error::Refused(ack.return_code))
                }
                Ok((ack, _)) => Ok(ack.session_present),
            };
            assert_eq!(result, expected, "flags {flags:#04x}, code {code}");
            let flags_valid = flags & 0xfe == 0;
            assert_eq!(
                seen,
                flags_valid.then_some(flags == 1),
                "flags {flags:#04x}"
            );
        }
    }
}

#[test]
fn stored_copy_of_an_uncoalesced_publish_has_dup_set() {
    // A topic too long for the coalescing buffer: the header goes out as
    // its own vector, DUP set for the store callback only.
    let topic = [b'b'; 100];
    let mut port = connected(true);
    let p = publish::Publish {
        qos: MQTTQoS::MQTTQoS1,
        retain: false,
        dup: false,
        topic: &topic,
        payload: b"z",
    };
    assert_eq!(publish::publish(&mut port, &p, 5), Ok(()));
    let mut expected = vec![0x32, 2 + 100 + 2 + 1, 0, 100];
    expected.extend(topic);
    expected.extend([0, 5, b'z']);
    assert_eq!(port.take_sent(), expected);
    expected[0] |= 0x08;
    assert_eq!(port.stored.get(&5), Some(&expected));
}

#[test]
fn qos1_publish_goes_out_and_its_puback_completes_it() {
    let mut port = connected(true);
    let p = publish::Publish {
        qos: MQTTQoS::MQTTQoS1,
        retain: false,
        dup: false,
        topic: b"t",
        payload: b"hi",
    };
    assert_eq!(publish::publish(&mut port, &p, 7), Ok(()));
    assert_eq!(port.take_sent(), [0x32, 7, 0, 1, b't', 0, 7, b'h', b'i']);
    port.broker_sends(&[0x40, 2, 0, 7]);
    assert_eq!(loop_status(&mut port), Ok(Progress::Handled));
    assert_eq!(port.events.len(), 1);
    assert_eq!(port.events[0].packet_id, 7);
    assert!(port.outgoing.iter().all(|r| r.packetId == 0));
    assert!(port.stored.is_empty(), "the acknowledged copy is released");
}

#[test]
fn publish_with_invalid_utf8_topic_is_refused_and_not_delivered() {
    let mut port = connected(true);
    port.broker_sends(&[0x30, 5, 0, 2, 0xC3, 0x28, b'x']);
    // Built for size the loop keeps no reason (see `process::Refusal`).
    let expected = if cfg!(rsmqtt_small) {
        Error::BadResponse
    } else {
        Error::Malformed(wire::ErrorKind::InvalidUtf8)
    };
    assert_eq!(process::run(&mut port, true), Err(expected));
    assert!(port.events.is_empty());
}

#[test]
fn truncated_packet_then_close_is_a_receive_failure() {
    let mut port = connected(true);
    port.broker_sends(&[0x30, 20, 0, 3, b'a']);
    port.closed = true;
    assert_eq!(loop_status(&mut port), Ok(Progress::Partial));
    assert_eq!(loop_status(&mut port), Err(Error::RecvFailed));
    assert_eq!(port.s.link, Link::BROKEN);
    assert!(port.events.is_empty());
}

/// Issue 13 at the engine level: a QoS 2 publish cut short on its first
/// send, resent on session resumption, then PUBREC → PUBREL → PUBCOMP.
#[test]
fn publish_resent_on_resumption_waits_for_its_acknowledgement() {
    let mut port = connected(false);
    port.send_budget = Some(3);
    let p = publish::Publish {
        qos: MQTTQoS::MQTTQoS2,
        retain: false,
        dup: false,
        topic: b"t",
        payload: b"x",
    };
    assert_eq!(publish::publish(&mut port, &p, 9), Err(Error::SendFailed));
    assert_eq!(
        port.outgoing[0].publishState,
        MQTTPublishState::MQTTPublishSend as u32
    );
    assert_eq!(connect::disconnect(&mut port), Ok(()));

    port.send_budget = None;
    port.take_sent();
    port.broker_sends(&[0x20, 2, 1, 0]);
    assert_eq!(
        connect::connect(&mut port, &params(false), None, 1000),
        Ok(true)
    );
    let sent = port.take_sent();
    let resent = &sent[sent.len() - 8..];
    assert_eq!(resent, [0x3C, 6, 0, 1, b't', 0, 9, b'x'], "DUP copy");
    assert_eq!(
        port.outgoing[0].publishState,
        MQTTPublishState::MQTTPubRecPending as u32
    );
    port.broker_sends(&[0x50, 2, 0, 9]);
    assert_eq!(loop_status(&mut port), Ok(Progress::Handled));
    assert_eq!(port.take_sent(), [0x62, 2, 0, 9]);
    port.broker_sends(&[0x70, 2, 0, 9]);
    assert_eq!(loop_status(&mut port), Ok(Progress::Handled));
    assert!(port.outgoing.iter().all(|r| r.packetId == 0));
}

/// The payload of the last delivered PUBLISH, read from the receive buffer
/// while it still holds that packet.
fn last_payload(port: &MemoryPort) -> Option<Vec<u8>> {
    let publish = port.events.last()?.publish.as_ref()?;
    Some(port.buffer[publish.payload.clone()].to_vec())
}

/// QoS 1 PUBLISH 5 delivered, its PUBACK lost to a cut connection, session
/// resumed: returns the port with the incoming record for 5 still held.
fn qos1_held_after_a_lost_puback() -> MemoryPort {
    let mut port = connected(false);
    port.broker_sends(&[0x32, 6, 0, 1, b't', 0, 5, b'a']);
    port.send_budget = Some(0);
    assert_eq!(loop_status(&mut port), Err(Error::SendFailed));
    assert_eq!(port.events.len(), 1);
    assert_eq!(last_payload(&port), Some(b"a".to_vec()));
    assert!(port.incoming.iter().any(|r| r.packetId == 5));
    port.send_budget = None;
    let _ = connect::disconnect(&mut port);
    port.broker_sends(&[0x20, 2, 1, 0]);
    assert_eq!(
        connect::connect(&mut port, &params(false), None, 1000),
        Ok(true)
    );
    port.take_sent();
    port
}

/// Issue 11: a broker that lost its state (restarted) reuses id 5 for a new
/// QoS 1 message, DUP clear. MQTT 3.1.1 4.3.2 makes it a new publication:
/// delivered, then acknowledged.
#[test]
fn qos1_publish_reusing_a_held_id_without_dup_is_delivered() {
    let mut port = qos1_held_after_a_lost_puback();
    port.broker_sends(&[0x32, 6, 0, 1, b't', 0, 5, b'b']);
    assert_eq!(loop_status(&mut port), Ok(Progress::Handled));
    assert_eq!(port.events.len(), 2, "the new message is delivered");
    assert_eq!(last_payload(&port), Some(b"b".to_vec()));
    assert_eq!(port.take_sent(), [0x40, 2, 0, 5]);
    assert!(port.incoming.iter().all(|r| r.packetId == 0));
}

/// The same collision with DUP=1 is the broker's resend of the message
/// already delivered: acknowledged, not delivered twice.
#[test]
fn qos1_publish_resent_with_dup_on_a_held_id_is_acknowledged_not_delivered() {
    let mut port = qos1_held_after_a_lost_puback();
    port.broker_sends(&[0x3A, 6, 0, 1, b't', 0, 5, b'a']);
    assert_eq!(loop_status(&mut port), Ok(Progress::Handled));
    assert_eq!(port.events.len(), 1, "no second delivery");
    assert_eq!(port.take_sent(), [0x40, 2, 0, 5]);
    assert!(port.incoming.iter().all(|r| r.packetId == 0));
}

/// QoS 2 keeps exactly-once: a PUBLISH on an id held until PUBREL is a
/// resend whatever its DUP flag, answered with PUBREC and not delivered.
#[test]
fn qos2_publish_reusing_a_held_id_without_dup_is_not_delivered_twice() {
    let mut port = connected(false);
    port.broker_sends(&[0x34, 6, 0, 1, b't', 0, 5, b'a']);
    assert_eq!(loop_status(&mut port), Ok(Progress::Handled));
    assert_eq!(port.take_sent(), [0x50, 2, 0, 5]);
    port.broker_sends(&[0x34, 6, 0, 1, b't', 0, 5, b'b']);
    assert_eq!(loop_status(&mut port), Ok(Progress::Handled));
    assert_eq!(port.events.len(), 1);
    assert_eq!(port.take_sent(), [0x50, 2, 0, 5]);
}

#[test]
fn subscribe_sent_in_batches_is_the_serializers_packet() {
    use super::packets::{Subscription, SubscriptionKind};
    use super::subscribe;
    use crate::coremqtt::serializer::serialize_subscription;
    // More filters than one batch of vectors holds (at most 64 vectors, two
    // or three per filter), with every QoS, so that the lengths and QoS
    // bytes of several batches are all checked.
    let names: Vec<Vec<u8>> = (0..70u8)
        .map(|i| std::format!("t/{i}").into_bytes())
        .collect();
    let qos = [MQTTQoS::MQTTQoS0, MQTTQoS::MQTTQoS1, MQTTQoS::MQTTQoS2];
    let filter = |i: usize| Subscription {
        qos: qos[i % 3],
        filter: &names[i],
    };
    let subs: Vec<Subscription<'_>> = (0..names.len()).map(filter).collect();
    use super::config::Config;
    // Only the batching depends on the vector limit, never the bytes, so
    // changing it cannot disturb a test running at the same time.
    for (max_vectors, kind) in [4u32, 7, 64, 1000].into_iter().flat_map(|m| {
        [
            (m, SubscriptionKind::Subscribe),
            (m, SubscriptionKind::Unsubscribe),
        ]
    }) {
        Config {
            sub_unsub_max_vectors: max_vectors,
            ..Config::current()
        }
        .apply();
        let mut port = connected(true);
        assert_eq!(
            subscribe::send(&mut port, kind, names.len(), &|i| Some(filter(i)), 11),
            Ok(())
        );
        let mut expected = [0u8; 1024];
        let len = serialize_subscription(&mut expected, kind, &subs, 11).unwrap();
        assert_eq!(
            port.take_sent(),
            &expected[..len],
            "{kind:?}, {max_vectors} vectors"
        );
    }
    Config {
        sub_unsub_max_vectors: Config::DEFAULT.sub_unsub_max_vectors,
        ..Config::current()
    }
    .apply();
}
