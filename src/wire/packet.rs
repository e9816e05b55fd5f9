//! The [`Packet`] enum: decoding any control packet and encoding whichever
//! one it holds.

use super::ack::{PubAck, PubComp, PubRec, PubRel, UnsubAck};
use super::body::{self, Body};
use super::connack::ConnAck;
use super::connect::Connect;
use super::error::Error;
use super::header::{frame, split_first_byte, PacketType};
use super::length::MAX_REMAINING_LENGTH;
use super::publish::Publish;
use super::simple::{Disconnect, PingReq, PingResp};
use super::suback::SubAck;
use super::subscribe::Subscribe;
use super::unsubscribe::Unsubscribe;

/// Any MQTT 3.1.1 control packet, borrowing the bytes it was decoded from
/// (or the caller data it will be encoded from).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packet<'a> {
    /// CONNECT.
    Connect(Connect<'a>),
    /// CONNACK.
    ConnAck(ConnAck),
    /// PUBLISH.
    Publish(Publish<'a>),
    /// PUBACK.
    PubAck(PubAck),
    /// PUBREC.
    PubRec(PubRec),
    /// PUBREL.
    PubRel(PubRel),
    /// PUBCOMP.
    PubComp(PubComp),
    /// SUBSCRIBE.
    Subscribe(Subscribe<'a>),
    /// SUBACK.
    SubAck(SubAck<'a>),
    /// UNSUBSCRIBE.
    Unsubscribe(Unsubscribe<'a>),
    /// UNSUBACK.
    UnsubAck(UnsubAck),
    /// PINGREQ.
    PingReq(PingReq),
    /// PINGRESP.
    PingResp(PingResp),
    /// DISCONNECT.
    Disconnect(Disconnect),
}

/// Runs `$body` with `$p` bound to the inner packet, whatever its type.
macro_rules! each {
    ($packet:expr, $p:ident => $body:expr) => {
        match $packet {
            Packet::Connect($p) => $body,
            Packet::ConnAck($p) => $body,
            Packet::Publish($p) => $body,
            Packet::PubAck($p) => $body,
            Packet::PubRec($p) => $body,
            Packet::PubRel($p) => $body,
            Packet::PubComp($p) => $body,
            Packet::Subscribe($p) => $body,
            Packet::SubAck($p) => $body,
            Packet::Unsubscribe($p) => $body,
            Packet::UnsubAck($p) => $body,
            Packet::PingReq($p) => $body,
            Packet::PingResp($p) => $body,
            Packet::Disconnect($p) => $body,
        }
    };
}

macro_rules! from_variant {
    ($($variant:ident($ty:ty)),* $(,)?) => {
        $(
            impl<'a> From<$ty> for Packet<'a> {
                fn from(packet: $ty) -> Self {
                    Packet::$variant(packet)
                }
            }
        )*
    };
}

from_variant!(
    Connect(Connect<'a>),
    ConnAck(ConnAck),
    Publish(Publish<'a>),
    PubAck(PubAck),
    PubRec(PubRec),
    PubRel(PubRel),
    PubComp(PubComp),
    Subscribe(Subscribe<'a>),
    SubAck(SubAck<'a>),
    Unsubscribe(Unsubscribe<'a>),
    UnsubAck(UnsubAck),
    PingReq(PingReq),
    PingResp(PingResp),
    Disconnect(Disconnect),
);

fn body_of<'a, B: Body<'a>>(flags: u8, bytes: &'a [u8]) -> Result<B, Error> {
    B::decode_body(flags, bytes)
}

impl<'a> Packet<'a> {
    /// Decodes the packet at the front of `buf`, returning it and the
    /// number of bytes it occupies (bytes after it are not examined).
    ///
    /// If `buf` holds only part of a packet the result is
    /// [`Error::Incomplete`] with the minimum number of bytes to append;
    /// every other error means the stream is malformed.
    pub fn decode(buf: &'a [u8]) -> Result<(Packet<'a>, usize), Error> {
        let (fixed, bytes) = frame(buf)?;
        let packet = Self::from_type_and_body(fixed.packet_type, fixed.flags, bytes)?;
        Ok((packet, fixed.packet_len()))
    }

    /// Decodes a packet whose fixed header was read separately: `first_byte`
    /// is the packet's first byte (type and flags) and `body` is exactly its
    /// remaining length bytes, as a receiver that reads the header first
    /// (coreMQTT's `MQTTPacketInfo_t`) holds them.
    pub fn decode_body(first_byte: u8, body: &'a [u8]) -> Result<Packet<'a>, Error> {
        let (packet_type, flags) = split_first_byte(first_byte)?;
        if body.len() > MAX_REMAINING_LENGTH {
            return Err(Error::PacketTooLarge);
        }
        Self::from_type_and_body(packet_type, flags, body)
    }

    fn from_type_and_body(
        packet_type: PacketType,
        f: u8,
        bytes: &'a [u8],
    ) -> Result<Packet<'a>, Error> {
        Ok(match packet_type {
            PacketType::Connect => Packet::Connect(body_of(f, bytes)?),
            PacketType::ConnAck => Packet::ConnAck(body_of(f, bytes)?),
            PacketType::Publish => Packet::Publish(body_of(f, bytes)?),
            PacketType::PubAck => Packet::PubAck(body_of(f, bytes)?),
            PacketType::PubRec => Packet::PubRec(body_of(f, bytes)?),
            PacketType::PubRel => Packet::PubRel(body_of(f, bytes)?),
            PacketType::PubComp => Packet::PubComp(body_of(f, bytes)?),
            PacketType::Subscribe => Packet::Subscribe(body_of(f, bytes)?),
            PacketType::SubAck => Packet::SubAck(body_of(f, bytes)?),
            PacketType::Unsubscribe => Packet::Unsubscribe(body_of(f, bytes)?),
            PacketType::UnsubAck => Packet::UnsubAck(body_of(f, bytes)?),
            PacketType::PingReq => Packet::PingReq(body_of(f, bytes)?),
            PacketType::PingResp => Packet::PingResp(body_of(f, bytes)?),
            PacketType::Disconnect => Packet::Disconnect(body_of(f, bytes)?),
        })
    }

    /// The packet's type.
    pub fn packet_type(&self) -> PacketType {
        fn type_of<'x, B: Body<'x>>(_: &B) -> PacketType {
            B::TYPE
        }
        each!(self, p => type_of(p))
    }

    /// Exact size of the encoded packet.
    pub fn encoded_len(&self) -> usize {
        each!(self, p => body::encoded_len(p))
    }

    /// Validates and encodes the packet at the front of `buf`; see
    /// [`Publish::encode`] for the contract shared by every type.
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, Error> {
        each!(self, p => body::encode(p, buf))
    }

    /// Validates and encodes the packet as I/O vectors; see
    /// [`Publish::encode_vectored`].
    pub fn encode_vectored<'b>(
        &'b self,
        scratch: &'b mut [u8],
        out: &mut [&'b [u8]],
    ) -> Result<usize, Error> {
        each!(self, p => body::encode_vectored(p, scratch, out))
    }
}

/// Decodes the packet at the front of `buf`: shorthand for
/// [`Packet::decode`].
pub fn decode(buf: &[u8]) -> Result<(Packet<'_>, usize), Error> {
    Packet::decode(buf)
}
