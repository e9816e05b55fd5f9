//! Raw output: the one writer for every byte the library sends.
//!
//! The typed encoders of this codec ([`crate::wire::Publish::encode`] and
//! the others) validate a whole packet first. The coreMQTT face cannot use
//! them for everything: its C API hands over strings that coreMQTT does not
//! check (a topic that is not UTF-8 is sent as given) and asks for pieces
//! of packets (a fixed header without its topic, a SUBSCRIBE header without
//! its filters). This module is what both the engine and every coreMQTT
//! serializer export write with: the fixed header (type byte and remaining
//! length, MQTT 3.1.1 2.2), two-byte integers (1.5.2) and length-prefixed
//! fields (1.5.3), each into a caller's buffer with a bounds check. Running
//! out of room is [`RawError::NoRoom`] and a value the encoding cannot carry
//! is [`RawError::TooLong`]; nothing here panics.

use super::length::{self, MAX_LEN_BYTES, MAX_REMAINING_LENGTH};

/// Most bytes a fixed header takes: the type byte and four length bytes.
pub const FIXED_HEADER_MAX_LEN: usize = 1 + MAX_LEN_BYTES;

/// Most bytes of a PUBLISH before its topic: fixed header and the topic's
/// two length bytes.
pub const PUBLISH_HEAD_MAX_LEN: usize = FIXED_HEADER_MAX_LEN + 2;

/// Why a raw write failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawError {
    /// The buffer ends before the value does.
    NoRoom,
    /// The value cannot be encoded: a remaining length over 268,435,455 or
    /// a field over 65,535 bytes.
    TooLong,
}

/// How many bytes the remaining-length encoding of `remaining` takes (1 to
/// 4); lengths over the limit count as 4.
#[inline]
pub const fn remaining_length_size(remaining: usize) -> usize {
    length::encoded_len(remaining)
}

/// Size of a whole packet whose remaining length is `remaining`: type byte,
/// length encoding and body. `None` on arithmetic overflow.
#[inline]
pub fn packet_size(remaining: usize) -> Option<usize> {
    remaining.checked_add(remaining_length_size(remaining).saturating_add(1))
}

/// Bytes of a fixed header for `remaining` followed by `fixed_part` more
/// bytes, or `None` when `remaining` is over the limit.
#[inline]
pub fn header_size(remaining: usize, fixed_part: usize) -> Option<usize> {
    (remaining <= MAX_REMAINING_LENGTH).then(|| {
        remaining_length_size(remaining)
            .saturating_add(1)
            .saturating_add(fixed_part)
    })
}

