/*
 * The coreMQTT mutual-authentication demo (FreeRTOS's "coreMQTT Mutual
 * Authentication" demo, coreMQTT v2 call shape) as a FreeRTOS task, with
 * rsmqtt in place of coreMQTT and of the mbedTLS transport:
 *
 *   FreeRTOS+TCP socket  ->  FreeRTOSTcp_* (freertos_tcp_transport.c)
 *                        ->  RsmqttTls_*   (rsmqtt_tls_transport.h, rustls)
 *                        ->  MQTT_*        (core_mqtt.h, rsmqtt's engine)
 *
 * Each iteration: TCP connect with exponential backoff and jitter, mutual
 * TLS handshake, MQTT CONNECT (clean session), SUBSCRIBE with backoff, then
 * mqttexamplePUBLISH_COUNT rounds of PUBLISH at QoS 1 and MQTT_ProcessLoop
 * until the broker's echo has arrived, UNSUBSCRIBE, DISCONNECT, TLS and TCP
 * close. Unlike the original, which loops forever, it runs
 * democonfigITERATIONS iterations and reports the result (the test's
 * verdict) through vDemoFinished().
 */
#include <stdio.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"
#include "FreeRTOS_IP.h"
#include "FreeRTOS_Sockets.h"

#include "core_mqtt.h"
#include "backoff_algorithm.h"
#include "rsmqtt_tls_transport.h"

#include "freertos_tcp_transport.h"
#include "demo_config.h"

#define mqttexampleTOPIC                          democonfigCLIENT_IDENTIFIER "/example/topic"
#define mqttexampleMESSAGE                        "Hello World!"
#define mqttexampleTOPIC_COUNT                    1
#define mqttexamplePUBLISH_COUNT                  3
#define mqttexampleKEEP_ALIVE_TIMEOUT_SECONDS     60U
#define mqttexampleCONNACK_RECV_TIMEOUT_MS        5000U
#define mqttexamplePROCESS_LOOP_TIMEOUT_MS        5000U
#define mqttexampleDELAY_BETWEEN_PUBLISHES_TICKS  pdMS_TO_TICKS( 200U )
#define mqttexampleDELAY_BETWEEN_ITERATIONS_TICKS pdMS_TO_TICKS( 500U )
#define mqttexampleNETWORK_BUFFER_SIZE            1024U
#define mqttexampleOUTGOING_PUBLISH_RECORDS       4U
#define mqttexampleINCOMING_PUBLISH_RECORDS       4U

#define RETRY_MAX_ATTEMPTS                        5U
#define RETRY_MAX_BACKOFF_DELAY_MS                5000U
#define RETRY_BACKOFF_BASE_MS                     500U

/* The demo's own log lines (core_mqtt_config_defaults.h defines empty
 * LogInfo/LogError for coreMQTT's internal logging, which rsmqtt does not
 * use: it logs through rsmqtt_log.h). */
#undef LogInfo
#undef LogError
#define LogInfo( x )     do { vDemoLogPrefix( "INFO" ); printf x; printf( "\n" ); } while( 0 )
#define LogError( x )    do { vDemoLogPrefix( "ERROR" ); printf x; printf( "\n" ); } while( 0 )

/* The test fails on the first error: the demo's asserts, made fatal. */
#define demoCHECK( x, ... )                        \
    do {                                           \
        if( !( x ) )                               \
        {                                          \
            LogError( ( __VA_ARGS__ ) );           \
            vDemoFinished( pdFAIL );               \
        }                                          \
    } while( 0 )

typedef struct topicFilterContext
{
    const char * pcTopicFilter;
    MQTTSubAckStatus_t xSubAckStatus;
} topicFilterContext_t;

static topicFilterContext_t xTopicFilterContext[ mqttexampleTOPIC_COUNT ] =
{
    { mqttexampleTOPIC, MQTTSubAckFailure }
};

static uint8_t ucSharedBuffer[ mqttexampleNETWORK_BUFFER_SIZE ];
static MQTTFixedBuffer_t xBuffer = { ucSharedBuffer, mqttexampleNETWORK_BUFFER_SIZE };
static MQTTPubAckInfo_t pOutgoingPublishRecords[ mqttexampleOUTGOING_PUBLISH_RECORDS ];
static MQTTPubAckInfo_t pIncomingPublishRecords[ mqttexampleINCOMING_PUBLISH_RECORDS ];

