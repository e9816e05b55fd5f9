//! The typed errors of the codec.
//!
//! Every decode or encode failure is one of these values; the codec never
//! panics. Each variant names one rule of MQTT 3.1.1 so a caller (or a test)
//! can tell exactly which rule an input broke.

use core::fmt;

use super::header::PacketType;

/// Why a topic name or topic filter is invalid (MQTT 3.1.1 section 4.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TopicError {
    /// Topic names and filters must be at least one character long (4.7.3).
    Empty,
    /// `+` or `#` appeared in a topic name; only filters may hold wildcards
    /// (4.7.1).
    WildcardInName,
    /// `+` shared a level with other characters (4.7.1.3).
    MisplacedSingleLevelWildcard,
    /// `#` was not alone in the last level of the filter (4.7.1.2).
    MisplacedMultiLevelWildcard,
}

impl fmt::Display for TopicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TopicError::Empty => "topic is empty",
            TopicError::WildcardInName => "wildcard in a topic name",
            TopicError::MisplacedSingleLevelWildcard => "'+' does not occupy a whole level",
            TopicError::MisplacedMultiLevelWildcard => "'#' is not the whole last level",
        })
    }
}

/// A codec failure.
///
/// Decoding distinguishes "not enough bytes yet" ([`Error::Incomplete`],
/// which a caller fixes by reading more) from every other variant, which
/// means the bytes can never form a valid packet (a protocol violation: the
/// connection should be closed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Error {
    /// The input ends before the packet does. At least `needed` more bytes
    /// must be appended to the input before decoding can make progress; when
    /// the fixed header is complete this is exactly the number of bytes
    /// missing from the packet.
    Incomplete {
        /// Minimum number of additional bytes required.
        needed: usize,
    },
    /// The output buffer is too small. `needed` is the size that would work
    /// (the whole packet for flat encoding, the scratch size for vectored
    /// encoding).
    BufferTooSmall {
        /// Bytes required.
        needed: usize,
    },
    /// Vectored encoding needs more I/O vector slots than the caller gave.
    TooFewVectors {
        /// Vector slots required.
        needed: usize,
    },
    /// The remaining length field has a fifth byte (2.2.3 allows at most
    /// four).
    RemainingLengthTooLong,
    /// The remaining length field uses more bytes than its value needs, e.g.
    /// `0x80 0x00` for zero. See [`super::length`] for why this is rejected.
    RemainingLengthNotMinimal,
    /// The packet would need a remaining length above 268 435 455 (2.2.3).
    PacketTooLarge,
    /// A fixed-size packet (CONNACK, the acknowledgements, PINGREQ, PINGRESP,
    /// DISCONNECT) has the wrong remaining length.
    WrongRemainingLength {
        /// The packet type whose length is fixed.
        packet_type: PacketType,
        /// The remaining length read from the fixed header.
        actual: usize,
    },
    /// Packet type 0 or 15 (reserved, 2.2.1).
    ReservedPacketType(u8),
    /// The fixed header flags of a packet type other than PUBLISH differ from
    /// the values Table 2.2 requires.
    InvalidFlags {
        /// The packet type.
        packet_type: PacketType,
        /// The low nibble of the first byte.
        flags: u8,
    },
    /// A QoS field holds 3 (PUBLISH, will QoS or requested QoS).
    InvalidQos(u8),
    /// A PUBLISH with QoS 0 has DUP set (3.3.1.1).
    DupWithQos0,
    /// A packet identifier that must be non-zero is zero (2.3.1).
    ZeroPacketId,
    /// A string is not well-formed UTF-8 (1.5.3).
    InvalidUtf8,
    /// A string contains U+0000 (1.5.3).
    NullCharacter,
    /// A string or binary field is longer than 65 535 bytes (1.5.3).
    FieldTooLong,
    /// A length-prefixed field, or a fixed field, runs past the end of the
    /// packet's remaining length.
    Truncated,
    /// The packet has bytes left over after its last field.
    TrailingBytes,
    /// CONNECT protocol name is not "MQTT" (3.1.2.1).
    InvalidProtocolName,
    /// CONNECT protocol level is not 4 (3.1.2.2).
    UnsupportedProtocolLevel(u8),
    /// CONNECT flags bit 0 (reserved) is set (3.1.2.3).
    ReservedConnectFlag,
    /// Will QoS or Will Retain is set while the Will Flag is clear (3.1.2.6,
    /// 3.1.2.7).
    WillFlagsWithoutWill,
    /// The password flag is set but the user name flag is not (3.1.2.9).
    PasswordWithoutUsername,
    /// CONNACK acknowledge flags bits 7..1 are not zero (3.2.2.1).
    InvalidConnAckFlags(u8),
    /// CONNACK return code above 5 (3.2.2.3).
    InvalidConnectReturnCode(u8),
    /// CONNACK has Session Present set with a non-zero return code (3.2.2.2).
    SessionPresentWithError,
    /// SUBACK return code other than 0x00, 0x01, 0x02, 0x80 (3.9.3).
    InvalidSubAckReturnCode(u8),
    /// SUBSCRIBE requested QoS byte has bits 7..2 set (3.8.3.1).
    ReservedQosBits(u8),
    /// SUBSCRIBE or UNSUBSCRIBE carries no topic filter, or SUBACK no return
    /// code (3.8.3, 3.10.3, 3.9.3).
    EmptyPayload,
    /// A topic name is invalid.
    InvalidTopicName(TopicError),
    /// A topic filter is invalid.
    InvalidTopicFilter(TopicError),
    /// [`super::Packet::decode`] expected one packet type and found another
    /// (only from the per-type `decode` functions).
    UnexpectedPacketType {
        /// The type the caller asked for.
        expected: PacketType,
        /// The type on the wire.
        actual: PacketType,
    },
}

