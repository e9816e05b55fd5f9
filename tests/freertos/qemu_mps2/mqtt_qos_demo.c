/*
 * The mps2-an385 image's MQTT task: over plain TCP (FreeRTOS+TCP, LAN9118)
 * to the host's Mosquitto, it subscribes to its own topics at QoS 2,
 * publishes one message at each of QoS 0, 1 and 2, receives all three back
 * with their QoS and payload intact, unsubscribes and disconnects, printing
 * each step over the UART.
 *
 * Only the coreMQTT API (core_mqtt.h, v2 call shape) is used, so the same
 * file builds against rsmqtt's no_std library or coreMQTT's C sources
 * (scripts/freertos-footprint.sh compares the two).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"

#include "core_mqtt.h"

#include "freertos_tcp_transport.h"
#include "qemu_demo.h"

/* Built with arm-none-eabi-gcc's default short enums (see the toolchain
 * file): the layouts below are the ones src/coremqtt/context.rs asserts for
 * the library's thumbv7m-none-eabi build, so C and Rust agree field by field. */
_Static_assert( sizeof( MQTTQoS_t ) == 1, "short enums" );
_Static_assert( sizeof( MQTTStatus_t ) == 1, "short enums" );
_Static_assert( sizeof( MQTTPublishState_t ) == 1, "short enums" );
_Static_assert( sizeof( MQTTPubAckInfo_t ) == 4, "MQTTPubAckInfo_t layout" );
_Static_assert( offsetof( MQTTPubAckInfo_t, qos ) == 2, "MQTTPubAckInfo_t layout" );
_Static_assert( offsetof( MQTTPubAckInfo_t, publishState ) == 3, "MQTTPubAckInfo_t layout" );
_Static_assert( sizeof( MQTTPublishInfo_t ) == 20, "MQTTPublishInfo_t layout" );
_Static_assert( offsetof( MQTTPublishInfo_t, retain ) == 1, "MQTTPublishInfo_t layout" );
_Static_assert( offsetof( MQTTPublishInfo_t, dup ) == 2, "MQTTPublishInfo_t layout" );
_Static_assert( offsetof( MQTTPublishInfo_t, pTopicName ) == 4, "MQTTPublishInfo_t layout" );
_Static_assert( sizeof( MQTTSubscribeInfo_t ) == 12, "MQTTSubscribeInfo_t layout" );
_Static_assert( offsetof( MQTTSubscribeInfo_t, pTopicFilter ) == 4, "MQTTSubscribeInfo_t layout" );
_Static_assert( sizeof( MQTTConnectInfo_t ) == 28, "MQTTConnectInfo_t layout" );
_Static_assert( sizeof( MQTTContext_t ) == 92, "MQTTContext_t layout" );
_Static_assert( offsetof( MQTTContext_t, nextPacketId ) == 40, "MQTTContext_t layout" );
_Static_assert( offsetof( MQTTContext_t, connectStatus ) == 42, "MQTTContext_t layout" );
_Static_assert( offsetof( MQTTContext_t, getTime ) == 44, "MQTTContext_t layout" );
_Static_assert( offsetof( MQTTContext_t, clearFunction ) == 88, "MQTTContext_t layout" );
_Static_assert( sizeof( MQTTDeserializedInfo_t ) == 12, "MQTTDeserializedInfo_t layout" );
_Static_assert( offsetof( MQTTDeserializedInfo_t, deserializationResult ) == 8,
                "MQTTDeserializedInfo_t layout" );

#define demoTOPIC_FILTER     "rsmqtt/mps2/#"
#define demoTOPIC_PREFIX     "rsmqtt/mps2/qos"
#define demoCLIENT_ID        "rsmqtt-mps2-an385"
#define demoTIMEOUT_MS       5000U

static uint8_t ucBuffer[ 512 ];
static MQTTPubAckInfo_t xOutgoing[ 4 ];
static MQTTPubAckInfo_t xIncoming[ 4 ];
static NetworkContext_t xTcpContext = { FREERTOS_INVALID_SOCKET };

static BaseType_t xSubAcked, xUnsubAcked;
static uint16_t usAwaitedAckId;
static BaseType_t xAckSeen;
static BaseType_t xReceived[ 3 ];
static BaseType_t xFailed;

/* Each line starts with the tick count (ms). */
#define demoPRINT( ... )    do { printf( "[%6lu] ", ( unsigned long ) xTaskGetTickCount() ); printf( __VA_ARGS__ ); } while( 0 )

static uint32_t prvGetTimeMs( void )
{
    return ( uint32_t ) ( xTaskGetTickCount() * portTICK_PERIOD_MS );
}

static const char * prvPayload( MQTTQoS_t xQoS )
{
    static const char * const pcPayloads[ 3 ] =
    {
        "QoS 0 from a Cortex-M3",
        "QoS 1 from a Cortex-M3",
        "QoS 2 from a Cortex-M3"
    };

    return pcPayloads[ xQoS ];
}