static uint16_t usSubscribePacketIdentifier;
static uint16_t usUnsubscribePacketIdentifier;
static uint16_t usPublishPacketIdentifier;
static BaseType_t xPublishAcked;
static uint32_t ulEchoesReceived;
static uint32_t ulEchoesExpected;
static BaseType_t xUnsubscribed;
static BaseType_t xSubAckReceived;

/* The plaintext FreeRTOS+TCP transport and the TLS layer over it. */
static NetworkContext_t xTcpContext = { FREERTOS_INVALID_SOCKET };
static RsmqttTlsContext_t xTlsContext;

static void vDemoLogPrefix( const char * pcLevel )
{
    printf( "[%6lu] [%s] [%s] ", ( unsigned long ) xTaskGetTickCount(),
            pcTaskGetName( NULL ), pcLevel );
}

static uint32_t prvGetTimeMs( void )
{
    return ( uint32_t ) ( xTaskGetTickCount() * portTICK_PERIOD_MS );
}

/* Connects TCP and runs the TLS handshake over it, retrying with backoff. */
static BaseType_t prvConnectToServerWithBackoffRetries( const DemoCredentials_t * pxCredentials,
                                                        TransportInterface_t * pxTlsTransport )
{
    BackoffAlgorithmContext_t xReconnectParams;
    BackoffAlgorithmStatus_t xBackoffStatus = BackoffAlgorithmSuccess;
    uint16_t usNextRetryBackOff = 0U;
    TransportInterface_t xTcpTransport = { 0 };
    RsmqttTlsConfig_t xTlsConfig = { 0 };
    RsmqttTlsStatus_t xTlsStatus = RSMQTT_TLS_HANDSHAKE_FAILED;
    FreeRTOSTcpStatus_t xTcpStatus;

    xTcpTransport.pNetworkContext = &xTcpContext;
    xTcpTransport.recv = FreeRTOSTcp_Recv;
    xTcpTransport.send = FreeRTOSTcp_Send;

    xTlsConfig.pRootCa = pxCredentials->pucRootCa;
    xTlsConfig.rootCaLength = pxCredentials->xRootCaLength;
    xTlsConfig.pClientCert = pxCredentials->pucClientCert;
    xTlsConfig.clientCertLength = pxCredentials->xClientCertLength;
    xTlsConfig.pPrivateKey = pxCredentials->pucPrivateKey;
    xTlsConfig.privateKeyLength = pxCredentials->xPrivateKeyLength;
    xTlsConfig.pServerName = democonfigBROKER_SERVER_NAME;
    xTlsConfig.handshakeTimeoutMs = 10000U;
    xTlsConfig.getTimeMs = prvGetTimeMs;

    BackoffAlgorithm_InitializeParams( &xReconnectParams, RETRY_BACKOFF_BASE_MS,
                                       RETRY_MAX_BACKOFF_DELAY_MS, RETRY_MAX_ATTEMPTS );

    do
    {
        LogInfo( ( "Creating a TLS connection to %s:%u (certificate name %s).",
                   democonfigMQTT_BROKER_ENDPOINT, ( unsigned ) pxCredentials->usBrokerPort,
                   democonfigBROKER_SERVER_NAME ) );
        xTcpStatus = FreeRTOSTcp_Connect( &xTcpContext,
                                          FreeRTOS_inet_addr( democonfigMQTT_BROKER_ENDPOINT ),
                                          pxCredentials->usBrokerPort,
                                          pdMS_TO_TICKS( 5000U ), pdMS_TO_TICKS( 50U ) );

        if( xTcpStatus == FREERTOS_TCP_SUCCESS )
        {
            xTlsStatus = RsmqttTls_Connect( &xTlsContext, &xTcpTransport, &xTlsConfig, pxTlsTransport );

            if( xTlsStatus != RSMQTT_TLS_SUCCESS )
            {
                LogError( ( "TLS handshake failed: status %d.", ( int ) xTlsStatus ) );
                FreeRTOSTcp_Disconnect( &xTcpContext );
            }
        }
        else
        {
            LogError( ( "TCP connection failed: status %d.", ( int ) xTcpStatus ) );
        }

        if( xTlsStatus != RSMQTT_TLS_SUCCESS )
        {
            uint32_t ulRandom = 0U;

            ( void ) xApplicationGetRandomNumber( &ulRandom );
            xBackoffStatus = BackoffAlgorithm_GetNextBackoff( &xReconnectParams, ulRandom, &usNextRetryBackOff );

            if( xBackoffStatus == BackoffAlgorithmSuccess )
            {
                LogInfo( ( "Retrying the connection in %u ms.", ( unsigned ) usNextRetryBackOff ) );
                vTaskDelay( pdMS_TO_TICKS( usNextRetryBackOff ) );
            }
        }
    } while( ( xTlsStatus != RSMQTT_TLS_SUCCESS ) && ( xBackoffStatus == BackoffAlgorithmSuccess ) );

    return ( xTlsStatus == RSMQTT_TLS_SUCCESS ) ? pdPASS : pdFAIL;
}

