//! SUBSCRIBE (MQTT 3.1.1 section 3.8).

use core::fmt;

use super::body::{field_len, packet_api, Body};
use super::cursor::{Reader, Sink};
use super::error::Error;
use super::header::PacketType;
use super::qos::QoS;
use super::string::validate_str;
use super::topic;

/// One topic filter with its requested QoS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SubscribeTopic<'a> {
    /// Topic filter (wildcards allowed).
    pub filter: &'a str,
    /// Maximum QoS the client wants for this subscription.
    pub qos: QoS,
}

#[derive(Clone, Copy)]
enum Topics<'a> {
    /// Built by the caller for encoding.
    List(&'a [SubscribeTopic<'a>]),
    /// The validated payload of a decoded packet.
    Wire(&'a [u8]),
}

/// A SUBSCRIBE packet. Decoded packets keep their payload borrowed and are
/// read through [`Subscribe::topics`]; packets to send are built with
/// [`Subscribe::new`] over a caller slice. No fixed-capacity list is
/// involved either way.
#[derive(Clone, Copy)]
pub struct Subscribe<'a> {
    /// Packet identifier (non-zero).
    pub packet_id: u16,
    topics: Topics<'a>,
}

impl<'a> Subscribe<'a> {
    /// A SUBSCRIBE for `topics` (at least one is required to encode).
    pub const fn new(packet_id: u16, topics: &'a [SubscribeTopic<'a>]) -> Self {
        Subscribe {
            packet_id,
            topics: Topics::List(topics),
        }
    }

    /// The topic filters and requested QoS, in packet order.
    pub fn topics(&self) -> SubscribeTopics<'a> {
        SubscribeTopics { inner: self.topics }
    }
}

impl PartialEq for Subscribe<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.packet_id == other.packet_id && self.topics().eq(other.topics())
    }
}

impl Eq for Subscribe<'_> {}

impl fmt::Debug for Subscribe<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscribe")
            .field("packet_id", &self.packet_id)
            .field("topics", &DebugIter(self.topics()))
            .finish()
    }
}

/// Formats an iterator's items as a list.
pub(crate) struct DebugIter<I>(pub(crate) I);

impl<I: Iterator + Clone> fmt::Debug for DebugIter<I>
where
    I::Item: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.clone()).finish()
    }
}

/// Iterator over the topics of a [`Subscribe`].
#[derive(Clone)]
pub struct SubscribeTopics<'a> {
    inner: Topics<'a>,
}

/// Reads one filter and its QoS byte with every check of 3.8.3.
fn read_topic<'a>(r: &mut Reader<'a>) -> Result<SubscribeTopic<'a>, Error> {
    let filter = r.string()?;
    topic::validate_filter(filter).map_err(Error::InvalidTopicFilter)?;
    let requested = r.u8()?;
    if requested & 0xfc != 0 {
        return Err(Error::ReservedQosBits(requested));
    }
    Ok(SubscribeTopic {
        filter,
        qos: QoS::from_u8(requested)?,
    })
}

impl<'a> Iterator for SubscribeTopics<'a> {
    type Item = SubscribeTopic<'a>;

    fn next(&mut self) -> Option<SubscribeTopic<'a>> {
        match &mut self.inner {
            Topics::List(list) => {
                let (first, rest) = list.split_first()?;
                *list = rest;
                Some(*first)
            }
            Topics::Wire(bytes) => {
                if bytes.is_empty() {
                    return None;
                }
                let mut r = Reader::new(bytes);
                // The payload was validated when decoded; a failure here is
                // impossible, and ending the iteration keeps it total.
                let item = read_topic(&mut r).ok();
                *bytes = if item.is_some() { r.rest() } else { &[] };
                item
            }
        }
    }
}

impl<'a> Body<'a> for Subscribe<'a> {
    const TYPE: PacketType = PacketType::Subscribe;

    fn body_len(&self) -> usize {
        match self.topics {
            // Packet identifier, then the payload.
            Topics::Wire(bytes) => field_len(bytes.len()),
            Topics::List(list) => list.iter().fold(2usize, |acc, t| {
                acc.saturating_add(field_len(t.filter.len()))
                    .saturating_add(1)
            }),
        }
    }

    fn validate(&self) -> Result<(), Error> {
        if self.packet_id == 0 {
            return Err(Error::ZeroPacketId);
        }
        let mut any = false;
        for t in self.topics() {
            validate_str(t.filter)?;
            topic::validate_filter(t.filter).map_err(Error::InvalidTopicFilter)?;
            any = true;
        }
        if any {
            Ok(())
        } else {
            Err(Error::EmptyPayload)
        }
    }

    fn write_body<'b, S: Sink<'b>>(&'b self, sink: &mut S) {
        sink.u16(self.packet_id);
        match self.topics {
            // Already in wire form: reference it whole.
            Topics::Wire(bytes) => sink.borrowed(bytes),
            Topics::List(list) => {
                for t in list {
                    sink.field(t.filter.as_bytes());
                    sink.u8(t.qos.as_u8());
                }
            }
        }
    }

    fn decode_body(_flags: u8, body: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        let packet_id = r.packet_id()?;
        let payload = r.rest();
        if payload.is_empty() {
            return Err(Error::EmptyPayload);
        }
        let mut check = Reader::new(payload);
        while !check.is_empty() {
            read_topic(&mut check)?;
        }
        Ok(Subscribe {
            packet_id,
            topics: Topics::Wire(payload),
        })
    }
}

packet_api!(Subscribe<'a>);