/// Sequential writer over a caller's buffer.
#[derive(Debug)]
pub struct RawWriter<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl<'a> RawWriter<'a> {
    /// A writer starting at the beginning of `buf`.
    #[inline]
    pub fn new(buf: &'a mut [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// Bytes written so far.
    #[inline]
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Appends `bytes`.
    #[inline]
    pub fn bytes(&mut self, bytes: &[u8]) -> Result<(), RawError> {
        let end = self.pos.checked_add(bytes.len()).ok_or(RawError::NoRoom)?;
        let target = self.buf.get_mut(self.pos..end).ok_or(RawError::NoRoom)?;
        super::copy_into(target, bytes);
        self.pos = end;
        Ok(())
    }

    /// Appends one byte.
    #[inline]
    pub fn byte(&mut self, value: u8) -> Result<(), RawError> {
        let slot = self.buf.get_mut(self.pos).ok_or(RawError::NoRoom)?;
        *slot = value;
        self.pos = self.pos.saturating_add(1);
        Ok(())
    }

    /// Appends a big-endian two-byte integer (1.5.2).
    #[inline]
    pub fn u16(&mut self, value: u16) -> Result<(), RawError> {
        self.bytes(&value.to_be_bytes())
    }

    /// Appends a length-prefixed field (1.5.3) as given: the bytes are not
    /// checked as UTF-8 (coreMQTT sends what it is handed). A field that
    /// does not fit writes nothing.
    #[inline]
    pub fn field(&mut self, value: &[u8]) -> Result<(), RawError> {
        let len = value.len();
        if len > usize::from(u16::MAX) {
            return Err(RawError::TooLong);
        }
        // One check that length and bytes both fit (at most 65,537 bytes),
        // then the writer's own `u16` and `bytes`: no third copy routine
        // here. The length bytes fit once that check passed, so their
        // result needs no look.
        let room = self.buf.len().saturating_sub(self.pos);
        if len.saturating_add(2) > room {
            return Err(RawError::NoRoom);
        }
        let _ = self.u16(len as u16);
        self.bytes(value)
    }

    /// Appends a remaining length (2.2.3), a digit at a time straight into
    /// the buffer (no scratch array and copy: every fixed header the
    /// library writes comes through here). A length over the limit writes
    /// nothing; a buffer that ends inside the field may hold its first
    /// digits (every caller sizes its buffer first, so none sees that).
    #[inline]
    pub fn remaining_length(&mut self, remaining: usize) -> Result<(), RawError> {
        if remaining > MAX_REMAINING_LENGTH {
            return Err(RawError::TooLong);
        }
        let mut rest = remaining;
        loop {
            // Low seven bits; the cast cannot lose value bits after the mask.
            let mut digit = (rest & 0x7f) as u8;
            rest >>= 7;
            if rest > 0 {
                digit |= 0x80;
            }
            self.byte(digit)?;
            if rest == 0 {
                return Ok(());
            }
        }
    }

    /// Appends a fixed header: `first_byte` (type and flags) and the
    /// remaining length.
    #[inline]
    pub fn fixed_header(&mut self, first_byte: u8, remaining: usize) -> Result<(), RawError> {
        self.byte(first_byte)?;
        self.remaining_length(remaining)
    }
}

/// Writes a fixed header to the front of `out`; returns its size.
#[inline]
pub fn fixed_header(out: &mut [u8], first_byte: u8, remaining: usize) -> Result<usize, RawError> {
    let mut w = RawWriter::new(out);
    w.fixed_header(first_byte, remaining)?;
    Ok(w.position())
}

/// The start of a PUBLISH up to its topic: fixed header and the topic's two
/// length bytes, for the per-message path. Writes into a fixed array, so
/// the only failure is a remaining length over the limit.
#[inline]
pub fn publish_head(
    out: &mut [u8; PUBLISH_HEAD_MAX_LEN],
    first_byte: u8,
    remaining: usize,
    topic_len: u16,
) -> Result<usize, RawError> {
    let mut digits = [0u8; MAX_LEN_BYTES];
    let used = length::encode(remaining, &mut digits).map_err(|_| RawError::TooLong)?;
    let [high, low] = topic_len.to_be_bytes();
    let mut head = [0u8; PUBLISH_HEAD_MAX_LEN];
    head[0] = first_byte;
    // The digits and topic length go after the type byte; bytes past the
    // used digits are overwritten by the topic length where it lands.
    let mut at = 1usize;
    for &d in digits.iter().take(used) {
        if let Some(slot) = head.get_mut(at) {
            *slot = d;
        }
        at = at.saturating_add(1);
    }
    if let Some(slot) = head.get_mut(at) {
        *slot = high;
    }
    if let Some(slot) = head.get_mut(at.saturating_add(1)) {
        *slot = low;
    }
    *out = head;
    Ok(at.saturating_add(2))
}

/// The two length bytes of a field (1.5.3) whose length the caller checked
/// (at most 65,535; longer saturates).
#[inline]
pub fn field_len(field: &[u8]) -> [u8; 2] {
    u16::try_from(field.len()).unwrap_or(u16::MAX).to_be_bytes()
}

/// A four-byte packet of a type byte, remaining length 2 and a packet
/// identifier: PUBACK, PUBREC, PUBREL, PUBCOMP (3.4-3.7).
#[inline]
pub const fn id_packet(first_byte: u8, packet_id: u16) -> [u8; 4] {
    let [high, low] = packet_id.to_be_bytes();
    [first_byte, 2, high, low]
}

/// A two-byte packet with no body: PINGREQ, DISCONNECT (3.12, 3.14).
#[inline]
pub const fn empty_packet(first_byte: u8) -> [u8; 2] {
    [first_byte, 0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writer_refuses_what_does_not_fit() {
        let mut buf = [0u8; 5];
        let mut w = RawWriter::new(&mut buf);
        assert_eq!(w.fixed_header(0x30, 200), Ok(()));
        assert_eq!(w.position(), 3);
        assert_eq!(w.field(b"ab"), Err(RawError::NoRoom));
        assert_eq!(w.u16(0x0102), Ok(()));
        assert_eq!(w.byte(1), Err(RawError::NoRoom));
        assert_eq!(buf, [0x30, 0xC8, 0x01, 0x01, 0x02]);
    }

    #[test]
    fn too_long_values() {
        let mut buf = [0u8; 8];
        assert_eq!(
            fixed_header(&mut buf, 0x10, MAX_REMAINING_LENGTH + 1),
            Err(RawError::TooLong)
        );
        let long = [0u8; 65_536];
        let mut big = [0u8; 70_000];
        assert_eq!(
            RawWriter::new(&mut big).field(&long),
            Err(RawError::TooLong)
        );
        assert_eq!(header_size(MAX_REMAINING_LENGTH + 1, 2), None);
        assert_eq!(header_size(127, 2), Some(4));
        assert_eq!(packet_size(usize::MAX), None);
        assert_eq!(packet_size(16_384), Some(16_388));
    }

    #[test]
    fn publish_head_matches_the_writer() {
        for remaining in [
            0usize,
            127,
            128,
            16_383,
            16_384,
            2_097_152,
            MAX_REMAINING_LENGTH,
        ] {
            let mut head = [0u8; PUBLISH_HEAD_MAX_LEN];
            let len = publish_head(&mut head, 0x32, remaining, 0x0A0B).unwrap();
            let mut expected = [0u8; PUBLISH_HEAD_MAX_LEN];
            let mut w = RawWriter::new(&mut expected);
            w.fixed_header(0x32, remaining).unwrap();
            w.u16(0x0A0B).unwrap();
            assert_eq!(len, w.position());
            assert_eq!(head[..len], expected[..len]);
        }
        let mut head = [0u8; PUBLISH_HEAD_MAX_LEN];
        assert_eq!(
            publish_head(&mut head, 0x30, MAX_REMAINING_LENGTH + 1, 1),
            Err(RawError::TooLong)
        );
    }

    /// The writer's digit-at-a-time remaining length is the codec's
    /// encoding (`length::encode`) at every size boundary, and a buffer
    /// that ends inside the field is `NoRoom`.
    #[test]
    fn remaining_length_matches_the_codec() {
        for value in [
            0usize,
            1,
            127,
            128,
            129,
            16_383,
            16_384,
            2_097_151,
            2_097_152,
            MAX_REMAINING_LENGTH - 1,
            MAX_REMAINING_LENGTH,
        ] {
            let mut digits = [0u8; MAX_LEN_BYTES];
            let used = length::encode(value, &mut digits).unwrap();
            let mut buf = [0u8; FIXED_HEADER_MAX_LEN];
            let mut w = RawWriter::new(&mut buf);
            assert_eq!(w.fixed_header(0x30, value), Ok(()));
            assert_eq!(w.position(), 1 + used, "{value}");
            assert_eq!(buf[1..1 + used], digits[..used], "{value}");
            let mut short = [0u8; FIXED_HEADER_MAX_LEN];
            let mut w = RawWriter::new(&mut short[..used]);
            assert_eq!(w.fixed_header(0x30, value), Err(RawError::NoRoom));
        }
        let mut buf = [0u8; 8];
        let mut w = RawWriter::new(&mut buf);
        assert_eq!(
            w.remaining_length(MAX_REMAINING_LENGTH + 1),
            Err(RawError::TooLong)
        );
        assert_eq!(w.position(), 0);
    }

    #[test]
    fn fixed_packets() {
        assert_eq!(id_packet(0x62, 0x1234), [0x62, 2, 0x12, 0x34]);
        assert_eq!(empty_packet(0xC0), [0xC0, 0]);
    }
}
