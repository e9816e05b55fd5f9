/*
 * Calls the stateless coreMQTT-compatible functions from C, through the
 * generated headers and the static library, the way application code does:
 * serializer, deserializer, state records, utilities and backoff. Expected
 * bytes follow the MQTT 3.1.1 standard (section numbers in the comments).
 * Exits 0 when every check passes, 1 otherwise.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core_mqtt.h"
#include "core_mqtt_serializer.h"
#include "core_mqtt_state.h"
#include "backoff_algorithm.h"

struct NetworkContext
{
    const uint8_t * pData;
    size_t length;
    size_t offset;
};

static int failures = 0;

#define CHECK( condition )                                                  \
    do {                                                                    \
        if( !( condition ) )                                                \
        {                                                                   \
            fprintf( stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                     #condition );                                          \
            failures++;                                                     \
        }                                                                   \
    } while( 0 )

#define CHECK_BYTES( actual, expected, length ) \
    CHECK( memcmp( ( actual ), ( expected ), ( length ) ) == 0 )

/* A transport receive function reading from a byte array. */
static int32_t recvFromArray( NetworkContext_t * pContext, void * pBuffer, size_t bytesToRecv )
{
    size_t available = pContext->length - pContext->offset;
    size_t count = ( bytesToRecv < available ) ? bytesToRecv : available;

    memcpy( pBuffer, pContext->pData + pContext->offset, count );
    pContext->offset += count;
    return ( int32_t ) count;
}

static void testConnect( void )
{
    /* §3.1: remaining length 16, "MQTT", level 4, clean session, keep alive 60. */
    static const uint8_t expected[] = { 0x10, 16, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60,
                                        0, 4, 't', 'e', 's', 't' };
    MQTTConnectInfo_t connectInfo = { 0 };
    uint8_t buffer[ 32 ];
    MQTTFixedBuffer_t fixedBuffer = { .pBuffer = buffer, .size = sizeof( buffer ) };
    size_t remainingLength = 0, packetSize = 0;

    connectInfo.cleanSession = true;
    connectInfo.keepAliveSeconds = 60;
    connectInfo.pClientIdentifier = "test";
    connectInfo.clientIdentifierLength = 4;

    CHECK( MQTT_GetConnectPacketSize( &connectInfo, NULL, &remainingLength, &packetSize ) == MQTTSuccess );
    CHECK( remainingLength == 16 && packetSize == 18 );
    CHECK( MQTT_SerializeConnect( &connectInfo, NULL, remainingLength, &fixedBuffer ) == MQTTSuccess );
    CHECK_BYTES( buffer, expected, sizeof( expected ) );

    fixedBuffer.size = 17;
    CHECK( MQTT_SerializeConnect( &connectInfo, NULL, remainingLength, &fixedBuffer ) == MQTTNoMemory );
    connectInfo.clientIdentifierLength = 0;
    CHECK( MQTT_GetConnectPacketSize( &connectInfo, NULL, &remainingLength, &packetSize ) == MQTTBadParameter );
}

static void testPublishRoundTrip( void )
{
    /* §3.3: QoS 1 | retain = 0x33, remaining length 9, topic, id 7, payload. */
    static const uint8_t expected[] = { 0x33, 9, 0, 3, 'a', '/', 'b', 0, 7, 'h', 'i' };
    MQTTPublishInfo_t publishInfo = { 0 };
    MQTTPublishInfo_t received = { 0 };
    MQTTPacketInfo_t packetInfo = { 0 };
    uint8_t buffer[ 32 ];
    MQTTFixedBuffer_t fixedBuffer = { .pBuffer = buffer, .size = sizeof( buffer ) };
    size_t remainingLength = 0, packetSize = 0, index = 0;
    uint16_t packetId = 0;

    publishInfo.qos = MQTTQoS1;
    publishInfo.retain = true;
    publishInfo.pTopicName = "a/b";
    publishInfo.topicNameLength = 3;
    publishInfo.pPayload = "hi";
    publishInfo.payloadLength = 2;

    CHECK( MQTT_GetPublishPacketSize( &publishInfo, &remainingLength, &packetSize ) == MQTTSuccess );
    CHECK( MQTT_SerializePublish( &publishInfo, 7, remainingLength, &fixedBuffer ) == MQTTSuccess );
    CHECK_BYTES( buffer, expected, sizeof( expected ) );
    CHECK( MQTT_SerializePublish( &publishInfo, 0, remainingLength, &fixedBuffer ) == MQTTBadParameter );

    index = packetSize;
    CHECK( MQTT_ProcessIncomingPacketTypeAndLength( buffer, &index, &packetInfo ) == MQTTSuccess );
    CHECK( packetInfo.type == 0x33 && packetInfo.remainingLength == 9 && packetInfo.headerLength == 2 );
    packetInfo.pRemainingData = &buffer[ packetInfo.headerLength ];
    CHECK( MQTT_DeserializePublish( &packetInfo, &packetId, &received ) == MQTTSuccess );
    CHECK( packetId == 7 && received.qos == MQTTQoS1 && received.retain && !received.dup );
    CHECK( received.topicNameLength == 3 && memcmp( received.pTopicName, "a/b", 3 ) == 0 );
    CHECK( received.payloadLength == 2 && memcmp( received.pPayload, "hi", 2 ) == 0 );

    CHECK( MQTT_UpdateDuplicatePublishFlag( buffer, true ) == MQTTSuccess );
    CHECK( buffer[ 0 ] == 0x3B );
}

