/*
 * threadx/port/mosquitto_qos012: rsmqtt's ThreadX port of the NetX face in a
 * ThreadX (Linux port) + NetX Duo program whose only network is
 * tests/threadx/driver/nx_af_packet_driver.c on veth1, against a real
 * Mosquitto on the Linux end of the pair (scripts/netns-run.sh).
 *
 * It connects with a 2 s keep-alive, subscribes at QoS 2, publishes at QoS
 * 0, 1 and 2 and checks each message comes back (topic, payload, count);
 * then stays idle for 5 s, longer than Mosquitto's 1.5 x keep-alive limit,
 * and does it again, which works only if the client's PINGREQs kept the
 * connection; then disconnects, deletes the client and checks that every
 * pool packet is back.
 *
 *   port_mosquitto_qos012 BROKER_IPV4 PORT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx_api.h"
#include "nx_api.h"
#include "nxd_mqtt_client.h"
#include "nx_af_packet_driver.h"
#include "netx_test_support.h"

#define NETX_ADDRESS IP_ADDRESS(192, 168, 1, 2)
#define SECONDS(s) ((ULONG)(s) * TX_TIMER_TICKS_PER_SECOND)
#define POOL_PACKETS 64
#define PAYLOAD_SIZE 1536
#define EV_MESSAGE 1u

static NX_PACKET_POOL pool;
static NX_IP ip;
static NXD_MQTT_CLIENT client;
static TX_THREAD app_thread;
static TX_EVENT_FLAGS_GROUP app_events;
static UCHAR pool_memory[POOL_PACKETS * (PAYLOAD_SIZE + sizeof(NX_PACKET))];
static ULONG ip_stack[4096 / sizeof(ULONG)];
static ULONG arp_cache[1024 / sizeof(ULONG)];
static ULONG app_stack[16384 / sizeof(ULONG)];
static ULONG mqtt_stack[16384 / sizeof(ULONG)];
static ULONG server_address;
static UINT server_port;

static void fail(const char *what, UINT status)
{
    printf("FAIL: %s (status 0x%X)\n", what, status);
    exit(1);
}

static VOID on_message(NXD_MQTT_CLIENT *c, UINT count)
{
    (void)c;
    (void)count;
    tx_event_flags_set(&app_events, EV_MESSAGE, TX_OR);
}

/* Publishes one message per QoS and reads each back from the subscription. */
static void round_trip(const char *round)
{
    UINT qos;
    for (qos = 0; qos <= 2; qos++)
    {
        char topic[64], payload[64], got_topic[64], got_payload[64];
        UINT topic_len, payload_len, status;
        ULONG events;
        snprintf(topic, sizeof topic, "rsmqtt/port/%s/qos%u", round, qos);
        snprintf(payload, sizeof payload, "message %s at QoS %u", round, qos);
        status = nxd_mqtt_client_publish(&client, topic, (UINT)strlen(topic), payload, (UINT)strlen(payload), 0, qos,
                                         SECONDS(5));
        if (status != NXD_MQTT_SUCCESS)
        {
            fail("nxd_mqtt_client_publish", status);
        }
        for (;;)
        {
            status = nxd_mqtt_client_message_get(&client, (UCHAR *)got_topic, sizeof got_topic, &topic_len,
                                                 (UCHAR *)got_payload, sizeof got_payload, &payload_len);
            if (status == NXD_MQTT_SUCCESS)
            {
                break;
            }
            if (status != NXD_MQTT_NO_MESSAGE)
            {
                fail("nxd_mqtt_client_message_get", status);
            }
            status = tx_event_flags_get(&app_events, EV_MESSAGE, TX_OR_CLEAR, &events, SECONDS(10));
            if (status != TX_SUCCESS)
            {
                fail("no message came back within 10 s", status);
            }
        }
        if (topic_len != strlen(topic) || memcmp(got_topic, topic, topic_len) != 0 ||
            payload_len != strlen(payload) || memcmp(got_payload, payload, payload_len) != 0)
        {
            fail("the message that came back differs", 0);
        }
        printf("%s: QoS %u round trip ok\n", round, qos);
    }
    /* Each QoS 1/2 exchange is complete: nothing waits for an acknowledgement
       and nothing else is queued for the application. */
    tx_thread_sleep(SECONDS(1) / 2);
    if (client.message_transmit_queue_head != NX_NULL || client.message_receive_queue_depth != 0)
    {
        fail("exchanges left queued", 0);
    }
}

