/*
 * The POSIX transports from C: plaintext_posix.h, tls_posix.h and
 * openssl_posix.h against a real Mosquitto (plain and mutual-TLS listeners),
 * each doing an MQTT CONNECT/CONNACK exchange through the transport functions
 * as coreMQTT would call them (via a TransportInterface_t).
 */
// rsmqtt-ctest: with-broker
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plaintext_posix.h"
#include "tls_posix.h"
#include "openssl_posix.h"

/* The convention of these transports: the context's first member points at
 * the transport's params. One program uses both kinds, so the member is a
 * union here; a real application declares the one it uses. */
struct NetworkContext {
    union {
        PlaintextParams_t *pPlaintext;
        TlsParams_t *pTls;
        OpensslParams_t *pOpenssl;
    } pParams;
};

static int failures = 0;

#define CHECK(cond)                                                       \
    do {                                                                  \
        if (!(cond)) {                                                    \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,        \
                    __LINE__, #cond);                                     \
            failures++;                                                   \
        }                                                                 \
    } while (0)

static const char *env(const char *name) {
    const char *value = getenv(name);
    if (value == NULL) {
        fprintf(stderr, "%s is not set: run under scripts/with-broker.sh\n", name);
        exit(2);
    }
    return value;
}

/* MQTT 3.1.1 CONNECT: clean session, keep alive 60 s, client id "c-<tag>". */
static size_t connect_packet(unsigned char *out, const char *tag) {
    static const unsigned char header[] = {0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 60};
    size_t id_len = 2 + strlen(tag);
    size_t n = 2;
    memcpy(out + n, header, sizeof header);
    n += sizeof header;
    out[n++] = 0;
    out[n++] = (unsigned char)id_len;
    out[n++] = 'c';
    out[n++] = '-';
    memcpy(out + n, tag, strlen(tag));
    n += strlen(tag);
    out[0] = 0x10;
    out[1] = (unsigned char)(n - 2);
    return n;
}

/* CONNECT by writev (or send), CONNACK by recv, through the interface. */
static void mqtt_connect(const TransportInterface_t *t, const char *tag) {
    unsigned char packet[64];
    size_t len = connect_packet(packet, tag);
    int32_t sent;
    if (t->writev != NULL) {
        TransportOutVector_t vec[2] = {{packet, 2}, {packet + 2, len - 2}};
        sent = t->writev(t->pNetworkContext, vec, 2);
    } else {
        sent = t->send(t->pNetworkContext, packet, len);
    }
    CHECK(sent == (int32_t)len);

    unsigned char connack[4];
    size_t got = 0;
    int tries = 0;
    while (got < sizeof connack && tries++ < 50) {
        int32_t r = t->recv(t->pNetworkContext, connack + got, sizeof connack - got);
        if (r < 0) {
            break;
        }
        got += (size_t)r; /* 0: the receive timeout expired, try again */
    }
    CHECK(got == sizeof connack);
    CHECK(connack[0] == 0x20 && connack[1] == 0x02 && connack[3] == 0x00);
}

static unsigned char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    static unsigned char buf[3][8192];
    static int next = 0;
    unsigned char *out = buf[next++ % 3];
    *len = fread(out, 1, sizeof buf[0], f);
    fclose(f);
    return out;
}

