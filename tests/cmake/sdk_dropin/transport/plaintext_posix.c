/* The test application's own plaintext transport (see plaintext_posix.h). */
#include "plaintext_posix.h"

#include <errno.h>
#include <sys/socket.h>

/* The SDK's convention: the application's NetworkContext starts with a
 * pointer to the transport's params. */
struct NetworkContext
{
    PlaintextParams_t * pParams;
};

uint32_t plaintextTestSendCalls = 0U;
uint32_t plaintextTestRecvBytes = 0U;

SocketStatus_t Plaintext_Connect( NetworkContext_t * pNetworkContext,
                                  const ServerInfo_t * pServerInfo,
                                  uint32_t sendTimeoutMs,
                                  uint32_t recvTimeoutMs )
{
    if( ( pNetworkContext == NULL ) || ( pNetworkContext->pParams == NULL ) )
    {
        return SOCKETS_INVALID_PARAMETER;
    }

    return Sockets_Connect( &pNetworkContext->pParams->socketDescriptor,
                            pServerInfo, sendTimeoutMs, recvTimeoutMs );
}

SocketStatus_t Plaintext_Disconnect( const NetworkContext_t * pNetworkContext )
{
    if( ( pNetworkContext == NULL ) || ( pNetworkContext->pParams == NULL ) )
    {
        return SOCKETS_INVALID_PARAMETER;
    }

    return Sockets_Disconnect( pNetworkContext->pParams->socketDescriptor );
}

int32_t Plaintext_Recv( NetworkContext_t * pNetworkContext,
                        void * pBuffer,
                        size_t bytesToRecv )
{
    ssize_t received;

    if( ( pNetworkContext == NULL ) || ( pNetworkContext->pParams == NULL ) || ( pBuffer == NULL ) )
    {
        return -1;
    }

    received = recv( pNetworkContext->pParams->socketDescriptor, pBuffer, bytesToRecv, 0 );

    if( received > 0 )
    {
        plaintextTestRecvBytes += ( uint32_t ) received;
        return ( int32_t ) received;
    }

    if( ( received < 0 ) && ( ( errno == EAGAIN ) || ( errno == EWOULDBLOCK ) || ( errno == EINTR ) ) )
    {
        return 0; /* Nothing arrived before the receive timeout: retry later. */
    }

    return -1; /* Closed by the peer, or a socket error. */
}

int32_t Plaintext_Send( NetworkContext_t * pNetworkContext,
                        const void * pBuffer,
                        size_t bytesToSend )
{
    ssize_t sent;

    if( ( pNetworkContext == NULL ) || ( pNetworkContext->pParams == NULL ) || ( pBuffer == NULL ) )
    {
        return -1;
    }

    plaintextTestSendCalls++;
    sent = send( pNetworkContext->pParams->socketDescriptor, pBuffer, bytesToSend, MSG_NOSIGNAL );

    if( sent >= 0 )
    {
        return ( int32_t ) sent;
    }

    return ( ( errno == EAGAIN ) || ( errno == EWOULDBLOCK ) || ( errno == EINTR ) ) ? 0 : -1;
}
