//! TCP and rustls transports (being written).
