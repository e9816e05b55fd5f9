/*
 * CPU per message of the coreMQTT API: rsmqtt against the original C code.
 *
 * scripts/bench.sh compiles this file twice, against rsmqtt (librsmqtt.a,
 * release profile) and against coreMQTT v3-CodeBase's C sources (-O2,
 * asserts off; RSMQTT_REFERENCE_COREMQTT defined), and runs both. The two
 * share one API, so the code is the same for both. Benchmarks:
 *
 *   serialize_publish    MQTT_GetPublishPacketSize + MQTT_SerializePublish,
 *                        QoS 1, 64-byte topic, 256-byte payload
 *   deserialize_publish  MQTT_GetIncomingPacketTypeAndLength over an
 *                        in-memory receive function + MQTT_DeserializePublish
 *                        of that PUBLISH
 *   puback               MQTT_SerializeAck + MQTT_DeserializeAck of a PUBACK
 *   process_loop         the whole receive path: MQTT_ProcessLoop receiving
 *                        that QoS 1 PUBLISH from an in-memory transport,
 *                        calling the application's callback and sending
 *                        PUBACK
 *   process_loop_socket  the same over a real socket (AF_UNIX socketpair,
 *                        non-blocking): the transport calls are system calls,
 *                        as on a device's TCP socket; the benchmark writes
 *                        the PUBLISHes in batches and discards the PUBACKs
 *                        (same work on both sides). Process CPU time counts
 *                        the kernel's share too.
 *
 *   serializer_bench                      all, each ~0.2 s, "name ns/msg
 *                                         iterations" (process_loop adds the
 *                                         transport receive calls per message)
 *   serializer_bench NAME ITERATIONS      one, a fixed number of messages
 *                                         (for callgrind instruction counts)
 *
 * Every benchmark checks its results (status codes, bytes, callback and
 * PUBACK counts) and the program exits 1 if one is wrong, so a fast but
 * broken run cannot pass unnoticed. Times are process CPU time.
 */

#define _POSIX_C_SOURCE 200809L

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core_mqtt.h"
#include "core_mqtt_serializer.h"

#define TOPIC_LENGTH      ( 64U )
#define PAYLOAD_LENGTH    ( 256U )
#define RING_PACKETS      ( 64U )

static char g_topic[ TOPIC_LENGTH ];
static uint8_t g_payload[ PAYLOAD_LENGTH ];
static uint8_t g_out[ 1024 ];
static uint8_t g_packet[ 1024 ];
static size_t g_packet_size;
static int g_errors;

static void check( bool ok, const char * what )
{
    if( !ok )
    {
        fprintf( stderr, "serializer_bench: check failed: %s\n", what );
        g_errors++;
    }
}

static double cpu_seconds( void )
{
    struct timespec ts;

    ( void ) clock_gettime( CLOCK_PROCESS_CPUTIME_ID, &ts );
    return ( double ) ts.tv_sec + ( double ) ts.tv_nsec * 1e-9;
}

static MQTTPublishInfo_t publish_info( void )
{
    MQTTPublishInfo_t info;

    memset( &info, 0, sizeof( info ) );
    info.qos = MQTTQoS1;
    info.pTopicName = g_topic;
    info.topicNameLength = TOPIC_LENGTH;
    info.pPayload = g_payload;
    info.payloadLength = PAYLOAD_LENGTH;
    return info;
}

/* ------------------------------------------------------------------------ */

static void serialize_publish( unsigned long iterations )
{
    MQTTPublishInfo_t info = publish_info();
    MQTTFixedBuffer_t fixed = { g_out, sizeof( g_out ) };
    unsigned long i;
    unsigned long failures = 0;

    for( i = 0; i < iterations; i++ )
    {
        size_t remaining = 0, size = 0;
        uint16_t id = ( uint16_t ) ( ( i % 65535U ) + 1U );

        if( ( MQTT_GetPublishPacketSize( &info, &remaining, &size ) != MQTTSuccess ) ||
            ( MQTT_SerializePublish( &info, id, remaining, &fixed ) != MQTTSuccess ) )
        {
            failures++;
        }
    }

    check( failures == 0, "serialize_publish status" );
    check( memcmp( g_out + 3 + 2 + TOPIC_LENGTH + 2, g_payload, PAYLOAD_LENGTH ) == 0,
           "serialize_publish payload bytes" );
}

