/*
 * NetX Duo Ethernet driver over a Linux AF_PACKET socket (see the header).
 *
 * Transmit runs in the calling ThreadX thread: the packet (chain) is copied
 * behind a freshly built Ethernet header into one flat frame and handed to
 * send(); the packet is released whatever happens, as NetX expects.
 *
 * Receive runs in a plain pthread that ThreadX does not know about. It blocks
 * in poll()/recvfrom() outside ThreadX, and only once a frame for NetX is in
 * hand does it enter ThreadX the way the Linux port's own timer "interrupt"
 * does (_tx_thread_context_save ... _tx_thread_context_restore): inside that
 * window it is an ISR to ThreadX, so it may only use the non-blocking
 * services (nx_packet_allocate with NX_NO_WAIT, the *_deferred_receive
 * dispatchers that queue the packet for the IP thread).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>

#include "tx_api.h"
#include "nx_af_packet_driver.h"

/* The Linux port's ISR bracket; ThreadX declares no prototype for it. */
VOID _tx_thread_context_save(VOID);
VOID _tx_thread_context_restore(VOID);

#define ETHERNET_HEADER_SIZE 14u
#define ETHERNET_MTU 1500u
#define ETHERNET_MAX_FRAME (ETHERNET_HEADER_SIZE + ETHERNET_MTU)
/* poll() timeout: how long NX_LINK_DISABLE may wait for the receive thread. */
#define RECEIVE_POLL_MS 50

#define ETHERTYPE_IPV4 0x0800u
#define ETHERTYPE_ARP 0x0806u
#define ETHERTYPE_RARP 0x8035u
#define ETHERTYPE_IPV6 0x86DDu

typedef struct DRIVER_STATE
{
    NX_IP *ip;
    NX_INTERFACE *interface;
    int fd;
    /* Our MAC as NetX stores it (16 high bits, 32 low bits). */
    ULONG mac_msw;
    ULONG mac_lsw;
    pthread_t receive_thread;
    int receive_thread_started;
    int stop_receiving; /* read by the receive thread: __atomic accesses */
    NX_AF_PACKET_DRIVER_STATS stats;
} DRIVER_STATE;

static DRIVER_STATE driver = {.fd = -1};

