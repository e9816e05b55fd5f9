//! `tls_posix.h`: MQTT over TLS (rustls) through `TlsParams_t`, shaped like
//! the SDK's `openssl_posix.h` with credentials that may also come from
//! memory.
//!
//! The application's `struct NetworkContext` must start with a
//! `TlsParams_t * pParams` (see [`super`]). The params struct must be zeroed
//! before the first `Tls_Connect`; the connection then lives in a heap box
//! that `pSession` points to, owned by the params and freed by
//! `Tls_Disconnect`.

use super::sockets::ServerInfo_t;
use super::{byte_range, c_str, params_logged, recv_buffer, send_buffer, server_info};
use core::ffi::{c_char, c_void};
use rsmqtt::coremqtt::transport_interface::{NetworkContext_t, TransportOutVector_t};
use rsmqtt::ffi::guard;
use rsmqtt::transport::credentials::PemSource;
use rsmqtt::transport::io_slices;
use rsmqtt::transport::tcp::timeout_from_ms;
use rsmqtt::transport::tls::{TlsOptions, TlsSession};
use rsmqtt::transport::ConnectError;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::Mutex;

/// Outcome of `Tls_Connect` and `Tls_Disconnect` (values are ABI). The
/// first eight have the values of the SDK's `OpensslStatus_t`; the rest
/// split its catch-all codes so the application can tell causes apart.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsStatus {
    /// Success.
    TLS_SUCCESS = 0,
    /// A NULL pointer, an inconsistent or malformed field (e.g. a client
    /// certificate without a key, no root CA, bad ALPN list), or connecting
    /// params that already hold a session.
    TLS_INVALID_PARAMETER,
    /// Memory ran out (not produced: rsmqtt aborts on allocation failure).
    TLS_INSUFFICIENT_MEMORY,
    /// A certificate or key could not be read or used: unreadable file,
    /// invalid PEM, no certificate found, key not matching the certificate.
    TLS_INVALID_CREDENTIALS,
    /// The TLS handshake failed for another reason (protocol error, the
    /// server closed the connection).
    TLS_HANDSHAKE_FAILED,
    /// A socket system call failed.
    TLS_API_ERROR,
    /// The host name did not resolve.
    TLS_DNS_FAILURE,
    /// The TCP connection failed (unreachable network, ...).
    TLS_CONNECT_FAILURE,
    /// The server refused the TCP connection (nothing listens on the port).
    TLS_CONNECTION_REFUSED,
    /// The TCP connect or the handshake did not finish within the timeouts.
    TLS_TIMEOUT,
    /// The server's certificate failed verification (unknown CA, wrong
    /// name, expired, ...).
    TLS_SERVER_CERTIFICATE_REJECTED,
    /// The server aborted the handshake with an alert, typically because it
    /// requires a client certificate or rejected ours.
    TLS_ALERT_RECEIVED,
}

/// `TlsStatus_t`, the typedef applications use.
pub type TlsStatus_t = TlsStatus;

impl From<&ConnectError> for TlsStatus {
    fn from(err: &ConnectError) -> TlsStatus {
        match err {
            ConnectError::InvalidParameter(_) => TlsStatus::TLS_INVALID_PARAMETER,
            ConnectError::Dns { .. } => TlsStatus::TLS_DNS_FAILURE,
            ConnectError::Refused(_) => TlsStatus::TLS_CONNECTION_REFUSED,
            ConnectError::Timeout(_) | ConnectError::HandshakeTimeout => TlsStatus::TLS_TIMEOUT,
            ConnectError::Connect(..) => TlsStatus::TLS_CONNECT_FAILURE,
            ConnectError::System(_) => TlsStatus::TLS_API_ERROR,
            ConnectError::Credentials(_) => TlsStatus::TLS_INVALID_CREDENTIALS,
            ConnectError::ServerCertificate(_) => TlsStatus::TLS_SERVER_CERTIFICATE_REJECTED,
            ConnectError::PeerAlert(_) => TlsStatus::TLS_ALERT_RECEIVED,
            ConnectError::Handshake(_) => TlsStatus::TLS_HANDSHAKE_FAILED,
        }
    }
}

/// The TLS transport's state. Zero it before the first `Tls_Connect`.
///
/// The application's `struct NetworkContext` must have a `TlsParams_t *` as
/// its first member; every `Tls_*` function reads the params through it. The
/// session is heap memory owned by these params: `Tls_Disconnect` frees it.
#[repr(C)]
#[derive(Debug)]
pub struct TlsParams {
    /// The connected socket (for `poll`/`select`), -1 once disconnected.
    /// Informational: the session owns and closes it.
    pub socketDescriptor: i32,
    /// The TLS session, owned by the library; NULL when not connected.
    pub pSession: *mut c_void,
}

