/*
 * The program both CMake consumer projects build: it links librsmqtt.a
 * through rsmqtt::rsmqtt, so it compiles only if the include directory
 * reached it and links only if the library and its system libraries did.
 */

#include <stdio.h>
#include <string.h>

#include "rsmqtt_log.h"
#include "rsmqtt_version.h"

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

    if( !rsmqtt_log_set_callback( onLog ) )
    {
        return 1;
    }

    version = rsmqtt_version();
    printf( "linked rsmqtt %s (expected %s), %d log record(s)\n",
            version, RSMQTT_EXPECTED_VERSION, records );
    return ( ( strcmp( version, RSMQTT_EXPECTED_VERSION ) == 0 ) && ( records == 1 ) ) ? 0 : 1;
}
