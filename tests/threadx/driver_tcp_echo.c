/*
 * threadx/driver_tcp_echo: a ThreadX (Linux port) + NetX Duo program whose
 * only network is tests/threadx/driver/nx_af_packet_driver.c on veth1. It
 * connects to a Linux TCP echo server (scripts/netns-run.sh puts both in one
 * network namespace), sends messages of several sizes, from one byte to
 * several segments, and checks that every byte comes back in order. Then it
 * closes the connection and checks that the driver released every packet it
 * was given and never failed a send.
 *
 *   driver_tcp_echo SERVER_IPV4 PORT      (NetX itself is 192.168.1.2/24)
 *
 * Exit status 0 on success, 1 with a message on the first failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx_api.h"
#include "nx_api.h"
#include "nx_af_packet_driver.h"
#include "netx_test_support.h"

#define NETX_ADDRESS IP_ADDRESS(192, 168, 1, 2)
#define NETX_NETMASK 0xFFFFFF00UL
#define PAYLOAD_SIZE 1536
#define POOL_PACKETS 64
#define SECONDS(s) ((ULONG)(s) * TX_TIMER_TICKS_PER_SECOND)
/* Chunks sent per nx_tcp_socket_send: one segment each, below the MSS. */
#define CHUNK 1400

static NX_PACKET_POOL pool;
static NX_IP ip;
static NX_TCP_SOCKET sock;
static TX_THREAD app_thread;
static UCHAR pool_memory[POOL_PACKETS * (PAYLOAD_SIZE + sizeof(NX_PACKET))];
static ULONG ip_stack[4096 / sizeof(ULONG)];
static ULONG arp_cache[1024 / sizeof(ULONG)];
static ULONG app_stack[16384 / sizeof(ULONG)];

static ULONG server_address;
static UINT server_port;

static const ULONG message_sizes[] = {1, 13, 1400, 1460, 4000, 20000};
static UCHAR sent[20000];
static UCHAR echoed[20000];

static void fail(const char *what, UINT status)
{
    printf("FAIL: %s (status 0x%02X)\n", what, status);
    exit(1);
}

static void fill(UCHAR *buffer, ULONG size, ULONG seed)
{
    ULONG i;

    for (i = 0; i < size; i++)
    {
        buffer[i] = (UCHAR)(seed * 31u + i * 7u + (i >> 8));
    }
}

static void send_bytes(const UCHAR *data, ULONG size)
{
    ULONG offset = 0;

    while (offset < size)
    {
        ULONG length = size - offset < CHUNK ? size - offset : CHUNK;
        NX_PACKET *packet;
        UINT status = nx_packet_allocate(&pool, &packet, NX_TCP_PACKET, SECONDS(5));

        if (status != NX_SUCCESS)
        {
            fail("nx_packet_allocate", status);
        }
        status = nx_packet_data_append(packet, (VOID *)(data + offset), length, &pool, SECONDS(5));
        if (status != NX_SUCCESS)
        {
            fail("nx_packet_data_append", status);
        }
        status = nx_tcp_socket_send(&sock, packet, SECONDS(10));
        if (status != NX_SUCCESS)
        {
            nx_packet_release(packet);
            fail("nx_tcp_socket_send", status);
        }
        offset += length;
    }
}

static void receive_bytes(UCHAR *data, ULONG size)
{
    ULONG have = 0;

    while (have < size)
    {
        NX_PACKET *packet;
        ULONG length, copied;
        UINT status = nx_tcp_socket_receive(&sock, &packet, SECONDS(10));

        if (status != NX_SUCCESS)
        {
            printf("after %lu of %lu bytes\n", (unsigned long)have, (unsigned long)size);
            fail("nx_tcp_socket_receive", status);
        }
        length = packet->nx_packet_length;
        if (length > size - have)
        {
            nx_packet_release(packet);
            fail("the server echoed more bytes than were sent", NX_SUCCESS);
        }
        status = nx_packet_data_retrieve(packet, data + have, &copied);
        nx_packet_release(packet);
        if (status != NX_SUCCESS || copied != length)
        {
            fail("nx_packet_data_retrieve", status);
        }
        have += length;
    }
}

