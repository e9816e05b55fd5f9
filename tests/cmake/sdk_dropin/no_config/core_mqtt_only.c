/*
 * Compiled with only rsmqtt's MQTT include directory on the include path and
 * no core_mqtt_config.h anywhere: as with coreMQTT since v2.3.1, the public
 * headers must compile without the application's configuration and must not
 * define the configuration or logging macros (those belong to the library's
 * .c files; rsmqtt reads them in its configuration shim).
 */
#include "core_mqtt.h"
#include "core_mqtt_state.h"
#include "core_mqtt_serializer.h"
#include "transport_interface.h"

#if defined( LogError ) || defined( LogWarn ) || defined( LogInfo ) || defined( LogDebug )
    #error "core_mqtt.h defines logging macros: the application's own would be replaced"
#endif

#if defined( MQTT_PINGRESP_TIMEOUT_MS ) || defined( MQTT_RECV_POLLING_TIMEOUT_MS )
    #error "core_mqtt.h pulls in the configuration macros"
#endif

const char * coreMqttOnlyStatusName( MQTTStatus_t status );

const char * coreMqttOnlyStatusName( MQTTStatus_t status )
{
    return MQTT_Status_strerror( status );
}
