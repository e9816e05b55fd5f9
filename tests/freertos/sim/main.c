/*
 * FreeRTOS simulator (POSIX port) running the coreMQTT mutual-authentication
 * demo over FreeRTOS+TCP's libslirp interface: every byte to the broker goes
 * through FreeRTOS+TCP's own TCP/IP stack, then libslirp's user-mode NAT to
 * the host's loopback.
 *
 * The test (CTest freertos/sim_mutual_auth, under scripts/with-broker.sh)
 * passes the broker's TLS port and PKI in the environment:
 * RSMQTT_BROKER_TLS_PORT, RSMQTT_CA, RSMQTT_CLIENT_CERT, RSMQTT_CLIENT_KEY.
 * Exit status 0 when the demo completed every iteration.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "FreeRTOS.h"
#include "task.h"
#include "FreeRTOS_IP.h"
#include "FreeRTOS_Routing.h"

#include "rsmqtt_log.h"
#include "demo_config.h"

extern NetworkInterface_t * pxLibslirp_FillInterfaceDescriptor( BaseType_t xEMACIndex,
                                                                NetworkInterface_t * pxInterface );

#define mainDEMO_TASK_STACK_WORDS    ( configMINIMAL_STACK_SIZE * 8 )
#define mainDEMO_TASK_PRIORITY       ( tskIDLE_PRIORITY + 1 )

static NetworkInterface_t xInterface;
static NetworkEndPoint_t xEndPoint;
static DemoCredentials_t xCredentials;
static TaskHandle_t xDemoTask;
static BaseType_t xExitStatus = EXIT_FAILURE;

/* slirp's network: 10.0.2.15 is what its DHCP server hands out first; the
 * static values only apply if DHCP fails. */
static const uint8_t ucIPAddress[ 4 ] = { 10, 0, 2, 15 };
static const uint8_t ucNetMask[ 4 ] = { 255, 255, 255, 0 };
static const uint8_t ucGatewayAddress[ 4 ] = { 10, 0, 2, 2 };
static const uint8_t ucDNSServerAddress[ 4 ] = { 10, 0, 2, 3 };
static const uint8_t ucMACAddress[ 6 ] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static uint8_t * prvReadFile( const char * pcVariable, size_t * pxLength )
{
    const char * pcPath = getenv( pcVariable );
    FILE * pxFile;
    uint8_t * pucData;
    long lSize;

    if( pcPath == NULL )
    {
        fprintf( stderr, "sim_mutual_auth: %s is not set (run under scripts/with-broker.sh)\n", pcVariable );
        exit( EXIT_FAILURE );
    }

    pxFile = fopen( pcPath, "rb" );

    if( ( pxFile == NULL ) || ( fseek( pxFile, 0, SEEK_END ) != 0 ) || ( ( lSize = ftell( pxFile ) ) <= 0 ) )
    {
        fprintf( stderr, "sim_mutual_auth: cannot read %s (%s)\n", pcPath, pcVariable );
        exit( EXIT_FAILURE );
    }

    rewind( pxFile );
    pucData = malloc( ( size_t ) lSize );

    if( ( pucData == NULL ) || ( fread( pucData, 1, ( size_t ) lSize, pxFile ) != ( size_t ) lSize ) )
    {
        fprintf( stderr, "sim_mutual_auth: cannot read %s\n", pcPath );
        exit( EXIT_FAILURE );
    }

    fclose( pxFile );
    *pxLength = ( size_t ) lSize;
    return pucData;
}

static void prvLog( int32_t lLevel, const char * pcMessage )
{
    printf( "[%6lu] [rsmqtt] [%d] %s\n", ( unsigned long ) xTaskGetTickCount(), ( int ) lLevel, pcMessage );
}

int main( void )
{
    const char * pcPort = getenv( "RSMQTT_BROKER_TLS_PORT" );
    long lPort = ( pcPort != NULL ) ? strtol( pcPort, NULL, 10 ) : 0;

    /* The test reads the output through a pipe. */
    setvbuf( stdout, NULL, _IOLBF, 0 );

    if( ( lPort <= 0 ) || ( lPort > 65535 ) )
    {
        fprintf( stderr, "sim_mutual_auth: RSMQTT_BROKER_TLS_PORT is not a port (run under scripts/with-broker.sh)\n" );
        return EXIT_FAILURE;
    }

    xCredentials.usBrokerPort = ( uint16_t ) lPort;
    xCredentials.pucRootCa = prvReadFile( "RSMQTT_CA", &xCredentials.xRootCaLength );
    xCredentials.pucClientCert = prvReadFile( "RSMQTT_CLIENT_CERT", &xCredentials.xClientCertLength );
    xCredentials.pucPrivateKey = prvReadFile( "RSMQTT_CLIENT_KEY", &xCredentials.xPrivateKeyLength );

    ( void ) rsmqtt_log_set_callback( prvLog );
    ( void ) rsmqtt_log_set_level( RSMQTT_LOG_INFO );

    ( void ) pxLibslirp_FillInterfaceDescriptor( 0, &xInterface );
    FreeRTOS_FillEndPoint( &xInterface, &xEndPoint, ucIPAddress, ucNetMask,
                           ucGatewayAddress, ucDNSServerAddress, ucMACAddress );
    xEndPoint.bits.bWantDHCP = pdTRUE;
    configASSERT( FreeRTOS_IPInit_Multi() == pdPASS );

    printf( "FreeRTOS %s simulator: starting the scheduler\n", tskKERNEL_VERSION_NUMBER );
    vTaskStartScheduler();

    /* vDemoFinished() ended the scheduler. */
    return ( int ) xExitStatus;
}

