//! Why an engine operation failed, with what a face needs to report it.

use crate::coremqtt::serializer_types::MQTTStatus;
use crate::wire::{self, ConnectReturnCode};

/// An engine failure.
///
/// The two variants with a cause carry it for faces that report more than a
/// status code (NetX Duo returns the CONNACK code to the application); every
/// other failure is one of coreMQTT's statuses, which both faces map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The server refused the connection with this CONNACK return code.
    Refused(ConnectReturnCode),
    /// The server sent a packet that breaks MQTT 3.1.1, for this reason.
    ///
    /// Built for size (`cfg(rsmqtt_small)`, opt-level `s`/`z`, see build.rs)
    /// the receive loop does not keep `wire`'s reason and reports such a
    /// packet as `Status(MQTTBadResponse)`, the status this variant maps to:
    /// the detailed error values cost flash in firmware, where the C faces
    /// report only the status.
    Malformed(wire::Error),
    /// Any other failure, as coreMQTT's status.
    Status(MQTTStatus),
}

impl Error {
    /// The coreMQTT status for this failure: a refused CONNACK is
    /// `MQTTServerRefused`, a malformed packet `MQTTBadResponse`.
    pub fn status(self) -> MQTTStatus {
        match self {
            Error::Refused(_) => MQTTStatus::MQTTServerRefused,
            Error::Malformed(_) => MQTTStatus::MQTTBadResponse,
            Error::Status(status) => status,
        }
    }
}

impl From<MQTTStatus> for Error {
    fn from(status: MQTTStatus) -> Self {
        Error::Status(status)
    }
}