static void prvMQTTProcessIncomingPublish( MQTTPublishInfo_t * pxPublishInfo )
{
    LogInfo( ( "Incoming QoS : %d", ( int ) pxPublishInfo->qos ) );

    if( ( pxPublishInfo->topicNameLength == strlen( mqttexampleTOPIC ) ) &&
        ( strncmp( mqttexampleTOPIC, pxPublishInfo->pTopicName, pxPublishInfo->topicNameLength ) == 0 ) )
    {
        LogInfo( ( "Incoming Publish Topic Name: %.*s matches subscribed topic. "
                   "Incoming Publish Message : %.*s",
                   ( int ) pxPublishInfo->topicNameLength, pxPublishInfo->pTopicName,
                   ( int ) pxPublishInfo->payloadLength, ( const char * ) pxPublishInfo->pPayload ) );

        if( ( pxPublishInfo->payloadLength == strlen( mqttexampleMESSAGE ) ) &&
            ( memcmp( pxPublishInfo->pPayload, mqttexampleMESSAGE, pxPublishInfo->payloadLength ) == 0 ) &&
            ( pxPublishInfo->qos == MQTTQoS1 ) )
        {
            ulEchoesReceived++;
        }
    }
    else
    {
        LogError( ( "Incoming Publish Topic Name: %.*s does not match subscribed topic.",
                    ( int ) pxPublishInfo->topicNameLength, pxPublishInfo->pTopicName ) );
    }
}

static void prvMQTTProcessResponse( MQTTPacketInfo_t * pxIncomingPacket,
                                    uint16_t usPacketId )
{
    switch( pxIncomingPacket->type )
    {
        case MQTT_PACKET_TYPE_PUBACK:
            LogInfo( ( "PUBACK received for packet Id %u.", ( unsigned ) usPacketId ) );
            demoCHECK( usPacketId == usPublishPacketIdentifier, "PUBACK for an unknown packet id %u", ( unsigned ) usPacketId );
            xPublishAcked = pdTRUE;
            break;

        case MQTT_PACKET_TYPE_SUBACK:
            demoCHECK( usPacketId == usSubscribePacketIdentifier, "SUBACK for an unknown packet id %u", ( unsigned ) usPacketId );
            {
                uint8_t * pucPayload = NULL;
                size_t xSize = 0;
                MQTTStatus_t xResult = MQTT_GetSubAckStatusCodes( pxIncomingPacket, &pucPayload, &xSize );
                demoCHECK( ( xResult == MQTTSuccess ) && ( xSize == mqttexampleTOPIC_COUNT ), "bad SUBACK" );
                xTopicFilterContext[ 0 ].xSubAckStatus = ( MQTTSubAckStatus_t ) pucPayload[ 0 ];
                LogInfo( ( "Subscribed to the topic %s with maximum QoS %u.",
                           xTopicFilterContext[ 0 ].pcTopicFilter, ( unsigned ) pucPayload[ 0 ] ) );
                xSubAckReceived = pdTRUE;
            }
            break;

        case MQTT_PACKET_TYPE_UNSUBACK:
            LogInfo( ( "Unsubscribed from the topic %s.", mqttexampleTOPIC ) );
            demoCHECK( usPacketId == usUnsubscribePacketIdentifier, "UNSUBACK for an unknown packet id" );
            xUnsubscribed = pdTRUE;
            break;

        case MQTT_PACKET_TYPE_PINGRESP:
            LogInfo( ( "PINGRESP received." ) );
            break;

        default:
            LogError( ( "Unexpected packet type 0x%02x.", ( unsigned ) pxIncomingPacket->type ) );
            break;
    }
}

