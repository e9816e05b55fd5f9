/*
 * Differential test of the coreMQTT API beyond the serializer: MQTT_Init,
 * MQTT_Connect's client identifier rules, the retransmit store callback with
 * MQTT_GetBytesInMQTTVec / MQTT_SerializeMQTTVec, the state-record functions
 * of core_mqtt_state.h, and the serializer helpers that coreMQTT v1.2.0 did
 * not have (MQTT_SerializePublishHeaderWithoutTopic,
 * MQTT_UpdateDuplicatePublishFlag, MQTT_Serialize*Header,
 * MQTT_ProcessIncomingPacketTypeAndLength), whole sessions over a memory
 * transport (subscribe, publish, ping, unsubscribe, MQTT_ProcessLoop or
 * MQTT_ReceiveLoop receiving every packet type, MQTT_CancelCallback,
 * MQTT_CheckConnectStatus, MQTT_Disconnect) and MQTT_MatchTopic.
 *
 * Compiled twice by scripts/coremqtt-differential.sh, like serializer_cases.c:
 * against rsmqtt and against coreMQTT v3-CodeBase's C sources (with
 * RSMQTT_REFERENCE_COREMQTT defined). Each case prints one line: its name,
 * the status and every output; the script diffs the two outputs.
 *
 * The transport is in memory: sends are appended to a capture buffer (no
 * writev, so both libraries call send once per piece and the captured bytes
 * are what went on the wire), receives are served from a scripted byte
 * string. The clock advances by one millisecond per call.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_mqtt.h"
#include "core_mqtt_state.h"

struct NetworkContext
{
    const uint8_t * pRx;
    size_t rxLength;
    size_t rxPosition;
    uint8_t tx[ 1024 ];
    size_t txLength;
};

#define RECORDS    ( 3U )

static uint8_t g_buffer[ 256 ];
static uint32_t g_now = 0;
static int g_failures = 0;
static int g_cases = 0;
static NetworkContext_t g_net;
static MQTTPubAckInfo_t g_outgoing[ RECORDS ];
static MQTTPubAckInfo_t g_incoming[ RECORDS ];

static const uint8_t CONNACK_ACCEPTED[] = { 0x20, 0x02, 0x00, 0x00 };

/* ------------------------------------------------------------------------ */
/* Printing */

static void print_bytes( const char * label, const uint8_t * p, size_t n )
{
    size_t i;

    printf( " %s=", label );

    for( i = 0; i < n; i++ )
    {
        printf( "%02x", p[ i ] );
    }
}

static void begin( const char * name, MQTTStatus_t status )
{
    g_cases++;
    printf( "%s: %s", name, MQTT_Status_strerror( status ) );
}

static void end( void )
{
    printf( "\n" );
}

static void print_records( void )
{
    size_t i;

    printf( " out=" );

    for( i = 0; i < RECORDS; i++ )
    {
        printf( "[%u,%u,%s]", g_outgoing[ i ].packetId, ( unsigned ) g_outgoing[ i ].qos,
                MQTT_State_strerror( g_outgoing[ i ].publishState ) );
    }

    printf( " in=" );

    for( i = 0; i < RECORDS; i++ )
    {
        printf( "[%u,%u,%s]", g_incoming[ i ].packetId, ( unsigned ) g_incoming[ i ].qos,
                MQTT_State_strerror( g_incoming[ i ].publishState ) );
    }
}

/* A case that runs only against rsmqtt: coreMQTT asserts or dereferences
 * NULL there. */
#ifdef RSMQTT_REFERENCE_COREMQTT
    #define RSMQTT_ONLY( name, expected, call )    do {} while( 0 )
#else
    #define RSMQTT_ONLY( name, expected, call )                             \
    do {                                                                    \
        MQTTStatus_t only_status = ( call );                                \
        printf( "rsmqtt-only %s: %s (expected %s)\n", ( name ),             \
                MQTT_Status_strerror( only_status ),                        \
                MQTT_Status_strerror( expected ) );                         \
        if( only_status != ( expected ) ) { g_failures++; }                 \
    } while( 0 )
#endif

/* ------------------------------------------------------------------------ */
/* The in-memory transport, clock and callbacks */

static int32_t memory_recv( NetworkContext_t * pNet,
                            void * pBuffer,
                            size_t bytesToRecv )
{
    size_t left = pNet->rxLength - pNet->rxPosition;
    size_t n = ( bytesToRecv < left ) ? bytesToRecv : left;

    memcpy( pBuffer, pNet->pRx + pNet->rxPosition, n );
    pNet->rxPosition += n;
    return ( int32_t ) n;
}

static int32_t memory_send( NetworkContext_t * pNet,
                            const void * pBuffer,
                            size_t bytesToSend )
{
    size_t room = sizeof( pNet->tx ) - pNet->txLength;
    size_t n = ( bytesToSend < room ) ? bytesToSend : room;

    memcpy( pNet->tx + pNet->txLength, pBuffer, n );
    pNet->txLength += n;
    return ( int32_t ) n;
}

static uint32_t clock_ms( void )
{
    return ++g_now;
}

/* Prints what the application learns from each event: the packet type and
 * identifier, the deserialization result, a PUBLISH's fields and a SUBACK's
 * return codes (through MQTT_GetSubAckStatusCodes). */
