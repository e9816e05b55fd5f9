/*
 * Start-up and board support for the ThreadX image on QEMU's mps2-an385
 * (Cortex-M3, no FPU): the vector table, the reset handler (copies .data,
 * zeroes .bss, runs main), ThreadX's low-level initialization
 * (_tx_initialize_low_level: first unused memory, system stack, SysTick at
 * TX_TIMER_TICKS_PER_SECOND, exception priorities), the SysTick handler
 * that drives ThreadX's timer, newlib's system calls (printf to the CMSDK
 * UART0, a heap for _sbrk) and ARM semihosting for the command line and the
 * exit status.
 *
 * ThreadX's Cortex-M3 port needs nothing else from the board: it schedules
 * threads in PendSV (PendSV_Handler, from tx_thread_schedule.S), and on
 * Cortex-M an interrupt handler is a plain C function that may call the
 * ThreadX services allowed from ISRs, with no context save/restore.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "tx_api.h"
#include "board.h"
#include "nx_lan9118_driver.h"

/* ---- linker script symbols ----------------------------------------------- */
extern uint32_t __data_start__[], __data_end__[], __data_load__[];
extern uint32_t __bss_start__[], __bss_end__[];
extern char __heap_start__[], __heap_end__[];
extern uint32_t __main_stack_top__[];

int main(void);

/* ThreadX: set by _tx_initialize_low_level. */
extern VOID *_tx_initialize_unused_memory;
extern VOID *_tx_thread_system_stack_ptr;
VOID _tx_timer_interrupt(VOID);
VOID PendSV_Handler(VOID);

/* ---- System Control Space registers (ARMv7-M) ------------------------------ */
#define REG32(address) (*(volatile uint32_t *)(address))
#define SCB_VTOR REG32(0xE000ED08UL)
#define SCB_SHPR2 REG32(0xE000ED1CUL) /* priority of SVCall (byte 3) */
#define SCB_SHPR3 REG32(0xE000ED20UL) /* PendSV (byte 2), SysTick (byte 3) */
#define SCB_CFSR REG32(0xE000ED28UL)
#define SCB_HFSR REG32(0xE000ED2CUL)
#define SCB_MMFAR REG32(0xE000ED34UL)
#define SCB_BFAR REG32(0xE000ED38UL)
#define SYST_CSR REG32(0xE000E010UL)
#define SYST_RVR REG32(0xE000E014UL)
#define SYST_CVR REG32(0xE000E018UL)
#define NVIC_ISER0 REG32(0xE000E100UL)
#define NVIC_ICER0 REG32(0xE000E180UL)
#define NVIC_ICPR0 REG32(0xE000E280UL)
#define NVIC_IPR ((volatile uint8_t *)0xE000E400UL)

#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CLKSOURCE_CORE (1u << 2)

/* ---- CMSDK APB UART0 ------------------------------------------------------- */
#define UART0_BASE 0x40004000UL
#define UART0_DATA REG32(UART0_BASE + 0x00u)
#define UART0_STATE REG32(UART0_BASE + 0x04u)
#define UART0_CTRL REG32(UART0_BASE + 0x08u)
#define UART0_BAUDDIV REG32(UART0_BASE + 0x10u)
#define UART_STATE_TX_FULL (1u << 0)
#define UART_CTRL_TX_ENABLE (1u << 0)

static void uart_init(void)
{
    UART0_BAUDDIV = 16u; /* the smallest divider the UART accepts */
    UART0_CTRL = UART_CTRL_TX_ENABLE;
}

static void uart_put(char c)
{
    while (UART0_STATE & UART_STATE_TX_FULL)
    {
    }
    UART0_DATA = (uint8_t)c;
}

/* ---- semihosting ----------------------------------------------------------- */
#define SEMIHOSTING_SYS_GET_CMDLINE 0x15
#define SEMIHOSTING_SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026
#define ADP_STOPPED_RUN_TIME_ERROR 0x20023

