//! `MQTT_Subscribe` and `MQTT_Unsubscribe`: the filter list goes out as
//! vectors over the caller's strings, at most `MQTT_SUB_UNSUB_MAX_VECTORS`
//! vectors per transport call.

use super::packets::{self, SubscriptionAt, SubscriptionKind, SUBSCRIPTION_HEADER_MAX_SIZE};

use super::config::Config;
use super::error::Error;
use super::keepalive::require_connected;
use super::port::Port;
use super::send::{mark_disconnect_pending, send_vectors};

/// Sends SUBSCRIBE or UNSUBSCRIBE for `count` filters read through `filter`
/// (`None`: an entry the face could not read, refused like an empty filter).
///
/// Checks as coreMQTT does: packet id not 0, at least one filter, no empty
/// filter, and (SUBSCRIBE) incoming records for any QoS 1/2 subscription.
pub fn send<'a, P: Port>(
    ctx: &mut P,
    kind: SubscriptionKind,
    count: usize,
    filter: SubscriptionAt<'_, 'a>,
    packet_id: u16,
) -> Result<(), Error> {
    if packet_id == 0 {
        log::error!("{kind:?}: packet identifier 0");
        return Err(Error::BadParameter);
    }
    let subscribe = kind == SubscriptionKind::Subscribe;
    // Per filter: its length prefix and the filter, and for SUBSCRIBE the
    // QoS byte: the filter's vectors in a batch.
    let per_filter: usize = if subscribe { 3 } else { 2 };
    // One pass over the filters, the serializer's own (the same checks and
    // statuses as `MQTT_GetSubscribePacketSize`), which also finds whether
    // any subscription needs incoming records.
    let mut wants_qos1_or_2 = false;
    let remaining = packets::checked_subscription_size(count, filter, kind, &mut wants_qos1_or_2);
    if remaining == 0 {
        return Err(Error::BadParameter);
    }
    if wants_qos1_or_2 && ctx.record_array(false).is_empty() {
        log::error!("{kind:?}: QoS 1/2 subscriptions need incoming records (MQTT_InitStatefulQoS)");
        return Err(Error::BadParameter);
    }
    require_connected(ctx)?;
    let mut header = [0u8; SUBSCRIPTION_HEADER_MAX_SIZE];
    // Cannot fail: `remaining` was checked against the MQTT limit above
    // and the array holds the longest header.
    let header_len = packets::header_with_u16(&mut header, kind.type_byte(), remaining, packet_id);

    let max = Config::sub_unsub_vectors_now();
    let header = header.get(..header_len).unwrap_or_default();
    // Batches of at most `max` vectors: the header and as many whole filters
    // as fit (at least one), then whole filters only. The length bytes of a
    // batch live in an array the batch's vectors borrow, so each batch is
    // prepared in full before it is sent.
    let mut next: usize = 0;
    let mut started = false;
    // Cleared once, not per batch: each batch writes the length bytes of
    // the filters it sends before its vectors borrow them.
    let mut lengths = [[0u8; 2]; BATCH_FILTERS_CAP];
    while next < count {
        // Slot 0 holds the header, sent with the first batch only; each
        // filter then takes `per_filter` slots. Counting slot 0 in both
        // cases, a batch may fill `max` slots plus slot 0 once the header
        // has gone out: filters are added while the next one fits (the
        // first always goes in), at most `BATCH_FILTERS_CAP` of them.
        let limit = max + usize::from(started);
        let mut vectors: [&[u8]; BATCH_VECTORS_CAP] = [header; BATCH_VECTORS_CAP];
        let mut used = 1;
        for len in lengths.iter_mut() {
            if next >= count || (used > 1 && used + per_filter > limit) {
                break;
            }
            // Every entry was read and checked above.
            let Some(f) = filter(next) else { break };
            next += 1;
            // At most 65,535 bytes: checked above, so the cast keeps it.
            *len = (f.filter.len() as u16).to_be_bytes();
            let len: &[u8; 2] = len;
            // Three slots written, `per_filter` kept: an UNSUBSCRIBE's third
            // slot is overwritten by the next filter or left past `used`.
            if let Some([len_slot, filter_slot, qos_slot]) = vectors
                .get_mut(used..)
                .and_then(|rest| rest.first_chunk_mut())
            {
                *len_slot = len;
                *filter_slot = f.filter;
                *qos_slot = QOS_BYTES
                    .get(f.qos as usize..)
                    .and_then(|q| q.get(..1))
                    .unwrap_or_default();
            }
            used += per_filter;
        }
        let batch = vectors
            .get_mut(usize::from(started)..used)
            .unwrap_or_default();
        if let Err(e) = send_batch(ctx, batch, &mut started) {
            log::error!("{kind:?} {packet_id}: send failed");
            return Err(e);
        }
    }
    Ok(())
}

/// Most vectors one batch holds: the header and [`BATCH_FILTERS_CAP`]
/// filters of three vectors each.
const BATCH_VECTORS_CAP: usize = 1 + 3 * BATCH_FILTERS_CAP;

/// The requested-QoS byte of a SUBSCRIBE filter (MQTT 3.1.1 3.8.3), by QoS:
/// the vectors borrow it from here instead of from a per-batch array.
const QOS_BYTES: [u8; 3] = [0, 1, 2];

/// Most filters one batch holds. Few enough that the batch's length bytes
/// (two per filter) are cleared by a few stores: a larger array is cleared
/// by a call to `__aeabi_memclr4`, which firmware would link for this alone.
/// With the default `MQTT_SUB_UNSUB_MAX_VECTORS` (4) a batch holds one
/// filter anyway; larger limits send up to eight filters per transport call.
const BATCH_FILTERS_CAP: usize = 8;

/// Sends one batch of the packet's vectors; `started` records that an
/// earlier batch went out.
///
/// `send_vectors` marks the connection `MQTTDisconnectPending` when it cuts a
/// packet short itself, but it sees one batch only: a later batch that times
/// out before its first byte leaves the earlier batches on the wire as the
/// start of a packet that never ends, so the byte stream is just as corrupt.
fn send_batch<P: Port>(
    ctx: &mut P,
    vectors: &mut [&[u8]],
    started: &mut bool,
) -> Result<(), Error> {
    match send_vectors(ctx, vectors) {
        Ok(()) => {
            *started = true;
            Ok(())
        }
        Err(e) => {
            log::error!("sending part of the packet failed: {e:?}");
            if *started {
                mark_disconnect_pending(ctx);
            }
            Err(Error::SendFailed)
        }
    }
}
