//! `openssl_posix.h` compatibility: the SDK's OpenSSL transport names, types
//! and status values, implemented by the rustls transport of [`super::tls`].
//! No OpenSSL is involved; demos written for `openssl_posix.h` compile and
//! link unchanged.
//!
//! `OpensslParams_t` has the SDK's fields, `socketDescriptor` and `pSsl`;
//! where the SDK keeps OpenSSL's `SSL *`, `pSsl` holds the rustls session
//! (opaque, owned by the library, NULL when not connected). The application's
//! `struct NetworkContext` must start with an `OpensslParams_t * pParams`.

use super::sockets::ServerInfo_t;
use super::tls::{self, SessionParams, TlsCredentials, TlsStatus};
use core::ffi::{c_char, c_void};
use rsmqtt::coremqtt::transport_interface::NetworkContext_t;
use rsmqtt::ffi::guard;

/// The SDK's `OpensslParams_t`, with its field names; zero it (or set
/// `pSsl` to NULL) before `Openssl_Connect`.
#[repr(C)]
#[derive(Debug)]
pub struct OpensslParams {
    /// The connected socket (for `poll`/`select`), -1 once disconnected.
    /// Informational: the session owns and closes it.
    pub socketDescriptor: i32,
    /// The TLS session in place of the SDK's `SSL *`: owned by the library,
    /// NULL when not connected. Opaque (it is not an OpenSSL object).
    pub pSsl: *mut c_void,
}

/// `OpensslParams_t`, the typedef applications use.
pub type OpensslParams_t = OpensslParams;

impl SessionParams for OpensslParams {
    unsafe fn fields(params: *mut Self) -> (*mut i32, *mut *mut c_void) {
        // SAFETY: per the contract, `params` points to an OpensslParams.
        unsafe {
            (
                core::ptr::addr_of_mut!((*params).socketDescriptor),
                core::ptr::addr_of_mut!((*params).pSsl),
            )
        }
    }
}

/// Outcome of `Openssl_Connect` and `Openssl_Disconnect` (the SDK's values).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpensslStatus {
    /// Success.
    OPENSSL_SUCCESS = 0,
    /// A NULL pointer or an invalid field.
    OPENSSL_INVALID_PARAMETER,
    /// Memory ran out (not produced).
    OPENSSL_INSUFFICIENT_MEMORY,
    /// A certificate or key could not be read or used.
    OPENSSL_INVALID_CREDENTIALS,
    /// The handshake failed, including a rejected server certificate and an
    /// alert from the server (the log says which).
    OPENSSL_HANDSHAKE_FAILED,
    /// A socket system call failed.
    OPENSSL_API_ERROR,
    /// The host name did not resolve.
    OPENSSL_DNS_FAILURE,
    /// The TCP connection failed: refused, timed out or unreachable.
    OPENSSL_CONNECT_FAILURE,
}

/// `OpensslStatus_t`, the typedef applications use.
pub type OpensslStatus_t = OpensslStatus;

impl From<TlsStatus> for OpensslStatus {
    fn from(status: TlsStatus) -> OpensslStatus {
        match status {
            TlsStatus::TLS_SUCCESS => OpensslStatus::OPENSSL_SUCCESS,
            TlsStatus::TLS_INVALID_PARAMETER => OpensslStatus::OPENSSL_INVALID_PARAMETER,
            TlsStatus::TLS_INSUFFICIENT_MEMORY => OpensslStatus::OPENSSL_INSUFFICIENT_MEMORY,
            TlsStatus::TLS_INVALID_CREDENTIALS => OpensslStatus::OPENSSL_INVALID_CREDENTIALS,
            TlsStatus::TLS_HANDSHAKE_FAILED
            | TlsStatus::TLS_SERVER_CERTIFICATE_REJECTED
            | TlsStatus::TLS_ALERT_RECEIVED => OpensslStatus::OPENSSL_HANDSHAKE_FAILED,
            TlsStatus::TLS_API_ERROR => OpensslStatus::OPENSSL_API_ERROR,
            TlsStatus::TLS_DNS_FAILURE => OpensslStatus::OPENSSL_DNS_FAILURE,
            TlsStatus::TLS_CONNECT_FAILURE
            | TlsStatus::TLS_CONNECTION_REFUSED
            | TlsStatus::TLS_TIMEOUT => OpensslStatus::OPENSSL_CONNECT_FAILURE,
        }
    }
}

/// The SDK's credentials struct (its layout): files only.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct OpensslCredentials {
    /// ALPN protocols in wire format (length byte, name, ...); NULL for none.
    pub pAlpnProtos: *const c_char,
    /// Length of `pAlpnProtos` in bytes.
    pub alpnProtosLen: u32,
    /// Name for SNI and for checking the server certificate; NULL: no SNI,
    /// the certificate is checked against the host name.
    pub sniHostName: *const c_char,
    /// Largest TLS record we send (32..16389); 0 for the TLS maximum.
    pub maxFragmentLength: u16,
    /// File with the trusted root CA certificate(s). Required.
    pub pRootCaPath: *const c_char,
    /// File with the client certificate chain; NULL for none.
    pub pClientCertPath: *const c_char,
    /// File with the client's private key; NULL for none.
    pub pPrivateKeyPath: *const c_char,
}