void vApplicationIPNetworkEventHook_Multi( eIPCallbackEvent_t eNetworkEvent,
                                           struct xNetworkEndPoint * pxEndPoint )
{
    char cBuffer[ 16 ];

    if( ( eNetworkEvent == eNetworkUp ) && ( xDemoTask == NULL ) )
    {
        FreeRTOS_inet_ntoa( pxEndPoint->ipv4_settings.ulIPAddress, cBuffer );
        printf( "[%6lu] network up: IP address %s\n", ( unsigned long ) xTaskGetTickCount(), cBuffer );
        configASSERT( xTaskCreate( vMQTTMutualAuthDemoTask, "MQTTDemo", mainDEMO_TASK_STACK_WORDS,
                                   &xCredentials, mainDEMO_TASK_PRIORITY, &xDemoTask ) == pdPASS );
    }
}

void vDemoFinished( BaseType_t xPassed )
{
    printf( "[%6lu] stack high-water marks (words unused; the POSIX port runs tasks on pthread "
            "stacks, so these describe FreeRTOS's bookkeeping only): MQTTDemo %lu, IP-task %lu\n",
            ( unsigned long ) xTaskGetTickCount(),
            ( unsigned long ) uxTaskGetStackHighWaterMark( NULL ),
            ( unsigned long ) uxTaskGetStackHighWaterMark( FreeRTOS_GetIPTaskHandle() ) );
    printf( "[%6lu] FreeRTOS heap: %u bytes free, minimum ever free %u of %u\n",
            ( unsigned long ) xTaskGetTickCount(), ( unsigned ) xPortGetFreeHeapSize(),
            ( unsigned ) xPortGetMinimumEverFreeHeapSize(), ( unsigned ) configTOTAL_HEAP_SIZE );
    printf( "sim_mutual_auth: %s\n", ( xPassed == pdPASS ) ? "PASSED" : "FAILED" );
    fflush( stdout );
    xExitStatus = ( xPassed == pdPASS ) ? EXIT_SUCCESS : EXIT_FAILURE;
    vTaskEndScheduler();

    for( ; ; )
    {
        vTaskDelay( portMAX_DELAY );
    }
}

void vDemoAssertFailed( const char * pcFile,
                        unsigned long ulLine )
{
    printf( "sim_mutual_auth: configASSERT failed at %s:%lu\nsim_mutual_auth: FAILED\n", pcFile, ulLine );
    fflush( stdout );
    _Exit( EXIT_FAILURE );
}

void vApplicationMallocFailedHook( void )
{
    printf( "sim_mutual_auth: the FreeRTOS heap is exhausted\nsim_mutual_auth: FAILED\n" );
    fflush( stdout );
    _Exit( EXIT_FAILURE );
}

/* FreeRTOS+TCP's sources of randomness (DHCP transaction ids, TCP initial
 * sequence numbers, the demo's backoff jitter). A simulator test needs no
 * cryptographic quality; a device uses its TRNG. */
BaseType_t xApplicationGetRandomNumber( uint32_t * pulNumber )
{
    static uint32_t ulState;

    if( ulState == 0U )
    {
        ulState = ( uint32_t ) time( NULL ) ^ 0x9E3779B9U;
    }

    /* xorshift32 */
    ulState ^= ulState << 13;
    ulState ^= ulState >> 17;
    ulState ^= ulState << 5;
    *pulNumber = ulState;
    return pdTRUE;
}

uint32_t ulApplicationGetNextSequenceNumber( uint32_t ulSourceAddress,
                                             uint16_t usSourcePort,
                                             uint32_t ulDestinationAddress,
                                             uint16_t usDestinationPort )
{
    uint32_t ulNumber = 0U;

    ( void ) ulSourceAddress;
    ( void ) usSourcePort;
    ( void ) ulDestinationAddress;
    ( void ) usDestinationPort;
    ( void ) xApplicationGetRandomNumber( &ulNumber );
    return ulNumber;
}
