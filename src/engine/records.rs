//! The state records of QoS 1 and QoS 2 publishes: the state machine of
//! MQTT 3.1.1 4.3 over the application's record arrays.
//!
//! A slot with packet identifier 0 is free. Records are kept in the order
//! their publishes started, because MQTT 3.1.1 4.6 requires resent PUBLISH
//! and PUBREL packets to go out in the original order: a new record goes
//! into the first free slot after the last used one, and when the last slot
//! of the array is taken the used slots are first slid to the front
//! (compaction), closing the holes left by completed exchanges.
//!
//! Everything here works on slices and never panics; the coreMQTT state
//! functions (`coremqtt::state`) and the engine both call it.

use crate::engine::record::{
    MQTTPubAckInfo_t, MQTTPubAckType, MQTTPubAckTypeRaw, MQTTPublishState, MQTTPublishStateRaw,
    MQTT_PACKET_ID_INVALID,
};
use crate::engine::record::{MQTTQoS, MQTTQoSRaw};

use super::error::Error;
impl MQTTPublishState {
    /// The state for a raw value C stored, or `None` when it is not one of
    /// the eleven states.
    pub fn from_raw(raw: MQTTPublishStateRaw) -> Option<Self> {
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

    /// The enumerator's name, as `MQTT_State_strerror` reports it.
    pub fn name(self) -> &'static str {
        use MQTTPublishState::*;
        match self {
            MQTTStateNull => "MQTTStateNull",
            MQTTPublishSend => "MQTTPublishSend",
            MQTTPubAckSend => "MQTTPubAckSend",
            MQTTPubRecSend => "MQTTPubRecSend",
            MQTTPubRelSend => "MQTTPubRelSend",
            MQTTPubCompSend => "MQTTPubCompSend",
            MQTTPubAckPending => "MQTTPubAckPending",
            MQTTPubRecPending => "MQTTPubRecPending",
            MQTTPubRelPending => "MQTTPubRelPending",
            MQTTPubCompPending => "MQTTPubCompPending",
            MQTTPublishDone => "MQTTPublishDone",
        }
    }
}

impl MQTTPubAckType {
    /// The acknowledgement type for a raw C value, or `None` when it is not
    /// 0..=3.
    pub fn from_raw(raw: MQTTPubAckTypeRaw) -> Option<Self> {
        match raw {
            0 => Some(Self::MQTTPuback),
            1 => Some(Self::MQTTPubrec),
            2 => Some(Self::MQTTPubrel),
            3 => Some(Self::MQTTPubcomp),
            _ => None,
        }
    }
}

/// The four acknowledgements of a QoS 1/2 exchange: the engine's own type,
/// in the order of their packet types (4 to 7) and of coreMQTT's
/// `MQTTPubAckType` (0 to 3), so that converting either is a cast.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Ack {
    /// PUBACK, answering a QoS 1 PUBLISH.
    PubAck = 0,
    /// PUBREC, answering a QoS 2 PUBLISH.
    PubRec = 1,
    /// PUBREL, answering a PUBREC.
    PubRel = 2,
    /// PUBCOMP, answering a PUBREL.
    PubComp = 3,
}

impl From<MQTTPubAckType> for Ack {
    fn from(ack: MQTTPubAckType) -> Self {
        match ack {
            MQTTPubAckType::MQTTPuback => Ack::PubAck,
            MQTTPubAckType::MQTTPubrec => Ack::PubRec,
            MQTTPubAckType::MQTTPubrel => Ack::PubRel,
            MQTTPubAckType::MQTTPubcomp => Ack::PubComp,
        }
    }
}

/// Whether a packet is sent to the server or received from it (the engine's
/// own type; coreMQTT's `MQTTStateOperation` has the same values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Direction {
    /// Sent by us.
    Send = 0,
    /// Received from the server.
    Receive = 1,
}

/// The state a publish enters when it is sent (`MQTT_SEND`) or received
/// (`MQTT_RECEIVE`) with the given QoS: QoS 0 is done at once, QoS 1 waits
/// for (or owes) a PUBACK, QoS 2 a PUBREC.
pub fn calculate_state_publish(op: Direction, qos: MQTTQoS) -> MQTTPublishState {
    use MQTTPublishState::*;
    match (qos, op) {
        (MQTTQoS::MQTTQoS0, _) => MQTTPublishDone,
        (MQTTQoS::MQTTQoS1, Direction::Send) => MQTTPubAckPending,
        (MQTTQoS::MQTTQoS1, Direction::Receive) => MQTTPubAckSend,
        (MQTTQoS::MQTTQoS2, Direction::Send) => MQTTPubRecPending,
        (MQTTQoS::MQTTQoS2, Direction::Receive) => MQTTPubRecSend,
    }
}

/// [`calculate_state_publish`] as data, indexed by `qos * 2 + op`
/// (`MQTT_SEND` is 0): `MQTT_CalculateStatePublish` looks its raw
/// arguments up here instead of converting both to enums and matching
/// (smaller on a Cortex-M4). The engine keeps the match, which folds away
/// where its arguments are constants.
pub const PUBLISH_STATES: [MQTTPublishState; 6] = {
    use MQTTPublishState::*;
    [
        MQTTPublishDone,
        MQTTPublishDone,
        MQTTPubAckPending,
        MQTTPubAckSend,
        MQTTPubRecPending,
        MQTTPubRecSend,
    ]
};