/* In-memory receive function over one buffer. */
struct NetworkContext
{
    const uint8_t * pData;
    size_t length;
    size_t position;
    /* process_loop: the stream restarts at `restart` when it runs out. */
    size_t restart;
    unsigned long bytesSent;
    unsigned long recvCalls;
};

static int32_t memory_recv( NetworkContext_t * pContext,
                            void * pBuffer,
                            size_t bytesToRecv )
{
    size_t available;

    pContext->recvCalls++;

    if( pContext->position == pContext->length )
    {
        pContext->position = pContext->restart;
    }

    available = pContext->length - pContext->position;

    if( bytesToRecv > available )
    {
        bytesToRecv = available;
    }

    memcpy( pBuffer, pContext->pData + pContext->position, bytesToRecv );
    pContext->position += bytesToRecv;
    return ( int32_t ) bytesToRecv;
}

static int32_t discard_send( NetworkContext_t * pContext,
                             const void * pBuffer,
                             size_t bytesToSend )
{
    ( void ) pBuffer;
    pContext->bytesSent += bytesToSend;
    return ( int32_t ) bytesToSend;
}

static void deserialize_publish( unsigned long iterations )
{
    NetworkContext_t context;
    unsigned long i;
    unsigned long failures = 0;
    uint16_t packetId = 0;
    MQTTPublishInfo_t info;

    memset( &context, 0, sizeof( context ) );
    context.pData = g_packet;
    context.length = g_packet_size;

    for( i = 0; i < iterations; i++ )
    {
        MQTTPacketInfo_t packet;

        memset( &packet, 0, sizeof( packet ) );
        context.position = 0;

        if( MQTT_GetIncomingPacketTypeAndLength( memory_recv, &context, &packet ) != MQTTSuccess )
        {
            failures++;
            continue;
        }

        /* The rest of the packet is already in memory after the header. */
        packet.pRemainingData = g_packet + context.position;

        if( MQTT_DeserializePublish( &packet, &packetId, &info ) != MQTTSuccess )
        {
            failures++;
        }
    }

    check( failures == 0, "deserialize_publish status" );
    check( ( packetId == 0x1234U ) && ( info.qos == MQTTQoS1 ) &&
           ( info.topicNameLength == TOPIC_LENGTH ) && ( info.payloadLength == PAYLOAD_LENGTH ) &&
           ( memcmp( info.pPayload, g_payload, PAYLOAD_LENGTH ) == 0 ),
           "deserialize_publish fields" );
}

static void puback( unsigned long iterations )
{
    MQTTFixedBuffer_t fixed = { g_out, sizeof( g_out ) };
    unsigned long i;
    unsigned long failures = 0;

    for( i = 0; i < iterations; i++ )
    {
        uint16_t id = ( uint16_t ) ( ( i % 65535U ) + 1U );
        uint16_t received = 0;
        bool session = false;
        MQTTPacketInfo_t packet;

        memset( &packet, 0, sizeof( packet ) );

        if( MQTT_SerializeAck( &fixed, MQTT_PACKET_TYPE_PUBACK, id ) != MQTTSuccess )
        {
            failures++;
        }

        packet.type = g_out[ 0 ];
        packet.pRemainingData = &g_out[ 2 ];
        packet.remainingLength = g_out[ 1 ];

        if( ( MQTT_DeserializeAck( &packet, &received, &session ) != MQTTSuccess ) ||
            ( received != id ) )
        {
            failures++;
        }
    }

    check( failures == 0, "puback status and packet id" );
}

/* ------------------------------------------------------------------------ */
/* process_loop */

static unsigned long g_callbacks;
/* Transport receive calls per message in the last process_loop run: with a
 * real socket each one is a system call. */
static double g_recv_per_message;

static uint32_t fixed_time( void )
{
    /* A constant clock: no keep-alive, no timeouts, same for both sides. */
    return 0;
}

