/*
 * Load (issue 11, item 5): many clients of both C faces in one process,
 * each publishing QoS 1 messages to its own topic and receiving them back
 * through Mosquitto.
 *
 *   load [--clients N] [--messages M]
 *
 * N `MQTT_*` contexts (one thread each, as a coreMQTT application gives each
 * connection its own task) and N NetX clients (the library's own thread
 * each; one thread here feeds all their publishes with NX_NO_WAIT) connect
 * with clean sessions, subscribe at QoS 1 to their own topic and publish M
 * numbered QoS 1 messages to it. Every client counts what came back per
 * message number: a number never seen is lost, a number seen twice a
 * duplicate. No fault is injected, so QoS 1 allows no duplicate here: the
 * program exits 0 only with nothing lost and nothing duplicated.
 *
 * It prints the counts, the wall time, this process's peak RSS and user and
 * system CPU (getrusage) and the broker's CPU over the run (from
 * /proc/<RSMQTT_BROKER_PID>/stat, when that variable is set).
 *
 * Defaults: N = 200, M = 1000 (scripts/load.sh); CTest runs a short form.
 * Broker: RSMQTT_BROKER_HOST and RSMQTT_BROKER_PORT (scripts/with-broker.sh).
 */
// rsmqtt-ctest: with-broker
// rsmqtt-ctest: run-with --clients 200 --messages 50
// rsmqtt-ctest: timeout 300
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "core_mqtt.h"
#include "core_mqtt_state.h"
#include "plaintext_posix.h"
#include "tx_api.h"
#include "nx_api.h"
#include "nxd_mqtt_client.h"

/* Outgoing QoS 1 publishes one MQTT_* context keeps unacknowledged: below
 * Mosquitto's max_inflight_messages (20), beyond which it would drop them. */
#define MQTT_WINDOW          16U
#define RECORDS              32U
/* Everything must have come back within this many seconds. */
#define DEADLINE_S           240
#define MQTT_THREAD_STACK    ( 256U * 1024U )

struct NetworkContext
{
    PlaintextParams_t * pParams;
};

/* What one client saw, per message number. */
struct tally
{
    pthread_mutex_t lock;
    uint16_t * seen;     /* times each number arrived */
    unsigned received;   /* arrivals of a valid number, duplicates included */
    unsigned distinct;   /* numbers seen at least once */
    unsigned unexpected; /* wrong topic or payload */
};

/* One MQTT_* client. `ctx` comes first: the event callback gets the context
 * pointer and finds its client from it. */
struct mqtt_client
{
    MQTTContext_t ctx;
    PlaintextParams_t params;
    NetworkContext_t network;
    TransportInterface_t transport;
    MQTTPubAckInfo_t outgoing[ RECORDS ];
    MQTTPubAckInfo_t incoming[ RECORDS ];
    uint8_t buffer[ 1024 ];
    char client_id[ 32 ];
    char topic[ 32 ];
    unsigned index;
    unsigned in_flight;   /* publishes awaiting PUBACK */
    unsigned acked;
    int suback;
    int failed;
    struct tally tally;
};

/* One NetX client; `client` first, for the receive callback. */
struct netx_client
{
    NXD_MQTT_CLIENT client;
    char client_id[ 32 ];
    char topic[ 32 ];
    unsigned index;
    unsigned published;
    int failed;
    struct tally tally;
};

static unsigned clients = 200;
static unsigned messages = 1000;
static const char * broker_host;
static uint16_t broker_port;
static struct mqtt_client * mqtt_clients;
static struct netx_client * netx_clients;
static ULONG netx_stack[ 1024 ]; /* accepted and unused by the host library */
static NX_IP netx_ip;            /* likewise */
static NX_PACKET_POOL netx_pool; /* likewise */

static uint64_t now_ns( void )
{
    struct timespec ts;

    ( void ) clock_gettime( CLOCK_MONOTONIC, &ts );
    return ( uint64_t ) ts.tv_sec * 1000000000ULL + ( uint64_t ) ts.tv_nsec;
}

