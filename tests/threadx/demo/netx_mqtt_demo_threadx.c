/*
 * The NetX Duo MQTT seed demo (the client guide's chapter 1 flow) as a real
 * ThreadX application: ThreadX's Linux port, a NetX Duo IP instance on our
 * AF_PACKET driver (veth1 in the test's network namespace, 192.168.1.2/24),
 * mutual TLS through the real NetX Secure, and Mosquitto on 192.168.1.1:8883
 * (tests/threadx/demo/run-demo.sh starts it).
 *
 * The flow, all through the nxd_mqtt_client_* API:
 *   create, receive/disconnect/ack notify callbacks, secure_connect (the TLS
 *   setup callback loads the CA, the client certificate and its PKCS#1 key),
 *   subscribe to one topic, publish to it at QoS 0, 1 and 2, wait for the
 *   broker's acknowledgements (ack notify: SUBACK, PUBACK, PUBCOMP), take the
 *   echoes with receive_notify + message_get, unsubscribe, disconnect,
 *   delete; then every packet must be back in the pool.
 *
 * Which client it runs on is chosen when it is built
 * (RSMQTT_THREADX_DEMO_CLIENT): NetX Duo's own nxd_mqtt_client.c, which
 * refuses QoS 2 with NXD_MQTT_QOS2_NOT_SUPPORTED (then the demo subscribes
 * and publishes at QoS 0 and 1 only, and says so), or rsmqtt's ThreadX port,
 * which must do all three.
 *
 *   netx_mqtt_demo_threadx CA.der CLIENT.der CLIENT_KEY_PKCS1.der
 *
 * Exit status: 0 round trip done; 1 any other failure (with a FAIL: line);
 * 2 usage or unreadable files; 3 the broker refused the connection (a
 * CONNECT REFUSED: line, the pool checked first).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tx_api.h"
#include "nx_api.h"
#include "nx_secure_tls_api.h"
#include "nxd_mqtt_client.h"
#include "nx_af_packet_driver.h"
#include "netx_test_support.h"

#ifndef DEMO_CLIENT_NAME
#error "DEMO_CLIENT_NAME (\"original\" or \"rsmqtt\") comes from tests/threadx/demo/CMakeLists.txt"
#endif
#ifndef DEMO_CLIENT_IS_ORIGINAL
#define DEMO_CLIENT_IS_ORIGINAL 0
#endif

#define NETX_ADDRESS   IP_ADDRESS(192, 168, 1, 2)
#define BROKER_ADDRESS IP_ADDRESS(192, 168, 1, 1)
#define BROKER_PORT    NXD_MQTT_CLIENT_TLS_PORT
#define SECONDS(s)     ((ULONG)(s) * TX_TIMER_TICKS_PER_SECOND)

#define CLIENT_ID      "rsmqtt-threadx-demo"
#define TOPIC          "rsmqtt/threadx/demo"
#define KEEPALIVE_S    60
#define WAIT_S         10

#define PAYLOAD_SIZE   1536
#define POOL_PACKETS   48
#define IP_PRIORITY    1
#define MQTT_PRIORITY  2
#define APP_PRIORITY   4

/* Event flags the callbacks set for the application thread. */
#define EVENT_SUBACK     (1u << 0)
#define EVENT_PUBACK     (1u << 1)
#define EVENT_PUBCOMP    (1u << 2)
#define EVENT_UNSUBACK   (1u << 3)
#define EVENT_MESSAGE    (1u << 4)
#define EVENT_DISCONNECT (1u << 5)

extern const NX_SECURE_TLS_CRYPTO nx_crypto_tls_ciphers;

static NX_PACKET_POOL  pool;
static NX_IP           ip;
static NXD_MQTT_CLIENT client;
static TX_THREAD       app_thread;
static TX_EVENT_FLAGS_GROUP events;
static UCHAR pool_memory[POOL_PACKETS * (PAYLOAD_SIZE + sizeof(NX_PACKET))];
static ULONG ip_stack[8192 / sizeof(ULONG)];
static ULONG arp_cache[1024 / sizeof(ULONG)];
static ULONG app_stack[65536 / sizeof(ULONG)];
static ULONG mqtt_stack[65536 / sizeof(ULONG)];