static void prvEventCallback( MQTTContext_t * pxMQTTContext,
                              MQTTPacketInfo_t * pxPacketInfo,
                              MQTTDeserializedInfo_t * pxDeserializedInfo )
{
    ( void ) pxMQTTContext;

    if( ( pxPacketInfo->type & 0xF0U ) == MQTT_PACKET_TYPE_PUBLISH )
    {
        prvMQTTProcessIncomingPublish( pxDeserializedInfo->pPublishInfo );
    }
    else
    {
        prvMQTTProcessResponse( pxPacketInfo, pxDeserializedInfo->packetIdentifier );
    }
}

static void prvCreateMQTTConnectionWithBroker( MQTTContext_t * pxMQTTContext,
                                               const TransportInterface_t * pxTransport )
{
    MQTTStatus_t xResult;
    MQTTConnectInfo_t xConnectInfo;
    bool xSessionPresent = true;

    xResult = MQTT_Init( pxMQTTContext, pxTransport, prvGetTimeMs, prvEventCallback, &xBuffer );
    demoCHECK( xResult == MQTTSuccess, "MQTT_Init: %s", MQTT_Status_strerror( xResult ) );
    xResult = MQTT_InitStatefulQoS( pxMQTTContext,
                                    pOutgoingPublishRecords, mqttexampleOUTGOING_PUBLISH_RECORDS,
                                    pIncomingPublishRecords, mqttexampleINCOMING_PUBLISH_RECORDS );
    demoCHECK( xResult == MQTTSuccess, "MQTT_InitStatefulQoS: %s", MQTT_Status_strerror( xResult ) );

    ( void ) memset( &xConnectInfo, 0x00, sizeof( xConnectInfo ) );
    xConnectInfo.cleanSession = true;
    xConnectInfo.pClientIdentifier = democonfigCLIENT_IDENTIFIER;
    xConnectInfo.clientIdentifierLength = ( uint16_t ) strlen( democonfigCLIENT_IDENTIFIER );
    xConnectInfo.keepAliveSeconds = mqttexampleKEEP_ALIVE_TIMEOUT_SECONDS;

    xResult = MQTT_Connect( pxMQTTContext, &xConnectInfo, NULL,
                            mqttexampleCONNACK_RECV_TIMEOUT_MS, &xSessionPresent );
    demoCHECK( xResult == MQTTSuccess, "MQTT_Connect: %s", MQTT_Status_strerror( xResult ) );
    demoCHECK( !xSessionPresent, "a clean session came back with session present" );
    LogInfo( ( "An MQTT connection is established with %s.", democonfigMQTT_BROKER_ENDPOINT ) );
}

/* Runs MQTT_ProcessLoop until *pxDone is set or the timeout expires. */
static void prvProcessLoopUntil( MQTTContext_t * pxMQTTContext,
                                 const volatile BaseType_t * pxDone,
                                 const char * pcWhat )
{
    uint32_t ulStart = prvGetTimeMs();
    MQTTStatus_t xResult;

    while( *pxDone == pdFALSE )
    {
        xResult = MQTT_ProcessLoop( pxMQTTContext );
        demoCHECK( ( xResult == MQTTSuccess ) || ( xResult == MQTTNeedMoreBytes ),
                   "MQTT_ProcessLoop: %s", MQTT_Status_strerror( xResult ) );
        demoCHECK( ( prvGetTimeMs() - ulStart ) < mqttexamplePROCESS_LOOP_TIMEOUT_MS,
                   "timed out waiting for %s", pcWhat );
    }
}

