/*
 * A coreMQTT application built the way the AWS IoT Device SDK for Embedded C
 * builds its demos: it compiles its own POSIX transport (transport/) and its
 * own backoffAlgorithm (backoff/), has its own core_mqtt_config.h and its own
 * logging macros, and links rsmqtt::rsmqtt in place of coreMQTT's sources.
 *
 * It retries the connection with its backoff (the first attempt goes to a
 * port nobody listens on), subscribes to its own topic at QoS 1, publishes one
 * QoS 1 message, waits for the PUBACK and the echo, and disconnects. Exits 0
 * only if all of that happened over the application's own transport, with its
 * own backoff and logging.
 *
 * Broker from the environment: RSMQTT_BROKER_HOST, RSMQTT_BROKER_PORT.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core_mqtt.h"
#include "plaintext_posix.h"
#include "backoff_algorithm.h"
#include "app_log.h"

struct NetworkContext
{
    PlaintextParams_t * pParams;
};

#define TOPIC              "rsmqtt/sdk-dropin/echo"
#define PAYLOAD            "hello from the SDK-style application"
#define WAIT_TIMEOUT_MS    5000U

unsigned appLogLines = 0U;

static uint8_t networkBuffer[ 1024 ];
static MQTTPubAckInfo_t outgoingRecords[ 4 ];
static MQTTPubAckInfo_t incomingRecords[ 4 ];
static bool subAckSeen;
static bool pubAckSeen;
static bool echoSeen;

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

        LogInfo( ( "Incoming publish: %.*s", ( int ) pPublish->payloadLength, ( const char * ) pPublish->pPayload ) );
        echoSeen = ( pPublish->payloadLength == strlen( PAYLOAD ) ) &&
                   ( memcmp( pPublish->pPayload, PAYLOAD, pPublish->payloadLength ) == 0 );
    }
    else if( pPacketInfo->type == MQTT_PACKET_TYPE_SUBACK )
    {
        subAckSeen = true;
    }
    else if( pPacketInfo->type == MQTT_PACKET_TYPE_PUBACK )
    {
        pubAckSeen = true;
    }
}

static bool waitFor( MQTTContext_t * pContext,
                     const bool * pFlag )
{
    uint32_t start = getTimeMs();

    while( !*pFlag && ( ( getTimeMs() - start ) < WAIT_TIMEOUT_MS ) )
    {
        MQTTStatus_t status = MQTT_ProcessLoop( pContext );

        if( ( status != MQTTSuccess ) && ( status != MQTTNeedMoreBytes ) )
        {
            LogError( ( "MQTT_ProcessLoop: %s", MQTT_Status_strerror( status ) ) );
            return false;
        }
    }

    return *pFlag;
}

/* A 127.0.0.1 port with no listener: bound, then closed again. */
static uint16_t closedPort( void )
{
    struct sockaddr_in addr;
    socklen_t length = sizeof( addr );
    int fd = socket( AF_INET, SOCK_STREAM, 0 );
    uint16_t port = 0U;

    memset( &addr, 0, sizeof( addr ) );
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl( INADDR_LOOPBACK );

    if( ( fd >= 0 ) && ( bind( fd, ( struct sockaddr * ) &addr, sizeof( addr ) ) == 0 ) &&
        ( getsockname( fd, ( struct sockaddr * ) &addr, &length ) == 0 ) )
    {
        port = ntohs( addr.sin_port );
    }

    if( fd >= 0 )
    {
        ( void ) close( fd );
    }

    return port;
}

/* Connects, retrying with the application's backoff. The first attempt goes
 * to a closed port, so at least one backoff delay is always taken. */
static bool connectWithBackoff( NetworkContext_t * pNetworkContext,
                                const char * host,
                                uint16_t brokerPort )
{
    BackoffAlgorithmContext_t retry;
    ServerInfo_t server = { host, strlen( host ), closedPort() };

    BackoffAlgorithm_InitializeParams( &retry, 10U, 200U, 5U );

    for( ; ; )
    {
        uint16_t delayMs = 0U;
        SocketStatus_t status = Plaintext_Connect( pNetworkContext, &server, 1000U, 100U );

        if( status == SOCKETS_SUCCESS )
        {
            LogInfo( ( "TCP connection to %s:%u established.", host, ( unsigned ) server.port ) );
            return true;
        }

        if( BackoffAlgorithm_GetNextBackoff( &retry, ( uint32_t ) rand(), &delayMs ) != BackoffAlgorithmSuccess )
        {
            LogError( ( "All connection attempts failed." ) );
            return false;
        }

        LogWarn( ( "Connection to port %u failed (%d); retrying in %u ms.",
                   ( unsigned ) server.port, ( int ) status, ( unsigned ) delayMs ) );
        ( void ) usleep( ( useconds_t ) delayMs * 1000U );
        server.port = brokerPort;
    }
}