static uint32_t now_ms( void )
{
    return ( uint32_t ) ( now_ns() / 1000000ULL );
}

static void sleep_ms( long ms )
{
    struct timespec ts = { ms / 1000, ( ms % 1000 ) * 1000000L };

    while( nanosleep( &ts, &ts ) != 0 && errno == EINTR )
    {
    }
}

static int tally_init( struct tally * t )
{
    t->seen = calloc( messages, sizeof( *t->seen ) );
    t->received = t->distinct = t->unexpected = 0;
    return ( t->seen != NULL && pthread_mutex_init( &t->lock, NULL ) == 0 ) ? 0 : -1;
}

static void tally_free( struct tally * t )
{
    free( t->seen );
    t->seen = NULL;
    ( void ) pthread_mutex_destroy( &t->lock );
}

/* Records one arrival: payload "<number>" on `expected_topic`. */
static void tally_add( struct tally * t,
                       const char * expected_topic,
                       const void * topic,
                       size_t topic_length,
                       const void * payload,
                       size_t payload_length )
{
    char text[ 16 ];
    char * end = NULL;
    unsigned long number = ( unsigned long ) -1;

    if( ( topic_length == strlen( expected_topic ) ) &&
        ( memcmp( topic, expected_topic, topic_length ) == 0 ) &&
        ( payload_length > 0U ) && ( payload_length < sizeof( text ) ) )
    {
        memcpy( text, payload, payload_length );
        text[ payload_length ] = '\0';
        number = strtoul( text, &end, 10 );

        if( *end != '\0' )
        {
            number = ( unsigned long ) -1;
        }
    }

    pthread_mutex_lock( &t->lock );

    if( number < messages )
    {
        if( t->seen[ number ]++ == 0U )
        {
            t->distinct++;
        }

        t->received++;
    }
    else
    {
        t->unexpected++;
    }

    pthread_mutex_unlock( &t->lock );
}

static unsigned tally_distinct( struct tally * t )
{
    unsigned n;

    pthread_mutex_lock( &t->lock );
    n = t->distinct;
    pthread_mutex_unlock( &t->lock );
    return n;
}

/* ---- MQTT_* ---------------------------------------------------------- */

static void on_event( MQTTContext_t * pContext,
                      MQTTPacketInfo_t * pPacketInfo,
                      MQTTDeserializedInfo_t * pInfo )
{
    struct mqtt_client * c = ( struct mqtt_client * ) pContext;
    uint8_t type = pPacketInfo->type & 0xF0U;

    if( type == MQTT_PACKET_TYPE_PUBLISH )
    {
        const MQTTPublishInfo_t * p = pInfo->pPublishInfo;

        tally_add( &c->tally, c->topic, p->pTopicName, p->topicNameLength, p->pPayload, p->payloadLength );
    }
    else if( pPacketInfo->type == MQTT_PACKET_TYPE_PUBACK )
    {
        if( c->in_flight > 0U )
        {
            c->in_flight--;
        }

        c->acked++;
    }
    else if( pPacketInfo->type == MQTT_PACKET_TYPE_SUBACK )
    {
        uint8_t * codes = NULL;
        size_t count = 0;

        if( ( MQTT_GetSubAckStatusCodes( pPacketInfo, &codes, &count ) == MQTTSuccess ) && ( count == 1U ) &&
            ( codes[ 0 ] == MQTTSubAckSuccessQos1 ) )
        {
            c->suback = 1;
        }
        else
        {
            c->suback = -1;
        }
    }
}

static int mqtt_step( struct mqtt_client * c )
{
    MQTTStatus_t status = MQTT_ProcessLoop( &c->ctx );

    if( ( status != MQTTSuccess ) && ( status != MQTTNeedMoreBytes ) )
    {
        fprintf( stderr, "%s: MQTT_ProcessLoop: %s\n", c->client_id, MQTT_Status_strerror( status ) );
        return -1;
    }

    return 0;
}

