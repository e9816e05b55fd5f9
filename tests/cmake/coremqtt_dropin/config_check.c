/*
 * Passes when the configuration macros of this directory's core_mqtt_config.h
 * reached librsmqtt.a through the ${MQTT_SOURCES} of rsmqtt's
 * mqttFilePaths.cmake, and the others kept coreMQTT's defaults.
 */
#include <stdio.h>

#include "core_mqtt.h"

int main( void )
{
    RsmqttCoreMqttConfig_t config;

    if( rsmqtt_coremqtt_config_get( &config ) != MQTTSuccess )
    {
        printf( "rsmqtt_coremqtt_config_get failed\n" );
        return 1;
    }

    printf( "pingrespTimeoutMs=%u recvPollingTimeoutMs=%u sendTimeoutMs=%u\n",
            ( unsigned ) config.pingrespTimeoutMs,
            ( unsigned ) config.recvPollingTimeoutMs,
            ( unsigned ) config.sendTimeoutMs );

    return ( ( config.pingrespTimeoutMs == 3000U ) &&
             ( config.recvPollingTimeoutMs == 20U ) &&
             ( config.sendTimeoutMs == 20000U ) ) ? 0 : 1;
}
