/*
 * What the mps2-an385 board code (board.c) gives the ThreadX image: the
 * console on the CMSDK UART, QEMU's semihosting (command line, exit status)
 * and the fault report.
 */
#ifndef RSMQTT_MPS2_BOARD_H
#define RSMQTT_MPS2_BOARD_H

#include <stddef.h>

/* The core clock QEMU gives the board (SysTick counts it). */
#define BOARD_CORE_CLOCK_HZ 25000000UL

/* NVIC interrupt number of the LAN9118 on mps2-an385. */
#define BOARD_ETHERNET_IRQ 13u

/* Copies the semihosting command line into buffer (NUL-terminated);
   returns 0 on success, -1 when the debugger (QEMU) gives none. */
int board_command_line(char *buffer, size_t size);

/* Reads the host file at path (semihosting) into buffer; returns its length,
   or -1 when it cannot be opened or read or is larger than size. */
long board_file_read(const char *path, void *buffer, size_t size);

/* A seed that differs from run to run: the LAN9118's free-running counter
   and SysTick (under QEMU both follow the host's clock). The board has no
   random number generator; a product seeds from its TRNG. */
unsigned board_seed(void);

/* Ends the run through semihosting: QEMU exits with status 0 for 0 and 1
   for anything else. Never returns. */
void board_exit(int status) __attribute__((noreturn));

/* Enables interrupt irq in the NVIC with the given priority byte (only the
   top bits the core implements count; a larger value is a lower priority). */
void board_irq_enable(unsigned irq, unsigned priority);
void board_irq_disable(unsigned irq);

#endif
