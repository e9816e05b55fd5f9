//! CONNACK (MQTT 3.1.1 section 3.2).

use super::body::{expect_len, packet_api, Body};
use super::cursor::{Reader, Sink};
use super::error::Error;
use super::header::PacketType;

/// Connect return codes (Table 3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum ConnectReturnCode {
    /// 0: connection accepted.
    #[default]
    Accepted = 0,
    /// 1: the server does not support protocol level 4.
    UnacceptableProtocolVersion = 1,
    /// 2: the client identifier is not allowed.
    IdentifierRejected = 2,
    /// 3: the MQTT service is unavailable.
    ServerUnavailable = 3,
    /// 4: the user name or password is malformed.
    BadUserNameOrPassword = 4,
    /// 5: the client is not authorized to connect.
    NotAuthorized = 5,
}

impl ConnectReturnCode {
    /// The code for a wire byte; above 5 is
    /// [`Error::InvalidConnectReturnCode`].
    pub const fn from_u8(value: u8) -> Result<Self, Error> {
        Ok(match value {
            0 => ConnectReturnCode::Accepted,
            1 => ConnectReturnCode::UnacceptableProtocolVersion,
            2 => ConnectReturnCode::IdentifierRejected,
            3 => ConnectReturnCode::ServerUnavailable,
            4 => ConnectReturnCode::BadUserNameOrPassword,
            5 => ConnectReturnCode::NotAuthorized,
            other => return Err(Error::InvalidConnectReturnCode(other)),
        })
    }
}

/// A CONNACK packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ConnAck {
    /// Session Present flag (3.2.2.2); only meaningful when accepted.
    pub session_present: bool,
    /// Connect return code.
    pub return_code: ConnectReturnCode,
}

impl Body<'_> for ConnAck {
    const TYPE: PacketType = PacketType::ConnAck;

    fn body_len(&self) -> usize {
        2
    }

    fn validate(&self) -> Result<(), Error> {
        // [MQTT-3.2.2-4]: a refused connection never has a session.
        if self.session_present && self.return_code != ConnectReturnCode::Accepted {
            return Err(Error::SessionPresentWithError);
        }
        Ok(())
    }

    fn write_body<'b, S: Sink<'b>>(&'b self, sink: &mut S) {
        sink.u8(u8::from(self.session_present));
        sink.u8(self.return_code as u8);
    }

    fn decode_body(_flags: u8, body: &[u8]) -> Result<Self, Error> {
        expect_len(PacketType::ConnAck, body, 2)?;
        let mut r = Reader::new(body);
        let ack_flags = r.u8()?;
        if ack_flags & 0xfe != 0 {
            return Err(Error::InvalidConnAckFlags(ack_flags));
        }
        let return_code = ConnectReturnCode::from_u8(r.u8()?)?;
        let ack = ConnAck {
            session_present: ack_flags & 0x01 != 0,
            return_code,
        };
        ack.validate()?;
        Ok(ack)
    }
}

packet_api!(ConnAck);
