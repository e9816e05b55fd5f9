//! Sending one packet as a list of vectors, whatever the transport accepts
//! per call.
//!
//! The transport may take part of the data (a short write, even in the middle
//! of a vector) or nothing for now (0); the loop carries on from where it
//! stopped until the packet is out, the transport fails (< 0), or more than
//! `MQTT_SEND_TIMEOUT_MS` have passed since the first attempt.

use super::config::Config;
use super::port::{Link, Port};

/// Why a packet did not go out completely.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendError {
    /// The transport reported an error.
    Transport(i32),
    /// `MQTT_SEND_TIMEOUT_MS` passed; this many bytes had gone out.
    Timeout(usize),
}

/// Sends all bytes of `vectors` (which the function consumes as it goes).
///
/// On success `lastPacketTxTime` is the time of the last transport call that
/// made progress. A transport error, or a timeout after part of the packet went
/// out, leaves the byte stream unusable, so a connected context becomes
/// `MQTTDisconnectPending`: the application must call `MQTT_Disconnect`
/// before anything else is sent.
pub fn send_vectors<P: Port>(ctx: &mut P, vectors: &mut [&[u8]]) -> Result<(), SendError> {
    send_vectors_inline(ctx, vectors)
}

/// [`send_vectors`], inlined into its caller: for the one path that runs for
/// every message (`MQTT_Publish`), where the call and the unknown vector
/// count cost more than the loop's own work.
///
/// Built for size (`cfg(rsmqtt_small)`, set by build.rs for opt-level "s"
/// and "z") it is not forced inline: `MQTT_Publish` then calls the one
/// out-of-line copy that every other packet uses, instead of carrying a
/// second copy of the loop.
//
// Two bodies of one loop. Built for size, one pass steps over the bytes
// sent and over the vectors done, and both failures leave through one exit
// (40 bytes less on a Cortex-M4). Elsewhere, inlined into the per-message
// publish, the separate skip and advance loops and the two exits run about
// 40 instructions per QoS 0 message fewer (scripts/bench.sh, callgrind), so
// those builds keep them. Both are run by the tests (profile small-test
// builds this one).
#[cfg(rsmqtt_small)]
pub fn send_vectors_inline<P: Port>(ctx: &mut P, vectors: &mut [&[u8]]) -> Result<(), SendError> {
    let timeout = Config::send_timeout_ms();
    // The vectors from the first one not fully sent: the slice itself
    // shrinks, so there is no index to bound-check on each use. The packet
    // is out when it is empty, so its size is never summed up front.
    let mut pending: &mut [&[u8]] = vectors;
    // Bytes the transport took so far.
    let mut sent = 0usize;
    // Bytes the last transport call took (none before the first call),
    // and what of them is still to be stepped over in `pending`.
    let mut taken = 0usize;
    let mut progress = 0usize;
    let mut called = false;
    let start = clock(ctx);
    loop {
        // One pass steps over the bytes the transport took and then over
        // every vector that is fully sent or empty, so that the next call
        // starts at the first byte not yet sent.
        while let Some(v) = pending.first_mut() {
            let take = progress.min(v.len());
            *v = v.get(take..).unwrap_or_default();
            progress -= take;
            if !v.is_empty() {
                break;
            }
            pending = core::mem::take(&mut pending)
                .get_mut(1..)
                .unwrap_or_default();
        }
        let error = if progress > 0 {
            // The transport reported more bytes than were pending.
            log::error!("transport send reported {taken} bytes after {sent}, more than pending");
            SendError::Transport(-1)
        } else {
            if called {
                // One clock reading per transport call: the time of a call
                // that made progress is also the time the timeout below is
                // measured at (no transport call lies between the two).
                let now = clock(ctx);
                if taken > 0 {
                    sent += taken;
                    *ctx.session().last_tx = now;
                }
                // Strictly more than the timeout, as coreMQTT's vector
                // send: with `MQTT_SEND_TIMEOUT_MS` 0 a packet still gets
                // every call it needs while the clock stands still (without
                // writev each vector is one call, so `>=` would fail every
                // multi-vector packet).
                if !pending.is_empty() && now.wrapping_sub(start) > timeout {
                    log::error!(
                        "sending a packet timed out after {timeout} ms with {sent} bytes sent"
                    );
                    return fail(ctx, SendError::Timeout(sent));
                }
            }
            if pending.is_empty() {
                return Ok(());
            }
            let result = ctx.send_once(pending);
            called = true;
            taken = result.unsigned_abs() as usize;
            progress = taken;
            if result >= 0 {
                continue;
            }
            log::error!("transport send returned {result} after {sent} bytes");
            SendError::Transport(result)
        };
        return fail(ctx, error);
    }
}

