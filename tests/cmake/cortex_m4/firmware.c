/*
 * A bare-metal Cortex-M4 "firmware" that links rsmqtt's no_std library. In
 * cmake/cortex_m4_firmware and _lto it links with no C library at all: that
 * proves the library needs nothing from the platform beyond what it declares
 * (memcpy and friends come from Rust's compiler_builtins inside
 * librsmqtt.a). cmake/cortex_m4_firmware_newlib builds it with
 * arm-none-eabi-gcc and newlib-nano, which then provides them. It only has
 * to link; the linked size is what the library costs in flash and RAM.
 */

#include <stdint.h>

#include "rsmqtt_log.h"
#include "rsmqtt_version.h"
#include "backoff_algorithm.h"

/* Where a real firmware would write to a UART. */
static volatile int32_t lastLevel;
static const char * volatile lastMessage;
static volatile uint16_t lastDelay;

static void onLog( int32_t level,
                   const char * message )
{
    lastLevel = level;
    lastMessage = message;
}

/* The vector table: initial stack pointer, then the reset handler. */
void Reset_Handler( void );
__attribute__( ( section( ".vectors" ), used ) ) static const uintptr_t vectors[ 2 ] =
{
    0x20020000U,
    ( uintptr_t ) &Reset_Handler,
};

void Reset_Handler( void )
{
    ( void ) rsmqtt_log_set_callback( onLog );
    ( void ) rsmqtt_log_set_level( RSMQTT_LOG_INFO );
    ( void ) rsmqtt_version();

    /* rsmqtt::backoff: its own archive, split from cargo's for Cortex-M too. */
    {
        BackoffAlgorithmContext_t retry;
        uint16_t delay = 0U;

        BackoffAlgorithm_InitializeParams( &retry, 500U, 5000U, 3U );
        ( void ) BackoffAlgorithm_GetNextBackoff( &retry, 12345U, &delay );
        lastDelay = delay;
    }

    for( ; ; )
    {
    }
}
