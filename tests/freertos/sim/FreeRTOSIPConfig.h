/*
 * FreeRTOS+TCP configuration of the simulator demo: one endpoint behind
 * libslirp's user-mode NAT (10.0.2.0/24, gateway 10.0.2.2 = the host's
 * loopback), IPv4 only, DHCP.
 */
#ifndef FREERTOS_IP_CONFIG_H
#define FREERTOS_IP_CONFIG_H

/* No default for the byte order. */
#define ipconfigBYTE_ORDER                            pdFREERTOS_LITTLE_ENDIAN

/* The libslirp driver refuses a smaller MTU; slirp computes no checksums
 * for us and delivers every frame type. */
#define ipconfigNETWORK_MTU                           1500U
#define ipconfigDRIVER_INCLUDED_TX_IP_CHECKSUM        0
#define ipconfigDRIVER_INCLUDED_RX_IP_CHECKSUM        0
#define ipconfigETHERNET_DRIVER_FILTERS_FRAME_TYPES   0
#define ipconfigETHERNET_DRIVER_FILTERS_PACKETS       0

#define ipconfigUSE_IPv4                              1
#define ipconfigUSE_IPv6                              0
#define ipconfigUSE_RA                                0
#define ipconfigUSE_DHCP                              1
#define ipconfigUSE_DHCP_HOOK                         0
#define ipconfigUSE_DNS                               0
#define ipconfigUSE_TCP                               1
#define ipconfigUSE_TCP_WIN                           1
#define ipconfigUSE_NETWORK_EVENT_HOOK                1
#define ipconfigNUM_NETWORK_BUFFER_DESCRIPTORS        64
#define ipconfigEVENT_QUEUE_LENGTH                    ( ipconfigNUM_NETWORK_BUFFER_DESCRIPTORS + 5 )
#define ipconfigIP_TASK_PRIORITY                      ( configMAX_PRIORITIES - 2 )
#define ipconfigIP_TASK_STACK_SIZE_WORDS              ( configMINIMAL_STACK_SIZE * 4 )
#define ipconfigSOCK_DEFAULT_RECEIVE_BLOCK_TIME       pdMS_TO_TICKS( 5000 )
#define ipconfigSOCK_DEFAULT_SEND_BLOCK_TIME          pdMS_TO_TICKS( 5000 )
#define ipconfigTCP_MSS                               1460
#define ipconfigTCP_TX_BUFFER_LENGTH                  ( 8 * ipconfigTCP_MSS )
#define ipconfigTCP_RX_BUFFER_LENGTH                  ( 8 * ipconfigTCP_MSS )
#define ipconfigARP_CACHE_ENTRIES                     6
#define ipconfigMAX_ARP_RETRANSMISSIONS               5
#define ipconfigMAX_ARP_AGE                           150

#define ipconfigHAS_PRINTF                            0
#define ipconfigHAS_DEBUG_PRINTF                      0

#endif /* FREERTOS_IP_CONFIG_H */
