/*
 * Differential test of the coreMQTT serializer API.
 *
 * This one program is compiled twice by scripts/coremqtt-differential.sh:
 * against rsmqtt (librsmqtt.a and include/) and against the original
 * coreMQTT C sources (v3-CodeBase, compiled by the script from
 * ../shared/third_party/coremqtt, with RSMQTT_REFERENCE_COREMQTT defined).
 * It only uses the API both share, runs a fixed list of cases and prints one
 * line per case: its name, the returned status and every output (bytes
 * written, out-parameters). The script diffs the two outputs.
 *
 * Output buffers live in one large, sentinel-filled array; a case declares a
 * size in MQTTFixedBuffer_t and the line reports the bytes inside that size
 * plus `over=N`, the number of sentinel bytes changed past it (a write out of
 * the declared buffer). Long outputs are reported as length, FNV-1a hash and
 * first bytes.
 *
 * Cases whose behaviour in the C original is undefined (it dereferences a
 * NULL pointer) run only against rsmqtt: they print lines starting with
 * "rsmqtt-only" and the program fails if rsmqtt's status is not the expected
 * one. This file is not in tests/c/ on purpose: CTest builds everything there
 * against rsmqtt only.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core_mqtt_serializer.h"

/* The application's network context for the in-memory receive function. */
struct NetworkContext
{
    const uint8_t * pData;
    size_t length;
    size_t position;
    int32_t failWith; /* returned instead of data once nonzero */
};

#define SENTINEL        ( 0xA5U )
#define BIG             ( 200000U )
#define SLACK           ( 1024U )
#define INLINE_HEX_MAX  ( 96U )

static uint8_t g_out[ BIG + SLACK ];
static char g_big_string[ 65536 ];
static uint8_t g_in[ BIG ];
static int g_failures = 0;
static int g_cases = 0;

/* ------------------------------------------------------------------------ */
/* Printing */

static const char * status_name( MQTTStatus_t status )
{
    static const char * const names[] =
    {
        "MQTTSuccess",       "MQTTBadParameter",    "MQTTNoMemory",
        "MQTTSendFailed",    "MQTTRecvFailed",      "MQTTBadResponse",
        "MQTTServerRefused", "MQTTNoDataAvailable", "MQTTIllegalState",
        "MQTTStateCollision", "MQTTKeepAliveTimeout"
    };
    static char other[ 32 ];
    unsigned value = ( unsigned ) status;

    if( value < ( sizeof( names ) / sizeof( names[ 0 ] ) ) )
    {
        return names[ value ];
    }

    ( void ) snprintf( other, sizeof( other ), "status(%u)", value );
    return other;
}

static uint64_t fnv1a( const uint8_t * p, size_t n )
{
    uint64_t h = 1469598103934665603ULL;
    size_t i;

    for( i = 0; i < n; i++ )
    {
        h ^= p[ i ];
        h *= 1099511628211ULL;
    }

    return h;
}

static void print_bytes( const char * label, const uint8_t * p, size_t n )
{
    size_t i;
    size_t shown = ( n <= INLINE_HEX_MAX ) ? n : 32U;

    printf( " %s=", label );

    for( i = 0; i < shown; i++ )
    {
        printf( "%02x", p[ i ] );
    }

    if( n > INLINE_HEX_MAX )
    {
        printf( "...(len=%zu,fnv=%016llx)", n, ( unsigned long long ) fnv1a( p, n ) );
    }
}

static void begin( const char * name, MQTTStatus_t status )
{
    g_cases++;
    printf( "%s: %s", name, status_name( status ) );
}

static void end( void )
{
    printf( "\n" );
}

/* Sets up the output buffer: `size` declared bytes, all sentinel. */
static MQTTFixedBuffer_t out_buffer( size_t size )
{
    MQTTFixedBuffer_t fixed;

    memset( g_out, SENTINEL, sizeof( g_out ) );
    fixed.pBuffer = g_out;
    fixed.size = size;
    return fixed;
}

/* Prints the declared region and how many bytes changed beyond it. */
static void print_out( size_t declared )
{
    size_t over = 0;
    size_t i;

    print_bytes( "buf", g_out, declared );

    for( i = declared; i < declared + SLACK && i < sizeof( g_out ); i++ )
    {
        if( g_out[ i ] != SENTINEL )
        {
            over = i - declared + 1U;
        }
    }

    printf( " over=%zu", over );
}

/* A case that runs only against rsmqtt: the C original's behaviour is
 * undefined there. */
#ifdef RSMQTT_REFERENCE_COREMQTT
    #define RSMQTT_ONLY( name, expected, call )    do {} while( 0 )
#else
    #define RSMQTT_ONLY( name, expected, call )                                     \
    do {                                                                            \
        MQTTStatus_t only_status = ( call );                                        \
        printf( "rsmqtt-only %s: %s (expected %s)\n", ( name ),                     \
                status_name( only_status ), status_name( expected ) );              \
        if( only_status != ( expected ) ) { g_failures++; }                         \
    } while( 0 )
#endif

/* ------------------------------------------------------------------------ */
/* CONNECT */

static void connect_case( const char * name,
                          const MQTTConnectInfo_t * pConnect,
                          const MQTTPublishInfo_t * pWill )
{
    size_t remaining = 0xDEADU;
    size_t packet = 0xBEEFU;
    MQTTStatus_t status = MQTT_GetConnectPacketSize( pConnect, pWill, &remaining, &packet );
    char label[ 160 ];

    ( void ) snprintf( label, sizeof( label ), "connect/%s/size", name );
    begin( label, status );
    printf( " remaining=%zu packet=%zu", remaining, packet );
    end();

    if( status == MQTTSuccess )
    {
        MQTTFixedBuffer_t fixed = out_buffer( packet );

        status = MQTT_SerializeConnect( pConnect, pWill, remaining, &fixed );
        ( void ) snprintf( label, sizeof( label ), "connect/%s/serialize", name );
        begin( label, status );
        print_out( packet );
        end();

        fixed = out_buffer( packet - 1U );
        status = MQTT_SerializeConnect( pConnect, pWill, remaining, &fixed );
        ( void ) snprintf( label, sizeof( label ), "connect/%s/serialize-short-buffer", name );
        begin( label, status );
        print_out( packet - 1U );
        end();
    }
}

