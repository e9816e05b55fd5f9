/*
 * Helpers shared by the NetX Duo test programs of tests/threadx: the ones
 * on ThreadX's Linux port (driver_tcp_echo.c, port_mosquitto_qos012.c,
 * netx_secure_mqtt_mtls.c) and the Cortex-M3 image (qemu_mps2/main.c).
 * Each program keeps its own checks and messages; what is here is the
 * NetX setup they all do the same way and the report that names where a
 * pool packet that did not come back is held.
 */
#ifndef NETX_TEST_SUPPORT_H
#define NETX_TEST_SUPPORT_H

#include "tx_api.h"
#include "nx_api.h"

/* Enables ARP (with the given cache), ICMP and TCP on `ip`; the first
   status that is not NX_SUCCESS, or NX_SUCCESS. */
UINT netx_test_ip_services_enable(NX_IP *ip, VOID *arp_cache, ULONG arp_cache_size);

/* Prints every packet of `pool` that is not free: its index, first bytes
   and the list that holds it, looked for in the socket's receive queue and
   sent-awaiting-ACK queue, the TLS session's record queue and decrypted
   packet (NX_NULL when the program has no TLS), and the IP thread's
   deferred receive and TCP queues. A leak then names its owner instead of
   only a count. `socket` may be NX_NULL. */
VOID netx_test_packets_in_use_print(NX_PACKET_POOL *pool, NX_IP *ip, NX_TCP_SOCKET *socket,
                                    NX_PACKET *tls_record_queue, NX_PACKET *tls_decrypted_packet);

#ifdef __linux__
/* The command line "PROGRAM SERVER_IPV4 PORT" of the Linux programs: the
   address in host order and the port; prints the usage and returns 0 when
   it does not parse, 1 otherwise. */
int netx_test_server_args(int argc, char **argv, ULONG *address, UINT *port);

/* Reads a whole file of at most `size` bytes (a DER certificate or key);
   exits with status 2 and a message when it is missing, empty or larger. */
ULONG netx_test_file_read(const char *path, UCHAR *buffer, ULONG size);
#endif

#endif