int main( void )
{
    const char * host = getenv( "RSMQTT_BROKER_HOST" );
    const char * portText = getenv( "RSMQTT_BROKER_PORT" );
    PlaintextParams_t params = { -1 };
    NetworkContext_t networkContext = { &params };
    TransportInterface_t transport;
    MQTTFixedBuffer_t buffer = { networkBuffer, sizeof( networkBuffer ) };
    MQTTContext_t context;
    MQTTConnectInfo_t connectInfo;
    MQTTSubscribeInfo_t subscription;
    MQTTPublishInfo_t publish;
    char clientId[ 48 ];
    bool sessionPresent = false;
    uint16_t packetId;

    if( ( host == NULL ) || ( portText == NULL ) )
    {
        fprintf( stderr, "RSMQTT_BROKER_HOST and RSMQTT_BROKER_PORT must be set\n" );
        return 2;
    }

    srand( ( unsigned ) getTimeMs() );

    if( !connectWithBackoff( &networkContext, host, ( uint16_t ) atoi( portText ) ) )
    {
        return 1;
    }

    memset( &transport, 0, sizeof( transport ) );
    transport.pNetworkContext = &networkContext;
    transport.send = Plaintext_Send;
    transport.recv = Plaintext_Recv;

    if( ( MQTT_Init( &context, &transport, getTimeMs, eventCallback, &buffer ) != MQTTSuccess ) ||
        ( MQTT_InitStatefulQoS( &context, outgoingRecords, 4U, incomingRecords, 4U ) != MQTTSuccess ) )
    {
        LogError( ( "MQTT_Init failed." ) );
        return 1;
    }

    ( void ) snprintf( clientId, sizeof( clientId ), "rsmqtt-sdk-dropin-%ld", ( long ) getpid() );
    memset( &connectInfo, 0, sizeof( connectInfo ) );
    connectInfo.cleanSession = true;
    connectInfo.pClientIdentifier = clientId;
    connectInfo.clientIdentifierLength = ( uint16_t ) strlen( clientId );
    connectInfo.keepAliveSeconds = 30U;

    if( MQTT_Connect( &context, &connectInfo, NULL, 2000U, &sessionPresent ) != MQTTSuccess )
    {
        LogError( ( "MQTT_Connect failed." ) );
        return 1;
    }

    memset( &subscription, 0, sizeof( subscription ) );
    subscription.qos = MQTTQoS1;
    subscription.pTopicFilter = TOPIC;
    subscription.topicFilterLength = ( uint16_t ) strlen( TOPIC );
    packetId = MQTT_GetPacketId( &context );

    if( ( MQTT_Subscribe( &context, &subscription, 1U, packetId ) != MQTTSuccess ) ||
        !waitFor( &context, &subAckSeen ) )
    {
        LogError( ( "Subscribing to %s failed.", TOPIC ) );
        return 1;
    }

    memset( &publish, 0, sizeof( publish ) );
    publish.qos = MQTTQoS1;
    publish.pTopicName = TOPIC;
    publish.topicNameLength = ( uint16_t ) strlen( TOPIC );
    publish.pPayload = PAYLOAD;
    publish.payloadLength = strlen( PAYLOAD );
    packetId = MQTT_GetPacketId( &context );

    if( ( MQTT_Publish( &context, &publish, packetId ) != MQTTSuccess ) ||
        !waitFor( &context, &pubAckSeen ) || !waitFor( &context, &echoSeen ) )
    {
        LogError( ( "The QoS 1 publish was not acknowledged and echoed." ) );
        return 1;
    }

    if( ( MQTT_Disconnect( &context ) != MQTTSuccess ) ||
        ( Plaintext_Disconnect( &networkContext ) != SOCKETS_SUCCESS ) )
    {
        LogError( ( "Disconnecting failed." ) );
        return 1;
    }

    LogInfo( ( "Done: %u transport sends, %u bytes received, %u backoff delays.",
               ( unsigned ) plaintextTestSendCalls, ( unsigned ) plaintextTestRecvBytes,
               ( unsigned ) backoffTestCalls ) );

    /* CONNECT, SUBSCRIBE, PUBLISH, PUBACK for the echo, DISCONNECT at least;
     * CONNACK + SUBACK + PUBACK + PUBLISH at least 4 + 5 + 4 + 2 bytes. */
    if( ( plaintextTestSendCalls < 5U ) || ( plaintextTestRecvBytes < 15U ) || ( backoffTestCalls < 1U ) ||
        ( appLogLines < 3U ) )
    {
        fprintf( stderr, "The application's own transport, backoff or logging did not run.\n" );
        return 1;
    }

    printf( "sdk_dropin: passed\n" );
    return 0;
}
