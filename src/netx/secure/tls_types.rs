//! `nx_secure_tls.h` types and constants: the TLS session control block, the
//! cipher table type and the TLS status codes, with NetX Secure's values.
//!
//! On a host the session is carried out by rustls (TLS 1.2 and 1.3, ring
//! provider). The session control block lives in application memory (inside
//! `NXD_MQTT_CLIENT` for MQTT); what the setup calls configure is kept by
//! rsmqtt, keyed by the session's address, until the handshake uses it.
#![allow(non_camel_case_types, non_upper_case_globals)]

use core::ffi::c_void;

use super::x509_types::NX_SECURE_X509_CERT;
use crate::netx::threadx::{UCHAR, UINT, ULONG};

/// Success.
pub const NX_SECURE_TLS_SUCCESS: UINT = 0x00;
/// The session was not created with `nx_secure_tls_session_create`.
pub const NX_SECURE_TLS_SESSION_UNINITIALIZED: UINT = 0x101;
/// The handshake failed.
pub const NX_SECURE_TLS_HANDSHAKE_FAILURE: UINT = 0x107;
/// The broker's certificate chain does not lead to a trusted certificate.
pub const NX_SECURE_TLS_ISSUER_CERTIFICATE_NOT_FOUND: UINT = 0x11B;
/// The broker's certificate did not parse or was rejected.
pub const NX_SECURE_TLS_INVALID_SERVER_CERT: UINT = 0x10C;
/// A certificate is malformed.
pub const NX_SECURE_TLS_INVALID_CERTIFICATE: UINT = 0x112;
/// The remote host sent an alert.
pub const NX_SECURE_TLS_ALERT_RECEIVED: UINT = 0x114;
/// A certificate signature check failed.
pub const NX_SECURE_TLS_CERTIFICATE_SIG_CHECK_FAILED: UINT = 0x117;
/// The requested feature is not supported by this implementation.
pub const NX_SECURE_TLS_UNSUPPORTED_FEATURE: UINT = 0x130;
/// The packet buffer is too small.
pub const NX_SECURE_TLS_PACKET_BUFFER_TOO_SMALL: UINT = 0x135;
/// The TCP send of a record failed.
pub const NX_SECURE_TLS_TCP_SEND_FAILED: UINT = 0x109;

/// The cipher table handed to `nx_secure_tls_session_create`. With rsmqtt the
/// algorithms are rustls's (its ring provider); the table only selects the
/// provider. Applications use the global `nx_crypto_tls_ciphers`.
#[repr(C)]
pub struct NX_SECURE_TLS_CRYPTO_STRUCT {
    /// Which crypto provider backs the table (1: rustls with ring).
    pub rsmqtt_crypto_provider: UINT,
    /// Reserved, zero.
    pub rsmqtt_crypto_reserved: UINT,
}

/// `NX_SECURE_TLS_CRYPTO`, the typedef applications use.
pub type NX_SECURE_TLS_CRYPTO = NX_SECURE_TLS_CRYPTO_STRUCT;

/// Application callback that checks the broker's certificate after the chain
/// has been verified: return 0 to accept, anything else to reject.
pub type NX_SECURE_TLS_CERTIFICATE_CALLBACK = Option<
    unsafe extern "C" fn(
        session: *mut NX_SECURE_TLS_SESSION_STRUCT,
        certificate: *mut NX_SECURE_X509_CERT,
    ) -> ULONG,
>;

/// Application clock for certificate validity checks: seconds since the Unix
/// epoch.
pub type NX_SECURE_TLS_TIME_FUNCTION = Option<unsafe extern "C" fn() -> ULONG>;

/// A TLS session control block. Applications declare it (or use the one in
/// `NXD_MQTT_CLIENT`) and pass it to the `nx_secure_tls_*` calls.
#[repr(C)]
pub struct NX_SECURE_TLS_SESSION_STRUCT {
    /// `NX_SECURE_TLS_ID` once created.
    pub nx_secure_tls_id: ULONG,
    /// The cipher table given at creation.
    pub nx_secure_tls_crypto_table: *const NX_SECURE_TLS_CRYPTO,
    /// Packet reassembly buffer given by the application (rustls keeps its
    /// own buffers; this one is recorded and not written).
    pub nx_secure_tls_packet_buffer: *mut UCHAR,
    /// Size of that buffer.
    pub nx_secure_tls_packet_buffer_size: ULONG,
    /// Metadata area given at creation (unused by rustls).
    pub nx_secure_tls_metadata_area: *mut c_void,
    /// Size of that area.
    pub nx_secure_tls_metadata_size: ULONG,
    /// Certificate callback set by the application.
    pub nx_secure_tls_session_certificate_callback: NX_SECURE_TLS_CERTIFICATE_CALLBACK,
    /// Time function set by the application.
    pub nx_secure_tls_session_time_function: NX_SECURE_TLS_TIME_FUNCTION,
    /// Remote certificate storage allocated by the application (the first
    /// one receives the broker's certificate).
    pub nx_secure_tls_remote_certificate: *mut NX_SECURE_X509_CERT,
    /// Non-zero while a TLS connection is established.
    pub nx_secure_tls_session_active: UINT,
    /// Storage reserved for future use.
    pub nx_secure_tls_reserved: [ULONG; 8],
}

/// `NX_SECURE_TLS_SESSION`, the typedef applications use.
pub type NX_SECURE_TLS_SESSION = NX_SECURE_TLS_SESSION_STRUCT;

/// Value of `nx_secure_tls_id` in a created session ("SECT").
pub const NX_SECURE_TLS_ID: ULONG = 0x5345_4354;
