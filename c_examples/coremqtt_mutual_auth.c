/*
 * coreMQTT mutual-authentication demo, linked against rsmqtt.
 *
 * This is the FreeRTOS "coreMQTT Mutual Authentication" demo ported to the
 * coreMQTT v2 call shape (MQTT_ProcessLoop without a timeout, stateful QoS
 * records) and to a POSIX host. It uses only coreMQTT's public API, the
 * backoffAlgorithm library and a TLS transport, exactly as a firmware
 * application does; the only rsmqtt-specific part is the transport header.
 *
 *  1. TLS connect with a client certificate, retried with exponential backoff
 *     and full jitter;
 *  2. MQTT CONNECT with a clean session;
 *  3. SUBSCRIBE to a topic, retried with backoff while the broker refuses it;
 *  4. five QoS 1 PUBLISHes to that topic, each echoed back by the broker;
 *  5. UNSUBSCRIBE, DISCONNECT, TLS shutdown.
 *
 * It exits 0 only when every step succeeded and every echo arrived.
 *
 * Broker and credentials come from the environment (scripts/with-broker.sh
 * sets them): RSMQTT_BROKER_HOST, RSMQTT_BROKER_TLS_PORT, RSMQTT_CA,
 * RSMQTT_CLIENT_CERT, RSMQTT_CLIENT_KEY.
 */
// rsmqtt-ctest: with-broker

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core_mqtt.h"
/* The demo's LogInfo/LogWarn/LogError: core_mqtt.h does not include the
 * configuration (as with coreMQTT since v2.3.1; the SDK's demos get their
 * logging macros from demo_config.h the same way). */
#include "core_mqtt_config.h"
#include "backoff_algorithm.h"
#include "tls_posix.h"

/* The application defines the network context; the TLS transport finds its
 * parameters through the first member, as the SDK's POSIX transports do. */
struct NetworkContext
{
    TlsParams_t * pParams;
};

#define CLIENT_IDENTIFIER                 "rsmqtt-mutual-auth-demo"
#define DEMO_TOPIC                        CLIENT_IDENTIFIER "/example/topic"
#define DEMO_MESSAGE                      "Hello World!"
#define NETWORK_BUFFER_SIZE               1024U
#define KEEP_ALIVE_SECONDS                60U
#define CONNACK_RECV_TIMEOUT_MS           1000U
#define TRANSPORT_SEND_RECV_TIMEOUT_MS    500U
#define MAX_PUBLISH_COUNT                 5U
#define ACK_WAIT_TIMEOUT_MS               5000U
#define RETRY_MAX_ATTEMPTS                5U
#define RETRY_BACKOFF_BASE_MS             500U
#define RETRY_MAX_BACKOFF_DELAY_MS        5000U
#define OUTGOING_PUBLISH_RECORD_COUNT     10U
#define INCOMING_PUBLISH_RECORD_COUNT     10U

static uint8_t networkBuffer[ NETWORK_BUFFER_SIZE ];
static MQTTPubAckInfo_t outgoingRecords[ OUTGOING_PUBLISH_RECORD_COUNT ];
static MQTTPubAckInfo_t incomingRecords[ INCOMING_PUBLISH_RECORD_COUNT ];

/* What the event callback has seen, checked by the demo's steps. */
static uint16_t subscribePacketId;
static uint16_t unsubscribePacketId;
static uint16_t publishPacketId;
static bool subAckReceived;
static MQTTSubAckStatus_t subAckStatus = MQTTSubAckFailure;
static bool unsubAckReceived;
static bool pubAckReceived;
static uint32_t echoesReceived;
static bool echoThisRound;

static uint32_t getTimeMs( void )
{
    struct timespec now;

    ( void ) clock_gettime( CLOCK_MONOTONIC, &now );
    return ( uint32_t ) ( ( ( uint64_t ) now.tv_sec * 1000U ) + ( ( uint64_t ) now.tv_nsec / 1000000U ) );
}

