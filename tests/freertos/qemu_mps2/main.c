/*
 * mps2-an385 (Cortex-M3) firmware: FreeRTOS, FreeRTOS+TCP with the board's
 * LAN9118 (MPS2_AN385 driver), and an MQTT task using the coreMQTT API
 * (mqtt_qos_demo.c), printing over UART0.
 *
 * Start-up code, vector table, linker script and the newlib stubs that send
 * printf to UART0 come from FreeRTOS's FreeRTOS_Plus_TCP_Echo_Qemu_mps2 demo
 * (FREERTOS_DEMO_MPS2_DIR); its exit() ends QEMU through semihosting.
 *
 * The broker's port comes from QEMU's semihosting command line (the test
 * starts QEMU with `-semihosting-config enable=on,target=native,arg=mps2,arg=PORT`);
 * the broker itself is the host's 127.0.0.1, which QEMU's user networking
 * shows the guest as 10.0.2.2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"
#include "timers.h"
#include "FreeRTOS_IP.h"
#include "FreeRTOS_Routing.h"

#include "qemu_demo.h"

#ifdef DEMO_USE_RSMQTT
    #include "rsmqtt_log.h"

/* rsmqtt's log records (errors and warnings) go to the UART too. */
    static void prvLog( int32_t lLevel,
                        const char * pcMessage )
    {
        printf( "rsmqtt [%d]: %s\r\n", ( int ) lLevel, pcMessage );
    }
#endif

extern NetworkInterface_t * pxMPS2_FillInterfaceDescriptor( BaseType_t xEMACIndex,
                                                            NetworkInterface_t * pxInterface );

/* In words (4 bytes). rsmqtt's engine keeps its state in the MQTT context,
 * so the task needs little; the high-water mark printed at the end shows
 * how much was used. */
#define mainMQTT_TASK_STACK_WORDS    ( 1024U )
#define mainMQTT_TASK_PRIORITY       ( tskIDLE_PRIORITY + 1 )

/* NVIC interrupt priority register of the LAN9118's IRQ 13. */
#define mainETHERNET_IRQ             13U
#define mainNVIC_IPR_BYTES           ( ( volatile uint8_t * ) 0xE000E400UL )
#define mainETHERNET_IRQ_PRIORITY    0xC0U

#define SEMIHOSTING_SYS_GET_CMDLINE    0x15

static NetworkInterface_t xInterface;
static NetworkEndPoint_t xEndPoint;
static TaskHandle_t xMQTTTask;
static uint16_t usBrokerPort;

static const uint8_t ucIPAddress[ 4 ] = { 10, 0, 2, 15 };
static const uint8_t ucNetMask[ 4 ] = { 255, 255, 255, 0 };
static const uint8_t ucGatewayAddress[ 4 ] = { 10, 0, 2, 2 };
static const uint8_t ucDNSServerAddress[ 4 ] = { 10, 0, 2, 3 };
static const uint8_t ucMACAddress[ 6 ] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0xAD };

/* Asks the debugger (QEMU) for the command line; the last word is the
 * broker's port. 0 when there is none. */
static uint16_t prvPortFromSemihosting( void )
{
    static char cCommandLine[ 80 ];
    struct
    {
        char * pcBuffer;
        int iLength;
    } xBlock = { cCommandLine, sizeof( cCommandLine ) - 1 };
    register int r0 __asm__( "r0" ) = SEMIHOSTING_SYS_GET_CMDLINE;
    register void * r1 __asm__( "r1" ) = &xBlock;
    const char * pcWord;
    long lPort;

    __asm__ volatile ( "bkpt 0xab" : "+r" ( r0 ) : "r" ( r1 ) : "memory" );

    if( r0 != 0 )
    {
        return 0U;
    }

    cCommandLine[ sizeof( cCommandLine ) - 1 ] = '\0';
    pcWord = strrchr( cCommandLine, ' ' );
    pcWord = ( pcWord != NULL ) ? pcWord + 1 : cCommandLine;
    lPort = strtol( pcWord, NULL, 10 );

    return ( ( lPort > 0 ) && ( lPort <= 65535 ) ) ? ( uint16_t ) lPort : 0U;
}

