/*
 * Instructions per message against a real broker: rsmqtt and coreMQTT
 * v3-CodeBase linked into this same program (scripts/bench.sh builds it
 * twice and counts instructions with callgrind).
 *
 *   broker_bench qos0 HOST PORT MESSAGES
 *       connects (clean session), sends MESSAGES QoS 0 PUBLISHes with
 *       MQTT_Publish, then one QoS 1 PUBLISH whose PUBACK proves the broker
 *       read everything before it, and disconnects.
 *   broker_bench qos1 HOST PORT MESSAGES
 *       sends MESSAGES QoS 1 PUBLISHes keeping 32 in flight: it publishes
 *       while fewer than 32 are unacknowledged, otherwise calls
 *       MQTT_ProcessLoop (which receives PUBACKs and frees their state
 *       records) until one more PUBACK arrived, waiting with poll() whenever
 *       the library holds nothing to process; ends when every PUBACK
 *       arrived.
 *
 * The transport (a TCP socket: recv never blocks, send blocks while the
 * socket buffer is full), the clock and the
 * event callback are this program's own code, identical on both sides, as
 * is the message: a 32-byte topic nobody subscribes to and a 128-byte
 * payload. Exit status 0 only if every call succeeded and every
 * acknowledgement arrived.
 */

#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "core_mqtt.h"

#define IN_FLIGHT         ( 32U )
#define RECORDS           ( 64U )
#define TOPIC             "rsmqtt/bench/0123456789abcdefghi"
#define PAYLOAD_LENGTH    ( 128U )
#define WAIT_MS           ( 10000 )

struct NetworkContext
{
    int fd;
};

static uint8_t g_payload[ PAYLOAD_LENGTH ];
static uint8_t g_networkBuffer[ 1024 ];
static MQTTPubAckInfo_t g_outgoing[ RECORDS ];
static MQTTPubAckInfo_t g_incoming[ RECORDS ];
static unsigned long g_pubacks;
static unsigned long g_otherEvents;

static int32_t socket_recv( NetworkContext_t * pNetwork,
                            void * pBuffer,
                            size_t bytesToRecv )
{
    ssize_t n = recv( pNetwork->fd, pBuffer, bytesToRecv, MSG_DONTWAIT );

    if( n > 0 )
    {
        return ( int32_t ) n;
    }

    if( ( n < 0 ) && ( ( errno == EAGAIN ) || ( errno == EWOULDBLOCK ) || ( errno == EINTR ) ) )
    {
        return 0;
    }

    return -1; /* error, or the broker closed the connection */
}

static int32_t socket_send( NetworkContext_t * pNetwork,
                            const void * pBuffer,
                            size_t bytesToSend )
{
    ssize_t n = send( pNetwork->fd, pBuffer, bytesToSend, MSG_NOSIGNAL );

    if( n >= 0 )
    {
        return ( int32_t ) n;
    }

    if( ( errno == EAGAIN ) || ( errno == EWOULDBLOCK ) || ( errno == EINTR ) )
    {
        return 0;
    }

    return -1;
}

static uint32_t clock_ms( void )
{
    struct timespec now;

    ( void ) clock_gettime( CLOCK_MONOTONIC, &now );
    return ( uint32_t ) ( ( ( uint64_t ) now.tv_sec * 1000U ) + ( ( uint64_t ) now.tv_nsec / 1000000U ) );
}

static void on_event( MQTTContext_t * pContext,
                      MQTTPacketInfo_t * pPacketInfo,
                      MQTTDeserializedInfo_t * pDeserializedInfo )
{
    ( void ) pContext;
    ( void ) pDeserializedInfo;

    if( ( pPacketInfo->type & 0xF0U ) == MQTT_PACKET_TYPE_PUBACK )
    {
        g_pubacks++;
    }
    else
    {
        g_otherEvents++;
    }
}

static int connect_tcp( const char * host,
                        const char * port )
{
    struct sockaddr_in address;
    struct timeval sendTimeout = { WAIT_MS / 1000, 0 };
    int one = 1;
    int fd = socket( AF_INET, SOCK_STREAM, 0 );

    memset( &address, 0, sizeof( address ) );
    address.sin_family = AF_INET;
    address.sin_port = htons( ( uint16_t ) atoi( port ) );

    if( ( fd < 0 ) || ( inet_pton( AF_INET, host, &address.sin_addr ) != 1 ) ||
        ( connect( fd, ( struct sockaddr * ) &address, sizeof( address ) ) != 0 ) )
    {
        perror( "broker_bench: connect" );
        return -1;
    }

    ( void ) setsockopt( fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof( one ) );
    /* Sends block (bounded by a timeout) when the socket buffer is full, so
     * neither library spins on a congested socket: the instruction counts
     * then do not depend on how fast the broker reads. */
    ( void ) setsockopt( fd, SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, sizeof( sendTimeout ) );
    return fd;
}

/* Waits until the socket has data; false after WAIT_MS without any. */
static bool wait_readable( int fd )
{
    struct pollfd p = { fd, POLLIN, 0 };

    return poll( &p, 1, WAIT_MS ) == 1;
}

/* Runs MQTT_ProcessLoop until `*pCounter` reaches `target`. It waits with
 * poll() for the socket only when the library holds no bytes (the
 * context's `index` is 0) or only part of a packet (MQTTNeedMoreBytes), so
 * the library is never called in a loop while nothing has arrived: the
 * instruction count does not depend on how fast the broker answers. coreMQTT
 * v3 handles at most one packet per call, so while bytes remain buffered
 * the loop calls again at once. */
