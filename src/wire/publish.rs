//! PUBLISH (MQTT 3.1.1 section 3.3).

use super::body::{
    checked_body_len, encode_vectored, field_len, packet_api, write_fixed_header, Body, IoSlices,
};
use super::cursor::{Reader, Sink, SliceSink};
use super::error::Error;
use super::header::PacketType;
use super::qos::QoS;
use super::string::{validate_field, validate_str};
use super::topic;

const FLAG_RETAIN: u8 = 0x01;
const FLAG_DUP: u8 = 0x08;
const QOS_SHIFT: u8 = 1;

/// Scratch bytes [`Publish::io_slices`] needs: first byte, up to four
/// remaining length bytes, the topic length prefix and the packet
/// identifier.
pub const PUBLISH_SCRATCH_LEN: usize = 1 + 4 + 2 + 2;

/// Vectors [`Publish::io_slices`] produces at most: header, topic, packet
/// identifier, payload.
pub const PUBLISH_MAX_VECTORS: usize = 4;

/// A PUBLISH packet; `topic` and `payload` borrow the input when decoded
/// and the caller's data when encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Publish<'a> {
    /// DUP flag: this may be a re-delivery (3.3.1.1). Must be false for QoS 0.
    pub dup: bool,
    /// QoS level (3.3.1.2).
    pub qos: QoS,
    /// RETAIN flag (3.3.1.3).
    pub retain: bool,
    /// Topic name, no wildcards (3.3.2.1).
    pub topic: &'a str,
    /// Packet identifier: non-zero for QoS 1 and 2. QoS 0 packets have none
    /// on the wire; decoding sets 0 and encoding ignores the field.
    pub packet_id: u16,
    /// Application message; may be empty.
    pub payload: &'a [u8],
}

impl<'a> Publish<'a> {
    /// Encodes the packet as at most four I/O vectors without copying
    /// `topic` or `payload`: the fixed header and topic length go into
    /// `scratch` (as does the packet identifier), topic and payload are
    /// referenced. Concatenated, the vectors are the packet.
    pub fn io_slices<'b>(
        &'b self,
        scratch: &'b mut [u8; PUBLISH_SCRATCH_LEN],
    ) -> Result<IoSlices<'b, PUBLISH_MAX_VECTORS>, Error> {
        let mut out: [&'b [u8]; PUBLISH_MAX_VECTORS] = [&[]; PUBLISH_MAX_VECTORS];
        let used = encode_vectored(self, scratch.as_mut_slice(), &mut out)?;
        Ok(IoSlices::new(out, used))
    }

    /// Validates the packet and writes everything but the payload (fixed
    /// header, topic, packet identifier) to the front of `buf`, returning
    /// the number of bytes written ([`Publish::header_len`]). Sending those
    /// bytes followed by `payload` sends the packet; this suits transports
    /// that take one contiguous header and the payload separately.
    pub fn encode_header(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let body = checked_body_len(self)?;
        let header_len = self.header_len();
        let dst = buf
            .get_mut(..header_len)
            .ok_or(Error::BufferTooSmall { needed: header_len })?;
        let mut sink = SliceSink::new(dst);
        write_fixed_header(self, body, &mut sink)?;
        sink.field(self.topic.as_bytes());
        if self.qos != QoS::AtMostOnce {
            sink.u16(self.packet_id);
        }
        match sink.finish() {
            Some(written) if written == header_len => Ok(written),
            _ => Err(Error::BufferTooSmall { needed: header_len }),
        }
    }

    /// Bytes of the encoded packet before the payload: fixed header, topic
    /// and packet identifier.
    pub fn header_len(&self) -> usize {
        self.encoded_len().saturating_sub(self.payload.len())
    }
}

