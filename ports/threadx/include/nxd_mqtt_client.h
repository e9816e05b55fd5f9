/*
 * rsmqtt: NetX Duo MQTT client API for a ThreadX application (the ThreadX
 * port of rsmqtt's NetX face).
 *
 * This header replaces NetX Duo's addons/mqtt/nxd_mqtt_client.h in an
 * application build. It is rsmqtt's own text; what it must share with the
 * original is the ABI: NXD_MQTT_CLIENT has the fields of NetX Duo 6.4.2, in
 * the same order and under the same configuration macros, so sizeof and every
 * offset match for the same build flags (CTest threadx/port/layout/...
 * checks this against the original). Status codes and MQTT_* constants have
 * the original values, because applications and tests compare against them.
 *
 * The ThreadX, NetX Duo and NetX Secure types come from the application's own
 * tx_api.h, nx_api.h and nx_secure_tls_api.h. The behaviour behind the
 * functions is rsmqtt's: the C glue ports/threadx/rsmqtt_nxd_mqtt_threadx.c,
 * compiled with the application's flags, calls ThreadX/NetX, and every MQTT
 * packet is encoded, decoded and validated by the Rust library
 * (include/rsmqtt_nxd_port.h).
 */
#ifndef RSMQTT_PORT_NXD_MQTT_CLIENT_H
#define RSMQTT_PORT_NXD_MQTT_CLIENT_H
/* Code that tests for the original's include guard finds it too. */
#ifndef _NXD_MQTT_CLIENT_H_
#define _NXD_MQTT_CLIENT_H_
#endif

