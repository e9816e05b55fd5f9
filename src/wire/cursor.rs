//! Reading fields from a packet body and writing them to a flat buffer or
//! to a list of I/O vectors. Shared by every packet module.

use super::error::Error;
use super::string;

/// Reads fields from a packet body. Every read is bounds-checked; running
/// off the end is [`Error::Truncated`] because the body is already the
/// complete packet.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Reader { buf }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub(crate) fn u8(&mut self) -> Result<u8, Error> {
        let (&byte, rest) = self.buf.split_first().ok_or(Error::Truncated)?;
        self.buf = rest;
        Ok(byte)
    }

    pub(crate) fn u16(&mut self) -> Result<u16, Error> {
        let bytes = self.take(2)?;
        match bytes {
            [hi, lo] => Ok(u16::from_be_bytes([*hi, *lo])),
            _ => Err(Error::Truncated),
        }
    }

    /// A packet identifier, which must not be zero (2.3.1).
    pub(crate) fn packet_id(&mut self) -> Result<u16, Error> {
        match self.u16()? {
            0 => Err(Error::ZeroPacketId),
            id => Ok(id),
        }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        if n > self.buf.len() {
            return Err(Error::Truncated);
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }

    /// A length-prefixed binary field.
    pub(crate) fn binary(&mut self) -> Result<&'a [u8], Error> {
        let len = self.u16()?;
        self.take(usize::from(len))
    }

    /// A length-prefixed UTF-8 string (1.5.3 rules).
    pub(crate) fn string(&mut self) -> Result<&'a str, Error> {
        string::validate_bytes(self.binary()?)
    }

    /// Everything not read yet.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        core::mem::take(&mut self.buf)
    }

    /// Fails with [`Error::TrailingBytes`] if anything is left.
    pub(crate) fn finish(self) -> Result<(), Error> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(Error::TrailingBytes)
        }
    }
}

/// Destination of an encoder. `put` copies small owned values; `borrowed`
/// hands over caller data (topics, payloads) that a vectored sink references
/// instead of copying. Sinks record overflow internally so encoders stay
/// straight-line code; the driver checks the result at the end.
pub(crate) trait Sink<'b> {
    fn put(&mut self, bytes: &[u8]);
    fn borrowed(&mut self, bytes: &'b [u8]);

    fn u8(&mut self, value: u8) {
        self.put(&[value]);
    }

    fn u16(&mut self, value: u16) {
        self.put(&value.to_be_bytes());
    }

    /// A length-prefixed field. The caller validated `bytes.len() <= 65535`;
    /// the saturation only keeps this total.
    fn field(&mut self, bytes: &'b [u8]) {
        self.u16(u16::try_from(bytes.len()).unwrap_or(u16::MAX));
        self.borrowed(bytes);
    }
}

/// Writes into one contiguous buffer.
pub(crate) struct SliceSink<'w> {
    buf: &'w mut [u8],
    pos: usize,
    overflow: bool,
}

impl<'w> SliceSink<'w> {
    pub(crate) fn new(buf: &'w mut [u8]) -> Self {
        SliceSink {
            buf,
            pos: 0,
            overflow: false,
        }
    }

    /// Bytes written, or `None` if anything did not fit.
    pub(crate) fn finish(self) -> Option<usize> {
        if self.overflow {
            None
        } else {
            Some(self.pos)
        }
    }
}

impl<'b> Sink<'b> for SliceSink<'_> {
    fn put(&mut self, bytes: &[u8]) {
        let end = self.pos.saturating_add(bytes.len());
        match self.buf.get_mut(self.pos..end) {
            Some(dst) if !self.overflow => {
                dst.copy_from_slice(bytes);
                self.pos = end;
            }
            _ => self.overflow = true,
        }
    }

    fn borrowed(&mut self, bytes: &'b [u8]) {
        self.put(bytes);
    }
}

/// Builds a list of I/O vectors: owned bytes are packed into `scratch`
/// (adjacent owned bytes share one vector), borrowed bytes become vectors of
/// their own. When space runs out it keeps counting so the error can say how
/// much would have been needed.
pub(crate) struct VecSink<'b, 'o> {
    scratch: &'b mut [u8],
    /// Owned bytes written to the front of `scratch` but not yet split off.
    pending: usize,
    out: &'o mut [&'b [u8]],
    vectors: usize,
    scratch_used: usize,
    overflow: bool,
}

