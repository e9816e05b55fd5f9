/*
 * backoff_algorithm.h of the SDK-style test application: the declarations of
 * FreeRTOS backoffAlgorithm v1.4.1 (same names, types and signatures), written
 * for this test. The application compiles its own backoff, so these names must
 * not collide with anything rsmqtt::rsmqtt links.
 */
#ifndef BACKOFF_ALGORITHM_H_
#define BACKOFF_ALGORITHM_H_

#include <stdint.h>

#define BACKOFF_ALGORITHM_RETRY_FOREVER    ( UINT32_MAX )

typedef enum BackoffAlgorithmStatus
{
    BackoffAlgorithmSuccess = 0,
    BackoffAlgorithmRetriesExhausted
} BackoffAlgorithmStatus_t;

typedef struct BackoffAlgorithmContext
{
    uint16_t maxBackoffDelay;
    uint32_t attemptsDone;
    uint16_t nextJitterMax;
    uint32_t maxRetryAttempts;
} BackoffAlgorithmContext_t;

void BackoffAlgorithm_InitializeParams( BackoffAlgorithmContext_t * pContext,
                                        uint16_t backOffBase,
                                        uint16_t maxBackOff,
                                        uint32_t maxAttempts );

BackoffAlgorithmStatus_t BackoffAlgorithm_GetNextBackoff( BackoffAlgorithmContext_t * pRetryContext,
                                                          uint32_t randomValue,
                                                          uint16_t * pNextBackOff );

/* Not in backoffAlgorithm: how many delays this implementation handed out,
 * so the test can tell that its own code ran. */
extern uint32_t backoffTestCalls;

#endif /* BACKOFF_ALGORITHM_H_ */
