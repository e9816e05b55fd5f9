//! The fixed header (MQTT 3.1.1 section 2.2): packet type, flags and
//! remaining length, and the "how many bytes do I still need" peek a
//! receiver with a growing buffer relies on.

use super::error::Error;
use super::length;

/// The fourteen MQTT 3.1.1 control packet types (Table 2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum PacketType {
    /// Client request to connect.
    Connect = 1,
    /// Connect acknowledgement.
    ConnAck = 2,
    /// Publish message.
    Publish = 3,
    /// QoS 1 publish acknowledgement.
    PubAck = 4,
    /// QoS 2 publish received (part 1).
    PubRec = 5,
    /// QoS 2 publish release (part 2).
    PubRel = 6,
    /// QoS 2 publish complete (part 3).
    PubComp = 7,
    /// Subscribe request.
    Subscribe = 8,
    /// Subscribe acknowledgement.
    SubAck = 9,
    /// Unsubscribe request.
    Unsubscribe = 10,
    /// Unsubscribe acknowledgement.
    UnsubAck = 11,
    /// Ping request.
    PingReq = 12,
    /// Ping response.
    PingResp = 13,
    /// Client is disconnecting.
    Disconnect = 14,
}

impl PacketType {
    /// The type for the high nibble of a packet's first byte; 0 and 15 are
    /// reserved ([`Error::ReservedPacketType`]).
    pub const fn from_u8(value: u8) -> Result<PacketType, Error> {
        Ok(match value {
            1 => PacketType::Connect,
            2 => PacketType::ConnAck,
            3 => PacketType::Publish,
            4 => PacketType::PubAck,
            5 => PacketType::PubRec,
            6 => PacketType::PubRel,
            7 => PacketType::PubComp,
            8 => PacketType::Subscribe,
            9 => PacketType::SubAck,
            10 => PacketType::Unsubscribe,
            11 => PacketType::UnsubAck,
            12 => PacketType::PingReq,
            13 => PacketType::PingResp,
            14 => PacketType::Disconnect,
            other => return Err(Error::ReservedPacketType(other)),
        })
    }

    /// The flags Table 2.2 requires for this type, or `None` for PUBLISH,
    /// whose flags carry DUP, QoS and RETAIN.
    pub const fn required_flags(self) -> Option<u8> {
        match self {
            PacketType::Publish => None,
            PacketType::PubRel | PacketType::Subscribe | PacketType::Unsubscribe => Some(0b0010),
            _ => Some(0),
        }
    }
}

/// A parsed fixed header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FixedHeader {
    /// Control packet type.
    pub packet_type: PacketType,
    /// Low nibble of the first byte (already checked against Table 2.2 for
    /// every type but PUBLISH).
    pub flags: u8,
    /// Value of the Remaining Length field: bytes after the fixed header.
    pub remaining_length: usize,
    /// Size of the fixed header itself (2 to 5 bytes).
    pub header_len: usize,
}

impl FixedHeader {
    /// Parses the fixed header at the start of `buf` without requiring the
    /// rest of the packet.
    ///
    /// With too few bytes for the header this returns
    /// [`Error::Incomplete`] with the least number of bytes that could
    /// complete it (2 for an empty buffer, otherwise 1). The type and flags
    /// are checked as soon as the first byte is present, so a broken stream
    /// is reported without waiting for more input.
    pub fn peek(buf: &[u8]) -> Result<FixedHeader, Error> {
        let Some((&first, rest)) = buf.split_first() else {
            return Err(Error::Incomplete { needed: 2 });
        };
        let (packet_type, flags) = split_first_byte(first)?;
        let (remaining_length, len_bytes) = length::decode(rest)?;
        Ok(FixedHeader {
            packet_type,
            flags,
            remaining_length,
            header_len: len_bytes.saturating_add(1),
        })
    }

    /// Size of the whole packet: fixed header plus remaining length.
    pub const fn packet_len(&self) -> usize {
        self.header_len.saturating_add(self.remaining_length)
    }
}

/// Splits a packet's first byte into its type and flags, checking the type
/// is not reserved and, except for PUBLISH, that the flags are the ones
/// Table 2.2 requires.
pub fn split_first_byte(first: u8) -> Result<(PacketType, u8), Error> {
    let packet_type = PacketType::from_u8(first >> 4)?;
    let flags = first & 0x0f;
    match packet_type.required_flags() {
        Some(required) if flags != required => Err(Error::InvalidFlags { packet_type, flags }),
        _ => Ok((packet_type, flags)),
    }
}

/// Length of the packet at the start of `buf`, once its fixed header is
/// complete; otherwise [`Error::Incomplete`] with the minimum bytes needed
/// to finish the header. The packet body itself is not required or checked.
pub fn packet_len(buf: &[u8]) -> Result<usize, Error> {
    FixedHeader::peek(buf).map(|h| h.packet_len())
}

/// Splits `buf` into the fixed header and the packet's body (exactly
/// `remaining_length` bytes), or reports how many bytes are missing.
pub(crate) fn frame(buf: &[u8]) -> Result<(FixedHeader, &[u8]), Error> {
    let header = FixedHeader::peek(buf)?;
    let total = header.packet_len();
    match buf.get(header.header_len..total) {
        Some(body) => Ok((header, body)),
        None => Err(Error::Incomplete {
            needed: total.saturating_sub(buf.len()),
        }),
    }
}
