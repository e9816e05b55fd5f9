/* The test application's own exponential backoff with full jitter. */
#include "backoff_algorithm.h"

#include <stddef.h>

uint32_t backoffTestCalls = 0U;

void BackoffAlgorithm_InitializeParams( BackoffAlgorithmContext_t * pContext,
                                        uint16_t backOffBase,
                                        uint16_t maxBackOff,
                                        uint32_t maxAttempts )
{
    if( pContext != NULL )
    {
        pContext->nextJitterMax = backOffBase;
        pContext->maxBackoffDelay = maxBackOff;
        pContext->maxRetryAttempts = maxAttempts;
        pContext->attemptsDone = 0U;
    }
}

BackoffAlgorithmStatus_t BackoffAlgorithm_GetNextBackoff( BackoffAlgorithmContext_t * pRetryContext,
                                                          uint32_t randomValue,
                                                          uint16_t * pNextBackOff )
{
    if( ( pRetryContext == NULL ) || ( pNextBackOff == NULL ) )
    {
        return BackoffAlgorithmRetriesExhausted;
    }

    if( ( pRetryContext->maxRetryAttempts != BACKOFF_ALGORITHM_RETRY_FOREVER ) &&
        ( pRetryContext->attemptsDone >= pRetryContext->maxRetryAttempts ) )
    {
        return BackoffAlgorithmRetriesExhausted;
    }

    backoffTestCalls++;
    pRetryContext->attemptsDone++;
    *pNextBackOff = ( uint16_t ) ( randomValue % ( ( uint32_t ) pRetryContext->nextJitterMax + 1U ) );

    if( pRetryContext->nextJitterMax < ( pRetryContext->maxBackoffDelay / 2U ) )
    {
        pRetryContext->nextJitterMax = ( uint16_t ) ( pRetryContext->nextJitterMax * 2U );
    }
    else
    {
        pRetryContext->nextJitterMax = pRetryContext->maxBackoffDelay;
    }

    return BackoffAlgorithmSuccess;
}