static void * mqtt_thread( void * arg )
{
    struct mqtt_client * c = arg;
    ServerInfo_t server = { broker_host, strlen( broker_host ), broker_port };
    MQTTFixedBuffer_t fixed = { c->buffer, sizeof( c->buffer ) };
    MQTTConnectInfo_t connect;
    MQTTSubscribeInfo_t subscription;
    bool session_present = false;
    uint64_t deadline = now_ns() + ( uint64_t ) DEADLINE_S * 1000000000ULL;
    unsigned next = 0;

    c->network.pParams = &c->params;

    /* 10 ms receive timeout: the thread blocks in MQTT_ProcessLoop when
     * nothing arrives, as an application task would. */
    if( Plaintext_Connect( &c->network, &server, 5000, 10 ) != SOCKETS_SUCCESS )
    {
        fprintf( stderr, "%s: TCP connect failed\n", c->client_id );
        c->failed = 1;
        return NULL;
    }

    c->transport.pNetworkContext = &c->network;
    c->transport.send = Plaintext_Send;
    c->transport.recv = Plaintext_Recv;
    c->transport.writev = Plaintext_Writev;

    if( ( MQTT_Init( &c->ctx, &c->transport, now_ms, on_event, &fixed ) != MQTTSuccess ) ||
        ( MQTT_InitStatefulQoS( &c->ctx, c->outgoing, RECORDS, c->incoming, RECORDS ) != MQTTSuccess ) )
    {
        fprintf( stderr, "%s: MQTT_Init failed\n", c->client_id );
        c->failed = 1;
        goto out;
    }

    memset( &connect, 0, sizeof( connect ) );
    connect.cleanSession = true;
    connect.keepAliveSeconds = 60;
    connect.pClientIdentifier = c->client_id;
    connect.clientIdentifierLength = ( uint16_t ) strlen( c->client_id );

    if( MQTT_Connect( &c->ctx, &connect, NULL, 10000, &session_present ) != MQTTSuccess )
    {
        fprintf( stderr, "%s: MQTT_Connect failed\n", c->client_id );
        c->failed = 1;
        goto out;
    }

    subscription.qos = MQTTQoS1;
    subscription.pTopicFilter = c->topic;
    subscription.topicFilterLength = ( uint16_t ) strlen( c->topic );

    if( MQTT_Subscribe( &c->ctx, &subscription, 1, MQTT_GetPacketId( &c->ctx ) ) != MQTTSuccess )
    {
        fprintf( stderr, "%s: MQTT_Subscribe failed\n", c->client_id );
        c->failed = 1;
        goto out;
    }

    while( c->suback == 0 && now_ns() < deadline )
    {
        if( mqtt_step( c ) != 0 )
        {
            c->failed = 1;
            goto out;
        }
    }

    if( c->suback != 1 )
    {
        fprintf( stderr, "%s: no SUBACK granting QoS 1\n", c->client_id );
        c->failed = 1;
        goto out;
    }

    /* Publish within the window, process what arrives, until every PUBACK
     * and every message came back. */
    while( ( c->acked < messages || tally_distinct( &c->tally ) < messages ) && now_ns() < deadline )
    {
        while( next < messages && c->in_flight < MQTT_WINDOW )
        {
            char payload[ 16 ];
            MQTTPublishInfo_t publish;

            memset( &publish, 0, sizeof( publish ) );
            publish.qos = MQTTQoS1;
            publish.pTopicName = c->topic;
            publish.topicNameLength = ( uint16_t ) strlen( c->topic );
            publish.pPayload = payload;
            publish.payloadLength = ( size_t ) snprintf( payload, sizeof( payload ), "%u", next );

            if( MQTT_Publish( &c->ctx, &publish, MQTT_GetPacketId( &c->ctx ) ) != MQTTSuccess )
            {
                fprintf( stderr, "%s: MQTT_Publish %u failed\n", c->client_id, next );
                c->failed = 1;
                goto out;
            }

            c->in_flight++;
            next++;
        }

        if( mqtt_step( c ) != 0 )
        {
            c->failed = 1;
            goto out;
        }
    }

    /* Late duplicates would arrive now. */
    {
        uint64_t settle = now_ns() + 300000000ULL;

        while( now_ns() < settle )
        {
            if( mqtt_step( c ) != 0 )
            {
                c->failed = 1;
                goto out;
            }
        }
    }

    if( MQTT_Disconnect( &c->ctx ) != MQTTSuccess )
    {
        fprintf( stderr, "%s: MQTT_Disconnect failed\n", c->client_id );
        c->failed = 1;
    }

out:
    ( void ) Plaintext_Disconnect( &c->network );
    return NULL;
}