#ifdef __cplusplus
extern "C" {
#endif

#include "nx_api.h"

#ifdef NX_SECURE_ENABLE
#include "nx_secure_tls_api.h"
#endif

#ifdef NXD_MQTT_CLOUD_ENABLE
#include "nx_cloud.h"
#endif

#if defined(NXD_MQTT_REQUIRE_TLS) && !defined(NX_SECURE_ENABLE)
#error "NXD_MQTT_REQUIRE_TLS needs NX_SECURE_ENABLE"
#endif

#ifdef NXD_MQTT_OVER_WEBSOCKET
#include "nx_websocket_client.h"
#endif

/* ---- configuration (each may be set by the application's build) -------- */

/* Sub-protocol name sent in the WebSocket upgrade. */
#define NXD_MQTT_OVER_WEBSOCKET_PROTOCOL "mqtt"

#ifndef NXD_MQTT_SECURE_MEMCPY
#define NXD_MQTT_SECURE_MEMCPY memcpy
#endif
#ifndef NXD_MQTT_SECURE_MEMCMP
#define NXD_MQTT_SECURE_MEMCMP memcmp
#endif
#ifndef NXD_MQTT_SECURE_MEMSET
#define NXD_MQTT_SECURE_MEMSET memset
#endif
#ifndef NXD_MQTT_SECURE_MEMMOVE
#define NXD_MQTT_SECURE_MEMMOVE memmove
#endif

/* TCP receive window of the client socket, bytes. */
#ifndef NXD_MQTT_CLIENT_SOCKET_WINDOW_SIZE
#define NXD_MQTT_CLIENT_SOCKET_WINDOW_SIZE 8192
#endif
/* Time slice of the client thread, ticks. */
#ifndef NXD_MQTT_CLIENT_THREAD_TIME_SLICE
#define NXD_MQTT_CLIENT_THREAD_TIME_SLICE 2
#endif
/* Period of the keep-alive timer, ticks. */
#ifndef NXD_MQTT_KEEPALIVE_TIMER_RATE
#define NXD_MQTT_KEEPALIVE_TIMER_RATE (NX_IP_PERIODIC_RATE)
#endif
/* How long a PINGREQ may stay unanswered before the client disconnects, ticks. */
#ifndef NXD_MQTT_PING_TIMEOUT_DELAY
#define NXD_MQTT_PING_TIMEOUT_DELAY (NX_IP_PERIODIC_RATE)
#endif
/* Sizes the original's demos use for their buffers (not limits of rsmqtt). */
#ifndef NXD_MQTT_MAX_TOPIC_NAME_LENGTH
#define NXD_MQTT_MAX_TOPIC_NAME_LENGTH 12
#endif
#ifndef NXD_MQTT_MAX_MESSAGE_LENGTH
#define NXD_MQTT_MAX_MESSAGE_LENGTH 32
#endif
/* First packet identifier after a CONNACK (0 is taken as 1). */
#ifndef NXD_MQTT_INITIAL_PACKET_ID_VALUE
#define NXD_MQTT_INITIAL_PACKET_ID_VALUE 1
#endif
/* Wait option of the TCP disconnect at the end of a connection. */
#ifndef NXD_MQTT_SOCKET_TIMEOUT
#define NXD_MQTT_SOCKET_TIMEOUT NX_WAIT_FOREVER
#endif

/* ---- MQTT 3.1.1 protocol constants --------------------------------------- */

#define NXD_MQTT_PORT                    1883
#define NXD_MQTT_TLS_PORT                8883
#define NXD_MQTT_OVER_WEBSOCKET_TLS_PORT 443
#define MQTT_PROTOCOL_LEVEL              4

#define MQTT_CONNECT_FLAGS_USERNAME      (1 << 7)
#define MQTT_CONNECT_FLAGS_PASSWORD      (1 << 6)
#define MQTT_CONNECT_FLAGS_WILL_RETAIN   (1 << 5)
#define MQTT_CONNECT_FLAGS_WILL_QOS_0    0
#define MQTT_CONNECT_FLAGS_WILL_QOS_1    (1 << 3)
#define MQTT_CONNECT_FLAGS_WILL_QOS_2    (2 << 3)
#define MQTT_CONNECT_FLAGS_WILL_FLAG     (1 << 2)
#define MQTT_CONNECT_FLAGS_CLEAN_SESSION (1 << 1)
#define MQTT_CONNECT_FLAGS_WILL_QOS_FIELD (3 << 3)

#define MQTT_CONNACK_CONNECT_FLAGS_SP                                  (1)
#define MQTT_CONNACK_CONNECT_RETURN_CODE_ACCEPTED                      (0)
#define MQTT_CONNACK_CONNECT_RETURN_CODE_UNACCEPTABLE_PROTOCOL_VERSION (1)
#define MQTT_CONNACK_CONNECT_RETURN_CODE_IDENTIFIER_REJECTED           (2)
#define MQTT_CONNACK_CONNECT_RETURN_CODE_SERVER_UNAVAILABLE            (3)
#define MQTT_CONNACK_CONNECT_RETURN_CODE_BAD_USERNAME_PASSWORD         (4)
#define MQTT_CONNACK_CONNECT_RETURN_CODE_NOT_AUTHORIZED                (5)

#define MQTT_PUBLISH_DUP_FLAG          (1 << 3)
#define MQTT_PUBLISH_QOS_LEVEL_0       (0)
#define MQTT_PUBLISH_QOS_LEVEL_1       (1 << 1)
#define MQTT_PUBLISH_QOS_LEVEL_2       (2 << 1)
#define MQTT_PUBLISH_QOS_LEVEL_FIELD   (3 << 1)
#define MQTT_PUBLISH_RETAIN            (1)

#define MQTT_CONTROL_PACKET_TYPE_FIELD 0xF0
#define MQTT_FIXED_HEADER_SIZE         2

#define MQTT_CONTROL_PACKET_TYPE_CONNECT     (1)
#define MQTT_CONTROL_PACKET_TYPE_CONNACK     (2)
#define MQTT_CONTROL_PACKET_TYPE_PUBLISH     (3)
#define MQTT_CONTROL_PACKET_TYPE_PUBACK      (4)
#define MQTT_CONTROL_PACKET_TYPE_PUBREC      (5)
#define MQTT_CONTROL_PACKET_TYPE_PUBREL      (6)
#define MQTT_CONTROL_PACKET_TYPE_PUBCOMP     (7)
#define MQTT_CONTROL_PACKET_TYPE_SUBSCRIBE   (8)
#define MQTT_CONTROL_PACKET_TYPE_SUBACK      (9)
#define MQTT_CONTROL_PACKET_TYPE_UNSUBSCRIBE (10)
#define MQTT_CONTROL_PACKET_TYPE_UNSUBACK    (11)
#define MQTT_CONTROL_PACKET_TYPE_PINGREQ     (12)
#define MQTT_CONTROL_PACKET_TYPE_PINGRESP    (13)
#define MQTT_CONTROL_PACKET_TYPE_DISCONNECT  (14)

/* Byte views of small packets (applications of the original use them). */
typedef struct MQTT_PACKET_CONNACK_STRUCT
{
    UCHAR mqtt_connack_packet_header;
    UCHAR mqtt_connack_packet_remaining_length;
    UCHAR mqtt_connack_packet_ack_flags;
    UCHAR mqtt_connack_packet_return_code;
} MQTT_PACKET_CONNACK;

typedef struct MQTT_PACKET_PUBLISH_STRUCT
{
    UCHAR mqtt_publish_packet_header;
    UCHAR mqtt_publish_packet_remaining_length;
} MQTT_PACKET_PUBLISH;

typedef struct MQTT_PACKET_PUBLISH_RESPONSE_STRUCT
{
    UCHAR mqtt_publish_response_packet_header;
    UCHAR mqtt_publish_response_packet_remaining_length;
    UCHAR mqtt_publish_response_packet_packet_identifier_msb;
    UCHAR mqtt_publish_response_packet_packet_identifier_lsb;
} MQTT_PACKET_PUBLISH_RESPONSE;

typedef struct MQTT_PACKET_SUBSCRIBE_STRUCT
{
    UCHAR mqtt_subscribe_packet_header;
    UCHAR mqtt_subscribe_packet_remaining_length;
    UCHAR mqtt_subscribe_packet_packet_identifier_msb;
    UCHAR mqtt_subscribe_packet_packet_identifier_lsb;
} MQTT_PACKET_SUBSCRIBE;

typedef struct MQTT_PACKET_PING_STRUCT
{
    UCHAR mqtt_ping_packet_header;
    UCHAR mqtt_ping_packet_remaining_length;
} MQTT_PACKET_PING;

typedef struct MQTT_PACKET_DISCONNECT_STRUCT
{
    UCHAR mqtt_disconnect_packet_header;
    UCHAR mqtt_disconnect_packet_remaining_length;
} MQTT_PACKET_DISCONNECT;

/* ---- client identity, states, status codes -------------------------------- */

#define NXD_MQTT_CLIENT_ID          0x4D515454 /* "MQTT" */
#define NXD_MQTT_CLIENT_NONTLS_PORT 1883
#define NXD_MQTT_CLIENT_TLS_PORT    8883

#define NXD_MQTT_CLIENT_STATE_INITIALIZE 0
#define NXD_MQTT_CLIENT_STATE_IDLE       1
#define NXD_MQTT_CLIENT_STATE_CONNECTING 2
#define NXD_MQTT_CLIENT_STATE_CONNECTED  3

#define NXD_MQTT_SUCCESS                     0x0
#define NXD_MQTT_ALREADY_CONNECTED           0x10001
#define NXD_MQTT_NOT_CONNECTED               0x10002
#define NXD_MQTT_MUTEX_FAILURE               0x10003
#define NXD_MQTT_INTERNAL_ERROR              0x10004
#define NXD_MQTT_CONNECT_FAILURE             0x10005
#define NXD_MQTT_PACKET_POOL_FAILURE         0x10006
#define NXD_MQTT_COMMUNICATION_FAILURE       0x10007
#define NXD_MQTT_SERVER_MESSAGE_FAILURE      0x10008
#define NXD_MQTT_INVALID_PARAMETER           0x10009
#define NXD_MQTT_NO_MESSAGE                  0x1000A
#define NXD_MQTT_PACKET_POOL_EMPTY           0x1000B
#define NXD_MQTT_QOS2_NOT_SUPPORTED          0x1000C
#define NXD_MQTT_INSUFFICIENT_BUFFER_SPACE   0x1000D
#define NXD_MQTT_CLIENT_NOT_RUNNING          0x1000E
#define NXD_MQTT_INVALID_PACKET              0x1000F
#define NXD_MQTT_PARTIAL_PACKET              0x10010
#define NXD_MQTT_CONNECTING                  0x10011
#define NXD_MQTT_INVALID_STATE               0x10012
/* A CONNACK refusal: NXD_MQTT_ERROR_CONNECT_RETURN_CODE + the return code. */
#define NXD_MQTT_ERROR_CONNECT_RETURN_CODE   0x10080
#define NXD_MQTT_ERROR_UNACCEPTABLE_PROTOCOL 0x10081
#define NXD_MQTT_ERROR_IDENTIFYIER_REJECTED  0x10082
#define NXD_MQTT_ERROR_SERVER_UNAVAILABLE    0x10083
#define NXD_MQTT_ERROR_BAD_USERNAME_PASSWORD 0x10084
#define NXD_MQTT_ERROR_NOT_AUTHORIZED        0x10085

/* ---- the control block ------------------------------------------------------ */

/*
 * One MQTT client. The application allocates it and passes it to every call;
 * rsmqtt owns its contents between nxd_mqtt_client_create and
 * nxd_mqtt_client_delete. Field order and conditionals are NetX Duo 6.4.2's
 * (the ABI), the use rsmqtt makes of each field is described next to it.
 */
typedef struct NXD_MQTT_CLIENT_STRUCT
{
    CHAR *nxd_mqtt_client_name;                    /* name of the thread, mutex, socket */
    CHAR *nxd_mqtt_client_id;                      /* client identifier (not copied) */
    UINT nxd_mqtt_client_id_length;
    CHAR *nxd_mqtt_client_username;                /* login_set, NULL for none */
    USHORT nxd_mqtt_client_username_length;
    CHAR *nxd_mqtt_client_password;
    USHORT nxd_mqtt_client_password_length;
    UCHAR nxd_mqtt_client_will_qos_retain;         /* will QoS in bits 0-1, 0x80 = retain */
    const UCHAR *nxd_mqtt_client_will_topic;       /* will_message_set, NULL for none */
    UINT nxd_mqtt_client_will_topic_length;
    const UCHAR *nxd_mqtt_client_will_message;
    UINT nxd_mqtt_client_will_message_length;
    NX_IP *nxd_mqtt_client_ip_ptr;                 /* the application's IP instance */
    NX_PACKET_POOL *nxd_mqtt_client_packet_pool_ptr; /* every packet rsmqtt sends comes from here */
    TX_MUTEX *nxd_mqtt_client_mutex_ptr;           /* = &nxd_mqtt_protection */
    TX_TIMER nxd_mqtt_timer;                       /* keep-alive timer */
#ifndef NXD_MQTT_CLOUD_ENABLE
    TX_MUTEX nxd_mqtt_protection;                  /* guards this block */
    TX_THREAD nxd_mqtt_thread;                     /* the client thread (caller's stack) */
    TX_EVENT_FLAGS_GROUP nxd_mqtt_events;          /* wakes the client thread */
#else
    NX_CLOUD *nxd_mqtt_client_cloud_ptr;
    NX_CLOUD nxd_mqtt_client_cloud;
    NX_CLOUD_MODULE nxd_mqtt_client_cloud_module;
#endif
    UINT nxd_mqtt_ping_timeout;                    /* ticks a PINGREQ may wait */
    UINT nxd_mqtt_ping_not_responded;              /* a PINGREQ is outstanding */
    UINT nxd_mqtt_ping_sent_time;                  /* tx_time_get() when it left */
    UINT nxd_mqtt_timeout;                         /* tick at which the next PINGREQ is due */
    UINT nxd_mqtt_timer_value;                     /* timer period, ticks */
    UINT nxd_mqtt_keepalive;                       /* keep alive, ticks (0: off) */
    UINT nxd_mqtt_clean_session;
    UINT nxd_mqtt_client_state;                    /* NXD_MQTT_CLIENT_STATE_* */
    NX_TCP_SOCKET nxd_mqtt_client_socket;          /* the connection */
    struct NXD_MQTT_CLIENT_STRUCT *nxd_mqtt_client_next;
    UINT nxd_mqtt_client_packet_identifier;        /* next packet identifier */
    NX_PACKET *nxd_mqtt_client_processing_packet;  /* start of an incomplete MQTT packet */
    NX_PACKET *message_transmit_queue_head;        /* packets waiting for an acknowledgement */
    NX_PACKET *message_transmit_queue_tail;
#ifdef NXD_MQTT_MAXIMUM_TRANSMIT_QUEUE_DEPTH
    UINT message_transmit_queue_depth;
#endif
    NX_PACKET *message_receive_queue_head;         /* received PUBLISH packets for message_get */
    NX_PACKET *message_receive_queue_tail;
    UINT message_receive_queue_depth;
    VOID (*nxd_mqtt_client_receive_notify)(struct NXD_MQTT_CLIENT_STRUCT *client_ptr, UINT number_of_messages);
    VOID (*nxd_mqtt_connect_notify)(struct NXD_MQTT_CLIENT_STRUCT *client_ptr, UINT status, VOID *context);
    VOID *nxd_mqtt_connect_context;
    VOID (*nxd_mqtt_disconnect_notify)(struct NXD_MQTT_CLIENT_STRUCT *client_ptr);
    UINT (*nxd_mqtt_packet_receive_notify)(struct NXD_MQTT_CLIENT_STRUCT *client_ptr, NX_PACKET *packet_ptr, VOID *context);
    VOID *nxd_mqtt_packet_receive_context;
    VOID (*nxd_mqtt_ack_receive_notify)(struct NXD_MQTT_CLIENT_STRUCT *client_ptr, UINT type, USHORT packet_id,
                                        NX_PACKET *transmit_packet_ptr, VOID *context);
    VOID *nxd_mqtt_ack_receive_context;
#ifdef NX_SECURE_ENABLE
    UINT nxd_mqtt_client_use_tls;                  /* set by secure_connect */
    UINT (*nxd_mqtt_tls_setup)(struct NXD_MQTT_CLIENT_STRUCT *, NX_SECURE_TLS_SESSION *,
                               NX_SECURE_X509_CERT *, NX_SECURE_X509_CERT *);
    NX_SECURE_X509_CERT nxd_mqtt_tls_certificate;  /* handed to the setup callback */
    NX_SECURE_X509_CERT nxd_mqtt_tls_trusted_certificate;
    NX_SECURE_TLS_SESSION nxd_mqtt_tls_session;    /* the application's NetX Secure session */
    UINT nxd_mqtt_tls_in_progress;                 /* non-blocking handshake under way */
#endif
#ifdef NXD_MQTT_OVER_WEBSOCKET
    UINT nxd_mqtt_client_use_websocket;
    NX_WEBSOCKET_CLIENT nxd_mqtt_client_websocket;
    UCHAR *nxd_mqtt_client_websocket_host;
    UINT nxd_mqtt_client_websocket_host_length;
    UCHAR *nxd_mqtt_client_websocket_uri_path;
    UINT nxd_mqtt_client_websocket_uri_path_length;
#endif
} NXD_MQTT_CLIENT;

/* ---- the API ------------------------------------------------------------------ */

/* Applications call nxd_mqtt_client_*; they map to the checking front-ends
   (_nxde_) unless NX_DISABLE_ERROR_CHECKING maps them to the services (_nxd_). */
#ifndef NXD_MQTT_CLIENT_SOURCE_CODE
#ifdef NX_DISABLE_ERROR_CHECKING
#define RSMQTT_NXD_API(name) _nxd_mqtt_client_##name
#else
#define RSMQTT_NXD_API(name) _nxde_mqtt_client_##name
#endif
#define nxd_mqtt_client_create                RSMQTT_NXD_API(create)
#define nxd_mqtt_client_login_set             RSMQTT_NXD_API(login_set)
#define nxd_mqtt_client_will_message_set      RSMQTT_NXD_API(will_message_set)
#define nxd_mqtt_client_delete                RSMQTT_NXD_API(delete)
#define nxd_mqtt_client_connect               RSMQTT_NXD_API(connect)
#define nxd_mqtt_client_secure_connect        RSMQTT_NXD_API(secure_connect)
#define nxd_mqtt_client_publish               RSMQTT_NXD_API(publish)
#define nxd_mqtt_client_subscribe             RSMQTT_NXD_API(subscribe)
#define nxd_mqtt_client_unsubscribe           RSMQTT_NXD_API(unsubscribe)
#define nxd_mqtt_client_disconnect            RSMQTT_NXD_API(disconnect)
#define nxd_mqtt_client_receive_notify_set    RSMQTT_NXD_API(receive_notify_set)
#define nxd_mqtt_client_message_get           RSMQTT_NXD_API(message_get)
#define nxd_mqtt_client_disconnect_notify_set RSMQTT_NXD_API(disconnect_notify_set)
#ifdef NXD_MQTT_OVER_WEBSOCKET
#define nxd_mqtt_client_websocket_set         RSMQTT_NXD_API(websocket_set)
#endif
#endif /* NXD_MQTT_CLIENT_SOURCE_CODE */

/* Both families are declared: the services and the checking front-ends. */
#define RSMQTT_NXD_DECLARE(prefix)                                                                          \
    UINT prefix##create(NXD_MQTT_CLIENT *client_ptr, CHAR *client_name, CHAR *client_id,                    \
                        UINT client_id_length, NX_IP *ip_ptr, NX_PACKET_POOL *pool_ptr, VOID *stack_ptr,    \
                        ULONG stack_size, UINT mqtt_thread_priority, VOID *memory_ptr, ULONG memory_size);  \
    UINT prefix##connect(NXD_MQTT_CLIENT *client_ptr, NXD_ADDRESS *server_ip, UINT server_port,             \
                         UINT keepalive, UINT clean_session, ULONG wait_option);                            \
    UINT prefix##login_set(NXD_MQTT_CLIENT *client_ptr, CHAR *username, UINT username_length,               \
                           CHAR *password, UINT password_length);                                           \
    UINT prefix##will_message_set(NXD_MQTT_CLIENT *client_ptr, const UCHAR *will_topic,                     \
                                  UINT will_topic_length, const UCHAR *will_message,                        \
                                  UINT will_message_length, UINT will_retain_flag, UINT will_QoS);          \
    UINT prefix##publish(NXD_MQTT_CLIENT *client_ptr, CHAR *topic_name, UINT topic_name_length,             \
                         CHAR *message, UINT message_length, UINT retain, UINT QoS, ULONG wait_option);     \
    UINT prefix##subscribe(NXD_MQTT_CLIENT *client_ptr, CHAR *topic_name, UINT topic_name_length, UINT QoS); \
    UINT prefix##unsubscribe(NXD_MQTT_CLIENT *client_ptr, CHAR *topic_name, UINT topic_name_length);        \
    UINT prefix##receive_notify_set(NXD_MQTT_CLIENT *client_ptr,                                            \
                                    VOID (*receive_notify)(NXD_MQTT_CLIENT *client_ptr, UINT count));       \
    UINT prefix##message_get(NXD_MQTT_CLIENT *client_ptr, UCHAR *topic_buffer, UINT topic_buffer_size,      \
                             UINT *actual_topic_length, UCHAR *message_buffer, UINT message_buffer_size,    \
                             UINT *actual_message_length);                                                  \
    UINT prefix##disconnect(NXD_MQTT_CLIENT *client_ptr);                                                   \
    UINT prefix##delete(NXD_MQTT_CLIENT *client_ptr);                                                       \
    UINT prefix##disconnect_notify_set(NXD_MQTT_CLIENT *client_ptr,                                         \
                                       VOID (*disconnect_notify)(NXD_MQTT_CLIENT *client_ptr));
