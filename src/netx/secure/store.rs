//! What the `nx_secure_*` setup calls collected for each TLS session, kept on
//! the Rust side and keyed by the address of the application's
//! `NX_SECURE_TLS_SESSION`.
//!
//! Keeping the configuration here (not behind a pointer stored in C memory)
//! means a session block that the application zeroes, copies or never
//! created cannot make rsmqtt follow a stale pointer: an unknown address is
//! simply "not created".

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, OnceLock};

use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::tls_types::{NX_SECURE_TLS_CERTIFICATE_CALLBACK, NX_SECURE_TLS_TIME_FUNCTION};

/// The configuration of one TLS session, as the setup calls left it.
#[derive(Debug, Default)]
pub struct SessionSetup {
    /// Trust anchors (`nx_secure_tls_trusted_certificate_add`), DER.
    pub trusted: Vec<CertificateDer<'static>>,
    /// This device's certificate and key (`nx_secure_tls_local_certificate_add`).
    pub identity: Option<(CertificateDer<'static>, PrivateKeyDer<'static>)>,
    /// Server name for SNI and the name check of the broker's certificate.
    pub server_name: Option<String>,
    /// The application's certificate check, run after the chain verified.
    pub certificate_callback: NX_SECURE_TLS_CERTIFICATE_CALLBACK,
    /// The application's clock for certificate validity.
    pub time_function: NX_SECURE_TLS_TIME_FUNCTION,
    /// Address of the first remote certificate block the application
    /// allocated (the broker's certificate is copied there), 0 if none.
    pub remote_certificate: usize,
}

fn sessions() -> MutexGuard<'static, HashMap<usize, SessionSetup>> {
    static SESSIONS: OnceLock<Mutex<HashMap<usize, SessionSetup>>> = OnceLock::new();
    SESSIONS
        .get_or_init(|| Mutex::new(HashMap::new()))
        .lock()
        // A panic while holding the lock cannot leave a half-updated map
        // behind (every update is one insert or remove), so keep going.
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Starts a fresh, empty configuration for the session at `session`.
pub fn create(session: usize) {
    sessions().insert(session, SessionSetup::default());
}

/// Forgets the session at `session`; returns whether it existed.
pub fn delete(session: usize) -> bool {
    sessions().remove(&session).is_some()
}

/// Runs `update` on the session's configuration; `None` if it was never
/// created.
pub fn with<R>(session: usize, update: impl FnOnce(&mut SessionSetup) -> R) -> Option<R> {
    sessions().get_mut(&session).map(update)
}

/// Whether the session at `session` was created.
pub fn exists(session: usize) -> bool {
    sessions().contains_key(&session)
}
