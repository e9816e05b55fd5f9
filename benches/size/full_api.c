/*
 * Size comparison, program (b): references every function of coreMQTT's
 * MQTT 3.1.1 API (core_mqtt.h, core_mqtt_serializer.h, core_mqtt_state.h of
 * v3-CodeBase), so the linker keeps the whole library. Built by
 * scripts/code-size-compare.sh against rsmqtt and against coreMQTT.
 */
#include "app_port.h"
#include "core_mqtt_serializer.h"
#include "core_mqtt_state.h"

typedef void ( * AnyFunction_t )( void );

#define API( function )    ( ( AnyFunction_t ) ( function ) )

static const AnyFunction_t api[] =
{
    /* core_mqtt.h */
    API( MQTT_Init ),                           API( MQTT_InitStatefulQoS ),
    API( MQTT_InitRetransmits ),                API( MQTT_CheckConnectStatus ),
    API( MQTT_Connect ),                        API( MQTT_Subscribe ),
    API( MQTT_Publish ),                        API( MQTT_CancelCallback ),
    API( MQTT_Ping ),                           API( MQTT_Unsubscribe ),
    API( MQTT_Disconnect ),                     API( MQTT_ProcessLoop ),
    API( MQTT_ReceiveLoop ),                    API( MQTT_GetPacketId ),
    API( MQTT_MatchTopic ),                     API( MQTT_GetSubAckStatusCodes ),
    API( MQTT_Status_strerror ),                API( MQTT_GetBytesInMQTTVec ),
    API( MQTT_SerializeMQTTVec ),
    /* core_mqtt_serializer.h */
    API( MQTT_GetConnectPacketSize ),           API( MQTT_SerializeConnect ),
    API( MQTT_GetSubscribePacketSize ),         API( MQTT_SerializeSubscribe ),
    API( MQTT_GetUnsubscribePacketSize ),       API( MQTT_SerializeUnsubscribe ),
    API( MQTT_GetPublishPacketSize ),           API( MQTT_SerializePublish ),
    API( MQTT_SerializePublishHeaderWithoutTopic ), API( MQTT_SerializePublishHeader ),
    API( MQTT_SerializeAck ),                   API( MQTT_GetDisconnectPacketSize ),
    API( MQTT_SerializeDisconnect ),            API( MQTT_GetPingreqPacketSize ),
    API( MQTT_SerializePingreq ),               API( MQTT_DeserializePublish ),
    API( MQTT_DeserializeAck ),                 API( MQTT_GetIncomingPacketTypeAndLength ),
    API( MQTT_ProcessIncomingPacketTypeAndLength ), API( MQTT_UpdateDuplicatePublishFlag ),
    API( MQTT_SerializeConnectFixedHeader ),    API( MQTT_SerializeSubscribeHeader ),
    API( MQTT_SerializeUnsubscribeHeader ),
    /* core_mqtt_state.h */
    API( MQTT_ReserveState ),                   API( MQTT_CalculateStatePublish ),
    API( MQTT_UpdateStatePublish ),             API( MQTT_RemoveStateRecord ),
    API( MQTT_CalculateStateAck ),              API( MQTT_UpdateStateAck ),
    API( MQTT_PubrelToResend ),                 API( MQTT_PublishToResend ),
    API( MQTT_State_strerror ),
};

/* The application's callbacks are kept too, as a real one passes them. */
static const AnyFunction_t port[] =
{
    API( app_recv ), API( app_send ), API( app_time_ms ), API( app_event ),
};

volatile AnyFunction_t app_sink;

void Reset_Handler( void )
{
    size_t i;

    /* Every address is read at run time, so none can be dropped. */
    for( i = 0; i < ( sizeof( api ) / sizeof( api[ 0 ] ) ); i++ )
    {
        app_sink = api[ i ];
    }

    for( i = 0; i < ( sizeof( port ) / sizeof( port[ 0 ] ) ); i++ )
    {
        app_sink = port[ i ];
    }

    for( ; ; )
    {
    }
}