static void app_entry(ULONG unused)
{
    NXD_ADDRESS broker;
    ULONG link;
    UINT status;
    (void)unused;

    status = nx_ip_status_check(&ip, NX_IP_LINK_ENABLED, &link, SECONDS(5));
    if (status != NX_SUCCESS)
    {
        fail("link not enabled", status);
    }
    status = nxd_mqtt_client_create(&client, "rsmqtt-port", "rsmqtt-threadx-port", 19, &ip, &pool, mqtt_stack,
                                    sizeof mqtt_stack, 3, NX_NULL, 0);
    if (status != NXD_MQTT_SUCCESS)
    {
        fail("nxd_mqtt_client_create", status);
    }
    nxd_mqtt_client_receive_notify_set(&client, on_message);
    broker.nxd_ip_version = NX_IP_VERSION_V4;
    broker.nxd_ip_address.v4 = server_address;
    status = nxd_mqtt_client_connect(&client, &broker, server_port, 2, NX_TRUE, SECONDS(10));
    if (status != NXD_MQTT_SUCCESS)
    {
        fail("nxd_mqtt_client_connect", status);
    }
    printf("connected\n");
    status = nxd_mqtt_client_subscribe(&client, "rsmqtt/port/#", 13, 2);
    if (status != NXD_MQTT_SUCCESS)
    {
        fail("nxd_mqtt_client_subscribe", status);
    }
    tx_thread_sleep(SECONDS(1) / 2);
    round_trip("first");

    /* Idle past Mosquitto's keep-alive limit (1.5 x 2 s). */
    tx_thread_sleep(SECONDS(5));
    if (client.nxd_mqtt_client_state != NXD_MQTT_CLIENT_STATE_CONNECTED)
    {
        fail("the connection was lost while idle: no keep-alive", client.nxd_mqtt_client_state);
    }
    round_trip("after-idle");

    status = nxd_mqtt_client_disconnect(&client);
    if (status != NXD_MQTT_SUCCESS)
    {
        fail("nxd_mqtt_client_disconnect", status);
    }
    status = nxd_mqtt_client_delete(&client);
    if (status != NXD_MQTT_SUCCESS)
    {
        fail("nxd_mqtt_client_delete", status);
    }
    tx_thread_sleep(SECONDS(1) / 2);
    if (pool.nx_packet_pool_available != pool.nx_packet_pool_total)
    {
        netx_test_packets_in_use_print(&pool, &ip, &client.nxd_mqtt_client_socket, NX_NULL, NX_NULL);
        fail("packets leaked", 0);
    }
    printf("PASS: QoS 0/1/2 both ways, keep-alive, no packet leaked\n");
    exit(0);
}

void tx_application_define(void *first_unused_memory)
{
    UINT status;
    (void)first_unused_memory;

    nx_system_initialize();
    status = nx_packet_pool_create(&pool, "pool", PAYLOAD_SIZE, pool_memory, sizeof pool_memory);
    if (status == NX_SUCCESS)
    {
        status = nx_ip_create(&ip, "ip", NETX_ADDRESS, 0xFFFFFF00UL, &pool, nx_af_packet_driver, ip_stack,
                              sizeof ip_stack, 1);
    }
    if (status == NX_SUCCESS)
    {
        status = netx_test_ip_services_enable(&ip, arp_cache, sizeof arp_cache);
    }
    if (status != NX_SUCCESS)
    {
        fail("NetX setup", status);
    }
    if (tx_event_flags_create(&app_events, "app") != TX_SUCCESS ||
        tx_thread_create(&app_thread, "app", app_entry, 0, app_stack, sizeof app_stack, 4, 4, TX_NO_TIME_SLICE,
                         TX_AUTO_START) != TX_SUCCESS)
    {
        fail("ThreadX setup", 0);
    }
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!netx_test_server_args(argc, argv, &server_address, &server_port))
    {
        return 2;
    }
    tx_kernel_enter();
    return 1;
}
