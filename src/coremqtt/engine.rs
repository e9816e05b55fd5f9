//! Where the `MQTT_*` functions' engine used to live; it is now the crate's
//! [`crate::engine`]. Kept so `rsmqtt::coremqtt::engine::config` still names
//! the configuration values.

pub use crate::engine::config;
