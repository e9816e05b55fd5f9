/*
 * core_mqtt_config.h for rsmqtt's C examples.
 *
 * coreMQTT applications supply this file; core_mqtt_config_defaults.h includes
 * it unless MQTT_DO_NOT_USE_CUSTOM_CONFIG is defined. The examples use it the
 * way FreeRTOS and SDK demos do: to route the library-style Log* macros to
 * stdout. Logging inside rsmqtt itself goes through rsmqtt_log_set_callback.
 */
#ifndef CORE_MQTT_CONFIG_H
#define CORE_MQTT_CONFIG_H

#include <stdio.h>

/* The double parentheses are coreMQTT's convention: LogInfo( ( "fmt", args ) ). */
#define RSMQTT_EXAMPLE_LOG( level, message ) \
    do { printf( "[%s] ", level ); printf message; printf( "\n" ); fflush( stdout ); } while( 0 )

#define LogError( message )    RSMQTT_EXAMPLE_LOG( "ERROR", message )
#define LogWarn( message )     RSMQTT_EXAMPLE_LOG( "WARN", message )
#define LogInfo( message )     RSMQTT_EXAMPLE_LOG( "INFO", message )
#define LogDebug( message )

#endif /* CORE_MQTT_CONFIG_H */