/// The state of [`calculate_state_publish`] for raw C values (as indices,
/// see `c_enum::to_index`); `MQTTStateNull` for an operation other than 0
/// or 1 or a QoS other than 0 to 2.
pub fn publish_state_raw(op: usize, qos: usize) -> MQTTPublishState {
    if op > 1 || qos > 2 {
        return MQTTPublishState::MQTTStateNull;
    }
    PUBLISH_STATES
        .get(qos * 2 + op)
        .copied()
        .unwrap_or(MQTTPublishState::MQTTStateNull)
}

/// The row of [`ACK_STEPS`] for raw C values of an acknowledgement type
/// (0 to 3) and an operation (0 or 1), as indices; `None` out of range.
pub fn ack_step_raw(ack: usize, op: usize) -> Option<AckStep> {
    if ack > 3 || op > 1 {
        return None;
    }
    ACK_STEPS.get(ack * 2 + op).copied()
}

/// What sending or receiving one acknowledgement does to a state record:
/// one row of [`ACK_STEPS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AckStep {
    /// The state the publish enters.
    pub new: MQTTPublishState,
    /// The QoS the acknowledgement belongs to: a PUBACK only to QoS 1,
    /// PUBREC/PUBREL/PUBCOMP only to QoS 2.
    pub qos: MQTTQoS,
    /// Whether it concerns one of our outgoing publishes (else one of the
    /// server's).
    pub outgoing: bool,
    /// The states it may leave, one bit per `MQTTPublishState` value.
    pub from: u16,
}

/// The bit of each state in [`AckStep::from`].
const fn bits(mut states: &[MQTTPublishState]) -> u16 {
    let mut mask = 0;
    while let [first, rest @ ..] = states {
        mask |= 1 << *first as u16;
        states = rest;
    }
    mask
}

/// Whether the stored `state` is one of `states` (bits as from [`bits`]); a
/// value outside 0..=10 (C may have written anything) is none of them.
fn state_in(states: u16, state: MQTTPublishStateRaw) -> bool {
    let bit = super::c_enum::to_index(state);
    bit < 16 && (states >> bit) & 1 != 0
}

/// The acknowledgement transitions of MQTT 3.1.1 4.3, indexed by
/// `ack * 2 + direction` ([`Direction::Send`] is 0): one table instead of a match per
/// question, so the state machine is this data plus [`apply_ack`].
///
/// The self-transitions cover a session resumption: the server resends a
/// QoS 2 publish we already answered with PUBREC (`MQTTPubRelPending`),
/// resends a PUBREL we already answered (`MQTTPubCompSend`), or we resend a
/// PUBREL (`MQTTPubCompPending`). A PUBACK or PUBCOMP completes the exchange
/// from any state that waits for or owes one of them.
pub const ACK_STEPS: [AckStep; 8] = {
    use MQTTPublishState::*;
    const DONE_FROM: u16 = bits(&[
        MQTTPubAckSend,
        MQTTPubAckPending,
        MQTTPubCompSend,
        MQTTPubCompPending,
    ]);
    const fn step(new: MQTTPublishState, qos: MQTTQoS, outgoing: bool, from: u16) -> AckStep {
        AckStep {
            new,
            qos,
            outgoing,
            from,
        }
    }
    [
        // PUBACK sent for the server's QoS 1 publish / received for ours.
        step(MQTTPublishDone, MQTTQoS::MQTTQoS1, false, DONE_FROM),
        step(MQTTPublishDone, MQTTQoS::MQTTQoS1, true, DONE_FROM),
        // We send PUBREC for an incoming publish, then wait for its PUBREL;
        // we receive PUBREC for an outgoing publish and owe a PUBREL.
        step(
            MQTTPubRelPending,
            MQTTQoS::MQTTQoS2,
            false,
            bits(&[MQTTPubRecSend, MQTTPubRelPending]),
        ),
        step(
            MQTTPubRelSend,
            MQTTQoS::MQTTQoS2,
            true,
            bits(&[MQTTPubRecPending]),
        ),
        // We send PUBREL for an outgoing publish, then wait for PUBCOMP; we
        // receive PUBREL for an incoming publish and owe a PUBCOMP.
        step(
            MQTTPubCompPending,
            MQTTQoS::MQTTQoS2,
            true,
            bits(&[MQTTPubRelSend, MQTTPubCompPending]),
        ),
        step(
            MQTTPubCompSend,
            MQTTQoS::MQTTQoS2,
            false,
            bits(&[MQTTPubRelPending, MQTTPubCompSend]),
        ),
        // PUBCOMP sent for the server's QoS 2 publish / received for ours.
        step(MQTTPublishDone, MQTTQoS::MQTTQoS2, false, DONE_FROM),
        step(MQTTPublishDone, MQTTQoS::MQTTQoS2, true, DONE_FROM),
    ]
};

/// The row of [`ACK_STEPS`] for `ack` travelling in `direction`.
pub fn ack_step(ack: Ack, direction: Direction) -> AckStep {
    let index = ack as usize * 2 + direction as usize;
    match ACK_STEPS.get(index) {
        Some(&step) => step,
        // Not reached: both enums are in range.
        None => AckStep {
            new: MQTTPublishState::MQTTStateNull,
            qos: MQTTQoS::MQTTQoS0,
            outgoing: false,
            from: 0,
        },
    }
}