static void on_event( MQTTContext_t * pContext,
                      MQTTPacketInfo_t * pPacketInfo,
                      MQTTDeserializedInfo_t * pDeserializedInfo )
{
    ( void ) pContext;

    if( ( ( pPacketInfo->type & 0xF0U ) == MQTT_PACKET_TYPE_PUBLISH ) &&
        ( pDeserializedInfo->pPublishInfo != NULL ) &&
        ( pDeserializedInfo->pPublishInfo->payloadLength == PAYLOAD_LENGTH ) )
    {
        g_callbacks++;
    }
}

static uint8_t g_stream[ 4 + ( RING_PACKETS * 400U ) ];

static void process_loop( unsigned long iterations )
{
    static uint8_t networkBuffer[ 1024 ];
    MQTTContext_t mqtt;
    TransportInterface_t transport;
    NetworkContext_t network;
    MQTTFixedBuffer_t buffer = { networkBuffer, sizeof( networkBuffer ) };
    MQTTConnectInfo_t connect;
    MQTTPublishInfo_t info = publish_info();
    bool sessionPresent = false;
    size_t length = 0;
    unsigned long i;
    unsigned long failures = 0;
    unsigned long sentAfterConnect;

    static MQTTPubAckInfo_t outgoing[ 10 ];
    static MQTTPubAckInfo_t incoming[ 10 ];

    /* CONNACK, then QoS 1 PUBLISHes with packet ids 1..RING_PACKETS, over
     * and over. */
    g_stream[ 0 ] = MQTT_PACKET_TYPE_CONNACK;
    g_stream[ 1 ] = 2;
    g_stream[ 2 ] = 0;
    g_stream[ 3 ] = 0;
    length = 4;

    for( i = 0; i < RING_PACKETS; i++ )
    {
        size_t remaining = 0, size = 0;
        MQTTFixedBuffer_t out = { &g_stream[ length ], sizeof( g_stream ) - length };
        ( void ) MQTT_GetPublishPacketSize( &info, &remaining, &size );
        check( MQTT_SerializePublish( &info, ( uint16_t ) ( i + 1U ), remaining, &out ) == MQTTSuccess,
               "process_loop stream" );
        length += size;
    }

    memset( &network, 0, sizeof( network ) );
    network.pData = g_stream;
    network.length = length;
    network.restart = 4;
    memset( &transport, 0, sizeof( transport ) );
    transport.pNetworkContext = &network;
    transport.recv = memory_recv;
    transport.send = discard_send;

    memset( &mqtt, 0, sizeof( mqtt ) );
    check( MQTT_Init( &mqtt, &transport, fixed_time, on_event, &buffer ) == MQTTSuccess, "MQTT_Init" );
    check( MQTT_InitStatefulQoS( &mqtt, outgoing, 10, incoming, 10 ) == MQTTSuccess,
           "MQTT_InitStatefulQoS" );

    memset( &connect, 0, sizeof( connect ) );
    connect.cleanSession = true;
    connect.pClientIdentifier = "bench";
    connect.clientIdentifierLength = 5;
    connect.keepAliveSeconds = 0;
    check( MQTT_Connect( &mqtt, &connect, NULL, 1000, &sessionPresent ) == MQTTSuccess, "MQTT_Connect" );
    sentAfterConnect = network.bytesSent;
    network.recvCalls = 0;
    g_callbacks = 0;

    while( g_callbacks < iterations )
    {
        MQTTStatus_t status = MQTT_ProcessLoop( &mqtt );

        /* A packet split across two reads (the ring wraps). */
        if( status == MQTTNeedMoreBytes )
        {
            status = MQTTSuccess;
        }

        if( ( status != MQTTSuccess ) && ( status != MQTTNoDataAvailable ) )
        {
            failures++;
            break;
        }
    }

    check( failures == 0, "process_loop status" );
    g_recv_per_message = ( double ) network.recvCalls / ( double ) ( g_callbacks ? g_callbacks : 1UL );
    /* Every PUBLISH received was acknowledged: 4 bytes of PUBACK each (a
     * PUBLISH still being processed when the loop stops may add one). */
    check( ( network.bytesSent - sentAfterConnect ) / 4U >= g_callbacks, "process_loop PUBACKs sent" );
}

/* ------------------------------------------------------------------------ */
/* process_loop_socket: the same receive path over a real (AF_UNIX) socket */

