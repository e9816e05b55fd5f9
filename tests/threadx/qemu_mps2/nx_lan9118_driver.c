/*
 * NetX Duo driver for the SMSC LAN9118 Ethernet controller of QEMU's
 * mps2-an385 board (see the header), written from the controller's
 * datasheet: direct-mapped 32-bit registers, a transmit data FIFO fed with
 * two command words per buffer, receive data and status FIFOs.
 *
 * Transmit runs in the calling thread (NetX calls the driver with the IP
 * instance's mutex held): the Ethernet header is prepended in the packet's
 * own headroom, each buffer of the chain goes into the TX data FIFO as one
 * segment (TX command A/B, with the buffer's misalignment as the segment's
 * data start offset, so nothing is copied), and the header is taken off
 * again before nx_packet_transmit_release, because TCP keeps the packet for
 * a retransmission.
 *
 * Receive: the interrupt (RX status FIFO level) masks itself and wakes the
 * driver's receive thread, which empties the status FIFO. Each frame's words
 * are read from the RX data FIFO straight into a pool packet, two bytes into
 * it (RX_CFG's data offset), so the IP header after the 14-byte Ethernet
 * header starts on a word boundary; then the packet goes to NetX with
 * _nx_ip_packet_deferred_receive / _nx_arp_packet_deferred_receive /
 * _nx_rarp_packet_deferred_receive, which queue it for the IP thread. Only
 * then is the interrupt unmasked again; a frame that arrived meanwhile has
 * left its status bit set and raises it at once.
 */
#include <stdint.h>
#include <string.h>

#include "tx_api.h"
#include "nx_api.h"
#include "board.h"
#include "nx_lan9118_driver.h"

/* ---- registers (byte offsets from the base) --------------------------------- */
#define LAN9118_BASE 0x40200000UL
#define REG(offset) (*(volatile uint32_t *)(LAN9118_BASE + (offset)))
#define RX_DATA_FIFO REG(0x00u)
#define TX_DATA_FIFO REG(0x20u)
#define RX_STATUS_FIFO REG(0x40u)
#define ID_REV REG(0x50u)
#define IRQ_CFG REG(0x54u)
#define INT_STS REG(0x58u)
#define INT_EN REG(0x5Cu)
#define BYTE_TEST REG(0x64u)
#define FIFO_INT REG(0x68u)
#define RX_CFG REG(0x6Cu)
#define TX_CFG REG(0x70u)
#define HW_CFG REG(0x74u)
#define RX_FIFO_INF REG(0x7Cu)
#define TX_FIFO_INF REG(0x80u)
#define PMT_CTRL REG(0x84u)
#define MAC_CSR_CMD REG(0xA4u)
#define MAC_CSR_DATA REG(0xA8u)

#define BYTE_TEST_VALUE 0x87654321UL
#define ID_REV_CHIP_ID(v) ((v) >> 16)
#define CHIP_ID_LAN9118 0x0118u

#define IRQ_CFG_IRQ_EN (1u << 8)
#define IRQ_CFG_IRQ_POL_HIGH (1u << 4)
#define IRQ_CFG_IRQ_TYPE_PUSH_PULL (1u << 0)
#define INT_RSFL (1u << 3)          /* RX status FIFO level reached */
#define RX_CFG_RXDOFF(bytes) ((uint32_t)(bytes) << 8)
#define TX_CFG_TX_ON (1u << 1)
#define TX_CFG_TXSAO (1u << 2)      /* TX status FIFO may overrun: never read */
#define HW_CFG_SRST (1u << 0)
#define PMT_CTRL_READY (1u << 0)
#define RX_FIFO_INF_STATUS_USED(v) (((v) >> 16) & 0xFFu)
#define TX_FIFO_INF_DATA_FREE(v) ((v) & 0xFFFFu)

/* RX status word. */
#define RX_STS_LENGTH(v) (((v) >> 16) & 0x3FFFu) /* frame length with the CRC */
#define RX_STS_ERROR (1u << 15)

