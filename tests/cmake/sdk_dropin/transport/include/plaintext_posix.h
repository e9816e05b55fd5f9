/*
 * plaintext_posix.h of the SDK-style test application: the SDK's plaintext
 * transport declarations (same names and signatures), written for this test.
 */
#ifndef PLAINTEXT_POSIX_H_
#define PLAINTEXT_POSIX_H_

#include <stddef.h>
#include <stdint.h>

#include "transport_interface.h"
#include "sockets_posix.h"

typedef struct PlaintextParams
{
    int32_t socketDescriptor;
} PlaintextParams_t;

SocketStatus_t Plaintext_Connect( NetworkContext_t * pNetworkContext,
                                  const ServerInfo_t * pServerInfo,
                                  uint32_t sendTimeoutMs,
                                  uint32_t recvTimeoutMs );

SocketStatus_t Plaintext_Disconnect( const NetworkContext_t * pNetworkContext );

int32_t Plaintext_Recv( NetworkContext_t * pNetworkContext,
                        void * pBuffer,
                        size_t bytesToRecv );

int32_t Plaintext_Send( NetworkContext_t * pNetworkContext,
                        const void * pBuffer,
                        size_t bytesToSend );

/* Not in the SDK: lets the test prove that its own transport carried the
 * MQTT traffic (the counters only this file's implementation updates). */
extern uint32_t plaintextTestSendCalls;
extern uint32_t plaintextTestRecvBytes;

#endif /* PLAINTEXT_POSIX_H_ */