/// The state a publish enters when the acknowledgement `ack` is sent or
/// received. `qos` is the record's QoS as stored (a raw integer, since C may
/// have written it); a PUBACK only belongs to QoS 1 and PUBREC/PUBREL/PUBCOMP
/// only to QoS 2, so any other combination gives `MQTTStateNull`, which no
/// transition accepts.
pub fn calculate_state_ack(
    ack: MQTTPubAckType,
    op: Direction,
    qos: MQTTQoSRaw,
) -> MQTTPublishState {
    let step = ack_step(ack.into(), op);
    if qos == step.qos as MQTTQoSRaw {
        step.new
    } else {
        MQTTPublishState::MQTTStateNull
    }
}

/// Whether the acknowledgement `ack`, travelling in direction `op`, belongs
/// to one of our outgoing publishes (else to an incoming one).
pub fn ack_concerns_outgoing(ack: MQTTPubAckType, op: Direction) -> bool {
    ack_step(ack.into(), op).outgoing
}

/// An empty slot, as a deleted record is left.
pub(crate) const FREE_SLOT: MQTTPubAckInfo_t = MQTTPubAckInfo_t {
    packetId: MQTT_PACKET_ID_INVALID,
    qos: MQTTQoS::MQTTQoS0 as MQTTQoSRaw,
    publishState: MQTTPublishState::MQTTStateNull as MQTTPublishStateRaw,
};

/// Slides every used record towards the front, keeping their order, so the
/// free slots end up at the back; returns the number of used records.
pub(crate) fn compact(records: &mut [MQTTPubAckInfo_t]) -> usize {
    let mut next_free = 0;
    for index in 0..records.len() {
        let Some(slot) = records.get_mut(index) else {
            break;
        };
        let record = *slot;
        if record.packetId != MQTT_PACKET_ID_INVALID {
            // Freed first, then written at `next_free` (which is `index`
            // itself while no hole was met): no branch for that case.
            *slot = FREE_SLOT;
            if let Some(slot) = records.get_mut(next_free) {
                // Field by field: a whole-struct assignment here compiles
                // to a call to memmove, which firmware would otherwise
                // not link at all (1.5 KB on a Cortex-M4).
                slot.packetId = record.packetId;
                slot.qos = record.qos;
                slot.publishState = record.publishState;
            }
            next_free += 1;
        }
    }
    next_free
}

/// Adds a record after the last used slot. [`Error::StateCollision`] when
/// the packet identifier is already recorded, [`Error::NoMemory`] when no
/// slot is free (or the array is empty).
fn add_record(
    records: &mut [MQTTPubAckInfo_t],
    packet_id: u16,
    qos: MQTTQoS,
    state: MQTTPublishState,
) -> Result<(), Error> {
    add_record_at(records, packet_id, qos, state).map(|_| ())
}

/// [`add_record`], returning the index of the new record.
#[inline(always)]
fn add_record_at(
    records: &mut [MQTTPubAckInfo_t],
    packet_id: u16,
    qos: MQTTQoS,
    state: MQTTPublishState,
) -> Result<usize, Error> {
    match insert(records, packet_id, qos, state) {
        (Insert::Added, index) => Ok(index),
        (Insert::Collision, _) => Err(Error::StateCollision),
        (Insert::Full, _) => Err(Error::NoMemory),
    }
}

/// What [`insert`] did: one byte, so that it and the index come back in two
/// registers (a `Result<usize, Error>`, or a pair holding the two-byte
/// `Error`, goes through memory: measured larger at the callers on a
/// Cortex-M4).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Insert {
    /// The record was added at the returned index.
    Added,
    /// A record with this packet identifier exists already.
    Collision,
    /// No free slot.
    Full,
}

/// The body of [`add_record_at`]: the outcome and the new record's index.
fn insert(
    records: &mut [MQTTPubAckInfo_t],
    packet_id: u16,
    qos: MQTTQoS,
    state: MQTTPublishState,
) -> (Insert, usize) {
    // The collision check comes first: a collision adds nothing, so it must
    // not move records either. `MQTT_Publish(dup = true)` of a stored publish
    // ends here, and compacting would shift the records under a
    // `MQTT_PublishToResend` cursor, which would then skip the publishes
    // that moved and never resend them (coreMQTT compacts first).
    let Some(mut used_end) = used_end_unless_collision(records, packet_id) else {
        return (Insert::Collision, 0);
    };
    if used_end == records.len() {
        used_end = compact(records);
    }
    // The first free slot after the last used one: earlier holes stay empty
    // so that the array order remains the order of insertion.
    let Some(record) = records.get_mut(used_end) else {
        return (Insert::Full, 0);
    };
    *record = MQTTPubAckInfo_t {
        packetId: packet_id,
        qos: qos as MQTTQoSRaw,
        publishState: state as MQTTPublishStateRaw,
    };
    (Insert::Added, used_end)
}