/// `TlsParams_t`, the typedef applications use.
pub type TlsParams_t = TlsParams;

/// A params struct that holds a socket descriptor and an owned pointer to
/// the rustls session, whatever the fields are called: `TlsParams_t` names the
/// session `pSession`, the SDK's `OpensslParams_t` names it `pSsl`.
pub(super) trait SessionParams {
    /// Raw pointers to the socket descriptor and the session fields of
    /// `*params`; no reference is made, so concurrent send and receive calls
    /// on the same params never alias a `&mut`.
    ///
    /// # Safety
    /// `params` is non-NULL and points to a `Self`.
    unsafe fn fields(params: *mut Self) -> (*mut i32, *mut *mut c_void);
}

impl SessionParams for TlsParams {
    unsafe fn fields(params: *mut Self) -> (*mut i32, *mut *mut c_void) {
        // SAFETY: per the contract, `params` points to a TlsParams.
        unsafe {
            (
                core::ptr::addr_of_mut!((*params).socketDescriptor),
                core::ptr::addr_of_mut!((*params).pSession),
            )
        }
    }
}

/// What a TLS connection needs. Each of the root CA, client certificate and
/// private key comes either from a file (`p*Path`, NUL-terminated) or from
/// memory (`p*Pem` + length, PEM text); giving both for one item is an
/// error. The root CA is required; the client certificate and key go
/// together.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TlsCredentials {
    /// ALPN protocols in wire format (each name preceded by its length
    /// byte, e.g. `"\x0ex-amzn-mqtt-ca"`); NULL for no ALPN.
    pub pAlpnProtos: *const c_char,
    /// Length of `pAlpnProtos` in bytes.
    pub alpnProtosLen: u32,
    /// Name for SNI, also the name the server certificate must carry;
    /// NULL: no SNI, and the certificate is checked against the host name.
    pub sniHostName: *const c_char,
    /// Largest TLS record we send (32..16389); 0 for the TLS maximum.
    /// rustls does not negotiate the max_fragment_length extension.
    pub maxFragmentLength: u16,
    /// File with the CA certificate(s) trusted to sign the server's.
    pub pRootCaPath: *const c_char,
    /// File with the client certificate chain (mutual TLS), leaf first.
    pub pClientCertPath: *const c_char,
    /// File with the client's private key (PKCS#8, SEC1 EC or PKCS#1 RSA).
    pub pPrivateKeyPath: *const c_char,
    /// In-memory alternative to `pRootCaPath`.
    pub pRootCaPem: *const u8,
    /// Length of `pRootCaPem` in bytes.
    pub rootCaPemLength: usize,
    /// In-memory alternative to `pClientCertPath`.
    pub pClientCertPem: *const u8,
    /// Length of `pClientCertPem` in bytes.
    pub clientCertPemLength: usize,
    /// In-memory alternative to `pPrivateKeyPath`.
    pub pPrivateKeyPem: *const u8,
    /// Length of `pPrivateKeyPem` in bytes.
    pub privateKeyPemLength: usize,
}

/// `TlsCredentials_t`, the typedef applications use.
pub type TlsCredentials_t = TlsCredentials;

// The heap state `pSession` points to is a `Mutex<TlsSession>`: the mutex
// keeps a `Tls_Send` from another thread from touching the session while a
// `Tls_Recv` runs. (Spelled out where used: cbindgen cannot parse an alias of
// a generic std type.)

/// Picks the file or memory source of one credential.
///
/// # Safety
/// `path` NULL or NUL-terminated; `pem` NULL or readable for `len` bytes.
unsafe fn pem_source<'a>(
    path: *const c_char,
    pem: *const u8,
    len: usize,
    what: &str,
) -> Result<Option<PemSource<'a>>, String> {
    // SAFETY: forwarded contract.
    let path = unsafe { c_str(path) };
    // SAFETY: forwarded contract.
    let pem = unsafe { byte_range(pem, len, what) }?;
    match (path, pem) {
        (Some(_), Some(_)) => Err(format!(
            "both a path and PEM in memory given for the {what}"
        )),
        (Some(path), None) => Ok(Some(PemSource::File(Path::new(OsStr::from_bytes(
            path.to_bytes(),
        ))))),
        (None, Some(pem)) => Ok(Some(PemSource::Memory(pem))),
        (None, None) => Ok(None),
    }
}