static void count(ULONG *counter)
{
    __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

VOID nx_af_packet_driver_stats(NX_AF_PACKET_DRIVER_STATS *stats)
{
    stats->frames_sent = __atomic_load_n(&driver.stats.frames_sent, __ATOMIC_RELAXED);
    stats->frames_received = __atomic_load_n(&driver.stats.frames_received, __ATOMIC_RELAXED);
    stats->frames_ignored = __atomic_load_n(&driver.stats.frames_ignored, __ATOMIC_RELAXED);
    stats->receive_drops = __atomic_load_n(&driver.stats.receive_drops, __ATOMIC_RELAXED);
    stats->send_errors = __atomic_load_n(&driver.stats.send_errors, __ATOMIC_RELAXED);
}

static void put_mac(UCHAR *out, ULONG msw, ULONG lsw)
{
    out[0] = (UCHAR)(msw >> 8);
    out[1] = (UCHAR)msw;
    out[2] = (UCHAR)(lsw >> 24);
    out[3] = (UCHAR)(lsw >> 16);
    out[4] = (UCHAR)(lsw >> 8);
    out[5] = (UCHAR)lsw;
}

/* ---- receive ------------------------------------------------------------ */

/* Unicast to our MAC, broadcast, or multicast (NetX filters multicast groups
   itself). Everything else crossing the veth is the Linux side's business. */
static int frame_is_for_netx(const UCHAR *frame)
{
    UCHAR ours[6];

    if (frame[0] & 0x01u)
    {
        return 1; /* group bit: broadcast or multicast */
    }
    put_mac(ours, __atomic_load_n(&driver.mac_msw, __ATOMIC_RELAXED),
            __atomic_load_n(&driver.mac_lsw, __ATOMIC_RELAXED));
    return memcmp(frame, ours, sizeof ours) == 0;
}

/* Called with a whole frame, outside ThreadX. */
static void deliver_frame(const UCHAR *frame, size_t length)
{
    VOID (*dispatch)(NX_IP *, NX_PACKET *);
    NX_PACKET *packet;
    UINT ethertype;

    if (length < ETHERNET_HEADER_SIZE)
    {
        count(&driver.stats.receive_drops);
        return;
    }
    if (!frame_is_for_netx(frame))
    {
        count(&driver.stats.frames_ignored);
        return;
    }
    ethertype = ((UINT)frame[12] << 8) | frame[13];
    switch (ethertype)
    {
    case ETHERTYPE_IPV4:
    case ETHERTYPE_IPV6:
        dispatch = _nx_ip_packet_deferred_receive;
        break;
#ifndef NX_DISABLE_IPV4
    case ETHERTYPE_ARP:
        dispatch = _nx_arp_packet_deferred_receive;
        break;
    case ETHERTYPE_RARP:
        dispatch = _nx_rarp_packet_deferred_receive;
        break;
#endif
    default:
        count(&driver.stats.frames_ignored);
        return;
    }

    _tx_thread_context_save();
    /* Only the payload goes into the packet: its data area starts aligned, so
       the IP header NetX reads is aligned too. A payload larger than one pool
       packet becomes a chain (nx_packet_data_append allocates the rest). */
    if (nx_packet_allocate(driver.ip->nx_ip_default_packet_pool, &packet, NX_RECEIVE_PACKET, NX_NO_WAIT) != NX_SUCCESS)
    {
        count(&driver.stats.receive_drops);
    }
    else if (nx_packet_data_append(packet, (VOID *)(frame + ETHERNET_HEADER_SIZE),
                                   (ULONG)(length - ETHERNET_HEADER_SIZE),
                                   driver.ip->nx_ip_default_packet_pool, NX_NO_WAIT) != NX_SUCCESS)
    {
        nx_packet_release(packet);
        count(&driver.stats.receive_drops);
    }
    else
    {
        packet->nx_packet_ip_interface = driver.interface;
        dispatch(driver.ip, packet);
        count(&driver.stats.frames_received);
    }
    _tx_thread_context_restore();
}

static void *receive_loop(void *unused)
{
    /* Room for a VLAN tag or a jumbo frame, so that those are seen (and
       dropped) whole instead of arriving truncated. */
    static UCHAR frame[ETHERNET_MAX_FRAME + 512];

    (void)unused;
    while (!__atomic_load_n(&driver.stop_receiving, __ATOMIC_ACQUIRE))
    {
        struct pollfd pfd = {.fd = driver.fd, .events = POLLIN};
        struct sockaddr_ll from;
        socklen_t from_length = sizeof from;
        ssize_t received;
        int ready = poll(&pfd, 1, RECEIVE_POLL_MS);

        if (ready <= 0)
        {
            continue; /* timeout (check the stop flag) or EINTR */
        }
        memset(&from, 0, sizeof from);
        received = recvfrom(driver.fd, frame, sizeof frame, MSG_DONTWAIT | MSG_TRUNC,
                            (struct sockaddr *)&from, &from_length);
        if (received < 0)
        {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            {
                perror("nx_af_packet_driver: recvfrom");
                count(&driver.stats.receive_drops);
            }
            continue;
        }
        /* A packet socket also sees the frames this process sends. */
        if (from.sll_pkttype == PACKET_OUTGOING)
        {
            continue;
        }
        if ((size_t)received > ETHERNET_MAX_FRAME)
        {
            count(&driver.stats.receive_drops);
            continue;
        }
        deliver_frame(frame, (size_t)received);
    }
    return NULL;
}

static UINT start_receiving(void)
{
    struct sched_param param;

    if (driver.receive_thread_started)
    {
        return NX_SUCCESS;
    }
    __atomic_store_n(&driver.stop_receiving, 0, __ATOMIC_RELEASE);
    if (pthread_create(&driver.receive_thread, NULL, receive_loop, NULL) != 0)
    {
        fprintf(stderr, "nx_af_packet_driver: cannot start the receive thread\n");
        return NX_NOT_SUCCESSFUL;
    }
    /* Like the port's timer thread: a simulated interrupt must be able to
       preempt ThreadX threads. Without the privilege, it still works, only
       with less predictable latency. */
    memset(&param, 0, sizeof param);
    param.sched_priority = TX_LINUX_PRIORITY_ISR;
    (void)pthread_setschedparam(driver.receive_thread, SCHED_FIFO, &param);
    driver.receive_thread_started = 1;
    return NX_SUCCESS;
}

static void stop_receiving(void)
{
    if (driver.receive_thread_started)
    {
        __atomic_store_n(&driver.stop_receiving, 1, __ATOMIC_RELEASE);
        pthread_join(driver.receive_thread, NULL);
        driver.receive_thread_started = 0;
    }
}

/* ---- transmit ----------------------------------------------------------- */

/* Sends the request's packet behind an Ethernet header and releases it. */
static UINT send_frame(NX_IP_DRIVER *request, UINT ethertype, int broadcast)
{
    UCHAR frame[ETHERNET_MAX_FRAME];
    NX_PACKET *packet = request->nx_ip_driver_packet;
    NX_PACKET *part;
    ULONG length = packet->nx_packet_length;
    size_t copied = 0;
    UINT status = NX_SUCCESS;

    if (length > ETHERNET_MTU || driver.fd < 0)
    {
        status = NX_NOT_SUCCESSFUL;
    }
    else
    {
        if (broadcast)
        {
            memset(frame, 0xFF, 6);
        }
        else
        {
            put_mac(frame, request->nx_ip_driver_physical_address_msw,
                    request->nx_ip_driver_physical_address_lsw);
        }
        put_mac(frame + 6, driver.mac_msw, driver.mac_lsw);
        frame[12] = (UCHAR)(ethertype >> 8);
        frame[13] = (UCHAR)ethertype;
        for (part = packet; part != NX_NULL && status == NX_SUCCESS;)
        {
            size_t chunk = (size_t)(part->nx_packet_append_ptr - part->nx_packet_prepend_ptr);

            if (copied + chunk > length)
            {
                status = NX_NOT_SUCCESSFUL; /* chain longer than nx_packet_length */
                break;
            }
            memcpy(frame + ETHERNET_HEADER_SIZE + copied, part->nx_packet_prepend_ptr, chunk);
            copied += chunk;
#ifndef NX_DISABLE_PACKET_CHAIN
            part = part->nx_packet_next;
#else
            part = NX_NULL;
#endif
        }
        if (status == NX_SUCCESS && copied != length)
        {
            status = NX_NOT_SUCCESSFUL;
        }
        if (status == NX_SUCCESS)
        {
            ssize_t sent;

            do
            {
                sent = send(driver.fd, frame, ETHERNET_HEADER_SIZE + copied, 0);
            } while (sent < 0 && errno == EINTR);
            if (sent != (ssize_t)(ETHERNET_HEADER_SIZE + copied))
            {
                perror("nx_af_packet_driver: send");
                status = NX_NOT_SUCCESSFUL;
            }
        }
    }
    if (status == NX_SUCCESS)
    {
        count(&driver.stats.frames_sent);
    }
    else
    {
        count(&driver.stats.send_errors);
    }
    nx_packet_transmit_release(packet);
    return status;
}

static UINT ip_ethertype(const NX_PACKET *packet)
{
#ifdef FEATURE_NX_IPV6
    if (packet->nx_packet_ip_version == NX_IP_VERSION_V6)
    {
        return ETHERTYPE_IPV6;
    }
#else
    (void)packet;
#endif
    return ETHERTYPE_IPV4;
}

/* ---- link control -------------------------------------------------------- */

static UINT open_socket(void)
{
    struct sockaddr_ll address;
    unsigned int index;
    int fd;

    index = if_nametoindex(NX_AF_PACKET_INTERFACE_NAME);
    if (index == 0)
    {
        fprintf(stderr, "nx_af_packet_driver: no interface %s: %s\n", NX_AF_PACKET_INTERFACE_NAME, strerror(errno));
        return NX_NOT_SUCCESSFUL;
    }
    fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (fd < 0)
    {
        perror("nx_af_packet_driver: socket(AF_PACKET) (needs root or CAP_NET_RAW)");
        return NX_NOT_SUCCESSFUL;
    }
    /* Every field bind() does not use must be zero, or later sends fail
       with EINVAL. */
    memset(&address, 0, sizeof address);
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = (int)index;
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0)
    {
        perror("nx_af_packet_driver: bind");
        close(fd);
        return NX_NOT_SUCCESSFUL;
    }
    driver.fd = fd;
    return NX_SUCCESS;
}

