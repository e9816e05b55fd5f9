/*
 * coreMQTT transport over FreeRTOS+TCP sockets (see freertos_tcp_transport.h).
 */
#include "freertos_tcp_transport.h"

#include "task.h"

/* coreMQTT and the TLS layer take an int32_t count. */
#define TRANSPORT_MAX_CHUNK    ( ( size_t ) 0x7FFFFFFF )

FreeRTOSTcpStatus_t FreeRTOSTcp_Connect( NetworkContext_t * pxContext,
                                         uint32_t ulIpAddress,
                                         uint16_t usPort,
                                         TickType_t xConnectTimeout,
                                         TickType_t xIoTimeout )
{
    struct freertos_sockaddr xAddress = { 0 };
    Socket_t xSocket;
    BaseType_t xResult;

    if( ( pxContext == NULL ) || ( usPort == 0U ) )
    {
        return FREERTOS_TCP_INVALID_PARAMETER;
    }

    pxContext->xSocket = FREERTOS_INVALID_SOCKET;
    xSocket = FreeRTOS_socket( FREERTOS_AF_INET, FREERTOS_SOCK_STREAM, FREERTOS_IPPROTO_TCP );

    if( xSocket == FREERTOS_INVALID_SOCKET )
    {
        return FREERTOS_TCP_SOCKET_ERROR;
    }

    /* FreeRTOS_connect() waits for the handshake as long as the receive
     * timeout says; the first SYN waits for ARP, so that needs seconds. */
    ( void ) FreeRTOS_setsockopt( xSocket, 0, FREERTOS_SO_RCVTIMEO, &xConnectTimeout, sizeof( xConnectTimeout ) );
    ( void ) FreeRTOS_setsockopt( xSocket, 0, FREERTOS_SO_SNDTIMEO, &xConnectTimeout, sizeof( xConnectTimeout ) );

    xAddress.sin_family = FREERTOS_AF_INET;
    xAddress.sin_port = FreeRTOS_htons( usPort );
    xAddress.sin_address.ulIP_IPv4 = ulIpAddress;

    xResult = FreeRTOS_connect( xSocket, &xAddress, sizeof( xAddress ) );

    if( xResult != 0 )
    {
        ( void ) FreeRTOS_closesocket( xSocket );
        return FREERTOS_TCP_CONNECT_FAILED;
    }

    /* From here on coreMQTT polls: short waits. */
    ( void ) FreeRTOS_setsockopt( xSocket, 0, FREERTOS_SO_RCVTIMEO, &xIoTimeout, sizeof( xIoTimeout ) );
    ( void ) FreeRTOS_setsockopt( xSocket, 0, FREERTOS_SO_SNDTIMEO, &xIoTimeout, sizeof( xIoTimeout ) );
    pxContext->xSocket = xSocket;

    return FREERTOS_TCP_SUCCESS;
}

void FreeRTOSTcp_Disconnect( NetworkContext_t * pxContext )
{
    uint8_t ucDrain[ 16 ];
    int xTries;

    if( ( pxContext == NULL ) || ( pxContext->xSocket == FREERTOS_INVALID_SOCKET ) )
    {
        return;
    }

    /* Graceful close: FIN, then wait (bounded) until the peer closes too. */
    ( void ) FreeRTOS_shutdown( pxContext->xSocket, FREERTOS_SHUT_RDWR );

    for( xTries = 0; xTries < 20; xTries++ )
    {
        if( FreeRTOS_recv( pxContext->xSocket, ucDrain, sizeof( ucDrain ), 0 ) < 0 )
        {
            break;
        }
    }

    ( void ) FreeRTOS_closesocket( pxContext->xSocket );
    pxContext->xSocket = FREERTOS_INVALID_SOCKET;
}

int32_t FreeRTOSTcp_Recv( NetworkContext_t * pxContext,
                          void * pvBuffer,
                          size_t xBytesToRecv )
{
    BaseType_t xReceived;

    if( ( pxContext == NULL ) || ( pxContext->xSocket == FREERTOS_INVALID_SOCKET ) ||
        ( pvBuffer == NULL ) )
    {
        return -1;
    }

    if( xBytesToRecv > TRANSPORT_MAX_CHUNK )
    {
        xBytesToRecv = TRANSPORT_MAX_CHUNK;
    }

    /* Blocks up to the socket's receive timeout. Besides letting other
     * tasks run, that is what the libslirp driver needs: it hands frames to
     * an idle-priority task, which only runs while this one waits. */
    xReceived = FreeRTOS_recv( pxContext->xSocket, pvBuffer, xBytesToRecv, 0 );

    if( xReceived > 0 )
    {
        return ( int32_t ) xReceived;
    }

    if( ( xReceived == 0 ) || ( xReceived == -pdFREERTOS_ERRNO_EWOULDBLOCK ) ||
        ( xReceived == -pdFREERTOS_ERRNO_EINTR ) )
    {
        return 0;
    }

    /* -pdFREERTOS_ERRNO_ENOTCONN and friends: closed or reset. */
    return -1;
}

int32_t FreeRTOSTcp_Send( NetworkContext_t * pxContext,
                          const void * pvBuffer,
                          size_t xBytesToSend )
{
    BaseType_t xSent;

    if( ( pxContext == NULL ) || ( pxContext->xSocket == FREERTOS_INVALID_SOCKET ) ||
        ( pvBuffer == NULL ) )
    {
        return -1;
    }

    if( xBytesToSend > TRANSPORT_MAX_CHUNK )
    {
        xBytesToSend = TRANSPORT_MAX_CHUNK;
    }

    xSent = FreeRTOS_send( pxContext->xSocket, pvBuffer, xBytesToSend, 0 );

    if( xSent >= 0 )
    {
        return ( int32_t ) xSent;
    }

    /* The send buffer stayed full for the whole timeout: nothing now. */
    if( ( xSent == -pdFREERTOS_ERRNO_ENOSPC ) || ( xSent == -pdFREERTOS_ERRNO_EWOULDBLOCK ) )
    {
        return 0;
    }

    return -1;
}