/// The end of the used slots (everything after it is free), or `None` when
/// `packet_id` collides: a used slot holds it, or it is 0 (which coreMQTT
/// reports as a collision with a free slot) and any slot is free.
///
/// Built for size (`cfg(rsmqtt_small)`, see build.rs) one loop finds both
/// ([`used_end_one_loop`]); otherwise [`used_end_two_loops`], because its
/// second loop vectorises: with 32 publishes in flight in 64 records the
/// one-loop version costs about 15% more instructions per QoS 1 publish
/// (scripts/bench.sh).
fn used_end_unless_collision(records: &[MQTTPubAckInfo_t], packet_id: u16) -> Option<usize> {
    #[cfg(rsmqtt_small)]
    return used_end_one_loop(records, packet_id);
    #[cfg(not(rsmqtt_small))]
    return used_end_two_loops(records, packet_id);
}

/// [`used_end_unless_collision`] in one loop (the size build's).
#[cfg(any(test, rsmqtt_small))]
fn used_end_one_loop(records: &[MQTTPubAckInfo_t], packet_id: u16) -> Option<usize> {
    let mut used_end = 0;
    let mut hit = false;
    for (index, record) in records.iter().enumerate() {
        hit |= record.packetId == packet_id;
        if record.packetId != MQTT_PACKET_ID_INVALID {
            used_end = index + 1;
        }
    }
    (!hit).then_some(used_end)
}

/// [`used_end_unless_collision`] in two loops (the other builds'): the last
/// used slot found from the back (the free tail is usually short), then the
/// collision scan over the used slots only.
#[cfg(any(test, not(rsmqtt_small)))]
fn used_end_two_loops(records: &[MQTTPubAckInfo_t], packet_id: u16) -> Option<usize> {
    let used_end = records
        .iter()
        .rposition(|record| record.packetId != MQTT_PACKET_ID_INVALID)
        .map_or(0, |last| last + 1);
    let used = records.get(..used_end).unwrap_or_default();
    let hit = packet_id == MQTT_PACKET_ID_INVALID && used_end < records.len()
        || used
            .iter()
            .fold(false, |hit, record| hit | (record.packetId == packet_id));
    (!hit).then_some(used_end)
}

/// Index of the record holding `packet_id` (never matches a free slot).
pub fn find(records: &[MQTTPubAckInfo_t], packet_id: u16) -> Option<usize> {
    if packet_id == MQTT_PACKET_ID_INVALID {
        return None;
    }
    records
        .iter()
        .position(|record| record.packetId == packet_id)
}

/// The next record at or after `*cursor` whose state is in `states` (one
/// bit per `MQTTPublishState` value, as [`AckStep::from`]); advances the
/// cursor past it and returns its packet identifier, or 0 and the cursor at
/// the end when there is none.
fn select(records: &[MQTTPubAckInfo_t], states: u16, cursor: &mut usize) -> u16 {
    while let Some(record) = records.get(*cursor) {
        *cursor += 1;
        if state_in(states, record.publishState) && record.packetId != MQTT_PACKET_ID_INVALID {
            return record.packetId;
        }
    }
    // Park the cursor at the end so that further calls stay at the end.
    *cursor = (*cursor).max(records.len());
    MQTT_PACKET_ID_INVALID
}

/// The two record arrays of one connection, borrowed for one operation.
pub struct StateRecords<'a> {
    /// Records of our QoS 1/2 publishes.
    pub outgoing: &'a mut [MQTTPubAckInfo_t],
    /// Records of the server's QoS 1/2 publishes.
    pub incoming: &'a mut [MQTTPubAckInfo_t],
}

impl StateRecords<'_> {
    /// Reserves a record for an outgoing publish before it is sent
    /// (`MQTT_ReserveState`). QoS 0 needs no record and succeeds at once.
    /// Errors: packet identifier 0 → [`Error::BadParameter`]; identifier in use →
    /// [`Error::StateCollision`]; no free slot → [`Error::NoMemory`].
    pub fn reserve(&mut self, packet_id: u16, qos: MQTTQoS) -> Result<(), Error> {
        Outgoing(self.outgoing).reserve(packet_id, qos)
    }

    /// [`Outgoing::reserve_slot`] on the outgoing records.
    pub fn reserve_slot(&mut self, packet_id: u16, qos: MQTTQoS) -> Result<usize, Error> {
        Outgoing(self.outgoing).reserve_slot(packet_id, qos)
    }

    /// [`Outgoing::sent`] on the outgoing records.
    pub fn sent(
        &mut self,
        slot: Option<usize>,
        packet_id: u16,
        qos: MQTTQoS,
    ) -> Result<MQTTPublishState, Error> {
        Outgoing(self.outgoing).sent(slot, packet_id, qos)
    }

    /// Records that a PUBLISH was sent or received (`MQTT_UpdateStatePublish`)
    /// and returns the publish's new state.
    ///
    /// QoS 0 → `MQTTPublishDone` without touching the records. Packet
    /// identifier 0 → [`Error::BadParameter`]. Sending needs a reserved record with
    /// the same QoS ([`Error::BadParameter`] otherwise); receiving adds a record
    /// ([`Error::StateCollision`] when the server resends a publish we still hold,
    /// [`Error::NoMemory`] when full). A transition the state machine forbids →
    /// [`Error::IllegalState`].
    pub fn update_publish(
        &mut self,
        packet_id: u16,
        op: Direction,
        qos: MQTTQoS,
    ) -> Result<MQTTPublishState, Error> {
        let records: &mut [MQTTPubAckInfo_t] = match op {
            Direction::Send => self.outgoing,
            Direction::Receive => self.incoming,
        };
        update_publish(records, packet_id, op, qos)
    }

    /// Records that an acknowledgement was sent or received
    /// (`MQTT_UpdateStateAck`) and returns the publish's new state.
    ///
    /// Packet identifier 0 → [`Error::BadParameter`]; no record for it →
    /// [`Error::BadResponse`] (the server acknowledged something we never sent);
    /// a transition the state machine forbids → [`Error::IllegalState`]. A
    /// completed exchange frees its record. A received PUBREC moves the
    /// record to the back, so that PUBRELs are resent in the order their
    /// PUBRECs arrived.
    pub fn update_ack(
        &mut self,
        packet_id: u16,
        ack: MQTTPubAckType,
        op: Direction,
    ) -> Result<MQTTPublishState, Error> {
        let step = ack_step(ack.into(), op);
        let records: &mut [MQTTPubAckInfo_t] = if step.outgoing {
            self.outgoing
        } else {
            self.incoming
        };
        update_ack_in(records, packet_id, step)
    }

    /// Frees the record of an outgoing publish whose send failed
    /// (`MQTT_RemoveStateRecord`). [`Error::BadParameter`] when there is no such
    /// record or it is not a QoS 1/2 record.
    pub fn remove_outgoing(&mut self, packet_id: u16) -> Result<(), Error> {
        Outgoing(self.outgoing).remove(packet_id)
    }
}

