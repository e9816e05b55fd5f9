//! `transport_interface.h`: how the MQTT engine reaches the network.
//!
//! The application defines `struct NetworkContext`; rsmqtt only ever handles a
//! pointer to it and passes it back to the transport functions.

use core::ffi::c_void;

/// The application's network context (`struct NetworkContext`), defined by the
/// application and opaque to the library.
#[repr(C)]
pub struct NetworkContext {
    _opaque: [u8; 0],
}

/// `NetworkContext_t`, the typedef applications use.
pub type NetworkContext_t = NetworkContext;

/// Receives up to `bytesToRecv` bytes: returns the count received, 0 when
/// nothing is available now, or a negative value on error.
pub type TransportRecv_t = Option<
    unsafe extern "C" fn(
        pNetworkContext: *mut NetworkContext_t,
        pBuffer: *mut c_void,
        bytesToRecv: usize,
    ) -> i32,
>;

/// Sends up to `bytesToSend` bytes: returns the count sent, 0 when nothing
/// could be sent now, or a negative value on error.
pub type TransportSend_t = Option<
    unsafe extern "C" fn(
        pNetworkContext: *mut NetworkContext_t,
        pBuffer: *const c_void,
        bytesToSend: usize,
    ) -> i32,
>;

/// One piece of an outgoing packet for a vectored send.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TransportOutVector {
    /// Start of the bytes.
    pub iov_base: *const c_void,
    /// Number of bytes.
    pub iov_len: usize,
}

/// `TransportOutVector_t`, the typedef applications use.
pub type TransportOutVector_t = TransportOutVector;

/// Sends the bytes of several vectors: same return convention as
/// [`TransportSend_t`]. Optional: when NULL, each vector goes out by `send`.
pub type TransportWritev_t = Option<
    unsafe extern "C" fn(
        pNetworkContext: *mut NetworkContext_t,
        pIoVec: *mut TransportOutVector_t,
        ioVecCount: usize,
    ) -> i32,
>;

/// The transport functions and their context, copied into `MQTTContext_t` by
/// `MQTT_Init`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TransportInterface {
    /// Receive function.
    pub recv: TransportRecv_t,
    /// Send function.
    pub send: TransportSend_t,
    /// Optional vectored send function.
    pub writev: TransportWritev_t,
    /// Passed back to each function.
    pub pNetworkContext: *mut NetworkContext_t,
}

/// `TransportInterface_t`, the typedef applications use.
pub type TransportInterface_t = TransportInterface;
