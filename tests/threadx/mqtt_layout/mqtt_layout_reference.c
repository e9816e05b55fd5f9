/*
 * The layout of NetX Duo 6.4.2's original NXD_MQTT_CLIENT (addons/mqtt/
 * nxd_mqtt_client.h, compiled against the real ThreadX and NetX Duo headers)
 * for one configuration: sizeof, then offset and size of every field, in
 * declaration order, one per line. A ThreadX port of rsmqtt's NetX face must
 * print the same lines for the same configuration; CTest compares this
 * program's output with the committed expected_<config>.txt, so a change of
 * upstream headers or compiler ABI shows up as a test failure too.
 *
 * The configuration comes from the compile definitions (NX_SECURE_ENABLE,
 * NXD_MQTT_REQUIRE_TLS, NXD_MQTT_CLOUD_ENABLE, NXD_MQTT_OVER_WEBSOCKET,
 * NXD_MQTT_MAXIMUM_TRANSMIT_QUEUE_DEPTH, TX_INCLUDE_USER_DEFINE_FILE) and
 * its name from LAYOUT_CONFIG.
 */
#include <stddef.h>
#include <stdio.h>

#include "nxd_mqtt_client.h"

#ifndef LAYOUT_CONFIG
#define LAYOUT_CONFIG "unnamed"
#endif

#define FIELD(name) \
    printf("%-42s %5u %5u\n", #name, (unsigned)offsetof(NXD_MQTT_CLIENT, name), \
           (unsigned)sizeof(((NXD_MQTT_CLIENT *)0)->name))

int main(void)
{
    printf("config %s\n", LAYOUT_CONFIG);
    printf("pointer %u ULONG %u\n", (unsigned)sizeof(void *), (unsigned)sizeof(ULONG));
    printf("sizeof(NXD_MQTT_CLIENT) %u\n", (unsigned)sizeof(NXD_MQTT_CLIENT));
    printf("sizeof(TX_THREAD) %u sizeof(NX_TCP_SOCKET) %u\n", (unsigned)sizeof(TX_THREAD),
           (unsigned)sizeof(NX_TCP_SOCKET));
#ifdef NX_SECURE_ENABLE
    printf("sizeof(NX_SECURE_TLS_SESSION) %u sizeof(NX_SECURE_X509_CERT) %u\n",
           (unsigned)sizeof(NX_SECURE_TLS_SESSION), (unsigned)sizeof(NX_SECURE_X509_CERT));
#endif
    printf("%-42s %5s %5s\n", "field", "off", "size");
    FIELD(nxd_mqtt_client_name);
    FIELD(nxd_mqtt_client_id);
    FIELD(nxd_mqtt_client_id_length);
    FIELD(nxd_mqtt_client_username);
    FIELD(nxd_mqtt_client_username_length);
    FIELD(nxd_mqtt_client_password);
    FIELD(nxd_mqtt_client_password_length);
    FIELD(nxd_mqtt_client_will_qos_retain);
    FIELD(nxd_mqtt_client_will_topic);
    FIELD(nxd_mqtt_client_will_topic_length);
    FIELD(nxd_mqtt_client_will_message);
    FIELD(nxd_mqtt_client_will_message_length);
    FIELD(nxd_mqtt_client_ip_ptr);
    FIELD(nxd_mqtt_client_packet_pool_ptr);
    FIELD(nxd_mqtt_client_mutex_ptr);
    FIELD(nxd_mqtt_timer);
#ifndef NXD_MQTT_CLOUD_ENABLE
    FIELD(nxd_mqtt_protection);
    FIELD(nxd_mqtt_thread);
    FIELD(nxd_mqtt_events);
#else
    FIELD(nxd_mqtt_client_cloud_ptr);
    FIELD(nxd_mqtt_client_cloud);
    FIELD(nxd_mqtt_client_cloud_module);
#endif
    FIELD(nxd_mqtt_ping_timeout);
    FIELD(nxd_mqtt_ping_not_responded);
    FIELD(nxd_mqtt_ping_sent_time);
    FIELD(nxd_mqtt_timeout);
    FIELD(nxd_mqtt_timer_value);
    FIELD(nxd_mqtt_keepalive);
    FIELD(nxd_mqtt_clean_session);
    FIELD(nxd_mqtt_client_state);
    FIELD(nxd_mqtt_client_socket);
    FIELD(nxd_mqtt_client_next);
    FIELD(nxd_mqtt_client_packet_identifier);
    FIELD(nxd_mqtt_client_processing_packet);
    FIELD(message_transmit_queue_head);
    FIELD(message_transmit_queue_tail);
#ifdef NXD_MQTT_MAXIMUM_TRANSMIT_QUEUE_DEPTH
    FIELD(message_transmit_queue_depth);
#endif
    FIELD(message_receive_queue_head);
    FIELD(message_receive_queue_tail);
    FIELD(message_receive_queue_depth);
    FIELD(nxd_mqtt_client_receive_notify);
    FIELD(nxd_mqtt_connect_notify);
    FIELD(nxd_mqtt_connect_context);
    FIELD(nxd_mqtt_disconnect_notify);
    FIELD(nxd_mqtt_packet_receive_notify);
    FIELD(nxd_mqtt_packet_receive_context);
    FIELD(nxd_mqtt_ack_receive_notify);
    FIELD(nxd_mqtt_ack_receive_context);
#ifdef NX_SECURE_ENABLE
    FIELD(nxd_mqtt_client_use_tls);
    FIELD(nxd_mqtt_tls_setup);
    FIELD(nxd_mqtt_tls_certificate);
    FIELD(nxd_mqtt_tls_trusted_certificate);
    FIELD(nxd_mqtt_tls_session);
    FIELD(nxd_mqtt_tls_in_progress);
#endif
#ifdef NXD_MQTT_OVER_WEBSOCKET
    FIELD(nxd_mqtt_client_use_websocket);
    FIELD(nxd_mqtt_client_websocket);
    FIELD(nxd_mqtt_client_websocket_host);
    FIELD(nxd_mqtt_client_websocket_host_length);
    FIELD(nxd_mqtt_client_websocket_uri_path);
    FIELD(nxd_mqtt_client_websocket_uri_path_length);
#endif
    return 0;
}
