//! MQTT 3.1.1 codec (being written).