RSMQTT_NXD_DECLARE(_nxd_mqtt_client_)
RSMQTT_NXD_DECLARE(_nxde_mqtt_client_)
#undef RSMQTT_NXD_DECLARE

#ifdef NX_SECURE_ENABLE
/* tls_setup is called with the control block's session and certificates
   before the TCP connection; it configures NetX Secure (crypto table,
   metadata, trusted certificates, ...) and returns NX_SUCCESS to go on. */
typedef UINT (*RSMQTT_NXD_TLS_SETUP)(NXD_MQTT_CLIENT *client_ptr, NX_SECURE_TLS_SESSION *session,
                                     NX_SECURE_X509_CERT *certificate, NX_SECURE_X509_CERT *trusted_certificate);
UINT _nxd_mqtt_client_secure_connect(NXD_MQTT_CLIENT *client_ptr, NXD_ADDRESS *server_ip, UINT server_port,
                                     RSMQTT_NXD_TLS_SETUP tls_setup, UINT keepalive, UINT clean_session,
                                     ULONG wait_option);
UINT _nxde_mqtt_client_secure_connect(NXD_MQTT_CLIENT *client_ptr, NXD_ADDRESS *server_ip, UINT server_port,
                                      RSMQTT_NXD_TLS_SETUP tls_setup, UINT keepalive, UINT clean_session,
                                      ULONG wait_option);
#endif

#ifdef NXD_MQTT_OVER_WEBSOCKET
/* Declared for source compatibility; rsmqtt's port does not carry MQTT over
   WebSocket and returns NXD_MQTT_INVALID_PARAMETER. */
UINT _nxd_mqtt_client_websocket_set(NXD_MQTT_CLIENT *client_ptr, UCHAR *host, UINT host_length,
                                    UCHAR *uri_path, UINT uri_path_length);
UINT _nxde_mqtt_client_websocket_set(NXD_MQTT_CLIENT *client_ptr, UCHAR *host, UINT host_length,
                                     UCHAR *uri_path, UINT uri_path_length);
#endif

/* Helpers of the original that white-box tests call: the fixed header of a
   packet being built, and the remaining length of a received one. */
UINT _nxd_mqtt_client_set_fixed_header(NXD_MQTT_CLIENT *client_ptr, NX_PACKET *packet_ptr, UCHAR control_header,
                                       UINT length, UINT wait_option);
UINT _nxd_mqtt_read_remaining_length(NX_PACKET *packet_ptr, UINT *remaining_length, ULONG *offset_ptr);

#ifdef __cplusplus
}
#endif
#endif /* RSMQTT_PORT_NXD_MQTT_CLIENT_H */
