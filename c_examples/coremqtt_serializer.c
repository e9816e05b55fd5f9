/*
 * coreMQTT's serializer API alone, over a plain POSIX socket, linked against
 * rsmqtt.
 *
 * Some firmware uses only core_mqtt_serializer.h and drives the socket itself.
 * This program does that: it serializes CONNECT, SUBSCRIBE, a QoS 1 PUBLISH,
 * PUBACK, PINGREQ and DISCONNECT into its own buffer, writes them with send(),
 * reads packets with MQTT_GetIncomingPacketTypeAndLength and recv(), and
 * deserializes CONNACK, SUBACK, PUBACK, the echoed PUBLISH and PINGRESP.
 * Exits 0 only if the broker's every answer was what MQTT 3.1.1 prescribes.
 *
 * Broker from the environment: RSMQTT_BROKER_HOST, RSMQTT_BROKER_PORT.
 */
// rsmqtt-ctest: with-broker

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "core_mqtt_serializer.h"

/* The serializer's receive hook takes a NetworkContext_t: ours holds the fd. */
struct NetworkContext
{
    int socket;
};

#define CLIENT_IDENTIFIER    "rsmqtt-serializer-demo"
#define DEMO_TOPIC           CLIENT_IDENTIFIER "/echo"
#define DEMO_MESSAGE         "serialized by hand"

static uint8_t txBuffer[ 256 ];
static uint8_t rxBuffer[ 256 ];

static int32_t socketRecv( NetworkContext_t * pContext,
                           void * pBuffer,
                           size_t bytesToRecv )
{
    ssize_t received = recv( pContext->socket, pBuffer, bytesToRecv, 0 );

    if( received < 0 )
    {
        return ( ( errno == EAGAIN ) || ( errno == EWOULDBLOCK ) ) ? 0 : -1;
    }

    /* A closed connection is an error, not "no data yet". */
    return ( received == 0 ) ? -1 : ( int32_t ) received;
}

static bool sendAll( int socket,
                     const uint8_t * pData,
                     size_t length )
{
    while( length > 0U )
    {
        ssize_t sent = send( socket, pData, length, 0 );

        if( sent <= 0 )
        {
            return false;
        }

        pData += sent;
        length -= ( size_t ) sent;
    }

    return true;
}

static bool recvAll( int socket,
                     uint8_t * pData,
                     size_t length )
{
    while( length > 0U )
    {
        ssize_t received = recv( socket, pData, length, 0 );

        if( received <= 0 )
        {
            return false;
        }

        pData += received;
        length -= ( size_t ) received;
    }

    return true;
}

/* Reads one whole packet into rxBuffer; false on timeout, error or overflow. */
static bool receivePacket( NetworkContext_t * pContext,
                           MQTTPacketInfo_t * pPacket )
{
    MQTTStatus_t status;

    ( void ) memset( pPacket, 0, sizeof( *pPacket ) );
    status = MQTT_GetIncomingPacketTypeAndLength( socketRecv, pContext, pPacket );

    if( status != MQTTSuccess )
    {
        printf( "MQTT_GetIncomingPacketTypeAndLength: status %d\n", ( int ) status );
        return false;
    }

    if( pPacket->remainingLength > sizeof( rxBuffer ) )
    {
        printf( "Packet of %zu bytes does not fit the buffer.\n", pPacket->remainingLength );
        return false;
    }

    pPacket->pRemainingData = rxBuffer;
    return recvAll( pContext->socket, rxBuffer, pPacket->remainingLength );
}

static int connectSocket( const char * host,
                          uint16_t port )
{
    struct sockaddr_in address;
    struct timeval timeout = { 5, 0 };
    int fd = socket( AF_INET, SOCK_STREAM, 0 );

    ( void ) memset( &address, 0, sizeof( address ) );
    address.sin_family = AF_INET;
    address.sin_port = htons( port );

    if( ( fd < 0 ) || ( inet_pton( AF_INET, host, &address.sin_addr ) != 1 ) ||
        ( connect( fd, ( struct sockaddr * ) &address, sizeof( address ) ) != 0 ) )
    {
        if( fd >= 0 )
        {
            ( void ) close( fd );
        }

        return -1;
    }

    ( void ) setsockopt( fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof( timeout ) );
    return fd;
}