static void on_event( MQTTContext_t * pContext,
                      MQTTPacketInfo_t * pPacketInfo,
                      MQTTDeserializedInfo_t * pDeserializedInfo )
{
    ( void ) pContext;
    printf( " event(%02x,id=%u,%s", pPacketInfo->type, pDeserializedInfo->packetIdentifier,
            MQTT_Status_strerror( pDeserializedInfo->deserializationResult ) );

    if( ( ( pPacketInfo->type & 0xF0U ) == MQTT_PACKET_TYPE_PUBLISH ) &&
        ( pDeserializedInfo->pPublishInfo != NULL ) )
    {
        const MQTTPublishInfo_t * pPublish = pDeserializedInfo->pPublishInfo;

        printf( ",qos=%d,retain=%d,dup=%d", ( int ) pPublish->qos, pPublish->retain ? 1 : 0,
                pPublish->dup ? 1 : 0 );
        print_bytes( "topic", ( const uint8_t * ) pPublish->pTopicName, pPublish->topicNameLength );
        print_bytes( "payload", pPublish->pPayload, pPublish->payloadLength );
    }

    if( pPacketInfo->type == MQTT_PACKET_TYPE_SUBACK )
    {
        uint8_t * pCodes = NULL;
        size_t count = 0;
        MQTTStatus_t status = MQTT_GetSubAckStatusCodes( pPacketInfo, &pCodes, &count );

        printf( ",suback=%s", MQTT_Status_strerror( status ) );

        if( status == MQTTSuccess )
        {
            print_bytes( "codes", pCodes, count );
        }
    }

    printf( ")" );
}

static bool store_result = true;

/* The retransmit store callback prints what it is handed: the size that
 * MQTT_GetBytesInMQTTVec reports and the bytes MQTT_SerializeMQTTVec
 * writes (into a sentinel-filled buffer, so a write past the size shows). */
static bool store_publish( MQTTContext_t * pContext,
                           uint16_t packetId,
                           MQTTVec_t * pMqttVec )
{
    uint8_t copy[ 300 ];
    size_t size = MQTT_GetBytesInMQTTVec( pMqttVec );
    size_t over = 0;
    size_t i;

    ( void ) pContext;
    printf( " store(id=%u,bytes=%zu", packetId, size );

    if( size + 16U <= sizeof( copy ) )
    {
        memset( copy, 0xA5, sizeof( copy ) );
        MQTT_SerializeMQTTVec( copy, pMqttVec );
        print_bytes( "vec", copy, size );

        for( i = size; i < size + 16U; i++ )
        {
            if( copy[ i ] != 0xA5U )
            {
                over = i - size + 1U;
            }
        }

        printf( " over=%zu", over );
    }

    printf( ")" );
    return store_result;
}

static bool retrieve_publish( MQTTContext_t * pContext,
                              uint16_t packetId,
                              uint8_t ** pSerializedMqttVec,
                              size_t * pSerializedMqttVecLen )
{
    ( void ) pContext;
    ( void ) packetId;
    ( void ) pSerializedMqttVec;
    ( void ) pSerializedMqttVecLen;
    return false;
}

static void clear_publish( MQTTContext_t * pContext,
                           uint16_t packetId )
{
    ( void ) pContext;
    printf( " clear(id=%u)", packetId );
}

/* Initialises `pContext` over the memory transport with `rx` to receive and
 * the shared network buffer and record arrays. */
static MQTTStatus_t setup( MQTTContext_t * pContext,
                           const uint8_t * rx,
                           size_t rxLength )
{
    TransportInterface_t transport;
    MQTTFixedBuffer_t buffer = { g_buffer, sizeof( g_buffer ) };
    MQTTStatus_t status;

    memset( &g_net, 0, sizeof( g_net ) );
    g_net.pRx = rx;
    g_net.rxLength = rxLength;
    memset( &transport, 0, sizeof( transport ) );
    transport.recv = memory_recv;
    transport.send = memory_send;
    transport.writev = NULL;
    transport.pNetworkContext = &g_net;
    memset( g_outgoing, 0, sizeof( g_outgoing ) );
    memset( g_incoming, 0, sizeof( g_incoming ) );
    memset( pContext, 0, sizeof( *pContext ) );

    status = MQTT_Init( pContext, &transport, clock_ms, on_event, &buffer );

    if( status == MQTTSuccess )
    {
        status = MQTT_InitStatefulQoS( pContext, g_outgoing, RECORDS, g_incoming, RECORDS );
    }

    return status;
}

/* ------------------------------------------------------------------------ */
/* MQTT_Init */

static void init_case( const char * name,
                       bool withContext,
                       const TransportInterface_t * pTransport,
                       MQTTGetCurrentTimeFunc_t clock,
                       MQTTEventCallback_t callback,
                       const MQTTFixedBuffer_t * pBuffer )
{
    MQTTContext_t context;
    MQTTStatus_t status;
    char label[ 96 ];

    memset( &context, 0x5A, sizeof( context ) );
    status = MQTT_Init( withContext ? &context : NULL, pTransport, clock, callback, pBuffer );
    ( void ) snprintf( label, sizeof( label ), "init/%s", name );
    begin( label, status );

    if( status == MQTTSuccess )
    {
        printf( " nextPacketId=%u connectStatus=%d buffer=%s,%zu index=%zu"
                " records=%zu,%zu keepAlive=%u",
                context.nextPacketId, ( int ) context.connectStatus,
                ( context.networkBuffer.pBuffer == NULL ) ? "NULL" : "set",
                context.networkBuffer.size, context.index,
                context.outgoingPublishRecordMaxCount,
                context.incomingPublishRecordMaxCount,
                context.keepAliveIntervalSec );
    }

    end();
}