static const char * envOr( const char * name,
                           const char * fallback )
{
    const char * value = getenv( name );

    return ( value != NULL ) ? value : fallback;
}

/* Sleeps for the next backoff period; false once the retries are used up. */
static bool backoffForRetry( BackoffAlgorithmContext_t * pRetryParams )
{
    uint16_t nextDelayMs = 0U;
    BackoffAlgorithmStatus_t status;

    /* rand() stands in for the platform's random source; seeded in main(). */
    status = BackoffAlgorithm_GetNextBackoff( pRetryParams, ( uint32_t ) rand(), &nextDelayMs );

    if( status == BackoffAlgorithmRetriesExhausted )
    {
        LogError( ( "All retry attempts are exhausted." ) );
        return false;
    }

    LogWarn( ( "Retrying in %u ms (attempt %u of %u).",
               ( unsigned ) nextDelayMs,
               ( unsigned ) pRetryParams->attemptsDone,
               ( unsigned ) RETRY_MAX_ATTEMPTS ) );
    ( void ) usleep( ( useconds_t ) nextDelayMs * 1000U );
    return true;
}

static bool connectToServerWithBackoffRetries( NetworkContext_t * pNetworkContext )
{
    BackoffAlgorithmContext_t retryParams;
    TlsCredentials_t credentials;
    ServerInfo_t serverInfo;
    TlsStatus_t status;
    const char * host = envOr( "RSMQTT_BROKER_HOST", "127.0.0.1" );

    ( void ) memset( &credentials, 0, sizeof( credentials ) );
    credentials.pRootCaPath = envOr( "RSMQTT_CA", "ca.crt" );
    credentials.pClientCertPath = envOr( "RSMQTT_CLIENT_CERT", "client.crt" );
    credentials.pPrivateKeyPath = envOr( "RSMQTT_CLIENT_KEY", "client.key" );
    credentials.sniHostName = "localhost";

    serverInfo.pHostName = host;
    serverInfo.hostNameLength = strlen( host );
    serverInfo.port = ( uint16_t ) atoi( envOr( "RSMQTT_BROKER_TLS_PORT", "8883" ) );

    BackoffAlgorithm_InitializeParams( &retryParams,
                                       RETRY_BACKOFF_BASE_MS,
                                       RETRY_MAX_BACKOFF_DELAY_MS,
                                       RETRY_MAX_ATTEMPTS );

    do
    {
        LogInfo( ( "Establishing a mutually authenticated TLS session to %s:%u.",
                   host,
                   ( unsigned ) serverInfo.port ) );
        status = Tls_Connect( pNetworkContext,
                              &serverInfo,
                              &credentials,
                              TRANSPORT_SEND_RECV_TIMEOUT_MS,
                              TRANSPORT_SEND_RECV_TIMEOUT_MS );

        if( status == TLS_SUCCESS )
        {
            return true;
        }

        LogWarn( ( "TLS connection failed with status %d.", ( int ) status ) );
    } while( backoffForRetry( &retryParams ) );

    return false;
}

static void handleIncomingPublish( const MQTTPublishInfo_t * pPublishInfo )
{
    if( ( pPublishInfo->topicNameLength == strlen( DEMO_TOPIC ) ) &&
        ( strncmp( DEMO_TOPIC, pPublishInfo->pTopicName, pPublishInfo->topicNameLength ) == 0 ) )
    {
        LogInfo( ( "Incoming QoS %d publish on %.*s: %.*s",
                   ( int ) pPublishInfo->qos,
                   ( int ) pPublishInfo->topicNameLength,
                   pPublishInfo->pTopicName,
                   ( int ) pPublishInfo->payloadLength,
                   ( const char * ) pPublishInfo->pPayload ) );

        if( ( pPublishInfo->payloadLength == strlen( DEMO_MESSAGE ) ) &&
            ( memcmp( pPublishInfo->pPayload, DEMO_MESSAGE, pPublishInfo->payloadLength ) == 0 ) )
        {
            echoThisRound = true;
            echoesReceived++;
        }
    }
    else
    {
        LogWarn( ( "Publish on unexpected topic %.*s.",
                   ( int ) pPublishInfo->topicNameLength,
                   pPublishInfo->pTopicName ) );
    }
}