/* ---- nxd_mqtt_client_* ----------------------------------------------- */

static VOID netx_receive( NXD_MQTT_CLIENT * client_ptr,
                          UINT number_of_messages )
{
    struct netx_client * c = ( struct netx_client * ) client_ptr;
    UCHAR topic[ 64 ];
    UCHAR payload[ 64 ];
    UINT topic_length = 0;
    UINT payload_length = 0;

    ( void ) number_of_messages;

    while( nxd_mqtt_client_message_get( client_ptr, topic, sizeof( topic ), &topic_length, payload,
                                        sizeof( payload ), &payload_length ) == NXD_MQTT_SUCCESS )
    {
        tally_add( &c->tally, c->topic, topic, topic_length, payload, payload_length );
    }
}

/* Feeds every NetX client's publishes: NX_NO_WAIT, so a client whose
 * in-flight window is full is skipped until a PUBACK makes room. */
static void * netx_publisher( void * arg )
{
    uint64_t deadline = now_ns() + ( uint64_t ) DEADLINE_S * 1000000000ULL;
    unsigned done = 0;

    ( void ) arg;

    while( done < clients && now_ns() < deadline )
    {
        unsigned progress = 0;
        unsigned i;

        done = 0;

        for( i = 0; i < clients; i++ )
        {
            struct netx_client * c = &netx_clients[ i ];

            while( !c->failed && c->published < messages )
            {
                char payload[ 16 ];
                int length = snprintf( payload, sizeof( payload ), "%u", c->published );
                UINT status = nxd_mqtt_client_publish( &c->client, c->topic, ( UINT ) strlen( c->topic ), payload,
                                                       ( UINT ) length, NX_FALSE, 1, NX_NO_WAIT );

                if( status == NXD_MQTT_PACKET_POOL_EMPTY )
                {
                    break; /* window full */
                }

                if( status != NXD_MQTT_SUCCESS )
                {
                    fprintf( stderr, "%s: publish %u failed: 0x%x\n", c->client_id, c->published, status );
                    c->failed = 1;
                    break;
                }

                c->published++;
                progress++;
            }

            if( c->failed || c->published == messages )
            {
                done++;
            }
        }

        if( progress == 0U )
        {
            sleep_ms( 1 );
        }
    }

    return NULL;
}

/* ---- main --------------------------------------------------------------- */

static double seconds( struct timeval tv )
{
    return ( double ) tv.tv_sec + ( double ) tv.tv_usec / 1e6;
}

