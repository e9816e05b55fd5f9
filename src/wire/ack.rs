//! The acknowledgements that carry only a packet identifier: PUBACK (3.4),
//! PUBREC (3.5), PUBREL (3.6), PUBCOMP (3.7) and UNSUBACK (3.11). Their
//! remaining length is always 2 and the identifier must be non-zero.

use super::body::{expect_len, packet_api, Body};
use super::cursor::{Reader, Sink};
use super::error::Error;
use super::header::PacketType;

/// The packet identifier of a PUBACK, PUBREC, PUBREL, PUBCOMP or UNSUBACK
/// body (the bytes after a fixed header already checked as `packet_type`):
/// exactly two bytes, not zero.
///
/// One function for the five types, so that a receiver decoding all of them
/// carries this code once.
pub fn id_only_body(packet_type: PacketType, body: &[u8]) -> Result<u16, Error> {
    expect_len(packet_type, body, 2)?;
    Reader::new(body).packet_id()
}

macro_rules! id_only_packet {
    ($(#[$doc:meta])* $name:ident, $ty:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name {
            /// Identifier of the packet being acknowledged (non-zero).
            pub packet_id: u16,
        }

        impl Body<'_> for $name {
            const TYPE: PacketType = $ty;

            fn body_len(&self) -> usize {
                2
            }

            fn validate(&self) -> Result<(), Error> {
                if self.packet_id == 0 {
                    Err(Error::ZeroPacketId)
                } else {
                    Ok(())
                }
            }

            fn write_body<'b, S: Sink<'b>>(&'b self, sink: &mut S) {
                sink.u16(self.packet_id);
            }

            fn decode_body(_flags: u8, body: &[u8]) -> Result<Self, Error> {
                let packet_id = id_only_body($ty, body)?;
                Ok($name { packet_id })
            }
        }

        packet_api!($name);
    };
}

id_only_packet!(
    /// PUBACK: acknowledges a QoS 1 PUBLISH (3.4).
    PubAck,
    PacketType::PubAck
);
id_only_packet!(
    /// PUBREC: first answer to a QoS 2 PUBLISH (3.5).
    PubRec,
    PacketType::PubRec
);
id_only_packet!(
    /// PUBREL: answer to PUBREC; fixed header flags 0b0010 (3.6).
    PubRel,
    PacketType::PubRel
);
id_only_packet!(
    /// PUBCOMP: completes the QoS 2 exchange (3.7).
    PubComp,
    PacketType::PubComp
);
id_only_packet!(
    /// UNSUBACK: acknowledges an UNSUBSCRIBE (3.11).
    UnsubAck,
    PacketType::UnsubAck
);