static void eventCallback( MQTTContext_t * pContext,
                           MQTTPacketInfo_t * pPacketInfo,
                           MQTTDeserializedInfo_t * pDeserializedInfo )
{
    uint16_t packetId = pDeserializedInfo->packetIdentifier;

    ( void ) pContext;

    if( ( pPacketInfo->type & 0xF0U ) == MQTT_PACKET_TYPE_PUBLISH )
    {
        handleIncomingPublish( pDeserializedInfo->pPublishInfo );
        return;
    }

    switch( pPacketInfo->type )
    {
        case MQTT_PACKET_TYPE_SUBACK:
        {
            uint8_t * pCodes = NULL;
            size_t codeCount = 0U;

            if( ( packetId == subscribePacketId ) &&
                ( MQTT_GetSubAckStatusCodes( pPacketInfo, &pCodes, &codeCount ) == MQTTSuccess ) &&
                ( codeCount == 1U ) )
            {
                subAckStatus = ( MQTTSubAckStatus_t ) pCodes[ 0 ];
                subAckReceived = true;
                LogInfo( ( "SUBACK for packet %u: status 0x%02X.", ( unsigned ) packetId, ( unsigned ) pCodes[ 0 ] ) );
            }

            break;
        }

        case MQTT_PACKET_TYPE_UNSUBACK:
            LogInfo( ( "UNSUBACK for packet %u.", ( unsigned ) packetId ) );
            unsubAckReceived = ( packetId == unsubscribePacketId );
            break;

        case MQTT_PACKET_TYPE_PUBACK:
            LogInfo( ( "PUBACK for packet %u.", ( unsigned ) packetId ) );
            pubAckReceived = ( packetId == publishPacketId );
            break;

        case MQTT_PACKET_TYPE_PINGRESP:
            LogInfo( ( "PINGRESP." ) );
            break;

        default:
            LogWarn( ( "Unexpected packet type 0x%02X.", ( unsigned ) pPacketInfo->type ) );
            break;
    }
}

/* Runs MQTT_ProcessLoop until *pDone or the timeout. */
static bool processUntil( MQTTContext_t * pContext,
                          const bool * pDone,
                          uint32_t timeoutMs )
{
    uint32_t start = getTimeMs();
    MQTTStatus_t status = MQTTSuccess;

    while( !*pDone && ( ( getTimeMs() - start ) < timeoutMs ) )
    {
        status = MQTT_ProcessLoop( pContext );

        if( ( status != MQTTSuccess ) && ( status != MQTTNeedMoreBytes ) )
        {
            LogError( ( "MQTT_ProcessLoop failed: %s.", MQTT_Status_strerror( status ) ) );
            return false;
        }
    }

    return *pDone;
}

