/*
 * core_mqtt_config.h of rsmqtt's C test programs, written the way a coreMQTT
 * application writes its own: logging macros with double parentheses, and a
 * few configuration values that differ from the defaults so that
 * coremqtt_config_shim.c can see them arrive in the library.
 */
#ifndef CORE_MQTT_CONFIG_H_
#define CORE_MQTT_CONFIG_H_

#include <stdio.h>

#define LogError( message )    do { printf( "[ERROR] " ); printf message; printf( "\n" ); } while( 0 )
#define LogWarn( message )     do { printf( "[WARN] " ); printf message; printf( "\n" ); } while( 0 )
#define LogInfo( message )
#define LogDebug( message )

#define MQTT_PINGRESP_TIMEOUT_MS                ( 4321U )
#define MQTT_SEND_TIMEOUT_MS                    ( 12345U )
#define MQTT_SUB_UNSUB_MAX_VECTORS              ( 16U )
#define MQTT_MAX_CONNACK_RECEIVE_RETRY_COUNT    ( 7U )

#endif /* CORE_MQTT_CONFIG_H_ */