/// Splits an ALPN wire-format list into protocol names.
fn alpn_list(wire: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut names = Vec::new();
    let mut rest = wire;
    while let Some((&len, tail)) = rest.split_first() {
        let len = usize::from(len);
        let name = tail
            .get(..len)
            .filter(|n| !n.is_empty())
            .ok_or("ALPN list is not in wire format (length byte, name)")?;
        names.push(name.to_vec());
        rest = &tail[len..];
    }
    Ok(names)
}

/// Converts the C credentials to [`TlsOptions`].
///
/// # Safety
/// `creds` must be a valid `TlsCredentials_t` whose pointers follow the
/// field documentation.
pub(super) unsafe fn tls_options<'a>(creds: &TlsCredentials_t) -> Result<TlsOptions<'a>, String> {
    // SAFETY (all blocks): the caller guarantees each field's contract.
    let root_ca = unsafe {
        pem_source(
            creds.pRootCaPath,
            creds.pRootCaPem,
            creds.rootCaPemLength,
            "root CA",
        )
    }?;
    let client_cert = unsafe {
        pem_source(
            creds.pClientCertPath,
            creds.pClientCertPem,
            creds.clientCertPemLength,
            "client certificate",
        )
    }?;
    let private_key = unsafe {
        pem_source(
            creds.pPrivateKeyPath,
            creds.pPrivateKeyPem,
            creds.privateKeyPemLength,
            "private key",
        )
    }?;
    let sni_host_name = match unsafe { c_str(creds.sniHostName) } {
        Some(name) => Some(
            name.to_str()
                .ok()
                .filter(|n| !n.is_empty())
                .ok_or("sniHostName is empty or not UTF-8")?,
        ),
        None => None,
    };
    let alpn_wire = if creds.pAlpnProtos.is_null() || creds.alpnProtosLen == 0 {
        &[][..]
    } else {
        let len = usize::try_from(creds.alpnProtosLen)
            .ok()
            .filter(|&n| n <= isize::MAX as usize)
            .ok_or("alpnProtosLen too large")?;
        unsafe { core::slice::from_raw_parts(creds.pAlpnProtos.cast::<u8>(), len) }
    };
    Ok(TlsOptions {
        root_ca,
        client_cert,
        private_key,
        sni_host_name,
        alpn_protocols: alpn_list(alpn_wire)?,
        max_fragment_size: (creds.maxFragmentLength != 0)
            .then_some(usize::from(creds.maxFragmentLength)),
    })
}

/// Connects params that hold no session yet.
///
/// # Safety
/// Pointers as for [`Tls_Connect`].
pub(super) unsafe fn connect<'a, P: SessionParams>(
    pNetworkContext: *mut NetworkContext_t,
    pServerInfo: *const ServerInfo_t,
    options: impl FnOnce() -> Result<TlsOptions<'a>, String>,
    sendTimeoutMs: u32,
    recvTimeoutMs: u32,
) -> TlsStatus {
    let invalid = |what: String| {
        log::error!("rsmqtt transport: invalid parameter: {what}");
        TlsStatus::TLS_INVALID_PARAMETER
    };
    // SAFETY: per the caller's contract.
    let Some(params) = (unsafe { params_logged::<P>(pNetworkContext) }) else {
        return TlsStatus::TLS_INVALID_PARAMETER;
    };
    // SAFETY: params is non-NULL and points at the application's params.
    let (fd_field, session_field) = unsafe { P::fields(params) };
    // SAFETY: a field of the application's params.
    if !unsafe { session_field.read() }.is_null() {
        return invalid(
            "params already hold a session (disconnect first, or zero the struct)".into(),
        );
    }
    // SAFETY: per the caller's contract.
    let (host, port) = match unsafe { server_info(pServerInfo) } {
        Ok(server) => server,
        Err(what) => return invalid(what),
    };
    let options = match options() {
        Ok(options) => options,
        Err(what) => return invalid(what),
    };
    match TlsSession::connect(
        host,
        port,
        &options,
        timeout_from_ms(sendTimeoutMs),
        timeout_from_ms(recvTimeoutMs),
    ) {
        Ok(session) => {
            let fd = session.raw_fd();
            let boxed: Box<Mutex<TlsSession>> = Box::new(Mutex::new(session));
            // SAFETY: fields of the application's params, writable.
            unsafe {
                fd_field.write(fd);
                session_field.write(Box::into_raw(boxed).cast());
            }
            TlsStatus::TLS_SUCCESS
        }
        Err(err) => TlsStatus::from(&err),
    }
}

