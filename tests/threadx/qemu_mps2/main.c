/*
 * ThreadX + NetX Duo firmware for QEMU's mps2-an385 (Cortex-M3) with
 * rsmqtt's ThreadX port of the NetX Duo MQTT client (nxd_mqtt_client_*,
 * the Rust codec built for thumbv7m-none-eabi), over our LAN9118 driver
 * (nx_lan9118_driver.c), printing over UART0.
 *
 * It connects to the broker on the host (QEMU's user networking shows the
 * host's 127.0.0.1 to the guest as 10.0.2.2; the port comes from the
 * semihosting command line, `-semihosting-config ...,arg=mps2,arg=PORT`),
 * subscribes to rsmqtt/mps2-threadx/# at QoS 2, publishes one message at
 * QoS 0, 1 and 2 and receives each back exactly once (receive notify +
 * message_get), checks that the QoS 1 and 2 exchanges completed (PUBACK,
 * PUBREC/PUBREL/PUBCOMP: nothing left in the transmit queue), unsubscribes
 * and checks that a further publish no longer comes back, disconnects,
 * deletes the client and checks that every pool packet is back. The verdict
 * is the semihosting exit status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx_api.h"
#include "nx_api.h"
#include "nxd_mqtt_client.h"
#ifdef MPS2_MTLS
#include "nx_secure_tls_api.h"
#endif
#include "board.h"
#include "nx_lan9118_driver.h"
#include "netx_test_support.h"

#define GUEST_ADDRESS IP_ADDRESS(10, 0, 2, 15)
#define GUEST_MASK 0xFFFFFF00UL
#define GATEWAY_ADDRESS IP_ADDRESS(10, 0, 2, 2) /* QEMU slirp: the host */
#define BROKER_ADDRESS GATEWAY_ADDRESS
#define CLIENT_ID "rsmqtt-mps2-threadx"
#define TOPIC_PREFIX "rsmqtt/mps2-threadx/"
#define TOPIC_FILTER TOPIC_PREFIX "#"

#define SECONDS(s) ((ULONG)(s) * TX_TIMER_TICKS_PER_SECOND)
#define POOL_PACKETS 24u
#define POOL_PAYLOAD 1536u /* a full Ethernet frame, two bytes in, with its CRC */
/* The MQTT client's own pool, of small packets: an MQTT packet longer than
   one becomes a chain, which NetX hands to the driver as it is when it fits
   in a TCP segment (the driver sends each buffer as one FIFO segment). */
#define MQTT_POOL_PACKETS 48u
#define MQTT_POOL_PAYLOAD 256u
#define EV_MESSAGE 1u
/* The whole run takes a few seconds; a hang ends here, not at the test's
   timeout. */
#define WATCHDOG_SECONDS 45u

/* Priorities: the driver's receive thread 1, IP 2, MQTT client 3, app 4. */
#define IP_PRIORITY 2u
#define MQTT_PRIORITY 3u
#define APP_PRIORITY 4u

static NX_PACKET_POOL pool;
static NX_PACKET_POOL mqtt_pool;
static NX_IP ip;
static NXD_MQTT_CLIENT client;
static TX_THREAD app_thread;
static TX_EVENT_FLAGS_GROUP app_events;
static TX_TIMER watchdog;
static UCHAR pool_memory[POOL_PACKETS * (POOL_PAYLOAD + sizeof(NX_PACKET))] __attribute__((aligned(4)));
static UCHAR mqtt_pool_memory[MQTT_POOL_PACKETS * (MQTT_POOL_PAYLOAD + sizeof(NX_PACKET))] __attribute__((aligned(4)));
static ULONG ip_stack[2048 / sizeof(ULONG)];
static ULONG arp_cache[512 / sizeof(ULONG)];
/* The same in the mutual-TLS image: NetX Crypto keeps its ECC work in the
   session's metadata, not on the stack (the high-water marks show it). */
static ULONG app_stack[4096 / sizeof(ULONG)];
static ULONG mqtt_stack[4096 / sizeof(ULONG)];
static UINT broker_port;

static const char *const payloads[3] = {
    "QoS 0 from ThreadX on a Cortex-M3",
    "QoS 1 from ThreadX on a Cortex-M3",
    "QoS 2 from ThreadX on a Cortex-M3",
};
static UINT received_count[3];