static void shut_down(void)
{
    stop_receiving();
    if (driver.fd >= 0)
    {
        close(driver.fd);
        driver.fd = -1;
    }
    driver.ip = NX_NULL;
    driver.interface = NX_NULL;
}

VOID nx_af_packet_driver(NX_IP_DRIVER *request)
{
    NX_INTERFACE *interface = request->nx_ip_driver_interface;

    request->nx_ip_driver_status = NX_SUCCESS;
    switch (request->nx_ip_driver_command)
    {
    case NX_LINK_INTERFACE_ATTACH:
        if (driver.interface != NX_NULL && driver.interface != interface)
        {
            fprintf(stderr, "nx_af_packet_driver: one interface per process\n");
            request->nx_ip_driver_status = NX_NOT_SUCCESSFUL;
            break;
        }
        driver.ip = request->nx_ip_driver_ptr;
        driver.interface = interface;
        break;

    case NX_LINK_INITIALIZE:
        driver.ip = request->nx_ip_driver_ptr;
        driver.interface = interface;
        if (driver.fd < 0 && open_socket() != NX_SUCCESS)
        {
            request->nx_ip_driver_status = NX_NOT_SUCCESSFUL;
            break;
        }
        __atomic_store_n(&driver.mac_msw, NX_AF_PACKET_MAC_MSW, __ATOMIC_RELAXED);
        __atomic_store_n(&driver.mac_lsw, NX_AF_PACKET_MAC_LSW, __ATOMIC_RELAXED);
        interface->nx_interface_physical_address_msw = NX_AF_PACKET_MAC_MSW;
        interface->nx_interface_physical_address_lsw = NX_AF_PACKET_MAC_LSW;
        interface->nx_interface_address_mapping_needed = NX_TRUE; /* ARP / ND */
        interface->nx_interface_ip_mtu_size = ETHERNET_MTU;
        break;

    case NX_LINK_ENABLE:
        request->nx_ip_driver_status = start_receiving();
        if (request->nx_ip_driver_status == NX_SUCCESS)
        {
            interface->nx_interface_link_up = NX_TRUE;
        }
        break;

    case NX_LINK_DISABLE:
        interface->nx_interface_link_up = NX_FALSE;
        stop_receiving();
        break;

    case NX_LINK_UNINITIALIZE:
    case NX_LINK_INTERFACE_DETACH:
        interface->nx_interface_link_up = NX_FALSE;
        shut_down();
        break;

    case NX_LINK_PACKET_SEND:
        request->nx_ip_driver_status = send_frame(request, ip_ethertype(request->nx_ip_driver_packet), 0);
        break;
    case NX_LINK_PACKET_BROADCAST:
        request->nx_ip_driver_status = send_frame(request, ip_ethertype(request->nx_ip_driver_packet), 1);
        break;
    case NX_LINK_ARP_SEND:
        request->nx_ip_driver_status = send_frame(request, ETHERTYPE_ARP, 1);
        break;
    case NX_LINK_ARP_RESPONSE_SEND:
        request->nx_ip_driver_status = send_frame(request, ETHERTYPE_ARP, 0);
        break;
    case NX_LINK_RARP_SEND:
        request->nx_ip_driver_status = send_frame(request, ETHERTYPE_RARP, 1);
        break;

    case NX_LINK_MULTICAST_JOIN:
    case NX_LINK_MULTICAST_LEAVE:
        /* Every multicast frame reaches the socket already; NetX keeps the
           group list and drops what it did not join. */
        break;

    case NX_LINK_GET_STATUS:
        *request->nx_ip_driver_return_ptr = interface->nx_interface_link_up;
        break;

    case NX_LINK_SET_PHYSICAL_ADDRESS:
        /* NetX has stored the new address in the interface already. */
        __atomic_store_n(&driver.mac_msw, request->nx_ip_driver_physical_address_msw, __ATOMIC_RELAXED);
        __atomic_store_n(&driver.mac_lsw, request->nx_ip_driver_physical_address_lsw, __ATOMIC_RELAXED);
        break;

    case NX_LINK_DEFERRED_PROCESSING:
        break; /* the receive thread does all its work itself */

    default:
        request->nx_ip_driver_status = NX_UNHANDLED_COMMAND;
        break;
    }
}