/// Runs `io` on the session of a connected context; -1 (logged) when a
/// pointer is NULL or the transport is not connected.
///
/// # Safety
/// `ctx` NULL or following the `NetworkContext` convention with params that
/// are zeroed or were connected by this library.
pub(super) unsafe fn with_session<P: SessionParams>(
    ctx: *const NetworkContext_t,
    io: impl FnOnce(&mut TlsSession) -> i32,
) -> i32 {
    // SAFETY: per the caller's contract.
    let Some(params) = (unsafe { params_logged::<P>(ctx) }) else {
        return -1;
    };
    // SAFETY: params is non-NULL; the session field is NULL or our box.
    let session = unsafe { P::fields(params).1.read() }.cast::<Mutex<TlsSession>>();
    if session.is_null() {
        log::error!("rsmqtt transport: the TLS transport is not connected");
        return -1;
    }
    // SAFETY: a non-NULL pSession is the box Tls_Connect leaked, alive until
    // Tls_Disconnect; the mutex serialises concurrent callers.
    let mutex = unsafe { &*session };
    match mutex.lock() {
        Ok(mut guard) => io(&mut guard),
        Err(_) => {
            log::error!("rsmqtt transport: TLS session unusable after an earlier internal error");
            -1
        }
    }
}

/// Ends the session held by the params, if any.
///
/// # Safety
/// As for [`with_session`].
pub(super) unsafe fn disconnect<P: SessionParams>(ctx: *const NetworkContext_t) -> TlsStatus {
    // SAFETY: per the caller's contract.
    let Some(params) = (unsafe { params_logged::<P>(ctx) }) else {
        return TlsStatus::TLS_INVALID_PARAMETER;
    };
    // SAFETY: params is non-NULL and writable (the application's struct).
    let session = unsafe {
        let (fd_field, session_field) = P::fields(params);
        let session = session_field.read().cast::<Mutex<TlsSession>>();
        session_field.write(core::ptr::null_mut());
        fd_field.write(-1);
        session
    };
    if !session.is_null() {
        // SAFETY: the box Tls_Connect leaked; pSession is cleared above, so
        // it is reclaimed exactly once.
        let session = unsafe { Box::from_raw(session) };
        match session.into_inner() {
            Ok(session) => session.close(),
            // A panic mid-I/O: drop without close_notify.
            Err(poisoned) => drop(poisoned.into_inner()),
        }
    }
    TlsStatus::TLS_SUCCESS
}

/// Connects over TCP and performs the TLS handshake, verifying the server
/// against the given CA, presenting the client certificate if one is given.
///
/// Timeouts in milliseconds, 0 = no limit: the send timeout bounds the TCP
/// connect and each write, the receive timeout each read (and how long
/// `Tls_Recv` waits before returning 0). On success the params hold the
/// session (`pSession`) and its socket. Every failure is logged with its
/// cause; see [`TlsStatus`] for the codes.
///
/// # Safety
/// `pNetworkContext` NULL or following the `NetworkContext` convention with
/// a zeroed or disconnected `TlsParams_t`; `pServerInfo` and
/// `pTlsCredentials` NULL or valid, their pointers following the field docs.
#[no_mangle]
pub unsafe extern "C" fn Tls_Connect(
    pNetworkContext: *mut NetworkContext_t,
    pServerInfo: *const ServerInfo_t,
    pTlsCredentials: *const TlsCredentials_t,
    sendTimeoutMs: u32,
    recvTimeoutMs: u32,
) -> TlsStatus_t {
    guard(TlsStatus::TLS_API_ERROR, || {
        let options = || {
            if pTlsCredentials.is_null() {
                return Err("pTlsCredentials is NULL".to_owned());
            }
            // SAFETY: non-NULL and valid per this function's contract.
            unsafe { tls_options(&*pTlsCredentials) }
        };
        // SAFETY: per this function's contract.
        unsafe {
            connect::<TlsParams_t>(
                pNetworkContext,
                pServerInfo,
                options,
                sendTimeoutMs,
                recvTimeoutMs,
            )
        }
    })
}

/// Sends close_notify, closes the socket, frees the session and resets the
/// params (`pSession` NULL, `socketDescriptor` -1).
///
/// `TLS_SUCCESS` also for params that hold no session (zeroed, or already
/// disconnected); `TLS_INVALID_PARAMETER` for a NULL context or params.
///
/// # Safety
/// `pNetworkContext` NULL or following the `NetworkContext` convention with
/// params that are zeroed or were connected by `Tls_Connect`.
#[no_mangle]
pub unsafe extern "C" fn Tls_Disconnect(pNetworkContext: *const NetworkContext_t) -> TlsStatus_t {
    // SAFETY: per this function's contract.
    guard(TlsStatus::TLS_API_ERROR, || unsafe {
        disconnect::<TlsParams_t>(pNetworkContext)
    })
}

