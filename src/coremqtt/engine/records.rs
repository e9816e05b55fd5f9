//! The engine's use of the QoS 1/2 state records (`MQTTPubAckInfo_t` arrays
//! the application gave `MQTT_InitStatefulQoS`).
//!
//! Record rules (coreMQTT's, kept because applications and coreMQTT-Agent read
//! the arrays): a free slot has packet id 0; new records go after the last
//! used slot so the array stays in send order; when the last slot is taken the
//! array is compacted first; a duplicate id is `MQTTStateCollision`, a full
//! array `MQTTNoMemory`. A finished exchange frees its slot.

use crate::coremqtt::context::{MQTTPubAckInfo_t, MQTTPubAckType, MQTTPublishState};
use crate::coremqtt::serializer_types::MQTTStatus;

/// Whether the engine sends or received the packet that moves a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dir {
    /// The client sends it.
    Send,
    /// The client received it.
    Receive,
}

/// The state a record's raw value names, if it is a valid one.
pub(crate) fn state_of(raw: u32) -> Option<MQTTPublishState> {
    use MQTTPublishState::*;
    Some(match raw {
        0 => MQTTStateNull,
        1 => MQTTPublishSend,
        2 => MQTTPubAckSend,
        3 => MQTTPubRecSend,
        4 => MQTTPubRelSend,
        5 => MQTTPubCompSend,
        6 => MQTTPubAckPending,
        7 => MQTTPubRecPending,
        8 => MQTTPubRelPending,
        9 => MQTTPubCompPending,
        10 => MQTTPublishDone,
        _ => return None,
    })
}

/// The slot holding `packet_id`.
pub(crate) fn find(records: &[MQTTPubAckInfo_t], packet_id: u16) -> Option<usize> {
    if packet_id == 0 {
        return None;
    }
    records.iter().position(|r| r.packetId == packet_id)
}

/// Frees a slot.
pub(crate) fn free(record: &mut MQTTPubAckInfo_t) {
    *record = MQTTPubAckInfo_t {
        packetId: 0,
        qos: 0,
        publishState: MQTTPublishState::MQTTStateNull as u32,
    };
}

/// Moves used records to the front, keeping their order.
fn compact(records: &mut [MQTTPubAckInfo_t]) {
    let mut next = 0;
    for i in 0..records.len() {
        if records[i].packetId != 0 {
            records.swap(next, i);
            next += 1;
        }
    }
}

/// Adds a record after the last used slot.
pub(crate) fn add(
    records: &mut [MQTTPubAckInfo_t],
    packet_id: u16,
    qos: u8,
    state: MQTTPublishState,
) -> Result<(), MQTTStatus> {
    if packet_id == 0 || qos == 0 {
        return Err(MQTTStatus::MQTTBadParameter);
    }
    if records.is_empty() {
        return Err(MQTTStatus::MQTTNoMemory);
    }
    if find(records, packet_id).is_some() {
        return Err(MQTTStatus::MQTTStateCollision);
    }
    if records.last().is_some_and(|r| r.packetId != 0) {
        compact(records);
    }
    let slot = records
        .iter()
        .rposition(|r| r.packetId != 0)
        .map_or(0, |last| last + 1);
    let Some(record) = records.get_mut(slot) else {
        log::error!("no free state record for packet {packet_id}");
        return Err(MQTTStatus::MQTTNoMemory);
    };
    *record = MQTTPubAckInfo_t {
        packetId: packet_id,
        qos: u32::from(qos),
        publishState: state as u32,
    };
    Ok(())
}

/// The state a PUBLISH of `qos` leads to.
pub(crate) fn publish_state(dir: Dir, qos: u8) -> MQTTPublishState {
    use MQTTPublishState::*;
    match (dir, qos) {
        (Dir::Send, 1) => MQTTPubAckPending,
        (Dir::Send, 2) => MQTTPubRecPending,
        (Dir::Receive, 1) => MQTTPubAckSend,
        (Dir::Receive, 2) => MQTTPubRecSend,
        _ => MQTTPublishDone,
    }
}

