/*
 * Hands the application's coreMQTT configuration macros to rsmqtt.
 *
 * The rsmqtt CMake target lists this file as an INTERFACE source, so it is
 * compiled as part of the application that links rsmqtt, with the
 * application's include paths: core_mqtt_config_defaults.h finds the
 * application's core_mqtt_config.h and fills in the defaults. A constructor
 * then gives the values to the library before main() runs.
 *
 * Applications built without constructors (some bare-metal start-up code
 * skips .init_array) can call rsmqtt_coremqtt_config_set() themselves; the
 * library starts with the upstream defaults either way.
 */
/* Every program that links rsmqtt compiles this file, also programs that
 * only use the NetX Duo API and have no core_mqtt_config.h: then the
 * defaults apply, as with MQTT_DO_NOT_USE_CUSTOM_CONFIG. */
#if !defined( MQTT_DO_NOT_USE_CUSTOM_CONFIG ) && defined( __has_include )
    #if !__has_include( "core_mqtt_config.h" )
        #define MQTT_DO_NOT_USE_CUSTOM_CONFIG
    #endif
#endif

#include "core_mqtt_config_defaults.h"
#include "core_mqtt.h"

#if defined( __GNUC__ ) || defined( __clang__ )
__attribute__( ( constructor ) )
#endif
static void rsmqtt_coremqtt_config_from_macros( void )
{
    RsmqttCoreMqttConfig_t config;

    config.pingrespTimeoutMs = ( uint32_t ) MQTT_PINGRESP_TIMEOUT_MS;
    config.packetTxTimeoutMs = ( uint32_t ) PACKET_TX_TIMEOUT_MS;
    config.packetRxTimeoutMs = ( uint32_t ) PACKET_RX_TIMEOUT_MS;
    config.recvPollingTimeoutMs = ( uint32_t ) MQTT_RECV_POLLING_TIMEOUT_MS;
    config.sendTimeoutMs = ( uint32_t ) MQTT_SEND_TIMEOUT_MS;
    config.subUnsubMaxVectors = ( uint32_t ) MQTT_SUB_UNSUB_MAX_VECTORS;
    config.maxConnackReceiveRetryCount = ( uint32_t ) MQTT_MAX_CONNACK_RECEIVE_RETRY_COUNT;

    ( void ) rsmqtt_coremqtt_config_set( &config );
}
