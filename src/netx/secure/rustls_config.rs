//! Turns a [`SessionSetup`] into a rustls client configuration, with a
//! certificate verifier that behaves like NetX Secure's.
//!
//! NetX Secure verifies the broker's chain against the trusted certificates
//! and leaves the host name to the application (its certificate callback or
//! an SNI name). rsmqtt does the same, with one improvement: when the
//! application set an SNI name, the broker's certificate must be valid for
//! that name. Without one, the certificate is checked against the broker's IP
//! address and a mismatch is only logged, as NetX Secure would accept it.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, Error, RootCertStore, SignatureScheme,
};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

use super::store::SessionSetup;
use super::tls_types::*;
use super::x509_types::{
    NX_SECURE_X509_CERT, NX_SECURE_X509_CERTIFICATE_DNS_MISMATCH,
    NX_SECURE_X509_CERTIFICATE_EXPIRED, NX_SECURE_X509_CERTIFICATE_NOT_YET_VALID,
};
use crate::netx::threadx::UINT;
use crate::transport::{tls, ConnectError};

/// Builds the client configuration and the name to connect as. Errors are
/// NetX Secure status codes.
pub fn build(
    setup: &SessionSetup,
    session_addr: usize,
    server_ip: IpAddr,
) -> Result<(Arc<ClientConfig>, ServerName<'static>), UINT> {
    let mut roots = RootCertStore::empty();
    for anchor in &setup.trusted {
        roots.add(anchor.clone()).map_err(|e| {
            log::error!("rsmqtt: trusted certificate rejected: {e}");
            NX_SECURE_TLS_INVALID_CERTIFICATE
        })?;
    }
    if roots.is_empty() {
        log::error!("rsmqtt: the TLS setup callback added no trusted certificate");
        return Err(NX_SECURE_TLS_ISSUER_CERTIFICATE_NOT_FOUND);
    }
    let provider = tls::provider();
    let inner = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| {
            log::error!("rsmqtt: cannot build the certificate verifier: {e}");
            NX_SECURE_TLS_INVALID_CERTIFICATE
        })?;
    let (server_name, strict_name) = match &setup.server_name {
        Some(name) => (
            ServerName::try_from(name.clone()).map_err(|_| {
                log::error!("rsmqtt: SNI name {name:?} is not a valid DNS name");
                NX_SECURE_TLS_INVALID_SERVER_CERT
            })?,
            true,
        ),
        None => (ServerName::IpAddress(server_ip.into()), false),
    };
    let verifier = Arc::new(NetxVerifier {
        inner,
        strict_name,
        session_addr,
        remote_certificate: setup.remote_certificate,
        certificate_callback: setup.certificate_callback,
        time_function: setup.time_function,
    });
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|_| NX_SECURE_TLS_UNSUPPORTED_FEATURE)?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let config = match &setup.identity {
        Some((cert, key)) => builder
            .with_client_auth_cert(vec![cert.clone()], key.clone_key())
            .map_err(|e| {
                log::error!("rsmqtt: client certificate or key rejected: {e}");
                NX_SECURE_TLS_INVALID_CERTIFICATE
            })?,
        None => builder.with_no_client_auth(),
    };
    Ok((Arc::new(config), server_name))
}

/// Maps a failed handshake (or a TLS error the broker sent while the
/// client waited for CONNACK) to a NetX Secure status code.
pub fn handshake_error(error: &ConnectError) -> UINT {
    match error {
        ConnectError::ServerCertificate(CertificateError::UnknownIssuer) => {
            NX_SECURE_TLS_ISSUER_CERTIFICATE_NOT_FOUND
        }
        ConnectError::ServerCertificate(CertificateError::BadSignature) => {
            NX_SECURE_TLS_CERTIFICATE_SIG_CHECK_FAILED
        }
        // NetX Secure's chain check returns its X.509 codes for these.
        ConnectError::ServerCertificate(
            CertificateError::Expired | CertificateError::ExpiredContext { .. },
        ) => NX_SECURE_X509_CERTIFICATE_EXPIRED,
        ConnectError::ServerCertificate(
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. },
        ) => NX_SECURE_X509_CERTIFICATE_NOT_YET_VALID,
        ConnectError::ServerCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        ) => NX_SECURE_X509_CERTIFICATE_DNS_MISMATCH,
        ConnectError::ServerCertificate(_) => NX_SECURE_TLS_INVALID_SERVER_CERT,
        ConnectError::PeerAlert(_) => NX_SECURE_TLS_ALERT_RECEIVED,
        _ => NX_SECURE_TLS_HANDSHAKE_FAILURE,
    }
}