static void print_driver_stats(void)
{
    NX_LAN9118_STATS stats;
    nx_lan9118_driver_stats(&stats);
    printf("lan9118: %lu frames sent (%lu from packet chains), %lu received, %lu ignored, %lu errors, "
           "%lu dropped (no packet), %lu send errors, %lu interrupts, at most %lu frames read per interrupt\r\n",
           stats.frames_sent, stats.frames_sent_chained, stats.frames_received, stats.frames_ignored,
           stats.receive_errors, stats.receive_no_packet, stats.send_errors, stats.interrupts,
           stats.most_frames_per_wakeup);
}


static void finish(int passed)
{
    if (!passed)
    {
        print_driver_stats();
#ifdef MPS2_MTLS
        NX_PACKET *tls_records = client.nxd_mqtt_tls_session.nx_secure_record_queue_header;
        NX_PACKET *tls_decrypted = client.nxd_mqtt_tls_session.nx_secure_record_decrypted_packet;
#else
        NX_PACKET *tls_records = NX_NULL, *tls_decrypted = NX_NULL;
#endif
        netx_test_packets_in_use_print(&pool, &ip, &client.nxd_mqtt_client_socket, tls_records, tls_decrypted);
        netx_test_packets_in_use_print(&mqtt_pool, &ip, &client.nxd_mqtt_client_socket, tls_records,
                                       tls_decrypted);
        printf("packet pools: IP %lu of %lu packets free, MQTT %lu of %lu\r\n", pool.nx_packet_pool_available,
               pool.nx_packet_pool_total, mqtt_pool.nx_packet_pool_available, mqtt_pool.nx_packet_pool_total);
    }
    printf("RESULT: %s\r\n", passed ? "PASS" : "FAIL");
    board_exit(passed ? 0 : 1);
}

static void fail(const char *what, UINT status)
{
    printf("ERROR: %s (status 0x%X)\r\n", what, status);
    finish(0);
}

static VOID watchdog_expired(ULONG unused)
{
    (void)unused;
    printf("ERROR: still running after %u s\r\n", WATCHDOG_SECONDS);
    finish(0);
}

static VOID on_message(NXD_MQTT_CLIENT *c, UINT count)
{
    (void)c;
    (void)count;
    tx_event_flags_set(&app_events, EV_MESSAGE, TX_OR);
}

#ifdef MPS2_MTLS
/* Mutual TLS with the broker's test PKI (scripts/broker.sh: P-256 keys):
   NetX Secure with its ECC cipher table. The DER files are read from the
   host through semihosting before ThreadX starts. */
extern const NX_SECURE_TLS_CRYPTO nx_crypto_tls_ciphers_ecc;
extern const USHORT nx_crypto_ecc_supported_groups[];
extern const NX_CRYPTO_METHOD *nx_crypto_ecc_curves[];
extern const UINT nx_crypto_ecc_supported_groups_size;

static ULONG tls_metadata[32768 / sizeof(ULONG)];
static UCHAR tls_record_buffer[16 * 1024 + 512];
static NX_SECURE_X509_CERT remote_certs[2];
static UCHAR remote_cert_buffers[2][2048];
static UCHAR ca_der[2048], client_der[2048], client_key_der[512];
static USHORT ca_length, client_length, client_key_length;

static USHORT pki_file(const char *directory, const char *name, UCHAR *buffer, size_t size)
{
    char path[200];
    long length;
    snprintf(path, sizeof path, "%s/%s", directory, name);
    length = board_file_read(path, buffer, size);
    if (length <= 0)
    {
        printf("ERROR: cannot read %s through semihosting\r\n", path);
        finish(0);
    }
    return (USHORT)length;
}

