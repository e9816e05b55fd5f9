/*
 * threadx/netx_secure_mqtt_mtls: the TLS plumbing the ThreadX port of
 * rsmqtt's NetX face will use, proven against a real Mosquitto. A ThreadX +
 * NetX Duo program (our AF_PACKET driver on veth1) opens TCP to Mosquitto on
 * 192.168.1.1:8883 inside the test's network namespace, runs a mutual-TLS
 * handshake with the real NetX Secure (client certificate and PKCS#1 key,
 * broker chain checked against the test CA), and then speaks MQTT 3.1.1 by
 * hand over nx_secure_tls_session_send/receive, one control packet per
 * send: CONNECT/CONNACK, SUBSCRIBE/SUBACK (QoS 1), PUBLISH QoS 1 and its
 * PUBACK, the broker's PUBLISH of that message back to us (answered with
 * PUBACK), DISCONNECT. Then TLS end, TCP disconnect, and no pool packet may
 * be missing.
 *
 *   netx_secure_mqtt_mtls CA.der CLIENT.der CLIENT_KEY_PKCS1.der
 *
 * Exit status 0 on success, 1 with a message on the first failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx_api.h"
#include "nx_api.h"
#include "nx_secure_tls_api.h"
#include "nx_af_packet_driver.h"
#include "netx_test_support.h"

#define NETX_ADDRESS IP_ADDRESS(192, 168, 1, 2)
#define BROKER_ADDRESS IP_ADDRESS(192, 168, 1, 1)
#define BROKER_PORT 8883
#define PAYLOAD_SIZE 1536
#define POOL_PACKETS 48
#define SECONDS(s) ((ULONG)(s) * TX_TIMER_TICKS_PER_SECOND)
#define TOPIC "rsmqtt/netx-secure"
#define MESSAGE "hello from NetX Secure"

extern const NX_SECURE_TLS_CRYPTO nx_crypto_tls_ciphers;

static NX_PACKET_POOL pool;
static NX_IP ip;
static NX_TCP_SOCKET sock;
static TX_THREAD app_thread;
static NX_SECURE_TLS_SESSION tls;
static NX_SECURE_X509_CERT trusted_ca, client_cert, remote_certs[2];
static UCHAR pool_memory[POOL_PACKETS * (PAYLOAD_SIZE + sizeof(NX_PACKET))];
static ULONG ip_stack[8192 / sizeof(ULONG)];
static ULONG arp_cache[1024 / sizeof(ULONG)];
static ULONG app_stack[65536 / sizeof(ULONG)];
static ULONG tls_metadata[32768 / sizeof(ULONG)];
static UCHAR tls_record_buffer[16 * 1024 + 512];
static UCHAR remote_cert_buffers[2][4096];

/* The DER files, read by main before ThreadX starts. */
static UCHAR ca_der[4096], client_der[4096], client_key_der[4096];
static ULONG ca_length, client_length, client_key_length;

/* Bytes received over TLS and not yet parsed into MQTT packets. */
static UCHAR stream[4096];
static ULONG stream_length;

static void fail(const char *what, UINT status)
{
    printf("FAIL: %s (status 0x%02X)\n", what, status);
    exit(1);
}

static void check(UINT status, const char *what)
{
    if (status != NX_SUCCESS)
    {
        fail(what, status);
    }
}

/* One MQTT control packet, one TLS record, one nx_secure_tls_session_send. */
static void send_mqtt(const UCHAR *bytes, ULONG length, const char *what)
{
    NX_PACKET *packet;
    UINT status;

    check(nx_secure_tls_packet_allocate(&tls, &pool, &packet, SECONDS(5)), "nx_secure_tls_packet_allocate");
    status = nx_packet_data_append(packet, (VOID *)bytes, length, &pool, SECONDS(5));
    if (status == NX_SUCCESS)
    {
        status = nx_secure_tls_session_send(&tls, packet, SECONDS(5));
    }
    if (status != NX_SUCCESS)
    {
        nx_packet_release(packet); /* still ours when the send failed */
        fail(what, status);
    }
    printf("sent %s (%lu bytes)\n", what, (unsigned long)length);
}

