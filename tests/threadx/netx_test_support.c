/* See netx_test_support.h. */
#ifdef __linux__
/* Before nx_api.h: NetX's Linux port defines ntohl and htonl as macros. */
#include <arpa/inet.h>
#include <stdlib.h>
#endif
#include <stdio.h>

#include "netx_test_support.h"
#include "nx_packet.h" /* NX_PACKET_FREE: the mark of a packet in its pool */

#ifdef __linux__
/* The Linux programs write to a pipe or a file. */
#define EOL "\n"
#else
/* The Cortex-M3 image writes to a UART: a terminal wants CR LF. */
#define EOL "\r\n"
#endif

UINT netx_test_ip_services_enable(NX_IP *ip, VOID *arp_cache, ULONG arp_cache_size)
{
    UINT status = nx_arp_enable(ip, arp_cache, arp_cache_size);
    if (status == NX_SUCCESS)
    {
        status = nx_icmp_enable(ip);
    }
    if (status == NX_SUCCESS)
    {
        status = nx_tcp_enable(ip);
    }
    return status;
}

/* Whether `packet` is on the list from `head` linked through the TCP queue
   link, which ends at `tail` (its own link is a mark, not NX_NULL). */
static UINT on_tcp_queue(NX_PACKET *head, NX_PACKET *tail, NX_PACKET *packet)
{
    NX_PACKET *q;
    for (q = head; q != NX_NULL; q = q->nx_packet_union_next.nx_packet_tcp_queue_next)
    {
        if (q == packet)
        {
            return NX_TRUE;
        }
        if (q == tail)
        {
            break;
        }
    }
    return NX_FALSE;
}

/* Whether `packet` is on the list from `head` linked through `link`. */
static UINT on_list(NX_PACKET *head, NX_PACKET *packet, UINT through_chain)
{
    NX_PACKET *q;
    for (q = head; q != NX_NULL; q = through_chain ? q->nx_packet_next : q->nx_packet_queue_next)
    {
        if (q == packet)
        {
            return NX_TRUE;
        }
    }
    return NX_FALSE;
}

static const char *holder(NX_PACKET *packet, NX_IP *ip, NX_TCP_SOCKET *socket, NX_PACKET *tls_record_queue,
                          NX_PACKET *tls_decrypted_packet)
{
    if (socket != NX_NULL &&
        on_tcp_queue(socket->nx_tcp_socket_receive_queue_head, socket->nx_tcp_socket_receive_queue_tail, packet))
    {
        return "TCP receive queue";
    }
    if (socket != NX_NULL &&
        on_tcp_queue(socket->nx_tcp_socket_transmit_sent_head, socket->nx_tcp_socket_transmit_sent_tail, packet))
    {
        return "TCP sent queue (awaiting ACK)";
    }
    /* NetX Secure chains the records it has not processed yet. */
    if (on_list(tls_record_queue, packet, NX_TRUE))
    {
        return "TLS record queue";
    }
    if (packet == tls_decrypted_packet)
    {
        return "TLS decrypted packet";
    }
    if (on_list(ip->nx_ip_deferred_received_packet_head, packet, NX_FALSE))
    {
        return "IP deferred receive queue";
    }
    if (on_list(ip->nx_ip_tcp_queue_head, packet, NX_FALSE))
    {
        return "IP TCP queue";
    }
    return "no list found";
}

VOID netx_test_packets_in_use_print(NX_PACKET_POOL *pool, NX_IP *ip, NX_TCP_SOCKET *socket,
                                    NX_PACKET *tls_record_queue, NX_PACKET *tls_decrypted_packet)
{
    /* nx_packet_pool_create lays the packets out back to back from
       nx_packet_pool_start: header, then the payload rounded up to the
       packet alignment. */
    NX_PACKET *first = (NX_PACKET *)pool->nx_packet_pool_start;
    ULONG header = (ULONG)(first->nx_packet_data_start - (UCHAR *)first);
    ULONG stride = ((header + pool->nx_packet_pool_payload_size + NX_PACKET_ALIGNMENT - 1u) / NX_PACKET_ALIGNMENT) *
                   NX_PACKET_ALIGNMENT;
    ULONG i;

    printf("%s: %lu of %lu packets free", pool->nx_packet_pool_name, pool->nx_packet_pool_available,
           pool->nx_packet_pool_total);
    if (socket != NX_NULL)
    {
        printf("; socket state %u, receive queue %lu, sent queue %lu, %s", socket->nx_tcp_socket_state,
               socket->nx_tcp_socket_receive_queue_count, socket->nx_tcp_socket_transmit_sent_count,
               socket->nx_tcp_socket_bound_next != NX_NULL ? "bound" : "not bound");
    }
    printf(EOL);
    for (i = 0; i < pool->nx_packet_pool_total; i++)
    {
        NX_PACKET *packet = (NX_PACKET *)((UCHAR *)first + i * stride);
        NX_PACKET *mark = packet->nx_packet_union_next.nx_packet_tcp_queue_next;
        const UCHAR *b = packet->nx_packet_prepend_ptr;
        if (mark == (NX_PACKET *)NX_PACKET_FREE)
        {
            continue;
        }
        printf("  in use: packet %lu, length %lu, data at +%ld: %02x %02x %02x %02x %02x %02x, in %s" EOL, i,
               packet->nx_packet_length, (long)(b - packet->nx_packet_data_start), b[0], b[1], b[2], b[3], b[4],
               b[5], holder(packet, ip, socket, tls_record_queue, tls_decrypted_packet));
    }
}

#ifdef __linux__
int netx_test_server_args(int argc, char **argv, ULONG *address, UINT *port)
{
    struct in_addr parsed;
    if (argc != 3 || inet_pton(AF_INET, argv[1], &parsed) != 1 || atoi(argv[2]) <= 0 || atoi(argv[2]) > 65535)
    {
        fprintf(stderr, "usage: %s SERVER_IPV4 PORT\n", argc > 0 ? argv[0] : "program");
        return 0;
    }
    *address = ntohl(parsed.s_addr);
    *port = (UINT)atoi(argv[2]);
    return 1;
}

ULONG netx_test_file_read(const char *path, UCHAR *buffer, ULONG size)
{
    FILE *file = fopen(path, "rb");
    size_t length;

    if (file == NULL)
    {
        perror(path);
        exit(2);
    }
    length = fread(buffer, 1, size, file);
    if (ferror(file) || !feof(file) || length == 0)
    {
        fprintf(stderr, "%s: empty, unreadable or larger than %lu bytes\n", path, (unsigned long)size);
        exit(2);
    }
    fclose(file);
    return (ULONG)length;
}
#endif