static UINT tls_setup(NXD_MQTT_CLIENT *client_ptr, NX_SECURE_TLS_SESSION *session,
                      NX_SECURE_X509_CERT *certificate, NX_SECURE_X509_CERT *trusted_certificate)
{
    ULONG metadata_size;
    UINT status, i;

    (void)client_ptr;
    nx_secure_tls_initialize();
    status = nx_secure_tls_metadata_size_calculate(&nx_crypto_tls_ciphers_ecc, &metadata_size);
    if (status != NX_SUCCESS || metadata_size > sizeof tls_metadata)
    {
        printf("ERROR: TLS metadata needs %lu bytes (status 0x%X)\r\n", metadata_size, status);
        return status != NX_SUCCESS ? status : NX_SIZE_ERROR;
    }
    status = nx_secure_tls_session_create(session, &nx_crypto_tls_ciphers_ecc, tls_metadata, sizeof tls_metadata);
    if (status == NX_SUCCESS)
    {
        status = nx_secure_tls_ecc_initialize(session, nx_crypto_ecc_supported_groups,
                                              (USHORT)nx_crypto_ecc_supported_groups_size, nx_crypto_ecc_curves);
    }
    if (status == NX_SUCCESS)
    {
        status = nx_secure_tls_session_packet_buffer_set(session, tls_record_buffer, sizeof tls_record_buffer);
    }
    for (i = 0; i < 2u && status == NX_SUCCESS; i++)
    {
        memset(&remote_certs[i], 0, sizeof remote_certs[i]);
        status = nx_secure_tls_remote_certificate_allocate(session, &remote_certs[i], remote_cert_buffers[i],
                                                           sizeof remote_cert_buffers[i]);
    }
    if (status == NX_SUCCESS)
    {
        status = nx_secure_x509_certificate_initialize(trusted_certificate, ca_der, ca_length, NX_NULL, 0, NX_NULL,
                                                       0, NX_SECURE_X509_KEY_TYPE_NONE);
    }
    if (status == NX_SUCCESS)
    {
        status = nx_secure_tls_trusted_certificate_add(session, trusted_certificate);
    }
    if (status == NX_SUCCESS)
    {
        status = nx_secure_x509_certificate_initialize(certificate, client_der, client_length, NX_NULL, 0,
                                                       client_key_der, client_key_length,
                                                       NX_SECURE_X509_KEY_TYPE_EC_DER);
    }
    if (status == NX_SUCCESS)
    {
        status = nx_secure_tls_local_certificate_add(session, certificate);
    }
    if (status != NX_SUCCESS)
    {
        printf("ERROR: TLS setup (status 0x%X)\r\n", status);
    }
    return status;
}
#endif

/* The QoS a test topic stands for, from its last character. */
static int topic_qos(const char *topic, UINT length)
{
    static const char prefix[] = TOPIC_PREFIX "qos";
    if (length != sizeof prefix || memcmp(topic, prefix, sizeof prefix - 1u) != 0 || topic[length - 1u] < '0' ||
        topic[length - 1u] > '2')
    {
        return -1;
    }
    return topic[length - 1u] - '0';
}

/* Waits up to `seconds` for one message; returns NXD_MQTT_NO_MESSAGE when
   none came. The message's QoS (from its topic) goes to *qos. */
static UINT message_wait(ULONG seconds, int *qos)
{
    char topic[64], payload[64];
    UINT topic_length, payload_length, status;
    ULONG events;
    ULONG deadline = tx_time_get() + SECONDS(seconds);

    for (;;)
    {
        status = nxd_mqtt_client_message_get(&client, (UCHAR *)topic, sizeof topic - 1u, &topic_length,
                                             (UCHAR *)payload, sizeof payload - 1u, &payload_length);
        if (status == NXD_MQTT_SUCCESS)
        {
            break;
        }
        if (status != NXD_MQTT_NO_MESSAGE)
        {
            fail("nxd_mqtt_client_message_get", status);
        }
        if ((LONG)(deadline - tx_time_get()) <= 0)
        {
            return NXD_MQTT_NO_MESSAGE;
        }
        (void)tx_event_flags_get(&app_events, EV_MESSAGE, TX_OR_CLEAR, &events, deadline - tx_time_get());
    }
    topic[topic_length] = '\0';
    payload[payload_length] = '\0';
    *qos = topic_qos(topic, topic_length);
    if (*qos < 0 || payload_length != strlen(payloads[*qos]) || memcmp(payload, payloads[*qos], payload_length) != 0)
    {
        printf("ERROR: unexpected message on %s: \"%s\"\r\n", topic, payload);
        finish(0);
    }
    received_count[*qos]++;
    printf("received QoS %d on %s: \"%s\"\r\n", *qos, topic, payload);
    return NXD_MQTT_SUCCESS;
}

/* Waits until every QoS 1/2 exchange is complete: the client keeps a
   PUBLISH (then a PUBREL) in its transmit queue until PUBACK (PUBCOMP). */