static void init_cases( void )
{
    TransportInterface_t transport;
    TransportInterface_t noRecv;
    TransportInterface_t noSend;
    MQTTFixedBuffer_t buffer = { g_buffer, sizeof( g_buffer ) };
    MQTTFixedBuffer_t nullEmpty = { NULL, 0 };
    MQTTFixedBuffer_t sizeZero = { g_buffer, 0 };
    MQTTFixedBuffer_t nullSized = { NULL, 16 };

    memset( &transport, 0, sizeof( transport ) );
    transport.recv = memory_recv;
    transport.send = memory_send;
    transport.pNetworkContext = &g_net;
    noRecv = transport;
    noRecv.recv = NULL;
    noSend = transport;
    noSend.send = NULL;

    init_case( "ok", true, &transport, clock_ms, on_event, &buffer );
    init_case( "null-context", false, &transport, clock_ms, on_event, &buffer );
    init_case( "null-transport", true, NULL, clock_ms, on_event, &buffer );
    init_case( "null-clock", true, &transport, NULL, on_event, &buffer );
    init_case( "null-callback", true, &transport, clock_ms, NULL, &buffer );
    init_case( "null-recv", true, &noRecv, clock_ms, on_event, &buffer );
    init_case( "null-send", true, &noSend, clock_ms, on_event, &buffer );
    init_case( "null-buffer-struct", true, &transport, clock_ms, on_event, NULL );
    init_case( "buffer-null-0", true, &transport, clock_ms, on_event, &nullEmpty );
    init_case( "buffer-size-0", true, &transport, clock_ms, on_event, &sizeZero );
    init_case( "buffer-null-16", true, &transport, clock_ms, on_event, &nullSized );
}

/* ------------------------------------------------------------------------ */
/* MQTT_Connect */

static void connect_case( const char * name,
                          const char * pClientId,
                          uint16_t clientIdLength,
                          bool cleanSession,
                          const uint8_t * rx,
                          size_t rxLength )
{
    MQTTContext_t context;
    MQTTConnectInfo_t info;
    MQTTStatus_t status;
    bool present = true;
    char label[ 96 ];

    memset( &info, 0, sizeof( info ) );
    info.cleanSession = cleanSession;
    info.keepAliveSeconds = 60;
    info.pClientIdentifier = pClientId;
    info.clientIdentifierLength = clientIdLength;

    status = setup( &context, rx, rxLength );
    ( void ) snprintf( label, sizeof( label ), "mqtt-connect/%s", name );

    if( status == MQTTSuccess )
    {
        status = MQTT_Connect( &context, &info, NULL, 1000, &present );
    }

    begin( label, status );
    printf( " present=%d connectStatus=%d", present ? 1 : 0, ( int ) context.connectStatus );
    print_bytes( "sent", g_net.tx, g_net.txLength );
    end();
}

static void connect_cases( void )
{
    static const uint8_t refused[] = { 0x20, 0x02, 0x00, 0x05 };
    static const uint8_t present[] = { 0x20, 0x02, 0x01, 0x00 };
    char * oneByteEmpty = malloc( 1 );

    if( oneByteEmpty == NULL )
    {
        g_failures++;
        return;
    }

    /* A one-byte heap string: reading past it would show under Valgrind. */
    oneByteEmpty[ 0 ] = '\0';

    connect_case( "ok", "client-1", 8, true, CONNACK_ACCEPTED, sizeof( CONNACK_ACCEPTED ) );
    connect_case( "refused", "client-1", 8, true, refused, sizeof( refused ) );
    connect_case( "clean-session-with-session-present", "client-1", 8, true, present, sizeof( present ) );
    connect_case( "persistent-session-present", "client-1", 8, false, present, sizeof( present ) );
    connect_case( "no-connack", "client-1", 8, true, NULL, 0 );

    /* coreMQTT v3-CodeBase #331: a zero-length identifier with clean
     * session; the length must agree with the string. */
    connect_case( "client-id-null-0-clean", NULL, 0, true, CONNACK_ACCEPTED, sizeof( CONNACK_ACCEPTED ) );
    connect_case( "client-id-null-0-persistent", NULL, 0, false, CONNACK_ACCEPTED, sizeof( CONNACK_ACCEPTED ) );
    connect_case( "client-id-empty-0-clean", "", 0, true, CONNACK_ACCEPTED, sizeof( CONNACK_ACCEPTED ) );
    connect_case( "client-id-empty-0-persistent", "", 0, false, CONNACK_ACCEPTED, sizeof( CONNACK_ACCEPTED ) );
    connect_case( "client-id-string-0-clean", "id", 0, true, CONNACK_ACCEPTED, sizeof( CONNACK_ACCEPTED ) );
    connect_case( "client-id-null-5", NULL, 5, true, CONNACK_ACCEPTED, sizeof( CONNACK_ACCEPTED ) );
    connect_case( "client-id-empty-99", oneByteEmpty, 99, true, CONNACK_ACCEPTED, sizeof( CONNACK_ACCEPTED ) );

    free( oneByteEmpty );

    /* A context whose network buffer is {NULL, 0}: both accept it in
     * MQTT_Init; coreMQTT then asserts on the CONNACK (receivePacket),
     * rsmqtt refuses to connect without a buffer. */
    {
        MQTTContext_t context;
        TransportInterface_t transport;
        MQTTFixedBuffer_t nullEmpty = { NULL, 0 };
        MQTTConnectInfo_t info;
        bool sessionPresent = false;

        memset( &g_net, 0, sizeof( g_net ) );
        g_net.pRx = CONNACK_ACCEPTED;
        g_net.rxLength = sizeof( CONNACK_ACCEPTED );
        memset( &transport, 0, sizeof( transport ) );
        transport.recv = memory_recv;
        transport.send = memory_send;
        transport.pNetworkContext = &g_net;
        memset( &info, 0, sizeof( info ) );
        info.cleanSession = true;
        info.pClientIdentifier = "client-1";
        info.clientIdentifierLength = 8;
        ( void ) MQTT_Init( &context, &transport, clock_ms, on_event, &nullEmpty );
        RSMQTT_ONLY( "mqtt-connect/buffer-null-0", MQTTBadParameter,
                     MQTT_Connect( &context, &info, NULL, 1000, &sessionPresent ) );
        ( void ) sessionPresent;
        ( void ) context;
    }
}