/// `OpensslCredentials_t`, the typedef applications use.
pub type OpensslCredentials_t = OpensslCredentials;

/// Like `Tls_Connect`, with the SDK's credentials and status codes.
///
/// # Safety
/// As for `Tls_Connect`.
#[no_mangle]
pub unsafe extern "C" fn Openssl_Connect(
    pNetworkContext: *mut NetworkContext_t,
    pServerInfo: *const ServerInfo_t,
    pOpensslCredentials: *const OpensslCredentials_t,
    sendTimeoutMs: u32,
    recvTimeoutMs: u32,
) -> OpensslStatus_t {
    guard(OpensslStatus::OPENSSL_API_ERROR, || {
        let options = || {
            if pOpensslCredentials.is_null() {
                return Err("pOpensslCredentials is NULL".to_owned());
            }
            // SAFETY: non-NULL and valid per this function's contract.
            let c = unsafe { &*pOpensslCredentials };
            let creds = TlsCredentials {
                pAlpnProtos: c.pAlpnProtos,
                alpnProtosLen: c.alpnProtosLen,
                sniHostName: c.sniHostName,
                maxFragmentLength: c.maxFragmentLength,
                pRootCaPath: c.pRootCaPath,
                pClientCertPath: c.pClientCertPath,
                pPrivateKeyPath: c.pPrivateKeyPath,
                pRootCaPem: core::ptr::null(),
                rootCaPemLength: 0,
                pClientCertPem: core::ptr::null(),
                clientCertPemLength: 0,
                pPrivateKeyPem: core::ptr::null(),
                privateKeyPemLength: 0,
            };
            // SAFETY: the pointers come from a valid OpensslCredentials_t.
            unsafe { tls::tls_options(&creds) }
        };
        // SAFETY: per this function's contract.
        let status = unsafe {
            tls::connect::<OpensslParams_t>(
                pNetworkContext,
                pServerInfo,
                options,
                sendTimeoutMs,
                recvTimeoutMs,
            )
        };
        OpensslStatus::from(status)
    })
}

/// Like `Tls_Disconnect`.
///
/// # Safety
/// As for `Tls_Disconnect`.
#[no_mangle]
pub unsafe extern "C" fn Openssl_Disconnect(
    pNetworkContext: *const NetworkContext_t,
) -> OpensslStatus_t {
    // SAFETY: per this function's contract.
    guard(OpensslStatus::OPENSSL_API_ERROR, || {
        OpensslStatus::from(unsafe { tls::disconnect::<OpensslParams_t>(pNetworkContext) })
    })
}

/// Like `Tls_Recv`.
///
/// # Safety
/// As for `Tls_Recv`.
#[no_mangle]
pub unsafe extern "C" fn Openssl_Recv(
    pNetworkContext: *mut NetworkContext_t,
    pBuffer: *mut c_void,
    bytesToRecv: usize,
) -> i32 {
    // SAFETY: same contract.
    unsafe { tls::recv::<OpensslParams_t>(pNetworkContext, pBuffer, bytesToRecv) }
}

/// Like `Tls_Send`.
///
/// # Safety
/// As for `Tls_Send`.
#[no_mangle]
pub unsafe extern "C" fn Openssl_Send(
    pNetworkContext: *mut NetworkContext_t,
    pBuffer: *const c_void,
    bytesToSend: usize,
) -> i32 {
    // SAFETY: same contract.
    unsafe { tls::send::<OpensslParams_t>(pNetworkContext, pBuffer, bytesToSend) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn credentials_layout_matches_the_sdk() {
        use super::OpensslCredentials_t as C;
        assert_eq!(core::mem::offset_of!(C, alpnProtosLen), 8);
        assert_eq!(core::mem::offset_of!(C, sniHostName), 16);
        assert_eq!(core::mem::offset_of!(C, maxFragmentLength), 24);
        assert_eq!(core::mem::offset_of!(C, pPrivateKeyPath), 48);
        assert_eq!(core::mem::size_of::<C>(), 56);
    }

    #[test]
    fn params_layout_matches_the_sdk() {
        use super::OpensslParams_t as P;
        assert_eq!(core::mem::offset_of!(P, socketDescriptor), 0);
        assert_eq!(
            core::mem::offset_of!(P, pSsl),
            core::mem::size_of::<*const u8>()
        );
        assert_eq!(
            core::mem::size_of::<P>(),
            2 * core::mem::size_of::<*const u8>()
        );
    }
}