/* Returns the next whole MQTT packet (copied to out, at most out_size bytes). */
static ULONG receive_mqtt(UCHAR *out, ULONG out_size)
{
    for (;;)
    {
        /* A whole packet buffered? Fixed header, remaining length (at most 4
           bytes, 7 bits each), body. */
        if (stream_length >= 2)
        {
            ULONG remaining = 0, multiplier = 1, index = 1, total;

            while (index < stream_length && index <= 4)
            {
                remaining += (ULONG)(stream[index] & 0x7Fu) * multiplier;
                multiplier *= 128u;
                if ((stream[index++] & 0x80u) == 0)
                {
                    break;
                }
                if (index == stream_length)
                {
                    index = 0; /* length not complete yet */
                    break;
                }
            }
            if (index != 0)
            {
                total = index + remaining;
                if (total > out_size || total > sizeof stream)
                {
                    fail("MQTT packet larger than the test expects", NX_SUCCESS);
                }
                if (total <= stream_length)
                {
                    memcpy(out, stream, total);
                    memmove(stream, stream + total, stream_length - total);
                    stream_length -= total;
                    return total;
                }
            }
        }
        {
            NX_PACKET *packet;
            ULONG copied;
            UINT status = nx_secure_tls_session_receive(&tls, &packet, SECONDS(10));

            if (status != NX_SUCCESS)
            {
                fail("nx_secure_tls_session_receive", status);
            }
            if (packet->nx_packet_length > sizeof stream - stream_length)
            {
                nx_packet_release(packet);
                fail("more data than the test expects", NX_SUCCESS);
            }
            status = nx_packet_data_retrieve(packet, stream + stream_length, &copied);
            nx_packet_release(packet);
            check(status, "nx_packet_data_retrieve");
            stream_length += copied;
        }
    }
}

static void expect_bytes(const UCHAR *got, ULONG got_length, const UCHAR *want, ULONG want_length,
                         const char *what)
{
    if (got_length != want_length || memcmp(got, want, want_length) != 0)
    {
        ULONG i;

        printf("%s: got", what);
        for (i = 0; i < got_length; i++)
        {
            printf(" %02X", got[i]);
        }
        printf("\n");
        fail(what, NX_SUCCESS);
    }
    printf("received %s\n", what);
}

static ULONG put_string(UCHAR *out, const char *text)
{
    ULONG length = (ULONG)strlen(text);

    out[0] = (UCHAR)(length >> 8);
    out[1] = (UCHAR)length;
    memcpy(out + 2, text, length);
    return length + 2;
}