impl<'b, 'o> VecSink<'b, 'o> {
    pub(crate) fn new(scratch: &'b mut [u8], out: &'o mut [&'b [u8]]) -> Self {
        VecSink {
            scratch,
            pending: 0,
            out,
            vectors: 0,
            scratch_used: 0,
            overflow: false,
        }
    }

    fn push(&mut self, slice: &'b [u8]) {
        match self.out.get_mut(self.vectors) {
            Some(slot) if !self.overflow => *slot = slice,
            _ => self.overflow = true,
        }
        self.vectors = self.vectors.saturating_add(1);
    }

    fn flush(&mut self) {
        if self.pending == 0 {
            return;
        }
        let scratch = core::mem::take(&mut self.scratch);
        let at = self.pending.min(scratch.len());
        let (done, rest) = scratch.split_at_mut(at);
        self.scratch = rest;
        self.pending = 0;
        self.push(done);
    }

    /// Number of vectors used, or the error saying what was short.
    pub(crate) fn finish(mut self) -> Result<usize, Error> {
        self.flush();
        if !self.overflow {
            return Ok(self.vectors);
        }
        if self.vectors > self.out.len() {
            Err(Error::TooFewVectors {
                needed: self.vectors,
            })
        } else {
            Err(Error::BufferTooSmall {
                needed: self.scratch_used,
            })
        }
    }
}

impl<'b> Sink<'b> for VecSink<'b, '_> {
    fn put(&mut self, bytes: &[u8]) {
        self.scratch_used = self.scratch_used.saturating_add(bytes.len());
        let end = self.pending.saturating_add(bytes.len());
        match self.scratch.get_mut(self.pending..end) {
            Some(dst) if !self.overflow => {
                dst.copy_from_slice(bytes);
                self.pending = end;
            }
            _ => {
                // Keep counting vectors as if the bytes had fitted.
                self.overflow = true;
                self.pending = end;
            }
        }
    }

    fn borrowed(&mut self, bytes: &'b [u8]) {
        self.flush();
        if !bytes.is_empty() {
            self.push(bytes);
        }
    }
}

/// Copies `src` to the front of `dst`, or as much of it as fits; returns the
/// number of bytes copied. Callers size `dst` first, so in practice all of
/// `src` is copied. Unlike `copy_from_slice` there is no length-mismatch
/// panic whose message would link `core::fmt` into firmware.
#[inline]
pub(crate) fn copy_into(dst: &mut [u8], src: &[u8]) -> usize {
    // Element-wise over the zipped pair (LLVM turns it into one memcpy).
    for (to, from) in dst.iter_mut().zip(src) {
        *to = *from;
    }
    dst.len().min(src.len())
}

/// Moves `buf[from..]` to the front of `buf` (the bytes after a handled
/// packet); nothing when `from` is past the end. Unlike `copy_within` no
/// bounds panic (and so no `core::fmt`) is linked.
#[inline]
// Indexing here is in bounds by the loop's own range (`from <= i < len`, so
// `i - from < len`), and the optimiser sees that: no panic path is compiled
// (the firmware image links no `core::panicking`). The `get` form hides the
// pattern and keeps a check per byte.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
pub(crate) fn shift_to_front(buf: &mut [u8], from: usize) {
    let len = buf.len();
    if from == 0 || from > len {
        return;
    }
    // A byte loop rather than `copy_within`, whose
    // memmove firmware would link for this alone (1.5 KB on a Cortex-M4);
    // what is moved is the tail of one read, usually a few acknowledgements.
    for i in from..len {
        buf[i - from] = buf[i];
    }
}

#[cfg(test)]
mod tests {
    use super::{copy_into, shift_to_front};

    #[test]
    fn copy_into_copies_what_fits() {
        let mut dst = [0u8; 3];
        assert_eq!(copy_into(&mut dst, b"ab"), 2);
        assert_eq!(dst, *b"ab\0");
        assert_eq!(copy_into(&mut dst, b"wxyz"), 3);
        assert_eq!(dst, *b"wxy");
    }

    #[test]
    fn shift_to_front_moves_the_tail_over_overlapping_bytes() {
        let mut buf = *b"abcdef";
        shift_to_front(&mut buf, 2);
        assert_eq!(&buf[..4], b"cdef");
        let mut buf = *b"abc";
        shift_to_front(&mut buf, 3);
        assert_eq!(buf, *b"abc", "nothing follows: nothing moves");
        shift_to_front(&mut buf, 9);
        assert_eq!(buf, *b"abc", "past the end: nothing moves");
    }
}