#define CHECK( condition, what )                        \
    do {                                                \
        if( !( condition ) )                            \
        {                                               \
            printf( "FAILED: %s\n", what );             \
            ( void ) close( context.socket );           \
            return EXIT_FAILURE;                        \
        }                                               \
        printf( "ok: %s\n", what );                     \
    } while( 0 )

int main( void )
{
    const char * host = getenv( "RSMQTT_BROKER_HOST" );
    const char * port = getenv( "RSMQTT_BROKER_PORT" );
    NetworkContext_t context;
    MQTTFixedBuffer_t fixedBuffer = { txBuffer, sizeof( txBuffer ) };
    MQTTConnectInfo_t connectInfo = { 0 };
    MQTTSubscribeInfo_t subscription = { 0 };
    MQTTPublishInfo_t publish = { 0 };
    MQTTPublishInfo_t incoming = { 0 };
    MQTTPacketInfo_t packet;
    size_t remainingLength = 0U;
    size_t packetSize = 0U;
    uint16_t packetId = 0U;
    bool sessionPresent = true;
    bool pubAckSeen = false;
    bool echoSeen = false;
    int i;

    context.socket = connectSocket( ( host != NULL ) ? host : "127.0.0.1",
                                    ( uint16_t ) atoi( ( port != NULL ) ? port : "1883" ) );
    if( context.socket < 0 )
    {
        printf( "FAILED: TCP connect\n" );
        return EXIT_FAILURE;
    }

    /* CONNECT → CONNACK. */
    connectInfo.cleanSession = true;
    connectInfo.keepAliveSeconds = 60U;
    connectInfo.pClientIdentifier = CLIENT_IDENTIFIER;
    connectInfo.clientIdentifierLength = ( uint16_t ) strlen( CLIENT_IDENTIFIER );
    CHECK( MQTT_GetConnectPacketSize( &connectInfo, NULL, &remainingLength, &packetSize ) == MQTTSuccess,
           "MQTT_GetConnectPacketSize" );
    CHECK( MQTT_SerializeConnect( &connectInfo, NULL, remainingLength, &fixedBuffer ) == MQTTSuccess,
           "MQTT_SerializeConnect" );
    CHECK( sendAll( context.socket, txBuffer, packetSize ), "send CONNECT" );
    CHECK( receivePacket( &context, &packet ) && ( packet.type == MQTT_PACKET_TYPE_CONNACK ), "receive CONNACK" );
    CHECK( ( MQTT_DeserializeAck( &packet, &packetId, &sessionPresent ) == MQTTSuccess ) && !sessionPresent,
           "CONNACK accepted, no session present" );

    /* SUBSCRIBE → SUBACK granting QoS 1. */
    subscription.qos = MQTTQoS1;
    subscription.pTopicFilter = DEMO_TOPIC;
    subscription.topicFilterLength = ( uint16_t ) strlen( DEMO_TOPIC );
    CHECK( MQTT_GetSubscribePacketSize( &subscription, 1U, &remainingLength, &packetSize ) == MQTTSuccess,
           "MQTT_GetSubscribePacketSize" );
    CHECK( MQTT_SerializeSubscribe( &subscription, 1U, 1U, remainingLength, &fixedBuffer ) == MQTTSuccess,
           "MQTT_SerializeSubscribe" );
    CHECK( sendAll( context.socket, txBuffer, packetSize ), "send SUBSCRIBE" );
    CHECK( receivePacket( &context, &packet ) && ( packet.type == MQTT_PACKET_TYPE_SUBACK ), "receive SUBACK" );
    CHECK( ( MQTT_DeserializeAck( &packet, &packetId, NULL ) == MQTTSuccess ) && ( packetId == 1U ) &&
           ( packet.remainingLength == 3U ) && ( packet.pRemainingData[ 2 ] == 0x01U ),
           "SUBACK for packet 1 grants QoS 1" );

    /* PUBLISH QoS 1 → PUBACK, and the broker's echo, in either order. */
    publish.qos = MQTTQoS1;
    publish.pTopicName = DEMO_TOPIC;
    publish.topicNameLength = ( uint16_t ) strlen( DEMO_TOPIC );
    publish.pPayload = DEMO_MESSAGE;
    publish.payloadLength = strlen( DEMO_MESSAGE );
    CHECK( MQTT_GetPublishPacketSize( &publish, &remainingLength, &packetSize ) == MQTTSuccess,
           "MQTT_GetPublishPacketSize" );
    CHECK( MQTT_SerializePublish( &publish, 2U, remainingLength, &fixedBuffer ) == MQTTSuccess,
           "MQTT_SerializePublish" );
    CHECK( sendAll( context.socket, txBuffer, packetSize ), "send PUBLISH" );

    for( i = 0; ( i < 2 ) && !( pubAckSeen && echoSeen ); i++ )
    {
        CHECK( receivePacket( &context, &packet ), "receive PUBACK or PUBLISH" );

        if( packet.type == MQTT_PACKET_TYPE_PUBACK )
        {
            pubAckSeen = ( MQTT_DeserializeAck( &packet, &packetId, NULL ) == MQTTSuccess ) && ( packetId == 2U );
        }
        else if( ( packet.type & 0xF0U ) == MQTT_PACKET_TYPE_PUBLISH )
        {
            CHECK( MQTT_DeserializePublish( &packet, &packetId, &incoming ) == MQTTSuccess, "MQTT_DeserializePublish" );
            echoSeen = ( incoming.qos == MQTTQoS1 ) &&
                       ( incoming.payloadLength == strlen( DEMO_MESSAGE ) ) &&
                       ( memcmp( incoming.pPayload, DEMO_MESSAGE, incoming.payloadLength ) == 0 );
            printf( "echo: %.*s on %.*s\n", ( int ) incoming.payloadLength, ( const char * ) incoming.pPayload,
                    ( int ) incoming.topicNameLength, incoming.pTopicName );

            /* Acknowledge the broker's QoS 1 delivery. */
            CHECK( MQTT_SerializeAck( &fixedBuffer, MQTT_PACKET_TYPE_PUBACK, packetId ) == MQTTSuccess,
                   "MQTT_SerializeAck" );
            CHECK( sendAll( context.socket, txBuffer, MQTT_PUBLISH_ACK_PACKET_SIZE ), "send PUBACK" );
        }
    }

    CHECK( pubAckSeen, "PUBACK for packet 2" );
    CHECK( echoSeen, "echo arrived at QoS 1 with the same payload" );

    /* PINGREQ → PINGRESP. */
    CHECK( MQTT_GetPingreqPacketSize( &packetSize ) == MQTTSuccess, "MQTT_GetPingreqPacketSize" );
    CHECK( MQTT_SerializePingreq( &fixedBuffer ) == MQTTSuccess, "MQTT_SerializePingreq" );
    CHECK( sendAll( context.socket, txBuffer, packetSize ), "send PINGREQ" );
    CHECK( receivePacket( &context, &packet ) && ( packet.type == MQTT_PACKET_TYPE_PINGRESP ), "receive PINGRESP" );

    /* DISCONNECT; the broker then closes the connection. */
    CHECK( MQTT_GetDisconnectPacketSize( &packetSize ) == MQTTSuccess, "MQTT_GetDisconnectPacketSize" );
    CHECK( MQTT_SerializeDisconnect( &fixedBuffer ) == MQTTSuccess, "MQTT_SerializeDisconnect" );
    CHECK( sendAll( context.socket, txBuffer, packetSize ), "send DISCONNECT" );

    ( void ) close( context.socket );
    printf( "Serializer demo succeeded.\n" );
    return EXIT_SUCCESS;
}