/* ------------------------------------------------------------------------ */
/* MQTT_Publish with the retransmit store: MQTTVec_t */

static void publish_store_case( const char * name,
                                MQTTQoS_t qos,
                                bool retain,
                                const char * topic,
                                const char * payload,
                                bool storeSucceeds )
{
    MQTTContext_t context;
    MQTTConnectInfo_t info;
    MQTTPublishInfo_t publish;
    MQTTStatus_t status;
    bool present = false;
    char label[ 96 ];

    memset( &info, 0, sizeof( info ) );
    info.cleanSession = true;
    info.pClientIdentifier = "client-1";
    info.clientIdentifierLength = 8;
    memset( &publish, 0, sizeof( publish ) );
    publish.qos = qos;
    publish.retain = retain;
    publish.pTopicName = topic;
    publish.topicNameLength = ( uint16_t ) strlen( topic );
    publish.pPayload = payload;
    publish.payloadLength = ( payload == NULL ) ? 0U : strlen( payload );

    ( void ) snprintf( label, sizeof( label ), "publish-store/%s", name );
    status = setup( &context, CONNACK_ACCEPTED, sizeof( CONNACK_ACCEPTED ) );

    if( status == MQTTSuccess )
    {
        status = MQTT_InitRetransmits( &context, store_publish, retrieve_publish, clear_publish );
    }

    if( status == MQTTSuccess )
    {
        status = MQTT_Connect( &context, &info, NULL, 1000, &present );
    }

    if( status != MQTTSuccess )
    {
        begin( label, status );
        printf( " (setup failed)" );
        end();
        return;
    }

    g_net.txLength = 0;
    store_result = storeSucceeds;
    printf( "%s:", label );
    status = MQTT_Publish( &context, &publish, ( qos == MQTTQoS0 ) ? 0U : 7U );
    store_result = true;
    g_cases++;
    printf( " %s", MQTT_Status_strerror( status ) );
    print_bytes( "sent", g_net.tx, g_net.txLength );
    print_records();
    end();
}

static void publish_store_cases( void )
{
    publish_store_case( "qos0", MQTTQoS0, false, "a/b", "hello", true );
    publish_store_case( "qos1", MQTTQoS1, false, "a/b", "hello", true );
    publish_store_case( "qos2-retain", MQTTQoS2, true, "sensors/temperature", "21.5", true );
    publish_store_case( "qos1-empty-payload", MQTTQoS1, false, "t", NULL, true );
}

/* ------------------------------------------------------------------------ */
/* core_mqtt_state.h */

static void state_step( const char * name,
                        MQTTStatus_t status,
                        MQTTPublishState_t state )
{
    char label[ 96 ];

    ( void ) snprintf( label, sizeof( label ), "state/%s", name );
    begin( label, status );
    printf( " state=%s", MQTT_State_strerror( state ) );
    print_records();
    end();
}

static void reserve( const char * name,
                     MQTTContext_t * pContext,
                     uint16_t packetId,
                     MQTTQoS_t qos )
{
    state_step( name, MQTT_ReserveState( pContext, packetId, qos ), MQTTStateNull );
}

static void update_publish( const char * name,
                            MQTTContext_t * pContext,
                            uint16_t packetId,
                            MQTTStateOperation_t op,
                            MQTTQoS_t qos )
{
    MQTTPublishState_t state = MQTTStateNull;
    MQTTStatus_t status = MQTT_UpdateStatePublish( pContext, packetId, op, qos, &state );

    state_step( name, status, state );
}

static void update_ack( const char * name,
                        MQTTContext_t * pContext,
                        uint16_t packetId,
                        MQTTPubAckType_t type,
                        MQTTStateOperation_t op )
{
    MQTTPublishState_t state = MQTTStateNull;
    MQTTStatus_t status = MQTT_UpdateStateAck( pContext, packetId, type, op, &state );

    state_step( name, status, state );
}

static void resend_walk( const char * name,
                         MQTTContext_t * pContext )
{
    MQTTStateCursor_t cursor = MQTT_STATE_CURSOR_INITIALIZER;
    MQTTPublishState_t state = MQTTStateNull;
    uint16_t id;
    char label[ 96 ];

    ( void ) snprintf( label, sizeof( label ), "state/%s/pubrel-to-resend", name );
    begin( label, MQTTSuccess );

    while( ( id = MQTT_PubrelToResend( pContext, &cursor, &state ) ) != 0U )
    {
        printf( " %u:%s", id, MQTT_State_strerror( state ) );
    }

    printf( " cursor=%zu", ( size_t ) cursor );
    end();

    cursor = MQTT_STATE_CURSOR_INITIALIZER;
    ( void ) snprintf( label, sizeof( label ), "state/%s/publish-to-resend", name );
    begin( label, MQTTSuccess );

    while( ( id = MQTT_PublishToResend( pContext, &cursor ) ) != 0U )
    {
        printf( " %u", id );
    }

    printf( " cursor=%zu", ( size_t ) cursor );
    end();
}