static void connect_cases( void )
{
    MQTTConnectInfo_t c;
    MQTTPublishInfo_t will;
    MQTTFixedBuffer_t fixed;
    size_t remaining = 0, packet = 0;
    MQTTStatus_t status;
    int qos;

    memset( &c, 0, sizeof( c ) );
    c.cleanSession = true;
    c.keepAliveSeconds = 60;
    c.pClientIdentifier = "client-1";
    c.clientIdentifierLength = 8;
    connect_case( "minimal-clean", &c, NULL );

    c.cleanSession = false;
    c.keepAliveSeconds = 0;
    connect_case( "persistent-keepalive0", &c, NULL );

    c.keepAliveSeconds = 0xFFFF;
    c.pUserName = "user";
    c.userNameLength = 4;
    connect_case( "username", &c, NULL );

    c.pPassword = "secret";
    c.passwordLength = 6;
    connect_case( "username-password", &c, NULL );

    c.pUserName = NULL;
    c.userNameLength = 0;
    connect_case( "password-only", &c, NULL );

    c.pPassword = NULL;
    c.passwordLength = 0;
    c.pUserName = "";
    c.userNameLength = 0;
    connect_case( "empty-username", &c, NULL );

    c.pUserName = NULL;
    c.userNameLength = 7; /* length without a pointer: no user name */
    connect_case( "username-null-with-length", &c, NULL );
    c.userNameLength = 0;

    for( qos = 0; qos <= 2; qos++ )
    {
        char name[ 64 ];
        memset( &will, 0, sizeof( will ) );
        will.qos = ( MQTTQoS_t ) qos;
        will.retain = ( qos == 1 );
        will.pTopicName = "will/topic";
        will.topicNameLength = 10;
        will.pPayload = "gone";
        will.payloadLength = 4;
        ( void ) snprintf( name, sizeof( name ), "will-qos%d%s", qos, will.retain ? "-retain" : "" );
        connect_case( name, &c, &will );
    }

    memset( &will, 0, sizeof( will ) );
    will.qos = MQTTQoS1;
    will.retain = true;
    will.pTopicName = "w";
    will.topicNameLength = 1;
    will.pPayload = NULL;
    will.payloadLength = 0;
    connect_case( "will-empty-payload", &c, &will );

    c.pUserName = "u";
    c.userNameLength = 1;
    c.pPassword = "p";
    c.passwordLength = 1;
    will.pPayload = "x";
    will.payloadLength = 1;
    connect_case( "will-username-password", &c, &will );

    will.payloadLength = 65535;
    will.pPayload = g_big_string;
    connect_case( "will-payload-65535", &c, &will );

    will.payloadLength = 65536;
    connect_case( "will-payload-65536", &c, &will );

    /* Long strings: two- and three-byte remaining lengths. */
    c.pClientIdentifier = g_big_string;
    c.clientIdentifierLength = 300;
    c.pUserName = NULL;
    c.userNameLength = 0;
    c.pPassword = NULL;
    c.passwordLength = 0;
    connect_case( "client-id-300", &c, NULL );

    c.clientIdentifierLength = 65535;
    c.pUserName = g_big_string;
    c.userNameLength = 65535;
    c.pPassword = g_big_string;
    c.passwordLength = 65535;
    connect_case( "all-strings-65535", &c, NULL );

    c.pUserName = NULL;
    c.userNameLength = 0;
    c.pPassword = NULL;
    c.passwordLength = 0;
    c.pClientIdentifier = "id";
    c.clientIdentifierLength = 0;
    connect_case( "zero-length-client-id", &c, NULL );

    c.pClientIdentifier = NULL;
    c.clientIdentifierLength = 5;
    connect_case( "null-client-id", &c, NULL );

    c.pClientIdentifier = "id";
    c.clientIdentifierLength = 2;
    status = MQTT_GetConnectPacketSize( NULL, NULL, &remaining, &packet );
    begin( "connect/null-connect-info/size", status );
    end();
    status = MQTT_GetConnectPacketSize( &c, NULL, NULL, &packet );
    begin( "connect/null-remaining/size", status );
    end();
    status = MQTT_GetConnectPacketSize( &c, NULL, &remaining, NULL );
    begin( "connect/null-packet-size/size", status );
    end();

    status = MQTT_GetConnectPacketSize( &c, NULL, &remaining, &packet );
    fixed = out_buffer( 64 );
    status = MQTT_SerializeConnect( NULL, NULL, remaining, &fixed );
    begin( "connect/null-connect-info/serialize", status );
    print_out( 64 );
    end();
    status = MQTT_SerializeConnect( &c, NULL, remaining, NULL );
    begin( "connect/null-fixed-buffer/serialize", status );
    end();
    fixed.pBuffer = NULL;
    status = MQTT_SerializeConnect( &c, NULL, remaining, &fixed );
    begin( "connect/null-buffer-pointer/serialize", status );
    end();

    memset( &will, 0, sizeof( will ) );
    will.pTopicName = NULL;
    will.topicNameLength = 0;
    fixed = out_buffer( 64 );
    status = MQTT_SerializeConnect( &c, &will, remaining + 4U, &fixed );
    begin( "connect/will-null-topic/serialize", status );
    print_out( 64 );
    end();

    /* The caller's remaining length disagrees with the parameters: coreMQTT
     * writes the packet with that length; the buffer here is large enough
     * for either. */
    fixed = out_buffer( 64 );
    status = MQTT_SerializeConnect( &c, NULL, remaining - 1U, &fixed );
    begin( "connect/remaining-length-too-small/serialize", status );
    print_out( 64 );
    end();
    fixed = out_buffer( 64 );
    status = MQTT_SerializeConnect( &c, NULL, remaining + 1U, &fixed );
    begin( "connect/remaining-length-too-large/serialize", status );
    print_out( 64 );
    end();

    /* A will payload length without a payload pointer. */
    memset( &will, 0, sizeof( will ) );
    will.pTopicName = "w";
    will.topicNameLength = 1;
    will.pPayload = NULL;
    will.payloadLength = 3;
    connect_case( "will-null-payload-with-length", &c, &will );

    /* Will with an out-of-range QoS integer. */
    memset( &will, 0, sizeof( will ) );
    will.qos = ( MQTTQoS_t ) 3;
    will.pTopicName = "w";
    will.topicNameLength = 1;
    connect_case( "will-qos3", &c, &will );
}

