/*
 * core_mqtt_config_defaults.h: the configuration macros of coreMQTT's MQTT
 * 3.1.1 line (v3-CodeBase, "v2.3.1+") with their default values.
 *
 * Hand-written (macros only; nothing here comes from Rust). Without
 * MQTT_DO_NOT_USE_CUSTOM_CONFIG the application's core_mqtt_config.h is
 * included first, and every macro it does not define gets its default below.
 *
 * rsmqtt is a prebuilt library, so these macros cannot change it at compile
 * time. Instead src/c/core_mqtt_config_shim.c, which the rsmqtt CMake target
 * compiles into the application's own build, reads them here and passes the
 * values to rsmqtt_coremqtt_config_set() before main() runs. Changing
 * core_mqtt_config.h and rebuilding the application is therefore enough.
 */
#ifndef CORE_MQTT_CONFIG_DEFAULTS_H_
#define CORE_MQTT_CONFIG_DEFAULTS_H_

/* The timeouts below are uint32_t millisecond counts, as the library reads
 * them (see rsmqtt_coremqtt_config_set in core_mqtt.h). */
#include <stdint.h>

#ifndef MQTT_DO_NOT_USE_CUSTOM_CONFIG
    #include "core_mqtt_config.h"
#endif

/* Milliseconds a PINGREQ may wait for its PINGRESP before MQTT_ProcessLoop
 * returns MQTTKeepAliveTimeout. */
#ifndef MQTT_PINGRESP_TIMEOUT_MS
    #define MQTT_PINGRESP_TIMEOUT_MS    ( 5000U )
#endif

/* Longest send silence before MQTT_ProcessLoop sends a keep-alive PINGREQ;
 * the keep-alive interval of the connection lowers it further. */
#ifndef PACKET_TX_TIMEOUT_MS
    #define PACKET_TX_TIMEOUT_MS    ( 30000U )
#endif

/* Longest receive silence before MQTT_ProcessLoop sends a keep-alive
 * PINGREQ. rsmqtt also gives up draining an oversized packet after this long
 * without data. */
#ifndef PACKET_RX_TIMEOUT_MS
    #define PACKET_RX_TIMEOUT_MS    ( 30000U )
#endif

/* Longest pause between the pieces of the CONNACK while MQTT_Connect reads
 * it. Set it to 0 when the clock function always returns 0. */
#ifndef MQTT_RECV_POLLING_TIMEOUT_MS
    #define MQTT_RECV_POLLING_TIMEOUT_MS    ( 10U )
#endif

/* Longest time one packet may take to send before the call fails with
 * MQTTSendFailed. */
#ifndef MQTT_SEND_TIMEOUT_MS
    #define MQTT_SEND_TIMEOUT_MS    ( 20000U )
#endif

/* Vectors per transport call while sending SUBSCRIBE and UNSUBSCRIBE
 * (rsmqtt uses values from 4 to 64). */
#ifndef MQTT_SUB_UNSUB_MAX_VECTORS
    #define MQTT_SUB_UNSUB_MAX_VECTORS    ( 4U )
#endif

/* CONNACK polls when MQTT_Connect is called with a timeout of 0. */
#ifndef MQTT_MAX_CONNACK_RECEIVE_RETRY_COUNT
    #define MQTT_MAX_CONNACK_RECEIVE_RETRY_COUNT    ( 5U )
#endif

/* Logging macros of the application's own code, called with double
 * parentheses: LogError( ( "format", args ) ). They compile to nothing unless
 * core_mqtt_config.h defines them. rsmqtt's own messages go through its
 * logger (rsmqtt_log.h), not through these macros. */
#ifndef LogError
    #define LogError( message )
#endif

#ifndef LogWarn
    #define LogWarn( message )
#endif

#ifndef LogInfo
    #define LogInfo( message )
#endif

#ifndef LogDebug
    #define LogDebug( message )
#endif

#endif /* CORE_MQTT_CONFIG_DEFAULTS_H_ */
