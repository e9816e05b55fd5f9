//! MQTT 3.1.1 codec: `no_std`, no allocation, zero-copy.
//!
//! # Decoding
//! [`decode`] (or [`Packet::decode`]) parses the packet at the front of a
//! byte slice and returns a view that borrows it (topics, payloads, client
//! identifiers are `&str`/`&[u8]` into the input) plus the number of bytes
//! consumed. Each packet type also has its own `decode` (e.g.
//! [`Publish::decode`]). For a growing receive buffer, [`FixedHeader::peek`]
//! and [`packet_len`] report [`Error::Incomplete`] with the minimum number
//! of bytes still missing, so a reader can ask the transport for exactly
//! that much.
//!
//! Decoding checks every rule of the standard a single packet can break:
//! fixed header flags (Table 2.2), remaining length form (2.2.3), string
//! rules (1.5.3), packet identifiers, QoS values, CONNECT/CONNACK/SUBSCRIBE/
//! SUBACK/UNSUBSCRIBE field rules, topic name and filter syntax (4.7), and
//! exact lengths. Any input, however malformed, yields a typed [`Error`];
//! nothing panics or reads outside the input.
//!
//! # Encoding
//! Every packet type has `encoded_len()` (exact size), `encode(&mut [u8])`
//! (validates, then writes; nothing is written past the buffer) and
//! `encode_vectored(scratch, out)` which fills a list of I/O vectors: small
//! owned parts (fixed header, length prefixes, packet identifiers) go in a
//! caller scratch buffer, borrowed parts (topic, payload, ...) are
//! referenced, never copied. [`Publish::io_slices`] is the fixed-size form
//! for the hot path: a 9-byte scratch array and at most four vectors.
//!
//! # Example
//! ```
//! use rsmqtt::wire::{self, Packet, Publish, QoS, PUBLISH_SCRATCH_LEN};
//!
//! // Encode a QoS 1 PUBLISH without copying its payload.
//! let payload = [0x42u8; 100];
//! let publish = Publish {
//!     qos: QoS::AtLeastOnce,
//!     topic: "sensors/1",
//!     packet_id: 7,
//!     payload: &payload,
//!     ..Publish::default()
//! };
//! let mut scratch = [0u8; PUBLISH_SCRATCH_LEN];
//! let vectors = publish.io_slices(&mut scratch)?;
//! assert!(core::ptr::eq(vectors.as_slice()[3], &payload[..]));
//!
//! // Or into one buffer, sized exactly.
//! let mut buf = [0u8; 128];
//! let len = publish.encode(&mut buf)?;
//! assert_eq!(len, publish.encoded_len());
//!
//! // A receiver with a partial packet learns how much is missing.
//! assert_eq!(
//!     wire::decode(&buf[..len - 10]),
//!     Err(wire::Error::Incomplete { needed: 10 })
//! );
//! // The full packet decodes to a view borrowing `buf`.
//! let (packet, used) = wire::decode(&buf[..len])?;
//! assert_eq!(used, len);
//! match packet {
//!     Packet::Publish(p) => assert_eq!((p.topic, p.payload.len()), ("sensors/1", 100)),
//!     other => panic!("unexpected {other:?}"),
//! }
//! # Ok::<(), wire::Error>(())
//! ```

// The codec parses untrusted bytes: no unsafe code, and none of the
// constructs that can panic on input.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable,
    clippy::arithmetic_side_effects
)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::indexing_slicing))]

pub mod ack;
mod body;
mod connack;
mod connect;
mod cursor;
pub mod error;
pub mod header;
pub mod length;
mod packet;
mod publish;
mod qos;
pub mod raw;
mod simple;
pub mod string;
mod suback;
mod subscribe;
pub mod topic;
mod unsubscribe;

pub use ack::{PubAck, PubComp, PubRec, PubRel, UnsubAck};
pub use body::IoSlices;
pub use connack::{ConnAck, ConnectReturnCode};
pub use connect::{Connect, Will};
pub(crate) use cursor::{copy_into, shift_to_front};
pub use error::{Error, ErrorKind, TopicError};
pub use header::{packet_len, split_first_byte, FixedHeader, PacketType};
pub use packet::{decode, Packet};
pub use publish::{Publish, PublishBody, PublishParts, PUBLISH_MAX_VECTORS, PUBLISH_SCRATCH_LEN};
pub use qos::QoS;
pub use simple::{Disconnect, PingReq, PingResp};
pub use suback::{SubAck, SubAckReturnCode};
pub use subscribe::{Subscribe, SubscribeTopic, SubscribeTopics};
pub use unsubscribe::{Unsubscribe, UnsubscribeFilters};
