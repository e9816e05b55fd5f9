//! UNSUBSCRIBE (MQTT 3.1.1 section 3.10).

use core::fmt;

use super::body::{field_len, packet_api, Body};
use super::cursor::{Reader, Sink};
use super::error::Error;
use super::header::PacketType;
use super::string::validate_str;
use super::subscribe::DebugIter;
use super::topic;

#[derive(Clone, Copy)]
enum Filters<'a> {
    List(&'a [&'a str]),
    Wire(&'a [u8]),
}

/// An UNSUBSCRIBE packet; like [`super::Subscribe`] it either borrows the
/// decoded payload or a caller slice of filters.
#[derive(Clone, Copy)]
pub struct Unsubscribe<'a> {
    /// Packet identifier (non-zero).
    pub packet_id: u16,
    filters: Filters<'a>,
}

impl<'a> Unsubscribe<'a> {
    /// An UNSUBSCRIBE for `filters` (at least one is required to encode).
    pub const fn new(packet_id: u16, filters: &'a [&'a str]) -> Self {
        Unsubscribe {
            packet_id,
            filters: Filters::List(filters),
        }
    }

    /// The topic filters, in packet order.
    pub fn filters(&self) -> UnsubscribeFilters<'a> {
        UnsubscribeFilters {
            inner: self.filters,
        }
    }
}

impl PartialEq for Unsubscribe<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.packet_id == other.packet_id && self.filters().eq(other.filters())
    }
}

impl Eq for Unsubscribe<'_> {}

impl fmt::Debug for Unsubscribe<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unsubscribe")
            .field("packet_id", &self.packet_id)
            .field("filters", &DebugIter(self.filters()))
            .finish()
    }
}

/// Iterator over the filters of an [`Unsubscribe`].
#[derive(Clone)]
pub struct UnsubscribeFilters<'a> {
    inner: Filters<'a>,
}

fn read_filter<'a>(r: &mut Reader<'a>) -> Result<&'a str, Error> {
    let filter = r.string()?;
    topic::validate_filter(filter).map_err(Error::InvalidTopicFilter)?;
    Ok(filter)
}

impl<'a> Iterator for UnsubscribeFilters<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        match &mut self.inner {
            Filters::List(list) => {
                let (first, rest) = list.split_first()?;
                *list = rest;
                Some(*first)
            }
            Filters::Wire(bytes) => {
                if bytes.is_empty() {
                    return None;
                }
                let mut r = Reader::new(bytes);
                // Validated at decode time; see SubscribeTopics::next.
                let item = read_filter(&mut r).ok();
                *bytes = if item.is_some() { r.rest() } else { &[] };
                item
            }
        }
    }
}

impl<'a> Body<'a> for Unsubscribe<'a> {
    const TYPE: PacketType = PacketType::Unsubscribe;

    fn body_len(&self) -> usize {
        match self.filters {
            // Packet identifier, then the payload.
            Filters::Wire(bytes) => field_len(bytes.len()),
            Filters::List(list) => list
                .iter()
                .fold(2usize, |acc, f| acc.saturating_add(field_len(f.len()))),
        }
    }

    fn validate(&self) -> Result<(), Error> {
        if self.packet_id == 0 {
            return Err(Error::ZeroPacketId);
        }
        let mut any = false;
        for filter in self.filters() {
            validate_str(filter)?;
            topic::validate_filter(filter).map_err(Error::InvalidTopicFilter)?;
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
        match self.filters {
            Filters::Wire(bytes) => sink.borrowed(bytes),
            Filters::List(list) => {
                for filter in list {
                    sink.field(filter.as_bytes());
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
            read_filter(&mut check)?;
        }
        Ok(Unsubscribe {
            packet_id,
            filters: Filters::Wire(payload),
        })
    }
}

packet_api!(Unsubscribe<'a>);