static void prvEventCallback( MQTTContext_t * pxContext,
                              MQTTPacketInfo_t * pxPacket,
                              MQTTDeserializedInfo_t * pxInfo )
{
    ( void ) pxContext;

    if( ( pxPacket->type & 0xF0U ) == MQTT_PACKET_TYPE_PUBLISH )
    {
        const MQTTPublishInfo_t * pxPublish = pxInfo->pPublishInfo;
        char cTopic[ 32 ];
        unsigned uQoS = ( unsigned ) pxPublish->qos;

        ( void ) snprintf( cTopic, sizeof( cTopic ), "%s%u", demoTOPIC_PREFIX, uQoS );

        if( ( uQoS <= 2U ) &&
            ( pxPublish->topicNameLength == strlen( cTopic ) ) &&
            ( memcmp( pxPublish->pTopicName, cTopic, pxPublish->topicNameLength ) == 0 ) &&
            ( pxPublish->payloadLength == strlen( prvPayload( pxPublish->qos ) ) ) &&
            ( memcmp( pxPublish->pPayload, prvPayload( pxPublish->qos ), pxPublish->payloadLength ) == 0 ) )
        {
            demoPRINT( "received QoS %u on %.*s: \"%.*s\"\r\n", uQoS,
                    ( int ) pxPublish->topicNameLength, pxPublish->pTopicName,
                    ( int ) pxPublish->payloadLength, ( const char * ) pxPublish->pPayload );
            xReceived[ uQoS ] = pdTRUE;
        }
        else
        {
            demoPRINT( "ERROR: unexpected PUBLISH QoS %u on %.*s\r\n", uQoS,
                    ( int ) pxPublish->topicNameLength, pxPublish->pTopicName );
            xFailed = pdTRUE;
        }
    }
    else
    {
        switch( pxPacket->type )
        {
            case MQTT_PACKET_TYPE_SUBACK:
               {
                   uint8_t * pucCodes = NULL;
                   size_t xCount = 0;

                   if( ( MQTT_GetSubAckStatusCodes( pxPacket, &pucCodes, &xCount ) == MQTTSuccess ) &&
                       ( xCount == 1U ) && ( pucCodes[ 0 ] == 2U ) )
                   {
                       demoPRINT( "SUBACK: granted QoS 2\r\n" );
                       xSubAcked = pdTRUE;
                   }
                   else
                   {
                       demoPRINT( "ERROR: subscription refused\r\n" );
                       xFailed = pdTRUE;
                   }
               }
               break;

            case MQTT_PACKET_TYPE_UNSUBACK:
                xUnsubAcked = pdTRUE;
                break;

            case MQTT_PACKET_TYPE_PUBACK:
            case MQTT_PACKET_TYPE_PUBCOMP:
                if( pxInfo->packetIdentifier == usAwaitedAckId )
                {
                    xAckSeen = pdTRUE;
                }
                break;

            default:
                /* PUBREC, PUBREL and PINGRESP: the library answers them. */
                break;
        }
    }
}

/* Runs the process loop until *pxFlag is set (or an error or timeout). */
static BaseType_t prvWaitFor( MQTTContext_t * pxContext,
                              const BaseType_t * pxFlag,
                              const char * pcWhat )
{
    uint32_t ulStart = prvGetTimeMs();

    while( ( *pxFlag == pdFALSE ) && ( xFailed == pdFALSE ) )
    {
        MQTTStatus_t xStatus = MQTT_ProcessLoop( pxContext );

        if( ( xStatus != MQTTSuccess ) && ( xStatus != MQTTNeedMoreBytes ) )
        {
            demoPRINT( "ERROR: MQTT_ProcessLoop: %s while waiting for %s\r\n", MQTT_Status_strerror( xStatus ), pcWhat );
            return pdFAIL;
        }

        if( ( prvGetTimeMs() - ulStart ) > demoTIMEOUT_MS )
        {
            demoPRINT( "ERROR: timed out waiting for %s\r\n", pcWhat );
            return pdFAIL;
        }
    }

    return ( xFailed == pdFALSE ) ? pdPASS : pdFAIL;
}

