/*
 * Size comparison, baseline image: the same start-up and memory map as the
 * two MQTT programs but no MQTT call. scripts/code-size-compare.sh subtracts
 * its size to show what each library adds.
 */
#include "app_port.h"

void Reset_Handler( void )
{
    for( ; ; )
    {
    }
}