static UINT transmit_queue_drained(ULONG seconds)
{
    ULONG deadline = tx_time_get() + SECONDS(seconds);
    while (client.message_transmit_queue_head != NX_NULL)
    {
        if ((LONG)(deadline - tx_time_get()) <= 0)
        {
            return NX_FALSE;
        }
        tx_thread_sleep(1);
    }
    return NX_TRUE;
}

static void publish(UINT qos, const char *payload)
{
    char topic[32];
    UINT status;
    snprintf(topic, sizeof topic, TOPIC_PREFIX "qos%u", qos);
    status = nxd_mqtt_client_publish(&client, topic, (UINT)strlen(topic), (CHAR *)payload, (UINT)strlen(payload),
                                     NX_FALSE, qos, SECONDS(5));
    if (status != NXD_MQTT_SUCCESS)
    {
        fail("nxd_mqtt_client_publish", status);
    }
}

/* A QoS 1 message larger than a pool packet and than a TCP segment: sent
   as a packet chain, it comes back split over several segments that the
   client puts together. */
#define LARGE_TOPIC TOPIC_PREFIX "large"
#define LARGE_SIZE 4000u
static UCHAR large_out[LARGE_SIZE];
static UCHAR large_in[LARGE_SIZE];

static void large_round_trip(void)
{
    char topic[64];
    UINT topic_length, payload_length, status, i;
    ULONG events;
    ULONG deadline;

    for (i = 0; i < LARGE_SIZE; i++)
    {
        large_out[i] = (UCHAR)(i * 7u + i / 251u);
    }
    status = nxd_mqtt_client_publish(&client, LARGE_TOPIC, sizeof LARGE_TOPIC - 1u, (CHAR *)large_out, LARGE_SIZE,
                                     NX_FALSE, 1, SECONDS(5));
    if (status != NXD_MQTT_SUCCESS)
    {
        fail("nxd_mqtt_client_publish (large)", status);
    }
    deadline = tx_time_get() + SECONDS(10);
    for (;;)
    {
        status = nxd_mqtt_client_message_get(&client, (UCHAR *)topic, sizeof topic, &topic_length, large_in,
                                             sizeof large_in, &payload_length);
        if (status == NXD_MQTT_SUCCESS)
        {
            break;
        }
        if (status != NXD_MQTT_NO_MESSAGE)
        {
            fail("nxd_mqtt_client_message_get (large)", status);
        }
        if ((LONG)(deadline - tx_time_get()) <= 0)
        {
            fail("the large message did not come back within 10 s", 0);
        }
        (void)tx_event_flags_get(&app_events, EV_MESSAGE, TX_OR_CLEAR, &events, deadline - tx_time_get());
    }
    if (topic_length != sizeof LARGE_TOPIC - 1u || memcmp(topic, LARGE_TOPIC, topic_length) != 0 ||
        payload_length != LARGE_SIZE || memcmp(large_in, large_out, LARGE_SIZE) != 0)
    {
        fail("the large message came back different", payload_length);
    }
    printf("received QoS 1 on " LARGE_TOPIC ": %u bytes, as sent\r\n", payload_length);
}

/* Ten QoS 1 messages published back to back, then read: the broker's
   PUBACKs and PUBLISHes arrive in bursts, several frames waiting in the
   LAN9118's FIFO at once. Each must come back exactly once. */
#define BURST_TOPIC TOPIC_PREFIX "burst"
#define BURST_COUNT 10u

