/* The demo's coreMQTT configuration: the defaults, except a short receive
 * polling window (the transport itself waits up to 50 ms per call). */
#ifndef CORE_MQTT_CONFIG_H
#define CORE_MQTT_CONFIG_H

#define MQTT_RECV_POLLING_TIMEOUT_MS    100U

#endif /* CORE_MQTT_CONFIG_H */
