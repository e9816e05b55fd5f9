/*
 * Compiled (never linked) by the CTest tests enum_size/...: includes the
 * coreMQTT headers and uses the enum-typed structs, so the enum-size check
 * of core_mqtt_serializer.h decides whether it compiles. See
 * cmake/rsmqttPrograms.cmake, rsmqtt_add_enum_size_checks().
 */
#include "core_mqtt.h"
#include "core_mqtt_state.h"

size_t rsmqtt_enum_size_probe( const MQTTPubAckInfo_t * pRecord );

size_t rsmqtt_enum_size_probe( const MQTTPubAckInfo_t * pRecord )
{
    return sizeof( *pRecord ) + ( size_t ) pRecord->qos;
}