static void burst_round_trip(void)
{
    char topic[64], payload[32];
    UINT seen[BURST_COUNT] = {0};
    UINT topic_length, payload_length, status, i, received = 0;
    ULONG events;
    ULONG deadline;

    for (i = 0; i < BURST_COUNT; i++)
    {
        snprintf(payload, sizeof payload, "burst %u", i);
        status = nxd_mqtt_client_publish(&client, BURST_TOPIC, sizeof BURST_TOPIC - 1u, payload,
                                         (UINT)strlen(payload), NX_FALSE, 1, SECONDS(5));
        if (status != NXD_MQTT_SUCCESS)
        {
            fail("nxd_mqtt_client_publish (burst)", status);
        }
    }
    deadline = tx_time_get() + SECONDS(10);
    while (received < BURST_COUNT)
    {
        status = nxd_mqtt_client_message_get(&client, (UCHAR *)topic, sizeof topic, &topic_length,
                                             (UCHAR *)payload, sizeof payload - 1u, &payload_length);
        if (status == NXD_MQTT_SUCCESS)
        {
            unsigned long index;
            char *end;
            payload[payload_length] = '\0';
            index = strtoul(payload + 6, &end, 10);
            if (topic_length != sizeof BURST_TOPIC - 1u || memcmp(topic, BURST_TOPIC, topic_length) != 0 ||
                strncmp(payload, "burst ", 6) != 0 || *end != '\0' || index >= BURST_COUNT || seen[index]++ != 0)
            {
                printf("ERROR: unexpected burst message \"%s\"\r\n", payload);
                finish(0);
            }
            received++;
            continue;
        }
        if (status != NXD_MQTT_NO_MESSAGE)
        {
            fail("nxd_mqtt_client_message_get (burst)", status);
        }
        if ((LONG)(deadline - tx_time_get()) <= 0)
        {
            printf("ERROR: %u of %u burst messages came back within 10 s\r\n", received, BURST_COUNT);
            finish(0);
        }
        (void)tx_event_flags_get(&app_events, EV_MESSAGE, TX_OR_CLEAR, &events, deadline - tx_time_get());
    }
    printf("received %u QoS 1 messages published back to back, each once\r\n", received);
}

/* Bytes never touched at the bottom of a thread's stack (ThreadX fills a
   new thread's stack with TX_STACK_FILL). */
static ULONG stack_unused(const TX_THREAD *thread)
{
    const UCHAR *byte = (const UCHAR *)thread->tx_thread_stack_start;
    const UCHAR *end = (const UCHAR *)thread->tx_thread_stack_end;
    while (byte < end && *byte == (UCHAR)TX_STACK_FILL)
    {
        byte++;
    }
    return (ULONG)(byte - (const UCHAR *)thread->tx_thread_stack_start);
}

/* Every thread's stack use, from the app thread round the created list. */
static void print_stacks(void)
{
    TX_THREAD *thread = &app_thread;
    do
    {
        CHAR *name;
        TX_THREAD *next;
        if (tx_thread_info_get(thread, &name, TX_NULL, TX_NULL, TX_NULL, TX_NULL, TX_NULL, &next, TX_NULL) !=
            TX_SUCCESS)
        {
            fail("tx_thread_info_get", 0);
        }
        printf("stack high-water mark: %-12s %5lu of %5lu bytes unused\r\n", name, stack_unused(thread),
               thread->tx_thread_stack_size);
        thread = next;
    } while (thread != &app_thread);
}