/* ------------------------------------------------------------------------ */
/* SUBSCRIBE and UNSUBSCRIBE */

static void subscription_case( const char * name,
                               const MQTTSubscribeInfo_t * pList,
                               size_t count,
                               uint16_t packetId )
{
    int unsub;

    for( unsub = 0; unsub <= 1; unsub++ )
    {
        const char * kind = unsub ? "unsubscribe" : "subscribe";
        size_t remaining = 0xDEADU;
        size_t packet = 0xBEEFU;
        char label[ 160 ];
        MQTTStatus_t status = unsub ?
                              MQTT_GetUnsubscribePacketSize( pList, count, &remaining, &packet ) :
                              MQTT_GetSubscribePacketSize( pList, count, &remaining, &packet );

        ( void ) snprintf( label, sizeof( label ), "%s/%s/size", kind, name );
        begin( label, status );
        printf( " remaining=%zu packet=%zu", remaining, packet );
        end();

        if( status == MQTTSuccess )
        {
            MQTTFixedBuffer_t fixed = out_buffer( packet );

            status = unsub ?
                     MQTT_SerializeUnsubscribe( pList, count, packetId, remaining, &fixed ) :
                     MQTT_SerializeSubscribe( pList, count, packetId, remaining, &fixed );
            ( void ) snprintf( label, sizeof( label ), "%s/%s/serialize", kind, name );
            begin( label, status );
            print_out( packet );
            end();

            fixed = out_buffer( packet - 1U );
            status = unsub ?
                     MQTT_SerializeUnsubscribe( pList, count, packetId, remaining, &fixed ) :
                     MQTT_SerializeSubscribe( pList, count, packetId, remaining, &fixed );
            ( void ) snprintf( label, sizeof( label ), "%s/%s/serialize-short-buffer", kind, name );
            begin( label, status );
            print_out( packet - 1U );
            end();
        }
    }
}

static void subscription_cases( void )
{
    MQTTSubscribeInfo_t list[ 12 ];
    MQTTFixedBuffer_t fixed;
    MQTTStatus_t status;
    size_t remaining = 0, packet = 0;
    int i;
    static const char * const filters[] =
    {
        "a", "a/b", "sensors/+/temperature", "#", "a/+/c/#", "$SYS/broker/load",
        "x", "yy", "zzz", "long/filter/with/many/levels/0123456789", "q", "r"
    };

    memset( list, 0, sizeof( list ) );

    for( i = 0; i < 12; i++ )
    {
        list[ i ].qos = ( MQTTQoS_t ) ( i % 3 );
        list[ i ].pTopicFilter = filters[ i ];
        list[ i ].topicFilterLength = ( uint16_t ) strlen( filters[ i ] );
    }

    for( i = 0; i <= 2; i++ )
    {
        char name[ 32 ];
        MQTTSubscribeInfo_t one = list[ 1 ];
        one.qos = ( MQTTQoS_t ) i;
        ( void ) snprintf( name, sizeof( name ), "one-filter-qos%d", i );
        subscription_case( name, &one, 1, 1 );
    }

    subscription_case( "three-filters", list, 3, 0x1234 );
    subscription_case( "twelve-filters", list, 12, 0xFFFF );

    {
        MQTTSubscribeInfo_t longOne[ 2 ];
        longOne[ 0 ].qos = MQTTQoS1;
        longOne[ 0 ].pTopicFilter = g_big_string;
        longOne[ 0 ].topicFilterLength = 200;
        longOne[ 1 ].qos = MQTTQoS2;
        longOne[ 1 ].pTopicFilter = g_big_string;
        longOne[ 1 ].topicFilterLength = 65535;
        subscription_case( "filter-200", longOne, 1, 7 );
        subscription_case( "filter-65535", &longOne[ 1 ], 1, 7 );
        subscription_case( "filters-200-and-65535", longOne, 2, 7 );
    }

    {
        MQTTSubscribeInfo_t bad = list[ 0 ];
        bad.topicFilterLength = 0;
        subscription_case( "zero-length-filter", &bad, 1, 1 );
        bad = list[ 0 ];
        bad.pTopicFilter = NULL;
        subscription_case( "null-filter", &bad, 1, 1 );
        bad = list[ 0 ];
        bad.qos = ( MQTTQoS_t ) 3;
        subscription_case( "qos3", &bad, 1, 1 );
        subscription_case( "packet-id-0", list, 2, 0 );
    }

    status = MQTT_GetSubscribePacketSize( list, 0, &remaining, &packet );
    begin( "subscribe/count-0/size", status );
    end();
    status = MQTT_GetUnsubscribePacketSize( list, 0, &remaining, &packet );
    begin( "unsubscribe/count-0/size", status );
    end();
    status = MQTT_GetSubscribePacketSize( NULL, 1, &remaining, &packet );
    begin( "subscribe/null-list/size", status );
    end();
    status = MQTT_GetUnsubscribePacketSize( NULL, 1, &remaining, &packet );
    begin( "unsubscribe/null-list/size", status );
    end();
    status = MQTT_GetSubscribePacketSize( list, 1, NULL, &packet );
    begin( "subscribe/null-remaining/size", status );
    end();
    status = MQTT_GetUnsubscribePacketSize( list, 1, &remaining, NULL );
    begin( "unsubscribe/null-packet-size/size", status );
    end();

    ( void ) MQTT_GetSubscribePacketSize( list, 2, &remaining, &packet );
    fixed = out_buffer( 128 );
    status = MQTT_SerializeSubscribe( list, 0, 1, remaining, &fixed );
    begin( "subscribe/count-0/serialize", status );
    end();
    status = MQTT_SerializeSubscribe( NULL, 2, 1, remaining, &fixed );
    begin( "subscribe/null-list/serialize", status );
    end();
    status = MQTT_SerializeSubscribe( list, 2, 1, remaining, NULL );
    begin( "subscribe/null-fixed-buffer/serialize", status );
    end();
    fixed.pBuffer = NULL;
    status = MQTT_SerializeSubscribe( list, 2, 1, remaining, &fixed );
    begin( "subscribe/null-buffer-pointer/serialize", status );
    end();
    fixed = out_buffer( 128 );
    status = MQTT_SerializeSubscribe( list, 2, 1, remaining + 3U, &fixed );
    begin( "subscribe/remaining-length-too-large/serialize", status );
    print_out( 128 );
    end();
    fixed = out_buffer( 128 );
    status = MQTT_SerializeSubscribe( list, 2, 1, remaining - 3U, &fixed );
    begin( "subscribe/remaining-length-too-small/serialize", status );
    print_out( 128 );
    end();

    ( void ) MQTT_GetUnsubscribePacketSize( list, 2, &remaining, &packet );
    fixed = out_buffer( 128 );
    status = MQTT_SerializeUnsubscribe( list, 0, 1, remaining, &fixed );
    begin( "unsubscribe/count-0/serialize", status );
    end();
    status = MQTT_SerializeUnsubscribe( list, 2, 1, remaining, NULL );
    begin( "unsubscribe/null-fixed-buffer/serialize", status );
    end();
    fixed = out_buffer( 128 );
    status = MQTT_SerializeUnsubscribe( list, 2, 1, remaining + 3U, &fixed );
    begin( "unsubscribe/remaining-length-too-large/serialize", status );
    print_out( 128 );
    end();
}