static void state_cases( void )
{
    MQTTContext_t context;
    MQTTPublishState_t state = MQTTStateNull;
    int op;
    int qos;
    int type;
    int value;

    if( setup( &context, NULL, 0 ) != MQTTSuccess )
    {
        g_failures++;
        return;
    }

    reserve( "reserve-1-qos1", &context, 1, MQTTQoS1 );
    reserve( "reserve-2-qos2", &context, 2, MQTTQoS2 );
    reserve( "reserve-2-again", &context, 2, MQTTQoS1 );
    reserve( "reserve-id-0", &context, 0, MQTTQoS1 );
    reserve( "reserve-qos0", &context, 5, MQTTQoS0 );
    reserve( "reserve-null-context-qos0", NULL, 5, MQTTQoS0 );
    reserve( "reserve-null-context", NULL, 5, MQTTQoS1 );
    reserve( "reserve-3-qos1", &context, 3, MQTTQoS1 );
    reserve( "reserve-full", &context, 4, MQTTQoS1 );
    resend_walk( "reserved", &context );

    update_publish( "publish-send-1", &context, 1, MQTT_SEND, MQTTQoS1 );
    update_publish( "publish-send-1-again", &context, 1, MQTT_SEND, MQTTQoS1 );
    update_publish( "publish-send-2", &context, 2, MQTT_SEND, MQTTQoS2 );
    update_publish( "publish-send-2-wrong-qos", &context, 2, MQTT_SEND, MQTTQoS1 );
    update_publish( "publish-send-unknown-id", &context, 9, MQTT_SEND, MQTTQoS1 );
    update_publish( "publish-send-qos0", &context, 9, MQTT_SEND, MQTTQoS0 );
    update_publish( "publish-send-id-0", &context, 0, MQTT_SEND, MQTTQoS1 );
    update_publish( "publish-send-qos3", &context, 7, MQTT_SEND, ( MQTTQoS_t ) 3 );
    update_publish( "publish-receive-qos3", &context, 7, MQTT_RECEIVE, ( MQTTQoS_t ) 3 );
    update_publish( "publish-receive-qos3-id-0", &context, 0, MQTT_RECEIVE, ( MQTTQoS_t ) 3 );
    update_publish( "publish-receive-7-qos1", &context, 7, MQTT_RECEIVE, MQTTQoS1 );
    update_publish( "publish-receive-8-qos2", &context, 8, MQTT_RECEIVE, MQTTQoS2 );
    update_publish( "publish-receive-8-again", &context, 8, MQTT_RECEIVE, MQTTQoS2 );
    update_publish( "publish-receive-qos0", &context, 9, MQTT_RECEIVE, MQTTQoS0 );
    resend_walk( "published", &context );

    update_ack( "puback-received-1", &context, 1, MQTTPuback, MQTT_RECEIVE );
    update_ack( "puback-received-1-again", &context, 1, MQTTPuback, MQTT_RECEIVE );
    update_ack( "pubcomp-received-2-early", &context, 2, MQTTPubcomp, MQTT_RECEIVE );
    update_ack( "pubrec-received-2", &context, 2, MQTTPubrec, MQTT_RECEIVE );
    resend_walk( "after-pubrec", &context );
    update_ack( "pubrel-sent-2", &context, 2, MQTTPubrel, MQTT_SEND );
    update_ack( "pubcomp-received-2", &context, 2, MQTTPubcomp, MQTT_RECEIVE );
    update_ack( "puback-sent-7", &context, 7, MQTTPuback, MQTT_SEND );
    update_ack( "pubrec-sent-8", &context, 8, MQTTPubrec, MQTT_SEND );
    update_ack( "pubrel-received-8", &context, 8, MQTTPubrel, MQTT_RECEIVE );
    update_ack( "pubcomp-sent-8", &context, 8, MQTTPubcomp, MQTT_SEND );
    update_ack( "ack-unknown-id", &context, 42, MQTTPuback, MQTT_RECEIVE );
    update_ack( "ack-id-0", &context, 0, MQTTPuback, MQTT_RECEIVE );
    update_ack( "ack-null-state", NULL, 3, MQTTPuback, MQTT_RECEIVE );
    update_ack( "pubrec-for-qos1-record", &context, 3, MQTTPubrec, MQTT_RECEIVE );

    state_step( "remove-3", MQTT_RemoveStateRecord( &context, 3 ), MQTTStateNull );
    state_step( "remove-3-again", MQTT_RemoveStateRecord( &context, 3 ), MQTTStateNull );
    state_step( "remove-null-context", MQTT_RemoveStateRecord( NULL, 3 ), MQTTStateNull );
    resend_walk( "empty", &context );

    state_step( "update-publish-null-out", MQTT_UpdateStatePublish( &context, 1, MQTT_SEND, MQTTQoS1, NULL ),
                MQTTStateNull );
    state_step( "update-ack-null-out", MQTT_UpdateStateAck( &context, 1, MQTTPuback, MQTT_RECEIVE, NULL ),
                MQTTStateNull );
    ( void ) state;

    /* On a context of its own: coreMQTT keeps a QoS 3 record that no later
     * call removes. */
    if( setup( &context, NULL, 0 ) == MQTTSuccess )
    {
        reserve( "reserve-qos3", &context, 6, ( MQTTQoS_t ) 3 );
    }

    /* The pure functions over every valid input and one past each end. */
    for( op = 0; op <= 1; op++ )
    {
        for( qos = 0; qos <= 3; qos++ )
        {
            char label[ 64 ];

            ( void ) snprintf( label, sizeof( label ), "state/calculate-publish/op%d-qos%d", op, qos );
            begin( label, MQTTSuccess );
            printf( " %s", MQTT_State_strerror( MQTT_CalculateStatePublish( ( MQTTStateOperation_t ) op,
                                                                             ( MQTTQoS_t ) qos ) ) );
            end();

            for( type = 0; type <= 4; type++ )
            {
                ( void ) snprintf( label, sizeof( label ), "state/calculate-ack/type%d-op%d-qos%d", type, op, qos );
                begin( label, MQTTSuccess );
                printf( " %s", MQTT_State_strerror( MQTT_CalculateStateAck( ( MQTTPubAckType_t ) type,
                                                                             ( MQTTStateOperation_t ) op,
                                                                             ( MQTTQoS_t ) qos ) ) );
                end();
            }
        }
    }

    for( value = 0; value <= 12; value++ )
    {
        char label[ 64 ];

        ( void ) snprintf( label, sizeof( label ), "state/strerror/%d", value );
        begin( label, MQTTSuccess );
        printf( " %s", MQTT_State_strerror( ( MQTTPublishState_t ) value ) );
        end();
    }

    for( value = 0; value <= 17; value++ )
    {
        char label[ 64 ];

        ( void ) snprintf( label, sizeof( label ), "status-strerror/%d", value );
        begin( label, MQTTSuccess );
        printf( " %s", MQTT_Status_strerror( ( MQTTStatus_t ) value ) );
        end();
    }
}