static BaseType_t prvRun( uint16_t usPort )
{
    static MQTTContext_t xContext;
    TransportInterface_t xTransport = { 0 };
    MQTTFixedBuffer_t xFixedBuffer = { ucBuffer, sizeof( ucBuffer ) };
    MQTTConnectInfo_t xConnect = { 0 };
    MQTTSubscribeInfo_t xSubscription = { 0 };
    bool xSessionPresent = true;
    MQTTStatus_t xStatus;
    unsigned uQoS;

    demoPRINT( "connecting to %s:%u over FreeRTOS+TCP\r\n", demoBROKER_ADDRESS, ( unsigned ) usPort );

    if( FreeRTOSTcp_Connect( &xTcpContext, FreeRTOS_inet_addr( demoBROKER_ADDRESS ), usPort,
                             pdMS_TO_TICKS( 10000U ), pdMS_TO_TICKS( 20U ) ) != FREERTOS_TCP_SUCCESS )
    {
        demoPRINT( "ERROR: TCP connection failed\r\n" );
        return pdFAIL;
    }

    xTransport.pNetworkContext = &xTcpContext;
    xTransport.recv = FreeRTOSTcp_Recv;
    xTransport.send = FreeRTOSTcp_Send;

    xStatus = MQTT_Init( &xContext, &xTransport, prvGetTimeMs, prvEventCallback, &xFixedBuffer );

    if( xStatus == MQTTSuccess )
    {
        xStatus = MQTT_InitStatefulQoS( &xContext, xOutgoing, 4, xIncoming, 4 );
    }

    if( xStatus != MQTTSuccess )
    {
        demoPRINT( "ERROR: MQTT_Init: %s\r\n", MQTT_Status_strerror( xStatus ) );
        return pdFAIL;
    }

    xConnect.cleanSession = true;
    xConnect.pClientIdentifier = demoCLIENT_ID;
    xConnect.clientIdentifierLength = ( uint16_t ) strlen( demoCLIENT_ID );
    xConnect.keepAliveSeconds = 60U;
    xStatus = MQTT_Connect( &xContext, &xConnect, NULL, demoTIMEOUT_MS, &xSessionPresent );

    if( ( xStatus != MQTTSuccess ) || xSessionPresent )
    {
        demoPRINT( "ERROR: MQTT_Connect: %s\r\n", MQTT_Status_strerror( xStatus ) );
        return pdFAIL;
    }

    demoPRINT( "CONNACK: connected as %s\r\n", demoCLIENT_ID );

    xSubscription.qos = MQTTQoS2;
    xSubscription.pTopicFilter = demoTOPIC_FILTER;
    xSubscription.topicFilterLength = ( uint16_t ) strlen( demoTOPIC_FILTER );

    if( ( MQTT_Subscribe( &xContext, &xSubscription, 1, MQTT_GetPacketId( &xContext ) ) != MQTTSuccess ) ||
        ( prvWaitFor( &xContext, &xSubAcked, "SUBACK" ) != pdPASS ) )
    {
        demoPRINT( "ERROR: subscribe\r\n" );
        return pdFAIL;
    }

    for( uQoS = 0; uQoS <= 2U; uQoS++ )
    {
        char cTopic[ 32 ];
        MQTTPublishInfo_t xPublish = { 0 };

        ( void ) snprintf( cTopic, sizeof( cTopic ), "%s%u", demoTOPIC_PREFIX, uQoS );
        xPublish.qos = ( MQTTQoS_t ) uQoS;
        xPublish.pTopicName = cTopic;
        xPublish.topicNameLength = ( uint16_t ) strlen( cTopic );
        xPublish.pPayload = prvPayload( xPublish.qos );
        xPublish.payloadLength = strlen( prvPayload( xPublish.qos ) );
        usAwaitedAckId = ( uQoS == 0U ) ? 0U : MQTT_GetPacketId( &xContext );
        xAckSeen = ( uQoS == 0U ) ? pdTRUE : pdFALSE;

        xStatus = MQTT_Publish( &xContext, &xPublish, usAwaitedAckId );

        if( xStatus != MQTTSuccess )
        {
            demoPRINT( "ERROR: MQTT_Publish QoS %u: %s\r\n", uQoS, MQTT_Status_strerror( xStatus ) );
            return pdFAIL;
        }

        demoPRINT( "published QoS %u to %s\r\n", uQoS, cTopic );

        /* Our message comes back, and at QoS 1/2 our own publish completes. */
        if( ( prvWaitFor( &xContext, &xReceived[ uQoS ], "the echo" ) != pdPASS ) ||
            ( prvWaitFor( &xContext, &xAckSeen, ( uQoS == 1U ) ? "PUBACK" : "PUBCOMP" ) != pdPASS ) )
        {
            return pdFAIL;
        }

        if( uQoS > 0U )
        {
            demoPRINT( "%s for packet id %u\r\n", ( uQoS == 1U ) ? "PUBACK" : "PUBCOMP", ( unsigned ) usAwaitedAckId );
        }
    }

    if( ( MQTT_Unsubscribe( &xContext, &xSubscription, 1, MQTT_GetPacketId( &xContext ) ) != MQTTSuccess ) ||
        ( prvWaitFor( &xContext, &xUnsubAcked, "UNSUBACK" ) != pdPASS ) )
    {
        demoPRINT( "ERROR: unsubscribe\r\n" );
        return pdFAIL;
    }

    demoPRINT( "UNSUBACK\r\n" );

    if( MQTT_Disconnect( &xContext ) != MQTTSuccess )
    {
        demoPRINT( "ERROR: MQTT_Disconnect\r\n" );
        return pdFAIL;
    }

    FreeRTOSTcp_Disconnect( &xTcpContext );
    demoPRINT( "disconnected\r\n" );

    return ( xReceived[ 0 ] && xReceived[ 1 ] && xReceived[ 2 ] ) ? pdPASS : pdFAIL;
}

void vMQTTQoSDemoTask( void * pvParameters )
{
    uint16_t usPort = ( uint16_t ) ( uintptr_t ) pvParameters;
    BaseType_t xResult = prvRun( usPort );

    vDemoFinished( xResult );
}