int main( void )
{
    printf( "\r\nrsmqtt FreeRTOS %s image for mps2-an385 (Cortex-M3)\r\n", tskKERNEL_VERSION_NUMBER );

    #ifdef DEMO_USE_RSMQTT
        ( void ) rsmqtt_log_set_callback( prvLog );
        ( void ) rsmqtt_log_set_level( RSMQTT_LOG_WARN );
    #endif

    usBrokerPort = prvPortFromSemihosting();

    if( usBrokerPort == 0U )
    {
        printf( "ERROR: no broker port on the semihosting command line\r\nRESULT: FAIL\r\n" );
        exit( 1 );
    }

    mainNVIC_IPR_BYTES[ mainETHERNET_IRQ ] = mainETHERNET_IRQ_PRIORITY;

    ( void ) pxMPS2_FillInterfaceDescriptor( 0, &xInterface );
    FreeRTOS_FillEndPoint( &xInterface, &xEndPoint, ucIPAddress, ucNetMask,
                           ucGatewayAddress, ucDNSServerAddress, ucMACAddress );
    xEndPoint.bits.bWantDHCP = pdTRUE;
    configASSERT( FreeRTOS_IPInit_Multi() == pdPASS );

    vTaskStartScheduler();

    printf( "ERROR: the scheduler returned\r\nRESULT: FAIL\r\n" );
    exit( 1 );
}

void vApplicationIPNetworkEventHook_Multi( eIPCallbackEvent_t eNetworkEvent,
                                           struct xNetworkEndPoint * pxEndPoint )
{
    char cBuffer[ 16 ];

    if( ( eNetworkEvent == eNetworkUp ) && ( xMQTTTask == NULL ) )
    {
        FreeRTOS_inet_ntoa( pxEndPoint->ipv4_settings.ulIPAddress, cBuffer );
        printf( "network up: IP address %s\r\n", cBuffer );
        configASSERT( xTaskCreate( vMQTTQoSDemoTask, "MQTT", mainMQTT_TASK_STACK_WORDS,
                                   ( void * ) ( uintptr_t ) usBrokerPort,
                                   mainMQTT_TASK_PRIORITY, &xMQTTTask ) == pdPASS );
    }
}

static void prvPrintStack( const char * pcName, TaskHandle_t xTask )
{
    if( xTask != NULL )
    {
        printf( "stack high-water mark: %-10s %5lu bytes unused\r\n", pcName,
                ( unsigned long ) ( uxTaskGetStackHighWaterMark( xTask ) * sizeof( StackType_t ) ) );
    }
}

void vDemoFinished( BaseType_t xPassed )
{
    printf( "stack size: MQTT task %lu bytes\r\n",
            ( unsigned long ) ( mainMQTT_TASK_STACK_WORDS * sizeof( StackType_t ) ) );
    prvPrintStack( "MQTT", xMQTTTask );
    prvPrintStack( "IP-task", FreeRTOS_GetIPTaskHandle() );
    prvPrintStack( "EMAC", xTaskGetHandle( "EMAC" ) );
    prvPrintStack( "Idle", xTaskGetIdleTaskHandle() );
    prvPrintStack( "Timer", xTimerGetTimerDaemonTaskHandle() );
    printf( "FreeRTOS heap: %u bytes, minimum ever free %u\r\n",
            ( unsigned ) configTOTAL_HEAP_SIZE, ( unsigned ) xPortGetMinimumEverFreeHeapSize() );
    printf( "RESULT: %s\r\n", ( xPassed == pdPASS ) ? "PASS" : "FAIL" );
    exit( ( xPassed == pdPASS ) ? 0 : 1 );
}

void vDemoAssertFailed( const char * pcFile,
                        unsigned long ulLine )
{
    taskDISABLE_INTERRUPTS();
    printf( "ERROR: configASSERT failed at %s:%lu\r\nRESULT: FAIL\r\n", pcFile, ulLine );
    exit( 1 );
}

/* Sleep until the next interrupt when no task is ready: on hardware this
 * saves power, in QEMU it frees the host CPU for the emulated network
 * (slirp runs in QEMU's main loop, which a spinning guest starves). */
void vApplicationIdleHook( void )
{
    __asm volatile ( "wfi" );
}

void vApplicationMallocFailedHook( void )
{
    printf( "ERROR: the FreeRTOS heap is exhausted\r\nRESULT: FAIL\r\n" );
    exit( 1 );
}

void vApplicationStackOverflowHook( TaskHandle_t xTask,
                                    char * pcTaskName )
{
    ( void ) xTask;
    printf( "ERROR: stack overflow in task %s\r\nRESULT: FAIL\r\n", pcTaskName );
    exit( 1 );
}

/* Randomness for DHCP transaction ids and TCP initial sequence numbers. The
 * board has no TRNG; a test image seeds from the tick count (a product uses
 * its hardware RNG). */
BaseType_t xApplicationGetRandomNumber( uint32_t * pulNumber )
{
    static uint32_t ulState = 0x2545F491U;

    ulState ^= ( uint32_t ) xTaskGetTickCount();
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