static void prvMQTTSubscribeWithBackoffRetries( MQTTContext_t * pxMQTTContext )
{
    MQTTStatus_t xResult;
    BackoffAlgorithmContext_t xRetryParams;
    BackoffAlgorithmStatus_t xBackoffStatus = BackoffAlgorithmSuccess;
    MQTTSubscribeInfo_t xMQTTSubscription[ mqttexampleTOPIC_COUNT ];
    uint16_t usNextRetryBackOff = 0U;
    BaseType_t xFailedSubscribeToTopic;

    ( void ) memset( xMQTTSubscription, 0x00, sizeof( xMQTTSubscription ) );
    xMQTTSubscription[ 0 ].qos = MQTTQoS1;
    xMQTTSubscription[ 0 ].pTopicFilter = mqttexampleTOPIC;
    xMQTTSubscription[ 0 ].topicFilterLength = ( uint16_t ) strlen( mqttexampleTOPIC );

    BackoffAlgorithm_InitializeParams( &xRetryParams, RETRY_BACKOFF_BASE_MS,
                                       RETRY_MAX_BACKOFF_DELAY_MS, RETRY_MAX_ATTEMPTS );

    do
    {
        xTopicFilterContext[ 0 ].xSubAckStatus = MQTTSubAckFailure;
        xSubAckReceived = pdFALSE;
        usSubscribePacketIdentifier = MQTT_GetPacketId( pxMQTTContext );
        LogInfo( ( "Attempt to subscribe to the MQTT topic %s.", mqttexampleTOPIC ) );
        xResult = MQTT_Subscribe( pxMQTTContext, xMQTTSubscription, mqttexampleTOPIC_COUNT,
                                  usSubscribePacketIdentifier );
        demoCHECK( xResult == MQTTSuccess, "MQTT_Subscribe: %s", MQTT_Status_strerror( xResult ) );

        prvProcessLoopUntil( pxMQTTContext, &xSubAckReceived, "SUBACK" );

        xFailedSubscribeToTopic = ( xTopicFilterContext[ 0 ].xSubAckStatus == MQTTSubAckFailure ) ? pdTRUE : pdFALSE;

        if( xFailedSubscribeToTopic == pdTRUE )
        {
            uint32_t ulRandom = 0U;

            ( void ) xApplicationGetRandomNumber( &ulRandom );
            xBackoffStatus = BackoffAlgorithm_GetNextBackoff( &xRetryParams, ulRandom, &usNextRetryBackOff );
            LogInfo( ( "Server rejected the subscription; retrying in %u ms.", ( unsigned ) usNextRetryBackOff ) );
            vTaskDelay( pdMS_TO_TICKS( usNextRetryBackOff ) );
        }
    } while( ( xFailedSubscribeToTopic == pdTRUE ) && ( xBackoffStatus == BackoffAlgorithmSuccess ) );

    demoCHECK( xFailedSubscribeToTopic == pdFALSE, "the broker refused the subscription" );
}

static void prvMQTTPublishToTopic( MQTTContext_t * pxMQTTContext )
{
    MQTTStatus_t xResult;
    MQTTPublishInfo_t xMQTTPublishInfo;

    ( void ) memset( &xMQTTPublishInfo, 0x00, sizeof( xMQTTPublishInfo ) );
    xMQTTPublishInfo.qos = MQTTQoS1;
    xMQTTPublishInfo.retain = false;
    xMQTTPublishInfo.pTopicName = mqttexampleTOPIC;
    xMQTTPublishInfo.topicNameLength = ( uint16_t ) strlen( mqttexampleTOPIC );
    xMQTTPublishInfo.pPayload = mqttexampleMESSAGE;
    xMQTTPublishInfo.payloadLength = strlen( mqttexampleMESSAGE );

    usPublishPacketIdentifier = MQTT_GetPacketId( pxMQTTContext );
    xPublishAcked = pdFALSE;
    xResult = MQTT_Publish( pxMQTTContext, &xMQTTPublishInfo, usPublishPacketIdentifier );
    demoCHECK( xResult == MQTTSuccess, "MQTT_Publish: %s", MQTT_Status_strerror( xResult ) );
    ulEchoesExpected++;
}

static void prvMQTTUnsubscribeFromTopic( MQTTContext_t * pxMQTTContext )
{
    MQTTStatus_t xResult;
    MQTTSubscribeInfo_t xMQTTSubscription[ mqttexampleTOPIC_COUNT ];

    ( void ) memset( xMQTTSubscription, 0x00, sizeof( xMQTTSubscription ) );
    xMQTTSubscription[ 0 ].qos = MQTTQoS1;
    xMQTTSubscription[ 0 ].pTopicFilter = mqttexampleTOPIC;
    xMQTTSubscription[ 0 ].topicFilterLength = ( uint16_t ) strlen( mqttexampleTOPIC );

    usUnsubscribePacketIdentifier = MQTT_GetPacketId( pxMQTTContext );
    xUnsubscribed = pdFALSE;
    xResult = MQTT_Unsubscribe( pxMQTTContext, xMQTTSubscription, mqttexampleTOPIC_COUNT,
                                usUnsubscribePacketIdentifier );
    demoCHECK( xResult == MQTTSuccess, "MQTT_Unsubscribe: %s", MQTT_Status_strerror( xResult ) );
}

