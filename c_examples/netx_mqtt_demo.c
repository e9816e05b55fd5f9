// rsmqtt-ctest: with-broker
/*
 * NetX Duo MQTT demo on rsmqtt: the application code a ThreadX device would
 * run, compiled unchanged on a POSIX host.
 *
 * It creates a client, connects over mutual TLS (the TLS setup callback
 * loads the CA, the client certificate and its EC key in DER through the
 * nx_secure_* calls), subscribes at QoS 2, publishes QoS 1 and QoS 2 messages
 * to the subscribed topic, receives them through receive_notify and
 * message_get, disconnects and deletes the client. It exits 0 only if every
 * message arrived exactly once.
 *
 * Broker settings come from scripts/with-broker.sh: RSMQTT_BROKER_HOST,
 * RSMQTT_BROKER_TLS_PORT and the DER files RSMQTT_CA_DER,
 * RSMQTT_CLIENT_CERT_DER, RSMQTT_CLIENT_KEY_DER.
 */
/* nanosleep and inet_pton under strict C11. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
/* Declares nxd_mqtt_client_secure_connect (NetX Duo's own switch). */
#ifndef NX_SECURE_ENABLE
#define NX_SECURE_ENABLE
#endif

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tx_api.h"
#include "nx_api.h"
#include "nxd_mqtt_client.h"
#include "nx_secure_tls_api.h"
#include "nx_secure_x509.h"

#define DEMO_TOPIC        "rsmqtt/netx/demo"
#define DEMO_MESSAGES     10
#define DEMO_KEEPALIVE_S  30
#define DEMO_WAIT_SECONDS 10

extern const NX_SECURE_TLS_CRYPTO nx_crypto_tls_ciphers;

static NX_IP           ip_0;
static NX_PACKET_POOL  pool_0;
static NXD_MQTT_CLIENT mqtt_client;
static ULONG           mqtt_thread_stack[4096 / sizeof(ULONG)];
static CHAR            client_id[] = "rsmqtt-netx-demo";

/* TLS objects the setup callback fills: buffers live as long as the client. */
static UCHAR               tls_metadata[16 * 1024];
static UCHAR               tls_packet_buffer[4000];
static NX_SECURE_X509_CERT remote_certificate;
static UCHAR               remote_cert_buffer[2000];
static UCHAR               ca_der[4096], cert_der[4096], key_der[1024];
static USHORT              ca_der_len, cert_der_len, key_der_len;

/* What the receive callback saw, per message number. */
static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;
static int             seen_count[DEMO_MESSAGES];
static int             seen_total;
static int             seen_unexpected;

static int read_file(const char *variable, UCHAR *buffer, size_t size, USHORT *length)
{
    const char *path = getenv(variable);
    if (path == NULL)
    {
        fprintf(stderr, "%s is not set\n", variable);
        return -1;
    }
    FILE *file = fopen(path, "rb");
    if (file == NULL)
    {
        perror(path);
        return -1;
    }
    size_t n = fread(buffer, 1, size, file);
    int more = fgetc(file) != EOF;
    fclose(file);
    if (n == 0 || more)
    {
        fprintf(stderr, "%s: empty or larger than %zu bytes\n", path, size);
        return -1;
    }
    *length = (USHORT)n;
    return 0;
}

/* Called by the client thread once TCP is up, before the handshake. */
static UINT tls_setup(NXD_MQTT_CLIENT *client_ptr, NX_SECURE_TLS_SESSION *session_ptr,
                      NX_SECURE_X509_CERT *certificate_ptr, NX_SECURE_X509_CERT *trusted_certificate_ptr)
{
    UINT status;

    NX_PARAMETER_NOT_USED(client_ptr);
    nx_secure_tls_initialize();

    status = nx_secure_tls_session_create(session_ptr, &nx_crypto_tls_ciphers, tls_metadata,
                                          sizeof(tls_metadata));
    if (status != NX_SUCCESS)
    {
        return status;
    }
    status = nx_secure_tls_session_packet_buffer_set(session_ptr, tls_packet_buffer,
                                                     sizeof(tls_packet_buffer));
    if (status != NX_SUCCESS)
    {
        return status;
    }

    /* Room for the certificate the broker sends. */
    memset(&remote_certificate, 0, sizeof(remote_certificate));
    status = nx_secure_tls_remote_certificate_allocate(session_ptr, &remote_certificate,
                                                       remote_cert_buffer, sizeof(remote_cert_buffer));
    if (status != NX_SUCCESS)
    {
        return status;
    }

    /* The CA that signed the broker's certificate. */
    status = nx_secure_x509_certificate_initialize(trusted_certificate_ptr, ca_der, ca_der_len, NX_NULL, 0,
                                                   NX_NULL, 0, NX_SECURE_X509_KEY_TYPE_NONE);
    if (status != NX_SUCCESS)
    {
        return status;
    }
    status = nx_secure_tls_trusted_certificate_add(session_ptr, trusted_certificate_ptr);
    if (status != NX_SUCCESS)
    {
        return status;
    }

    /* This device's certificate and EC private key, for mutual TLS. */
    status = nx_secure_x509_certificate_initialize(certificate_ptr, cert_der, cert_der_len, NX_NULL, 0,
                                                   key_der, key_der_len, NX_SECURE_X509_KEY_TYPE_EC_DER);
    if (status != NX_SUCCESS)
    {
        return status;
    }
    return nx_secure_tls_local_certificate_add(session_ptr, certificate_ptr);
}

