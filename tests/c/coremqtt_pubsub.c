/*
 * The coreMQTT API from C, end to end: a plain TCP connection to Mosquitto
 * through the POSIX plaintext transport, SUBSCRIBE to our own topic, PUBLISH
 * at QoS 0, 1 and 2, receive the three echoes through MQTT_ProcessLoop and
 * the event callback, UNSUBSCRIBE, DISCONNECT. Written the way a coreMQTT
 * v2.x application is written (loop on MQTT_ProcessLoop, check statuses).
 */
// rsmqtt-ctest: with-broker
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core_mqtt.h"
#include "core_mqtt_state.h"
#include "plaintext_posix.h"

struct NetworkContext
{
    PlaintextParams_t * pParams;
};

static int failures = 0;

#define CHECK( cond )                                                          \
    do {                                                                       \
        if( !( cond ) )                                                        \
        {                                                                      \
            fprintf( stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond ); \
            failures++;                                                        \
        }                                                                      \
    } while( 0 )

#define TOPIC_FILTER    "c/pubsub/#"

static uint32_t now_ms( void )
{
    struct timespec ts;

    ( void ) clock_gettime( CLOCK_MONOTONIC, &ts );
    return ( uint32_t ) ( ( uint64_t ) ts.tv_sec * 1000U + ( uint64_t ) ts.tv_nsec / 1000000U );
}

static int echoes[ 3 ];
static int suback_seen, unsuback_seen, puback_seen, pubcomp_seen;

static void on_event( MQTTContext_t * pContext,
                      MQTTPacketInfo_t * pPacketInfo,
                      MQTTDeserializedInfo_t * pInfo )
{
    ( void ) pContext;

    if( ( pPacketInfo->type & 0xF0U ) == MQTT_PACKET_TYPE_PUBLISH )
    {
        const MQTTPublishInfo_t * p = pInfo->pPublishInfo;
        bool matches = false;

        CHECK( MQTT_MatchTopic( p->pTopicName, p->topicNameLength, TOPIC_FILTER,
                                ( uint16_t ) strlen( TOPIC_FILTER ), &matches ) == MQTTSuccess );
        CHECK( matches );
        CHECK( p->payloadLength == 5 && memcmp( p->pPayload, "hello", 5 ) == 0 );

        if( ( p->qos <= MQTTQoS2 ) && ( p->topicNameLength == 11 ) )
        {
            echoes[ p->qos ]++;
        }
    }
    else if( pPacketInfo->type == MQTT_PACKET_TYPE_SUBACK )
    {
        uint8_t * codes = NULL;
        size_t count = 0;

        CHECK( MQTT_GetSubAckStatusCodes( pPacketInfo, &codes, &count ) == MQTTSuccess );
        CHECK( count == 1 && codes[ 0 ] == MQTTSubAckSuccessQos2 );
        suback_seen++;
    }
    else if( pPacketInfo->type == MQTT_PACKET_TYPE_UNSUBACK )
    {
        unsuback_seen++;
    }
    else if( pPacketInfo->type == MQTT_PACKET_TYPE_PUBACK )
    {
        puback_seen++;
    }
    else if( pPacketInfo->type == MQTT_PACKET_TYPE_PUBCOMP )
    {
        pubcomp_seen++;
    }
}

static int records_free( const MQTTPubAckInfo_t * records, size_t count )
{
    size_t i;

    for( i = 0; i < count; i++ )
    {
        if( records[ i ].packetId != MQTT_PACKET_ID_INVALID )
        {
            return 0;
        }
    }

    return 1;
}

/* Runs MQTT_ProcessLoop until *flag becomes nonzero (or 10 s pass). */
static int process_until( MQTTContext_t * ctx, const int * flag )
{
    uint32_t start = now_ms();

    while( *flag == 0 )
    {
        MQTTStatus_t status = MQTT_ProcessLoop( ctx );

        if( ( status != MQTTSuccess ) && ( status != MQTTNeedMoreBytes ) )
        {
            fprintf( stderr, "MQTT_ProcessLoop: %s\n", MQTT_Status_strerror( status ) );
            return 0;
        }

        if( now_ms() - start > 10000U )
        {
            fprintf( stderr, "timed out\n" );
            return 0;
        }
    }

    return 1;
}

