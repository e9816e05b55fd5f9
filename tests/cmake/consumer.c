/*
 * The program both CMake consumer projects build: it links librsmqtt.a
 * through rsmqtt::rsmqtt, and the transport and backoff archives through
 * rsmqtt::transports_posix and rsmqtt::backoff, so it compiles only if each
 * target's include directory reached it and links only if the libraries and
 * their system libraries did.
 */

#include <stdio.h>
#include <string.h>

#include "rsmqtt_log.h"
#include "rsmqtt_version.h"
#include "core_mqtt.h"
#include "plaintext_posix.h"
#include "backoff_algorithm.h"

static int records;

static void onLog( int32_t level,
                   const char * message )
{
    ( void ) level;
    ( void ) message;
    records++;
}

int main( void )
{
    const char * version;
    BackoffAlgorithmContext_t backoff;
    uint16_t delay = 0U;
    int ok;

    if( !rsmqtt_log_set_callback( onLog ) )
    {
        return 1;
    }

    version = rsmqtt_version();
    printf( "linked rsmqtt %s (expected %s), %d log record(s)\n",
            version, RSMQTT_EXPECTED_VERSION, records );
    ok = ( strcmp( version, RSMQTT_EXPECTED_VERSION ) == 0 ) && ( records == 1 );

    /* One call into each archive: the MQTT API, the transports, backoff. */
    ok = ok && ( strcmp( MQTT_Status_strerror( MQTTNoMemory ), "MQTTNoMemory" ) == 0 );
    ok = ok && ( Plaintext_Connect( NULL, NULL, 0U, 0U ) == SOCKETS_INVALID_PARAMETER );
    BackoffAlgorithm_InitializeParams( &backoff, 100U, 1000U, 1U );
    ok = ok && ( BackoffAlgorithm_GetNextBackoff( &backoff, 250U, &delay ) == BackoffAlgorithmSuccess ) &&
         ( delay == 250U % 101U ) &&
         ( BackoffAlgorithm_GetNextBackoff( &backoff, 250U, &delay ) == BackoffAlgorithmRetriesExhausted );
    printf( "transports and backoff: %s\n", ok ? "ok" : "FAILED" );
    return ok ? 0 : 1;
}