static void testAcks( void )
{
    uint8_t ack[ MQTT_PUBLISH_ACK_PACKET_SIZE ];
    MQTTFixedBuffer_t fixedBuffer = { .pBuffer = ack, .size = sizeof( ack ) };
    uint8_t connack[] = { 0x01, 0x00 };
    uint8_t suback[] = { 0x00, 0x0A, 0x01, 0x80 };
    MQTTPacketInfo_t packetInfo = { 0 };
    uint16_t packetId = 0;
    bool sessionPresent = false;
    uint8_t * pCodes = NULL;
    size_t codeCount = 0;

    /* §3.6: PUBREL carries flags 0b0010. */
    CHECK( MQTT_SerializeAck( &fixedBuffer, MQTT_PACKET_TYPE_PUBREL, 0x1234 ) == MQTTSuccess );
    CHECK( ack[ 0 ] == 0x62 && ack[ 1 ] == 2 && ack[ 2 ] == 0x12 && ack[ 3 ] == 0x34 );

    packetInfo.type = MQTT_PACKET_TYPE_CONNACK;
    packetInfo.pRemainingData = connack;
    packetInfo.remainingLength = sizeof( connack );
    CHECK( MQTT_DeserializeAck( &packetInfo, NULL, &sessionPresent ) == MQTTSuccess );
    CHECK( sessionPresent );
    connack[ 0 ] = 0;
    connack[ 1 ] = 5;
    CHECK( MQTT_DeserializeAck( &packetInfo, NULL, &sessionPresent ) == MQTTServerRefused );

    packetInfo.type = MQTT_PACKET_TYPE_SUBACK;
    packetInfo.pRemainingData = suback;
    packetInfo.remainingLength = sizeof( suback );
    CHECK( MQTT_DeserializeAck( &packetInfo, &packetId, NULL ) == MQTTServerRefused );
    CHECK( packetId == 10 );
    CHECK( MQTT_GetSubAckStatusCodes( &packetInfo, &pCodes, &codeCount ) == MQTTSuccess );
    CHECK( codeCount == 2 && pCodes[ 0 ] == MQTTSubAckSuccessQos1 && pCodes[ 1 ] == MQTTSubAckFailure );

    packetInfo.type = MQTT_PACKET_TYPE_PINGRESP;
    packetInfo.pRemainingData = NULL;
    packetInfo.remainingLength = 0;
    CHECK( MQTT_DeserializeAck( &packetInfo, NULL, NULL ) == MQTTSuccess );
}

static void testTransportHeader( void )
{
    static const uint8_t wire[] = { 0x40, 0x02, 0x00, 0x07 };
    NetworkContext_t network = { .pData = wire, .length = sizeof( wire ), .offset = 0 };
    MQTTPacketInfo_t packetInfo = { 0 };

    CHECK( MQTT_GetIncomingPacketTypeAndLength( recvFromArray, &network, &packetInfo ) == MQTTSuccess );
    CHECK( packetInfo.type == MQTT_PACKET_TYPE_PUBACK && packetInfo.remainingLength == 2 );
    CHECK( network.offset == 2 );
    network.offset = network.length;
    CHECK( MQTT_GetIncomingPacketTypeAndLength( recvFromArray, &network, &packetInfo ) == MQTTNoDataAvailable );
}