static bool process_until( MQTTContext_t * pContext,
                           int fd,
                           const unsigned long * pCounter,
                           unsigned long target )
{
    bool needBytes = ( pContext->index == 0U );

    while( *pCounter < target )
    {
        MQTTStatus_t status;

        if( needBytes && !wait_readable( fd ) )
        {
            fprintf( stderr, "broker_bench: no acknowledgement within %d ms\n", WAIT_MS );
            return false;
        }

        status = MQTT_ProcessLoop( pContext );

        if( ( status != MQTTSuccess ) && ( status != MQTTNeedMoreBytes ) &&
            ( status != MQTTNoDataAvailable ) )
        {
            fprintf( stderr, "broker_bench: MQTT_ProcessLoop: %s\n", MQTT_Status_strerror( status ) );
            return false;
        }

        needBytes = ( status != MQTTSuccess ) || ( pContext->index == 0U );
    }

    return true;
}

static bool publish( MQTTContext_t * pContext,
                     MQTTQoS_t qos )
{
    MQTTPublishInfo_t info;
    MQTTStatus_t status;

    memset( &info, 0, sizeof( info ) );
    info.qos = qos;
    info.pTopicName = TOPIC;
    info.topicNameLength = ( uint16_t ) strlen( TOPIC );
    info.pPayload = g_payload;
    info.payloadLength = sizeof( g_payload );
    status = MQTT_Publish( pContext, &info, ( qos == MQTTQoS0 ) ? 0U : MQTT_GetPacketId( pContext ) );

    if( status != MQTTSuccess )
    {
        fprintf( stderr, "broker_bench: MQTT_Publish: %s\n", MQTT_Status_strerror( status ) );
        return false;
    }

    return true;
}

int main( int argc,
          char ** argv )
{
    MQTTContext_t context;
    TransportInterface_t transport;
    NetworkContext_t network;
    MQTTFixedBuffer_t buffer = { g_networkBuffer, sizeof( g_networkBuffer ) };
    MQTTConnectInfo_t connectInfo;
    char clientId[ 32 ];
    bool sessionPresent = false;
    bool ok = true;
    unsigned long messages;
    unsigned long sent = 0;
    bool qos1;

    if( ( argc != 5 ) || ( ( strcmp( argv[ 1 ], "qos0" ) != 0 ) && ( strcmp( argv[ 1 ], "qos1" ) != 0 ) ) )
    {
        fprintf( stderr, "usage: broker_bench qos0|qos1 HOST PORT MESSAGES\n" );
        return 2;
    }

    qos1 = strcmp( argv[ 1 ], "qos1" ) == 0;
    messages = strtoul( argv[ 4 ], NULL, 10 );
    memset( g_payload, 'p', sizeof( g_payload ) );

    network.fd = connect_tcp( argv[ 2 ], argv[ 3 ] );

    if( network.fd < 0 )
    {
        return 1;
    }

    memset( &transport, 0, sizeof( transport ) );
    transport.pNetworkContext = &network;
    transport.recv = socket_recv;
    transport.send = socket_send;

    ( void ) snprintf( clientId, sizeof( clientId ), "bench-%ld", ( long ) getpid() );
    memset( &connectInfo, 0, sizeof( connectInfo ) );
    connectInfo.cleanSession = true;
    connectInfo.keepAliveSeconds = 60;
    connectInfo.pClientIdentifier = clientId;
    connectInfo.clientIdentifierLength = ( uint16_t ) strlen( clientId );

    if( ( MQTT_Init( &context, &transport, clock_ms, on_event, &buffer ) != MQTTSuccess ) ||
        ( MQTT_InitStatefulQoS( &context, g_outgoing, RECORDS, g_incoming, RECORDS ) != MQTTSuccess ) ||
        ( MQTT_Connect( &context, &connectInfo, NULL, WAIT_MS, &sessionPresent ) != MQTTSuccess ) )
    {
        fprintf( stderr, "broker_bench: could not connect to %s:%s\n", argv[ 2 ], argv[ 3 ] );
        return 1;
    }

    if( !qos1 )
    {
        for( sent = 0; ok && ( sent < messages ); sent++ )
        {
            ok = publish( &context, MQTTQoS0 );
        }

        /* The broker handles one connection's packets in order: the PUBACK
         * of this QoS 1 PUBLISH means it read every QoS 0 one before. */
        ok = ok && publish( &context, MQTTQoS1 ) &&
             process_until( &context, network.fd, &g_pubacks, 1U );
    }
    else
    {
        while( ok && ( g_pubacks < messages ) )
        {
            while( ok && ( sent < messages ) && ( ( sent - g_pubacks ) < IN_FLIGHT ) )
            {
                ok = publish( &context, MQTTQoS1 );
                sent++;
            }

            ok = ok && process_until( &context, network.fd, &g_pubacks, g_pubacks + 1U );
        }
    }

    if( ok && ( g_pubacks != ( qos1 ? messages : 1U ) ) )
    {
        fprintf( stderr, "broker_bench: %lu PUBACKs for %lu messages\n", g_pubacks, messages );
        ok = false;
    }

    if( ok && ( g_otherEvents != 0U ) )
    {
        fprintf( stderr, "broker_bench: %lu unexpected packets\n", g_otherEvents );
        ok = false;
    }

    ( void ) MQTT_Disconnect( &context );
    ( void ) close( network.fd );
    printf( "%s messages=%lu pubacks=%lu %s\n", argv[ 1 ], messages, g_pubacks, ok ? "ok" : "FAILED" );
    return ok ? 0 : 1;
}
