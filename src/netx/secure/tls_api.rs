//! `nx_secure_tls_api.h` functions: the subset a TLS setup callback calls,
//! backed by rustls.
//!
//! Each call records configuration for the session (see [`super::store`]);
//! the MQTT client builds the rustls configuration from it when it starts
//! the handshake. `_nx_secure_*` and the parameter-checking `_nxe_secure_*`
//! symbols are both exported (the header maps the `nx_secure_tls_*` names as
//! NetX Secure does); both check every pointer, because a NULL must never
//! crash the library. Calls NetX Secure has but rsmqtt does not are not
//! declared, so using one fails at compile time rather than silently.

use core::ffi::c_void;

use rustls_pki_types::CertificateDer;

use super::store;
use super::tls_types::*;
use super::x509_api::private_key;
use super::x509_types::*;
use crate::ffi::guard;
use crate::netx::nx_types::NX_PTR_ERROR;
use crate::netx::threadx::{UCHAR, UINT, ULONG};

/// The cipher table applications pass to `nx_secure_tls_session_create`
/// (declared by them as `extern const NX_SECURE_TLS_CRYPTO
/// nx_crypto_tls_ciphers;`): rustls's default cipher suites with ring.
#[no_mangle]
pub static nx_crypto_tls_ciphers: NX_SECURE_TLS_CRYPTO = NX_SECURE_TLS_CRYPTO {
    rsmqtt_crypto_provider: 1,
    rsmqtt_crypto_reserved: 0,
};

/// Initialises NetX Secure. Nothing to do with rustls; safe to call any
/// number of times.
#[no_mangle]
pub extern "C" fn _nx_secure_tls_initialize() {}

/// Copies the DER bytes a certificate block describes.
///
/// # Safety
/// `certificate` is non-NULL and valid.
unsafe fn certificate_der(certificate: *const NX_SECURE_X509_CERT) -> Result<Vec<u8>, UINT> {
    // SAFETY: caller contract.
    let (data, len, ready) = unsafe {
        (
            (*certificate).nx_secure_x509_certificate_raw_data,
            (*certificate).nx_secure_x509_certificate_raw_data_length as usize,
            (*certificate).nx_secure_x509_cert_initialized,
        )
    };
    if ready == 0 || data.is_null() || len == 0 {
        return Err(NX_SECURE_TLS_INVALID_CERTIFICATE);
    }
    // SAFETY: nx_secure_x509_certificate_initialize recorded `len` bytes at
    // `data`, which the application keeps valid (NetX Secure's contract).
    Ok(unsafe { core::slice::from_raw_parts(data, len) }.to_vec())
}

/// Creates (or re-creates) a TLS session: forgets anything configured before
/// and records the cipher table. Returns `NX_SECURE_TLS_SUCCESS` or
/// `NX_PTR_ERROR`.
///
/// # Safety
/// Pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nx_secure_tls_session_create(
    session_ptr: *mut NX_SECURE_TLS_SESSION,
    cipher_table: *const NX_SECURE_TLS_CRYPTO,
    metadata_area: *mut c_void,
    metadata_size: ULONG,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { secure_tls_session_create(session_ptr, cipher_table, metadata_area, metadata_size) }
}

/// The body of [`_nx_secure_tls_session_create`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nx_secure_tls_session_create`].
unsafe fn secure_tls_session_create(
    session_ptr: *mut NX_SECURE_TLS_SESSION,
    cipher_table: *const NX_SECURE_TLS_CRYPTO,
    metadata_area: *mut c_void,
    metadata_size: ULONG,
) -> UINT {
    guard(NX_PTR_ERROR, || {
        if session_ptr.is_null() || cipher_table.is_null() {
            return NX_PTR_ERROR;
        }
        // SAFETY: `session_ptr` is non-NULL and points at the application's
        // session block, which we (re)initialise as a whole.
        unsafe {
            session_ptr.write(NX_SECURE_TLS_SESSION {
                nx_secure_tls_id: NX_SECURE_TLS_ID,
                nx_secure_tls_crypto_table: cipher_table,
                nx_secure_tls_packet_buffer: core::ptr::null_mut(),
                nx_secure_tls_packet_buffer_size: 0,
                nx_secure_tls_metadata_area: metadata_area,
                nx_secure_tls_metadata_size: metadata_size,
                nx_secure_tls_session_certificate_callback: None,
                nx_secure_tls_session_time_function: None,
                nx_secure_tls_remote_certificate: core::ptr::null_mut(),
                nx_secure_tls_session_active: 0,
                nx_secure_tls_reserved: [0; 8],
            })
        };
        store::create(session_ptr as usize);
        NX_SECURE_TLS_SUCCESS
    })
}