void vMQTTMutualAuthDemoTask( void * pvParameters )
{
    const DemoCredentials_t * pxCredentials = ( const DemoCredentials_t * ) pvParameters;
    static MQTTContext_t xMQTTContext;
    TransportInterface_t xTlsTransport;
    MQTTStatus_t xMQTTStatus;
    uint32_t ulIteration, ulPublishCount;

    for( ulIteration = 1; ulIteration <= democonfigITERATIONS; ulIteration++ )
    {
        /****************************** Connect. ******************************/
        ( void ) memset( &xTlsTransport, 0x00, sizeof( xTlsTransport ) );
        demoCHECK( prvConnectToServerWithBackoffRetries( pxCredentials, &xTlsTransport ) == pdPASS,
                   "could not connect to the broker over TLS" );
        LogInfo( ( "Creating an MQTT connection to %s.", democonfigMQTT_BROKER_ENDPOINT ) );
        prvCreateMQTTConnectionWithBroker( &xMQTTContext, &xTlsTransport );

        /**************************** Subscribe. ******************************/
        prvMQTTSubscribeWithBackoffRetries( &xMQTTContext );

        /****************** Publish and Keep Alive Loop. **********************/
        for( ulPublishCount = 0; ulPublishCount < mqttexamplePUBLISH_COUNT; ulPublishCount++ )
        {
            uint32_t ulEchoesBefore = ulEchoesReceived;
            volatile BaseType_t xDone = pdFALSE;
            uint32_t ulStart;

            LogInfo( ( "Publish to the MQTT topic %s.", mqttexampleTOPIC ) );
            prvMQTTPublishToTopic( &xMQTTContext );

            /* The broker sends our message back (we are subscribed) and
             * acknowledges ours: wait for both. */
            LogInfo( ( "Attempt to receive publish message from broker." ) );
            ulStart = prvGetTimeMs();

            while( xDone == pdFALSE )
            {
                xMQTTStatus = MQTT_ProcessLoop( &xMQTTContext );
                demoCHECK( ( xMQTTStatus == MQTTSuccess ) || ( xMQTTStatus == MQTTNeedMoreBytes ),
                           "MQTT_ProcessLoop: %s", MQTT_Status_strerror( xMQTTStatus ) );
                xDone = ( ( ulEchoesReceived > ulEchoesBefore ) && ( xPublishAcked == pdTRUE ) ) ? pdTRUE : pdFALSE;
                demoCHECK( ( prvGetTimeMs() - ulStart ) < mqttexamplePROCESS_LOOP_TIMEOUT_MS,
                           "timed out waiting for the echo and PUBACK" );
            }

            LogInfo( ( "Keeping Connection Idle..." ) );
            vTaskDelay( mqttexampleDELAY_BETWEEN_PUBLISHES_TICKS );
        }

        /******************** Unsubscribe from the topic. *********************/
        LogInfo( ( "Unsubscribe from the MQTT topic %s.", mqttexampleTOPIC ) );
        prvMQTTUnsubscribeFromTopic( &xMQTTContext );
        prvProcessLoopUntil( &xMQTTContext, &xUnsubscribed, "UNSUBACK" );

        /**************************** Disconnect. *****************************/
        LogInfo( ( "Disconnecting the MQTT connection with %s.", democonfigMQTT_BROKER_ENDPOINT ) );
        xMQTTStatus = MQTT_Disconnect( &xMQTTContext );
        demoCHECK( xMQTTStatus == MQTTSuccess, "MQTT_Disconnect: %s", MQTT_Status_strerror( xMQTTStatus ) );
        demoCHECK( RsmqttTls_Disconnect( &xTlsContext ) == RSMQTT_TLS_SUCCESS, "RsmqttTls_Disconnect" );
        FreeRTOSTcp_Disconnect( &xTcpContext );

        xTopicFilterContext[ 0 ].xSubAckStatus = MQTTSubAckFailure;

        LogInfo( ( "prvMQTTDemoTask() completed iteration %lu successfully: %lu of %lu echoes. "
                   "Total free heap is %u, minimum ever %u.",
                   ( unsigned long ) ulIteration, ( unsigned long ) ulEchoesReceived,
                   ( unsigned long ) ulEchoesExpected, ( unsigned ) xPortGetFreeHeapSize(),
                   ( unsigned ) xPortGetMinimumEverFreeHeapSize() ) );
        vTaskDelay( mqttexampleDELAY_BETWEEN_ITERATIONS_TICKS );
    }

    demoCHECK( ulEchoesReceived == ulEchoesExpected, "%lu echoes for %lu publishes",
               ( unsigned long ) ulEchoesReceived, ( unsigned long ) ulEchoesExpected );
    LogInfo( ( "Demo completed successfully." ) );
    vDemoFinished( pdPASS );
}
