//! CONNECT (MQTT 3.1.1 section 3.1).

use super::body::{field_len, packet_api, Body};
use super::cursor::{Reader, Sink};
use super::error::Error;
use super::header::PacketType;
use super::qos::QoS;
use super::string::{validate_binary, validate_str};
use super::topic;

/// Protocol name field ("MQTT" with its length prefix) and level 4 (3.1.2.1,
/// 3.1.2.2).
const PROTOCOL_NAME_AND_LEVEL: [u8; 7] = [0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04];

const FLAG_RESERVED: u8 = 0x01;
const FLAG_CLEAN_SESSION: u8 = 0x02;
const FLAG_WILL: u8 = 0x04;
const WILL_QOS_SHIFT: u8 = 3;
const FLAG_WILL_RETAIN: u8 = 0x20;
const FLAG_PASSWORD: u8 = 0x40;
const FLAG_USERNAME: u8 = 0x80;

/// The will message a server publishes if the connection drops (3.1.2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Will<'a> {
    /// Topic name of the will message.
    pub topic: &'a str,
    /// Application message (binary data, at most 65 535 bytes).
    pub message: &'a [u8],
    /// QoS of the will publication.
    pub qos: QoS,
    /// Retain flag of the will publication.
    pub retain: bool,
}

/// A CONNECT packet. Protocol name "MQTT" and level 4 are implied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Connect<'a> {
    /// Client identifier (may be empty when `clean_session` is set).
    pub client_id: &'a str,
    /// Clean Session flag (3.1.2.4).
    pub clean_session: bool,
    /// Keep alive interval in seconds; 0 disables it (3.1.2.10).
    pub keep_alive: u16,
    /// Will message, if any.
    pub will: Option<Will<'a>>,
    /// User name, if any.
    pub username: Option<&'a str>,
    /// Password (binary data), only allowed with a user name (3.1.2.9).
    pub password: Option<&'a [u8]>,
}

impl Connect<'_> {
    fn connect_flags(&self) -> u8 {
        let mut flags = 0;
        if self.clean_session {
            flags |= FLAG_CLEAN_SESSION;
        }
        if let Some(will) = &self.will {
            flags |= FLAG_WILL | (will.qos.as_u8() << WILL_QOS_SHIFT);
            if will.retain {
                flags |= FLAG_WILL_RETAIN;
            }
        }
        if self.username.is_some() {
            flags |= FLAG_USERNAME;
        }
        if self.password.is_some() {
            flags |= FLAG_PASSWORD;
        }
        flags
    }
}

impl<'a> Body<'a> for Connect<'a> {
    const TYPE: PacketType = PacketType::Connect;

    fn body_len(&self) -> usize {
        // Protocol name and level (7), connect flags (1), keep alive (2).
        let mut len: usize = 10;
        len = len.saturating_add(field_len(self.client_id.len()));
        if let Some(will) = &self.will {
            len = len
                .saturating_add(field_len(will.topic.len()))
                .saturating_add(field_len(will.message.len()));
        }
        if let Some(username) = self.username {
            len = len.saturating_add(field_len(username.len()));
        }
        if let Some(password) = self.password {
            len = len.saturating_add(field_len(password.len()));
        }
        len
    }

    fn validate(&self) -> Result<(), Error> {
        validate_str(self.client_id)?;
        if let Some(will) = &self.will {
            validate_str(will.topic)?;
            topic::validate_name(will.topic).map_err(Error::InvalidTopicName)?;
            validate_binary(will.message)?;
        }
        if let Some(username) = self.username {
            validate_str(username)?;
        }
        if let Some(password) = self.password {
            if self.username.is_none() {
                return Err(Error::PasswordWithoutUsername);
            }
            validate_binary(password)?;
        }
        Ok(())
    }

    fn write_body<'b, S: Sink<'b>>(&'b self, sink: &mut S) {
        sink.put(&PROTOCOL_NAME_AND_LEVEL);
        sink.u8(self.connect_flags());
        sink.u16(self.keep_alive);
        sink.field(self.client_id.as_bytes());
        if let Some(will) = &self.will {
            sink.field(will.topic.as_bytes());
            sink.field(will.message);
        }
        if let Some(username) = self.username {
            sink.field(username.as_bytes());
        }
        if let Some(password) = self.password {
            sink.field(password);
        }
    }

    fn decode_body(_flags: u8, body: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        if r.binary()? != b"MQTT" {
            return Err(Error::InvalidProtocolName);
        }
        let level = r.u8()?;
        if level != 4 {
            return Err(Error::UnsupportedProtocolLevel(level));
        }
        let flags = r.u8()?;
        if flags & FLAG_RESERVED != 0 {
            return Err(Error::ReservedConnectFlag);
        }
        let will_qos_bits = (flags >> WILL_QOS_SHIFT) & 0x03;
        let has_will = flags & FLAG_WILL != 0;
        if !has_will && (will_qos_bits != 0 || flags & FLAG_WILL_RETAIN != 0) {
            return Err(Error::WillFlagsWithoutWill);
        }
        let will_qos = QoS::from_u8(will_qos_bits)?;
        if flags & FLAG_PASSWORD != 0 && flags & FLAG_USERNAME == 0 {
            return Err(Error::PasswordWithoutUsername);
        }
        let keep_alive = r.u16()?;
        let client_id = r.string()?;
        let will = if has_will {
            let topic = r.string()?;
            topic::validate_name(topic).map_err(Error::InvalidTopicName)?;
            let message = r.binary()?;
            Some(Will {
                topic,
                message,
                qos: will_qos,
                retain: flags & FLAG_WILL_RETAIN != 0,
            })
        } else {
            None
        };
        let username = if flags & FLAG_USERNAME != 0 {
            Some(r.string()?)
        } else {
            None
        };
        let password = if flags & FLAG_PASSWORD != 0 {
            Some(r.binary()?)
        } else {
            None
        };
        r.finish()?;
        Ok(Connect {
            client_id,
            clean_session: flags & FLAG_CLEAN_SESSION != 0,
            keep_alive,
            will,
            username,
            password,
        })
    }
}

packet_api!(Connect<'a>);