/* ------------------------------------------------------------------------ */
/* PUBLISH */

static void publish_case( const char * name,
                          const MQTTPublishInfo_t * pPublish,
                          uint16_t packetId )
{
    size_t remaining = 0xDEADU;
    size_t packet = 0xBEEFU;
    size_t header = 0xCAFEU;
    char label[ 160 ];
    MQTTStatus_t status = MQTT_GetPublishPacketSize( pPublish, &remaining, &packet );

    ( void ) snprintf( label, sizeof( label ), "publish/%s/size", name );
    begin( label, status );
    printf( " remaining=%zu packet=%zu", remaining, packet );
    end();

    if( status == MQTTSuccess )
    {
        MQTTFixedBuffer_t fixed = out_buffer( packet );
        size_t headerOnly = packet - pPublish->payloadLength;

        status = MQTT_SerializePublish( pPublish, packetId, remaining, &fixed );
        ( void ) snprintf( label, sizeof( label ), "publish/%s/serialize", name );
        begin( label, status );
        print_out( packet );
        end();

        fixed = out_buffer( packet - 1U );
        status = MQTT_SerializePublish( pPublish, packetId, remaining, &fixed );
        ( void ) snprintf( label, sizeof( label ), "publish/%s/serialize-short-buffer", name );
        begin( label, status );
        print_out( packet - 1U );
        end();

        fixed = out_buffer( headerOnly );
        status = MQTT_SerializePublishHeader( pPublish, packetId, remaining, &fixed, &header );
        ( void ) snprintf( label, sizeof( label ), "publish/%s/header", name );
        begin( label, status );
        printf( " headerSize=%zu", header );
        print_out( headerOnly );
        end();

        header = 0xCAFEU;
        fixed = out_buffer( headerOnly - 1U );
        status = MQTT_SerializePublishHeader( pPublish, packetId, remaining, &fixed, &header );
        ( void ) snprintf( label, sizeof( label ), "publish/%s/header-short-buffer", name );
        begin( label, status );
        printf( " headerSize=%zu", header );
        print_out( headerOnly - 1U );
        end();
    }
}

static void publish_cases( void )
{
    MQTTPublishInfo_t p;
    MQTTFixedBuffer_t fixed;
    MQTTStatus_t status;
    size_t remaining = 0, packet = 0, header = 0;
    int qos, retain, dup;

    for( qos = 0; qos <= 2; qos++ )
    {
        for( retain = 0; retain <= 1; retain++ )
        {
            for( dup = 0; dup <= 1; dup++ )
            {
                char name[ 64 ];
                memset( &p, 0, sizeof( p ) );
                p.qos = ( MQTTQoS_t ) qos;
                p.retain = ( retain != 0 );
                p.dup = ( dup != 0 );
                p.pTopicName = "devices/42/state";
                p.topicNameLength = 16;
                p.pPayload = "{\"on\":true}";
                p.payloadLength = 11;
                ( void ) snprintf( name, sizeof( name ), "qos%d-retain%d-dup%d", qos, retain, dup );
                publish_case( name, &p, ( uint16_t ) ( qos == 0 ? 0 : 0x0102 ) );
            }
        }
    }

    memset( &p, 0, sizeof( p ) );
    p.qos = MQTTQoS1;
    p.pTopicName = "t";
    p.topicNameLength = 1;
    publish_case( "empty-payload-qos1", &p, 9 );
    p.qos = MQTTQoS0;
    publish_case( "empty-payload-qos0", &p, 0 );
    p.qos = MQTTQoS0;
    publish_case( "qos0-with-packet-id", &p, 77 );

    p.pPayload = NULL;
    p.payloadLength = 5;
    publish_case( "null-payload-with-length", &p, 0 );

    p.qos = MQTTQoS2;
    p.pTopicName = g_big_string;
    p.topicNameLength = 65535;
    p.pPayload = g_big_string;
    p.payloadLength = 100;
    publish_case( "topic-65535", &p, 0xFFFF );

    p.qos = MQTTQoS0;
    p.topicNameLength = 100;
    p.payloadLength = 20000;
    publish_case( "payload-20000", &p, 0 );

    p.topicNameLength = 1;
    p.payloadLength = 268435455U;
    publish_case( "payload-over-limit", &p, 0 );
    p.payloadLength = 268435455U - 3U - 4U - 1U; /* largest that fits at QoS 0 */
    {
        size_t r = 0, s = 0;
        status = MQTT_GetPublishPacketSize( &p, &r, &s );
        begin( "publish/payload-at-limit/size", status );
        printf( " remaining=%zu packet=%zu", r, s );
        end();
        p.payloadLength += 1U;
        status = MQTT_GetPublishPacketSize( &p, &r, &s );
        begin( "publish/payload-limit-plus-1/size", status );
        end();
    }

    memset( &p, 0, sizeof( p ) );
    p.qos = MQTTQoS1;
    p.pTopicName = "t/1";
    p.topicNameLength = 3;
    p.pPayload = "abc";
    p.payloadLength = 3;
    publish_case( "qos1-packet-id-0", &p, 0 );

    p.topicNameLength = 0;
    publish_case( "zero-length-topic", &p, 1 );
    p.topicNameLength = 3;
    p.pTopicName = NULL;
    publish_case( "null-topic", &p, 1 );
    p.pTopicName = "t/1";

    p.qos = ( MQTTQoS_t ) 3;
    publish_case( "qos3", &p, 1 );
    p.qos = MQTTQoS1;

    status = MQTT_GetPublishPacketSize( NULL, &remaining, &packet );
    begin( "publish/null-info/size", status );
    end();
    status = MQTT_GetPublishPacketSize( &p, NULL, &packet );
    begin( "publish/null-remaining/size", status );
    end();
    status = MQTT_GetPublishPacketSize( &p, &remaining, NULL );
    begin( "publish/null-packet-size/size", status );
    end();

    ( void ) MQTT_GetPublishPacketSize( &p, &remaining, &packet );
    status = MQTT_SerializePublish( NULL, 1, remaining, &fixed );
    begin( "publish/null-info/serialize", status );
    end();
    status = MQTT_SerializePublish( &p, 1, remaining, NULL );
    begin( "publish/null-fixed-buffer/serialize", status );
    end();
    fixed = out_buffer( 64 );
    fixed.pBuffer = NULL;
    status = MQTT_SerializePublish( &p, 1, remaining, &fixed );
    begin( "publish/null-buffer-pointer/serialize", status );
    end();
    status = MQTT_SerializePublishHeader( &p, 1, remaining, &fixed, &header );
    begin( "publish/null-buffer-pointer/header", status );
    end();
    fixed = out_buffer( 64 );
    status = MQTT_SerializePublishHeader( &p, 1, remaining, &fixed, NULL );
    begin( "publish/null-header-size/header", status );
    print_out( 64 );
    end();
    status = MQTT_SerializePublishHeader( NULL, 1, remaining, &fixed, &header );
    begin( "publish/null-info/header", status );
    end();
    status = MQTT_SerializePublishHeader( &p, 1, remaining, NULL, &header );
    begin( "publish/null-fixed-buffer/header", status );
    end();

    fixed = out_buffer( 64 );
    status = MQTT_SerializePublish( &p, 1, remaining + 2U, &fixed );
    begin( "publish/remaining-length-too-large/serialize", status );
    print_out( 64 );
    end();
    fixed = out_buffer( 64 );
    status = MQTT_SerializePublish( &p, 1, remaining - 2U, &fixed );
    begin( "publish/remaining-length-too-small/serialize", status );
    print_out( 64 );
    end();
    header = 0xCAFEU;
    fixed = out_buffer( 64 );
    status = MQTT_SerializePublishHeader( &p, 1, remaining + 2U, &fixed, &header );
    begin( "publish/remaining-length-too-large/header", status );
    printf( " headerSize=%zu", header );
    print_out( 64 );
    end();
}