static void mqtt_session(void)
{
    static const UCHAR connack[] = {0x20, 0x02, 0x00, 0x00};
    static const UCHAR suback[] = {0x90, 0x03, 0x00, 0x01, 0x01};
    static const UCHAR puback[] = {0x40, 0x02, 0x00, 0x02};
    static const UCHAR disconnect[] = {0xE0, 0x00};
    UCHAR out[256], in[256];
    ULONG n, length, topic_length, i;
    int got_puback = 0, got_message = 0;

    /* CONNECT: protocol "MQTT" level 4, clean session, keep-alive 60 s. */
    n = 2;
    n += put_string(out + n, "MQTT");
    out[n++] = 4;
    out[n++] = 0x02;
    out[n++] = 0;
    out[n++] = 60;
    n += put_string(out + n, "rsmqtt-netx-secure");
    out[0] = 0x10;
    out[1] = (UCHAR)(n - 2);
    send_mqtt(out, n, "CONNECT");
    length = receive_mqtt(in, sizeof in);
    expect_bytes(in, length, connack, sizeof connack, "CONNACK (accepted)");

    /* SUBSCRIBE, packet id 1, QoS 1. */
    n = 2;
    out[n++] = 0;
    out[n++] = 1;
    n += put_string(out + n, TOPIC);
    out[n++] = 1;
    out[0] = 0x82;
    out[1] = (UCHAR)(n - 2);
    send_mqtt(out, n, "SUBSCRIBE");
    length = receive_mqtt(in, sizeof in);
    expect_bytes(in, length, suback, sizeof suback, "SUBACK (QoS 1 granted)");

    /* PUBLISH QoS 1, packet id 2. */
    n = 2;
    n += put_string(out + n, TOPIC);
    out[n++] = 0;
    out[n++] = 2;
    memcpy(out + n, MESSAGE, strlen(MESSAGE));
    n += (ULONG)strlen(MESSAGE);
    out[0] = 0x32;
    out[1] = (UCHAR)(n - 2);
    send_mqtt(out, n, "PUBLISH (QoS 1)");

    /* Our PUBACK and the broker's delivery of the message may come in either
       order. */
    while (!got_puback || !got_message)
    {
        length = receive_mqtt(in, sizeof in);
        if ((in[0] & 0xF0u) == 0x40u)
        {
            expect_bytes(in, length, puback, sizeof puback, "PUBACK for packet 2");
            got_puback = 1;
        }
        else if ((in[0] & 0xF6u) == 0x32u) /* PUBLISH, QoS 1, any DUP/RETAIN */
        {
            UCHAR ack[4] = {0x40, 0x02, 0, 0};

            topic_length = ((ULONG)in[2] << 8) | in[3];
            if (topic_length != strlen(TOPIC) || memcmp(in + 4, TOPIC, topic_length) != 0 ||
                length != 4 + topic_length + 2 + strlen(MESSAGE) ||
                memcmp(in + 4 + topic_length + 2, MESSAGE, strlen(MESSAGE)) != 0)
            {
                printf("PUBLISH from the broker:");
                for (i = 0; i < length; i++)
                {
                    printf(" %02X", in[i]);
                }
                printf("\n");
                fail("the broker delivered something else", NX_SUCCESS);
            }
            printf("received our message back: \"%s\"\n", MESSAGE);
            ack[2] = in[4 + topic_length];
            ack[3] = in[4 + topic_length + 1];
            send_mqtt(ack, sizeof ack, "PUBACK");
            got_message = 1;
        }
        else
        {
            printf("unexpected packet type 0x%02X\n", in[0]);
            fail("unexpected MQTT packet", NX_SUCCESS);
        }
    }
    send_mqtt(disconnect, sizeof disconnect, "DISCONNECT");
}

