/*
 * A NetX Duo Ethernet driver for the SMSC LAN9118 as QEMU's mps2-an385
 * board has it (registers at 0x40200000, NVIC interrupt 13, 32-bit bus).
 *
 *   nx_ip_create(&ip, "ip", address, mask, &pool, nx_lan9118_driver, ...);
 *
 * One interface per image. The board's vector table must route interrupt 13
 * to nx_lan9118_interrupt.
 */
#ifndef NX_LAN9118_DRIVER_H
#define NX_LAN9118_DRIVER_H

#include "nx_api.h"

/* The MAC address the driver programs (a locally administered one). */
#define NX_LAN9118_MAC_MSW 0x0252UL     /* 02:52 */
#define NX_LAN9118_MAC_LSW 0x534D0A0FUL /* 53:4D:0A:0F */

/* The driver entry NetX calls for every link request. */
VOID nx_lan9118_driver(NX_IP_DRIVER *request);

/* The LAN9118's interrupt handler (NVIC interrupt 13). */
void nx_lan9118_interrupt(void);

typedef struct NX_LAN9118_STATS
{
    ULONG frames_sent;
    ULONG frames_sent_chained; /* of those, from a chain of several buffers */
    ULONG frames_received;   /* handed to NetX */
    ULONG frames_ignored;    /* an EtherType NetX does not take */
    ULONG receive_errors;    /* error status from the chip, or a frame too long */
    ULONG receive_no_packet; /* the pool was empty: frame dropped */
    ULONG send_errors;
    ULONG interrupts;
    ULONG most_frames_per_wakeup; /* the most frames one wake-up read */
} NX_LAN9118_STATS;

/* A snapshot of the driver's counters. */
VOID nx_lan9118_driver_stats(NX_LAN9118_STATS *stats);

#endif
