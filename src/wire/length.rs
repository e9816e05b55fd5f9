//! The Remaining Length field of the fixed header (MQTT 3.1.1 section 2.2.3).
//!
//! The value is a base-128 varint: seven value bits per byte, least
//! significant group first, bit 7 set on every byte but the last, at most
//! four bytes (so at most 268 435 455).
//!
//! Non-minimal encodings (a longer form than the value needs, e.g. `0x80 0x00`
//! for 0) are rejected with [`Error::RemainingLengthNotMinimal`]. Section 2.2.3
//! defines the encoding only through its encoding algorithm, which always
//! produces the minimal form, and Table 2.4 gives one byte range per length;
//! accepting other forms would let two different byte strings mean the same
//! packet, which weakens fuzz round-trips and helps nothing. Every
//! conforming sender produces minimal forms.

use super::error::Error;

/// Largest value the field can hold (four bytes of seven bits).
pub const MAX_REMAINING_LENGTH: usize = 268_435_455;

/// Most bytes the field can occupy.
pub const MAX_LEN_BYTES: usize = 4;

/// Number of bytes the minimal encoding of `value` occupies (1 to 4).
///
/// Values above [`MAX_REMAINING_LENGTH`] report 4; encoding them fails.
pub const fn encoded_len(value: usize) -> usize {
    if value < 128 {
        1
    } else if value < 16_384 {
        2
    } else if value < 2_097_152 {
        3
    } else {
        4
    }
}

/// Encodes `value` into `out`, returning how many bytes of `out` were used.
///
/// Fails with [`Error::PacketTooLarge`] above [`MAX_REMAINING_LENGTH`].
pub fn encode(value: usize, out: &mut [u8; MAX_LEN_BYTES]) -> Result<usize, Error> {
    if value > MAX_REMAINING_LENGTH {
        return Err(Error::PacketTooLarge);
    }
    let mut rest = value;
    let mut used: usize = 0;
    for slot in out.iter_mut() {
        // Low seven bits; the cast cannot lose value bits after the mask.
        let mut byte = (rest & 0x7f) as u8;
        rest >>= 7;
        if rest > 0 {
            byte |= 0x80;
        }
        *slot = byte;
        used = used.saturating_add(1);
        if rest == 0 {
            break;
        }
    }
    Ok(used)
}

/// Writes the field's bytes for `value` into `digits`, whose length the
/// caller took from [`encoded_len`] (a caller that lays the fixed header out
/// in its own buffer, such as the CONNECT header the coreMQTT face builds
/// right-aligned before the variable header). Bit 7 is set on every byte
/// but the last that still carries value bits.
#[inline(always)]
pub fn write_digits(value: usize, digits: &mut [u8]) {
    let mut rest = value;
    for digit in digits {
        // Low seven bits; the cast cannot lose value bits after the mask.
        let mut byte = (rest & 0x7f) as u8;
        rest >>= 7;
        if rest > 0 {
            byte |= 0x80;
        }
        *digit = byte;
    }
}

/// What one more byte of the field means to a reader that takes it a byte
/// at a time ([`push_digit`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Digit {
    /// The continuation bit is set: another byte follows.
    More,
    /// The field is complete.
    Done,
    /// Complete, but a shorter form would have held the value
    /// ([`Error::RemainingLengthNotMinimal`]).
    NotMinimal,
    /// A fourth byte with the continuation bit set, or a fifth byte
    /// ([`Error::RemainingLengthTooLong`]).
    TooLong,
}

/// Adds byte `index` (0 for the first) of the field to `value`, for readers
/// that receive the field a byte at a time from a transport or check it in
/// place and answer with their own status instead of building an [`Error`]
/// (the coreMQTT face's `MQTT_GetIncomingPacketTypeAndLength` and
/// `MQTT_ProcessIncomingPacketTypeAndLength`). Same rules as [`decode`].
#[inline(always)]
pub fn push_digit(value: &mut usize, index: usize, byte: u8) -> Digit {
    if index >= MAX_LEN_BYTES {
        return Digit::TooLong;
    }
    // `index` is below four: the shift stays below 28 and nothing wraps.
    *value |= usize::from(byte & 0x7f).wrapping_shl(7u32.wrapping_mul(index as u32));
    if byte & 0x80 != 0 {
        return if index.wrapping_add(1) == MAX_LEN_BYTES {
            Digit::TooLong
        } else {
            Digit::More
        };
    }
    if index > 0 && byte == 0 {
        Digit::NotMinimal
    } else {
        Digit::Done
    }
}