/* ------------------------------------------------------------------------ */
/* Serializer functions added after v1.2.0 */

static void header_without_topic_case( const char * name,
                                       MQTTQoS_t qos,
                                       bool retain,
                                       bool dup,
                                       size_t topicLength,
                                       size_t payloadLength )
{
    MQTTPublishInfo_t publish;
    uint8_t out[ 16 ];
    size_t remaining = 0;
    size_t packetSize = 0;
    size_t headerSize = 0xBEEFU;
    MQTTStatus_t status;
    char label[ 96 ];
    static char topic[ 300 ];
    static char payload[ 20000 ];

    memset( topic, 't', sizeof( topic ) );
    memset( &publish, 0, sizeof( publish ) );
    publish.qos = qos;
    publish.retain = retain;
    publish.dup = dup;
    publish.pTopicName = topic;
    publish.topicNameLength = ( uint16_t ) topicLength;
    publish.pPayload = payload;
    publish.payloadLength = payloadLength;

    ( void ) snprintf( label, sizeof( label ), "publish-header-without-topic/%s", name );
    status = MQTT_GetPublishPacketSize( &publish, &remaining, &packetSize );

    if( status == MQTTSuccess )
    {
        memset( out, 0xA5, sizeof( out ) );
        status = MQTT_SerializePublishHeaderWithoutTopic( &publish, remaining, out, &headerSize );
    }

    begin( label, status );
    printf( " remaining=%zu headerSize=%zu", remaining, headerSize );
    print_bytes( "buf", out, sizeof( out ) );
    end();
}

static void dup_flag_case( const char * name,
                           uint8_t first,
                           bool set )
{
    uint8_t header = first;
    MQTTStatus_t status = MQTT_UpdateDuplicatePublishFlag( &header, set );
    char label[ 96 ];

    ( void ) snprintf( label, sizeof( label ), "update-dup-flag/%s", name );
    begin( label, status );
    printf( " header=%02x", header );
    end();
}

static void fixed_header_cases( void )
{
    uint8_t out[ 32 ];
    uint8_t * pEnd;
    MQTTConnectInfo_t info;
    MQTTPublishInfo_t will;
    size_t remaining = 0;
    size_t packetSize = 0;

    memset( &info, 0, sizeof( info ) );
    info.cleanSession = true;
    info.keepAliveSeconds = 0x1234;
    info.pClientIdentifier = "client-1";
    info.clientIdentifierLength = 8;
    info.pUserName = "user";
    info.userNameLength = 4;
    info.pPassword = "pw";
    info.passwordLength = 2;
    memset( &will, 0, sizeof( will ) );
    will.qos = MQTTQoS1;
    will.retain = true;
    will.pTopicName = "will";
    will.topicNameLength = 4;
    will.pPayload = "bye";
    will.payloadLength = 3;

    ( void ) MQTT_GetConnectPacketSize( &info, &will, &remaining, &packetSize );
    memset( out, 0xA5, sizeof( out ) );
    pEnd = MQTT_SerializeConnectFixedHeader( out, &info, &will, remaining );
    begin( "connect-fixed-header/will-user-password", MQTTSuccess );
    printf( " written=%td", pEnd - out );
    print_bytes( "buf", out, sizeof( out ) );
    end();

    info.pUserName = NULL;
    info.pPassword = NULL;
    info.cleanSession = false;
    ( void ) MQTT_GetConnectPacketSize( &info, NULL, &remaining, &packetSize );
    memset( out, 0xA5, sizeof( out ) );
    pEnd = MQTT_SerializeConnectFixedHeader( out, &info, NULL, remaining );
    begin( "connect-fixed-header/plain", MQTTSuccess );
    printf( " written=%td", pEnd - out );
    print_bytes( "buf", out, sizeof( out ) );
    end();

    memset( out, 0xA5, sizeof( out ) );
    pEnd = MQTT_SerializeSubscribeHeader( 200, out, 0xABCD );
    begin( "subscribe-header/200", MQTTSuccess );
    printf( " written=%td", pEnd - out );
    print_bytes( "buf", out, 8 );
    end();

    memset( out, 0xA5, sizeof( out ) );
    pEnd = MQTT_SerializeUnsubscribeHeader( 5, out, 1 );
    begin( "unsubscribe-header/5", MQTTSuccess );
    printf( " written=%td", pEnd - out );
    print_bytes( "buf", out, 8 );
    end();
}

static void v3_serializer_cases( void )
{
    header_without_topic_case( "qos0", MQTTQoS0, false, false, 3, 5 );
    header_without_topic_case( "qos1-retain", MQTTQoS1, true, false, 3, 5 );
    header_without_topic_case( "qos2-dup", MQTTQoS2, false, true, 3, 5 );
    header_without_topic_case( "qos1-dup-retain", MQTTQoS1, true, true, 3, 5 );
    header_without_topic_case( "qos0-dup", MQTTQoS0, false, true, 3, 5 );
    header_without_topic_case( "topic-300-payload-20000", MQTTQoS1, false, false, 300, 20000 );
    header_without_topic_case( "length-127", MQTTQoS0, false, false, 3, 122 );
    header_without_topic_case( "length-128", MQTTQoS0, false, false, 3, 123 );

    dup_flag_case( "set-qos1", 0x32, true );
    dup_flag_case( "clear-qos1", 0x3A, false );
    dup_flag_case( "set-already-set", 0x3A, true );
    dup_flag_case( "clear-already-clear", 0x30, false );
    dup_flag_case( "not-publish", 0x40, true );
    dup_flag_case( "type-0", 0x00, true );
    begin( "update-dup-flag/null", MQTT_UpdateDuplicatePublishFlag( NULL, true ) );
    end();

    fixed_header_cases();
}

