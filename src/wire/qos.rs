//! Quality of service levels (MQTT 3.1.1 section 4.3).

use super::error::Error;

/// Delivery guarantee of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(u8)]
pub enum QoS {
    /// QoS 0: at most once, no acknowledgement.
    #[default]
    AtMostOnce = 0,
    /// QoS 1: at least once, acknowledged by PUBACK.
    AtLeastOnce = 1,
    /// QoS 2: exactly once, four-packet handshake.
    ExactlyOnce = 2,
}

impl QoS {
    /// The QoS for a two-bit wire value; 3 is [`Error::InvalidQos`].
    pub const fn from_u8(value: u8) -> Result<QoS, Error> {
        match value {
            0 => Ok(QoS::AtMostOnce),
            1 => Ok(QoS::AtLeastOnce),
            2 => Ok(QoS::ExactlyOnce),
            other => Err(Error::InvalidQos(other)),
        }
    }

    /// The wire value (0, 1 or 2).
    pub const fn as_u8(self) -> u8 {
        self as u8
    }
}
