//! `nx_secure_x509.h` functions: describe a DER certificate (with an optional
//! DER private key) and a DNS name. Both `_nx_secure_*` and the
//! parameter-checking `_nxe_secure_*` symbols are exported; the header maps
//! `nx_secure_x509_*` to one set as NetX Secure does
//! (`NX_SECURE_DISABLE_ERROR_CHECKING`). Both check every pointer, since a
//! NULL must never crash the library.

use rustls_pki_types::{PrivateKeyDer, PrivatePkcs1KeyDer, PrivateSec1KeyDer};

use super::x509_types::*;
use crate::ffi::guard;
use crate::netx::nx_types::NX_PTR_ERROR;
use crate::netx::threadx::{UCHAR, UINT, USHORT};

/// Checks that `der` is one DER SEQUENCE whose length covers it exactly: the
/// outer shape of every X.509 certificate and private key.
fn is_der_sequence(der: &[u8]) -> bool {
    let (Some(&0x30), Some(&first)) = (der.first(), der.get(1)) else {
        return false;
    };
    let (header, body) = if first < 0x80 {
        (2usize, usize::from(first))
    } else {
        let count = usize::from(first & 0x7F);
        if count == 0 || count > 4 {
            return false;
        }
        let Some(bytes) = der.get(2..2 + count) else {
            return false;
        };
        (
            2 + count,
            bytes
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b)),
        )
    };
    header.checked_add(body) == Some(der.len())
}

/// Builds the rustls key for `key` of NetX key type `key_type`.
pub(crate) fn private_key(key: &[u8], key_type: UINT) -> Result<PrivateKeyDer<'static>, UINT> {
    let der = match key_type {
        NX_SECURE_X509_KEY_TYPE_RSA_PKCS1_DER => {
            PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(key.to_vec()))
        }
        NX_SECURE_X509_KEY_TYPE_EC_DER => {
            PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(key.to_vec()))
        }
        _ => return Err(NX_SECURE_X509_INVALID_PRIVATE_KEY_TYPE),
    };
    match rustls::crypto::ring::sign::any_supported_type(&der) {
        Ok(_) => Ok(der),
        Err(e) => {
            log::error!("rsmqtt: private key rejected: {e}");
            Err(NX_SECURE_PKCS1_INVALID_PRIVATE_KEY)
        }
    }
}

/// The work of `nx_secure_x509_certificate_initialize`.
///
/// # Safety
/// Pointers are NULL or valid for the lengths given.
// The parameters are NetX Secure's.
#[allow(clippy::too_many_arguments)]
unsafe fn certificate_initialize(
    certificate: *mut NX_SECURE_X509_CERT,
    certificate_data: *mut UCHAR,
    length: USHORT,
    raw_data_buffer: *mut UCHAR,
    buffer_size: USHORT,
    private_key_ptr: *const UCHAR,
    priv_len: USHORT,
    private_key_type: UINT,
) -> UINT {
    if certificate.is_null() || certificate_data.is_null() || length == 0 {
        return NX_PTR_ERROR;
    }
    // SAFETY: the caller passes `length` readable bytes.
    let der = unsafe { core::slice::from_raw_parts(certificate_data, usize::from(length)) };
    if !is_der_sequence(der) {
        return NX_SECURE_X509_INVALID_CERTIFICATE_SEQUENCE;
    }
    if private_key_type & NX_SECURE_X509_KEY_TYPE_USER_DEFINED_MASK != 0
        || private_key_type > NX_SECURE_X509_KEY_TYPE_EC_DER
    {
        return NX_SECURE_X509_INVALID_PRIVATE_KEY_TYPE;
    }
    if private_key_type != NX_SECURE_X509_KEY_TYPE_NONE {
        if private_key_ptr.is_null() || priv_len == 0 {
            return NX_PTR_ERROR;
        }
        // SAFETY: the caller passes `priv_len` readable bytes.
        let key = unsafe { core::slice::from_raw_parts(private_key_ptr, usize::from(priv_len)) };
        if let Err(code) = private_key(key, private_key_type) {
            return code;
        }
    }
    let mut data = certificate_data;
    let mut capacity = UINT::from(length);
    if !raw_data_buffer.is_null() {
        if buffer_size < length {
            return NX_SECURE_X509_INSUFFICIENT_CERT_SPACE;
        }
        // SAFETY: the buffer holds `buffer_size >= length` bytes; copy()
        // tolerates the application passing the same memory twice.
        unsafe { core::ptr::copy(certificate_data, raw_data_buffer, usize::from(length)) };
        data = raw_data_buffer;
        capacity = UINT::from(buffer_size);
    }
    // SAFETY: `certificate` is non-NULL and points at the application's block.
    unsafe {
        certificate.write(NX_SECURE_X509_CERT {
            nx_secure_x509_certificate_raw_data: data,
            nx_secure_x509_certificate_raw_data_length: UINT::from(length),
            nx_secure_x509_certificate_raw_buffer_size: capacity,
            nx_secure_x509_private_key_data: if private_key_type == NX_SECURE_X509_KEY_TYPE_NONE {
                core::ptr::null()
            } else {
                private_key_ptr
            },
            nx_secure_x509_private_key_data_length: if private_key_type
                == NX_SECURE_X509_KEY_TYPE_NONE
            {
                0
            } else {
                UINT::from(priv_len)
            },
            nx_secure_x509_private_key_type: private_key_type,
            nx_secure_x509_certificate_is_identity_cert: UINT::from(
                private_key_type != NX_SECURE_X509_KEY_TYPE_NONE,
            ),
            nx_secure_x509_cert_initialized: 1,
            nx_secure_x509_next_certificate: core::ptr::null_mut(),
        })
    };
    NX_SECURE_X509_SUCCESS
}

