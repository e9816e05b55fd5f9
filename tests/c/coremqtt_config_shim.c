/*
 * The configuration path of coreMQTT applications: the values of the macros
 * in this directory's config/core_mqtt_config.h (and the defaults of
 * core_mqtt_config_defaults.h for the others) reach the prebuilt library
 * through src/c/core_mqtt_config_shim.c before main() runs.
 *
 * The shim is included here directly, so this test holds whether or not the
 * CMake target also adds it as an INTERFACE source (then two identical static
 * constructors run, which is harmless).
 */
#include <stdio.h>

#include "../../src/c/core_mqtt_config_shim.c"

int main( void )
{
    RsmqttCoreMqttConfig_t config;
    int failures = 0;

    if( rsmqtt_coremqtt_config_get( &config ) != MQTTSuccess )
    {
        return 1;
    }

#define EXPECT( field, value )                                                          \
    do {                                                                                \
        if( config.field != ( uint32_t ) ( value ) )                                    \
        {                                                                               \
            printf( "%s = %u, expected %u\n", #field, ( unsigned ) config.field,        \
                    ( unsigned ) ( value ) );                                           \
            failures++;                                                                 \
        }                                                                               \
    } while( 0 )

    /* Set by config/core_mqtt_config.h. */
    EXPECT( pingrespTimeoutMs, 4321U );
    EXPECT( sendTimeoutMs, 12345U );
    EXPECT( subUnsubMaxVectors, 16U );
    EXPECT( maxConnackReceiveRetryCount, 7U );
    /* Left to core_mqtt_config_defaults.h. */
    EXPECT( packetTxTimeoutMs, 30000U );
    EXPECT( packetRxTimeoutMs, 30000U );
    EXPECT( recvPollingTimeoutMs, 10U );

    /* The application can still change a value at run time. */
    config.pingrespTimeoutMs = 777U;
    if( rsmqtt_coremqtt_config_set( &config ) != MQTTSuccess )
    {
        failures++;
    }
    config.pingrespTimeoutMs = 0U;
    ( void ) rsmqtt_coremqtt_config_get( &config );
    EXPECT( pingrespTimeoutMs, 777U );
    if( rsmqtt_coremqtt_config_set( NULL ) != MQTTBadParameter )
    {
        failures++;
    }

    if( failures == 0 )
    {
        printf( "coremqtt_config_shim: ok\n" );
    }
    return failures == 0 ? 0 : 1;
}