/* ------------------------------------------------------------------------ */
/* Acknowledgements, DISCONNECT, PINGREQ */

static void ack_cases( void )
{
    static const uint8_t types[] =
    {
        MQTT_PACKET_TYPE_PUBACK, MQTT_PACKET_TYPE_PUBREC, MQTT_PACKET_TYPE_PUBREL,
        MQTT_PACKET_TYPE_PUBCOMP, 0x60, 0x42, 0x00, 0x10, 0x20, 0x30, 0x82, 0x90,
        0xB0, 0xC0, 0xD0, 0xE0, 0xF0, 0xFF
    };
    size_t i;
    MQTTFixedBuffer_t fixed;
    MQTTStatus_t status;
    size_t size;

    for( i = 0; i < sizeof( types ); i++ )
    {
        char label[ 64 ];
        fixed = out_buffer( 4 );
        status = MQTT_SerializeAck( &fixed, types[ i ], 0xA1B2 );
        ( void ) snprintf( label, sizeof( label ), "ack/type-%02x", types[ i ] );
        begin( label, status );
        print_out( 4 );
        end();
    }

    fixed = out_buffer( 4 );
    status = MQTT_SerializeAck( &fixed, MQTT_PACKET_TYPE_PUBACK, 0 );
    begin( "ack/packet-id-0", status );
    print_out( 4 );
    end();
    fixed = out_buffer( 3 );
    status = MQTT_SerializeAck( &fixed, MQTT_PACKET_TYPE_PUBACK, 1 );
    begin( "ack/short-buffer", status );
    print_out( 3 );
    end();
    fixed = out_buffer( 3 );
    status = MQTT_SerializeAck( &fixed, 0x00, 0 );
    begin( "ack/short-buffer-bad-type-id-0", status );
    end();
    fixed = out_buffer( 4 );
    status = MQTT_SerializeAck( &fixed, 0x00, 0 );
    begin( "ack/bad-type-id-0", status );
    end();
    status = MQTT_SerializeAck( NULL, MQTT_PACKET_TYPE_PUBACK, 1 );
    begin( "ack/null-fixed-buffer", status );
    end();
    fixed.pBuffer = NULL;
    status = MQTT_SerializeAck( &fixed, MQTT_PACKET_TYPE_PUBACK, 1 );
    begin( "ack/null-buffer-pointer", status );
    end();

    size = 0xDEADU;
    status = MQTT_GetDisconnectPacketSize( &size );
    begin( "disconnect/size", status );
    printf( " packet=%zu", size );
    end();
    status = MQTT_GetDisconnectPacketSize( NULL );
    begin( "disconnect/null-size", status );
    end();
    size = 0xDEADU;
    status = MQTT_GetPingreqPacketSize( &size );
    begin( "pingreq/size", status );
    printf( " packet=%zu", size );
    end();
    status = MQTT_GetPingreqPacketSize( NULL );
    begin( "pingreq/null-size", status );
    end();

    for( size = 0; size <= 3; size++ )
    {
        char label[ 64 ];
        fixed = out_buffer( size );
        status = MQTT_SerializeDisconnect( &fixed );
        ( void ) snprintf( label, sizeof( label ), "disconnect/buffer-%zu", size );
        begin( label, status );
        print_out( size );
        end();
        fixed = out_buffer( size );
        status = MQTT_SerializePingreq( &fixed );
        ( void ) snprintf( label, sizeof( label ), "pingreq/buffer-%zu", size );
        begin( label, status );
        print_out( size );
        end();
    }

    status = MQTT_SerializeDisconnect( NULL );
    begin( "disconnect/null-fixed-buffer", status );
    end();
    status = MQTT_SerializePingreq( NULL );
    begin( "pingreq/null-fixed-buffer", status );
    end();
    fixed.pBuffer = NULL;
    fixed.size = 2;
    status = MQTT_SerializeDisconnect( &fixed );
    begin( "disconnect/null-buffer-pointer", status );
    end();
    status = MQTT_SerializePingreq( &fixed );
    begin( "pingreq/null-buffer-pointer", status );
    end();
}

