/*
 * Settings of the simulator's mutual-authentication demo and what main.c
 * hands the demo task.
 */
#ifndef DEMO_CONFIG_H
#define DEMO_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "FreeRTOS.h"

/* libslirp's gateway: the host's 127.0.0.1, where the test's Mosquitto
 * listens. */
#define democonfigMQTT_BROKER_ENDPOINT    "10.0.2.2"

/* The name in the broker's certificate (scripts/broker.sh issues it for
 * localhost and 127.0.0.1); verified, and sent in SNI. */
#define democonfigBROKER_SERVER_NAME      "localhost"

#define democonfigCLIENT_IDENTIFIER       "rsmqtt-freertos-sim"

/* The original demo loops forever; the test runs this many iterations
 * (each a full TLS connect ... disconnect cycle). */
#define democonfigITERATIONS              2U

/* Credentials and broker port, in memory (on a device: const arrays in
 * flash or a secure element; here main() reads the test's PKI files). */
typedef struct DemoCredentials
{
    const uint8_t * pucRootCa;
    size_t xRootCaLength;
    const uint8_t * pucClientCert;
    size_t xClientCertLength;
    const uint8_t * pucPrivateKey;
    size_t xPrivateKeyLength;
    uint16_t usBrokerPort;
} DemoCredentials_t;

/* The demo task; pvParameters is a const DemoCredentials_t *. */
void vMQTTMutualAuthDemoTask( void * pvParameters );

/* Ends the run: prints the stack and heap figures and stops the scheduler
 * with the verdict as the exit status. Does not return. */
void vDemoFinished( BaseType_t xPassed );

BaseType_t xApplicationGetRandomNumber( uint32_t * pulNumber );

#endif /* DEMO_CONFIG_H */
