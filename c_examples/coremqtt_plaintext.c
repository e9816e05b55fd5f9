/*
 * coreMQTT over plain TCP, linked against rsmqtt: every QoS in both directions.
 *
 * Connects with a last-will message, subscribes to its own topic at QoS 2,
 * publishes one message at each of QoS 0, 1 and 2, and checks each comes back
 * at the QoS it was sent with (the subscription grants up to 2) and that the
 * publisher's side of each exchange completed (PUBACK, PUBCOMP). Then it pings,
 * unsubscribes and disconnects. Exits 0 only if all of that happened.
 *
 * Broker from the environment: RSMQTT_BROKER_HOST, RSMQTT_BROKER_PORT.
 */
// rsmqtt-ctest: with-broker
// rsmqtt-ctest: memcheck

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core_mqtt.h"
/* The demo's LogInfo/LogError: core_mqtt.h does not include the
 * configuration (as with coreMQTT since v2.3.1; the SDK's demos get their
 * logging macros from demo_config.h the same way). */
#include "core_mqtt_config.h"
#include "plaintext_posix.h"

struct NetworkContext
{
    PlaintextParams_t * pParams;
};

#define CLIENT_IDENTIFIER    "rsmqtt-plaintext-demo"
#define DEMO_TOPIC           CLIENT_IDENTIFIER "/qos"
#define WILL_TOPIC           CLIENT_IDENTIFIER "/status"
#define WAIT_TIMEOUT_MS      5000U

static uint8_t networkBuffer[ 512 ];
static MQTTPubAckInfo_t outgoingRecords[ 4 ];
static MQTTPubAckInfo_t incomingRecords[ 4 ];

/* Bit i set: the echo of the QoS i message arrived at QoS i. */
static unsigned echoedQos;
/* Every acknowledgement seen so far, so that waiting for one works whether it
 * arrived before or after the echo. */
static struct
{
    uint8_t type;
    uint16_t packetId;
} seenAcks[ 16 ];
static size_t seenAckCount;
static uint8_t awaitedAckType;
static uint16_t awaitedPacketId;

static uint32_t getTimeMs( void )
{
    struct timespec now;

    ( void ) clock_gettime( CLOCK_MONOTONIC, &now );
    return ( uint32_t ) ( ( ( uint64_t ) now.tv_sec * 1000U ) + ( ( uint64_t ) now.tv_nsec / 1000000U ) );
}

static void eventCallback( MQTTContext_t * pContext,
                           MQTTPacketInfo_t * pPacketInfo,
                           MQTTDeserializedInfo_t * pDeserializedInfo )
{
    ( void ) pContext;

    if( ( pPacketInfo->type & 0xF0U ) == MQTT_PACKET_TYPE_PUBLISH )
    {
        const MQTTPublishInfo_t * pPublish = pDeserializedInfo->pPublishInfo;
        char expected[ 16 ];

        ( void ) snprintf( expected, sizeof( expected ), "qos %d", ( int ) pPublish->qos );
        LogInfo( ( "Received QoS %d: %.*s", ( int ) pPublish->qos,
                   ( int ) pPublish->payloadLength, ( const char * ) pPublish->pPayload ) );

        if( ( pPublish->payloadLength == strlen( expected ) ) &&
            ( memcmp( pPublish->pPayload, expected, pPublish->payloadLength ) == 0 ) )
        {
            echoedQos |= 1U << ( unsigned ) pPublish->qos;
        }
    }
    else if( seenAckCount < ( sizeof( seenAcks ) / sizeof( seenAcks[ 0 ] ) ) )
    {
        seenAcks[ seenAckCount ].type = pPacketInfo->type;
        seenAcks[ seenAckCount ].packetId = pDeserializedInfo->packetIdentifier;
        seenAckCount++;
    }
}

static bool waitFor( MQTTContext_t * pContext,
                     bool ( * pDone )( void ) )
{
    uint32_t start = getTimeMs();

    while( !pDone() && ( ( getTimeMs() - start ) < WAIT_TIMEOUT_MS ) )
    {
        MQTTStatus_t status = MQTT_ProcessLoop( pContext );

        if( ( status != MQTTSuccess ) && ( status != MQTTNeedMoreBytes ) )
        {
            LogError( ( "MQTT_ProcessLoop: %s", MQTT_Status_strerror( status ) ) );
            return false;
        }
    }

    return pDone();
}

static bool ackDone( void )
{
    size_t i;

    for( i = 0U; i < seenAckCount; i++ )
    {
        if( ( seenAcks[ i ].type == awaitedAckType ) && ( seenAcks[ i ].packetId == awaitedPacketId ) )
        {
            return true;
        }
    }

    return false;
}

static unsigned wantedQos;

static bool echoDone( void )
{
    return ( echoedQos & ( 1U << wantedQos ) ) != 0U;
}

static const MQTTContext_t * pContextForPing;

static bool pingAnswered( void )
{
    return !pContextForPing->waitingForPingResp;
}

static void expectAck( uint8_t type,
                       uint16_t packetId )
{
    awaitedAckType = type;
    awaitedPacketId = packetId;
}

