//! coreMQTT's `MQTT_*` API (the MQTT 3.1.1 line, `MQTT_LIBRARY_VERSION
//! "v2.3.1+"`), with the same names, types, layouts and return codes.
//!
//! The files split along coreMQTT's headers, because each header is generated
//! from its own files:
//! - [`transport_interface`] → `transport_interface.h`
//! - [`serializer_types`] and `serializer` → `core_mqtt_serializer.h`
//! - [`context`] and `api` → `core_mqtt.h`
//! - `state` → `core_mqtt_state.h`
//!
//! Enum-typed fields and parameters that C writes are declared here as plain
//! integers (the `*Raw` aliases, all [`c_enum::Raw`], whose size follows the
//! target's C enum size) and renamed to the C enum's typedef in the
//! generated header. C may store any integer in an enum, and a Rust enum holding
//! an undeclared value is undefined behaviour; an integer is always valid and is
//! checked before use.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

#[allow(unsafe_code)] // exports
pub mod api;
/// The C enum storage type, defined by the engine (its record layout needs it).
pub use crate::engine::c_enum;
pub mod context;
pub mod engine;
#[allow(unsafe_code)] // the engine port over the C context and callbacks
pub(crate) mod port;
#[allow(unsafe_code)] // exports
pub mod serializer;
pub mod serializer_types;
#[allow(unsafe_code)] // exports
pub mod state;
pub mod transport_interface;
#[allow(unsafe_code)] // exports
pub mod utils;