/* TX command A and B. */
#define TX_CMD_A_BUFFER_SIZE(n) ((uint32_t)(n) & 0x7FFu)
#define TX_CMD_A_DATA_OFFSET(n) (((uint32_t)(n) & 0x1Fu) << 16)
#define TX_CMD_A_FIRST_SEGMENT (1u << 13)
#define TX_CMD_A_LAST_SEGMENT (1u << 12)
#define TX_CMD_B_PACKET_LENGTH(n) ((uint32_t)(n) & 0x7FFu)
#define TX_CMD_B_TAG(n) (((uint32_t)(n) & 0xFFFFu) << 16)

/* MAC control and status registers, reached through MAC_CSR_CMD/DATA. */
#define MAC_CSR_BUSY (1u << 31)
#define MAC_CSR_READ (1u << 30)
#define MAC_CR 1u
#define MAC_ADDRH 2u
#define MAC_ADDRL 3u
#define MAC_MII_ACC 6u
#define MAC_MII_DATA 7u
#define MAC_CR_RXEN (1u << 2)
#define MAC_CR_TXEN (1u << 3)
#define MAC_CR_MCPAS (1u << 19)     /* pass all multicast frames */
#define MAC_CR_FDPX (1u << 20)      /* full duplex */
#define MII_ACC_PHY_ADDRESS(a) ((uint32_t)(a) << 11)
#define MII_ACC_REGISTER(r) ((uint32_t)(r) << 6)
#define MII_ACC_WRITE (1u << 1)
#define MII_ACC_BUSY (1u << 0)
#define PHY_INTERNAL 1u
#define PHY_BASIC_STATUS 1u
#define PHY_BASIC_STATUS_LINK_UP (1u << 2)

/* Bounded busy-waits for the controller (it answers within microseconds). */
#define SPIN_LIMIT 100000u

#define ETHERNET_HEADER_SIZE 14u
#define ETHERNET_MTU 1500u
#define ETHERNET_CRC_SIZE 4u
/* The receive data offset: puts the IP header on a word boundary. */
#define RX_DATA_OFFSET 2u

#define ETHERTYPE_IPV4 0x0800u
#define ETHERTYPE_ARP 0x0806u
#define ETHERTYPE_RARP 0x8035u
#define ETHERTYPE_IPV6 0x86DDu

/* The NVIC priority byte of the interrupt: above PendSV (0xFF), where
   ThreadX schedules. */
#define ETHERNET_IRQ_PRIORITY 0x40u
#define RECEIVE_THREAD_PRIORITY 1u
#define RECEIVE_THREAD_STACK_SIZE 2048u

typedef struct DRIVER
{
    NX_IP *ip;
    NX_INTERFACE *interface;
    UINT initialized;
    UINT multicast_groups;
    USHORT tx_tag;
    TX_THREAD receive_thread;
    TX_SEMAPHORE receive_wakeup;
    ULONG receive_stack[RECEIVE_THREAD_STACK_SIZE / sizeof(ULONG)];
    NX_LAN9118_STATS stats;
} DRIVER;

static DRIVER driver;