/* ------------------------------------------------------------------------ */
/* Deserializing acknowledgements */

static void deserialize_ack_case( const char * name,
                                  uint8_t type,
                                  const uint8_t * pBody,
                                  size_t length,
                                  bool withPacketId,
                                  bool withSession )
{
    MQTTPacketInfo_t packet;
    uint16_t packetId = 0x5A5AU;
    bool session = false;
    MQTTStatus_t status;
    char label[ 160 ];

    memset( &packet, 0, sizeof( packet ) );
    if( pBody != NULL )
    {
        memcpy( g_in, pBody, length );
    }
    packet.type = type;
    packet.pRemainingData = ( pBody != NULL ) ? g_in : NULL;
    packet.remainingLength = length;

    status = MQTT_DeserializeAck( &packet,
                                  withPacketId ? &packetId : NULL,
                                  withSession ? &session : NULL );
    ( void ) snprintf( label, sizeof( label ), "deserialize-ack/%s", name );
    begin( label, status );
    printf( " packetId=%04x session=%d", packetId, session ? 1 : 0 );
    end();
}

static void deserialize_ack_cases( void )
{
    uint8_t body[ 16 ];
    int rc, sp;
    size_t i;
    static const uint8_t simple[] =
    {
        MQTT_PACKET_TYPE_PUBACK, MQTT_PACKET_TYPE_PUBREC, MQTT_PACKET_TYPE_PUBREL,
        MQTT_PACKET_TYPE_PUBCOMP, MQTT_PACKET_TYPE_UNSUBACK
    };
    static const uint8_t others[] = { 0x00, 0x10, 0x30, 0x32, 0x60, 0x82, 0xA2, 0xC0, 0xE0, 0xF0, 0x21, 0x41, 0x91, 0xD1 };

    for( sp = 0; sp <= 1; sp++ )
    {
        for( rc = 0; rc <= 6; rc++ )
        {
            char name[ 64 ];
            body[ 0 ] = ( uint8_t ) sp;
            body[ 1 ] = ( uint8_t ) rc;
            ( void ) snprintf( name, sizeof( name ), "connack-session%d-code%d", sp, rc );
            deserialize_ack_case( name, MQTT_PACKET_TYPE_CONNACK, body, 2, false, true );
        }
    }

    body[ 0 ] = 0x02;
    body[ 1 ] = 0;
    deserialize_ack_case( "connack-reserved-bit", MQTT_PACKET_TYPE_CONNACK, body, 2, false, true );
    body[ 0 ] = 0x80;
    deserialize_ack_case( "connack-reserved-high-bit", MQTT_PACKET_TYPE_CONNACK, body, 2, false, true );
    body[ 0 ] = 0;
    body[ 1 ] = 0xFF;
    deserialize_ack_case( "connack-code-255", MQTT_PACKET_TYPE_CONNACK, body, 2, false, true );
    body[ 1 ] = 0;
    body[ 2 ] = 0;
    deserialize_ack_case( "connack-length-3", MQTT_PACKET_TYPE_CONNACK, body, 3, false, true );
    deserialize_ack_case( "connack-length-1", MQTT_PACKET_TYPE_CONNACK, body, 1, false, true );
    deserialize_ack_case( "connack-length-0", MQTT_PACKET_TYPE_CONNACK, body, 0, false, true );
    deserialize_ack_case( "connack-null-session", MQTT_PACKET_TYPE_CONNACK, body, 2, true, false );
    deserialize_ack_case( "connack-with-packet-id-pointer", MQTT_PACKET_TYPE_CONNACK, body, 2, true, true );
    deserialize_ack_case( "connack-null-data", MQTT_PACKET_TYPE_CONNACK, NULL, 2, false, true );

    {
        static const struct
        {
            const char * name;
            uint8_t bytes[ 8 ];
            size_t length;
        } subacks[] =
        {
            { "suback-qos0",         { 0x00, 0x01, 0x00 },                   3 },
            { "suback-qos1",         { 0x12, 0x34, 0x01 },                   3 },
            { "suback-qos2",         { 0xFF, 0xFF, 0x02 },                   3 },
            { "suback-failure",      { 0x00, 0x07, 0x80 },                   3 },
            { "suback-mixed",        { 0x00, 0x07, 0x00, 0x01, 0x02, 0x80 }, 6 },
            { "suback-failure-then-bad", { 0x00, 0x07, 0x80, 0x03 },         4 },
            { "suback-bad-then-failure", { 0x00, 0x07, 0x03, 0x80 },         4 },
            { "suback-code-3",       { 0x00, 0x07, 0x03 },                   3 },
            { "suback-code-81",      { 0x00, 0x07, 0x81 },                   3 },
            { "suback-packet-id-0",  { 0x00, 0x00, 0x00 },                   3 },
            { "suback-length-2",     { 0x00, 0x07 },                         2 },
            { "suback-length-1",     { 0x00 },                               1 },
            { "suback-length-0",     { 0 },                                  0 },
        };

        for( i = 0; i < sizeof( subacks ) / sizeof( subacks[ 0 ] ); i++ )
        {
            deserialize_ack_case( subacks[ i ].name, MQTT_PACKET_TYPE_SUBACK,
                                  subacks[ i ].bytes, subacks[ i ].length, true, false );
        }

        deserialize_ack_case( "suback-null-packet-id", MQTT_PACKET_TYPE_SUBACK,
                              subacks[ 0 ].bytes, 3, false, true );
        deserialize_ack_case( "suback-null-data", MQTT_PACKET_TYPE_SUBACK, NULL, 3, true, true );
    }

    for( i = 0; i < sizeof( simple ); i++ )
    {
        char name[ 64 ];
        uint8_t ok[ 3 ] = { 0xAB, 0xCD, 0x00 };
        uint8_t zero[ 2 ] = { 0x00, 0x00 };

        ( void ) snprintf( name, sizeof( name ), "type-%02x-ok", simple[ i ] );
        deserialize_ack_case( name, simple[ i ], ok, 2, true, false );
        ( void ) snprintf( name, sizeof( name ), "type-%02x-packet-id-0", simple[ i ] );
        deserialize_ack_case( name, simple[ i ], zero, 2, true, false );
        ( void ) snprintf( name, sizeof( name ), "type-%02x-length-3", simple[ i ] );
        deserialize_ack_case( name, simple[ i ], ok, 3, true, false );
        ( void ) snprintf( name, sizeof( name ), "type-%02x-length-1", simple[ i ] );
        deserialize_ack_case( name, simple[ i ], ok, 1, true, false );
        ( void ) snprintf( name, sizeof( name ), "type-%02x-null-packet-id", simple[ i ] );
        deserialize_ack_case( name, simple[ i ], ok, 2, false, true );
        ( void ) snprintf( name, sizeof( name ), "type-%02x-null-data", simple[ i ] );
        deserialize_ack_case( name, simple[ i ], NULL, 2, true, false );
    }

    deserialize_ack_case( "pingresp-ok", MQTT_PACKET_TYPE_PINGRESP, body, 0, false, false );
    deserialize_ack_case( "pingresp-null-data", MQTT_PACKET_TYPE_PINGRESP, NULL, 0, false, false );
    deserialize_ack_case( "pingresp-length-1", MQTT_PACKET_TYPE_PINGRESP, body, 1, true, true );

    for( i = 0; i < sizeof( others ); i++ )
    {
        char name[ 64 ];
        uint8_t ok[ 2 ] = { 0x00, 0x01 };
        ( void ) snprintf( name, sizeof( name ), "type-%02x-not-an-ack", others[ i ] );
        deserialize_ack_case( name, others[ i ], ok, 2, true, true );
    }

    {
        MQTTStatus_t status = MQTT_DeserializeAck( NULL, NULL, NULL );
        begin( "deserialize-ack/null-packet", status );
        end();
    }
}