/* What the TLS setup callback gives NetX Secure; they live as long as the
   session does (the client keeps the session, the certificates are its
   nxd_mqtt_tls_certificate / nxd_mqtt_tls_trusted_certificate). */
static ULONG tls_metadata[32768 / sizeof(ULONG)];
static UCHAR tls_record_buffer[16 * 1024 + 512];
static NX_SECURE_X509_CERT remote_certs[2];
static UCHAR remote_cert_buffers[2][4096];

/* The DER files, read by main before ThreadX starts. */
static UCHAR ca_der[4096], client_der[4096], client_key_der[4096];
static USHORT ca_length, client_length, client_key_length;

/* The messages the demo publishes; each must come back exactly once. */
static const struct
{
    UINT qos;
    const char *text;
} messages[] = {
    {0, "seed demo over NetX Duo inside ThreadX: QoS 0"},
    {1, "seed demo over NetX Duo inside ThreadX: QoS 1"},
    {2, "seed demo over NetX Duo inside ThreadX: QoS 2"},
};
#define MESSAGE_COUNT (sizeof messages / sizeof messages[0])

static UINT published[MESSAGE_COUNT]; /* 1 once the client took it */
static UINT received[MESSAGE_COUNT];  /* how often it came back */
static UINT received_other;           /* messages that matched none */

/* Ack notify calls per MQTT control packet type, counted on the client
   thread, read by the application thread after the matching event. */
static volatile UINT acks[16];
static volatile UINT disconnects;

