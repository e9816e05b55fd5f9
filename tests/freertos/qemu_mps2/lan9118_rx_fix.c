/*
 * A corrected receive routine for FreeRTOS+TCP's MPS2_AN385 (LAN9118)
 * driver, linked in with `-Wl,--wrap=smsc9220_receive_by_chunks` so that the
 * upstream sources stay untouched.
 *
 * Why: the upstream smsc9220_receive_by_chunks() reads the frame's whole
 * 32-bit words in a loop and then always one more word for the 1-3
 * remaining bytes, even when there are none. For a frame whose length is a
 * multiple of 4 (a bare TCP ACK: 60 bytes + 4 CRC) it thus swallows the
 * first word of the next frame when two frames wait in the FIFO, and that
 * frame is dropped. Under QEMU a bare ACK is typically followed at once by
 * the broker's answer, so every such answer waited for the host's TCP
 * retransmission (1 s, then 2 s, 4 s ...).
 */
#include <stdint.h>
#include <string.h>

#include "smsc9220_eth_drv.h"

uint32_t __wrap_smsc9220_receive_by_chunks( const struct smsc9220_eth_dev_t * dev,
                                            char * data,
                                            uint32_t dlen );

uint32_t __wrap_smsc9220_receive_by_chunks( const struct smsc9220_eth_dev_t * dev,
                                            char * data,
                                            uint32_t dlen )
{
    /* The receive data FIFO port is the device's first register. */
    volatile uint32_t * const pulRxDataPort = ( volatile uint32_t * ) dev->cfg->base;
    uint32_t ulWord;
    uint32_t ulDone = 0U;

    if( data == NULL )
    {
        return 0U;
    }

    /* Exactly ceil(dlen / 4) words belong to this frame. */
    while( ulDone < dlen )
    {
        uint32_t ulChunk = ( ( dlen - ulDone ) < 4U ) ? ( dlen - ulDone ) : 4U;

        ulWord = *pulRxDataPort;
        ( void ) memcpy( &data[ ulDone ], &ulWord, ulChunk );
        ulDone += ulChunk;
    }

    return dlen;
}
