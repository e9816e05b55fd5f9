/*
 * sockets_posix.h of the SDK-style test application: the declarations of the
 * AWS IoT Device SDK for Embedded C's POSIX socket helpers (same names, types
 * and signatures), written for this test. The application compiles its own
 * transport, so these names must not collide with anything in rsmqtt.
 */
#ifndef SOCKETS_POSIX_H_
#define SOCKETS_POSIX_H_

#include <stddef.h>
#include <stdint.h>

typedef enum SocketStatus
{
    SOCKETS_SUCCESS = 0,
    SOCKETS_INVALID_PARAMETER,
    SOCKETS_INSUFFICIENT_MEMORY,
    SOCKETS_API_ERROR,
    SOCKETS_DNS_FAILURE,
    SOCKETS_CONNECT_FAILURE
} SocketStatus_t;

typedef struct ServerInfo
{
    const char * pHostName;
    size_t hostNameLength;
    uint16_t port;
} ServerInfo_t;

SocketStatus_t Sockets_Connect( int32_t * pTcpSocket,
                                const ServerInfo_t * pServerInfo,
                                uint32_t sendTimeoutMs,
                                uint32_t recvTimeoutMs );

SocketStatus_t Sockets_Disconnect( int32_t tcpSocket );

#endif /* SOCKETS_POSIX_H_ */
