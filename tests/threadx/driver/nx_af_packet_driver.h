/*
 * A NetX Duo Ethernet network driver for ThreadX's Linux port: frames go in
 * and out of one Linux interface (one end of a veth pair) through an
 * AF_PACKET socket. Written for rsmqtt's tests, so that a NetX Duo IP
 * instance can talk to real Linux servers (Mosquitto, an echo server) inside
 * a network namespace. Root (CAP_NET_RAW) is needed to open the socket.
 *
 * Configuration (compile-time macros):
 *   NX_AF_PACKET_INTERFACE_NAME  the Linux interface to bind ("veth1")
 *   NX_AF_PACKET_MAC_MSW/_LSW    the MAC NetX uses on it (default
 *                                02:00:00:00:00:02, locally administered and
 *                                deliberately not the interface's own, so the
 *                                Linux stack on that interface ignores the
 *                                frames meant for NetX)
 *
 * One interface per process: a second NX_LINK_INTERFACE_ATTACH fails.
 */
#ifndef NX_AF_PACKET_DRIVER_H
#define NX_AF_PACKET_DRIVER_H

#include "nx_api.h"

#ifndef NX_AF_PACKET_INTERFACE_NAME
#define NX_AF_PACKET_INTERFACE_NAME "veth1"
#endif
#ifndef NX_AF_PACKET_MAC_MSW
#define NX_AF_PACKET_MAC_MSW 0x0200UL
#endif
#ifndef NX_AF_PACKET_MAC_LSW
#define NX_AF_PACKET_MAC_LSW 0x00000002UL
#endif

/* The entry point handed to nx_ip_create / nx_ip_interface_attach. */
VOID nx_af_packet_driver(NX_IP_DRIVER *driver_req_ptr);

/* Counters, for tests and diagnostics (not reset by the driver). */
typedef struct NX_AF_PACKET_DRIVER_STATS
{
    ULONG frames_sent;
    ULONG frames_received;      /* handed to NetX */
    ULONG frames_ignored;       /* not for our MAC, or an EtherType NetX does not take */
    ULONG receive_drops;        /* no packet in the pool, or too short */
    ULONG send_errors;          /* too long, or send() failed */
} NX_AF_PACKET_DRIVER_STATS;

VOID nx_af_packet_driver_stats(NX_AF_PACKET_DRIVER_STATS *stats);

#endif /* NX_AF_PACKET_DRIVER_H */