/// Initialises `certificate` from a DER certificate of `length` bytes, with an
/// optional DER private key (`private_key_type`: NONE, RSA_PKCS1_DER or
/// EC_DER). With `raw_data_buffer` the certificate is copied there, else the
/// block refers to `certificate_data`, which must stay valid until the
/// certificate is added to a session. Returns `NX_SECURE_X509_SUCCESS`, or
/// `NX_PTR_ERROR`, `NX_SECURE_X509_INVALID_CERTIFICATE_SEQUENCE`,
/// `NX_SECURE_X509_INVALID_PRIVATE_KEY_TYPE` (hardware and user-defined keys
/// are not supported), `NX_SECURE_PKCS1_INVALID_PRIVATE_KEY`,
/// `NX_SECURE_X509_INSUFFICIENT_CERT_SPACE`.
///
/// # Safety
/// Pointers are NULL or valid for the lengths given.
#[no_mangle]
pub unsafe extern "C" fn _nx_secure_x509_certificate_initialize(
    certificate: *mut NX_SECURE_X509_CERT,
    certificate_data: *mut UCHAR,
    length: USHORT,
    raw_data_buffer: *mut UCHAR,
    buffer_size: USHORT,
    private_key: *const UCHAR,
    priv_len: USHORT,
    private_key_type: UINT,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe {
        secure_x509_certificate_initialize(
            certificate,
            certificate_data,
            length,
            raw_data_buffer,
            buffer_size,
            private_key,
            priv_len,
            private_key_type,
        )
    }
}

/// The body of [`_nx_secure_x509_certificate_initialize`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nx_secure_x509_certificate_initialize`].
#[allow(clippy::too_many_arguments)] // the C signature
unsafe fn secure_x509_certificate_initialize(
    certificate: *mut NX_SECURE_X509_CERT,
    certificate_data: *mut UCHAR,
    length: USHORT,
    raw_data_buffer: *mut UCHAR,
    buffer_size: USHORT,
    private_key: *const UCHAR,
    priv_len: USHORT,
    private_key_type: UINT,
) -> UINT {
    guard(NX_SECURE_X509_INVALID_CERTIFICATE, || {
        // SAFETY: forwarded caller contract.
        unsafe {
            certificate_initialize(
                certificate,
                certificate_data,
                length,
                raw_data_buffer,
                buffer_size,
                private_key,
                priv_len,
                private_key_type,
            )
        }
    })
}

