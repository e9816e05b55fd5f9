/*
 * The SDK-style application's coreMQTT configuration. As in the AWS IoT
 * Device SDK for Embedded C, it gives the MQTT library its own logging macros
 * (prefixed "[MQTT]"); the application's code has different ones (app_log.h).
 * coreMQTT reads this file only from its .c files, so the two sets never meet
 * in one translation unit: core_mqtt.h must not include this file.
 */
#ifndef CORE_MQTT_CONFIG_H_
#define CORE_MQTT_CONFIG_H_

#include <stdio.h>

#define LogError( message )    do { fprintf( stderr, "[MQTT][ERROR] " ); fprintf message; fputc( '\n', stderr ); } while( 0 )
#define LogWarn( message )     do { fprintf( stderr, "[MQTT][WARN] " ); fprintf message; fputc( '\n', stderr ); } while( 0 )
#define LogInfo( message )     do { fprintf( stderr, "[MQTT][INFO] " ); fprintf message; fputc( '\n', stderr ); } while( 0 )
#define LogDebug( message )

#define MQTT_PINGRESP_TIMEOUT_MS        ( 2000U )
#define MQTT_RECV_POLLING_TIMEOUT_MS    ( 20U )

#endif /* CORE_MQTT_CONFIG_H_ */
