/*
 * Compile-time check that the generated coreMQTT-compatible headers declare
 * every public struct with the size and field offsets of coreMQTT's 3.1.1
 * line (v2.3.1+) and backoffAlgorithm v1.4.1 on an LP64 target. Applications
 * allocate these structs and read their fields directly, so any difference
 * is an ABI break. Also checks enum values and the packet type macros.
 *
 * Built as an ordinary test program: it only has to compile, and main()
 * returns 0.
 */
#include <stddef.h>
#include <stdint.h>

#include "core_mqtt.h"
#include "core_mqtt_serializer.h"
#include "core_mqtt_state.h"
#include "transport_interface.h"
#include "backoff_algorithm.h"

#define CHECK_SIZE( type, size ) \
    _Static_assert( sizeof( type ) == ( size ), "sizeof(" #type ") != " #size )
#define CHECK_OFFSET( type, field, offset ) \
    _Static_assert( offsetof( type, field ) == ( offset ), #type "." #field " not at " #offset )

#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu

/* transport_interface.h */
CHECK_SIZE( TransportOutVector_t, 16 );
CHECK_OFFSET( TransportOutVector_t, iov_base, 0 );
CHECK_OFFSET( TransportOutVector_t, iov_len, 8 );
CHECK_SIZE( TransportInterface_t, 32 );
CHECK_OFFSET( TransportInterface_t, recv, 0 );
CHECK_OFFSET( TransportInterface_t, send, 8 );
CHECK_OFFSET( TransportInterface_t, writev, 16 );
CHECK_OFFSET( TransportInterface_t, pNetworkContext, 24 );

/* core_mqtt_serializer.h */
CHECK_SIZE( MQTTFixedBuffer_t, 16 );
CHECK_OFFSET( MQTTFixedBuffer_t, pBuffer, 0 );
CHECK_OFFSET( MQTTFixedBuffer_t, size, 8 );

CHECK_SIZE( MQTTConnectInfo_t, 56 );
CHECK_OFFSET( MQTTConnectInfo_t, cleanSession, 0 );
CHECK_OFFSET( MQTTConnectInfo_t, keepAliveSeconds, 2 );
CHECK_OFFSET( MQTTConnectInfo_t, pClientIdentifier, 8 );
CHECK_OFFSET( MQTTConnectInfo_t, clientIdentifierLength, 16 );
CHECK_OFFSET( MQTTConnectInfo_t, pUserName, 24 );
CHECK_OFFSET( MQTTConnectInfo_t, userNameLength, 32 );
CHECK_OFFSET( MQTTConnectInfo_t, pPassword, 40 );
CHECK_OFFSET( MQTTConnectInfo_t, passwordLength, 48 );

CHECK_SIZE( MQTTSubscribeInfo_t, 24 );
CHECK_OFFSET( MQTTSubscribeInfo_t, qos, 0 );
CHECK_OFFSET( MQTTSubscribeInfo_t, pTopicFilter, 8 );
CHECK_OFFSET( MQTTSubscribeInfo_t, topicFilterLength, 16 );

CHECK_SIZE( MQTTPublishInfo_t, 40 );
CHECK_OFFSET( MQTTPublishInfo_t, qos, 0 );
CHECK_OFFSET( MQTTPublishInfo_t, retain, 4 );
CHECK_OFFSET( MQTTPublishInfo_t, dup, 5 );
CHECK_OFFSET( MQTTPublishInfo_t, pTopicName, 8 );
CHECK_OFFSET( MQTTPublishInfo_t, topicNameLength, 16 );
CHECK_OFFSET( MQTTPublishInfo_t, pPayload, 24 );
CHECK_OFFSET( MQTTPublishInfo_t, payloadLength, 32 );

CHECK_SIZE( MQTTPacketInfo_t, 32 );
CHECK_OFFSET( MQTTPacketInfo_t, type, 0 );
CHECK_OFFSET( MQTTPacketInfo_t, pRemainingData, 8 );
CHECK_OFFSET( MQTTPacketInfo_t, remainingLength, 16 );
CHECK_OFFSET( MQTTPacketInfo_t, headerLength, 24 );

/* core_mqtt.h */
CHECK_SIZE( MQTTPubAckInfo_t, 12 );
CHECK_OFFSET( MQTTPubAckInfo_t, packetId, 0 );
CHECK_OFFSET( MQTTPubAckInfo_t, qos, 4 );
CHECK_OFFSET( MQTTPubAckInfo_t, publishState, 8 );

CHECK_SIZE( MQTTDeserializedInfo_t, 24 );
CHECK_OFFSET( MQTTDeserializedInfo_t, packetIdentifier, 0 );
CHECK_OFFSET( MQTTDeserializedInfo_t, pPublishInfo, 8 );
CHECK_OFFSET( MQTTDeserializedInfo_t, deserializationResult, 16 );

CHECK_SIZE( MQTTContext_t, 168 );
CHECK_OFFSET( MQTTContext_t, outgoingPublishRecords, 0 );
CHECK_OFFSET( MQTTContext_t, incomingPublishRecords, 8 );
CHECK_OFFSET( MQTTContext_t, outgoingPublishRecordMaxCount, 16 );
CHECK_OFFSET( MQTTContext_t, incomingPublishRecordMaxCount, 24 );
CHECK_OFFSET( MQTTContext_t, transportInterface, 32 );
CHECK_OFFSET( MQTTContext_t, networkBuffer, 64 );
CHECK_OFFSET( MQTTContext_t, nextPacketId, 80 );
CHECK_OFFSET( MQTTContext_t, connectStatus, 84 );
CHECK_OFFSET( MQTTContext_t, getTime, 88 );
CHECK_OFFSET( MQTTContext_t, appCallback, 96 );
CHECK_OFFSET( MQTTContext_t, lastPacketTxTime, 104 );
CHECK_OFFSET( MQTTContext_t, lastPacketRxTime, 108 );
CHECK_OFFSET( MQTTContext_t, controlPacketSent, 112 );
CHECK_OFFSET( MQTTContext_t, index, 120 );
CHECK_OFFSET( MQTTContext_t, keepAliveIntervalSec, 128 );
CHECK_OFFSET( MQTTContext_t, pingReqSendTimeMs, 132 );
CHECK_OFFSET( MQTTContext_t, waitingForPingResp, 136 );
CHECK_OFFSET( MQTTContext_t, storeFunction, 144 );
CHECK_OFFSET( MQTTContext_t, retrieveFunction, 152 );
CHECK_OFFSET( MQTTContext_t, clearFunction, 160 );

/* core_mqtt_state.h */
CHECK_SIZE( MQTTStateCursor_t, 8 );

#endif /* LP64 */

/* backoff_algorithm.h: no pointers, so the same on every common ABI. */
CHECK_SIZE( BackoffAlgorithmContext_t, 16 );
CHECK_OFFSET( BackoffAlgorithmContext_t, maxBackoffDelay, 0 );
CHECK_OFFSET( BackoffAlgorithmContext_t, attemptsDone, 4 );
CHECK_OFFSET( BackoffAlgorithmContext_t, nextJitterMax, 8 );
CHECK_OFFSET( BackoffAlgorithmContext_t, maxRetryAttempts, 12 );

/* Enum values are ABI as well. */
_Static_assert( MQTTSuccess == 0 && MQTTNeedMoreBytes == 11, "MQTTStatus_t values" );
_Static_assert( MQTTStatusConnected == 12 && MQTTPublishRetrieveFailed == 16, "MQTTStatus_t values" );
_Static_assert( MQTTQoS0 == 0 && MQTTQoS1 == 1 && MQTTQoS2 == 2, "MQTTQoS_t values" );
_Static_assert( MQTTStateNull == 0 && MQTTPubCompPending == 9 && MQTTPublishDone == 10,
                "MQTTPublishState_t values" );
_Static_assert( MQTTPuback == 0 && MQTTPubcomp == 3, "MQTTPubAckType_t values" );
_Static_assert( MQTTSubAckFailure == 0x80, "MQTTSubAckStatus_t values" );
_Static_assert( MQTT_SEND == 0 && MQTT_RECEIVE == 1, "MQTTStateOperation_t values" );
_Static_assert( BackoffAlgorithmSuccess == 0 && BackoffAlgorithmRetriesExhausted == 1,
                "BackoffAlgorithmStatus_t values" );
_Static_assert( BACKOFF_ALGORITHM_RETRY_FOREVER == UINT32_MAX, "retry forever" );
_Static_assert( MQTT_STATE_CURSOR_INITIALIZER == 0, "cursor initializer" );

/* Packet type macros, usable in constant expressions such as case labels. */
_Static_assert( MQTT_PACKET_TYPE_CONNECT == 0x10 && MQTT_PACKET_TYPE_CONNACK == 0x20, "types" );
_Static_assert( MQTT_PACKET_TYPE_PUBLISH == 0x30 && MQTT_PACKET_TYPE_PUBACK == 0x40, "types" );
_Static_assert( MQTT_PACKET_TYPE_PUBREC == 0x50 && MQTT_PACKET_TYPE_PUBREL == 0x62, "types" );
_Static_assert( MQTT_PACKET_TYPE_PUBCOMP == 0x70 && MQTT_PACKET_TYPE_SUBSCRIBE == 0x82, "types" );
_Static_assert( MQTT_PACKET_TYPE_SUBACK == 0x90 && MQTT_PACKET_TYPE_UNSUBSCRIBE == 0xA2, "types" );
_Static_assert( MQTT_PACKET_TYPE_UNSUBACK == 0xB0 && MQTT_PACKET_TYPE_PINGREQ == 0xC0, "types" );
_Static_assert( MQTT_PACKET_TYPE_PINGRESP == 0xD0 && MQTT_PACKET_TYPE_DISCONNECT == 0xE0, "types" );
_Static_assert( MQTT_PUBLISH_ACK_PACKET_SIZE == 4, "ack size" );

int main( void )
{
    return 0;
}