/// The transition an acknowledgement makes, or `None` when it is not allowed
/// from `current`.
fn ack_transition(
    ack: MQTTPubAckType,
    dir: Dir,
    current: MQTTPublishState,
) -> Option<MQTTPublishState> {
    use MQTTPubAckType::*;
    use MQTTPublishState::*;
    Some(match (ack, dir, current) {
        (MQTTPuback, Dir::Receive, MQTTPubAckPending) => MQTTPublishDone,
        (MQTTPuback, Dir::Send, MQTTPubAckSend) => MQTTPublishDone,
        // A PUBREC repeated after a reconnect asks for the PUBREL again.
        (MQTTPubrec, Dir::Receive, MQTTPubRecPending | MQTTPubCompPending) => MQTTPubRelSend,
        (MQTTPubrec, Dir::Send, MQTTPubRecSend) => MQTTPubRelPending,
        // A PUBREL repeated because our PUBCOMP was lost asks for it again.
        (MQTTPubrel, Dir::Receive, MQTTPubRelPending | MQTTPubCompSend) => MQTTPubCompSend,
        (MQTTPubrel, Dir::Send, MQTTPubRelSend) => MQTTPubCompPending,
        (MQTTPubcomp, Dir::Receive, MQTTPubCompPending) => MQTTPublishDone,
        (MQTTPubcomp, Dir::Send, MQTTPubCompSend) => MQTTPublishDone,
        _ => return None,
    })
}

/// Whether an acknowledgement concerns the outgoing records (publishes the
/// client sent) or the incoming ones.
pub(crate) fn is_outgoing(ack: MQTTPubAckType, dir: Dir) -> bool {
    use MQTTPubAckType::*;
    matches!(
        (ack, dir),
        (MQTTPuback | MQTTPubrec | MQTTPubcomp, Dir::Receive) | (MQTTPubrel, Dir::Send)
    )
}

/// Applies an acknowledgement to the record of `packet_id`: the new state,
/// `MQTTBadParameter` when no record has that id, `MQTTIllegalState` when the
/// acknowledgement does not fit the record. A finished record is freed.
pub(crate) fn update_ack(
    records: &mut [MQTTPubAckInfo_t],
    packet_id: u16,
    ack: MQTTPubAckType,
    dir: Dir,
) -> Result<MQTTPublishState, MQTTStatus> {
    let Some(slot) = find(records, packet_id) else {
        log::error!("no state record for packet {packet_id} ({ack:?} {dir:?})");
        return Err(MQTTStatus::MQTTBadParameter);
    };
    let record = &mut records[slot];
    let qos_fits = match ack {
        MQTTPubAckType::MQTTPuback => record.qos == 1,
        _ => record.qos == 2,
    };
    let next = state_of(record.publishState).and_then(|s| ack_transition(ack, dir, s));
    match next {
        Some(next) if qos_fits => {
            if next == MQTTPublishState::MQTTPublishDone {
                free(record);
            } else {
                record.publishState = next as u32;
            }
            Ok(next)
        }
        _ => {
            log::error!(
                "{ack:?} ({dir:?}) does not fit packet {packet_id} in state {} at QoS {}",
                record.publishState,
                record.qos
            );
            Err(MQTTStatus::MQTTIllegalState)
        }
    }
}

/// The next outgoing record at or after `*cursor` whose PUBREL must be sent
/// again on a resumed session (PUBREC received, PUBCOMP not yet).
pub(crate) fn next_pubrel_to_resend(
    records: &[MQTTPubAckInfo_t],
    cursor: &mut usize,
) -> Option<u16> {
    next_matching(records, cursor, |s| {
        matches!(
            s,
            MQTTPublishState::MQTTPubRelSend | MQTTPublishState::MQTTPubCompPending
        )
    })
}

/// The next outgoing record at or after `*cursor` whose PUBLISH was never
/// acknowledged (PUBACK or PUBREC still awaited).
pub(crate) fn next_publish_to_resend(
    records: &[MQTTPubAckInfo_t],
    cursor: &mut usize,
) -> Option<u16> {
    next_matching(records, cursor, |s| {
        matches!(
            s,
            MQTTPublishState::MQTTPubAckPending | MQTTPublishState::MQTTPubRecPending
        )
    })
}