VOID nx_lan9118_driver_stats(NX_LAN9118_STATS *stats)
{
    TX_INTERRUPT_SAVE_AREA
    TX_DISABLE
    *stats = driver.stats;
    TX_RESTORE
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

/* ---- MAC and PHY registers ----------------------------------------------------- */

static UINT mac_csr_wait(void)
{
    uint32_t spins;
    for (spins = 0; spins < SPIN_LIMIT; spins++)
    {
        if ((MAC_CSR_CMD & MAC_CSR_BUSY) == 0u)
        {
            return NX_SUCCESS;
        }
    }
    return NX_NOT_SUCCESSFUL;
}

static UINT mac_write(uint32_t index, uint32_t value)
{
    if (mac_csr_wait() != NX_SUCCESS)
    {
        return NX_NOT_SUCCESSFUL;
    }
    MAC_CSR_DATA = value;
    MAC_CSR_CMD = MAC_CSR_BUSY | index;
    return mac_csr_wait();
}

static UINT mac_read(uint32_t index, uint32_t *value)
{
    if (mac_csr_wait() != NX_SUCCESS)
    {
        return NX_NOT_SUCCESSFUL;
    }
    MAC_CSR_CMD = MAC_CSR_BUSY | MAC_CSR_READ | index;
    if (mac_csr_wait() != NX_SUCCESS)
    {
        return NX_NOT_SUCCESSFUL;
    }
    *value = MAC_CSR_DATA;
    return NX_SUCCESS;
}

static UINT phy_read(uint32_t phy_register, uint32_t *value)
{
    uint32_t spins, access;

    if (mac_write(MAC_MII_ACC, MII_ACC_PHY_ADDRESS(PHY_INTERNAL) | MII_ACC_REGISTER(phy_register) |
                                   MII_ACC_BUSY) != NX_SUCCESS)
    {
        return NX_NOT_SUCCESSFUL;
    }
    for (spins = 0; spins < SPIN_LIMIT; spins++)
    {
        if (mac_read(MAC_MII_ACC, &access) != NX_SUCCESS)
        {
            return NX_NOT_SUCCESSFUL;
        }
        if ((access & MII_ACC_BUSY) == 0u)
        {
            return mac_read(MAC_MII_DATA, value);
        }
    }
    return NX_NOT_SUCCESSFUL;
}

static UINT mac_address_set(ULONG msw, ULONG lsw)
{
    UCHAR mac[6];

    put_mac(mac, msw, lsw);
    /* ADDRL holds the first four bytes on the wire, the first in bits 7:0;
       ADDRH the last two. */
    if (mac_write(MAC_ADDRL, (uint32_t)mac[0] | ((uint32_t)mac[1] << 8) | ((uint32_t)mac[2] << 16) |
                                 ((uint32_t)mac[3] << 24)) != NX_SUCCESS)
    {
        return NX_NOT_SUCCESSFUL;
    }
    return mac_write(MAC_ADDRH, (uint32_t)mac[4] | ((uint32_t)mac[5] << 8));
}

static uint32_t mac_control(UINT enabled)
{
    uint32_t value = MAC_CR_FDPX;
    if (enabled)
    {
        value |= MAC_CR_RXEN | MAC_CR_TXEN;
    }
    if (driver.multicast_groups > 0u)
    {
        /* NetX filters the groups itself; the chip passes every multicast. */
        value |= MAC_CR_MCPAS;
    }
    return value;
}

/* ---- bring-up ------------------------------------------------------------------- */

static UINT chip_initialize(void)
{
    uint32_t spins;

    /* The byte-order test register reads the same in any state. */
    if (BYTE_TEST != BYTE_TEST_VALUE || ID_REV_CHIP_ID(ID_REV) != CHIP_ID_LAN9118)
    {
        return NX_NOT_SUCCESSFUL;
    }
    HW_CFG = HW_CFG_SRST;
    for (spins = 0; spins < SPIN_LIMIT && (HW_CFG & HW_CFG_SRST) != 0u; spins++)
    {
    }
    for (spins = 0; spins < SPIN_LIMIT && (PMT_CTRL & PMT_CTRL_READY) == 0u; spins++)
    {
    }
    if ((HW_CFG & HW_CFG_SRST) != 0u || (PMT_CTRL & PMT_CTRL_READY) == 0u)
    {
        return NX_NOT_SUCCESSFUL;
    }
    if (mac_address_set(NX_LAN9118_MAC_MSW, NX_LAN9118_MAC_LSW) != NX_SUCCESS ||
        mac_write(MAC_CR, mac_control(NX_FALSE)) != NX_SUCCESS)
    {
        return NX_NOT_SUCCESSFUL;
    }
    RX_CFG = RX_CFG_RXDOFF(RX_DATA_OFFSET);
    TX_CFG = TX_CFG_TX_ON | TX_CFG_TXSAO;
    /* Interrupt when the RX status FIFO holds more than 0 entries; the line
       active high, push-pull, as the NVIC input expects. */
    FIFO_INT = 0u;
    INT_EN = 0u;
    INT_STS = 0xFFFFFFFFu;
    IRQ_CFG = IRQ_CFG_IRQ_EN | IRQ_CFG_IRQ_POL_HIGH | IRQ_CFG_IRQ_TYPE_PUSH_PULL;
    return NX_SUCCESS;
}

/* ---- receive -------------------------------------------------------------------- */

void nx_lan9118_interrupt(void)
{
    uint32_t pending = INT_STS & INT_EN;

    driver.stats.interrupts++;
    if (pending & INT_RSFL)
    {
        /* Masked until the receive thread has emptied the FIFO: the line is
           a level, it would fire again at once. */
        INT_EN &= ~INT_RSFL;
        tx_semaphore_ceiling_put(&driver.receive_wakeup, 1);
    }
    INT_STS = pending & ~INT_RSFL;
}

/* Reads and drops a frame's words (the FIFO must be read to move on). */
static void rx_discard(uint32_t words)
{
    while (words-- > 0u)
    {
        (void)RX_DATA_FIFO;
    }
}

static void rx_frame(uint32_t status)
{
    uint32_t length = RX_STS_LENGTH(status);
    uint32_t words = (RX_DATA_OFFSET + length + 3u) / 4u;
    VOID (*dispatch)(NX_IP *, NX_PACKET *);
    NX_PACKET *packet;
    uint32_t *target;
    UCHAR *frame;
    UINT ethertype;

    if ((status & RX_STS_ERROR) != 0u || length < ETHERNET_HEADER_SIZE + ETHERNET_CRC_SIZE ||
        length > ETHERNET_HEADER_SIZE + ETHERNET_MTU + ETHERNET_CRC_SIZE)
    {
        rx_discard(words);
        driver.stats.receive_errors++;
        return;
    }
    if (nx_packet_allocate(driver.ip->nx_ip_default_packet_pool, &packet, NX_RECEIVE_PACKET, NX_NO_WAIT) !=
        NX_SUCCESS)
    {
        rx_discard(words);
        driver.stats.receive_no_packet++;
        return;
    }
    target = (uint32_t *)(((uintptr_t)packet->nx_packet_data_start + 3u) & ~(uintptr_t)3u);
    if ((UCHAR *)(target + words) > packet->nx_packet_data_end)
    {
        /* A pool whose packets cannot hold a full frame: NetX does not take
           chains from a driver here, so the frame is lost. */
        rx_discard(words);
        nx_packet_release(packet);
        driver.stats.receive_errors++;
        return;
    }
    for (uint32_t i = 0; i < words; i++)
    {
        target[i] = RX_DATA_FIFO;
    }
    frame = (UCHAR *)target + RX_DATA_OFFSET;
    ethertype = ((UINT)frame[12] << 8) | frame[13];
    switch (ethertype)
    {
    case ETHERTYPE_IPV4:
    case ETHERTYPE_IPV6:
        dispatch = _nx_ip_packet_deferred_receive;
        break;
    case ETHERTYPE_ARP:
        dispatch = _nx_arp_packet_deferred_receive;
        break;
    case ETHERTYPE_RARP:
        dispatch = _nx_rarp_packet_deferred_receive;
        break;
    default:
        nx_packet_release(packet);
        driver.stats.frames_ignored++;
        return;
    }
    /* The packet is the frame's payload, without the header and the CRC. */
    packet->nx_packet_prepend_ptr = frame + ETHERNET_HEADER_SIZE;
    packet->nx_packet_append_ptr = frame + length - ETHERNET_CRC_SIZE;
    packet->nx_packet_length = length - ETHERNET_CRC_SIZE - ETHERNET_HEADER_SIZE;
    packet->nx_packet_ip_interface = driver.interface;
    driver.stats.frames_received++;
    dispatch(driver.ip, packet);
}

static VOID receive_thread_entry(ULONG unused)
{
    (void)unused;
    for (;;)
    {
        ULONG frames = 0;
        (void)tx_semaphore_get(&driver.receive_wakeup, TX_WAIT_FOREVER);
        for (;;)
        {
            while (RX_FIFO_INF_STATUS_USED(RX_FIFO_INF) > 0u)
            {
                rx_frame(RX_STATUS_FIFO);
                frames++;
            }
            /* Clear the level status, then look again: a frame that came
               in between set it before the clear and is still counted. */
            INT_STS = INT_RSFL;
            if (RX_FIFO_INF_STATUS_USED(RX_FIFO_INF) == 0u)
            {
                break;
            }
        }
        if (frames > driver.stats.most_frames_per_wakeup)
        {
            driver.stats.most_frames_per_wakeup = frames;
        }
        INT_EN |= INT_RSFL;
    }
}

/* ---- transmit ------------------------------------------------------------------- */

/* Writes one buffer as a TX segment: its words from the aligned address at
   or below the data, the misalignment as the segment's start offset. */
static void tx_segment(const UCHAR *data, ULONG size, uint32_t flags, ULONG frame_length)
{
    uintptr_t offset = (uintptr_t)data & 3u;
    const uint32_t *word = (const uint32_t *)(const void *)(data - offset);
    uint32_t words = (uint32_t)((offset + size + 3u) / 4u);

    TX_DATA_FIFO = flags | TX_CMD_A_DATA_OFFSET(offset) | TX_CMD_A_BUFFER_SIZE(size);
    TX_DATA_FIFO = TX_CMD_B_TAG(driver.tx_tag) | TX_CMD_B_PACKET_LENGTH(frame_length);
    while (words-- > 0u)
    {
        TX_DATA_FIFO = *word++;
    }
}

/* Sends the request's packet behind an Ethernet header and releases it. */
static UINT send_frame(NX_IP_DRIVER *request, UINT ethertype, UINT broadcast)
{
    TX_INTERRUPT_SAVE_AREA
    NX_PACKET *packet = request->nx_ip_driver_packet;
    NX_PACKET *part;
    ULONG frame_length;
    ULONG needed = 0;
    ULONG total = 0;
    UINT segments = 0;
    UCHAR *header;
    UINT status = NX_SUCCESS;

    if (!driver.initialized || !driver.interface->nx_interface_link_up || packet->nx_packet_length > ETHERNET_MTU ||
        (ULONG)(packet->nx_packet_prepend_ptr - packet->nx_packet_data_start) < ETHERNET_HEADER_SIZE)
    {
        driver.stats.send_errors++;
        nx_packet_transmit_release(packet);
        return NX_NOT_SUCCESSFUL;
    }
    packet->nx_packet_prepend_ptr -= ETHERNET_HEADER_SIZE;
    packet->nx_packet_length += ETHERNET_HEADER_SIZE;
    header = packet->nx_packet_prepend_ptr;
    if (broadcast)
    {
        memset(header, 0xFF, 6);
    }
    else
    {
        put_mac(header, request->nx_ip_driver_physical_address_msw, request->nx_ip_driver_physical_address_lsw);
    }
    put_mac(header + 6, driver.interface->nx_interface_physical_address_msw,
            driver.interface->nx_interface_physical_address_lsw);
    header[12] = (UCHAR)(ethertype >> 8);
    header[13] = (UCHAR)ethertype;
    frame_length = packet->nx_packet_length;

    /* FIFO space: each segment is two command words plus its data words.
       An empty buffer in the chain is no segment (a segment of size 0 would
       take the next command word for data). */
    for (part = packet; part != NX_NULL; part = part->nx_packet_next)
    {
        ULONG size = (ULONG)(part->nx_packet_append_ptr - part->nx_packet_prepend_ptr);
        if (size > 0u)
        {
            needed += 8u + (((uintptr_t)part->nx_packet_prepend_ptr & 3u) + size + 3u) / 4u * 4u;
            total += size;
            segments++;
        }
    }

    TX_DISABLE
    if (total != frame_length)
    {
        status = NX_NOT_SUCCESSFUL; /* the chain does not hold nx_packet_length bytes */
    }
    else if (TX_FIFO_INF_DATA_FREE(TX_FIFO_INF) < needed)
    {
        status = NX_NOT_SUCCESSFUL; /* the chip sends as fast as it is fed: never seen under QEMU */
    }
    else
    {
        UINT index = 0;
        driver.tx_tag++;
        for (part = packet; part != NX_NULL; part = part->nx_packet_next)
        {
            ULONG size = (ULONG)(part->nx_packet_append_ptr - part->nx_packet_prepend_ptr);
            uint32_t flags = 0;
            if (size == 0u)
            {
                continue;
            }
            if (index == 0u)
            {
                flags |= TX_CMD_A_FIRST_SEGMENT;
            }
            if (index + 1u == segments)
            {
                flags |= TX_CMD_A_LAST_SEGMENT;
            }
            tx_segment(part->nx_packet_prepend_ptr, size, flags, frame_length);
            index++;
        }
    }
    TX_RESTORE

    if (status == NX_SUCCESS)
    {
        driver.stats.frames_sent++;
        if (segments > 1u)
        {
            driver.stats.frames_sent_chained++;
        }
    }
    else
    {
        driver.stats.send_errors++;
    }
    /* Back to what NetX handed over: TCP may send this packet again. */
    packet->nx_packet_prepend_ptr += ETHERNET_HEADER_SIZE;
    packet->nx_packet_length -= ETHERNET_HEADER_SIZE;
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

/* ---- link control --------------------------------------------------------------- */

static UINT link_enable(NX_INTERFACE *interface)
{
    uint32_t phy_status = 0;
    UINT tries;

    /* The PHY reports the link (QEMU's is up unless the NIC is set down). */
    for (tries = 0; tries < 20u; tries++)
    {
        if (phy_read(PHY_BASIC_STATUS, &phy_status) != NX_SUCCESS)
        {
            return NX_NOT_SUCCESSFUL;
        }
        if (phy_status & PHY_BASIC_STATUS_LINK_UP)
        {
            break;
        }
        tx_thread_sleep(TX_TIMER_TICKS_PER_SECOND / 10u);
    }
    if ((phy_status & PHY_BASIC_STATUS_LINK_UP) == 0u || mac_write(MAC_CR, mac_control(NX_TRUE)) != NX_SUCCESS)
    {
        return NX_NOT_SUCCESSFUL;
    }
    /* A frame that came in since RXEN already set RSFL: it interrupts now. */
    INT_EN = INT_RSFL;
    board_irq_enable(BOARD_ETHERNET_IRQ, ETHERNET_IRQ_PRIORITY);
    interface->nx_interface_link_up = NX_TRUE;
    return NX_SUCCESS;
}

static VOID link_disable(NX_INTERFACE *interface)
{
    interface->nx_interface_link_up = NX_FALSE;
    board_irq_disable(BOARD_ETHERNET_IRQ);
    INT_EN = 0u;
    (void)mac_write(MAC_CR, mac_control(NX_FALSE));
}

VOID nx_lan9118_driver(NX_IP_DRIVER *request)
{
    NX_INTERFACE *interface = request->nx_ip_driver_interface;

    request->nx_ip_driver_status = NX_SUCCESS;
    switch (request->nx_ip_driver_command)
    {
    case NX_LINK_INTERFACE_ATTACH:
        if (driver.interface != NX_NULL && driver.interface != interface)
        {
            request->nx_ip_driver_status = NX_NOT_SUCCESSFUL; /* one LAN9118 */
            break;
        }
        driver.ip = request->nx_ip_driver_ptr;
        driver.interface = interface;
        break;

    case NX_LINK_INITIALIZE:
        driver.ip = request->nx_ip_driver_ptr;
        driver.interface = interface;
        if (!driver.initialized)
        {
            if (chip_initialize() != NX_SUCCESS ||
                tx_semaphore_create(&driver.receive_wakeup, "lan9118 rx", 0) != TX_SUCCESS ||
                tx_thread_create(&driver.receive_thread, "lan9118 rx", receive_thread_entry, 0,
                                 driver.receive_stack, sizeof driver.receive_stack, RECEIVE_THREAD_PRIORITY,
                                 RECEIVE_THREAD_PRIORITY, TX_NO_TIME_SLICE, TX_AUTO_START) != TX_SUCCESS)
            {
                request->nx_ip_driver_status = NX_NOT_SUCCESSFUL;
                break;
            }
            driver.initialized = NX_TRUE;
        }
        interface->nx_interface_physical_address_msw = NX_LAN9118_MAC_MSW;
        interface->nx_interface_physical_address_lsw = NX_LAN9118_MAC_LSW;
        interface->nx_interface_address_mapping_needed = NX_TRUE; /* ARP */
        interface->nx_interface_ip_mtu_size = ETHERNET_MTU;
        break;

    case NX_LINK_ENABLE:
        request->nx_ip_driver_status = driver.initialized ? link_enable(interface) : NX_NOT_SUCCESSFUL;
        break;

    case NX_LINK_DISABLE:
    case NX_LINK_UNINITIALIZE:
    case NX_LINK_INTERFACE_DETACH:
        if (driver.initialized)
        {
            link_disable(interface);
        }
        break;

    case NX_LINK_PACKET_SEND:
        request->nx_ip_driver_status = send_frame(request, ip_ethertype(request->nx_ip_driver_packet), NX_FALSE);
        break;
    case NX_LINK_PACKET_BROADCAST:
        request->nx_ip_driver_status = send_frame(request, ip_ethertype(request->nx_ip_driver_packet), NX_TRUE);
        break;
    case NX_LINK_ARP_SEND:
        request->nx_ip_driver_status = send_frame(request, ETHERTYPE_ARP, NX_TRUE);
        break;
    case NX_LINK_ARP_RESPONSE_SEND:
        request->nx_ip_driver_status = send_frame(request, ETHERTYPE_ARP, NX_FALSE);
        break;
    case NX_LINK_RARP_SEND:
        request->nx_ip_driver_status = send_frame(request, ETHERTYPE_RARP, NX_TRUE);
        break;

    case NX_LINK_MULTICAST_JOIN:
    case NX_LINK_MULTICAST_LEAVE:
        if (request->nx_ip_driver_command == NX_LINK_MULTICAST_JOIN)
        {
            driver.multicast_groups++;
        }
        else if (driver.multicast_groups > 0u)
        {
            driver.multicast_groups--;
        }
        if (driver.initialized &&
            mac_write(MAC_CR, mac_control(interface->nx_interface_link_up)) != NX_SUCCESS)
        {
            request->nx_ip_driver_status = NX_NOT_SUCCESSFUL;
        }
        break;

    case NX_LINK_GET_STATUS:
        *request->nx_ip_driver_return_ptr = interface->nx_interface_link_up;
        break;

    case NX_LINK_SET_PHYSICAL_ADDRESS:
        /* NetX has stored the new address in the interface already. */
        if (mac_address_set(request->nx_ip_driver_physical_address_msw,
                            request->nx_ip_driver_physical_address_lsw) != NX_SUCCESS)
        {
            request->nx_ip_driver_status = NX_NOT_SUCCESSFUL;
        }
        break;

    case NX_LINK_DEFERRED_PROCESSING:
        break; /* the receive thread does the work */

    default:
        request->nx_ip_driver_status = NX_UNHANDLED_COMMAND;
        break;
    }
}