/// The outgoing records alone: everything sending a publish touches.
/// [`crate::engine::Port::outgoing`] gives it without borrowing the incoming
/// array as well (which the coreMQTT face would first have to check against
/// this one for overlap).
pub struct Outgoing<'a>(pub &'a mut [MQTTPubAckInfo_t]);

impl Outgoing<'_> {
    /// [`StateRecords::reserve`] (`MQTT_ReserveState`) on the outgoing
    /// records alone. Not [`Outgoing::reserve_slot`], so that function stays
    /// inlined in the engine's publish (firmware measured smaller).
    pub fn reserve(&mut self, packet_id: u16, qos: MQTTQoS) -> Result<(), Error> {
        if qos == MQTTQoS::MQTTQoS0 {
            Ok(())
        } else if packet_id == MQTT_PACKET_ID_INVALID {
            Err(Error::BadParameter)
        } else {
            add_record(self.0, packet_id, qos, MQTTPublishState::MQTTPublishSend)
        }
    }

    /// [`StateRecords::reserve`] for QoS 1 or 2, returning the index of the
    /// new record, which [`Outgoing::sent`] then finds without a search.
    pub fn reserve_slot(&mut self, packet_id: u16, qos: MQTTQoS) -> Result<usize, Error> {
        if qos == MQTTQoS::MQTTQoS0 || packet_id == MQTT_PACKET_ID_INVALID {
            return Err(Error::BadParameter);
        }
        add_record_at(self.0, packet_id, qos, MQTTPublishState::MQTTPublishSend)
    }

    /// [`Outgoing::publish_sent`] for a publish whose record
    /// [`Outgoing::reserve_slot`] put at `slot`: when the slot still holds
    /// that record in `MQTTPublishSend` with that QoS, it moves on at once;
    /// otherwise (a resend that reused an older record, or `slot` is stale)
    /// the full search runs.
    pub fn sent(
        &mut self,
        slot: Option<usize>,
        packet_id: u16,
        qos: MQTTQoS,
    ) -> Result<MQTTPublishState, Error> {
        let new = calculate_state_publish(Direction::Send, qos);
        if let Some(record) = slot.and_then(|slot| self.0.get_mut(slot)) {
            if qos != MQTTQoS::MQTTQoS0
                && record.packetId == packet_id
                && record.qos == qos as MQTTQoSRaw
                && record.publishState == MQTTPublishState::MQTTPublishSend as MQTTPublishStateRaw
            {
                record.publishState = new as MQTTPublishStateRaw;
                return Ok(new);
            }
        }
        self.publish_sent(packet_id, qos)
    }

    /// `update_publish(packet_id, MQTT_SEND, qos)`
    /// ([`StateRecords::update_publish`]): QoS 0 → `MQTTPublishDone`,
    /// identifier 0 or no reserved record with that QoS →
    /// [`Error::BadParameter`], a forbidden transition → [`Error::IllegalState`].
    pub fn publish_sent(
        &mut self,
        packet_id: u16,
        qos: MQTTQoS,
    ) -> Result<MQTTPublishState, Error> {
        if qos == MQTTQoS::MQTTQoS0 {
            return Ok(MQTTPublishState::MQTTPublishDone);
        }
        if packet_id == MQTT_PACKET_ID_INVALID {
            return Err(Error::BadParameter);
        }
        let new = calculate_state_publish(Direction::Send, qos);
        // Searched from the back: the record was normally reserved
        // just before the send, after the last used slot. Packet
        // identifiers are unique in the array (`add_record` refuses
        // a second one), so the direction does not change the result.
        let record = self
            .0
            .iter_mut()
            .rev()
            .find(|record| record.packetId == packet_id)
            .ok_or(Error::BadParameter)?;
        if record.qos != qos as MQTTQoSRaw {
            return Err(Error::BadParameter);
        }
        // A send leaves the reservation's `MQTTPublishSend` for the
        // pending state of its QoS; a resend after a session
        // resumption stays in that pending state (the record's QoS
        // was checked, so `new` is the one pending state it can be
        // in).
        let current = record.publishState;
        if current != MQTTPublishState::MQTTPublishSend as MQTTPublishStateRaw
            && current != new as MQTTPublishStateRaw
        {
            if let Some(current) = MQTTPublishState::from_raw(current) {
                log::error!(
                    "illegal state transition {} -> {} for outgoing publish {packet_id}",
                    current.name(),
                    new.name()
                );
            }
            return Err(Error::IllegalState);
        }
        record.publishState = new as MQTTPublishStateRaw;
        Ok(new)
    }

    /// Frees the record of a publish whose send failed
    /// ([`StateRecords::remove_outgoing`]).
    pub fn remove(&mut self, packet_id: u16) -> Result<(), Error> {
        // As `find`, identifier 0 is never a record; the slot itself, not
        // an index and a second bounds check.
        if packet_id == MQTT_PACKET_ID_INVALID {
            return Err(Error::BadParameter);
        }
        let Some(record) = self.0.iter_mut().find(|r| r.packetId == packet_id) else {
            return Err(Error::BadParameter);
        };
        let qos_ok = matches!(
            MQTTQoS::from_raw(record.qos),
            Some(MQTTQoS::MQTTQoS1 | MQTTQoS::MQTTQoS2)
        );
        if record.publishState == MQTTPublishState::MQTTStateNull as MQTTPublishStateRaw || !qos_ok
        {
            return Err(Error::BadParameter);
        }
        *record = FREE_SLOT;
        Ok(())
    }
}