impl<'a> Body<'a> for Publish<'a> {
    const TYPE: PacketType = PacketType::Publish;

    fn flags(&self) -> u8 {
        let mut flags = self.qos.as_u8() << QOS_SHIFT;
        if self.dup {
            flags |= FLAG_DUP;
        }
        if self.retain {
            flags |= FLAG_RETAIN;
        }
        flags
    }

    fn body_len(&self) -> usize {
        let id_len = if self.qos == QoS::AtMostOnce { 0 } else { 2 };
        field_len(self.topic.len())
            .saturating_add(id_len)
            .saturating_add(self.payload.len())
    }

    fn validate(&self) -> Result<(), Error> {
        validate_str(self.topic)?;
        topic::validate_name(self.topic).map_err(Error::InvalidTopicName)?;
        if self.qos == QoS::AtMostOnce {
            if self.dup {
                return Err(Error::DupWithQos0);
            }
        } else if self.packet_id == 0 {
            return Err(Error::ZeroPacketId);
        }
        Ok(())
    }

    fn write_body<'b, S: Sink<'b>>(&'b self, sink: &mut S) {
        sink.field(self.topic.as_bytes());
        if self.qos != QoS::AtMostOnce {
            sink.u16(self.packet_id);
        }
        sink.borrowed(self.payload);
    }

    fn decode_body(flags: u8, body: &'a [u8]) -> Result<Self, Error> {
        let p = PublishBody::decode(flags, body)?;
        // Already checked as UTF-8 by `PublishBody::decode`.
        let topic = core::str::from_utf8(p.topic).map_err(|_| Error::InvalidUtf8)?;
        Ok(Publish {
            dup: p.dup,
            qos: p.qos,
            retain: p.retain,
            topic,
            packet_id: p.packet_id,
            payload: p.payload,
        })
    }
}

packet_api!(Publish<'a>);

/// A received PUBLISH checked by every rule [`Publish::decode`] applies, with
/// the topic left as bytes (valid UTF-8, no U+0000, no wildcard).
///
/// For a receiver that framed the packet itself (with
/// [`super::FixedHeader::peek`]) and keeps the topic as a position in its
/// buffer: no second parse of the fixed header, and no `&str` to build, so a
/// firmware image that decodes PUBLISH only this way carries no
/// `core::str::from_utf8` (see `string::validate_field`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublishBody<'a> {
    /// DUP flag.
    pub dup: bool,
    /// QoS level.
    pub qos: QoS,
    /// RETAIN flag.
    pub retain: bool,
    /// The topic name's bytes.
    pub topic: &'a [u8],
    /// Packet identifier; 0 for QoS 0.
    pub packet_id: u16,
    /// Application message.
    pub payload: &'a [u8],
}

impl<'a> PublishBody<'a> {
    /// Decodes the body of a PUBLISH (the `remaining_length` bytes after the
    /// fixed header) with the fixed header's `flags`; the errors are
    /// [`Publish::decode`]'s, in the same order.
    pub fn decode(flags: u8, body: &'a [u8]) -> Result<Self, Error> {
        let qos = QoS::from_u8((flags >> QOS_SHIFT) & 0x03)?;
        let dup = flags & FLAG_DUP != 0;
        if dup && qos == QoS::AtMostOnce {
            return Err(Error::DupWithQos0);
        }
        let parts = PublishParts::split(qos != QoS::AtMostOnce, body)?;
        validate_field(parts.topic)?;
        topic::validate_name_bytes(parts.topic).map_err(Error::InvalidTopicName)?;
        let packet_id = match parts.packet_id {
            Some(0) => return Err(Error::ZeroPacketId),
            Some(id) => id,
            None => 0,
        };
        Ok(PublishBody {
            dup,
            qos,
            retain: flags & FLAG_RETAIN != 0,
            topic: parts.topic,
            packet_id,
            payload: parts.payload,
        })
    }
}

/// A PUBLISH body split into its fields by their lengths alone: the topic's
/// bytes are not checked as text or as a topic name, and a packet
/// identifier of 0 is not refused.
///
/// This is the structural half of [`Publish::decode`], for callers that must
/// apply a different policy to the contents (coreMQTT's
/// `MQTT_DeserializePublish` accepts what its C original accepts); everyone
/// else should decode a [`Publish`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublishParts<'a> {
    /// The topic name's bytes, after the two-byte length prefix.
    pub topic: &'a [u8],
    /// The packet identifier, when the QoS has one.
    pub packet_id: Option<u16>,
    /// The rest of the body.
    pub payload: &'a [u8],
}

impl<'a> PublishParts<'a> {
    /// Splits `body` (the bytes after the fixed header); `has_packet_id` is
    /// true for QoS 1 and 2. [`Error::Truncated`] when the body is shorter
    /// than its topic (and packet identifier).
    pub fn split(has_packet_id: bool, body: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        let topic = r.binary()?;
        let packet_id = if has_packet_id { Some(r.u16()?) } else { None };
        Ok(PublishParts {
            topic,
            packet_id,
            payload: r.rest(),
        })
    }
}