/* ------------------------------------------------------------------------ */
/* Deserializing PUBLISH */

static void deserialize_publish_case( const char * name,
                                      uint8_t type,
                                      const uint8_t * pBody,
                                      size_t length )
{
    MQTTPacketInfo_t packet;
    MQTTPublishInfo_t info;
    uint16_t packetId = 0x5A5AU;
    MQTTStatus_t status;
    char label[ 160 ];

    memset( &packet, 0, sizeof( packet ) );
    memset( &info, 0, sizeof( info ) );
    if( pBody != NULL )
    {
        memcpy( g_in, pBody, length );
    }
    packet.type = type;
    packet.pRemainingData = ( pBody != NULL ) ? g_in : NULL;
    packet.remainingLength = length;

    status = MQTT_DeserializePublish( &packet, &packetId, &info );
    ( void ) snprintf( label, sizeof( label ), "deserialize-publish/%s", name );
    begin( label, status );

    if( status == MQTTSuccess )
    {
        printf( " packetId=%04x qos=%d retain=%d dup=%d topic=@%ld+%u payload=",
                packetId, ( int ) info.qos, info.retain ? 1 : 0, info.dup ? 1 : 0,
                ( info.pTopicName != NULL ) ? ( long ) ( ( const uint8_t * ) info.pTopicName - g_in ) : -1L,
                ( unsigned ) info.topicNameLength );

        if( info.pPayload == NULL )
        {
            printf( "NULL" );
        }
        else
        {
            printf( "@%ld", ( long ) ( ( const uint8_t * ) info.pPayload - g_in ) );
        }

        printf( "+%zu", info.payloadLength );
    }

    end();
}

static void deserialize_publish_cases( void )
{
    static const struct
    {
        const char * name;
        uint8_t type;
        uint8_t bytes[ 16 ];
        size_t length;
    } cases[] =
    {
        { "qos0",                  0x30, { 0, 3, 'a', '/', 'b', 'h', 'i' },        7 },
        { "qos0-retain",           0x31, { 0, 1, 't', 'x' },                       4 },
        { "qos0-no-payload",       0x30, { 0, 1, 't' },                            3 },
        { "qos1",                  0x32, { 0, 1, 't', 0x12, 0x34, 'p' },           6 },
        { "qos1-no-payload",       0x32, { 0, 1, 't', 0x00, 0x05 },                5 },
        { "qos2-dup-retain",       0x3D, { 0, 2, 'a', 'b', 0xFF, 0xFF, 1, 2, 3 }, 9 },
        { "qos0-dup",              0x38, { 0, 1, 't' },                            3 },
        { "qos3",                  0x36, { 0, 1, 't', 0, 1 },                      5 },
        { "qos3-dup-retain",       0x3F, { 0, 1, 't', 0, 1 },                      5 },
        { "qos1-packet-id-0",      0x32, { 0, 1, 't', 0, 0, 'p' },                 6 },
        { "qos0-length-2",         0x30, { 0, 0 },                                 2 },
        { "qos0-length-0",         0x30, { 0 },                                    0 },
        { "qos1-length-4",         0x32, { 0, 1, 't', 0 },                         4 },
        { "qos0-topic-too-long",   0x30, { 0, 5, 't' },                            3 },
        { "qos1-topic-too-long",   0x32, { 0, 4, 't', 'u', 0, 1 },                 6 },
        { "qos0-topic-fills-all",  0x30, { 0, 4, 'a', 'b', 'c', 'd' },             6 },
        { "qos0-zero-length-topic", 0x30, { 0, 0, 'p' },                           3 },
        { "qos1-zero-length-topic", 0x32, { 0, 0, 0, 1, 'p' },                     5 },
        { "wrong-type-puback",     0x40, { 0, 1, 't' },                            3 },
        { "wrong-type-connect",    0x10, { 0, 1, 't' },                            3 },
    };
    size_t i;

    for( i = 0; i < sizeof( cases ) / sizeof( cases[ 0 ] ); i++ )
    {
        deserialize_publish_case( cases[ i ].name, cases[ i ].type, cases[ i ].bytes, cases[ i ].length );
    }

    /* A long topic with a three-byte remaining length. */
    memset( g_in, 'x', 20000 );
    {
        static uint8_t longBody[ 20010 ];
        memset( longBody, 'x', sizeof( longBody ) );
        longBody[ 0 ] = 0x4E; /* 20000 = 0x4E20 */
        longBody[ 1 ] = 0x20;
        longBody[ 20002 ] = 0x00;
        longBody[ 20003 ] = 0x09;
        deserialize_publish_case( "qos1-topic-20000", 0x32, longBody, sizeof( longBody ) );
    }

    deserialize_publish_case( "null-data", 0x30, NULL, 3 );

    {
        MQTTPacketInfo_t packet;
        MQTTPublishInfo_t info;
        uint16_t packetId = 0;
        MQTTStatus_t status;
        uint8_t body[ 3 ] = { 0, 1, 't' };

        memset( &packet, 0, sizeof( packet ) );
        packet.type = 0x30;
        packet.pRemainingData = body;
        packet.remainingLength = 3;
        status = MQTT_DeserializePublish( NULL, &packetId, &info );
        begin( "deserialize-publish/null-packet", status );
        end();
        status = MQTT_DeserializePublish( &packet, NULL, &info );
        begin( "deserialize-publish/null-packet-id", status );
        end();
        status = MQTT_DeserializePublish( &packet, &packetId, NULL );
        begin( "deserialize-publish/null-info", status );
        end();
    }
}