/// Which rule an [`Error`] names, without the values it carries: one byte,
/// for callers that keep the reason in a small result type (the session
/// engine's `engine::Error::Malformed`). [`Error::kind`] gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ErrorKind {
    /// [`Error::Incomplete`].
    Incomplete,
    /// [`Error::BufferTooSmall`].
    BufferTooSmall,
    /// [`Error::TooFewVectors`].
    TooFewVectors,
    /// [`Error::RemainingLengthTooLong`].
    RemainingLengthTooLong,
    /// [`Error::RemainingLengthNotMinimal`].
    RemainingLengthNotMinimal,
    /// [`Error::PacketTooLarge`].
    PacketTooLarge,
    /// [`Error::WrongRemainingLength`].
    WrongRemainingLength,
    /// [`Error::ReservedPacketType`].
    ReservedPacketType,
    /// [`Error::InvalidFlags`].
    InvalidFlags,
    /// [`Error::InvalidQos`].
    InvalidQos,
    /// [`Error::DupWithQos0`].
    DupWithQos0,
    /// [`Error::ZeroPacketId`].
    ZeroPacketId,
    /// [`Error::InvalidUtf8`].
    InvalidUtf8,
    /// [`Error::NullCharacter`].
    NullCharacter,
    /// [`Error::FieldTooLong`].
    FieldTooLong,
    /// [`Error::Truncated`].
    Truncated,
    /// [`Error::TrailingBytes`].
    TrailingBytes,
    /// [`Error::InvalidProtocolName`].
    InvalidProtocolName,
    /// [`Error::UnsupportedProtocolLevel`].
    UnsupportedProtocolLevel,
    /// [`Error::ReservedConnectFlag`].
    ReservedConnectFlag,
    /// [`Error::WillFlagsWithoutWill`].
    WillFlagsWithoutWill,
    /// [`Error::PasswordWithoutUsername`].
    PasswordWithoutUsername,
    /// [`Error::InvalidConnAckFlags`].
    InvalidConnAckFlags,
    /// [`Error::InvalidConnectReturnCode`].
    InvalidConnectReturnCode,
    /// [`Error::SessionPresentWithError`].
    SessionPresentWithError,
    /// [`Error::InvalidSubAckReturnCode`].
    InvalidSubAckReturnCode,
    /// [`Error::ReservedQosBits`].
    ReservedQosBits,
    /// [`Error::EmptyPayload`].
    EmptyPayload,
    /// [`Error::InvalidTopicName`].
    InvalidTopicName,
    /// [`Error::InvalidTopicFilter`].
    InvalidTopicFilter,
    /// [`Error::UnexpectedPacketType`].
    UnexpectedPacketType,
}