/// Parameter-checking variant of [`_nx_secure_x509_certificate_initialize`].
///
/// # Safety
/// Pointers are NULL or valid for the lengths given.
#[no_mangle]
pub unsafe extern "C" fn _nxe_secure_x509_certificate_initialize(
    certificate: *mut NX_SECURE_X509_CERT,
    certificate_data: *mut UCHAR,
    length: USHORT,
    raw_data_buffer: *mut UCHAR,
    buffer_size: USHORT,
    private_key: *const UCHAR,
    priv_len: USHORT,
    private_key_type: UINT,
) -> UINT {
    // SAFETY: forwarded caller contract; the core function checks pointers.
    unsafe {
        secure_x509_certificate_initialize(
            certificate,
            certificate_data,
            length,
            raw_data_buffer,
            buffer_size,
            private_key,
            priv_len,
            private_key_type,
        )
    }
}

/// Fills `dns_name` with the `length` bytes at `name_string` (at most
/// `NX_SECURE_X509_DNS_NAME_MAX`; longer names give
/// `NX_SECURE_X509_NAME_STRING_TOO_LONG`).
///
/// # Safety
/// Pointers are NULL or valid; `name_string` holds `length` bytes.
#[no_mangle]
pub unsafe extern "C" fn _nx_secure_x509_dns_name_initialize(
    dns_name: *mut NX_SECURE_X509_DNS_NAME,
    name_string: *const UCHAR,
    length: USHORT,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { secure_x509_dns_name_initialize(dns_name, name_string, length) }
}

/// The body of [`_nx_secure_x509_dns_name_initialize`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nx_secure_x509_dns_name_initialize`].
unsafe fn secure_x509_dns_name_initialize(
    dns_name: *mut NX_SECURE_X509_DNS_NAME,
    name_string: *const UCHAR,
    length: USHORT,
) -> UINT {
    guard(NX_PTR_ERROR, || {
        if dns_name.is_null() || name_string.is_null() {
            return NX_PTR_ERROR;
        }
        let length = usize::from(length);
        if length > NX_SECURE_X509_DNS_NAME_MAX {
            return NX_SECURE_X509_NAME_STRING_TOO_LONG;
        }
        // SAFETY: `name_string` holds `length` bytes (caller contract).
        let name = unsafe { core::slice::from_raw_parts(name_string, length) };
        let mut block = NX_SECURE_X509_DNS_NAME {
            nx_secure_x509_dns_name: [0; NX_SECURE_X509_DNS_NAME_MAX],
            nx_secure_x509_dns_name_length: length as USHORT,
        };
        block.nx_secure_x509_dns_name[..length].copy_from_slice(name);
        // SAFETY: `dns_name` is non-NULL and points at the application's block.
        unsafe { dns_name.write(block) };
        NX_SECURE_X509_SUCCESS
    })
}

/// Parameter-checking variant of [`_nx_secure_x509_dns_name_initialize`].
///
/// # Safety
/// As [`_nx_secure_x509_dns_name_initialize`].
#[no_mangle]
pub unsafe extern "C" fn _nxe_secure_x509_dns_name_initialize(
    dns_name: *mut NX_SECURE_X509_DNS_NAME,
    name_string: *const UCHAR,
    length: USHORT,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { secure_x509_dns_name_initialize(dns_name, name_string, length) }
}

#[cfg(test)]
mod tests {
    use super::is_der_sequence;

    #[test]
    fn der_sequence_shapes() {
        assert!(is_der_sequence(&[0x30, 0x00]));
        assert!(is_der_sequence(&[0x30, 0x02, 0x05, 0x00]));
        assert!(is_der_sequence(&[0x30, 0x81, 0x01, 0xAA]));
        assert!(!is_der_sequence(&[0x30, 0x03, 0x05, 0x00]));
        assert!(!is_der_sequence(&[0x31, 0x00]));
        assert!(!is_der_sequence(&[0x30]));
        assert!(!is_der_sequence(&[0x30, 0x85, 1, 1, 1, 1, 1]));
    }
}