int main( void )
{
    PlaintextParams_t plaintextParams = { 0 };
    NetworkContext_t networkContext = { &plaintextParams };
    const char * host = getenv( "RSMQTT_BROKER_HOST" );
    const char * port = getenv( "RSMQTT_BROKER_PORT" );
    ServerInfo_t serverInfo;
    TransportInterface_t transport = { 0 };
    MQTTFixedBuffer_t buffer = { networkBuffer, sizeof( networkBuffer ) };
    MQTTContext_t context = { 0 };
    MQTTConnectInfo_t connectInfo = { 0 };
    MQTTPublishInfo_t will = { 0 };
    MQTTSubscribeInfo_t subscription = { 0 };
    bool sessionPresent = true;
    bool ok = true;
    uint16_t packetId;

    host = ( host != NULL ) ? host : "127.0.0.1";
    serverInfo.pHostName = host;
    serverInfo.hostNameLength = strlen( host );
    serverInfo.port = ( uint16_t ) atoi( ( port != NULL ) ? port : "1883" );

    if( Plaintext_Connect( &networkContext, &serverInfo, 1000U, 1000U ) != SOCKETS_SUCCESS )
    {
        LogError( ( "TCP connection to %s:%u failed.", host, ( unsigned ) serverInfo.port ) );
        return EXIT_FAILURE;
    }

    transport.pNetworkContext = &networkContext;
    transport.send = Plaintext_Send;
    transport.recv = Plaintext_Recv;

    if( ( MQTT_Init( &context, &transport, getTimeMs, eventCallback, &buffer ) != MQTTSuccess ) ||
        ( MQTT_InitStatefulQoS( &context, outgoingRecords, 4U, incomingRecords, 4U ) != MQTTSuccess ) )
    {
        LogError( ( "MQTT context initialisation failed." ) );
        return EXIT_FAILURE;
    }

    connectInfo.cleanSession = true;
    connectInfo.pClientIdentifier = CLIENT_IDENTIFIER;
    connectInfo.clientIdentifierLength = ( uint16_t ) strlen( CLIENT_IDENTIFIER );
    connectInfo.keepAliveSeconds = 30U;
    will.qos = MQTTQoS1;
    will.pTopicName = WILL_TOPIC;
    will.topicNameLength = ( uint16_t ) strlen( WILL_TOPIC );
    will.pPayload = "offline";
    will.payloadLength = strlen( "offline" );

    if( MQTT_Connect( &context, &connectInfo, &will, 2000U, &sessionPresent ) != MQTTSuccess )
    {
        LogError( ( "MQTT_Connect failed." ) );
        return EXIT_FAILURE;
    }

    LogInfo( ( "Connected; session present: %s.", sessionPresent ? "yes" : "no" ) );
    ok = !sessionPresent;

    subscription.qos = MQTTQoS2;
    subscription.pTopicFilter = DEMO_TOPIC;
    subscription.topicFilterLength = ( uint16_t ) strlen( DEMO_TOPIC );
    packetId = MQTT_GetPacketId( &context );
    expectAck( MQTT_PACKET_TYPE_SUBACK, packetId );
    ok = ok && ( MQTT_Subscribe( &context, &subscription, 1U, packetId ) == MQTTSuccess );
    ok = ok && waitFor( &context, ackDone );
    LogInfo( ( "Subscribed to %s at QoS 2: %s.", DEMO_TOPIC, ok ? "yes" : "no" ) );

    for( wantedQos = 0U; ok && ( wantedQos <= 2U ); wantedQos++ )
    {
        MQTTPublishInfo_t publish = { 0 };
        char payload[ 16 ];

        ( void ) snprintf( payload, sizeof( payload ), "qos %u", wantedQos );
        publish.qos = ( MQTTQoS_t ) wantedQos;
        publish.pTopicName = DEMO_TOPIC;
        publish.topicNameLength = ( uint16_t ) strlen( DEMO_TOPIC );
        publish.pPayload = payload;
        publish.payloadLength = strlen( payload );
        packetId = ( wantedQos == 0U ) ? 0U : MQTT_GetPacketId( &context );

        LogInfo( ( "Publishing at QoS %u.", wantedQos ) );
        ok = ( MQTT_Publish( &context, &publish, packetId ) == MQTTSuccess ) && waitFor( &context, echoDone );

        if( ok && ( wantedQos > 0U ) )
        {
            /* The publisher's side ends with PUBACK (QoS 1) or PUBCOMP (QoS 2). */
            expectAck( ( wantedQos == 1U ) ? MQTT_PACKET_TYPE_PUBACK : MQTT_PACKET_TYPE_PUBCOMP, packetId );
            ok = waitFor( &context, ackDone );
        }
    }

    if( ok )
    {
        /* MQTT_ProcessLoop consumes PINGRESP itself (keep-alive bookkeeping)
         * instead of passing it to the callback, as coreMQTT does; the context
         * field waitingForPingResp shows when it has arrived. */
        pContextForPing = &context;
        ok = ( MQTT_Ping( &context ) == MQTTSuccess ) && context.waitingForPingResp &&
             waitFor( &context, pingAnswered );
        LogInfo( ( "PINGRESP received: %s.", ok ? "yes" : "no" ) );
    }

    if( ok )
    {
        packetId = MQTT_GetPacketId( &context );
        expectAck( MQTT_PACKET_TYPE_UNSUBACK, packetId );
        ok = ( MQTT_Unsubscribe( &context, &subscription, 1U, packetId ) == MQTTSuccess ) && waitFor( &context, ackDone );
        LogInfo( ( "Unsubscribed: %s.", ok ? "yes" : "no" ) );
    }

    ok = ( MQTT_Disconnect( &context ) == MQTTSuccess ) && ok;
    ( void ) Plaintext_Disconnect( &networkContext );

    if( ok && ( echoedQos == 0x7U ) )
    {
        LogInfo( ( "Plaintext demo succeeded: QoS 0, 1 and 2 each made the round trip." ) );
        return EXIT_SUCCESS;
    }

    LogError( ( "Plaintext demo failed (echo mask 0x%X).", echoedQos ) );
    return EXIT_FAILURE;
}
