//! `tx_api.h` on a host: the ThreadX base types and constants that NetX Duo
//! MQTT applications use, without a ThreadX kernel.
//!
//! rsmqtt runs the MQTT client on a host thread, so only what application
//! code *names* is provided: the integer typedefs of the ThreadX Linux port
//! (`ULONG` is `unsigned long`, 64 bits on LP64), the wait-option constants
//! and complete control-block types that can be declared as variables. The
//! ThreadX services themselves (`tx_thread_create`, `tx_mutex_get`, ...) are
//! not provided.
#![allow(non_camel_case_types, non_upper_case_globals)]

use core::ffi::{c_char, c_int, c_long, c_short, c_uchar, c_uint, c_ulong, c_ushort};

/// `CHAR`: a plain `char`.
pub type CHAR = c_char;
/// `UCHAR`: `unsigned char`.
pub type UCHAR = c_uchar;
/// `INT`: `int`.
pub type INT = c_int;
/// `UINT`: `unsigned int`, the return type of every NetX service.
pub type UINT = c_uint;
/// `LONG`: `long`.
pub type LONG = c_long;
/// `ULONG`: `unsigned long` (the ThreadX Linux port's choice; 64 bits on LP64).
pub type ULONG = c_ulong;
/// `SHORT`: `short`.
pub type SHORT = c_short;
/// `USHORT`: `unsigned short`.
pub type USHORT = c_ushort;
/// `ULONG64`: a 64-bit unsigned integer.
pub type ULONG64 = u64;

/// Wait option: never time out.
pub const TX_WAIT_FOREVER: ULONG = 0xFFFF_FFFF;
/// Wait option: do not wait.
pub const TX_NO_WAIT: ULONG = 0;
/// ThreadX timer ticks per second on a host build of rsmqtt: one tick is 10 ms.
pub const TX_TIMER_TICKS_PER_SECOND: ULONG = 100;
/// ThreadX success status.
pub const TX_SUCCESS: UINT = 0x00;
/// ThreadX boolean true.
pub const TX_TRUE: UINT = 1;
/// ThreadX boolean false.
pub const TX_FALSE: UINT = 0;

/// A ThreadX mutex control block. rsmqtt never takes it: it only exists so
/// that `NXD_MQTT_CLIENT.nxd_mqtt_client_mutex_ptr` points at a real object
/// and code that declares `TX_MUTEX` variables compiles.
#[repr(C)]
pub struct TX_MUTEX_STRUCT {
    /// Control block identifier (unused on a host).
    pub tx_mutex_id: ULONG,
    /// Name given at creation (unused on a host).
    pub tx_mutex_name: *mut CHAR,
    /// Storage reserved for a future host implementation.
    pub tx_mutex_reserved: [ULONG; 6],
}

/// `TX_MUTEX`, the typedef applications use.
pub type TX_MUTEX = TX_MUTEX_STRUCT;

/// A ThreadX thread control block, declarable on a host (rsmqtt's client
/// thread is a host thread and does not use it).
#[repr(C)]
pub struct TX_THREAD_STRUCT {
    /// Control block identifier (unused on a host).
    pub tx_thread_id: ULONG,
    /// Name given at creation (unused on a host).
    pub tx_thread_name: *mut CHAR,
    /// Storage reserved for a future host implementation.
    pub tx_thread_reserved: [ULONG; 30],
}

/// `TX_THREAD`, the typedef applications use.
pub type TX_THREAD = TX_THREAD_STRUCT;