static int32_t socket_recv( NetworkContext_t * pContext,
                            void * pBuffer,
                            size_t bytesToRecv )
{
    ssize_t got = recv( ( int ) pContext->restart, pBuffer, bytesToRecv, MSG_DONTWAIT );

    pContext->recvCalls++;

    if( got < 0 )
    {
        return ( ( errno == EAGAIN ) || ( errno == EWOULDBLOCK ) ) ? 0 : -1;
    }

    return ( int32_t ) got;
}

static int32_t socket_send( NetworkContext_t * pContext,
                            const void * pBuffer,
                            size_t bytesToSend )
{
    ssize_t sent = send( ( int ) pContext->restart, pBuffer, bytesToSend, MSG_DONTWAIT | MSG_NOSIGNAL );

    if( sent < 0 )
    {
        return ( ( errno == EAGAIN ) || ( errno == EWOULDBLOCK ) ) ? 0 : -1;
    }

    pContext->bytesSent += ( unsigned long ) sent;
    return ( int32_t ) sent;
}

/* Reads and discards what the library sent (CONNECT, PUBACKs). */
static void drain( int fd )
{
    static uint8_t scratch[ 65536 ];

    while( recv( fd, scratch, sizeof( scratch ), MSG_DONTWAIT ) > 0 )
    {
    }
}

static void process_loop_socket( unsigned long iterations )
{
    static uint8_t networkBuffer[ 1024 ];
    MQTTContext_t mqtt;
    TransportInterface_t transport;
    NetworkContext_t network;
    MQTTFixedBuffer_t buffer = { networkBuffer, sizeof( networkBuffer ) };
    MQTTConnectInfo_t connect;
    MQTTPublishInfo_t info = publish_info();
    bool sessionPresent = false;
    size_t ringLength = 0;
    unsigned long i;
    unsigned long written = 0;
    unsigned long failures = 0;
    int fds[ 2 ];

    static MQTTPubAckInfo_t outgoing[ 10 ];
    static MQTTPubAckInfo_t incoming[ 10 ];

    /* RING_PACKETS QoS 1 PUBLISHes the "broker" writes in one go. */
    for( i = 0; i < RING_PACKETS; i++ )
    {
        size_t remaining = 0, size = 0;
        MQTTFixedBuffer_t out = { &g_stream[ ringLength ], sizeof( g_stream ) - ringLength };
        ( void ) MQTT_GetPublishPacketSize( &info, &remaining, &size );
        check( MQTT_SerializePublish( &info, ( uint16_t ) ( i + 1U ), remaining, &out ) == MQTTSuccess,
               "process_loop_socket stream" );
        ringLength += size;
    }

    if( socketpair( AF_UNIX, SOCK_STREAM, 0, fds ) != 0 )
    {
        check( false, "socketpair" );
        return;
    }

    memset( &network, 0, sizeof( network ) );
    network.restart = ( size_t ) fds[ 0 ]; /* the library's end */
    memset( &transport, 0, sizeof( transport ) );
    transport.pNetworkContext = &network;
    transport.recv = socket_recv;
    transport.send = socket_send;

    memset( &mqtt, 0, sizeof( mqtt ) );
    check( MQTT_Init( &mqtt, &transport, fixed_time, on_event, &buffer ) == MQTTSuccess, "MQTT_Init" );
    check( MQTT_InitStatefulQoS( &mqtt, outgoing, 10, incoming, 10 ) == MQTTSuccess,
           "MQTT_InitStatefulQoS" );

    {
        static const uint8_t connack[ 4 ] = { MQTT_PACKET_TYPE_CONNACK, 2, 0, 0 };
        check( write( fds[ 1 ], connack, sizeof( connack ) ) == ( ssize_t ) sizeof( connack ), "write CONNACK" );
    }

    memset( &connect, 0, sizeof( connect ) );
    connect.cleanSession = true;
    connect.pClientIdentifier = "bench";
    connect.clientIdentifierLength = 5;
    check( MQTT_Connect( &mqtt, &connect, NULL, 1000, &sessionPresent ) == MQTTSuccess, "MQTT_Connect (socket)" );
    drain( fds[ 1 ] );
    network.recvCalls = 0;
    network.bytesSent = 0;
    g_callbacks = 0;

    while( g_callbacks < iterations )
    {
        MQTTStatus_t status;

        /* Keep the library's socket supplied: another batch once fewer
         * than half a batch is left, and take its PUBACKs away. */
        if( written - g_callbacks < ( RING_PACKETS / 2U ) )
        {
            drain( fds[ 1 ] );

            if( write( fds[ 1 ], g_stream, ringLength ) != ( ssize_t ) ringLength )
            {
                check( false, "write PUBLISH batch" );
                break;
            }

            written += RING_PACKETS;
        }

        status = MQTT_ProcessLoop( &mqtt );

        /* A packet split across two reads. */
        if( status == MQTTNeedMoreBytes )
        {
            status = MQTTSuccess;
        }

        if( ( status != MQTTSuccess ) && ( status != MQTTNoDataAvailable ) )
        {
            failures++;
            break;
        }
    }

    check( failures == 0, "process_loop_socket status" );
    check( network.bytesSent / 4U >= g_callbacks, "process_loop_socket PUBACKs sent" );
    g_recv_per_message = ( double ) network.recvCalls / ( double ) ( g_callbacks ? g_callbacks : 1UL );
    ( void ) close( fds[ 0 ] );
    ( void ) close( fds[ 1 ] );
}