/// Parameter-checking variant of [`_nx_secure_tls_session_create`].
///
/// # Safety
/// Pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nxe_secure_tls_session_create(
    session_ptr: *mut NX_SECURE_TLS_SESSION,
    cipher_table: *const NX_SECURE_TLS_CRYPTO,
    metadata_area: *mut c_void,
    metadata_size: ULONG,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { secure_tls_session_create(session_ptr, cipher_table, metadata_area, metadata_size) }
}

/// Deletes a TLS session: rsmqtt forgets its configuration.
///
/// # Safety
/// `session_ptr` is NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nx_secure_tls_session_delete(
    session_ptr: *mut NX_SECURE_TLS_SESSION,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { secure_tls_session_delete(session_ptr) }
}

/// The body of [`_nx_secure_tls_session_delete`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nx_secure_tls_session_delete`].
unsafe fn secure_tls_session_delete(session_ptr: *mut NX_SECURE_TLS_SESSION) -> UINT {
    guard(NX_PTR_ERROR, || {
        if session_ptr.is_null() {
            return NX_PTR_ERROR;
        }
        if !store::delete(session_ptr as usize) {
            return NX_SECURE_TLS_SESSION_UNINITIALIZED;
        }
        // SAFETY: non-NULL application session block.
        unsafe { (*session_ptr).nx_secure_tls_id = 0 };
        NX_SECURE_TLS_SUCCESS
    })
}

/// Parameter-checking variant of [`_nx_secure_tls_session_delete`].
///
/// # Safety
/// `session_ptr` is NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nxe_secure_tls_session_delete(
    session_ptr: *mut NX_SECURE_TLS_SESSION,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { secure_tls_session_delete(session_ptr) }
}

/// Runs `body` for a session that exists, else returns the NetX Secure error.
fn with_session(session_ptr: *mut NX_SECURE_TLS_SESSION, body: impl FnOnce() -> UINT) -> UINT {
    if session_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    if !store::exists(session_ptr as usize) {
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    }
    body()
}

/// Records the packet reassembly buffer. rustls manages its own buffers, so
/// the buffer is only checked and remembered, never written.
///
/// # Safety
/// Pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nx_secure_tls_session_packet_buffer_set(
    session_ptr: *mut NX_SECURE_TLS_SESSION,
    buffer_ptr: *mut UCHAR,
    buffer_size: ULONG,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { secure_tls_session_packet_buffer_set(session_ptr, buffer_ptr, buffer_size) }
}

/// The body of [`_nx_secure_tls_session_packet_buffer_set`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nx_secure_tls_session_packet_buffer_set`].
unsafe fn secure_tls_session_packet_buffer_set(
    session_ptr: *mut NX_SECURE_TLS_SESSION,
    buffer_ptr: *mut UCHAR,
    buffer_size: ULONG,
) -> UINT {
    guard(NX_PTR_ERROR, || {
        with_session(session_ptr, || {
            if buffer_ptr.is_null() {
                return NX_PTR_ERROR;
            }
            // SAFETY: the session block is the application's, non-NULL.
            unsafe {
                (*session_ptr).nx_secure_tls_packet_buffer = buffer_ptr;
                (*session_ptr).nx_secure_tls_packet_buffer_size = buffer_size;
            }
            NX_SECURE_TLS_SUCCESS
        })
    })
}

/// Parameter-checking variant of [`_nx_secure_tls_session_packet_buffer_set`].
///
/// # Safety
/// Pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nxe_secure_tls_session_packet_buffer_set(
    session_ptr: *mut NX_SECURE_TLS_SESSION,
    buffer_ptr: *mut UCHAR,
    buffer_size: ULONG,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { secure_tls_session_packet_buffer_set(session_ptr, buffer_ptr, buffer_size) }
}

