/*
 * C-level checks of what the generated headers declare: the values and types
 * a C compiler sees must be the ones the library uses.
 *
 * Layout checks of the other coreMQTT and NetX structs belong in this
 * directory too: sizeof/offsetof against the numbers the original headers
 * give on this platform.
 */

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "rsmqtt_log.h"
#include "rsmqtt_version.h"
#include "transport_interface.h"

/* The application defines the network context; any definition must work. */
struct NetworkContext
{
    int socket;
};

static int32_t fakeRecv( NetworkContext_t * pNetworkContext,
                         void * pBuffer,
                         size_t bytesToRecv )
{
    ( void ) pBuffer;
    return ( int32_t ) bytesToRecv + pNetworkContext->socket;
}

static int failures;

#define CHECK( condition )                                   \
    do {                                                     \
        if( !( condition ) )                                 \
        {                                                    \
            fprintf( stderr, "FAILED: %s\n", #condition );   \
            failures++;                                      \
        }                                                    \
    } while( 0 )

int main( void )
{
    NetworkContext_t context = { 2 };
    TransportInterface_t transport = { 0 };
    TransportOutVector_t vector = { "ab", 2 };

    /* coreMQTT's layout of TransportInterface_t on LP64: four pointers. */
    CHECK( sizeof( TransportInterface_t ) == 4 * sizeof( void * ) );
    CHECK( offsetof( TransportInterface_t, recv ) == 0 );
    CHECK( offsetof( TransportInterface_t, send ) == sizeof( void * ) );
    CHECK( offsetof( TransportInterface_t, writev ) == 2 * sizeof( void * ) );
    CHECK( offsetof( TransportInterface_t, pNetworkContext ) == 3 * sizeof( void * ) );
    CHECK( sizeof( TransportOutVector_t ) == sizeof( void * ) + sizeof( size_t ) );
    CHECK( vector.iov_len == 2 );

    transport.recv = fakeRecv;
    transport.pNetworkContext = &context;
    CHECK( transport.recv( transport.pNetworkContext, NULL, 5 ) == 7 );
    CHECK( transport.writev == NULL );

    CHECK( RSMQTT_LOG_OFF == 0 );
    CHECK( RSMQTT_LOG_ERROR == 1 );
    CHECK( RSMQTT_LOG_WARN == 2 );
    CHECK( RSMQTT_LOG_INFO == 3 );
    CHECK( RSMQTT_LOG_DEBUG == 4 );
    CHECK( RSMQTT_LOG_TRACE == 5 );
    CHECK( strlen( rsmqtt_version() ) > 0 );

    return ( failures == 0 ) ? 0 : 1;
}
