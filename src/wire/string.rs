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