/* The broker's user and system CPU seconds so far, or -1. */
static int broker_cpu( double * user,
                       double * sys )
{
    const char * pid = getenv( "RSMQTT_BROKER_PID" );
    char path[ 64 ];
    char line[ 1024 ];
    FILE * f;
    char * p;
    unsigned long utime = 0, stime = 0;
    long ticks = sysconf( _SC_CLK_TCK );

    if( ( pid == NULL ) || ( ticks <= 0 ) )
    {
        return -1;
    }

    ( void ) snprintf( path, sizeof( path ), "/proc/%s/stat", pid );
    f = fopen( path, "r" );

    if( f == NULL )
    {
        return -1;
    }

    p = fgets( line, sizeof( line ), f );
    fclose( f );

    /* Fields 14 and 15, counted after the ")" that ends field 2. */
    if( ( p == NULL ) || ( ( p = strrchr( line, ')' ) ) == NULL ) ||
        ( sscanf( p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime ) != 2 ) )
    {
        return -1;
    }

    *user = ( double ) utime / ( double ) ticks;
    *sys = ( double ) stime / ( double ) ticks;
    return 0;
}

static int parse_count( const char * text,
                        unsigned max,
                        unsigned * out )
{
    char * end = NULL;
    unsigned long v = strtoul( text, &end, 10 );

    if( ( end == text ) || ( *end != '\0' ) || ( v == 0UL ) || ( v > max ) )
    {
        return -1;
    }

    *out = ( unsigned ) v;
    return 0;
}

/* 2 sockets per client pair, plus slack: raise the soft limit to the hard
 * one when the default (often 1024) is too small. */
static int raise_fd_limit( void )
{
    struct rlimit rl;
    rlim_t need = ( rlim_t ) clients * 2U + 64U;

    if( getrlimit( RLIMIT_NOFILE, &rl ) != 0 )
    {
        perror( "getrlimit" );
        return -1;
    }

    if( rl.rlim_cur < need )
    {
        rl.rlim_cur = ( rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need ) ? need : rl.rlim_max;

        if( ( setrlimit( RLIMIT_NOFILE, &rl ) != 0 ) || ( rl.rlim_cur < need ) )
        {
            fprintf( stderr, "cannot raise the open-file limit to %lu\n", ( unsigned long ) need );
            return -1;
        }
    }

    return 0;
}

/* Adds up one face's counts; returns the number of clients that failed. */
static unsigned report( const char * face,
                        struct tally * ( *tally_of )( unsigned ),
                        int ( *failed_of )( unsigned ),
                        unsigned long long * lost_total,
                        unsigned long long * dup_total )
{
    unsigned long long sent = ( unsigned long long ) clients * messages;
    unsigned long long received = 0, lost = 0, dup = 0, unexpected = 0;
    unsigned failed = 0;
    unsigned i, n;

    for( i = 0; i < clients; i++ )
    {
        struct tally * t = tally_of( i );

        failed += failed_of( i ) ? 1U : 0U;
        received += t->received;
        unexpected += t->unexpected;

        for( n = 0; n < messages; n++ )
        {
            if( t->seen[ n ] == 0U )
            {
                lost++;
            }
            else
            {
                dup += t->seen[ n ] - 1U;
            }
        }
    }

    printf( "LOAD %s: clients %u, sent %llu, received %llu, lost %llu, duplicates %llu, unexpected %llu, "
            "failed clients %u\n", face, clients, sent, received, lost, dup, unexpected, failed );
    *lost_total += lost + unexpected;
    *dup_total += dup;
    return failed;
}

static struct tally * mqtt_tally( unsigned i )
{
    return &mqtt_clients[ i ].tally;
}

static int mqtt_failed( unsigned i )
{
    return mqtt_clients[ i ].failed;
}

static struct tally * netx_tally( unsigned i )
{
    return &netx_clients[ i ].tally;
}

static int netx_failed( unsigned i )
{
    return netx_clients[ i ].failed;
}

