/*
 * Routing rsmqtt's log records into the application's own logging.
 *
 * rsmqtt logs from Rust; a C program sees those records only through the
 * callback it registers with rsmqtt_log_set_callback. This program registers
 * one, asks for the library version (which logs it at info level) and checks
 * that exactly that record arrived, with the right level and text. It then
 * lowers the level to errors only and checks the next info record is
 * filtered out, and that a NULL callback switches forwarding off.
 *
 * Exits 0 only if every check passed.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rsmqtt_log.h"
#include "rsmqtt_version.h"

/* What the callback saw; the library calls it on the thread that logs. */
static int recordCount;
static int32_t lastLevel;
static char lastMessage[ RSMQTT_LOG_MESSAGE_SIZE ];

static void onLog( int32_t level,
                   const char * message )
{
    recordCount++;
    lastLevel = level;
    /* The message is only valid during the call: keep a copy. */
    ( void ) snprintf( lastMessage, sizeof( lastMessage ), "%s", message );
    printf( "[rsmqtt level %d] %s\n", ( int ) level, message );
}

static bool check( bool condition,
                   const char * what )
{
    if( !condition )
    {
        fprintf( stderr, "FAILED: %s\n", what );
    }

    return condition;
}

int main( void )
{
    bool ok = true;
    char expected[ 64 ];
    const char * version;

    ok &= check( rsmqtt_log_set_callback( onLog ), "the callback is installed" );
    ok &= check( rsmqtt_log_set_level( RSMQTT_LOG_INFO ), "info level is accepted" );
    ok &= check( !rsmqtt_log_set_level( 42 ), "an unknown level is refused" );

    version = rsmqtt_version();
    ok &= check( ( version != NULL ) && ( version[ 0 ] != '\0' ), "a version string" );
    ( void ) snprintf( expected, sizeof( expected ), "rsmqtt %s", version );
    ok &= check( recordCount == 1, "one record reached the callback" );
    ok &= check( lastLevel == RSMQTT_LOG_INFO, "it came at info level" );
    ok &= check( strcmp( lastMessage, expected ) == 0, "its text names the version" );

    /* Above the level: not forwarded. */
    ok &= check( rsmqtt_log_set_level( RSMQTT_LOG_ERROR ), "error level is accepted" );
    ( void ) rsmqtt_version();
    ok &= check( recordCount == 1, "an info record is filtered at error level" );

    /* No callback: nothing forwarded, even at the most detailed level. */
    ok &= check( rsmqtt_log_set_level( RSMQTT_LOG_TRACE ), "trace level is accepted" );
    ok &= check( rsmqtt_log_set_callback( NULL ), "NULL switches forwarding off" );
    ( void ) rsmqtt_version();
    ok &= check( recordCount == 1, "nothing is forwarded without a callback" );

    printf( "rsmqtt %s: log callback %s\n", version, ok ? "works" : "FAILED" );
    return ok ? 0 : 1;
}