/// Gives the session a block (and a buffer of `buffer_size` bytes) for the
/// broker's certificate. The first block allocated receives the broker's
/// end-entity certificate before the certificate callback runs.
///
/// # Safety
/// Pointers are NULL or valid; the buffer holds `buffer_size` bytes and stays
/// valid while the session is used.
#[no_mangle]
pub unsafe extern "C" fn _nx_secure_tls_remote_certificate_allocate(
    tls_session: *mut NX_SECURE_TLS_SESSION,
    certificate: *mut NX_SECURE_X509_CERT,
    raw_certificate_buffer: *mut UCHAR,
    buffer_size: UINT,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe {
        secure_tls_remote_certificate_allocate(
            tls_session,
            certificate,
            raw_certificate_buffer,
            buffer_size,
        )
    }
}

/// The body of [`_nx_secure_tls_remote_certificate_allocate`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nx_secure_tls_remote_certificate_allocate`].
unsafe fn secure_tls_remote_certificate_allocate(
    tls_session: *mut NX_SECURE_TLS_SESSION,
    certificate: *mut NX_SECURE_X509_CERT,
    raw_certificate_buffer: *mut UCHAR,
    buffer_size: UINT,
) -> UINT {
    guard(NX_PTR_ERROR, || {
        with_session(tls_session, || {
            if certificate.is_null() || raw_certificate_buffer.is_null() {
                return NX_PTR_ERROR;
            }
            // SAFETY: non-NULL application blocks.
            unsafe {
                certificate.write(NX_SECURE_X509_CERT {
                    nx_secure_x509_certificate_raw_data: raw_certificate_buffer,
                    nx_secure_x509_certificate_raw_data_length: 0,
                    nx_secure_x509_certificate_raw_buffer_size: buffer_size,
                    nx_secure_x509_private_key_data: core::ptr::null(),
                    nx_secure_x509_private_key_data_length: 0,
                    nx_secure_x509_private_key_type: NX_SECURE_X509_KEY_TYPE_NONE,
                    nx_secure_x509_certificate_is_identity_cert: 0,
                    nx_secure_x509_cert_initialized: 0,
                    nx_secure_x509_next_certificate: core::ptr::null_mut(),
                });
                if (*tls_session).nx_secure_tls_remote_certificate.is_null() {
                    (*tls_session).nx_secure_tls_remote_certificate = certificate;
                }
            }
            store::with(tls_session as usize, |setup| {
                if setup.remote_certificate == 0 {
                    setup.remote_certificate = certificate as usize;
                }
            });
            NX_SECURE_TLS_SUCCESS
        })
    })
}

/// Parameter-checking variant of [`_nx_secure_tls_remote_certificate_allocate`].
///
/// # Safety
/// As [`_nx_secure_tls_remote_certificate_allocate`].
#[no_mangle]
pub unsafe extern "C" fn _nxe_secure_tls_remote_certificate_allocate(
    tls_session: *mut NX_SECURE_TLS_SESSION,
    certificate: *mut NX_SECURE_X509_CERT,
    raw_certificate_buffer: *mut UCHAR,
    buffer_size: UINT,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe {
        secure_tls_remote_certificate_allocate(
            tls_session,
            certificate,
            raw_certificate_buffer,
            buffer_size,
        )
    }
}

/// Adds an initialised certificate to the session's trusted store (its DER
/// bytes are copied now).
///
/// # Safety
/// Pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nx_secure_tls_trusted_certificate_add(
    tls_session: *mut NX_SECURE_TLS_SESSION,
    certificate: *mut NX_SECURE_X509_CERT,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { secure_tls_trusted_certificate_add(tls_session, certificate) }
}

/// The body of [`_nx_secure_tls_trusted_certificate_add`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nx_secure_tls_trusted_certificate_add`].
unsafe fn secure_tls_trusted_certificate_add(
    tls_session: *mut NX_SECURE_TLS_SESSION,
    certificate: *mut NX_SECURE_X509_CERT,
) -> UINT {
    guard(NX_PTR_ERROR, || {
        with_session(tls_session, || {
            if certificate.is_null() {
                return NX_PTR_ERROR;
            }
            // SAFETY: non-NULL application block.
            let der = match unsafe { certificate_der(certificate) } {
                Ok(der) => der,
                Err(code) => return code,
            };
            store::with(tls_session as usize, |setup| {
                setup.trusted.push(CertificateDer::from(der));
            });
            NX_SECURE_TLS_SUCCESS
        })
    })
}