/* ------------------------------------------------------------------------ */
/* MQTT_GetIncomingPacketTypeAndLength over an in-memory stream */

static int32_t memory_recv( NetworkContext_t * pContext,
                            void * pBuffer,
                            size_t bytesToRecv )
{
    size_t available;

    if( pContext->failWith != 0 )
    {
        return pContext->failWith;
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

static void incoming_case( const char * name,
                           const uint8_t * pStream,
                           size_t length,
                           int32_t failWith )
{
    NetworkContext_t context;
    MQTTPacketInfo_t packet;
    MQTTStatus_t status;
    char label[ 160 ];

    context.pData = pStream;
    context.length = length;
    context.position = 0;
    context.failWith = failWith;
    memset( &packet, 0, sizeof( packet ) );
    packet.remainingLength = 0xDEADU;

    status = MQTT_GetIncomingPacketTypeAndLength( memory_recv, &context, &packet );
    ( void ) snprintf( label, sizeof( label ), "incoming/%s", name );
    begin( label, status );
    printf( " type=%02x consumed=%zu", packet.type, context.position );

    if( status == MQTTSuccess )
    {
        printf( " remaining=%zu", packet.remainingLength );
    }

    end();
}

static void incoming_cases( void )
{
    static const struct
    {
        const char * name;
        uint8_t bytes[ 8 ];
        size_t length;
    } cases[] =
    {
        { "connack",                 { 0x20, 0x02, 0x00, 0x00 },       4 },
        { "publish-qos0",            { 0x30, 0x05 },                   2 },
        { "publish-all-flags",       { 0x3F, 0x05 },                   2 },
        { "publish-length-127",      { 0x32, 0x7F },                   2 },
        { "publish-length-128",      { 0x32, 0x80, 0x01 },             3 },
        { "publish-length-16383",    { 0x32, 0xFF, 0x7F },             3 },
        { "publish-length-16384",    { 0x32, 0x80, 0x80, 0x01 },       4 },
        { "publish-length-max",      { 0x30, 0xFF, 0xFF, 0xFF, 0x7F }, 5 },
        { "publish-length-5-bytes",  { 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, 6 },
        { "publish-length-overlong-0", { 0x30, 0x80, 0x00 },           3 },
        { "publish-length-overlong-1", { 0x30, 0x81, 0x00 },           3 },
        { "publish-length-truncated", { 0x30, 0x80 },                  2 },
        { "type-only",               { 0x40 },                         1 },
        { "puback",                  { 0x40, 0x02, 0x00, 0x01 },       4 },
        { "puback-flags",            { 0x41, 0x02 },                   2 },
        { "pubrec",                  { 0x50, 0x02 },                   2 },
        { "pubrel",                  { 0x62, 0x02 },                   2 },
        { "pubrel-without-flag",     { 0x60, 0x02 },                   2 },
        { "pubrel-other-flags",      { 0x6F, 0x02 },                   2 },
        { "pubcomp",                 { 0x70, 0x02 },                   2 },
        { "suback",                  { 0x90, 0x03 },                   2 },
        { "unsuback",                { 0xB0, 0x02 },                   2 },
        { "pingresp",                { 0xD0, 0x00 },                   2 },
        { "pingresp-flags",          { 0xD3, 0x00 },                   2 },
        { "type-0",                  { 0x00, 0x00 },                   2 },
        { "connect",                 { 0x10, 0x00 },                   2 },
        { "subscribe",               { 0x82, 0x00 },                   2 },
        { "unsubscribe",             { 0xA2, 0x00 },                   2 },
        { "pingreq",                 { 0xC0, 0x00 },                   2 },
        { "disconnect",              { 0xE0, 0x00 },                   2 },
        { "type-15",                 { 0xF0, 0x00 },                   2 },
    };
    size_t i;
    MQTTStatus_t status;
    NetworkContext_t context;
    MQTTPacketInfo_t packet;

    for( i = 0; i < sizeof( cases ) / sizeof( cases[ 0 ] ); i++ )
    {
        incoming_case( cases[ i ].name, cases[ i ].bytes, cases[ i ].length, 0 );
    }

    incoming_case( "empty-stream", cases[ 0 ].bytes, 0, 0 );
    incoming_case( "recv-fails", cases[ 0 ].bytes, 4, -1 );
    incoming_case( "recv-fails-minus-7", cases[ 0 ].bytes, 4, -7 );

    memset( &context, 0, sizeof( context ) );
    status = MQTT_GetIncomingPacketTypeAndLength( memory_recv, &context, NULL );
    begin( "incoming/null-packet", status );
    end();

    memset( &packet, 0, sizeof( packet ) );
    RSMQTT_ONLY( "incoming/null-recv-function", MQTTBadParameter,
                 MQTT_GetIncomingPacketTypeAndLength( NULL, &context, &packet ) );
}

int main( void )
{
    memset( g_big_string, 'a', sizeof( g_big_string ) );

    connect_cases();
    subscription_cases();
    publish_cases();
    ack_cases();
    deserialize_ack_cases();
    deserialize_publish_cases();
    incoming_cases();

    fprintf( stderr, "serializer_cases: %d cases run, %d rsmqtt-only failures\n",
             g_cases, g_failures );
    return ( g_failures == 0 ) ? 0 : 1;
}
