//! Why an engine operation failed, with what a face needs to report it.
//!
//! The engine owns this type; the faces translate it: the coreMQTT face to
//! `MQTTStatus_t` (`impl From<Error> for MQTTStatus` in
//! `src/coremqtt/serializer_types.rs`), the NetX Duo face to `NXD_MQTT_*`
//! codes (`src/netx/client.rs`, `src/netx/client/connect.rs`).
//!
//! Outcomes that are not failures are not here: "only part of a packet has
//! arrived" is [`crate::engine::process::Progress::Partial`] and "nothing
//! arrived" [`crate::engine::process::Progress::Idle`], both `Ok` results of
//! the receive loop that the caller answers by calling again.
//! [`Error::NoDataAvailable`] is a failure because it is only returned where
//! data was required: the CONNACK did not arrive in the time the caller gave.

use crate::wire::{ConnectReturnCode, ErrorKind};

/// An engine failure.
///
/// Two bytes: the variant and, for [`Error::Refused`] and
/// [`Error::Malformed`], a one-byte cause. Kept that small on purpose: every
/// engine call returns `Result<_, Error>`, and a `Result<(), Error>` that
/// fits in a register costs no stack slot and no memory return at each of the
/// many call sites (flash on a Cortex-M4, instructions per message on a
/// host). That is why [`Error::Malformed`] carries `wire`'s
/// [`ErrorKind`] (which rule the packet broke) rather than the full
/// [`crate::wire::Error`] with its `usize` fields.
///
/// The discriminants are the numbers of the coreMQTT status each variant
/// becomes (`Refused` 6 = `MQTTServerRefused`; `Malformed`, which becomes
/// `MQTTBadResponse`, takes the first unused number): the coreMQTT face's
/// conversion is then a byte copy for almost every variant. They are not
/// otherwise part of the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Error {
    /// An argument was invalid: a packet identifier of 0 where one is
    /// required, a QoS 0 publish given a packet identifier, an empty topic or
    /// subscription list, a payload without a length, a record operation for
    /// a packet identifier the records do not hold.
    BadParameter = 1,
    /// Something did not fit: a packet larger than the network buffer (it is
    /// drained and dropped, the connection stays usable), or no free QoS 1/2
    /// record.
    NoMemory = 2,
    /// The transport's send failed or timed out before the whole packet went
    /// out; the link is marked broken (disconnect pending).
    SendFailed = 3,
    /// The transport's receive failed, or a packet stopped arriving half-way
    /// (the stream is out of sync); the link is marked broken.
    RecvFailed = 4,
    /// The server sent a well-formed packet that the session cannot accept
    /// here: something other than CONNACK while waiting for one, an
    /// acknowledgement for a packet identifier with no matching exchange, a
    /// packet of a type a client never receives. Built for size
    /// (`cfg(rsmqtt_small)`, opt-level `s`/`z`, see build.rs) a packet that
    /// breaks MQTT 3.1.1 is reported as this too, without `wire`'s reason:
    /// keeping the reason costs flash in firmware, where the C faces report
    /// only a status.
    BadResponse = 5,
    /// The server refused the connection with this CONNACK return code
    /// (never [`ConnectReturnCode::Accepted`]).
    Refused(ConnectReturnCode) = 6,
    /// No CONNACK arrived within the time the caller gave `connect`.
    NoDataAvailable = 7,
    /// A QoS 1/2 record cannot make this transition (for example a PUBREC for
    /// a QoS 1 publish, or a PUBREL before the PUBREC was answered).
    IllegalState = 8,
    /// A QoS 1/2 record with this packet identifier exists already.
    StateCollision = 9,
    /// No PINGRESP arrived within `MQTT_PINGRESP_TIMEOUT_MS` of the PINGREQ.
    KeepAliveTimeout = 10,
    /// `connect` was called on a session that is connected.
    AlreadyConnected = 12,
    /// The operation needs a connection and the session has none.
    NotConnected = 13,
    /// The operation needs a connection and the link broke (a send or
    /// receive failed): the application must disconnect first.
    DisconnectPending = 14,
    /// The port's store of outgoing publishes refused this publish.
    PublishStoreFailed = 15,
    /// On session resumption the port's store could not give back a publish
    /// it holds a record for.
    PublishRetrieveFailed = 16,
    /// The server sent a packet that breaks MQTT 3.1.1; `wire` names the rule.
    /// Only in builds not made for size (see [`Error::BadResponse`]).
    Malformed(ErrorKind) = 17,
}

#[cfg(test)]
mod tests {
    use super::Error;
    use core::mem::size_of;

    /// The size the type's documentation promises: what fails and one byte
    /// of cause, and a `Result<(), Error>` that uses a free discriminant for
    /// `Ok` instead of a byte of its own.
    #[test]
    fn error_and_unit_result_are_two_bytes() {
        assert_eq!(size_of::<Error>(), 2);
        assert_eq!(size_of::<Result<(), Error>>(), 2);
        assert_eq!(size_of::<Result<bool, Error>>(), 2);
    }
}