static bool createMqttConnection( MQTTContext_t * pContext,
                                  NetworkContext_t * pNetworkContext )
{
    TransportInterface_t transport;
    MQTTFixedBuffer_t buffer = { networkBuffer, sizeof( networkBuffer ) };
    MQTTConnectInfo_t connectInfo;
    bool sessionPresent = false;
    MQTTStatus_t status;

    ( void ) memset( &transport, 0, sizeof( transport ) );
    transport.pNetworkContext = pNetworkContext;
    transport.send = Tls_Send;
    transport.recv = Tls_Recv;

    status = MQTT_Init( pContext, &transport, getTimeMs, eventCallback, &buffer );

    if( status == MQTTSuccess )
    {
        status = MQTT_InitStatefulQoS( pContext,
                                       outgoingRecords, OUTGOING_PUBLISH_RECORD_COUNT,
                                       incomingRecords, INCOMING_PUBLISH_RECORD_COUNT );
    }

    if( status != MQTTSuccess )
    {
        LogError( ( "Initialising the MQTT context failed: %s.", MQTT_Status_strerror( status ) ) );
        return false;
    }

    ( void ) memset( &connectInfo, 0, sizeof( connectInfo ) );
    connectInfo.cleanSession = true;
    connectInfo.pClientIdentifier = CLIENT_IDENTIFIER;
    connectInfo.clientIdentifierLength = ( uint16_t ) strlen( CLIENT_IDENTIFIER );
    connectInfo.keepAliveSeconds = KEEP_ALIVE_SECONDS;

    LogInfo( ( "Sending MQTT CONNECT (clean session, keep-alive %u s).", KEEP_ALIVE_SECONDS ) );
    status = MQTT_Connect( pContext, &connectInfo, NULL, CONNACK_RECV_TIMEOUT_MS, &sessionPresent );

    if( status != MQTTSuccess )
    {
        LogError( ( "MQTT_Connect failed: %s.", MQTT_Status_strerror( status ) ) );
        return false;
    }

    LogInfo( ( "MQTT connection established (session present: %s).", sessionPresent ? "yes" : "no" ) );
    return true;
}

static bool subscribeWithBackoffRetries( MQTTContext_t * pContext )
{
    BackoffAlgorithmContext_t retryParams;
    MQTTSubscribeInfo_t subscription;
    MQTTStatus_t status;

    ( void ) memset( &subscription, 0, sizeof( subscription ) );
    subscription.qos = MQTTQoS1;
    subscription.pTopicFilter = DEMO_TOPIC;
    subscription.topicFilterLength = ( uint16_t ) strlen( DEMO_TOPIC );

    BackoffAlgorithm_InitializeParams( &retryParams,
                                       RETRY_BACKOFF_BASE_MS,
                                       RETRY_MAX_BACKOFF_DELAY_MS,
                                       RETRY_MAX_ATTEMPTS );

    do
    {
        subAckReceived = false;
        subAckStatus = MQTTSubAckFailure;
        subscribePacketId = MQTT_GetPacketId( pContext );

        LogInfo( ( "Subscribing to %s (packet %u).", DEMO_TOPIC, ( unsigned ) subscribePacketId ) );
        status = MQTT_Subscribe( pContext, &subscription, 1U, subscribePacketId );

        if( status != MQTTSuccess )
        {
            LogError( ( "MQTT_Subscribe failed: %s.", MQTT_Status_strerror( status ) ) );
            return false;
        }

        if( !processUntil( pContext, &subAckReceived, ACK_WAIT_TIMEOUT_MS ) )
        {
            LogError( ( "No SUBACK arrived." ) );
            return false;
        }

        if( subAckStatus != MQTTSubAckFailure )
        {
            return true;
        }

        LogWarn( ( "The broker refused the subscription." ) );
    } while( backoffForRetry( &retryParams ) );

    return false;
}