/* Runs on the client thread; message_get may be called right here. */
static VOID receive_notify(NXD_MQTT_CLIENT *client_ptr, UINT number_of_messages)
{
    UCHAR topic[128];
    UCHAR message[128];
    UINT  topic_length;
    UINT  message_length;

    NX_PARAMETER_NOT_USED(number_of_messages);
    while (nxd_mqtt_client_message_get(client_ptr, topic, sizeof(topic), &topic_length, message,
                                       sizeof(message) - 1, &message_length) == NXD_MQTT_SUCCESS)
    {
        int number = -1;
        message[message_length] = '\0'; /* message_get writes no terminator */
        pthread_mutex_lock(&seen_lock);
        if (topic_length == strlen(DEMO_TOPIC) && memcmp(topic, DEMO_TOPIC, topic_length) == 0 &&
            sscanf((const char *)message, "message %d", &number) == 1 && number >= 0 && number < DEMO_MESSAGES)
        {
            seen_count[number]++;
        }
        else
        {
            seen_unexpected++;
        }
        seen_total++;
        pthread_mutex_unlock(&seen_lock);
    }
}

static VOID disconnect_notify(NXD_MQTT_CLIENT *client_ptr)
{
    NX_PARAMETER_NOT_USED(client_ptr);
    printf("disconnected\n");
}

static int total_seen(void)
{
    pthread_mutex_lock(&seen_lock);
    int total = seen_total;
    pthread_mutex_unlock(&seen_lock);
    return total;
}

int main(void)
{
    const char *host = getenv("RSMQTT_BROKER_HOST");
    const char *port = getenv("RSMQTT_BROKER_TLS_PORT");
    struct in_addr ipv4;
    NXD_ADDRESS    server_ip;
    UINT           status;
    int            i;

    if (host == NULL || port == NULL || inet_pton(AF_INET, host, &ipv4) != 1)
    {
        fprintf(stderr, "run under scripts/with-broker.sh (RSMQTT_BROKER_HOST, RSMQTT_BROKER_TLS_PORT)\n");
        return 2;
    }
    if (read_file("RSMQTT_CA_DER", ca_der, sizeof(ca_der), &ca_der_len) != 0 ||
        read_file("RSMQTT_CLIENT_CERT_DER", cert_der, sizeof(cert_der), &cert_der_len) != 0 ||
        read_file("RSMQTT_CLIENT_KEY_DER", key_der, sizeof(key_der), &key_der_len) != 0)
    {
        return 2;
    }
    server_ip.nxd_ip_version    = NX_IP_VERSION_V4;
    server_ip.nxd_ip_address.v4 = ntohl(ipv4.s_addr);

    status = nxd_mqtt_client_create(&mqtt_client, "demo client", client_id, (UINT)strlen(client_id), &ip_0,
                                    &pool_0, mqtt_thread_stack, sizeof(mqtt_thread_stack), 2, NX_NULL, 0);
    if (status != NXD_MQTT_SUCCESS)
    {
        fprintf(stderr, "create failed: 0x%x\n", status);
        return 1;
    }
    nxd_mqtt_client_receive_notify_set(&mqtt_client, receive_notify);
    nxd_mqtt_client_disconnect_notify_set(&mqtt_client, disconnect_notify);

    status = nxd_mqtt_client_secure_connect(&mqtt_client, &server_ip, (UINT)atoi(port), tls_setup,
                                            DEMO_KEEPALIVE_S, NX_TRUE, 5 * NX_IP_PERIODIC_RATE);
    if (status != NXD_MQTT_SUCCESS)
    {
        fprintf(stderr, "secure connect failed: 0x%x\n", status);
        nxd_mqtt_client_delete(&mqtt_client);
        return 1;
    }
    printf("connected over mutual TLS\n");

    status = nxd_mqtt_client_subscribe(&mqtt_client, DEMO_TOPIC, (UINT)strlen(DEMO_TOPIC), 2);
    if (status != NXD_MQTT_SUCCESS)
    {
        fprintf(stderr, "subscribe failed: 0x%x\n", status);
        nxd_mqtt_client_delete(&mqtt_client);
        return 1;
    }
    /* subscribe returns once SUBSCRIBE is sent; give the SUBACK a moment. */
    struct timespec pause = {0, 200 * 1000 * 1000};
    nanosleep(&pause, NULL);

    for (i = 0; i < DEMO_MESSAGES; i++)
    {
        CHAR message[32];
        UINT qos = (i % 2 == 0) ? 1 : 2;
        int  length = snprintf(message, sizeof(message), "message %d", i);
        status = nxd_mqtt_client_publish(&mqtt_client, DEMO_TOPIC, (UINT)strlen(DEMO_TOPIC), message,
                                         (UINT)length, NX_FALSE, qos, NX_WAIT_FOREVER);
        if (status != NXD_MQTT_SUCCESS)
        {
            fprintf(stderr, "publish %d failed: 0x%x\n", i, status);
            nxd_mqtt_client_delete(&mqtt_client);
            return 1;
        }
    }

    /* Wait until every message came back (and a little longer for duplicates). */
    for (i = 0; i < DEMO_WAIT_SECONDS * 10 && total_seen() < DEMO_MESSAGES; i++)
    {
        struct timespec tick = {0, 100 * 1000 * 1000};
        nanosleep(&tick, NULL);
    }
    nanosleep(&pause, NULL);

    nxd_mqtt_client_disconnect(&mqtt_client);
    nxd_mqtt_client_delete(&mqtt_client);

    int ok = seen_unexpected == 0 && seen_total == DEMO_MESSAGES;
    for (i = 0; i < DEMO_MESSAGES; i++)
    {
        if (seen_count[i] != 1)
        {
            fprintf(stderr, "message %d arrived %d times\n", i, seen_count[i]);
            ok = 0;
        }
    }
    printf("%d messages received, %d unexpected: %s\n", seen_total, seen_unexpected, ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