/// The size build's failure exit: part of a packet on the wire, or a
/// failed transport, leaves the byte stream unusable; a timeout before the
/// first byte does not.
#[cfg(rsmqtt_small)]
fn fail<P: Port>(ctx: &mut P, error: SendError) -> Result<(), SendError> {
    if error != SendError::Timeout(0) {
        mark_disconnect_pending(ctx);
    }
    Err(error)
}

/// [`send_vectors`] inlined, as the per-message path's fast copy (see the
/// size build's body above for the difference).
#[cfg(not(rsmqtt_small))]
#[inline(always)]
pub fn send_vectors_inline<P: Port>(ctx: &mut P, vectors: &mut [&[u8]]) -> Result<(), SendError> {
    let timeout = Config::send_timeout_ms();
    let size: usize = vectors.iter().map(|v| v.len()).sum();
    // Bytes not yet taken by the transport; `size - total` went out.
    let mut total = size;
    let mut first = 0usize;
    let start = clock(ctx);
    while total > 0 {
        // Skip what is fully sent, including empty vectors.
        while vectors.get(first).is_some_and(|v| v.is_empty()) {
            first += 1;
        }
        let Some(pending) = vectors.get_mut(first..) else {
            break;
        };
        let result = ctx.send_once(pending);
        let mut progress = result.unsigned_abs() as usize;
        if result < 0 || progress > total {
            log::error!(
                "transport send returned {result} after {} bytes with {total} pending",
                size - total
            );
            mark_disconnect_pending(ctx);
            return Err(SendError::Transport(result.min(-1)));
        }
        // One clock reading per transport call: the time of a call that made
        // progress is also the time the timeout below is measured at (no
        // transport call lies between the two).
        let now = clock(ctx);
        if progress > 0 {
            total -= progress;
            *ctx.session().last_tx = now;
            // Advance through the vectors by the number of bytes taken.
            for v in pending.iter_mut() {
                if progress == 0 {
                    break;
                }
                let take = progress.min(v.len());
                *v = v.get(take..).unwrap_or_default();
                progress -= take;
            }
        }
        // Strictly more than the timeout, as coreMQTT's vector send: with
        // `MQTT_SEND_TIMEOUT_MS` 0 a packet still gets every call it needs
        // while the clock stands still (without writev each vector is one
        // call, so `>=` would fail every multi-vector packet).
        if total > 0 && now.wrapping_sub(start) > timeout {
            let sent = size - total;
            log::error!("sending a packet timed out after {timeout} ms with {sent} bytes sent, {total} left");
            if sent > 0 {
                mark_disconnect_pending(ctx);
            }
            return Err(SendError::Timeout(sent));
        }
    }
    Ok(())
}

/// The port's clock. Built for size (`cfg(rsmqtt_small)`, see build.rs)
/// one out-of-line copy serves every caller: each inlined reading is a
/// NULL check and an indirect call of the application's clock. Otherwise
/// always inlined, as the port's own `now` is on the per-message path.
#[cfg_attr(rsmqtt_small, inline(never))]
#[cfg_attr(not(rsmqtt_small), inline(always))]
pub(crate) fn clock<P: Port>(ctx: &mut P) -> u32 {
    ctx.now()
}

/// Sends one contiguous buffer.
pub fn send_bytes<P: Port>(ctx: &mut P, bytes: &[u8]) -> Result<(), SendError> {
    send_vectors(ctx, &mut [bytes])
}

/// A transport failure on a live connection: only `MQTT_Disconnect` may follow.
// Size builds keep one copy: inlined, its load, compare and conditional
// store take more flash at each of its callers than a call does.
#[cfg_attr(rsmqtt_small, inline(never))]
pub fn mark_disconnect_pending<P: Port>(ctx: &mut P) {
    let c = ctx.session();
    if *c.link == Link::UP {
        *c.link = Link::BROKEN;
    }
}