/* ------------------------------------------------------------------------ */
/* A whole session over the memory transport */

/* Calls MQTT_ProcessLoop (or MQTT_ReceiveLoop) until the transport has
 * nothing more and the library holds nothing: coreMQTT v3 handles one packet
 * per call, rsmqtt every complete one it holds, so only the events and the
 * bytes sent are compared, not the status of each call. */
static void drain( MQTTContext_t * pContext,
                   bool receiveLoop )
{
    int calls;
    int idle = 0;

    for( calls = 0; ( calls < 64 ) && ( idle < 2 ); calls++ )
    {
        MQTTStatus_t status = receiveLoop ? MQTT_ReceiveLoop( pContext ) : MQTT_ProcessLoop( pContext );

        if( ( status == MQTTNoDataAvailable ) || ( status == MQTTNeedMoreBytes ) )
        {
            idle++;
        }
        else if( status == MQTTSuccess )
        {
            idle = 0;
        }
        else
        {
            printf( " loop=%s", MQTT_Status_strerror( status ) );
            break;
        }
    }
}

static void session_case( const char * name,
                          bool receiveLoop,
                          bool cancelPublish )
{
    static const uint8_t rx[] =
    {
        0x20, 0x02, 0x00, 0x00,                               /* CONNACK */
        0x90, 0x04, 0x00, 0x01, 0x01, 0x80,                   /* SUBACK 1: QoS 1, failure */
        0x40, 0x02, 0x00, 0x02,                               /* PUBACK 2 */
        0x32, 0x08, 0x00, 0x03, 'a', '/', 'b', 0x00, 0x0A, 'x', /* PUBLISH QoS 1, id 10 */
        0x34, 0x08, 0x00, 0x03, 'a', '/', 'c', 0x00, 0x0B, 'y', /* PUBLISH QoS 2, id 11 */
        0x62, 0x02, 0x00, 0x0B,                               /* PUBREL 11 */
        0x31, 0x06, 0x00, 0x03, 'a', '/', 'd', 'z',           /* PUBLISH QoS 0, retain */
        0xD0, 0x00,                                           /* PINGRESP */
        0xB0, 0x02, 0x00, 0x03,                               /* UNSUBACK 3 */
    };
    MQTTContext_t context;
    MQTTConnectInfo_t info;
    MQTTSubscribeInfo_t subscriptions[ 2 ];
    MQTTPublishInfo_t publish;
    bool present = false;
    MQTTStatus_t status;
    char label[ 96 ];

    memset( &info, 0, sizeof( info ) );
    info.cleanSession = true;
    info.keepAliveSeconds = 60;
    info.pClientIdentifier = "client-1";
    info.clientIdentifierLength = 8;
    memset( subscriptions, 0, sizeof( subscriptions ) );
    subscriptions[ 0 ].qos = MQTTQoS1;
    subscriptions[ 0 ].pTopicFilter = "a/#";
    subscriptions[ 0 ].topicFilterLength = 3;
    subscriptions[ 1 ].qos = MQTTQoS2;
    subscriptions[ 1 ].pTopicFilter = "b/+/c";
    subscriptions[ 1 ].topicFilterLength = 5;
    memset( &publish, 0, sizeof( publish ) );
    publish.qos = MQTTQoS1;
    publish.pTopicName = "t/1";
    publish.topicNameLength = 3;
    publish.pPayload = "hello";
    publish.payloadLength = 5;

    ( void ) snprintf( label, sizeof( label ), "session/%s", name );
    status = setup( &context, rx, sizeof( rx ) );

    if( status == MQTTSuccess )
    {
        status = MQTT_Connect( &context, &info, NULL, 1000, &present );
    }

    if( status != MQTTSuccess )
    {
        begin( label, status );
        printf( " (connect failed)" );
        end();
        return;
    }

    /* Only CONNACK may have been read so far. */
    g_cases++;
    printf( "%s: connected rx=%zu", label, g_net.rxPosition );
    g_net.txLength = 0;
    printf( " subscribe=%s", MQTT_Status_strerror(
                MQTT_Subscribe( &context, subscriptions, 2, MQTT_GetPacketId( &context ) ) ) );
    printf( " publish=%s", MQTT_Status_strerror(
                MQTT_Publish( &context, &publish, MQTT_GetPacketId( &context ) ) ) );

    if( cancelPublish )
    {
        printf( " cancel=%s", MQTT_Status_strerror( MQTT_CancelCallback( &context, 2 ) ) );
        printf( " cancel-again=%s", MQTT_Status_strerror( MQTT_CancelCallback( &context, 2 ) ) );
    }

    printf( " ping=%s", MQTT_Status_strerror( MQTT_Ping( &context ) ) );
    printf( " unsubscribe=%s", MQTT_Status_strerror(
                MQTT_Unsubscribe( &context, subscriptions, 1, MQTT_GetPacketId( &context ) ) ) );
    print_bytes( "sent", g_net.tx, g_net.txLength );
    g_net.txLength = 0;
    drain( &context, receiveLoop );
    print_bytes( "acks", g_net.tx, g_net.txLength );
    printf( " waitingForPingResp=%d status=%s", context.waitingForPingResp ? 1 : 0,
            MQTT_Status_strerror( MQTT_CheckConnectStatus( &context ) ) );
    print_records();
    g_net.txLength = 0;
    printf( " disconnect=%s", MQTT_Status_strerror( MQTT_Disconnect( &context ) ) );
    print_bytes( "sent", g_net.tx, g_net.txLength );
    printf( " after=%s", MQTT_Status_strerror( MQTT_CheckConnectStatus( &context ) ) );
    printf( " publish-after=%s", MQTT_Status_strerror( MQTT_Publish( &context, &publish, 9 ) ) );
    end();
}