static void app_entry(ULONG unused)
{
    NXD_ADDRESS broker;
    NX_LAN9118_STATS stats;
    ULONG link;
    UINT status, qos;
    int got;
    (void)unused;

    status = nx_ip_status_check(&ip, NX_IP_LINK_ENABLED, &link, SECONDS(5));
    if (status != NX_SUCCESS)
    {
        fail("the LAN9118 link did not come up", status);
    }
    printf("network up: IP address 10.0.2.15, gateway 10.0.2.2\r\n");
    /* NetX's NX_RAND (TCP sequence numbers, TLS randoms and keys) is rand(). */
    srand(board_seed());

    status = nxd_mqtt_client_create(&client, "mqtt", CLIENT_ID, sizeof CLIENT_ID - 1u, &ip, &mqtt_pool, mqtt_stack,
                                    sizeof mqtt_stack, MQTT_PRIORITY, NX_NULL, 0);
    if (status != NXD_MQTT_SUCCESS)
    {
        fail("nxd_mqtt_client_create", status);
    }
    status = nxd_mqtt_client_receive_notify_set(&client, on_message);
    if (status != NXD_MQTT_SUCCESS)
    {
        fail("nxd_mqtt_client_receive_notify_set", status);
    }
    broker.nxd_ip_version = NX_IP_VERSION_V4;
    broker.nxd_ip_address.v4 = BROKER_ADDRESS;
#ifdef MPS2_MTLS
    status = nxd_mqtt_client_secure_connect(&client, &broker, broker_port, tls_setup, 30, NX_TRUE, SECONDS(20));
    if (status != NXD_MQTT_SUCCESS)
    {
        fail("nxd_mqtt_client_secure_connect", status);
    }
    printf("CONNACK: connected over mutual TLS to 10.0.2.2:%u as " CLIENT_ID "\r\n", broker_port);
#else
    status = nxd_mqtt_client_connect(&client, &broker, broker_port, 30, NX_TRUE, SECONDS(10));
    if (status != NXD_MQTT_SUCCESS)
    {
        fail("nxd_mqtt_client_connect", status);
    }
    printf("CONNACK: connected to 10.0.2.2:%u as " CLIENT_ID "\r\n", broker_port);
#endif

    status = nxd_mqtt_client_subscribe(&client, TOPIC_FILTER, sizeof TOPIC_FILTER - 1u, 2);
    if (status != NXD_MQTT_SUCCESS)
    {
        fail("nxd_mqtt_client_subscribe", status);
    }
    printf("SUBSCRIBE: " TOPIC_FILTER " at QoS 2\r\n");

    /* Each message is published and comes back through the subscription
       (the broker forwards at the publish's QoS) before the next. */
    for (qos = 0; qos <= 2u; qos++)
    {
        publish(qos, payloads[qos]);
        if (message_wait(10, &got) != NXD_MQTT_SUCCESS)
        {
            printf("ERROR: the QoS %u message did not come back within 10 s\r\n", qos);
            finish(0);
        }
        if ((UINT)got != qos)
        {
            printf("ERROR: expected the QoS %u message, got QoS %d\r\n", qos, got);
            finish(0);
        }
    }
    if (!transmit_queue_drained(5))
    {
        fail("a QoS 1/2 publish was not acknowledged (transmit queue not empty)", 0);
    }
    printf("PUBACK and PUBCOMP received: transmit queue empty\r\n");

    /* Exactly once: no second copy of any of them turns up. */
    if (message_wait(1, &got) != NXD_MQTT_NO_MESSAGE)
    {
        fail("a message was delivered twice", 0);
    }
    if (received_count[0] != 1u || received_count[1] != 1u || received_count[2] != 1u)
    {
        fail("a message count is not 1", 0);
    }
    printf("each message received exactly once\r\n");

    large_round_trip();
    if (!transmit_queue_drained(5))
    {
        fail("the large QoS 1 publish was not acknowledged", 0);
    }

    burst_round_trip();
    if (!transmit_queue_drained(5))
    {
        fail("a burst QoS 1 publish was not acknowledged", 0);
    }
    if (message_wait(1, &got) != NXD_MQTT_NO_MESSAGE)
    {
        fail("a message came after the burst", 0);
    }

    status = nxd_mqtt_client_unsubscribe(&client, TOPIC_FILTER, sizeof TOPIC_FILTER - 1u);
    if (status != NXD_MQTT_SUCCESS)
    {
        fail("nxd_mqtt_client_unsubscribe", status);
    }
    /* The broker handles UNSUBSCRIBE before a PUBLISH sent after it. */
    publish(1, payloads[1]);
    if (!transmit_queue_drained(5))
    {
        fail("the QoS 1 publish after UNSUBSCRIBE was not acknowledged", 0);
    }
    if (message_wait(1, &got) != NXD_MQTT_NO_MESSAGE)
    {
        fail("a message arrived after UNSUBSCRIBE", 0);
    }
    printf("UNSUBSCRIBE: nothing received after it\r\n");

    print_stacks();

    status = nxd_mqtt_client_disconnect(&client);
    if (status != NXD_MQTT_SUCCESS)
    {
        fail("nxd_mqtt_client_disconnect", status);
    }
    printf("disconnected\r\n");
    status = nxd_mqtt_client_delete(&client);
    if (status != NXD_MQTT_SUCCESS)
    {
        fail("nxd_mqtt_client_delete", status);
    }
    /* TCP's last segments (FIN, ACK) go out through the pools too, and a
       frame may still wait for the IP thread: a packet in flight comes back
       within moments, a leaked one never. */
    for (link = 0; link < 30u && (pool.nx_packet_pool_available != pool.nx_packet_pool_total ||
                                  mqtt_pool.nx_packet_pool_available != mqtt_pool.nx_packet_pool_total);
         link++)
    {
        tx_thread_sleep(SECONDS(1) / 10u);
    }
    printf("packet pools: IP %lu of %lu packets free, MQTT %lu of %lu\r\n", pool.nx_packet_pool_available,
           pool.nx_packet_pool_total, mqtt_pool.nx_packet_pool_available, mqtt_pool.nx_packet_pool_total);
    if (pool.nx_packet_pool_available != pool.nx_packet_pool_total ||
        mqtt_pool.nx_packet_pool_available != mqtt_pool.nx_packet_pool_total)
    {
        fail("pool packets not released", 0);
    }
    print_driver_stats();
    nx_lan9118_driver_stats(&stats);
    if (stats.send_errors != 0u || stats.receive_errors != 0u || stats.receive_no_packet != 0u)
    {
        fail("the driver counted errors", 0);
    }
    if (stats.frames_sent_chained == 0u)
    {
        fail("no frame was sent from a packet chain: the driver's multi-segment transmit went untested", 0);
    }
    finish(1);
}