/* ------------------------------------------------------------------------ */

struct bench
{
    const char * name;
    void ( * run )( unsigned long iterations );
};

static const struct bench g_benches[] =
{
    { "serialize_publish",   serialize_publish   },
    { "deserialize_publish", deserialize_publish },
    { "puback",              puback              },
    { "process_loop",        process_loop        },
    { "process_loop_socket", process_loop_socket },
};

static void setup( void )
{
    MQTTPublishInfo_t info = publish_info();
    MQTTFixedBuffer_t fixed = { g_packet, sizeof( g_packet ) };
    size_t remaining = 0;
    size_t i;

    for( i = 0; i < TOPIC_LENGTH; i++ )
    {
        g_topic[ i ] = ( char ) ( 'a' + ( i % 26U ) );
    }

    g_topic[ 7 ] = '/';

    for( i = 0; i < PAYLOAD_LENGTH; i++ )
    {
        g_payload[ i ] = ( uint8_t ) ( i * 7U );
    }

    check( MQTT_GetPublishPacketSize( &info, &remaining, &g_packet_size ) == MQTTSuccess, "setup size" );
    check( MQTT_SerializePublish( &info, 0x1234U, remaining, &fixed ) == MQTTSuccess, "setup serialize" );
}

int main( int argc,
          char ** argv )
{
    size_t b;

    setup();

    if( argc == 3 )
    {
        unsigned long iterations = strtoul( argv[ 2 ], NULL, 10 );

        for( b = 0; b < sizeof( g_benches ) / sizeof( g_benches[ 0 ] ); b++ )
        {
            if( strcmp( argv[ 1 ], g_benches[ b ].name ) == 0 )
            {
                g_benches[ b ].run( iterations );
                return ( g_errors == 0 ) ? 0 : 1;
            }
        }

        fprintf( stderr, "serializer_bench: unknown benchmark %s\n", argv[ 1 ] );
        return 2;
    }

    for( b = 0; b < sizeof( g_benches ) / sizeof( g_benches[ 0 ] ); b++ )
    {
        unsigned long iterations = 1000;
        double elapsed = 0.0;

        /* Grow the count until one run takes at least 0.2 s of CPU time. */
        for( ; ; )
        {
            double start = cpu_seconds();
            g_benches[ b ].run( iterations );
            elapsed = cpu_seconds() - start;

            if( ( elapsed >= 0.2 ) || ( iterations >= 1000000000UL ) )
            {
                break;
            }

            iterations *= ( elapsed < 0.02 ) ? 10UL : 2UL;
        }

        printf( "%s %.1f %lu", g_benches[ b ].name, elapsed * 1e9 / ( double ) iterations, iterations );

        if( ( g_benches[ b ].run == process_loop ) || ( g_benches[ b ].run == process_loop_socket ) )
        {
            printf( " recv_calls_per_message=%.2f", g_recv_per_message );
        }

        printf( "\n" );
    }

    return ( g_errors == 0 ) ? 0 : 1;
}
