//! The packets with no variable header or payload: PINGREQ (3.12), PINGRESP
//! (3.13) and DISCONNECT (3.14). Their remaining length must be zero.

use super::body::{expect_len, packet_api, Body};
use super::cursor::Sink;
use super::error::Error;
use super::header::PacketType;

macro_rules! empty_packet {
    ($(#[$doc:meta])* $name:ident, $ty:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name;

        impl Body<'_> for $name {
            const TYPE: PacketType = $ty;

            fn body_len(&self) -> usize {
                0
            }

            fn validate(&self) -> Result<(), Error> {
                Ok(())
            }

            fn write_body<'b, S: Sink<'b>>(&'b self, _sink: &mut S) {}

            fn decode_body(_flags: u8, body: &[u8]) -> Result<Self, Error> {
                expect_len($ty, body, 0)?;
                Ok($name)
            }
        }

        packet_api!($name);
    };
}

empty_packet!(
    /// PINGREQ: keep-alive probe from the client (3.12).
    PingReq,
    PacketType::PingReq
);
empty_packet!(
    /// PINGRESP: the server's answer to PINGREQ (3.13).
    PingResp,
    PacketType::PingResp
);
empty_packet!(
    /// DISCONNECT: the client is closing cleanly (3.14).
    Disconnect,
    PacketType::Disconnect
);
