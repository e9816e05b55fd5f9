//! Loading TLS credentials from PEM, in files or in memory.
//!
//! There are no built-in trust roots: the application names the CA that
//! signed its broker's certificate (embedded devices pin their broker's CA).

use super::error::ConnectError;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::RootCertStore;
use std::path::Path;

/// Where a PEM document comes from.
#[derive(Clone, Copy, Debug)]
pub enum PemSource<'a> {
    /// A file path.
    File(&'a Path),
    /// PEM text in memory (a NUL terminator, if any, is ignored).
    Memory(&'a [u8]),
}

impl PemSource<'_> {
    /// Reads the PEM bytes; `what` names the item in error messages.
    fn read(&self, what: &str) -> Result<Vec<u8>, ConnectError> {
        match self {
            PemSource::File(path) => std::fs::read(path).map_err(|e| {
                ConnectError::Credentials(format!("cannot read {what} {}: {e}", path.display()))
            }),
            PemSource::Memory(bytes) => {
                let text = bytes.strip_suffix(&[0]).unwrap_or(bytes);
                Ok(text.to_vec())
            }
        }
    }
}

/// Parses every certificate in a PEM document; at least one is required.
pub fn certificates(
    source: PemSource<'_>,
    what: &str,
) -> Result<Vec<CertificateDer<'static>>, ConnectError> {
    let pem = source.read(what)?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ConnectError::Credentials(format!("{what}: invalid PEM: {e}")))?;
    if certs.is_empty() {
        return Err(ConnectError::Credentials(format!(
            "{what}: no CERTIFICATE block in the PEM"
        )));
    }
    Ok(certs)
}

/// Builds the trust store from the CA certificate(s) in a PEM document.
pub fn root_store(source: PemSource<'_>) -> Result<RootCertStore, ConnectError> {
    let mut store = RootCertStore::empty();
    for cert in certificates(source, "root CA")? {
        store.add(cert).map_err(|e| {
            ConnectError::Credentials(format!("root CA: unusable certificate: {e}"))
        })?;
    }
    Ok(store)
}

/// Parses the first private key (PKCS#8, SEC1 EC or PKCS#1 RSA) in a PEM
/// document.
pub fn private_key(source: PemSource<'_>) -> Result<PrivateKeyDer<'static>, ConnectError> {
    let pem = source.read("private key")?;
    PrivateKeyDer::from_pem_slice(&pem)
        .map_err(|e| ConnectError::Credentials(format!("private key: invalid PEM: {e}")))
}