int main( void )
{
    const char * host = getenv( "RSMQTT_BROKER_HOST" );
    const char * port = getenv( "RSMQTT_BROKER_PORT" );
    PlaintextParams_t params;
    NetworkContext_t network = { &params };
    ServerInfo_t server;
    TransportInterface_t transport;
    MQTTContext_t ctx;
    uint8_t buffer[ 1024 ];
    MQTTFixedBuffer_t fixed = { buffer, sizeof buffer };
    MQTTPubAckInfo_t outgoing[ 4 ], incoming[ 4 ];
    MQTTConnectInfo_t connect;
    MQTTSubscribeInfo_t subscription;
    MQTTPublishInfo_t publish;
    bool session_present = true;
    int all_echoes = 0;
    uint32_t start;
    unsigned qos;

    if( ( host == NULL ) || ( port == NULL ) )
    {
        fprintf( stderr, "run under scripts/with-broker.sh\n" );
        return 2;
    }

    server.pHostName = host;
    server.hostNameLength = strlen( host );
    server.port = ( uint16_t ) atoi( port );
    CHECK( Plaintext_Connect( &network, &server, 2000, 20 ) == SOCKETS_SUCCESS );

    transport.pNetworkContext = &network;
    transport.recv = Plaintext_Recv;
    transport.send = Plaintext_Send;
    transport.writev = Plaintext_Writev;

    memset( outgoing, 0, sizeof outgoing );
    memset( incoming, 0, sizeof incoming );
    CHECK( MQTT_Init( &ctx, &transport, now_ms, on_event, &fixed ) == MQTTSuccess );
    CHECK( MQTT_InitStatefulQoS( &ctx, outgoing, 4, incoming, 4 ) == MQTTSuccess );

    memset( &connect, 0, sizeof connect );
    connect.cleanSession = true;
    connect.keepAliveSeconds = 30;
    connect.pClientIdentifier = "c-pubsub";
    connect.clientIdentifierLength = ( uint16_t ) strlen( connect.pClientIdentifier );
    CHECK( MQTT_Connect( &ctx, &connect, NULL, 2000, &session_present ) == MQTTSuccess );
    CHECK( !session_present );
    CHECK( MQTT_CheckConnectStatus( &ctx ) == MQTTStatusConnected );

    subscription.qos = MQTTQoS2;
    subscription.pTopicFilter = TOPIC_FILTER;
    subscription.topicFilterLength = ( uint16_t ) strlen( TOPIC_FILTER );
    CHECK( MQTT_Subscribe( &ctx, &subscription, 1, MQTT_GetPacketId( &ctx ) ) == MQTTSuccess );
    CHECK( process_until( &ctx, &suback_seen ) );

    for( qos = 0; qos <= 2; qos++ )
    {
        static char topic[] = "c/pubsub/qX";

        topic[ 10 ] = ( char ) ( '0' + qos );
        memset( &publish, 0, sizeof publish );
        publish.qos = ( MQTTQoS_t ) qos;
        publish.pTopicName = topic;
        publish.topicNameLength = ( uint16_t ) strlen( topic );
        publish.pPayload = "hello";
        publish.payloadLength = 5;
        CHECK( MQTT_Publish( &ctx, &publish, qos == 0 ? 0 : MQTT_GetPacketId( &ctx ) ) == MQTTSuccess );
    }

    start = now_ms();

    while( !all_echoes && ( now_ms() - start < 10000U ) )
    {
        MQTTStatus_t status = MQTT_ProcessLoop( &ctx );

        CHECK( ( status == MQTTSuccess ) || ( status == MQTTNeedMoreBytes ) );
        all_echoes = echoes[ 0 ] == 1 && echoes[ 1 ] == 1 && echoes[ 2 ] == 1 &&
                     records_free( outgoing, 4 ) && records_free( incoming, 4 );
    }

    CHECK( all_echoes );
    CHECK( puback_seen == 1 && pubcomp_seen == 1 );

    CHECK( MQTT_Unsubscribe( &ctx, &subscription, 1, MQTT_GetPacketId( &ctx ) ) == MQTTSuccess );
    CHECK( process_until( &ctx, &unsuback_seen ) );
    CHECK( MQTT_Disconnect( &ctx ) == MQTTSuccess );
    CHECK( MQTT_CheckConnectStatus( &ctx ) == MQTTStatusNotConnected );
    CHECK( Plaintext_Disconnect( &network ) == SOCKETS_SUCCESS );

    if( failures != 0 )
    {
        fprintf( stderr, "%d check(s) failed\n", failures );
        return 1;
    }

    printf( "coremqtt_pubsub: ok\n" );
    return 0;
}
