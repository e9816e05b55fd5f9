/*
 * A bare-metal Cortex-M4 application that compiles its own backoffAlgorithm
 * (here: its own definitions of the two BackoffAlgorithm_* functions, as an
 * application building backoff_algorithm.c from the SDK has) and links
 * rsmqtt::rsmqtt without rsmqtt::backoff. It must link without "multiple
 * definition" errors although the library's archive carries rsmqtt's own
 * BackoffAlgorithm_*: with fat LTO (the `firmware` profile) they sit inside
 * the one merged object that every MQTT_* function pulls in, and only the
 * split by symbol (cmake/rsmqttSplitArchive.cmake) keeps them out of the
 * way. Registered as part of cmake/cortex_m4_firmware and
 * cmake/cortex_m4_firmware_lto.
 */

#include <stddef.h>
#include <stdint.h>

#include "core_mqtt.h"
#include "rsmqtt_version.h"
#include "backoff_algorithm.h"

static volatile uint16_t lastDelay;
static const char * volatile lastText;

/* The application's own backoff: a fixed delay, recognisably not rsmqtt's. */
void BackoffAlgorithm_InitializeParams( BackoffAlgorithmContext_t * pContext,
                                        uint16_t backOffBase,
                                        uint16_t maxBackOff,
                                        uint32_t maxAttempts )
{
    pContext->attemptsDone = 0U;
    pContext->nextJitterMax = backOffBase;
    pContext->maxBackoffDelay = maxBackOff;
    pContext->maxRetryAttempts = maxAttempts;
}

BackoffAlgorithmStatus_t BackoffAlgorithm_GetNextBackoff( BackoffAlgorithmContext_t * pContext,
                                                          uint32_t randomValue,
                                                          uint16_t * pNextBackOff )
{
    ( void ) randomValue;
    pContext->attemptsDone++;
    *pNextBackOff = 42U;
    return BackoffAlgorithmSuccess;
}

void Reset_Handler( void );
__attribute__( ( section( ".vectors" ), used ) ) static const uintptr_t vectors[ 2 ] =
{
    0x20020000U,
    ( uintptr_t ) &Reset_Handler,
};

void Reset_Handler( void )
{
    BackoffAlgorithmContext_t retry;
    uint16_t delay = 0U;
    MQTTContext_t context;

    /* Pulls in the library's code (with fat LTO: its one merged object). */
    lastText = MQTT_Status_strerror( MQTT_Init( &context, NULL, NULL, NULL, NULL ) );
    ( void ) rsmqtt_version();

    BackoffAlgorithm_InitializeParams( &retry, 500U, 5000U, 3U );
    ( void ) BackoffAlgorithm_GetNextBackoff( &retry, 12345U, &delay );
    lastDelay = delay;

    for( ; ; )
    {
    }
}