/// [`StateRecords::update_publish`] on the one array `op` concerns (the
/// outgoing records for `MQTT_SEND`, the incoming for `MQTT_RECEIVE`): the C
/// state functions borrow only that array.
pub fn update_publish(
    records: &mut [MQTTPubAckInfo_t],
    packet_id: u16,
    op: Direction,
    qos: MQTTQoS,
) -> Result<MQTTPublishState, Error> {
    if qos == MQTTQoS::MQTTQoS0 {
        return Ok(MQTTPublishState::MQTTPublishDone);
    }
    if packet_id == MQTT_PACKET_ID_INVALID {
        return Err(Error::BadParameter);
    }
    match op {
        Direction::Send => Outgoing(records).publish_sent(packet_id, qos),
        // Not `receive_publish`, which then has the engine as its one caller
        // and inlines there (smaller on a Cortex-M4).
        Direction::Receive => {
            let new = calculate_state_publish(op, qos);
            add_record_at(records, packet_id, qos, new).map(|_| new)
        }
    }
}

/// [`StateRecords::update_ack`] on the one array `step` concerns
/// ([`AckStep::outgoing`]): [`apply_ack`], with a missing record logged.
pub fn update_ack_in(
    records: &mut [MQTTPubAckInfo_t],
    packet_id: u16,
    step: AckStep,
) -> Result<MQTTPublishState, Error> {
    let result = apply_ack(records, packet_id, step);
    if result == Err(Error::BadResponse) {
        log::error!("no state record for packet identifier {packet_id}");
    }
    result
}

/// `update_publish(packet_id, MQTT_RECEIVE, qos)` for QoS 1 or 2 on the
/// incoming records: an incoming publish always starts a record, the only
/// transition from the null state.
pub fn receive_publish(
    incoming: &mut [MQTTPubAckInfo_t],
    packet_id: u16,
    qos: MQTTQoS,
) -> Result<MQTTPublishState, Error> {
    let new = calculate_state_publish(Direction::Receive, qos);
    add_record_at(incoming, packet_id, qos, new).map(|_| new)
}

/// [`StateRecords::update_ack`] on the array `step` concerns: one
/// function, not generic over anything, for every acknowledgement the engine
/// or the C state functions send or receive.
pub fn apply_ack(
    records: &mut [MQTTPubAckInfo_t],
    packet_id: u16,
    step: AckStep,
) -> Result<MQTTPublishState, Error> {
    if packet_id == MQTT_PACKET_ID_INVALID {
        return Err(Error::BadParameter);
    }
    // No record: the caller logs it (a PUBREL without one is answered).
    // The slot itself, not `find`'s index: no second bounds check.
    let Some(slot) = records.iter_mut().find(|r| r.packetId == packet_id) else {
        return Err(Error::BadResponse);
    };
    let current = slot.publishState;
    let valid = slot.qos == step.qos as MQTTQoSRaw && state_in(step.from, current);
    let new = step.new;
    if !valid {
        log::error!(
            "illegal state transition {} -> {} for packet identifier {packet_id}",
            MQTTPublishState::from_raw(current).map_or("(invalid)", MQTTPublishState::name),
            if slot.qos == step.qos as MQTTQoSRaw {
                new
            } else {
                MQTTPublishState::MQTTStateNull
            }
            .name()
        );
        return Err(Error::IllegalState);
    }
    if current == new as MQTTPublishStateRaw {
        // A repeated acknowledgement after a session resumption.
        return Ok(new);
    }
    match new {
        MQTTPublishState::MQTTPublishDone => *slot = FREE_SLOT,
        MQTTPublishState::MQTTPubRelSend => {
            // To the back: PUBRELs are resent in the order their PUBRECs
            // arrived.
            *slot = FREE_SLOT;
            add_record_at(records, packet_id, MQTTQoS::MQTTQoS2, new)?;
        }
        _ => slot.publishState = new as MQTTPublishStateRaw,
    }
    Ok(new)
}