static void app_entry(ULONG unused)
{
    ULONG link, metadata_size;
    UINT status;

    (void)unused;
    check(nx_ip_status_check(&ip, NX_IP_LINK_ENABLED, &link, SECONDS(5)), "link not enabled");

    nx_secure_tls_initialize();
    check(nx_secure_tls_metadata_size_calculate(&nx_crypto_tls_ciphers, &metadata_size),
          "nx_secure_tls_metadata_size_calculate");
    if (metadata_size > sizeof tls_metadata)
    {
        fail("TLS metadata buffer too small", NX_SUCCESS);
    }
    check(nx_secure_tls_session_create(&tls, &nx_crypto_tls_ciphers, tls_metadata, sizeof tls_metadata),
          "nx_secure_tls_session_create");
    check(nx_secure_tls_session_packet_buffer_set(&tls, tls_record_buffer, sizeof tls_record_buffer),
          "nx_secure_tls_session_packet_buffer_set");
    check(nx_secure_x509_certificate_initialize(&trusted_ca, ca_der, (USHORT)ca_length, NX_NULL, 0, NX_NULL, 0,
                                                NX_SECURE_X509_KEY_TYPE_NONE),
          "the CA certificate");
    check(nx_secure_tls_trusted_certificate_add(&tls, &trusted_ca), "nx_secure_tls_trusted_certificate_add");
    check(nx_secure_x509_certificate_initialize(&client_cert, client_der, (USHORT)client_length, NX_NULL, 0,
                                                client_key_der, (USHORT)client_key_length,
                                                NX_SECURE_X509_KEY_TYPE_RSA_PKCS1_DER),
          "the client certificate and key");
    check(nx_secure_tls_local_certificate_add(&tls, &client_cert), "nx_secure_tls_local_certificate_add");
    check(nx_secure_tls_remote_certificate_allocate(&tls, &remote_certs[0], remote_cert_buffers[0],
                                                    sizeof remote_cert_buffers[0]),
          "nx_secure_tls_remote_certificate_allocate");
    check(nx_secure_tls_remote_certificate_allocate(&tls, &remote_certs[1], remote_cert_buffers[1],
                                                    sizeof remote_cert_buffers[1]),
          "nx_secure_tls_remote_certificate_allocate");

    check(nx_tcp_socket_create(&ip, &sock, "mqtt", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 16384,
                               NX_NULL, NX_NULL),
          "nx_tcp_socket_create");
    check(nx_tcp_client_socket_bind(&sock, NX_ANY_PORT, NX_WAIT_FOREVER), "nx_tcp_client_socket_bind");
    check(nx_tcp_client_socket_connect(&sock, BROKER_ADDRESS, BROKER_PORT, SECONDS(10)),
          "nx_tcp_client_socket_connect");
    printf("TCP connected to 192.168.1.1:%u\n", BROKER_PORT);
    status = nx_secure_tls_session_start(&tls, &sock, SECONDS(20));
    if (status != NX_SUCCESS)
    {
        fail("nx_secure_tls_session_start (mutual-TLS handshake)", status);
    }
    printf("TLS handshake done (client certificate presented, broker chain verified)\n");

    mqtt_session();

    check(nx_secure_tls_session_end(&tls, SECONDS(5)), "nx_secure_tls_session_end");
    nx_tcp_socket_disconnect(&sock, SECONDS(5));
    nx_tcp_client_socket_unbind(&sock);
    nx_tcp_socket_delete(&sock);
    check(nx_secure_tls_session_delete(&tls), "nx_secure_tls_session_delete");

    tx_thread_sleep(SECONDS(1) / 10);
    if (pool.nx_packet_pool_available != pool.nx_packet_pool_total)
    {
        netx_test_packets_in_use_print(&pool, &ip, &sock, tls.nx_secure_record_queue_header,
                                       tls.nx_secure_record_decrypted_packet);
        fail("packets leaked", NX_SUCCESS);
    }
    printf("PASS: MQTT round trip over mutual TLS (NetX Secure) with Mosquitto\n");
    exit(0);
}

void tx_application_define(void *first_unused_memory)
{
    (void)first_unused_memory;
    nx_system_initialize();
    check(nx_packet_pool_create(&pool, "pool", PAYLOAD_SIZE, pool_memory, sizeof pool_memory),
          "nx_packet_pool_create");
    check(nx_ip_create(&ip, "ip", NETX_ADDRESS, 0xFFFFFF00UL, &pool, nx_af_packet_driver, ip_stack,
                       sizeof ip_stack, 1),
          "nx_ip_create");
    check(netx_test_ip_services_enable(&ip, arp_cache, sizeof arp_cache), "enabling ARP, ICMP, TCP");
    check(tx_thread_create(&app_thread, "app", app_entry, 0, app_stack, sizeof app_stack, 4, 4, TX_NO_TIME_SLICE,
                           TX_AUTO_START),
          "tx_thread_create");
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc != 4)
    {
        fprintf(stderr, "usage: %s CA.der CLIENT.der CLIENT_KEY_PKCS1.der\n", argv[0]);
        return 2;
    }
    ca_length = netx_test_file_read(argv[1], ca_der, sizeof ca_der);
    client_length = netx_test_file_read(argv[2], client_der, sizeof client_der);
    client_key_length = netx_test_file_read(argv[3], client_key_der, sizeof client_key_der);
    tx_kernel_enter();
    return 1;
}
