/* The application's coreMQTT configuration, as a coreMQTT application has it. */
#ifndef CORE_MQTT_CONFIG_H
#define CORE_MQTT_CONFIG_H

#include <stdio.h>

#define LogError( message )    do { printf( "[ERROR] " ); printf message; printf( "\n" ); } while( 0 )
#define LogWarn( message )     do { printf( "[WARN] " ); printf message; printf( "\n" ); } while( 0 )
#define LogInfo( message )     do { printf( "[INFO] " ); printf message; printf( "\n" ); } while( 0 )
#define LogDebug( message )

/* Different from coreMQTT's defaults, so that config_check can tell. */
#define MQTT_PINGRESP_TIMEOUT_MS        ( 3000U )
#define MQTT_RECV_POLLING_TIMEOUT_MS    ( 20U )

#endif /* CORE_MQTT_CONFIG_H */
