//! `nx_secure_x509.h` types and constants: the certificate and DNS-name
//! control blocks a TLS setup callback fills, the private-key type codes and
//! the X.509 status codes, with NetX Secure's values.
#![allow(non_camel_case_types, non_upper_case_globals)]

use crate::netx::threadx::{UCHAR, UINT, USHORT};

/// Success.
pub const NX_SECURE_X509_SUCCESS: UINT = 0;
/// The certificate is not a DER X.509 certificate rsmqtt can use.
pub const NX_SECURE_X509_INVALID_CERTIFICATE_SEQUENCE: UINT = 0x186;
/// The PKCS#1 RSA private key is malformed.
pub const NX_SECURE_PKCS1_INVALID_PRIVATE_KEY: UINT = 0x18A;
/// The private key type is unknown or unsupported (hardware keys).
pub const NX_SECURE_X509_INVALID_PRIVATE_KEY_TYPE: UINT = 0x19D;
/// A name is longer than [`NX_SECURE_X509_DNS_NAME_MAX`].
pub const NX_SECURE_X509_NAME_STRING_TOO_LONG: UINT = 0x19E;
/// The broker's certificate (or one of its chain) has expired.
pub const NX_SECURE_X509_CERTIFICATE_EXPIRED: UINT = 0x193;
/// The broker's certificate (or one of its chain) is not valid yet.
pub const NX_SECURE_X509_CERTIFICATE_NOT_YET_VALID: UINT = 0x194;
/// The broker's certificate is not issued for the name the application
/// set with `nx_secure_tls_session_sni_extension_set`.
pub const NX_SECURE_X509_CERTIFICATE_DNS_MISMATCH: UINT = 0x195;
/// A certificate did not parse.
pub const NX_SECURE_X509_INVALID_CERTIFICATE: UINT = 0x1A2;
/// The certificate does not fit the buffer given for it.
pub const NX_SECURE_X509_INSUFFICIENT_CERT_SPACE: UINT = 0x1A8;

/// No private key.
pub const NX_SECURE_X509_KEY_TYPE_NONE: UINT = 0x0000_0000;
/// DER PKCS#1 `RSAPrivateKey`.
pub const NX_SECURE_X509_KEY_TYPE_RSA_PKCS1_DER: UINT = 0x0000_0001;
/// DER RFC 5915 `ECPrivateKey` (what `openssl ec -outform DER` writes).
pub const NX_SECURE_X509_KEY_TYPE_EC_DER: UINT = 0x0000_0002;
/// A key held by hardware: not supported by rsmqtt (initialisation fails
/// with [`NX_SECURE_X509_INVALID_PRIVATE_KEY_TYPE`]).
pub const NX_SECURE_X509_KEY_TYPE_HARDWARE: UINT = 0x0000_0003;
/// User-defined key types have bits in this mask; not supported by rsmqtt.
pub const NX_SECURE_X509_KEY_TYPE_USER_DEFINED_MASK: UINT = 0xFFFF_0000;

/// Longest DNS name an [`NX_SECURE_X509_DNS_NAME`] holds.
pub const NX_SECURE_X509_DNS_NAME_MAX: usize = 100;

/// One X.509 certificate (DER), optionally with its private key, as the
/// application describes it to NetX Secure. The application owns the memory;
/// rsmqtt copies what it needs when the certificate is added to a session.
#[repr(C)]
pub struct NX_SECURE_X509_CERT_STRUCT {
    /// The DER certificate bytes.
    pub nx_secure_x509_certificate_raw_data: *mut UCHAR,
    /// Length of the DER certificate in bytes.
    pub nx_secure_x509_certificate_raw_data_length: UINT,
    /// Size of the buffer at `raw_data` (remote certificates are copied there).
    pub nx_secure_x509_certificate_raw_buffer_size: UINT,
    /// The DER private key, or NULL.
    pub nx_secure_x509_private_key_data: *const UCHAR,
    /// Length of the private key in bytes.
    pub nx_secure_x509_private_key_data_length: UINT,
    /// One of the `NX_SECURE_X509_KEY_TYPE_*` values.
    pub nx_secure_x509_private_key_type: UINT,
    /// Non-zero when the certificate identifies this device (it has a key).
    pub nx_secure_x509_certificate_is_identity_cert: UINT,
    /// Non-zero once `nx_secure_x509_certificate_initialize` (or
    /// `nx_secure_tls_remote_certificate_allocate`) accepted it.
    pub nx_secure_x509_cert_initialized: UINT,
    /// Next certificate in a list (unused by rsmqtt, kept for applications).
    pub nx_secure_x509_next_certificate: *mut NX_SECURE_X509_CERT_STRUCT,
}

/// `NX_SECURE_X509_CERT`, the typedef applications use.
pub type NX_SECURE_X509_CERT = NX_SECURE_X509_CERT_STRUCT;

/// A DNS name for the Server Name Indication extension and the check of the
/// broker's certificate name.
#[repr(C)]
pub struct NX_SECURE_X509_DNS_NAME_STRUCT {
    /// The name, not NUL-terminated.
    pub nx_secure_x509_dns_name: [UCHAR; NX_SECURE_X509_DNS_NAME_MAX],
    /// Its length in bytes.
    pub nx_secure_x509_dns_name_length: USHORT,
}

/// `NX_SECURE_X509_DNS_NAME`, the typedef applications use.
pub type NX_SECURE_X509_DNS_NAME = NX_SECURE_X509_DNS_NAME_STRUCT;
