/*
 * FreeRTOS kernel configuration of the mps2-an385 (Cortex-M3) MQTT image
 * (tests/freertos/qemu_mps2).
 */
#ifndef FREERTOS_CONFIG_H
#define FREERTOS_CONFIG_H

#include <stdint.h>

void vDemoAssertFailed( const char * pcFile, unsigned long ulLine );
#define configASSERT( x )    do { if( ( x ) == 0 ) { vDemoAssertFailed( __FILE__, __LINE__ ); } } while( 0 )

#define configCPU_CLOCK_HZ                         ( ( unsigned long ) 25000000 )
#define configTICK_RATE_HZ                         ( ( TickType_t ) 1000 )
#define configUSE_PREEMPTION                       1
#define configUSE_TIME_SLICING                     1
#define configMAX_PRIORITIES                       ( 8 )
#define configMINIMAL_STACK_SIZE                   ( ( unsigned short ) 256 )
#define configTOTAL_HEAP_SIZE                      ( ( size_t ) ( 160 * 1024 ) )
#define configMAX_TASK_NAME_LEN                    ( 12 )
#define configTICK_TYPE_WIDTH_IN_BITS              TICK_TYPE_WIDTH_32_BITS
#define configIDLE_SHOULD_YIELD                    1
#define configUSE_TASK_NOTIFICATIONS               1
#define configUSE_MUTEXES                          1
#define configUSE_RECURSIVE_MUTEXES                1
#define configUSE_COUNTING_SEMAPHORES              1
#define configQUEUE_REGISTRY_SIZE                  0
#define configUSE_IDLE_HOOK                        1
#define configUSE_TICK_HOOK                        0
#define configUSE_MALLOC_FAILED_HOOK               1
/* Method 2 checks the stack's fill pattern at every switch. */
#define configCHECK_FOR_STACK_OVERFLOW             2
#define configUSE_TRACE_FACILITY                   1
#define configUSE_CO_ROUTINES                      0
#define configSUPPORT_STATIC_ALLOCATION            0
#define configSUPPORT_DYNAMIC_ALLOCATION           1

#define configUSE_TIMERS                           1
#define configTIMER_TASK_PRIORITY                  ( configMAX_PRIORITIES - 1 )
#define configTIMER_QUEUE_LENGTH                   10
#define configTIMER_TASK_STACK_DEPTH               configMINIMAL_STACK_SIZE

#define INCLUDE_vTaskDelete                        1
#define INCLUDE_vTaskDelay                         1
#define INCLUDE_vTaskSuspend                       1
#define INCLUDE_xTaskGetSchedulerState             1
#define INCLUDE_xTaskGetCurrentTaskHandle          1
#define INCLUDE_uxTaskGetStackHighWaterMark        1
#define INCLUDE_xTaskGetIdleTaskHandle             1
#define INCLUDE_xTaskGetHandle                     1
#define INCLUDE_xTimerGetTimerDaemonTaskHandle     1

/* Cortex-M3 interrupt priorities, written in the top bits so they mean the
 * same whether the NVIC implements 3 or 8 priority bits: the kernel runs at
 * the lowest priority, interrupts at 0xA0 or lower urgency may call the
 * FromISR API. main.c gives the Ethernet interrupt 0xC0. */
#define configKERNEL_INTERRUPT_PRIORITY            0xFF
#define configMAX_SYSCALL_INTERRUPT_PRIORITY       0xA0

#endif /* FREERTOS_CONFIG_H */