/// NetX Secure's verification rules on top of webpki (see the module notes).
#[derive(Debug)]
struct NetxVerifier {
    inner: Arc<WebPkiServerVerifier>,
    /// Whether a name mismatch fails (an SNI name was set).
    strict_name: bool,
    /// The application's `NX_SECURE_TLS_SESSION`, passed to its callback.
    session_addr: usize,
    /// The application's remote certificate block, or 0.
    remote_certificate: usize,
    certificate_callback: NX_SECURE_TLS_CERTIFICATE_CALLBACK,
    time_function: NX_SECURE_TLS_TIME_FUNCTION,
}

impl NetxVerifier {
    /// The application's clock when it set one, else the system clock.
    // ULONG is 64 bits on LP64 hosts and 32 bits elsewhere.
    #[allow(clippy::useless_conversion)]
    fn now(&self, system: UnixTime) -> UnixTime {
        match self.time_function {
            // SAFETY: the application registered this function for exactly
            // this use; it takes no arguments.
            Some(f) => UnixTime::since_unix_epoch(Duration::from_secs(u64::from(unsafe { f() }))),
            None => system,
        }
    }

    /// Shows the broker's certificate to the application's callback.
    fn ask_application(&self, end_entity: &CertificateDer<'_>) -> Result<(), Error> {
        let Some(callback) = self.certificate_callback else {
            return Ok(());
        };
        let der = end_entity.as_ref();
        let mut scratch = Vec::from(der);
        // SAFETY: an all-zero certificate block is valid (NULL pointers,
        // zero lengths); it describes `scratch` below.
        let mut local: NX_SECURE_X509_CERT = unsafe { core::mem::zeroed() };
        local.nx_secure_x509_certificate_raw_data = scratch.as_mut_ptr();
        local.nx_secure_x509_certificate_raw_data_length = scratch.len() as UINT;
        local.nx_secure_x509_certificate_raw_buffer_size = scratch.len() as UINT;
        local.nx_secure_x509_cert_initialized = 1;
        let mut target: *mut NX_SECURE_X509_CERT = &mut local;
        if self.remote_certificate != 0 {
            let remote = self.remote_certificate as *mut NX_SECURE_X509_CERT;
            // SAFETY: the application allocated this block for remote
            // certificates with nx_secure_tls_remote_certificate_allocate and
            // keeps it alive during the handshake (NetX Secure's contract).
            let buffer = unsafe {
                (
                    (*remote).nx_secure_x509_certificate_raw_data,
                    (*remote).nx_secure_x509_certificate_raw_buffer_size as usize,
                )
            };
            if !buffer.0.is_null() && buffer.1 >= der.len() {
                // SAFETY: the buffer holds `buffer.1` bytes (allocate call)
                // and `der` is not inside it.
                unsafe {
                    core::ptr::copy_nonoverlapping(der.as_ptr(), buffer.0, der.len());
                    (*remote).nx_secure_x509_certificate_raw_data_length = der.len() as UINT;
                    (*remote).nx_secure_x509_cert_initialized = 1;
                }
                target = remote;
            }
        }
        // SAFETY: calling the application's registered callback with its own
        // session block and a certificate block valid for the call.
        let verdict = unsafe { callback(self.session_addr as *mut NX_SECURE_TLS_SESSION, target) };
        if verdict == 0 {
            Ok(())
        } else {
            log::error!("rsmqtt: the certificate callback rejected the broker ({verdict:#x})");
            Err(Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }
}

impl ServerCertVerifier for NetxVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let now = self.now(now);
        match self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Ok(_) => {}
            Err(Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.strict_name => {
                log::warn!(
                    "rsmqtt: broker certificate is not valid for {server_name:?}; accepted \
                     because no SNI name was set (NetX Secure leaves the name check to the \
                     application)"
                );
            }
            Err(e) => return Err(e),
        }
        self.ask_application(end_entity)?;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}
