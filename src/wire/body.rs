//! The shape every packet type shares, and the generic encode/decode drivers
//! built on it. Each packet module implements [`Body`]; the `packet_api!`
//! macro then gives the type its public `decode`, `encoded_len`, `encode`
//! and `encode_vectored` methods, so all fourteen behave identically.

use super::cursor::{Sink, SliceSink, VecSink};
use super::error::Error;
use super::header::{self, PacketType};
use super::length;

/// What a packet module supplies: its type, flags, body size, validation,
/// body writer and body parser. The fixed header is handled here.
pub(crate) trait Body<'a>: Sized {
    /// The packet type this body belongs to.
    const TYPE: PacketType;

    /// Low nibble of the first byte.
    fn flags(&self) -> u8 {
        Self::TYPE.required_flags().unwrap_or(0)
    }

    /// Exact remaining length of the encoded packet, assuming it is valid.
    fn body_len(&self) -> usize;

    /// Checks every rule the encoder relies on, before anything is written.
    fn validate(&self) -> Result<(), Error>;

    /// Writes the variable header and payload. Only called after
    /// [`Body::validate`] succeeded.
    fn write_body<'b, S: Sink<'b>>(&'b self, sink: &mut S);

    /// Parses a body of exactly `remaining_length` bytes. The type nibble
    /// and (except for PUBLISH) the flags were already checked.
    fn decode_body(flags: u8, body: &'a [u8]) -> Result<Self, Error>;
}

/// Size of a length-prefixed field holding `len` bytes. Body sizes are
/// summed with saturating arithmetic: caller slices may alias, so even on a
/// 32-bit target their lengths can add up past `usize::MAX`, and a
/// saturated size is simply rejected as [`Error::PacketTooLarge`].
pub(crate) const fn field_len(len: usize) -> usize {
    len.saturating_add(2)
}

/// Total encoded size: first byte, remaining length field, body.
pub(crate) fn encoded_len<'a, B: Body<'a>>(packet: &B) -> usize {
    let body = packet.body_len();
    body.saturating_add(1)
        .saturating_add(length::encoded_len(body))
}

pub(crate) fn checked_body_len<'a, B: Body<'a>>(packet: &B) -> Result<usize, Error> {
    packet.validate()?;
    let body = packet.body_len();
    if body > length::MAX_REMAINING_LENGTH {
        return Err(Error::PacketTooLarge);
    }
    Ok(body)
}

pub(crate) fn write_fixed_header<'a, 'b, B: Body<'a>, S: Sink<'b>>(
    packet: &B,
    body_len: usize,
    sink: &mut S,
) -> Result<(), Error> {
    let mut len_bytes = [0u8; length::MAX_LEN_BYTES];
    let used = length::encode(body_len, &mut len_bytes)?;
    sink.u8(((B::TYPE as u8) << 4) | (packet.flags() & 0x0f));
    sink.put(len_bytes.get(..used).unwrap_or(&[]));
    Ok(())
}

/// Validates `packet` and writes it to the front of `buf`.
pub(crate) fn encode<'a, B: Body<'a>>(packet: &B, buf: &mut [u8]) -> Result<usize, Error> {
    let body = checked_body_len(packet)?;
    let total = encoded_len(packet);
    let dst = buf
        .get_mut(..total)
        .ok_or(Error::BufferTooSmall { needed: total })?;
    let mut sink = SliceSink::new(dst);
    write_fixed_header(packet, body, &mut sink)?;
    packet.write_body(&mut sink);
    match sink.finish() {
        Some(written) if written == total => Ok(written),
        // Unreachable if body_len agrees with write_body; reported rather
        // than asserted so a bug can never become a panic.
        _ => Err(Error::BufferTooSmall { needed: total }),
    }
}

/// Validates `packet` and describes it as I/O vectors: owned header bytes
/// in `scratch`, borrowed fields referenced in place.
pub(crate) fn encode_vectored<'a, 'b, B: Body<'a>>(
    packet: &'b B,
    scratch: &'b mut [u8],
    out: &mut [&'b [u8]],
) -> Result<usize, Error> {
    let body = checked_body_len(packet)?;
    let mut sink = VecSink::new(scratch, out);
    write_fixed_header(packet, body, &mut sink)?;
    packet.write_body(&mut sink);
    sink.finish()
}

/// Decodes one packet of type `B` from the front of `buf`.
pub(crate) fn decode<'a, B: Body<'a>>(buf: &'a [u8]) -> Result<(B, usize), Error> {
    let (fixed, body) = header::frame(buf)?;
    if fixed.packet_type != B::TYPE {
        return Err(Error::UnexpectedPacketType {
            expected: B::TYPE,
            actual: fixed.packet_type,
        });
    }
    let packet = B::decode_body(fixed.flags, body)?;
    Ok((packet, fixed.packet_len()))
}

/// Fails with [`Error::WrongRemainingLength`] unless `body` is `expected`
/// bytes long; used by the fixed-size packets.
pub(crate) fn expect_len(
    packet_type: PacketType,
    body: &[u8],
    expected: usize,
) -> Result<(), Error> {
    if body.len() == expected {
        Ok(())
    } else {
        Err(Error::WrongRemainingLength {
            packet_type,
            actual: body.len(),
        })
    }
}

/// A fixed-capacity list of I/O vectors returned by convenience encoders
/// such as [`super::Publish::io_slices`].
#[derive(Debug, Clone, Copy)]
pub struct IoSlices<'b, const N: usize> {
    slices: [&'b [u8]; N],
    len: usize,
}

impl<'b, const N: usize> IoSlices<'b, N> {
    pub(crate) fn new(slices: [&'b [u8]; N], len: usize) -> Self {
        IoSlices {
            slices,
            len: len.min(N),
        }
    }

    /// The vectors in wire order; concatenated they are the packet.
    pub fn as_slice(&self) -> &[&'b [u8]] {
        self.slices.get(..self.len).unwrap_or(&[])
    }

    /// Total number of bytes across all vectors.
    pub fn total_len(&self) -> usize {
        self.as_slice()
            .iter()
            .fold(0usize, |acc, s| acc.saturating_add(s.len()))
    }
}

/// Adds the public codec methods to a packet type implementing [`Body`].
macro_rules! packet_api {
    ($ty:ident<$lt:lifetime>) => {
        impl<$lt> $ty<$lt> {
            $crate::wire::body::packet_api!(@items $lt);
        }
    };
    ($ty:ident) => {
        impl $ty {
            $crate::wire::body::packet_api!(@items '_);
        }
    };
    (@items $lt:lifetime) => {
        /// Decodes one packet of this type from the front of `buf`,
        /// returning it (borrowing `buf`) and the number of bytes it used.
        /// Bytes after the packet are left alone. A different packet type
        /// is [`Error::UnexpectedPacketType`](crate::wire::Error).
        pub fn decode(buf: &$lt [u8]) -> Result<(Self, usize), $crate::wire::Error> {
            $crate::wire::body::decode(buf)
        }

        /// Exact size of the encoded packet, fixed header included.
        pub fn encoded_len(&self) -> usize {
            $crate::wire::body::encoded_len(self)
        }

        /// Validates the packet and encodes it at the front of `buf`,
        /// returning the number of bytes written. Nothing is written if the
        /// packet is invalid or `buf` is shorter than
        /// [`encoded_len`](Self::encoded_len)
        /// ([`Error::BufferTooSmall`](crate::wire::Error)).
        pub fn encode(&self, buf: &mut [u8]) -> Result<usize, $crate::wire::Error> {
            $crate::wire::body::encode(self, buf)
        }

        /// Validates the packet and describes it as I/O vectors in `out`
        /// without copying borrowed fields (topics, payloads, client
        /// identifier...): the fixed header and length prefixes are written
        /// into `scratch`, other vectors point at this packet's data.
        /// Returns the number of vectors used; their concatenation equals
        /// [`encode`](Self::encode)'s output. If `out` has too few slots
        /// the error is `TooFewVectors`, if `scratch` is too small it is
        /// `BufferTooSmall` with the scratch size needed; after an error the
        /// contents of `scratch` and `out` are unspecified.
        pub fn encode_vectored<'b>(
            &'b self,
            scratch: &'b mut [u8],
            out: &mut [&'b [u8]],
        ) -> Result<usize, $crate::wire::Error> {
            $crate::wire::body::encode_vectored(self, scratch, out)
        }
    };
}
pub(crate) use packet_api;