/// Parameter-checking variant of [`_nx_secure_tls_trusted_certificate_add`].
///
/// # Safety
/// Pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nxe_secure_tls_trusted_certificate_add(
    tls_session: *mut NX_SECURE_TLS_SESSION,
    certificate: *mut NX_SECURE_X509_CERT,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { secure_tls_trusted_certificate_add(tls_session, certificate) }
}

/// Sets the certificate (with its private key) this device presents for
/// mutual TLS. The certificate and key are copied now.
///
/// # Safety
/// Pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nx_secure_tls_local_certificate_add(
    tls_session: *mut NX_SECURE_TLS_SESSION,
    certificate: *mut NX_SECURE_X509_CERT,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { secure_tls_local_certificate_add(tls_session, certificate) }
}

/// The body of [`_nx_secure_tls_local_certificate_add`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nx_secure_tls_local_certificate_add`].
unsafe fn secure_tls_local_certificate_add(
    tls_session: *mut NX_SECURE_TLS_SESSION,
    certificate: *mut NX_SECURE_X509_CERT,
) -> UINT {
    guard(NX_PTR_ERROR, || {
        with_session(tls_session, || {
            if certificate.is_null() {
                return NX_PTR_ERROR;
            }
            // SAFETY: non-NULL application block.
            let der = match unsafe { certificate_der(certificate) } {
                Ok(der) => der,
                Err(code) => return code,
            };
            // SAFETY: non-NULL application block, filled by
            // nx_secure_x509_certificate_initialize.
            let (key_ptr, key_len, key_type) = unsafe {
                (
                    (*certificate).nx_secure_x509_private_key_data,
                    (*certificate).nx_secure_x509_private_key_data_length as usize,
                    (*certificate).nx_secure_x509_private_key_type,
                )
            };
            if key_ptr.is_null() || key_len == 0 {
                return NX_SECURE_X509_INVALID_PRIVATE_KEY_TYPE;
            }
            // SAFETY: the key bytes were recorded with their length and are
            // kept valid by the application.
            let key = unsafe { core::slice::from_raw_parts(key_ptr, key_len) };
            let key = match private_key(key, key_type) {
                Ok(key) => key,
                Err(code) => return code,
            };
            store::with(tls_session as usize, |setup| {
                setup.identity = Some((CertificateDer::from(der), key));
            });
            NX_SECURE_TLS_SUCCESS
        })
    })
}

/// Parameter-checking variant of [`_nx_secure_tls_local_certificate_add`].
///
/// # Safety
/// Pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nxe_secure_tls_local_certificate_add(
    tls_session: *mut NX_SECURE_TLS_SESSION,
    certificate: *mut NX_SECURE_X509_CERT,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { secure_tls_local_certificate_add(tls_session, certificate) }
}

/// Sets the clock used to check certificate validity periods (seconds since
/// 1970). Without one the system clock is used.
///
/// # Safety
/// `tls_session` is NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nx_secure_tls_session_time_function_set(
    tls_session: *mut NX_SECURE_TLS_SESSION,
    time_func_ptr: NX_SECURE_TLS_TIME_FUNCTION,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { secure_tls_session_time_function_set(tls_session, time_func_ptr) }
}

/// The body of [`_nx_secure_tls_session_time_function_set`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nx_secure_tls_session_time_function_set`].
unsafe fn secure_tls_session_time_function_set(
    tls_session: *mut NX_SECURE_TLS_SESSION,
    time_func_ptr: NX_SECURE_TLS_TIME_FUNCTION,
) -> UINT {
    guard(NX_PTR_ERROR, || {
        with_session(tls_session, || {
            // SAFETY: non-NULL application block.
            unsafe { (*tls_session).nx_secure_tls_session_time_function = time_func_ptr };
            store::with(tls_session as usize, |setup| {
                setup.time_function = time_func_ptr
            });
            NX_SECURE_TLS_SUCCESS
        })
    })
}