/* The semihosting trap: operation in r0, argument in r1, result in r0. */
static int semihosting_call(int operation, void *argument)
{
    register int r0 __asm__("r0") = operation;
    register void *r1 __asm__("r1") = argument;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

int board_command_line(char *buffer, size_t size)
{
    struct
    {
        char *buffer;
        int length;
    } block = {buffer, (int)size - 1};

    if (buffer == NULL || size < 2u)
    {
        return -1;
    }
    if (semihosting_call(SEMIHOSTING_SYS_GET_CMDLINE, &block) != 0)
    {
        return -1;
    }
    buffer[(block.length >= 0 && (size_t)block.length < size) ? (size_t)block.length : size - 1u] = '\0';
    return 0;
}

#define SEMIHOSTING_SYS_OPEN 0x01
#define SEMIHOSTING_SYS_CLOSE 0x02
#define SEMIHOSTING_SYS_READ 0x06
#define SEMIHOSTING_SYS_FLEN 0x0C
#define SEMIHOSTING_OPEN_RB 1 /* fopen mode "rb" */

long board_file_read(const char *path, void *buffer, size_t size)
{
    struct
    {
        const char *path;
        int mode;
        int length;
    } open_block = {path, SEMIHOSTING_OPEN_RB, (int)strlen(path)};
    struct
    {
        int handle;
        void *buffer;
        int length;
    } read_block;
    int handle, length, handle_block[1];
    long result = -1;

    handle = semihosting_call(SEMIHOSTING_SYS_OPEN, &open_block);
    if (handle == -1)
    {
        return -1;
    }
    handle_block[0] = handle;
    length = semihosting_call(SEMIHOSTING_SYS_FLEN, handle_block);
    if (length >= 0 && (size_t)length <= size)
    {
        read_block.handle = handle;
        read_block.buffer = buffer;
        read_block.length = length;
        /* SYS_READ returns how many bytes it did not read. */
        if (semihosting_call(SEMIHOSTING_SYS_READ, &read_block) == 0)
        {
            result = length;
        }
    }
    (void)semihosting_call(SEMIHOSTING_SYS_CLOSE, handle_block);
    return result;
}

void board_exit(int status)
{
    /* On 32-bit ARM, SYS_EXIT takes the reason code itself in r1: QEMU ends
       with status 0 for "application exit" and 1 for any other reason. */
    __asm__ volatile("cpsid i" ::: "memory");
    for (;;)
    {
        (void)semihosting_call(SEMIHOSTING_SYS_EXIT,
                               (void *)(uintptr_t)(status == 0 ? ADP_STOPPED_APPLICATION_EXIT
                                                               : ADP_STOPPED_RUN_TIME_ERROR));
    }
}

unsigned board_seed(void)
{
    uint32_t free_run = REG32(0x4020009CUL); /* LAN9118 FREE_RUN, 25 MHz */
    return (unsigned)(free_run * 2654435761u ^ SYST_CVR);
}

void board_irq_enable(unsigned irq, unsigned priority)
{
    NVIC_IPR[irq] = (uint8_t)priority;
    /* Forget what the line did before the device was set up (QEMU's LAN9118
       drives it high, its idle level for active-low, until IRQ_CFG says
       active-high). */
    NVIC_ICPR0 = 1u << irq;
    NVIC_ISER0 = 1u << irq;
}

void board_irq_disable(unsigned irq)
{
    NVIC_ICER0 = 1u << irq;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}

/* ---- newlib system calls ----------------------------------------------------- */
/* Only the application thread prints; the console is polled, so printf works
   before ThreadX starts and from any thread. */
int _write(int file, const char *data, int length);
int _write(int file, const char *data, int length)
{
    int i;
    (void)file;
    for (i = 0; i < length; i++)
    {
        uart_put(data[i]);
    }
    return length;
}

void *_sbrk(ptrdiff_t increment);
void *_sbrk(ptrdiff_t increment)
{
    static char *heap_top = __heap_start__;
    char *previous = heap_top;

    if (increment < 0 || increment > __heap_end__ - heap_top)
    {
        errno = ENOMEM;
        return (void *)-1;
    }
    heap_top += increment;
    return previous;
}

void _exit(int status);
void _exit(int status)
{
    board_exit(status);
}

/* abort() raises SIGABRT through these: the run ends as a failure. */
int _kill(int pid, int signal);
int _kill(int pid, int signal)
{
    (void)pid;
    (void)signal;
    board_exit(1);
}

int _getpid(void);
int _getpid(void)
{
    return 1;
}

int _close(int file);
int _close(int file)
{
    (void)file;
    return -1;
}

int _fstat(int file, struct stat *st);
int _fstat(int file, struct stat *st)
{
    (void)file;
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFCHR; /* a terminal: line by line, no full buffering */
    return 0;
}

int _isatty(int file);
int _isatty(int file)
{
    (void)file;
    return 1;
}

int _lseek(int file, int offset, int whence);
int _lseek(int file, int offset, int whence)
{
    (void)file;
    (void)offset;
    (void)whence;
    return 0;
}

int _read(int file, char *data, int length);
int _read(int file, char *data, int length)
{
    (void)file;
    (void)data;
    (void)length;
    return 0;
}

/* ---- ThreadX low-level initialization ------------------------------------------ */
/* Called by tx_kernel_enter with interrupts disabled, before
   tx_application_define. */
VOID _tx_initialize_low_level(VOID);
VOID _tx_initialize_low_level(VOID)
{
    __asm__ volatile("cpsid i" ::: "memory");

    /* Nothing in this image takes memory from here (every ThreadX and NetX
       object has a static buffer); it is where the heap begins. */
    _tx_initialize_unused_memory = (VOID *)__heap_start__;
    /* Interrupts run on the main stack, whose top the vector table holds. */
    _tx_thread_system_stack_ptr = (VOID *)__main_stack_top__;

    /* The tick: SysTick from the core clock. */
    SYST_RVR = (uint32_t)(BOARD_CORE_CLOCK_HZ / TX_TIMER_TICKS_PER_SECOND) - 1u;
    SYST_CVR = 0u;
    SYST_CSR = SYST_CSR_CLKSOURCE_CORE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;

    /* PendSV, where ThreadX switches threads, must be the lowest priority so
       that it never preempts an interrupt handler; SVCall likewise (unused).
       SysTick above it, at the same level as the Ethernet interrupt. */
    SCB_SHPR2 = 0xFFu << 24;
    SCB_SHPR3 = (0x40u << 24) | (0xFFu << 16);
}

static void systick_handler(void)
{
    _tx_timer_interrupt();
}

/* ---- faults -------------------------------------------------------------------- */
static void print_text(const char *text)
{
    while (*text != '\0')
    {
        uart_put(*text++);
    }
}

static void print_hex(const char *label, uint32_t value)
{
    static const char digits[] = "0123456789ABCDEF";
    int shift;
    print_text(label);
    for (shift = 28; shift >= 0; shift -= 4)
    {
        uart_put(digits[(value >> shift) & 0xFu]);
    }
    print_text("\r\n");
}

/* A fault ends the run at once (QEMU would otherwise spin until the test's
   timeout), with what is needed to find it: the faulting PC from the
   exception frame and the fault status registers. */
static void fault_report(uint32_t *frame, uint32_t exc_return)
{
    print_text("\r\nERROR: fault\r\n");
    print_hex("EXC_RETURN 0x", exc_return);
    print_hex("PC 0x", frame[6]);
    print_hex("LR 0x", frame[5]);
    print_hex("CFSR 0x", SCB_CFSR);
    print_hex("HFSR 0x", SCB_HFSR);
    print_hex("MMFAR 0x", SCB_MMFAR);
    print_hex("BFAR 0x", SCB_BFAR);
    print_text("RESULT: FAIL\r\n");
    board_exit(1);
}

__attribute__((naked)) static void fault_handler(void)
{
    /* The stacked frame is on the PSP when a thread faulted (EXC_RETURN bit
       2), else on the MSP. */
    __asm__ volatile("tst lr, #4\n\t"
                     "ite eq\n\t"
                     "mrseq r0, msp\n\t"
                     "mrsne r0, psp\n\t"
                     "mov r1, lr\n\t"
                     "b fault_report_entry\n\t");
}

void fault_report_entry(uint32_t *frame, uint32_t exc_return) __attribute__((used));
void fault_report_entry(uint32_t *frame, uint32_t exc_return)
{
    fault_report(frame, exc_return);
}

static void unexpected_interrupt(void)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    print_hex("\r\nERROR: unexpected exception 0x", ipsr);
    print_text("RESULT: FAIL\r\n");
    board_exit(1);
}

