//! The NetX Secure subset that TLS setup callbacks call, backed by rustls.
//!
//! - [`x509_types`], [`x509_api`] → `nx_secure_x509.h`
//! - [`tls_types`] → `nx_secure_tls.h`
//! - [`tls_api`] → `nx_secure_tls_api.h`
//! - [`store`]: per-session configuration collected by the calls
//! - [`rustls_config`]: the rustls client configuration built from it
#![allow(non_camel_case_types, non_upper_case_globals)]

pub mod rustls_config;
pub mod store;
pub mod tls_api;
pub mod tls_types;
pub mod x509_api;
pub mod x509_types;