static void app_entry(ULONG unused)
{
    NX_AF_PACKET_DRIVER_STATS stats;
    ULONG link, total = 0;
    UINT status, i;

    (void)unused;
    status = nx_ip_status_check(&ip, NX_IP_LINK_ENABLED, &link, SECONDS(5));
    if (status != NX_SUCCESS)
    {
        fail("link not enabled", status);
    }
    status = nx_tcp_socket_create(&ip, &sock, "echo", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE,
                                  32768, NX_NULL, NX_NULL);
    if (status != NX_SUCCESS)
    {
        fail("nx_tcp_socket_create", status);
    }
    status = nx_tcp_client_socket_bind(&sock, NX_ANY_PORT, NX_WAIT_FOREVER);
    if (status != NX_SUCCESS)
    {
        fail("nx_tcp_client_socket_bind", status);
    }
    /* The first attempt also resolves the server's MAC with ARP. */
    status = nx_tcp_client_socket_connect(&sock, server_address, server_port, SECONDS(10));
    if (status != NX_SUCCESS)
    {
        fail("nx_tcp_client_socket_connect", status);
    }
    printf("connected\n");

    for (i = 0; i < sizeof message_sizes / sizeof message_sizes[0]; i++)
    {
        ULONG size = message_sizes[i];

        fill(sent, size, i + 1);
        memset(echoed, 0, size);
        send_bytes(sent, size);
        receive_bytes(echoed, size);
        if (memcmp(sent, echoed, size) != 0)
        {
            fail("the echo differs from what was sent", NX_SUCCESS);
        }
        printf("echo of %lu bytes: ok\n", (unsigned long)size);
        total += size;
    }

    status = nx_tcp_socket_disconnect(&sock, SECONDS(5));
    if (status != NX_SUCCESS)
    {
        fail("nx_tcp_socket_disconnect", status);
    }
    nx_tcp_client_socket_unbind(&sock);
    nx_tcp_socket_delete(&sock);

    /* Every packet NetX handed the driver to send, and every packet the
       driver allocated for a received frame, must be back in the pool. */
    tx_thread_sleep(SECONDS(1) / 10);
    if (pool.nx_packet_pool_available != pool.nx_packet_pool_total)
    {
        netx_test_packets_in_use_print(&pool, &ip, &sock, NX_NULL, NX_NULL);
        fail("packets leaked", NX_SUCCESS);
    }
    nx_af_packet_driver_stats(&stats);
    printf("driver: %lu frames sent, %lu received, %lu ignored, %lu receive drops, %lu send errors\n",
           (unsigned long)stats.frames_sent, (unsigned long)stats.frames_received,
           (unsigned long)stats.frames_ignored, (unsigned long)stats.receive_drops,
           (unsigned long)stats.send_errors);
    if (stats.send_errors != 0 || stats.frames_received == 0)
    {
        fail("driver counters", NX_SUCCESS);
    }
    printf("PASS: %lu bytes echoed over NetX Duo on %s\n", (unsigned long)total, NX_AF_PACKET_INTERFACE_NAME);
    exit(0);
}

void tx_application_define(void *first_unused_memory)
{
    UINT status;

    (void)first_unused_memory;
    nx_system_initialize();
    status = nx_packet_pool_create(&pool, "pool", PAYLOAD_SIZE, pool_memory, sizeof pool_memory);
    if (status != NX_SUCCESS)
    {
        fail("nx_packet_pool_create", status);
    }
    status = nx_ip_create(&ip, "ip", NETX_ADDRESS, NETX_NETMASK, &pool, nx_af_packet_driver, ip_stack,
                          sizeof ip_stack, 1);
    if (status != NX_SUCCESS)
    {
        fail("nx_ip_create", status);
    }
    status = netx_test_ip_services_enable(&ip, arp_cache, sizeof arp_cache);
    if (status != NX_SUCCESS)
    {
        fail("enabling ARP, ICMP, TCP", status);
    }
    status = tx_thread_create(&app_thread, "app", app_entry, 0, app_stack, sizeof app_stack, 4, 4,
                              TX_NO_TIME_SLICE, TX_AUTO_START);
    if (status != TX_SUCCESS)
    {
        fail("tx_thread_create", status);
    }
}

int main(int argc, char **argv)
{
    /* stdout is a pipe under CTest: keep each line even if a timeout kills us. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!netx_test_server_args(argc, argv, &server_address, &server_port))
    {
        return 2;
    }
    tx_kernel_enter();
    return 1; /* tx_kernel_enter does not return */
}
