/*
 * What both size-comparison programs share: a vector table, a transport and
 * a clock over memory-mapped "peripherals". The same source is compiled once
 * against rsmqtt and once against coreMQTT, so everything here costs the
 * same in both images; the difference between the two is the library.
 */
#ifndef APP_PORT_H
#define APP_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "core_mqtt.h"

/* The port functions are `static inline` so a program that does not use
 * them (no_mqtt.c) compiles without warnings. */

/* A UART-like data register and a millisecond tick counter. */
#define APP_REG( address )    ( *( volatile uint32_t * ) ( address ) )
#define APP_DATA              APP_REG( 0x40004000U )
#define APP_STATUS            APP_REG( 0x40004004U )
#define APP_TICKS             APP_REG( 0x40004008U )

struct NetworkContext
{
    uint32_t channel;
};

static inline int32_t app_recv( NetworkContext_t * pNetworkContext,
                                void * pBuffer,
                                size_t bytesToRecv )
{
    uint8_t * pOut = pBuffer;
    size_t i;

    ( void ) pNetworkContext;

    for( i = 0; ( i < bytesToRecv ) && ( APP_STATUS != 0U ); i++ )
    {
        pOut[ i ] = ( uint8_t ) APP_DATA;
    }

    return ( int32_t ) i;
}

static inline int32_t app_send( NetworkContext_t * pNetworkContext,
                                const void * pBuffer,
                                size_t bytesToSend )
{
    const uint8_t * pIn = pBuffer;
    size_t i;

    ( void ) pNetworkContext;

    for( i = 0; i < bytesToSend; i++ )
    {
        APP_DATA = pIn[ i ];
    }

    return ( int32_t ) bytesToSend;
}

static inline uint32_t app_time_ms( void )
{
    return APP_TICKS;
}

static volatile uint32_t app_events;

static inline void app_event( MQTTContext_t * pContext,
                              MQTTPacketInfo_t * pPacketInfo,
                              MQTTDeserializedInfo_t * pDeserializedInfo )
{
    ( void ) pContext;
    ( void ) pDeserializedInfo;
    app_events += pPacketInfo->type;
}

void Reset_Handler( void );

__attribute__( ( section( ".vectors" ), used ) ) static const uintptr_t app_vectors[ 2 ] =
{
    0x20020000U,
    ( uintptr_t ) &Reset_Handler,
};

#endif /* APP_PORT_H */