/// The next outgoing publish that owes a PUBREL after a session resumption
/// (state `MQTTPubRelSend` or `MQTTPubCompPending`), from `*cursor` on; 0
/// when there is none. Call repeatedly with the same cursor.
pub fn pubrel_to_resend(outgoing: &[MQTTPubAckInfo_t], cursor: &mut usize) -> u16 {
    use MQTTPublishState::*;
    const STATES: u16 = bits(&[MQTTPubRelSend, MQTTPubCompPending]);
    select(outgoing, STATES, cursor)
}

/// The next outgoing publish to send again after a session resumption
/// (state `MQTTPublishSend`, `MQTTPubAckPending` or `MQTTPubRecPending`),
/// from `*cursor` on; 0 when there is none.
pub fn publish_to_resend(outgoing: &[MQTTPubAckInfo_t], cursor: &mut usize) -> u16 {
    use MQTTPublishState::*;
    const STATES: u16 = bits(&[MQTTPublishSend, MQTTPubAckPending, MQTTPubRecPending]);
    select(outgoing, STATES, cursor)
}

/// Whether a publish may move from `current` to `new` when an acknowledgement
/// is sent or received. The self-transitions cover a session resumption:
/// the server resends a QoS 2 publish we already answered with PUBREC
/// (`MQTTPubRelPending`), resends a PUBREL we already answered
/// (`MQTTPubCompSend`), or we resend a PUBREL (`MQTTPubCompPending`).
#[cfg(test)]
fn ack_transition_valid(current: MQTTPublishState, new: MQTTPublishState) -> bool {
    use MQTTPublishState::*;
    match current {
        MQTTPubAckSend | MQTTPubAckPending => new == MQTTPublishDone,
        MQTTPubRecSend => new == MQTTPubRelPending,
        MQTTPubRelPending => matches!(new, MQTTPubCompSend | MQTTPubRelPending),
        MQTTPubCompSend => matches!(new, MQTTPublishDone | MQTTPubCompSend),
        MQTTPubRecPending => new == MQTTPubRelSend,
        MQTTPubRelSend => new == MQTTPubCompPending,
        MQTTPubCompPending => matches!(new, MQTTPublishDone | MQTTPubCompPending),
        MQTTPublishDone | MQTTPublishSend | MQTTStateNull => false,
    }
}

