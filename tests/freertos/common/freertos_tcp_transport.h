/*
 * A coreMQTT TransportInterface_t over a FreeRTOS+TCP socket: the plaintext
 * transport of the FreeRTOS demos. On its own it carries MQTT over TCP; the
 * mutual-authentication demo hands it to rsmqtt's TLS layer
 * (rsmqtt_tls_transport.h), which runs TLS through it.
 */
#ifndef FREERTOS_TCP_TRANSPORT_H
#define FREERTOS_TCP_TRANSPORT_H

#include <stdint.h>
#include <stddef.h>

#include "FreeRTOS.h"
#include "FreeRTOS_IP.h"
#include "FreeRTOS_Sockets.h"

#include "transport_interface.h"

/* The application's network context for this transport. */
struct NetworkContext
{
    Socket_t xSocket;
};

typedef enum FreeRTOSTcpStatus
{
    FREERTOS_TCP_SUCCESS = 0,
    FREERTOS_TCP_INVALID_PARAMETER,
    FREERTOS_TCP_SOCKET_ERROR,   /* no socket could be created or configured */
    FREERTOS_TCP_CONNECT_FAILED  /* refused or timed out (+TCP reports both as a timeout) */
} FreeRTOSTcpStatus_t;

/*
 * Connects to ulIpAddress:usPort (address in network byte order, as
 * FreeRTOS_inet_addr_quick() makes it). xConnectTimeout bounds the connect,
 * which includes the ARP resolution of the gateway; xIoTimeout then bounds
 * each FreeRTOS_recv/FreeRTOS_send: keep it short (tens of ms), since
 * coreMQTT polls recv.
 */
FreeRTOSTcpStatus_t FreeRTOSTcp_Connect( NetworkContext_t * pxContext,
                                         uint32_t ulIpAddress,
                                         uint16_t usPort,
                                         TickType_t xConnectTimeout,
                                         TickType_t xIoTimeout );

/* Shuts the connection down (waiting briefly for the peer) and closes the
 * socket. */
void FreeRTOSTcp_Disconnect( NetworkContext_t * pxContext );

/* TransportRecv_t: bytes received, 0 when nothing arrived within the I/O
 * timeout, -1 when the connection is closed or broken. */
int32_t FreeRTOSTcp_Recv( NetworkContext_t * pxContext,
                          void * pvBuffer,
                          size_t xBytesToRecv );

/* TransportSend_t: bytes queued, 0 when the send buffer stayed full for the
 * I/O timeout, -1 when the connection is closed or broken. */
int32_t FreeRTOSTcp_Send( NetworkContext_t * pxContext,
                          const void * pvBuffer,
                          size_t xBytesToSend );

#endif /* FREERTOS_TCP_TRANSPORT_H */