int main( int argc,
          char ** argv )
{
    const char * port = getenv( "RSMQTT_BROKER_PORT" );
    struct in_addr ipv4;
    NXD_ADDRESS server_ip;
    pthread_t * threads;
    pthread_t publisher;
    pthread_attr_t attr;
    struct rusage usage;
    double broker_user0 = 0, broker_sys0 = 0, broker_user1 = 0, broker_sys1 = 0;
    int have_broker_cpu;
    uint64_t start;
    unsigned long long lost = 0, dup = 0;
    unsigned failed = 0;
    unsigned i;
    int a;

    for( a = 1; a < argc; a++ )
    {
        if( ( strcmp( argv[ a ], "--clients" ) == 0 ) && ( a + 1 < argc ) &&
            ( parse_count( argv[ a + 1 ], 5000, &clients ) == 0 ) )
        {
            a++;
        }
        else if( ( strcmp( argv[ a ], "--messages" ) == 0 ) && ( a + 1 < argc ) &&
                 ( parse_count( argv[ a + 1 ], 60000, &messages ) == 0 ) )
        {
            a++;
        }
        else
        {
            fprintf( stderr, "usage: %s [--clients 1..5000] [--messages 1..60000]\n", argv[ 0 ] );
            return 2;
        }
    }

    broker_host = getenv( "RSMQTT_BROKER_HOST" );

    if( ( broker_host == NULL ) || ( port == NULL ) || ( inet_pton( AF_INET, broker_host, &ipv4 ) != 1 ) ||
        ( atoi( port ) <= 0 ) || ( atoi( port ) > 65535 ) )
    {
        fprintf( stderr, "run under scripts/with-broker.sh or scripts/load.sh "
                         "(RSMQTT_BROKER_HOST, RSMQTT_BROKER_PORT)\n" );
        return 2;
    }

    broker_port = ( uint16_t ) atoi( port );

    if( raise_fd_limit() != 0 )
    {
        return 1;
    }

    mqtt_clients = calloc( clients, sizeof( *mqtt_clients ) );
    netx_clients = calloc( clients, sizeof( *netx_clients ) );
    threads = calloc( clients, sizeof( *threads ) );

    if( ( mqtt_clients == NULL ) || ( netx_clients == NULL ) || ( threads == NULL ) )
    {
        fprintf( stderr, "out of memory\n" );
        return 1;
    }

    for( i = 0; i < clients; i++ )
    {
        struct mqtt_client * m = &mqtt_clients[ i ];
        struct netx_client * x = &netx_clients[ i ];

        m->index = x->index = i;
        ( void ) snprintf( m->client_id, sizeof( m->client_id ), "load-m-%u-%ld", i, ( long ) getpid() );
        ( void ) snprintf( m->topic, sizeof( m->topic ), "load/m/%u", i );
        ( void ) snprintf( x->client_id, sizeof( x->client_id ), "load-n-%u-%ld", i, ( long ) getpid() );
        ( void ) snprintf( x->topic, sizeof( x->topic ), "load/n/%u", i );

        if( ( tally_init( &m->tally ) != 0 ) || ( tally_init( &x->tally ) != 0 ) )
        {
            fprintf( stderr, "out of memory\n" );
            return 1;
        }
    }

    have_broker_cpu = broker_cpu( &broker_user0, &broker_sys0 ) == 0;
    start = now_ns();

    /* NetX clients: create, connect, subscribe; their own threads receive. */
    server_ip.nxd_ip_version = NX_IP_VERSION_V4;
    server_ip.nxd_ip_address.v4 = ntohl( ipv4.s_addr );

    for( i = 0; i < clients; i++ )
    {
        struct netx_client * x = &netx_clients[ i ];
        UINT status = nxd_mqtt_client_create( &x->client, "load", x->client_id, ( UINT ) strlen( x->client_id ),
                                              &netx_ip, &netx_pool, netx_stack, sizeof( netx_stack ), 2, NX_NULL,
                                              0 );

        if( status != NXD_MQTT_SUCCESS )
        {
            fprintf( stderr, "%s: create failed: 0x%x\n", x->client_id, status );
            return 1;
        }

        ( void ) nxd_mqtt_client_receive_notify_set( &x->client, netx_receive );
        status = nxd_mqtt_client_connect( &x->client, &server_ip, broker_port, 60, NX_TRUE,
                                          10 * NX_IP_PERIODIC_RATE );

        if( status == NXD_MQTT_SUCCESS )
        {
            /* The broker handles this before the publishes that follow on
             * the same connection. */
            status = nxd_mqtt_client_subscribe( &x->client, x->topic, ( UINT ) strlen( x->topic ), 1 );
        }

        if( status != NXD_MQTT_SUCCESS )
        {
            fprintf( stderr, "%s: connect or subscribe failed: 0x%x\n", x->client_id, status );
            x->failed = 1;
        }
    }

    /* MQTT_* clients: one thread each. */
    if( ( pthread_attr_init( &attr ) != 0 ) || ( pthread_attr_setstacksize( &attr, MQTT_THREAD_STACK ) != 0 ) )
    {
        fprintf( stderr, "pthread_attr failed\n" );
        return 1;
    }

    for( i = 0; i < clients; i++ )
    {
        if( pthread_create( &threads[ i ], &attr, mqtt_thread, &mqtt_clients[ i ] ) != 0 )
        {
            fprintf( stderr, "pthread_create failed at client %u\n", i );
            return 1;
        }
    }

    ( void ) pthread_attr_destroy( &attr );

    if( pthread_create( &publisher, NULL, netx_publisher, NULL ) != 0 )
    {
        fprintf( stderr, "pthread_create failed for the NetX publisher\n" );
        return 1;
    }

    ( void ) pthread_join( publisher, NULL );

    /* NetX: wait until every message came back, then a moment for late
     * duplicates. */
    for( i = 0; i < clients; i++ )
    {
        struct netx_client * x = &netx_clients[ i ];

        while( !x->failed && tally_distinct( &x->tally ) < messages &&
               now_ns() - start < ( uint64_t ) DEADLINE_S * 1000000000ULL )
        {
            sleep_ms( 5 );
        }
    }

    for( i = 0; i < clients; i++ )
    {
        ( void ) pthread_join( threads[ i ], NULL );
    }

    sleep_ms( 300 );

    for( i = 0; i < clients; i++ )
    {
        struct netx_client * x = &netx_clients[ i ];

        if( nxd_mqtt_client_disconnect( &x->client ) != NXD_MQTT_SUCCESS && !x->failed )
        {
            fprintf( stderr, "%s: disconnect failed\n", x->client_id );
            x->failed = 1;
        }

        ( void ) nxd_mqtt_client_delete( &x->client );
    }

    {
        double wall = ( double ) ( now_ns() - start ) / 1e9;

        failed += report( "MQTT_*", mqtt_tally, mqtt_failed, &lost, &dup );
        failed += report( "nxd_mqtt_client_*", netx_tally, netx_failed, &lost, &dup );

        if( getrusage( RUSAGE_SELF, &usage ) != 0 )
        {
            perror( "getrusage" );
            return 1;
        }

        printf( "LOAD process: wall %.2f s, peak RSS %.1f MiB, CPU %.2f s user + %.2f s sys\n", wall,
                ( double ) usage.ru_maxrss / 1024.0, seconds( usage.ru_utime ), seconds( usage.ru_stime ) );

        if( have_broker_cpu && ( broker_cpu( &broker_user1, &broker_sys1 ) == 0 ) )
        {
            printf( "LOAD broker: CPU %.2f s user + %.2f s sys\n", broker_user1 - broker_user0,
                    broker_sys1 - broker_sys0 );
        }
    }

    for( i = 0; i < clients; i++ )
    {
        tally_free( &mqtt_clients[ i ].tally );
        tally_free( &netx_clients[ i ].tally );
    }

    free( mqtt_clients );
    free( netx_clients );
    free( threads );

    if( ( failed != 0U ) || ( lost != 0U ) || ( dup != 0U ) )
    {
        printf( "load: FAIL\n" );
        return 1;
    }

    printf( "load: ok\n" );
    return 0;
}