/// Receives up to `bytesToRecv` decrypted bytes: the count, 0 when no
/// application data arrived within the receive timeout, a negative value on
/// error, when the server closed the session, or when not connected.
///
/// # Safety
/// `pNetworkContext` as for [`Tls_Disconnect`]; `pBuffer` NULL or writable
/// for `bytesToRecv` bytes.
#[no_mangle]
pub unsafe extern "C" fn Tls_Recv(
    pNetworkContext: *mut NetworkContext_t,
    pBuffer: *mut c_void,
    bytesToRecv: usize,
) -> i32 {
    // SAFETY: per this function's contract.
    unsafe { recv::<TlsParams_t>(pNetworkContext, pBuffer, bytesToRecv) }
}

/// `Tls_Recv` for any params layout.
///
/// # Safety
/// As for [`Tls_Recv`], with params of type `P`.
pub(super) unsafe fn recv<P: SessionParams>(
    pNetworkContext: *mut NetworkContext_t,
    pBuffer: *mut c_void,
    bytesToRecv: usize,
) -> i32 {
    guard(-1, || {
        // SAFETY: per this function's contract.
        let Some(buf) = (unsafe { recv_buffer(pBuffer, bytesToRecv) }) else {
            return -1;
        };
        // SAFETY: per this function's contract.
        unsafe { with_session::<P>(pNetworkContext, |s| s.recv(buf)) }
    })
}

/// Encrypts and sends up to `bytesToSend` bytes: the count accepted, 0 when
/// nothing could be sent within the send timeout, a negative value on error
/// or when not connected.
///
/// # Safety
/// `pNetworkContext` as for [`Tls_Disconnect`]; `pBuffer` NULL or readable
/// for `bytesToSend` bytes.
#[no_mangle]
pub unsafe extern "C" fn Tls_Send(
    pNetworkContext: *mut NetworkContext_t,
    pBuffer: *const c_void,
    bytesToSend: usize,
) -> i32 {
    // SAFETY: per this function's contract.
    unsafe { send::<TlsParams_t>(pNetworkContext, pBuffer, bytesToSend) }
}

/// `Tls_Send` for any params layout.
///
/// # Safety
/// As for [`Tls_Send`], with params of type `P`.
pub(super) unsafe fn send<P: SessionParams>(
    pNetworkContext: *mut NetworkContext_t,
    pBuffer: *const c_void,
    bytesToSend: usize,
) -> i32 {
    guard(-1, || {
        // SAFETY: per this function's contract.
        let Some(buf) = (unsafe { send_buffer(pBuffer, bytesToSend) }) else {
            return -1;
        };
        // SAFETY: per this function's contract.
        unsafe { with_session::<P>(pNetworkContext, |s| s.send(buf)) }
    })
}

/// Sends the bytes of several vectors (usable as
/// `TransportInterface_t.writev`): same return values as [`Tls_Send`],
/// counting bytes across all vectors.
///
/// # Safety
/// `pNetworkContext` as for [`Tls_Disconnect`]; `pIoVec` NULL or
/// `ioVecCount` vectors, each readable for `iov_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn Tls_Writev(
    pNetworkContext: *mut NetworkContext_t,
    pIoVec: *mut TransportOutVector_t,
    ioVecCount: usize,
) -> i32 {
    guard(-1, || {
        // SAFETY: per this function's contract.
        let Some(slices) = (unsafe { io_slices(pIoVec, ioVecCount) }) else {
            log::error!("rsmqtt transport: invalid parameter: NULL I/O vector");
            return -1;
        };
        // SAFETY: per this function's contract.
        unsafe { with_session::<TlsParams_t>(pNetworkContext, |s| s.send_vectored(&slices)) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpn_wire_format_is_split_and_checked() {
        assert_eq!(
            alpn_list(b"\x04mqtt\x02h2").unwrap(),
            vec![b"mqtt".to_vec(), b"h2".to_vec()]
        );
        assert!(alpn_list(b"").unwrap().is_empty());
        assert!(alpn_list(b"\x05mqtt").is_err());
        assert!(alpn_list(b"\x00").is_err());
    }

    #[test]
    fn layouts() {
        assert_eq!(core::mem::size_of::<TlsParams_t>(), 16);
        assert_eq!(
            core::mem::offset_of!(TlsCredentials_t, maxFragmentLength),
            24
        );
        assert_eq!(core::mem::offset_of!(TlsCredentials_t, pRootCaPath), 32);
        assert_eq!(core::mem::offset_of!(TlsCredentials_t, pRootCaPem), 56);
        assert_eq!(TlsStatus::TLS_CONNECT_FAILURE as u32, 7);
    }
}