/// Decodes the field from the start of `buf` (the byte after the packet's
/// first byte). Returns `(value, bytes used)`.
///
/// If `buf` ends while every byte so far has its continuation bit set, the
/// answer is [`Error::Incomplete`] with `needed: 1`: one more byte may finish
/// the field.
pub fn decode(buf: &[u8]) -> Result<(usize, usize), Error> {
    let mut value: usize = 0;
    for (index, &byte) in buf.iter().enumerate() {
        match push_digit(&mut value, index, byte) {
            Digit::More => {}
            Digit::Done => return Ok((value, index.wrapping_add(1))),
            Digit::NotMinimal => return Err(Error::RemainingLengthNotMinimal),
            Digit::TooLong => return Err(Error::RemainingLengthTooLong),
        }
    }
    // `buf` ended with every byte so far continuing (at most three of them:
    // a fourth is `TooLong` above): one more byte may finish the field.
    Err(Error::Incomplete { needed: 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_of_table_2_4() {
        for &(value, len) in &[
            (0usize, 1usize),
            (127, 1),
            (128, 2),
            (16_383, 2),
            (16_384, 3),
            (2_097_151, 3),
            (2_097_152, 4),
            (MAX_REMAINING_LENGTH, 4),
        ] {
            let mut out = [0u8; 4];
            let used = encode(value, &mut out).unwrap();
            assert_eq!(used, len, "value {value}");
            assert_eq!(encoded_len(value), len);
            assert_eq!(decode(&out[..used]), Ok((value, len)));
        }
        assert_eq!(
            encode(MAX_REMAINING_LENGTH + 1, &mut [0; 4]),
            Err(Error::PacketTooLarge)
        );
    }

    /// MQTT 3.1.1 section 2.2.3's decoding algorithm written the way the
    /// specification states it (a multiplier, not shifts), with the minimal
    /// form checked by re-measuring the value against Table 2.4's ranges: an
    /// oracle that shares no code with `push_digit` or `decode`. Plain
    /// arithmetic on purpose: an overflow here is a bug in the test, and a
    /// test may panic.
    #[allow(clippy::arithmetic_side_effects)]
    fn spec_decode(input: &[u8]) -> Result<(usize, usize), Error> {
        let mut value = 0usize;
        let mut multiplier = 1usize;
        for (index, &byte) in input.iter().enumerate() {
            value += usize::from(byte & 127) * multiplier;
            multiplier *= 128;
            if byte & 128 == 0 {
                let used = index + 1;
                let shortest = match value {
                    0..=127 => 1,
                    128..=16_383 => 2,
                    16_384..=2_097_151 => 3,
                    _ => 4,
                };
                return if used == shortest {
                    Ok((value, used))
                } else {
                    Err(Error::RemainingLengthNotMinimal)
                };
            }
            if index == 3 {
                // "The maximum number of bytes in the Remaining Length field
                // is four": a fourth byte may not ask for a fifth.
                return Err(Error::RemainingLengthTooLong);
            }
        }
        Err(Error::Incomplete { needed: 1 })
    }

    /// Feeds `input` to `push_digit` a byte at a time, as the coreMQTT
    /// face's transport readers do, and reports what `decode` would.
    #[allow(clippy::arithmetic_side_effects)]
    fn by_digits(input: &[u8]) -> Result<(usize, usize), Error> {
        let mut value = 0usize;
        for (index, &byte) in input.iter().enumerate() {
            return match push_digit(&mut value, index, byte) {
                Digit::More => continue,
                Digit::Done => Ok((value, index + 1)),
                Digit::NotMinimal => Err(Error::RemainingLengthNotMinimal),
                Digit::TooLong => Err(Error::RemainingLengthTooLong),
            };
        }
        Err(Error::Incomplete { needed: 1 })
    }

    /// Both readers agree with the specification's algorithm on every one-
    /// and two-byte input, on three-byte inputs over every first byte, and
    /// on the four- and five-byte edge cases.
    #[test]
    fn readers_agree_with_the_specification() {
        let mut inputs: Vec<Vec<u8>> = Vec::new();
        for a in 0..=255u8 {
            inputs.push(vec![a]);
            for b in 0..=255u8 {
                inputs.push(vec![a, b]);
            }
            for &c in &[0x00, 0x01, 0x7f, 0x80, 0xff] {
                inputs.push(vec![0x80 | a, a, c]);
                inputs.push(vec![a | 0x80, 0x80, c]);
            }
        }
        for edge in [
            &[0xff, 0xff, 0xff, 0x7f][..],
            &[0xff, 0xff, 0xff, 0xff],
            &[0xff, 0xff, 0xff, 0xff, 0x01],
            &[0x80, 0x80, 0x80, 0x00],
            &[0x80, 0x80, 0x80, 0x01],
            &[0x80, 0x80, 0x80],
            &[0xff, 0xff, 0x7f, 0x00],
        ] {
            inputs.push(edge.to_vec());
        }
        for input in inputs {
            let expected = spec_decode(&input);
            assert_eq!(decode(&input), expected, "decode {input:02x?}");
            assert_eq!(by_digits(&input), expected, "push_digit {input:02x?}");
        }
    }

    #[test]
    fn partial_and_bad_forms() {
        assert_eq!(decode(&[]), Err(Error::Incomplete { needed: 1 }));
        assert_eq!(decode(&[0x80, 0x80]), Err(Error::Incomplete { needed: 1 }));
        assert_eq!(
            decode(&[0xff, 0xff, 0xff, 0xff]),
            Err(Error::RemainingLengthTooLong)
        );
        assert_eq!(decode(&[0x80, 0x00]), Err(Error::RemainingLengthNotMinimal));
        assert_eq!(
            decode(&[0xff, 0x80, 0x00]),
            Err(Error::RemainingLengthNotMinimal)
        );
    }
}
