/* coreMQTT configuration of the mps2-an385 image (the same file serves the
 * rsmqtt build and the coreMQTT build of scripts/freertos-footprint.sh). */
#ifndef CORE_MQTT_CONFIG_H
#define CORE_MQTT_CONFIG_H

/* The transport waits up to 20 ms per receive call. */
#define MQTT_RECV_POLLING_TIMEOUT_MS    100U

#endif /* CORE_MQTT_CONFIG_H */
