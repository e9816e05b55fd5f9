/*
 * FreeRTOS kernel configuration of the coreMQTT mutual-authentication demo on
 * the kernel's POSIX port (tests/freertos/sim).
 *
 * What FreeRTOS+TCP's libslirp interface needs (see the project's README,
 * "FreeRTOS"): static allocation with kernel-provided memory for its message
 * buffers, heap_4 clearing freed memory, a heap large enough for slirp's
 * context (~97 KB) plus the TLS session, and vTaskDelete for
 * vTaskEndScheduler.
 */
#ifndef FREERTOS_CONFIG_H
#define FREERTOS_CONFIG_H

#include <stdint.h>

void vDemoAssertFailed( const char * pcFile, unsigned long ulLine );
#define configASSERT( x )    do { if( ( x ) == 0 ) { vDemoAssertFailed( __FILE__, __LINE__ ); } } while( 0 )

#define configUSE_PREEMPTION                       1
#define configUSE_TIME_SLICING                     1
#define configTICK_RATE_HZ                         ( ( TickType_t ) 1000 )
#define configMAX_PRIORITIES                       ( 8 )
/* In words; the POSIX port runs each task on its own pthread stack, this
 * only sizes the TCB's bookkeeping and what the high-water mark reports. */
#define configMINIMAL_STACK_SIZE                   ( ( unsigned short ) 1024 )
#define configTOTAL_HEAP_SIZE                      ( ( size_t ) ( 1024 * 1024 ) )
#define configMAX_TASK_NAME_LEN                    ( 12 )
#define configTICK_TYPE_WIDTH_IN_BITS              TICK_TYPE_WIDTH_32_BITS
#define configIDLE_SHOULD_YIELD                    1
#define configUSE_TASK_NOTIFICATIONS               1
#define configUSE_MUTEXES                          1
#define configUSE_RECURSIVE_MUTEXES                1
#define configUSE_COUNTING_SEMAPHORES              1
#define configQUEUE_REGISTRY_SIZE                  0
#define configUSE_QUEUE_SETS                       0
#define configUSE_IDLE_HOOK                        0
#define configUSE_TICK_HOOK                        0
#define configUSE_MALLOC_FAILED_HOOK               1
#define configCHECK_FOR_STACK_OVERFLOW             0
#define configUSE_TRACE_FACILITY                   1
#define configGENERATE_RUN_TIME_STATS              0
#define configUSE_CO_ROUTINES                      0

#define configSUPPORT_STATIC_ALLOCATION            1
#define configKERNEL_PROVIDED_STATIC_MEMORY        1
#define configSUPPORT_DYNAMIC_ALLOCATION           1
#define configHEAP_CLEAR_MEMORY_ON_FREE            1

#define configUSE_TIMERS                           1
#define configTIMER_TASK_PRIORITY                  ( configMAX_PRIORITIES - 1 )
#define configTIMER_QUEUE_LENGTH                   10
#define configTIMER_TASK_STACK_DEPTH               configMINIMAL_STACK_SIZE

#define INCLUDE_vTaskDelete                        1
#define INCLUDE_vTaskDelay                         1
#define INCLUDE_vTaskDelayUntil                    1
#define INCLUDE_vTaskSuspend                       1
#define INCLUDE_xTaskGetSchedulerState             1
#define INCLUDE_xTaskGetCurrentTaskHandle          1
#define INCLUDE_uxTaskGetStackHighWaterMark        1
#define INCLUDE_xTaskGetIdleTaskHandle             1

#endif /* FREERTOS_CONFIG_H */