static void session_cases( void )
{
    session_case( "process-loop", false, false );
    session_case( "receive-loop", true, false );
    session_case( "cancelled-publish", false, true );
}

/* ------------------------------------------------------------------------ */
/* MQTT_MatchTopic and MQTT_ProcessIncomingPacketTypeAndLength */

static void match_topic_cases( void )
{
    static const char * const pairs[][ 2 ] =
    {
        { "a/b/c", "a/b/c" },     { "a/b/c", "a/b" },       { "a/b", "a/b/c" },
        { "a/b/c", "a/+/c" },     { "a/b/c", "+/+/+" },     { "a/b/c", "+/+" },
        { "a/b/c", "#" },         { "a/b/c", "a/#" },       { "a", "a/#" },
        { "a/", "a/#" },          { "a/", "a/+" },          { "/a", "+/a" },
        { "/a", "/+" },           { "a//b", "a/+/b" },      { "a/b", "a/b/#" },
        { "$SYS/x", "#" },        { "$SYS/x", "+/x" },      { "$SYS/x", "$SYS/#" },
        { "a/b", "a/b#" },        { "a/b", "a/+b" },        { "ab", "a+" },
        { "a/b/c", "a/#/c" },     { "a+", "a+" },           { "a/#", "a/#" },
        { "A/b", "a/b" },         { "a/b/c/d", "a/+/+/d" }, { "x", "" },
        { "", "#" },
    };
    size_t i;

    for( i = 0; i < sizeof( pairs ) / sizeof( pairs[ 0 ] ); i++ )
    {
        bool match = false;
        char label[ 96 ];
        MQTTStatus_t status = MQTT_MatchTopic( pairs[ i ][ 0 ], ( uint16_t ) strlen( pairs[ i ][ 0 ] ),
                                               pairs[ i ][ 1 ], ( uint16_t ) strlen( pairs[ i ][ 1 ] ),
                                               &match );

        ( void ) snprintf( label, sizeof( label ), "match-topic/%zu", i );
        begin( label, status );
        printf( " topic=%s filter=%s match=%d", pairs[ i ][ 0 ], pairs[ i ][ 1 ], match ? 1 : 0 );
        end();
    }

    {
        bool match = true;

        begin( "match-topic/null-topic", MQTT_MatchTopic( NULL, 1, "a", 1, &match ) );
        end();
        begin( "match-topic/null-filter", MQTT_MatchTopic( "a", 1, NULL, 1, &match ) );
        end();
        begin( "match-topic/null-result", MQTT_MatchTopic( "a", 1, "a", 1, NULL ) );
        end();
    }
}

static void incoming_in_buffer_case( const char * name,
                                     const uint8_t * bytes,
                                     size_t length )
{
    MQTTPacketInfo_t packet;
    size_t index = length;
    MQTTStatus_t status;
    char label[ 96 ];

    memset( &packet, 0xEE, sizeof( packet ) );
    status = MQTT_ProcessIncomingPacketTypeAndLength( bytes, &index, &packet );
    ( void ) snprintf( label, sizeof( label ), "process-incoming/%s", name );
    begin( label, status );

    if( status == MQTTSuccess )
    {
        printf( " type=%02x remaining=%zu header=%zu", packet.type, packet.remainingLength,
                packet.headerLength );
    }

    printf( " index=%zu", index );
    end();
}

static void incoming_in_buffer_cases( void )
{
    static const uint8_t publish[] = { 0x32, 0x80, 0x01 };
    static const uint8_t puback[] = { 0x40, 0x02, 0x00, 0x01 };
    static const uint8_t longLength[] = { 0x30, 0xFF, 0xFF, 0xFF, 0x7F };
    static const uint8_t tooLong[] = { 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 };
    static const uint8_t badType[] = { 0x00, 0x00 };
    static const uint8_t pubrelNoFlag[] = { 0x60, 0x02 };
    MQTTPacketInfo_t packet;
    size_t index = 1;

    incoming_in_buffer_case( "puback", puback, sizeof( puback ) );
    incoming_in_buffer_case( "publish-2-length-bytes", publish, sizeof( publish ) );
    incoming_in_buffer_case( "publish-length-partial", publish, 2 );
    incoming_in_buffer_case( "type-only", publish, 1 );
    incoming_in_buffer_case( "empty", publish, 0 );
    incoming_in_buffer_case( "length-max", longLength, sizeof( longLength ) );
    incoming_in_buffer_case( "length-5-bytes", tooLong, sizeof( tooLong ) );
    incoming_in_buffer_case( "type-0", badType, sizeof( badType ) );
    incoming_in_buffer_case( "pubrel-without-flag", pubrelNoFlag, sizeof( pubrelNoFlag ) );

    begin( "process-incoming/null-packet",
           MQTT_ProcessIncomingPacketTypeAndLength( puback, &index, NULL ) );
    end();
    begin( "process-incoming/null-index",
           MQTT_ProcessIncomingPacketTypeAndLength( puback, NULL, &packet ) );
    end();
    begin( "process-incoming/null-buffer",
           MQTT_ProcessIncomingPacketTypeAndLength( NULL, &index, &packet ) );
    end();
}

int main( void )
{
    init_cases();
    connect_cases();
    publish_store_cases();
    state_cases();
    v3_serializer_cases();
    session_cases();
    match_topic_cases();
    incoming_in_buffer_cases();

    fprintf( stderr, "api_cases: %d cases run, %d rsmqtt-only failures\n",
             g_cases, g_failures );
    return ( g_failures == 0 ) ? 0 : 1;
}