int main(void) {
    const char *host = env("RSMQTT_BROKER_HOST");
    ServerInfo_t plain = {host, strlen(host), (uint16_t)atoi(env("RSMQTT_BROKER_PORT"))};
    ServerInfo_t secure = {host, strlen(host), (uint16_t)atoi(env("RSMQTT_BROKER_TLS_PORT"))};

    /* Plain TCP. */
    {
        PlaintextParams_t params = {-1};
        NetworkContext_t ctx = {{.pPlaintext = &params}};
        TransportInterface_t t = {Plaintext_Recv, Plaintext_Send, Plaintext_Writev, &ctx};
        CHECK(Plaintext_Connect(&ctx, &plain, 1000, 500) == SOCKETS_SUCCESS);
        mqtt_connect(&t, "plain");
        CHECK(Plaintext_Disconnect(&ctx) == SOCKETS_SUCCESS);
        CHECK(params.socketDescriptor == -1);
    }

    /* Mutual TLS, credentials from files, no writev. */
    {
        TlsParams_t params = {0};
        NetworkContext_t ctx = {{.pTls = &params}};
        TransportInterface_t t = {Tls_Recv, Tls_Send, NULL, &ctx};
        TlsCredentials_t creds = {0};
        creds.pRootCaPath = env("RSMQTT_CA");
        creds.pClientCertPath = env("RSMQTT_CLIENT_CERT");
        creds.pPrivateKeyPath = env("RSMQTT_CLIENT_KEY");
        CHECK(Tls_Connect(&ctx, &secure, &creds, 2000, 500) == TLS_SUCCESS);
        mqtt_connect(&t, "tls-files");
        CHECK(Tls_Disconnect(&ctx) == TLS_SUCCESS);
        CHECK(params.pSession == NULL);
        CHECK(Tls_Disconnect(&ctx) == TLS_SUCCESS);
    }

    /* Mutual TLS, credentials in memory, SNI, writev. */
    {
        TlsParams_t params = {0};
        NetworkContext_t ctx = {{.pTls = &params}};
        TransportInterface_t t = {Tls_Recv, Tls_Send, Tls_Writev, &ctx};
        TlsCredentials_t creds = {0};
        creds.sniHostName = "localhost";
        creds.pRootCaPem = read_file(env("RSMQTT_CA"), &creds.rootCaPemLength);
        creds.pClientCertPem = read_file(env("RSMQTT_CLIENT_CERT"), &creds.clientCertPemLength);
        creds.pPrivateKeyPem = read_file(env("RSMQTT_CLIENT_KEY"), &creds.privateKeyPemLength);
        CHECK(creds.pRootCaPem && creds.pClientCertPem && creds.pPrivateKeyPem);
        CHECK(Tls_Connect(&ctx, &secure, &creds, 2000, 500) == TLS_SUCCESS);
        mqtt_connect(&t, "tls-memory");
        CHECK(Tls_Disconnect(&ctx) == TLS_SUCCESS);
    }

    /* Without a client certificate the broker refuses the session. */
    {
        TlsParams_t params = {0};
        NetworkContext_t ctx = {{.pTls = &params}};
        TlsCredentials_t creds = {0};
        creds.pRootCaPath = env("RSMQTT_CA");
        CHECK(Tls_Connect(&ctx, &secure, &creds, 2000, 2000) == TLS_ALERT_RECEIVED);
        CHECK(params.pSession == NULL);
    }

    /* The SDK's OpenSSL names, over rustls. */
    {
        OpensslParams_t params = {0};
        NetworkContext_t ctx = {{.pOpenssl = &params}};
        TransportInterface_t t = {Openssl_Recv, Openssl_Send, NULL, &ctx};
        OpensslCredentials_t creds = {0};
        creds.pRootCaPath = env("RSMQTT_CA");
        creds.pClientCertPath = env("RSMQTT_CLIENT_CERT");
        creds.pPrivateKeyPath = env("RSMQTT_CLIENT_KEY");
        CHECK(Openssl_Connect(&ctx, &secure, &creds, 2000, 500) == OPENSSL_SUCCESS);
        /* The SDK's field names: the socket, and the session in pSsl. */
        CHECK(params.socketDescriptor > 2);
        CHECK(params.pSsl != NULL);
        mqtt_connect(&t, "openssl");
        CHECK(Openssl_Disconnect(&ctx) == OPENSSL_SUCCESS);
        CHECK(params.pSsl == NULL);
        CHECK(params.socketDescriptor == -1);
    }

    /* NULL pointers are bad parameters, never crashes. */
    CHECK(Plaintext_Connect(NULL, &plain, 0, 0) == SOCKETS_INVALID_PARAMETER);
    CHECK(Tls_Connect(NULL, &secure, NULL, 0, 0) == TLS_INVALID_PARAMETER);
    CHECK(Tls_Disconnect(NULL) == TLS_INVALID_PARAMETER);
    CHECK(Tls_Recv(NULL, NULL, 4) < 0);

    if (failures != 0) {
        fprintf(stderr, "posix_transports: %d check(s) failed\n", failures);
        return 1;
    }
    printf("posix_transports: all checks passed\n");
    return 0;
}