impl Error {
    /// The rule this error names, without its values.
    pub const fn kind(&self) -> ErrorKind {
        match self {
            Error::Incomplete { .. } => ErrorKind::Incomplete,
            Error::BufferTooSmall { .. } => ErrorKind::BufferTooSmall,
            Error::TooFewVectors { .. } => ErrorKind::TooFewVectors,
            Error::RemainingLengthTooLong => ErrorKind::RemainingLengthTooLong,
            Error::RemainingLengthNotMinimal => ErrorKind::RemainingLengthNotMinimal,
            Error::PacketTooLarge => ErrorKind::PacketTooLarge,
            Error::WrongRemainingLength { .. } => ErrorKind::WrongRemainingLength,
            Error::ReservedPacketType(_) => ErrorKind::ReservedPacketType,
            Error::InvalidFlags { .. } => ErrorKind::InvalidFlags,
            Error::InvalidQos(_) => ErrorKind::InvalidQos,
            Error::DupWithQos0 => ErrorKind::DupWithQos0,
            Error::ZeroPacketId => ErrorKind::ZeroPacketId,
            Error::InvalidUtf8 => ErrorKind::InvalidUtf8,
            Error::NullCharacter => ErrorKind::NullCharacter,
            Error::FieldTooLong => ErrorKind::FieldTooLong,
            Error::Truncated => ErrorKind::Truncated,
            Error::TrailingBytes => ErrorKind::TrailingBytes,
            Error::InvalidProtocolName => ErrorKind::InvalidProtocolName,
            Error::UnsupportedProtocolLevel(_) => ErrorKind::UnsupportedProtocolLevel,
            Error::ReservedConnectFlag => ErrorKind::ReservedConnectFlag,
            Error::WillFlagsWithoutWill => ErrorKind::WillFlagsWithoutWill,
            Error::PasswordWithoutUsername => ErrorKind::PasswordWithoutUsername,
            Error::InvalidConnAckFlags(_) => ErrorKind::InvalidConnAckFlags,
            Error::InvalidConnectReturnCode(_) => ErrorKind::InvalidConnectReturnCode,
            Error::SessionPresentWithError => ErrorKind::SessionPresentWithError,
            Error::InvalidSubAckReturnCode(_) => ErrorKind::InvalidSubAckReturnCode,
            Error::ReservedQosBits(_) => ErrorKind::ReservedQosBits,
            Error::EmptyPayload => ErrorKind::EmptyPayload,
            Error::InvalidTopicName(_) => ErrorKind::InvalidTopicName,
            Error::InvalidTopicFilter(_) => ErrorKind::InvalidTopicFilter,
            Error::UnexpectedPacketType { .. } => ErrorKind::UnexpectedPacketType,
        }
    }

    /// True for [`Error::Incomplete`]: more input may still make a valid
    /// packet. Every other decode error is a protocol violation.
    pub const fn is_incomplete(&self) -> bool {
        matches!(self, Error::Incomplete { .. })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Incomplete { needed } => {
                write!(f, "incomplete packet: {needed} more bytes needed")
            }
            Error::BufferTooSmall { needed } => {
                write!(f, "buffer too small: {needed} bytes needed")
            }
            Error::TooFewVectors { needed } => write!(f, "too few I/O vectors: {needed} needed"),
            Error::RemainingLengthTooLong => f.write_str("remaining length longer than 4 bytes"),
            Error::RemainingLengthNotMinimal => {
                f.write_str("remaining length not minimally encoded")
            }
            Error::PacketTooLarge => f.write_str("packet larger than the MQTT maximum"),
            Error::WrongRemainingLength {
                packet_type,
                actual,
            } => {
                write!(f, "{packet_type:?} with remaining length {actual}")
            }
            Error::ReservedPacketType(t) => write!(f, "reserved packet type {t}"),
            Error::InvalidFlags { packet_type, flags } => {
                write!(f, "{packet_type:?} with invalid flags {flags:#06b}")
            }
            Error::InvalidQos(q) => write!(f, "invalid QoS {q}"),
            Error::DupWithQos0 => f.write_str("DUP set on a QoS 0 PUBLISH"),
            Error::ZeroPacketId => f.write_str("packet identifier is zero"),
            Error::InvalidUtf8 => f.write_str("string is not valid UTF-8"),
            Error::NullCharacter => f.write_str("string contains U+0000"),
            Error::FieldTooLong => f.write_str("field longer than 65535 bytes"),
            Error::Truncated => f.write_str("field runs past the end of the packet"),
            Error::TrailingBytes => f.write_str("bytes after the last field"),
            Error::InvalidProtocolName => f.write_str("protocol name is not MQTT"),
            Error::UnsupportedProtocolLevel(l) => write!(f, "unsupported protocol level {l}"),
            Error::ReservedConnectFlag => f.write_str("reserved CONNECT flag set"),
            Error::WillFlagsWithoutWill => f.write_str("will QoS/retain set without will flag"),
            Error::PasswordWithoutUsername => f.write_str("password without user name"),
            Error::InvalidConnAckFlags(b) => write!(f, "invalid CONNACK flags {b:#04x}"),
            Error::InvalidConnectReturnCode(c) => write!(f, "invalid CONNACK return code {c}"),
            Error::SessionPresentWithError => {
                f.write_str("session present with a non-zero return code")
            }
            Error::InvalidSubAckReturnCode(c) => write!(f, "invalid SUBACK return code {c:#04x}"),
            Error::ReservedQosBits(b) => write!(f, "requested QoS byte {b:#04x} has reserved bits"),
            Error::EmptyPayload => f.write_str("packet payload must not be empty"),
            Error::InvalidTopicName(e) => write!(f, "invalid topic name: {e}"),
            Error::InvalidTopicFilter(e) => write!(f, "invalid topic filter: {e}"),
            Error::UnexpectedPacketType { expected, actual } => {
                write!(f, "expected {expected:?}, found {actual:?}")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}