/* ---- reset --------------------------------------------------------------------- */
__attribute__((noreturn)) static void reset_handler(void)
{
    uint32_t *source = __data_load__;
    uint32_t *target;

    for (target = __data_start__; target < __data_end__;)
    {
        *target++ = *source++;
    }
    for (target = __bss_start__; target < __bss_end__;)
    {
        *target++ = 0u;
    }
    SCB_VTOR = 0u; /* the table below is at address 0 */
    uart_init();
    (void)main();
    board_exit(1); /* main only returns when tx_kernel_enter does: an error */
}

/* Reset_Handler: the ELF entry point (ENTRY in the linker script). */
void Reset_Handler(void) __attribute__((alias("reset_handler"), noreturn));

typedef void (*vector_t)(void);

/* ARMv7-M vector table: initial main stack pointer, 15 system exceptions,
   then the board's 32 interrupts (mps2-an385: UARTs 0-12, Ethernet 13...). */
__attribute__((section(".vectors"), used)) static const vector_t vectors[16 + 32] = {
    [0] = (vector_t)(uintptr_t)__main_stack_top__,
    [1] = reset_handler,
    [2] = unexpected_interrupt,  /* NMI */
    [3] = fault_handler,         /* HardFault */
    [4] = fault_handler,         /* MemManage */
    [5] = fault_handler,         /* BusFault */
    [6] = fault_handler,         /* UsageFault */
    [11] = unexpected_interrupt, /* SVCall */
    [12] = unexpected_interrupt, /* DebugMonitor */
    [14] = PendSV_Handler,       /* ThreadX's scheduler */
    [15] = systick_handler,
    [16 + BOARD_ETHERNET_IRQ] = nx_lan9118_interrupt,
};