static bool publishAndWaitForEcho( MQTTContext_t * pContext,
                                   uint32_t round )
{
    MQTTPublishInfo_t publishInfo;
    MQTTStatus_t status;
    bool bothArrived = false;
    uint32_t start;

    ( void ) memset( &publishInfo, 0, sizeof( publishInfo ) );
    publishInfo.qos = MQTTQoS1;
    publishInfo.retain = false;
    publishInfo.pTopicName = DEMO_TOPIC;
    publishInfo.topicNameLength = ( uint16_t ) strlen( DEMO_TOPIC );
    publishInfo.pPayload = DEMO_MESSAGE;
    publishInfo.payloadLength = strlen( DEMO_MESSAGE );

    pubAckReceived = false;
    echoThisRound = false;
    publishPacketId = MQTT_GetPacketId( pContext );

    LogInfo( ( "Publish %u of %u to %s (packet %u).",
               ( unsigned ) round, ( unsigned ) MAX_PUBLISH_COUNT, DEMO_TOPIC, ( unsigned ) publishPacketId ) );
    status = MQTT_Publish( pContext, &publishInfo, publishPacketId );

    if( status != MQTTSuccess )
    {
        LogError( ( "MQTT_Publish failed: %s.", MQTT_Status_strerror( status ) ) );
        return false;
    }

    start = getTimeMs();

    while( !bothArrived && ( ( getTimeMs() - start ) < ACK_WAIT_TIMEOUT_MS ) )
    {
        status = MQTT_ProcessLoop( pContext );

        if( ( status != MQTTSuccess ) && ( status != MQTTNeedMoreBytes ) )
        {
            LogError( ( "MQTT_ProcessLoop failed: %s.", MQTT_Status_strerror( status ) ) );
            return false;
        }

        bothArrived = pubAckReceived && echoThisRound;
    }

    if( !bothArrived )
    {
        LogError( ( "Publish %u: PUBACK %s, echo %s.", ( unsigned ) round,
                    pubAckReceived ? "received" : "missing",
                    echoThisRound ? "received" : "missing" ) );
    }

    return bothArrived;
}

static bool unsubscribe( MQTTContext_t * pContext )
{
    MQTTSubscribeInfo_t subscription;
    MQTTStatus_t status;

    ( void ) memset( &subscription, 0, sizeof( subscription ) );
    subscription.qos = MQTTQoS1;
    subscription.pTopicFilter = DEMO_TOPIC;
    subscription.topicFilterLength = ( uint16_t ) strlen( DEMO_TOPIC );

    unsubAckReceived = false;
    unsubscribePacketId = MQTT_GetPacketId( pContext );
    LogInfo( ( "Unsubscribing from %s (packet %u).", DEMO_TOPIC, ( unsigned ) unsubscribePacketId ) );
    status = MQTT_Unsubscribe( pContext, &subscription, 1U, unsubscribePacketId );

    if( status != MQTTSuccess )
    {
        LogError( ( "MQTT_Unsubscribe failed: %s.", MQTT_Status_strerror( status ) ) );
        return false;
    }

    return processUntil( pContext, &unsubAckReceived, ACK_WAIT_TIMEOUT_MS );
}

int main( void )
{
    TlsParams_t tlsParams;
    NetworkContext_t networkContext;
    MQTTContext_t mqttContext;
    bool ok;
    uint32_t round;

    ( void ) memset( &tlsParams, 0, sizeof( tlsParams ) );
    ( void ) memset( &mqttContext, 0, sizeof( mqttContext ) );
    networkContext.pParams = &tlsParams;
    srand( ( unsigned ) time( NULL ) );

    ok = connectToServerWithBackoffRetries( &networkContext );

    if( ok )
    {
        ok = createMqttConnection( &mqttContext, &networkContext );

        if( ok )
        {
            ok = subscribeWithBackoffRetries( &mqttContext );

            for( round = 1U; ok && ( round <= MAX_PUBLISH_COUNT ); round++ )
            {
                ok = publishAndWaitForEcho( &mqttContext, round );
            }

            if( ok )
            {
                ok = unsubscribe( &mqttContext );
            }

            LogInfo( ( "Disconnecting." ) );

            if( MQTT_Disconnect( &mqttContext ) != MQTTSuccess )
            {
                LogError( ( "MQTT_Disconnect failed." ) );
                ok = false;
            }
        }

        ( void ) Tls_Disconnect( &networkContext );
    }

    if( ok && ( echoesReceived == MAX_PUBLISH_COUNT ) )
    {
        LogInfo( ( "Demo completed successfully: %u of %u echoes received.",
                   ( unsigned ) echoesReceived, ( unsigned ) MAX_PUBLISH_COUNT ) );
        return EXIT_SUCCESS;
    }

    LogError( ( "Demo failed: %u of %u echoes received.",
                ( unsigned ) echoesReceived, ( unsigned ) MAX_PUBLISH_COUNT ) );
    return EXIT_FAILURE;
}
