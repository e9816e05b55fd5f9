/* The test application's own POSIX socket helpers (see sockets_posix.h). */
#include "sockets_posix.h"

#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static void setTimeout( int fd,
                        int option,
                        uint32_t timeoutMs )
{
    struct timeval tv;

    tv.tv_sec = ( time_t ) ( timeoutMs / 1000U );
    tv.tv_usec = ( suseconds_t ) ( ( timeoutMs % 1000U ) * 1000U );
    ( void ) setsockopt( fd, SOL_SOCKET, option, &tv, sizeof( tv ) );
}

SocketStatus_t Sockets_Connect( int32_t * pTcpSocket,
                                const ServerInfo_t * pServerInfo,
                                uint32_t sendTimeoutMs,
                                uint32_t recvTimeoutMs )
{
    char host[ 256 ];
    char port[ 8 ];
    struct addrinfo hints;
    struct addrinfo * list = NULL;
    struct addrinfo * it;
    SocketStatus_t status = SOCKETS_CONNECT_FAILURE;

    if( ( pTcpSocket == NULL ) || ( pServerInfo == NULL ) || ( pServerInfo->pHostName == NULL ) ||
        ( pServerInfo->hostNameLength == 0U ) || ( pServerInfo->hostNameLength >= sizeof( host ) ) ||
        ( pServerInfo->port == 0U ) )
    {
        return SOCKETS_INVALID_PARAMETER;
    }

    memcpy( host, pServerInfo->pHostName, pServerInfo->hostNameLength );
    host[ pServerInfo->hostNameLength ] = '\0';
    ( void ) snprintf( port, sizeof( port ), "%u", ( unsigned ) pServerInfo->port );

    memset( &hints, 0, sizeof( hints ) );
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;

    if( getaddrinfo( host, port, &hints, &list ) != 0 )
    {
        return SOCKETS_DNS_FAILURE;
    }

    for( it = list; it != NULL; it = it->ai_next )
    {
        int fd = socket( it->ai_family, it->ai_socktype, it->ai_protocol );

        if( fd < 0 )
        {
            status = SOCKETS_API_ERROR;
            continue;
        }

        if( connect( fd, it->ai_addr, it->ai_addrlen ) == 0 )
        {
            setTimeout( fd, SO_SNDTIMEO, sendTimeoutMs );
            setTimeout( fd, SO_RCVTIMEO, recvTimeoutMs );
            *pTcpSocket = fd;
            status = SOCKETS_SUCCESS;
            break;
        }

        ( void ) close( fd );
    }

    freeaddrinfo( list );
    return status;
}

SocketStatus_t Sockets_Disconnect( int32_t tcpSocket )
{
    if( tcpSocket < 0 )
    {
        return SOCKETS_INVALID_PARAMETER;
    }

    ( void ) shutdown( tcpSocket, SHUT_RDWR );
    ( void ) close( tcpSocket );
    return SOCKETS_SUCCESS;
}
