//! SUBACK (MQTT 3.1.1 section 3.9).

use super::body::{field_len, packet_api, Body};
use super::cursor::Sink;
use super::error::Error;
use super::header::PacketType;

/// SUBACK return codes (3.9.3): the granted QoS, or failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum SubAckReturnCode {
    /// 0x00: success, maximum QoS 0.
    MaxQos0 = 0x00,
    /// 0x01: success, maximum QoS 1.
    MaxQos1 = 0x01,
    /// 0x02: success, maximum QoS 2.
    MaxQos2 = 0x02,
    /// 0x80: the subscription failed.
    Failure = 0x80,
}

impl SubAckReturnCode {
    /// The code for a wire byte; anything else is
    /// [`Error::InvalidSubAckReturnCode`].
    pub const fn from_u8(value: u8) -> Result<Self, Error> {
        Ok(match value {
            0x00 => SubAckReturnCode::MaxQos0,
            0x01 => SubAckReturnCode::MaxQos1,
            0x02 => SubAckReturnCode::MaxQos2,
            0x80 => SubAckReturnCode::Failure,
            other => return Err(Error::InvalidSubAckReturnCode(other)),
        })
    }
}

/// A SUBACK packet. Return codes stay raw bytes (borrowed from the input
/// when decoded) because callers such as coreMQTT's
/// `MQTT_GetSubAckStatusCodes` hand out exactly that array; every byte is
/// checked on decode and encode, and [`SubAck::codes`] gives typed values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SubAck<'a> {
    /// Identifier of the SUBSCRIBE being acknowledged (non-zero).
    pub packet_id: u16,
    /// One return code per requested filter, in order (at least one).
    pub return_codes: &'a [u8],
}

impl<'a> SubAck<'a> {
    /// The return codes as typed values; an invalid byte (only possible in
    /// a hand-built, unvalidated value) is reported as `Err`.
    pub fn codes(&self) -> impl Iterator<Item = Result<SubAckReturnCode, Error>> + 'a {
        self.return_codes
            .iter()
            .map(|&b| SubAckReturnCode::from_u8(b))
    }
}

impl<'a> SubAck<'a> {
    /// Decodes the body of a SUBACK (the bytes after a fixed header already
    /// parsed and checked as SUBACK): [`SubAck::decode`] without parsing the
    /// fixed header a second time.
    pub fn from_body(body: &'a [u8]) -> Result<Self, Error> {
        <Self as Body>::decode_body(0, body)
    }
}

fn check_codes(codes: &[u8]) -> Result<(), Error> {
    if codes.is_empty() {
        return Err(Error::EmptyPayload);
    }
    match codes.iter().find(|&&b| b > 0x02 && b != 0x80) {
        Some(&invalid) => Err(Error::InvalidSubAckReturnCode(invalid)),
        None => Ok(()),
    }
}

impl<'a> Body<'a> for SubAck<'a> {
    const TYPE: PacketType = PacketType::SubAck;

    fn body_len(&self) -> usize {
        field_len(self.return_codes.len())
    }

    fn validate(&self) -> Result<(), Error> {
        if self.packet_id == 0 {
            return Err(Error::ZeroPacketId);
        }
        check_codes(self.return_codes)
    }

    fn write_body<'b, S: Sink<'b>>(&'b self, sink: &mut S) {
        sink.u16(self.packet_id);
        sink.borrowed(self.return_codes);
    }

    fn decode_body(_flags: u8, body: &'a [u8]) -> Result<Self, Error> {
        // Read in place rather than through `Reader` (whose identifier and
        // slice steps each build their own error): the engine's receive path
        // inlines this, and in place it is about 150 bytes less on a
        // Cortex-M4.
        let [high, low, return_codes @ ..] = body else {
            return Err(Error::Truncated);
        };
        let packet_id = u16::from_be_bytes([*high, *low]);
        if packet_id == 0 {
            return Err(Error::ZeroPacketId);
        }
        check_codes(return_codes)?;
        Ok(SubAck {
            packet_id,
            return_codes,
        })
    }
}

packet_api!(SubAck<'a>);