/// Whether a publish may move from `current` to `new` when a PUBLISH is sent
/// or received. An outgoing publish leaves `MQTTPublishSend` (set by the
/// reservation) for the matching pending state; a resend after a session
/// resumption stays in its pending state; an incoming publish starts a new
/// record.
#[cfg(test)]
fn publish_transition_valid(
    current: MQTTPublishState,
    new: MQTTPublishState,
    op: Direction,
    qos: MQTTQoS,
) -> bool {
    use MQTTPublishState::*;
    match current {
        MQTTStateNull => op == Direction::Receive && matches!(new, MQTTPubAckSend | MQTTPubRecSend),
        MQTTPublishSend => match qos {
            MQTTQoS::MQTTQoS1 => new == MQTTPubAckPending,
            MQTTQoS::MQTTQoS2 => new == MQTTPubRecPending,
            MQTTQoS::MQTTQoS0 => false,
        },
        MQTTPubAckPending => new == MQTTPubAckPending,
        MQTTPubRecPending => new == MQTTPubRecPending,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::Direction;
    use super::{
        ack_concerns_outgoing, ack_step, ack_transition_valid, add_record, apply_ack,
        calculate_state_ack, calculate_state_publish, publish_transition_valid, StateRecords,
        FREE_SLOT,
    };
    use crate::engine::record::{
        MQTTPubAckInfo_t, MQTTPubAckType, MQTTPublishState, MQTTPublishStateRaw,
    };
    use crate::engine::record::{MQTTQoS, MQTTQoSRaw};
    use crate::engine::Error;

    /// The acknowledgement rules as they read in MQTT 3.1.1 4.3, written
    /// out case by case: the table must agree with them.
    fn expected_state(ack: MQTTPubAckType, op: Direction, qos: MQTTQoSRaw) -> MQTTPublishState {
        use MQTTPubAckType::*;
        use MQTTPublishState::*;
        let send = op == Direction::Send;
        let (state, qos_needed) = match ack {
            MQTTPuback => (MQTTPublishDone, 1),
            MQTTPubrec if send => (MQTTPubRelPending, 2),
            MQTTPubrec => (MQTTPubRelSend, 2),
            MQTTPubrel if send => (MQTTPubCompPending, 2),
            MQTTPubrel => (MQTTPubCompSend, 2),
            MQTTPubcomp => (MQTTPublishDone, 2),
        };
        if qos == qos_needed {
            state
        } else {
            MQTTStateNull
        }
    }

    #[test]
    fn both_collision_scans_agree() {
        use super::{used_end_one_loop, used_end_two_loops};
        // Every array of up to five slots holding identifiers 0 to 2, asked
        // for identifiers 0 to 3.
        for len in 0..=5u32 {
            for pattern in 0..3u32.pow(len) {
                let records: Vec<MQTTPubAckInfo_t> = (0..len)
                    .map(|i| MQTTPubAckInfo_t {
                        packetId: (pattern / 3u32.pow(i) % 3) as u16,
                        ..FREE_SLOT
                    })
                    .collect();
                for id in 0..=3 {
                    assert_eq!(
                        used_end_one_loop(&records, id),
                        used_end_two_loops(&records, id),
                        "{records:?} {id}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_sent_publish_follows_the_transition_rules() {
        use Direction::Send as MQTT_SEND;
        for qos in [MQTTQoS::MQTTQoS1, MQTTQoS::MQTTQoS2] {
            let new = calculate_state_publish(MQTT_SEND, qos);
            for current in 0..=20 as MQTTPublishStateRaw {
                let valid = MQTTPublishState::from_raw(current)
                    .is_some_and(|c| publish_transition_valid(c, new, MQTT_SEND, qos));
                let mut outgoing = [MQTTPubAckInfo_t {
                    packetId: 7,
                    qos: qos as MQTTQoSRaw,
                    publishState: current,
                }];
                let mut records = StateRecords {
                    outgoing: &mut outgoing,
                    incoming: &mut [],
                };
                let got = records.update_publish(7, MQTT_SEND, qos);
                if valid {
                    assert_eq!(got, Ok(new), "{qos:?} from {current}");
                    assert_eq!(outgoing[0].publishState, new as MQTTPublishStateRaw);
                } else {
                    assert_eq!(got, Err(Error::IllegalState), "{qos:?} from {current}");
                    assert_eq!(outgoing[0].publishState, current);
                }
            }
        }
    }

    #[test]
    fn the_ack_table_follows_the_transition_rules() {
        use Direction::{Receive as MQTT_RECEIVE, Send as MQTT_SEND};
        use MQTTPubAckType::*;
        for ack in [MQTTPuback, MQTTPubrec, MQTTPubrel, MQTTPubcomp] {
            for op in [MQTT_SEND, MQTT_RECEIVE] {
                let outgoing = match ack {
                    MQTTPubrel => op == MQTT_SEND,
                    _ => op == MQTT_RECEIVE,
                };
                assert_eq!(ack_concerns_outgoing(ack, op), outgoing, "{ack:?} {op:?}");
                assert_eq!(ack_step(ack.into(), op).outgoing, outgoing);
                for qos in 0..=3 as MQTTQoSRaw {
                    let new = expected_state(ack, op, qos);
                    assert_eq!(
                        calculate_state_ack(ack, op, qos),
                        new,
                        "{ack:?} {op:?} {qos}"
                    );
                    for current in 0..=20 as MQTTPublishStateRaw {
                        let valid = MQTTPublishState::from_raw(current)
                            .is_some_and(|c| ack_transition_valid(c, new));
                        let mut records = [MQTTPubAckInfo_t {
                            packetId: 7,
                            qos,
                            publishState: current,
                        }];
                        let got = apply_ack(&mut records, 7, ack_step(ack.into(), op));
                        if valid {
                            assert_eq!(got, Ok(new), "{ack:?} {op:?} qos {qos} from {current}");
                        } else {
                            assert_eq!(
                                got,
                                Err(Error::IllegalState),
                                "{ack:?} {op:?} qos {qos} from {current}"
                            );
                            assert_eq!(records[0].publishState, current);
                        }
                    }
                }
            }
        }
    }

    fn add(records: &mut [MQTTPubAckInfo_t], id: u16) -> Result<(), Error> {
        add_record(
            records,
            id,
            MQTTQoS::MQTTQoS1,
            MQTTPublishState::MQTTPublishSend,
        )
    }

    #[test]
    fn add_record_appends_finds_collisions_before_holes_and_compacts_when_full() {
        let mut records = [FREE_SLOT; 4];
        for id in [1, 2, 3] {
            assert_eq!(add(&mut records, id), Ok(()));
        }
        records[1] = FREE_SLOT; // 2 acknowledged: a hole
        assert_eq!(add(&mut records, 1), Err(Error::StateCollision));
        assert_eq!(add(&mut records, 3), Err(Error::StateCollision));
        // The hole stays: the new record goes after the last used one.
        assert_eq!(add(&mut records, 4), Ok(()));
        let ids = |r: &[MQTTPubAckInfo_t]| r.iter().map(|r| r.packetId).collect::<Vec<_>>();
        assert_eq!(ids(&records), [1, 0, 3, 4]);
        // Last slot used: compact, then append.
        assert_eq!(add(&mut records, 5), Ok(()));
        assert_eq!(ids(&records), [1, 3, 4, 5]);
        assert_eq!(add(&mut records, 6), Err(Error::NoMemory));
        assert_eq!(add(&mut records, 5), Err(Error::StateCollision));
        assert_eq!(add(&mut [], 1), Err(Error::NoMemory));
    }
}
