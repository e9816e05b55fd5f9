/*
 * Size comparison, program (a): a minimal MQTT application, the calls of a
 * typical sensor firmware: MQTT_Init, MQTT_Connect, MQTT_Subscribe,
 * MQTT_Publish, MQTT_ProcessLoop, MQTT_Disconnect. Built by
 * scripts/code-size-compare.sh against rsmqtt and against coreMQTT.
 */
#include "app_port.h"

static uint8_t networkBuffer[ 512 ];
static MQTTContext_t context;
static NetworkContext_t network;

void Reset_Handler( void )
{
    TransportInterface_t transport = { 0 };
    MQTTFixedBuffer_t buffer = { networkBuffer, sizeof( networkBuffer ) };
    MQTTConnectInfo_t connectInfo = { 0 };
    MQTTSubscribeInfo_t subscription = { 0 };
    MQTTPublishInfo_t publish = { 0 };
    bool sessionPresent = false;
    static const char payload[] = "21.5";

    transport.recv = app_recv;
    transport.send = app_send;
    transport.pNetworkContext = &network;

    connectInfo.cleanSession = true;
    connectInfo.keepAliveSeconds = 60;
    connectInfo.pClientIdentifier = "sensor-1";
    connectInfo.clientIdentifierLength = 8;

    subscription.qos = MQTTQoS1;
    subscription.pTopicFilter = "sensor-1/cmd";
    subscription.topicFilterLength = 12;

    publish.qos = MQTTQoS0;
    publish.pTopicName = "sensor-1/temperature";
    publish.topicNameLength = 20;
    publish.pPayload = payload;
    publish.payloadLength = sizeof( payload ) - 1U;

    if( ( MQTT_Init( &context, &transport, app_time_ms, app_event, &buffer ) == MQTTSuccess ) &&
        ( MQTT_Connect( &context, &connectInfo, NULL, 1000U, &sessionPresent ) == MQTTSuccess ) &&
        ( MQTT_Subscribe( &context, &subscription, 1U, MQTT_GetPacketId( &context ) ) == MQTTSuccess ) )
    {
        for( ; ; )
        {
            if( MQTT_Publish( &context, &publish, 0U ) != MQTTSuccess )
            {
                break;
            }

            if( MQTT_ProcessLoop( &context ) != MQTTSuccess )
            {
                break;
            }
        }

        ( void ) MQTT_Disconnect( &context );
    }

    for( ; ; )
    {
    }
}