void tx_application_define(void *first_unused_memory)
{
    UINT status;
    (void)first_unused_memory;

    nx_system_initialize();
    status = nx_packet_pool_create(&pool, "ip pool", POOL_PAYLOAD, pool_memory, sizeof pool_memory);
    if (status == NX_SUCCESS)
    {
        status = nx_packet_pool_create(&mqtt_pool, "mqtt pool", MQTT_POOL_PAYLOAD, mqtt_pool_memory,
                                       sizeof mqtt_pool_memory);
    }
    if (status == NX_SUCCESS)
    {
        status = nx_ip_create(&ip, "ip", GUEST_ADDRESS, GUEST_MASK, &pool, nx_lan9118_driver, ip_stack,
                              sizeof ip_stack, IP_PRIORITY);
    }
    if (status == NX_SUCCESS)
    {
        status = nx_ip_gateway_address_set(&ip, GATEWAY_ADDRESS);
    }
    if (status == NX_SUCCESS)
    {
        status = netx_test_ip_services_enable(&ip, arp_cache, sizeof arp_cache);
    }
    if (status != NX_SUCCESS)
    {
        fail("NetX Duo setup", status);
    }
    if (tx_event_flags_create(&app_events, "app") != TX_SUCCESS ||
        tx_timer_create(&watchdog, "watchdog", watchdog_expired, 0, SECONDS(WATCHDOG_SECONDS), 0,
                        TX_AUTO_ACTIVATE) != TX_SUCCESS ||
        tx_thread_create(&app_thread, "app", app_entry, 0, app_stack, sizeof app_stack, APP_PRIORITY, APP_PRIORITY,
                         TX_NO_TIME_SLICE, TX_AUTO_START) != TX_SUCCESS)
    {
        fail("ThreadX setup", 0);
    }
}

/* The semihosting command line: "mps2 PORT" (plaintext) or, in the mutual
   TLS image, "mps2 PORT PKI_DIRECTORY". Returns the port, 0 when missing. */
static UINT parse_command_line(void)
{
    static char line[300];
    char *word, *save = NULL;
    long port = 0;

    if (board_command_line(line, sizeof line) != 0 || strtok_r(line, " ", &save) == NULL)
    {
        return 0;
    }
    word = strtok_r(NULL, " ", &save);
    if (word != NULL)
    {
        port = strtol(word, NULL, 10);
    }
#ifdef MPS2_MTLS
    word = strtok_r(NULL, " ", &save);
    if (word == NULL)
    {
        return 0;
    }
    ca_length = pki_file(word, "ca.crt.der", ca_der, sizeof ca_der);
    client_length = pki_file(word, "client.crt.der", client_der, sizeof client_der);
    client_key_length = pki_file(word, "client.key.der", client_key_der, sizeof client_key_der);
#endif
    return (port > 0 && port <= 65535) ? (UINT)port : 0u;
}

int main(void)
{
    /* The UART is the terminal: every printf goes out at once. */
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("\r\nrsmqtt: ThreadX %d.%d.%d + NetX Duo %d.%d.%d image for mps2-an385 (Cortex-M3)\r\n",
           THREADX_MAJOR_VERSION, THREADX_MINOR_VERSION, THREADX_PATCH_VERSION, NETXDUO_MAJOR_VERSION,
           NETXDUO_MINOR_VERSION, NETXDUO_PATCH_VERSION);
    broker_port = parse_command_line();
    if (broker_port == 0u)
    {
        fail("no broker port on the semihosting command line", 0);
    }
    tx_kernel_enter();
    fail("tx_kernel_enter returned", 0);
    return 1;
}