fn next_matching(
    records: &[MQTTPubAckInfo_t],
    cursor: &mut usize,
    wanted: impl Fn(MQTTPublishState) -> bool,
) -> Option<u16> {
    while let Some(record) = records.get(*cursor) {
        *cursor += 1;
        if record.packetId != 0 && state_of(record.publishState).is_some_and(&wanted) {
            return Some(record.packetId);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use MQTTPubAckType::*;
    use MQTTPublishState::*;

    fn empty<const N: usize>() -> [MQTTPubAckInfo_t; N] {
        [MQTTPubAckInfo_t {
            packetId: 0,
            qos: 0,
            publishState: 0,
        }; N]
    }

    #[test]
    fn add_keeps_order_compacts_and_reports_full_and_collision() {
        let mut r = empty::<3>();
        add(&mut r, 1, 1, MQTTPublishSend).unwrap();
        add(&mut r, 2, 1, MQTTPublishSend).unwrap();
        assert_eq!(
            add(&mut r, 2, 1, MQTTPublishSend),
            Err(MQTTStatus::MQTTStateCollision)
        );
        add(&mut r, 3, 2, MQTTPublishSend).unwrap();
        assert_eq!(
            add(&mut r, 4, 1, MQTTPublishSend),
            Err(MQTTStatus::MQTTNoMemory)
        );
        free(&mut r[0]);
        add(&mut r, 4, 1, MQTTPublishSend).unwrap();
        assert_eq!(r.map(|x| x.packetId), [2, 3, 4]);
    }

    #[test]
    fn qos2_flows_in_both_directions() {
        let mut out = empty::<2>();
        add(&mut out, 5, 2, publish_state(Dir::Send, 2)).unwrap();
        assert_eq!(
            update_ack(&mut out, 5, MQTTPubrec, Dir::Receive),
            Ok(MQTTPubRelSend)
        );
        assert_eq!(
            update_ack(&mut out, 5, MQTTPubrel, Dir::Send),
            Ok(MQTTPubCompPending)
        );
        assert_eq!(
            update_ack(&mut out, 5, MQTTPubcomp, Dir::Receive),
            Ok(MQTTPublishDone)
        );
        assert_eq!(out[0].packetId, 0);

        let mut inc = empty::<2>();
        add(&mut inc, 9, 2, publish_state(Dir::Receive, 2)).unwrap();
        assert_eq!(
            update_ack(&mut inc, 9, MQTTPubrec, Dir::Send),
            Ok(MQTTPubRelPending)
        );
        assert_eq!(
            update_ack(&mut inc, 9, MQTTPubrel, Dir::Receive),
            Ok(MQTTPubCompSend)
        );
        assert_eq!(
            update_ack(&mut inc, 9, MQTTPubcomp, Dir::Send),
            Ok(MQTTPublishDone)
        );
        assert_eq!(
            update_ack(&mut inc, 9, MQTTPubcomp, Dir::Send),
            Err(MQTTStatus::MQTTBadParameter)
        );
    }

    #[test]
    fn wrong_ack_for_the_state_or_qos_is_illegal() {
        let mut out = empty::<2>();
        add(&mut out, 5, 1, publish_state(Dir::Send, 1)).unwrap();
        assert_eq!(
            update_ack(&mut out, 5, MQTTPubrec, Dir::Receive),
            Err(MQTTStatus::MQTTIllegalState)
        );
        assert_eq!(
            update_ack(&mut out, 5, MQTTPubcomp, Dir::Receive),
            Err(MQTTStatus::MQTTIllegalState)
        );
        assert_eq!(
            update_ack(&mut out, 5, MQTTPuback, Dir::Receive),
            Ok(MQTTPublishDone)
        );
    }

    #[test]
    fn resend_cursors_walk_the_matching_records() {
        let mut out = empty::<4>();
        add(&mut out, 1, 2, MQTTPubCompPending).unwrap();
        add(&mut out, 2, 1, MQTTPubAckPending).unwrap();
        add(&mut out, 3, 2, MQTTPubRelSend).unwrap();
        add(&mut out, 4, 2, MQTTPubRecPending).unwrap();
        let mut c = 0;
        assert_eq!(next_pubrel_to_resend(&out, &mut c), Some(1));
        assert_eq!(next_pubrel_to_resend(&out, &mut c), Some(3));
        assert_eq!(next_pubrel_to_resend(&out, &mut c), None);
        let mut c = 0;
        assert_eq!(next_publish_to_resend(&out, &mut c), Some(2));
        assert_eq!(next_publish_to_resend(&out, &mut c), Some(4));
        assert_eq!(next_publish_to_resend(&out, &mut c), None);
    }
}