/// Parameter-checking variant of [`_nx_secure_tls_session_time_function_set`].
///
/// # Safety
/// `tls_session` is NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nxe_secure_tls_session_time_function_set(
    tls_session: *mut NX_SECURE_TLS_SESSION,
    time_func_ptr: NX_SECURE_TLS_TIME_FUNCTION,
) -> UINT {
    if time_func_ptr.is_none() {
        return NX_PTR_ERROR;
    }
    // SAFETY: forwarded caller contract.
    unsafe { secure_tls_session_time_function_set(tls_session, time_func_ptr) }
}

/// Sets the callback that sees the broker's certificate after its chain was
/// verified; a non-zero return rejects the broker.
///
/// # Safety
/// `tls_session` is NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nx_secure_tls_session_certificate_callback_set(
    tls_session: *mut NX_SECURE_TLS_SESSION,
    func_ptr: NX_SECURE_TLS_CERTIFICATE_CALLBACK,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { secure_tls_session_certificate_callback_set(tls_session, func_ptr) }
}

/// The body of [`_nx_secure_tls_session_certificate_callback_set`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nx_secure_tls_session_certificate_callback_set`].
unsafe fn secure_tls_session_certificate_callback_set(
    tls_session: *mut NX_SECURE_TLS_SESSION,
    func_ptr: NX_SECURE_TLS_CERTIFICATE_CALLBACK,
) -> UINT {
    guard(NX_PTR_ERROR, || {
        with_session(tls_session, || {
            // SAFETY: non-NULL application block.
            unsafe { (*tls_session).nx_secure_tls_session_certificate_callback = func_ptr };
            store::with(tls_session as usize, |setup| {
                setup.certificate_callback = func_ptr
            });
            NX_SECURE_TLS_SUCCESS
        })
    })
}

/// Parameter-checking variant of
/// [`_nx_secure_tls_session_certificate_callback_set`].
///
/// # Safety
/// `tls_session` is NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nxe_secure_tls_session_certificate_callback_set(
    tls_session: *mut NX_SECURE_TLS_SESSION,
    func_ptr: NX_SECURE_TLS_CERTIFICATE_CALLBACK,
) -> UINT {
    if func_ptr.is_none() {
        return NX_PTR_ERROR;
    }
    // SAFETY: forwarded caller contract.
    unsafe { secure_tls_session_certificate_callback_set(tls_session, func_ptr) }
}

/// Sends `dns_name` in the Server Name Indication extension. rsmqtt also
/// requires the broker's certificate to be valid for that name.
///
/// # Safety
/// Pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nx_secure_tls_session_sni_extension_set(
    tls_session: *mut NX_SECURE_TLS_SESSION,
    dns_name: *mut NX_SECURE_X509_DNS_NAME,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { secure_tls_session_sni_extension_set(tls_session, dns_name) }
}

/// The body of [`_nx_secure_tls_session_sni_extension_set`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nx_secure_tls_session_sni_extension_set`].
unsafe fn secure_tls_session_sni_extension_set(
    tls_session: *mut NX_SECURE_TLS_SESSION,
    dns_name: *mut NX_SECURE_X509_DNS_NAME,
) -> UINT {
    guard(NX_PTR_ERROR, || {
        with_session(tls_session, || {
            if dns_name.is_null() {
                return NX_PTR_ERROR;
            }
            // SAFETY: non-NULL application block.
            let (bytes, len) = unsafe {
                (
                    (*dns_name).nx_secure_x509_dns_name,
                    usize::from((*dns_name).nx_secure_x509_dns_name_length),
                )
            };
            let Some(name) = bytes.get(..len) else {
                return NX_SECURE_X509_NAME_STRING_TOO_LONG;
            };
            let Ok(name) = core::str::from_utf8(name) else {
                return NX_SECURE_TLS_INVALID_SERVER_CERT;
            };
            let name = name.to_owned();
            store::with(tls_session as usize, |setup| setup.server_name = Some(name));
            NX_SECURE_TLS_SUCCESS
        })
    })
}

/// Parameter-checking variant of [`_nx_secure_tls_session_sni_extension_set`].
///
/// # Safety
/// Pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nxe_secure_tls_session_sni_extension_set(
    tls_session: *mut NX_SECURE_TLS_SESSION,
    dns_name: *mut NX_SECURE_X509_DNS_NAME,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { secure_tls_session_sni_extension_set(tls_session, dns_name) }
}