static void testStateRecords( void )
{
    MQTTPubAckInfo_t outgoing[ 2 ];
    MQTTPubAckInfo_t incoming[ 2 ];
    MQTTContext_t context;
    MQTTPublishState_t state = MQTTStateNull;
    MQTTStateCursor_t cursor = MQTT_STATE_CURSOR_INITIALIZER;

    memset( &context, 0, sizeof( context ) );
    memset( outgoing, 0, sizeof( outgoing ) );
    memset( incoming, 0, sizeof( incoming ) );
    context.outgoingPublishRecords = outgoing;
    context.outgoingPublishRecordMaxCount = 2;
    context.incomingPublishRecords = incoming;
    context.incomingPublishRecordMaxCount = 2;

    CHECK( MQTT_ReserveState( &context, 1, MQTTQoS2 ) == MQTTSuccess );
    CHECK( MQTT_ReserveState( &context, 1, MQTTQoS1 ) == MQTTStateCollision );
    CHECK( MQTT_ReserveState( &context, 2, MQTTQoS1 ) == MQTTSuccess );
    CHECK( MQTT_ReserveState( &context, 3, MQTTQoS1 ) == MQTTNoMemory );
    CHECK( MQTT_UpdateStatePublish( &context, 1, MQTT_SEND, MQTTQoS2, &state ) == MQTTSuccess );
    CHECK( state == MQTTPubRecPending );
    CHECK( MQTT_UpdateStateAck( &context, 1, MQTTPubrec, MQTT_RECEIVE, &state ) == MQTTSuccess );
    CHECK( state == MQTTPubRelSend );
    CHECK( MQTT_UpdateStateAck( &context, 1, MQTTPubcomp, MQTT_RECEIVE, &state ) == MQTTIllegalState );
    CHECK( MQTT_UpdateStateAck( &context, 9, MQTTPuback, MQTT_RECEIVE, &state ) == MQTTBadResponse );
    CHECK( MQTT_PubrelToResend( &context, &cursor, &state ) == 1 );
    CHECK( MQTT_PubrelToResend( &context, &cursor, &state ) == 0 );
    cursor = MQTT_STATE_CURSOR_INITIALIZER;
    CHECK( MQTT_PublishToResend( &context, &cursor ) == 2 );
    CHECK( strcmp( MQTT_State_strerror( MQTTPubRelSend ), "MQTTPubRelSend" ) == 0 );
    CHECK( MQTT_CalculateStatePublish( MQTT_RECEIVE, MQTTQoS1 ) == MQTTPubAckSend );
    CHECK( MQTT_CalculateStateAck( MQTTPuback, MQTT_RECEIVE, MQTTQoS2 ) == MQTTStateNull );
}

static void testUtilities( void )
{
    bool isMatch = false;

    CHECK( MQTT_MatchTopic( "sport/tennis/player1", 20, "sport/+/player1", 15, &isMatch ) == MQTTSuccess );
    CHECK( isMatch );
    CHECK( MQTT_MatchTopic( "$SYS/x", 6, "#", 1, &isMatch ) == MQTTSuccess );
    CHECK( !isMatch );
    CHECK( MQTT_MatchTopic( "a", 0, "#", 1, &isMatch ) == MQTTBadParameter );
    CHECK( strcmp( MQTT_Status_strerror( MQTTNoMemory ), "MQTTNoMemory" ) == 0 );
    CHECK( strcmp( MQTT_Status_strerror( ( MQTTStatus_t ) 99 ), "Invalid MQTT Status code" ) == 0 );
}

static void testBackoff( void )
{
    BackoffAlgorithmContext_t retry;
    uint16_t delay = 0;

    BackoffAlgorithm_InitializeParams( &retry, 500, 5000, 2 );
    /* Full jitter: 123456789 % (500 + 1) = 369, then % (1000 + 1) = 456. */
    CHECK( BackoffAlgorithm_GetNextBackoff( &retry, 123456789U, &delay ) == BackoffAlgorithmSuccess );
    CHECK( delay == 369 && retry.nextJitterMax == 1000 );
    CHECK( BackoffAlgorithm_GetNextBackoff( &retry, 123456789U, &delay ) == BackoffAlgorithmSuccess );
    CHECK( delay == 456 && retry.attemptsDone == 2 );
    CHECK( BackoffAlgorithm_GetNextBackoff( &retry, 1U, &delay ) == BackoffAlgorithmRetriesExhausted );
}

int main( void )
{
    testConnect();
    testPublishRoundTrip();
    testAcks();
    testTransportHeader();
    testStateRecords();
    testUtilities();
    testBackoff();

    if( failures == 0 )
    {
        printf( "coremqtt_serializer_api: all checks passed\n" );
    }

    return ( failures == 0 ) ? 0 : 1;
}
