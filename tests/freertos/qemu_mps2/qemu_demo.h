/* What main.c and the MQTT task of the mps2-an385 image share. */
#ifndef QEMU_DEMO_H
#define QEMU_DEMO_H

#include "FreeRTOS.h"

/* QEMU user networking's gateway: the host's loopback. */
#define demoBROKER_ADDRESS    "10.0.2.2"

/* The MQTT task; pvParameters carries the broker's port. */
void vMQTTQoSDemoTask( void * pvParameters );

/* Prints the verdict, stack high-water marks and heap figures, and ends
 * QEMU through semihosting with exit status 0 (pass) or 1. */
void vDemoFinished( BaseType_t xPassed );

#endif /* QEMU_DEMO_H */