static double milliseconds_since(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1e3 + (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

static void fail(const char *what, UINT status)
{
    printf("FAIL: %s (status 0x%X)\n", what, status);
    exit(1);
}

static void check(UINT status, const char *what)
{
    if (status != NX_SUCCESS)
    {
        fail(what, status);
    }
}

/* Waits for every packet to be back in the pool (the IP thread and the
   driver may still hold the last segments for a moment) and returns how
   many are missing. */
static ULONG packets_missing(void)
{
    int i;

    for (i = 0; i < 20 && pool.nx_packet_pool_available != pool.nx_packet_pool_total; i++)
    {
        tx_thread_sleep(SECONDS(1) / 20);
    }
    return pool.nx_packet_pool_total - pool.nx_packet_pool_available;
}

/* The seed demo's TLS setup callback, called by the client once TCP is up:
   the session with the default (RSA) cipher table, the broker's CA as the
   trust anchor, and this device's certificate and key for mutual TLS. */
static UINT tls_setup(NXD_MQTT_CLIENT *client_ptr, NX_SECURE_TLS_SESSION *session,
                      NX_SECURE_X509_CERT *certificate, NX_SECURE_X509_CERT *trusted_certificate)
{
    ULONG metadata_size;
    UINT status;
    UINT i;

    NX_PARAMETER_NOT_USED(client_ptr);
    nx_secure_tls_initialize();

    status = nx_secure_tls_metadata_size_calculate(&nx_crypto_tls_ciphers, &metadata_size);
    if (status != NX_SUCCESS || metadata_size > sizeof tls_metadata)
    {
        printf("TLS setup: metadata needs %lu bytes (status 0x%X)\n", (unsigned long)metadata_size, status);
        return status != NX_SUCCESS ? status : NX_SIZE_ERROR;
    }
    status = nx_secure_tls_session_create(session, &nx_crypto_tls_ciphers, tls_metadata, sizeof tls_metadata);
    if (status != NX_SUCCESS)
    {
        return status;
    }
    status = nx_secure_tls_session_packet_buffer_set(session, tls_record_buffer, sizeof tls_record_buffer);
    if (status != NX_SUCCESS)
    {
        return status;
    }
    /* Room for the broker's chain: its certificate, and its CA if sent. */
    for (i = 0; i < 2; i++)
    {
        memset(&remote_certs[i], 0, sizeof remote_certs[i]);
        status = nx_secure_tls_remote_certificate_allocate(session, &remote_certs[i], remote_cert_buffers[i],
                                                           sizeof remote_cert_buffers[i]);
        if (status != NX_SUCCESS)
        {
            return status;
        }
    }
    status = nx_secure_x509_certificate_initialize(trusted_certificate, ca_der, ca_length, NX_NULL, 0, NX_NULL, 0,
                                                   NX_SECURE_X509_KEY_TYPE_NONE);
    if (status != NX_SUCCESS)
    {
        return status;
    }
    status = nx_secure_tls_trusted_certificate_add(session, trusted_certificate);
    if (status != NX_SUCCESS)
    {
        return status;
    }
    status = nx_secure_x509_certificate_initialize(certificate, client_der, client_length, NX_NULL, 0,
                                                   client_key_der, client_key_length,
                                                   NX_SECURE_X509_KEY_TYPE_RSA_PKCS1_DER);
    if (status != NX_SUCCESS)
    {
        return status;
    }
    return nx_secure_tls_local_certificate_add(session, certificate);
}

/* Client thread: only wake the application thread, as the guide advises. */
static VOID receive_notify(NXD_MQTT_CLIENT *client_ptr, UINT message_count)
{
    NX_PARAMETER_NOT_USED(client_ptr);
    NX_PARAMETER_NOT_USED(message_count);
    tx_event_flags_set(&events, EVENT_MESSAGE, TX_OR);
}

static VOID disconnect_notify(NXD_MQTT_CLIENT *client_ptr)
{
    NX_PARAMETER_NOT_USED(client_ptr);
    disconnects++;
    tx_event_flags_set(&events, EVENT_DISCONNECT, TX_OR);
}

/* Client thread: the broker acknowledged one of our packets. The packet
   handed in is the client's (it releases it), so it is not touched. */
static VOID ack_notify(NXD_MQTT_CLIENT *client_ptr, UINT type, USHORT packet_id, NX_PACKET *transmit_packet,
                       VOID *context)
{
    NX_PARAMETER_NOT_USED(client_ptr);
    NX_PARAMETER_NOT_USED(transmit_packet);
    NX_PARAMETER_NOT_USED(context);
    acks[type < 16 ? type : 0]++; /* 0 is no MQTT packet type: counts junk */
    switch (type)
    {
    case MQTT_CONTROL_PACKET_TYPE_SUBACK:
        tx_event_flags_set(&events, EVENT_SUBACK, TX_OR);
        break;
    case MQTT_CONTROL_PACKET_TYPE_PUBACK:
        tx_event_flags_set(&events, EVENT_PUBACK, TX_OR);
        break;
    case MQTT_CONTROL_PACKET_TYPE_PUBCOMP:
        tx_event_flags_set(&events, EVENT_PUBCOMP, TX_OR);
        break;
    case MQTT_CONTROL_PACKET_TYPE_UNSUBACK:
        tx_event_flags_set(&events, EVENT_UNSUBACK, TX_OR);
        break;
    default:
        /* PUBREC (our QoS 2 PUBLISH half done) and PUBREL (a QoS 2 message
           we received, released) are reported too by a client that does
           QoS 2; they are counted and checked at the end. */
        break;
    }
    printf("ack notify: type %u, packet id %u\n", type, (unsigned)packet_id);
}

static void wait_for(ULONG event, const char *what)
{
    ULONG actual;
    UINT status = tx_event_flags_get(&events, event, TX_OR_CLEAR, &actual, SECONDS(WAIT_S));

    if (status != TX_SUCCESS)
    {
        printf("no %s within %d s\n", what, WAIT_S);
        fail(what, status);
    }
    if (disconnects != 0)
    {
        fail("the broker closed the connection", NX_SUCCESS);
    }
}

/* Takes every queued message (message_get does not block) and matches it. */
static void take_messages(void)
{
    UCHAR topic[128], text[256];
    UINT topic_length, text_length, status;
    UINT i;

    while ((status = nxd_mqtt_client_message_get(&client, topic, sizeof topic, &topic_length, text, sizeof text - 1,
                                                 &text_length)) == NXD_MQTT_SUCCESS)
    {
        int matched = 0;

        text[text_length] = '\0'; /* message_get writes no terminator */
        if (topic_length == strlen(TOPIC) && memcmp(topic, TOPIC, topic_length) == 0)
        {
            for (i = 0; i < MESSAGE_COUNT; i++)
            {
                if (text_length == strlen(messages[i].text) && memcmp(text, messages[i].text, text_length) == 0)
                {
                    received[i]++;
                    matched = 1;
                    printf("received back: \"%s\"\n", text);
                }
            }
        }
        if (!matched)
        {
            received_other++;
            printf("received something else: topic %.*s, \"%s\"\n", (int)topic_length, topic, text);
        }
    }
    if (status != NXD_MQTT_NO_MESSAGE)
    {
        fail("nxd_mqtt_client_message_get", status);
    }
}

static int all_received(void)
{
    UINT i;

    for (i = 0; i < MESSAGE_COUNT; i++)
    {
        if (published[i] && received[i] == 0)
        {
            return 0;
        }
    }
    return 1;
}

static void demo(void)
{
    NXD_ADDRESS broker;
    struct timespec start, step;
    UINT status, subscribe_qos = 2, qos2 = 1;
    UINT expected_puback = 0, expected_pubcomp = 0;
    ULONG missing, actual;
    UINT i;
    int ok = 1;

    clock_gettime(CLOCK_MONOTONIC, &start);
    check(nxd_mqtt_client_create(&client, "seed demo", CLIENT_ID, (UINT)strlen(CLIENT_ID), &ip, &pool, mqtt_stack,
                                 sizeof mqtt_stack, MQTT_PRIORITY, NX_NULL, 0),
          "nxd_mqtt_client_create");
    check(nxd_mqtt_client_receive_notify_set(&client, receive_notify), "nxd_mqtt_client_receive_notify_set");
    check(nxd_mqtt_client_disconnect_notify_set(&client, disconnect_notify), "nxd_mqtt_client_disconnect_notify_set");
    /* No setter for this one in 6.4.2: the application writes the field. */
    client.nxd_mqtt_ack_receive_notify = ack_notify;
    client.nxd_mqtt_ack_receive_context = NX_NULL;

    broker.nxd_ip_version = NX_IP_VERSION_V4;
    broker.nxd_ip_address.v4 = BROKER_ADDRESS;
    clock_gettime(CLOCK_MONOTONIC, &step);
    status = nxd_mqtt_client_secure_connect(&client, &broker, BROKER_PORT, tls_setup, KEEPALIVE_S, NX_TRUE,
                                            SECONDS(WAIT_S));
    if (status != NXD_MQTT_SUCCESS)
    {
        double took = milliseconds_since(&step);

        nxd_mqtt_client_delete(&client);
        missing = packets_missing();
        printf("CONNECT REFUSED: nxd_mqtt_client_secure_connect to 192.168.1.1:%u returned 0x%X after %.0f ms "
               "(TLS handshake or MQTT CONNECT not accepted); %lu pool packets missing after delete\n",
               BROKER_PORT, status, took, (unsigned long)missing);
        exit(missing == 0 ? 3 : 1);
    }
    printf("connected over mutual TLS to 192.168.1.1:%u (client %s): secure_connect took %.0f ms\n", BROKER_PORT,
           DEMO_CLIENT_NAME, milliseconds_since(&step));

    status = nxd_mqtt_client_subscribe(&client, TOPIC, (UINT)strlen(TOPIC), subscribe_qos);
    if (status == NXD_MQTT_QOS2_NOT_SUPPORTED && DEMO_CLIENT_IS_ORIGINAL)
    {
        printf("subscribe at QoS 2: NXD_MQTT_QOS2_NOT_SUPPORTED (0x%X) from the original client; "
               "subscribing at QoS 1\n", status);
        subscribe_qos = 1;
        status = nxd_mqtt_client_subscribe(&client, TOPIC, (UINT)strlen(TOPIC), subscribe_qos);
    }
    check(status, "nxd_mqtt_client_subscribe");
    wait_for(EVENT_SUBACK, "SUBACK");
    printf("subscribed to %s at QoS %u\n", TOPIC, subscribe_qos);

    for (i = 0; i < MESSAGE_COUNT; i++)
    {
        status = nxd_mqtt_client_publish(&client, TOPIC, (UINT)strlen(TOPIC), (CHAR *)messages[i].text,
                                         (UINT)strlen(messages[i].text), NX_FALSE, messages[i].qos,
                                         SECONDS(WAIT_S));
        if (status == NXD_MQTT_QOS2_NOT_SUPPORTED && messages[i].qos == 2 && DEMO_CLIENT_IS_ORIGINAL)
        {
            printf("publish at QoS 2: NXD_MQTT_QOS2_NOT_SUPPORTED (0x%X) from the original client; skipped\n",
                   status);
            qos2 = 0;
            continue;
        }
        check(status, "nxd_mqtt_client_publish");
        published[i] = 1;
        printf("published at QoS %u: \"%s\"\n", messages[i].qos, messages[i].text);
        if (messages[i].qos == 1)
        {
            expected_puback++;
            wait_for(EVENT_PUBACK, "PUBACK");
        }
        else if (messages[i].qos == 2)
        {
            expected_pubcomp++;
            wait_for(EVENT_PUBCOMP, "PUBCOMP");
        }
    }

    /* The echoes: receive_notify wakes us, message_get takes them. */
    while (!all_received())
    {
        wait_for(EVENT_MESSAGE, "message from the broker");
        take_messages();
    }
    /* A moment for duplicates, which would be a failure. */
    status = tx_event_flags_get(&events, EVENT_MESSAGE, TX_OR_CLEAR, &actual, SECONDS(1) / 5);
    if (status == TX_SUCCESS)
    {
        take_messages();
    }

    check(nxd_mqtt_client_unsubscribe(&client, TOPIC, (UINT)strlen(TOPIC)), "nxd_mqtt_client_unsubscribe");
    wait_for(EVENT_UNSUBACK, "UNSUBACK");
    printf("unsubscribed\n");

    check(nxd_mqtt_client_disconnect(&client), "nxd_mqtt_client_disconnect");
    check(nxd_mqtt_client_delete(&client), "nxd_mqtt_client_delete");
    printf("disconnected and deleted\n");

    for (i = 0; i < MESSAGE_COUNT; i++)
    {
        if (published[i] && received[i] != 1)
        {
            printf("QoS %u message came back %u times\n", messages[i].qos, received[i]);
            ok = 0;
        }
    }
    if (received_other != 0)
    {
        printf("%u unexpected messages\n", received_other);
        ok = 0;
    }
    /* Exactly one notify per acknowledged SUBSCRIBE, QoS 1 PUBLISH, QoS 2
       PUBLISH (PUBCOMP) and UNSUBSCRIBE; PUBREC at most once per QoS 2
       PUBLISH, PUBREL at most once per QoS 2 delivery to us; nothing else. */
    printf("ack notify calls: SUBACK %u, PUBACK %u, PUBREC %u, PUBREL %u, PUBCOMP %u, UNSUBACK %u\n",
           acks[MQTT_CONTROL_PACKET_TYPE_SUBACK], acks[MQTT_CONTROL_PACKET_TYPE_PUBACK],
           acks[MQTT_CONTROL_PACKET_TYPE_PUBREC], acks[MQTT_CONTROL_PACKET_TYPE_PUBREL],
           acks[MQTT_CONTROL_PACKET_TYPE_PUBCOMP], acks[MQTT_CONTROL_PACKET_TYPE_UNSUBACK]);
    for (i = 0; i < 16; i++)
    {
        UINT want_min = 0, want_max = 0;

        switch (i)
        {
        case MQTT_CONTROL_PACKET_TYPE_SUBACK:
        case MQTT_CONTROL_PACKET_TYPE_UNSUBACK:
            want_min = want_max = 1;
            break;
        case MQTT_CONTROL_PACKET_TYPE_PUBACK:
            want_min = want_max = expected_puback;
            break;
        case MQTT_CONTROL_PACKET_TYPE_PUBCOMP:
            want_min = want_max = expected_pubcomp;
            break;
        case MQTT_CONTROL_PACKET_TYPE_PUBREC:
            want_max = expected_pubcomp;
            break;
        case MQTT_CONTROL_PACKET_TYPE_PUBREL:
            want_max = subscribe_qos == 2 ? expected_pubcomp : 0;
            break;
        default:
            break;
        }
        if (acks[i] < want_min || acks[i] > want_max)
        {
            printf("ack notify for packet type %u: %u calls, want %u to %u\n", i, acks[i], want_min, want_max);
            ok = 0;
        }
    }
    missing = packets_missing();
    printf("pool: %lu of %lu packets available after delete\n", (unsigned long)pool.nx_packet_pool_available,
           (unsigned long)pool.nx_packet_pool_total);
    if (missing != 0)
    {
        if (DEMO_CLIENT_IS_ORIGINAL && missing == 2)
        {
            /* Seen in a few runs in a hundred with NetX Duo's own client: its
               disconnect ends the TLS session while its thread is blocked in
               nx_secure_tls_session_receive, and two packets are never given
               back. Not rsmqtt's to fix; tolerated for the original only. */
            printf("KNOWN UPSTREAM LEAK: 2 packets not returned by the original client's disconnect\n");
        }
        else
        {
            printf("%lu packets leaked\n", (unsigned long)missing);
            ok = 0;
        }
    }
    if (!ok)
    {
        fail("the round trip was not complete", NX_SUCCESS);
    }
    printf("PASS: ThreadX demo round trip over mutual TLS (client %s): published and received back QoS 0, 1%s; "
           "%.0f ms\n",
           DEMO_CLIENT_NAME, qos2 ? ", 2" : " (QoS 2 not supported by this client)", milliseconds_since(&start));
}

static void app_entry(ULONG unused)
{
    ULONG link;

    NX_PARAMETER_NOT_USED(unused);
    check(nx_ip_status_check(&ip, NX_IP_LINK_ENABLED, &link, SECONDS(5)), "link not enabled");
    demo();
    exit(0);
}

void tx_application_define(void *first_unused_memory)
{
    NX_PARAMETER_NOT_USED(first_unused_memory);
    nx_system_initialize();
    check(nx_packet_pool_create(&pool, "pool", PAYLOAD_SIZE, pool_memory, sizeof pool_memory),
          "nx_packet_pool_create");
    check(nx_ip_create(&ip, "ip", NETX_ADDRESS, 0xFFFFFF00UL, &pool, nx_af_packet_driver, ip_stack, sizeof ip_stack,
                       IP_PRIORITY),
          "nx_ip_create");
    check(nx_arp_enable(&ip, arp_cache, sizeof arp_cache), "nx_arp_enable");
    check(nx_icmp_enable(&ip), "nx_icmp_enable");
    check(nx_tcp_enable(&ip), "nx_tcp_enable");
    check(tx_event_flags_create(&events, "demo events"), "tx_event_flags_create");
    check(tx_thread_create(&app_thread, "demo", app_entry, 0, app_stack, sizeof app_stack, APP_PRIORITY,
                           APP_PRIORITY, TX_NO_TIME_SLICE, TX_AUTO_START),
          "tx_thread_create");
}

int main(int argc, char **argv)
{
    /* stdout is a pipe under the test: line-buffer it so nothing is lost if
       the test's timeout ends the program. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc != 4)
    {
        fprintf(stderr, "usage: %s CA.der CLIENT.der CLIENT_KEY_PKCS1.der\n", argv[0]);
        return 2;
    }
    ca_length = (USHORT)netx_test_file_read(argv[1], ca_der, sizeof ca_der);
    client_length = (USHORT)netx_test_file_read(argv[2], client_der, sizeof client_der);
    client_key_length = (USHORT)netx_test_file_read(argv[3], client_key_der, sizeof client_key_der);
    tx_kernel_enter();
    return 1;
}
