//! UTF-8 encoded strings and binary fields (MQTT 3.1.1 section 1.5.3).
//!
//! A string is a two-byte big-endian length followed by that many bytes of
//! well-formed UTF-8 that must not contain U+0000. UTF-16 surrogate code
//! points (U+D800..U+DFFF) are excluded because their three-byte forms are
//! not well-formed UTF-8, which `core::str::from_utf8` rejects. The code
//! points the standard says a receiver *may* reject (controls and
//! non-characters, [MQTT-1.5.3-3]'s neighbours) are accepted: rejecting them
//! is optional and peers do send them.

use super::error::Error;

/// Longest string or binary field body (the length prefix is 16 bits).
pub const MAX_FIELD_LEN: usize = 65_535;

/// Checks the body bytes of a string field and returns it as `&str`.
#[allow(clippy::manual_contains)] // see the NUL check
pub fn validate_bytes(bytes: &[u8]) -> Result<&str, Error> {
    if bytes.len() > MAX_FIELD_LEN {
        return Err(Error::FieldTooLong);
    }
    let text = core::str::from_utf8(bytes).map_err(|_| Error::InvalidUtf8)?;
    // A byte loop rather than `contains`, which calls `memchr` and its
    // word-at-a-time search: 300+ bytes of flash for strings that are
    // rarely longer than a few dozen bytes. Folded without an early exit so
    // that hosted builds vectorise it (every received topic passes here).
    if bytes.iter().fold(false, |found, &b| found | (b == 0)) {
        return Err(Error::NullCharacter);
    }
    Ok(text)
}

/// [`validate_bytes`] without producing the `&str`: length, well-formed
/// UTF-8 and no U+0000, with the same errors in the same order. A receiver
/// that only needs to know the field is valid (the engine keeps a received
/// topic as a position in its buffer) uses this, and then a firmware image
/// that calls nothing else needing `&str` carries no `core::str::from_utf8`
/// (about 650 bytes on a Cortex-M4, its ASCII fast path and its 256-byte
/// table included).
#[allow(clippy::manual_contains)] // see validate_bytes
pub fn validate_field(bytes: &[u8]) -> Result<(), Error> {
    if bytes.len() > MAX_FIELD_LEN {
        return Err(Error::FieldTooLong);
    }
    if !is_utf8(bytes) {
        return Err(Error::InvalidUtf8);
    }
    if bytes.iter().fold(false, |found, &b| found | (b == 0)) {
        return Err(Error::NullCharacter);
    }
    Ok(())
}

/// Whether `bytes` is well-formed UTF-8. Built for speed (`core`'s validator,
/// which checks ASCII a word at a time) unless the crate is built for size
/// (`cfg(rsmqtt_small)`, set by build.rs for opt-level "s"/"z"), where
/// [`is_utf8_compact`] takes a few dozen bytes instead of ~650.
#[cfg(not(rsmqtt_small))]
fn is_utf8(bytes: &[u8]) -> bool {
    core::str::from_utf8(bytes).is_ok()
}

/// See the other `is_utf8`: the size build's validator.
#[cfg(rsmqtt_small)]
fn is_utf8(bytes: &[u8]) -> bool {
    is_utf8_compact(bytes)
}

/// Well-formed UTF-8 byte by byte: each sequence is decoded to its code
/// point, which must need that many bytes (no overlong form), not be a
/// surrogate (U+D800..U+DFFF) and not exceed U+10FFFF. Arithmetic rather
/// than the per-lead-byte table of the Unicode Standard (3.9, table 3-7),
/// which compiles larger; tested against `core::str::from_utf8` on every
/// sequence of up to three bytes.
#[cfg(any(test, rsmqtt_small))]
fn is_utf8_compact(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    while let Some((&lead, tail)) = rest.split_first() {
        rest = tail;
        // Continuation bytes that follow, and the smallest code point that
        // needs this many.
        let (count, min) = match lead {
            0x00..=0x7f => continue,
            0xc0..=0xdf => (1, 0x80),
            0xe0..=0xef => (2, 0x800),
            0xf0..=0xf7 => (3, 0x1_0000),
            _ => return false,
        };
        let mut code = u32::from(lead) & (0x3f >> count);
        for _ in 0..count {
            let Some((&next, tail)) = rest.split_first() else {
                return false;
            };
            if next & 0xc0 != 0x80 {
                return false;
            }
            code = code.wrapping_shl(6) | u32::from(next & 0x3f);
            rest = tail;
        }
        if code < min || code > 0x10_ffff || code >> 11 == 0x1b {
            return false;
        }
    }
    true
}

/// Checks a Rust string for use as an MQTT string (length and U+0000; Rust
/// strings are already well-formed UTF-8).
pub fn validate_str(text: &str) -> Result<(), Error> {
    if text.len() > MAX_FIELD_LEN {
        return Err(Error::FieldTooLong);
    }
    if text.bytes().any(|b| b == 0) {
        return Err(Error::NullCharacter);
    }
    Ok(())
}

/// Checks the length of a binary field (will message, password).
pub(crate) fn validate_binary(data: &[u8]) -> Result<(), Error> {
    if data.len() > MAX_FIELD_LEN {
        Err(Error::FieldTooLong)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{is_utf8_compact, validate_bytes, validate_field};

    fn same(bytes: &[u8]) {
        assert_eq!(
            is_utf8_compact(bytes),
            core::str::from_utf8(bytes).is_ok(),
            "{bytes:02x?}"
        );
    }

    #[test]
    fn the_compact_validator_agrees_with_core() {
        // Every sequence of one to three bytes, alone and after ASCII.
        for a in 0..=255u8 {
            same(&[a]);
            for b in 0..=255u8 {
                same(&[a, b]);
                same(&[b'x', a, b]);
                for c in 0..=255u8 {
                    if a >= 0xc0 {
                        same(&[a, b, c]);
                    }
                }
            }
        }
        // Four bytes: every lead byte, the others at the edges of the
        // continuation range and of the special second-byte ranges.
        let edges = [
            0x00, 0x7f, 0x80, 0x81, 0x8f, 0x90, 0x9f, 0xa0, 0xbe, 0xbf, 0xc0, 0xff,
        ];
        for a in 0xc0..=0xffu8 {
            for &b in &edges {
                for &c in &edges {
                    for &d in &edges {
                        same(&[a, b, c, d]);
                        same(&[a, b, c, d, b'y']);
                    }
                }
            }
        }
        for text in ["", "a/b", "é", "€", "𝄞", "\u{10ffff}", "\u{d7ff}\u{e000}"] {
            assert!(is_utf8_compact(text.as_bytes()), "{text}");
        }
    }

    #[test]
    fn validate_field_is_validate_bytes_without_the_str() {
        let long = [b'a'; 65_536];
        for bytes in [
            &b"a/b"[..],
            b"\xc3\x28",
            b"a\x00",
            b"\xed\xa0\x80",
            &long[..],
            &long[..65_535],
        ] {
            assert_eq!(validate_field(bytes), validate_bytes(bytes).map(|_| ()));
        }
    }
}
