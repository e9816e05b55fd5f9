//! `nx_api.h` on a host: the NetX Duo types and constants an MQTT
//! application names.
//!
//! Applications declare `NX_IP ip_0; NX_PACKET_POOL pool_0;` and pass their
//! addresses to `nxd_mqtt_client_create`; on a host the client uses the host
//! TCP/IP stack, so these are complete types that rsmqtt accepts and ignores.
//! Server addresses come in an [`NXD_ADDRESS`], IPv4 or IPv6, in NetX's host
//! byte order convention (`IP_ADDRESS(127, 0, 0, 1)` is `0x7F000001`).
#![allow(non_camel_case_types, non_upper_case_globals)]

use super::threadx::{CHAR, UCHAR, UINT, ULONG};

/// Success.
pub const NX_SUCCESS: UINT = 0x00;
/// A NULL or invalid pointer was passed.
pub const NX_PTR_ERROR: UINT = 0x07;
/// An operation is still in progress (`nxd_mqtt_client_connect` with
/// `NX_NO_WAIT`).
pub const NX_IN_PROGRESS: UINT = 0x37;
/// Not connected.
pub const NX_NOT_CONNECTED: UINT = 0x38;
/// Invalid port number.
pub const NX_INVALID_PORT: UINT = 0x46;
/// An option or feature is not supported.
pub const NX_NOT_SUPPORTED: UINT = 0x4B;
/// A wait option expired.
pub const NX_WAIT_ABORTED: UINT = 0x1A;
/// Invalid parameter.
pub const NX_INVALID_PARAMETERS: UINT = 0x4D;
/// Boolean true.
pub const NX_TRUE: UINT = 1;
/// Boolean false.
pub const NX_FALSE: UINT = 0;
/// Wait option: never time out.
pub const NX_WAIT_FOREVER: ULONG = 0xFFFF_FFFF;
/// Wait option: do not wait.
pub const NX_NO_WAIT: ULONG = 0;
/// Ticks per second of the wait options (`NX_IP_PERIODIC_RATE`); one tick is
/// 10 ms on a host build of rsmqtt.
pub const NX_IP_PERIODIC_RATE: ULONG = 100;
/// `nxd_ip_version` of an IPv4 address.
pub const NX_IP_VERSION_V4: UINT = 0x4;
/// `nxd_ip_version` of an IPv6 address.
pub const NX_IP_VERSION_V6: UINT = 0x6;

/// The address inside an [`NXD_ADDRESS`]: `v4` for IPv4, `v6[0..4]` for IPv6
/// (each element holds 32 bits of the address, most significant first, in
/// host byte order).
#[repr(C)]
#[derive(Clone, Copy)]
pub union NXD_ADDRESS_UNION {
    /// IPv4 address in host byte order.
    pub v4: ULONG,
    /// IPv6 address, 32 bits per element, most significant first.
    pub v6: [ULONG; 4],
}

/// An IPv4 or IPv6 address, as NetX Duo's `NXD_ADDRESS`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct NXD_ADDRESS_STRUCT {
    /// [`NX_IP_VERSION_V4`] or [`NX_IP_VERSION_V6`].
    pub nxd_ip_version: UINT,
    /// The address.
    pub nxd_ip_address: NXD_ADDRESS_UNION,
}

/// `NXD_ADDRESS`, the typedef applications use.
pub type NXD_ADDRESS = NXD_ADDRESS_STRUCT;

/// An IP instance. On a host the MQTT client uses the host's TCP/IP stack;
/// the instance is accepted (it must not be NULL) and otherwise unused.
#[repr(C)]
pub struct NX_IP_STRUCT {
    /// Control block identifier (unused on a host).
    pub nx_ip_id: ULONG,
    /// Name given at creation (unused on a host).
    pub nx_ip_name: *mut CHAR,
    /// Storage reserved for a future host implementation.
    pub nx_ip_reserved: [ULONG; 30],
}

/// `NX_IP`, the typedef applications use.
pub type NX_IP = NX_IP_STRUCT;

/// A packet pool. On a host the MQTT client keeps its packets on the heap;
/// the pool is accepted (it must not be NULL) and otherwise unused.
#[repr(C)]
pub struct NX_PACKET_POOL_STRUCT {
    /// Control block identifier (unused on a host).
    pub nx_packet_pool_id: ULONG,
    /// Name given at creation (unused on a host).
    pub nx_packet_pool_name: *mut CHAR,
    /// Storage reserved for a future host implementation.
    pub nx_packet_pool_reserved: [ULONG; 14],
}

/// `NX_PACKET_POOL`, the typedef applications use.
pub type NX_PACKET_POOL = NX_PACKET_POOL_STRUCT;

/// A NetX packet. rsmqtt never hands packets to the application (callbacks
/// that carry one receive NULL); the type exists for those prototypes.
#[repr(C)]
pub struct NX_PACKET_STRUCT {
    /// Start of the packet data.
    pub nx_packet_prepend_ptr: *mut UCHAR,
    /// End of the packet data.
    pub nx_packet_append_ptr: *mut UCHAR,
    /// Bytes in the packet.
    pub nx_packet_length: ULONG,
}

/// `NX_PACKET`, the typedef applications use.
pub type NX_PACKET = NX_PACKET_STRUCT;
