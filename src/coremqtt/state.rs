//! `core_mqtt_state.h`: the state records of QoS 1 and QoS 2 publishes.
//!
//! The application gives the context two arrays of [`MQTTPubAckInfo_t`] (one
//! for outgoing publishes, one for incoming). A slot with packet identifier 0
//! is free. Records are kept in the order their publishes started, because
//! MQTT 3.1.1 §4.6 requires resent PUBLISH and PUBREL packets to go out in the
//! original order: a new record goes into the first free slot after the last
//! used one, and when the last slot of the array is taken the used slots are
//! first slid to the front (compaction), closing the holes left by completed
//! exchanges.
//!
//! The logic lives in [`StateRecords`] and the `calculate_*` functions, which
//! work on slices and never panic; the engine calls them directly. The
//! `extern "C"` functions below are the coreMQTT entry points: they read the
//! record pointers out of the C context, check them and the enum integers C
//! passes, and call the same code.

use core::ffi::c_char;

use super::context::{
    MQTTContext_t, MQTTPubAckInfo_t, MQTTPubAckType, MQTTPubAckTypeRaw, MQTTPublishState,
    MQTTPublishStateRaw, MQTTPublishState_t, MQTT_PACKET_ID_INVALID,
};
use super::serializer_types::{MQTTQoS, MQTTQoSRaw, MQTTStatus, MQTTStatus_t};
use crate::ffi::guard;

/// Position in a record array for the resend iterators
/// (`MQTT_PubrelToResend`, `MQTT_PublishToResend`); start at
/// `MQTT_STATE_CURSOR_INITIALIZER` (0).
pub type MQTTStateCursor_t = usize;

/// Where a publish or acknowledgement goes: sent by us or received from the
/// server.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MQTTStateOperation {
    /// The packet is sent to the server.
    MQTT_SEND = 0,
    /// The packet was received from the server.
    MQTT_RECEIVE = 1,
}

/// `MQTTStateOperation_t`, the typedef C code uses.
pub type MQTTStateOperation_t = MQTTStateOperation;
/// An `MQTTStateOperation_t` as C passes it. Appears as
/// `MQTTStateOperation_t` in C.
pub type MQTTStateOperationRaw = u32;

impl MQTTStateOperation {
    /// The operation for a raw C value, or `None` when it is neither 0 nor 1.
    pub fn from_raw(raw: MQTTStateOperationRaw) -> Option<Self> {
        match raw {
            0 => Some(Self::MQTT_SEND),
            1 => Some(Self::MQTT_RECEIVE),
            _ => None,
        }
    }
}

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

/// The state a publish enters when it is sent (`MQTT_SEND`) or received
/// (`MQTT_RECEIVE`) with the given QoS: QoS 0 is done at once, QoS 1 waits
/// for (or owes) a PUBACK, QoS 2 a PUBREC.
pub fn calculate_state_publish(op: MQTTStateOperation, qos: MQTTQoS) -> MQTTPublishState {
    use MQTTPublishState::*;
    match (qos, op) {
        (MQTTQoS::MQTTQoS0, _) => MQTTPublishDone,
        (MQTTQoS::MQTTQoS1, MQTTStateOperation::MQTT_SEND) => MQTTPubAckPending,
        (MQTTQoS::MQTTQoS1, MQTTStateOperation::MQTT_RECEIVE) => MQTTPubAckSend,
        (MQTTQoS::MQTTQoS2, MQTTStateOperation::MQTT_SEND) => MQTTPubRecPending,
        (MQTTQoS::MQTTQoS2, MQTTStateOperation::MQTT_RECEIVE) => MQTTPubRecSend,
    }
}

/// The state a publish enters when the acknowledgement `ack` is sent or
/// received. `qos` is the record's QoS as stored (a raw integer, since C may
/// have written it); a PUBACK only belongs to QoS 1 and PUBREC/PUBREL/PUBCOMP
/// only to QoS 2, so any other combination gives `MQTTStateNull`, which no
/// transition accepts.
pub fn calculate_state_ack(
    ack: MQTTPubAckType,
    op: MQTTStateOperation,
    qos: MQTTQoSRaw,
) -> MQTTPublishState {
    use MQTTPublishState::*;
    let send = op == MQTTStateOperation::MQTT_SEND;
    let (state, qos_needed) = match ack {
        MQTTPubAckType::MQTTPuback => (MQTTPublishDone, MQTTQoS::MQTTQoS1),
        // We send PUBREC for an incoming publish, then wait for its PUBREL;
        // we receive PUBREC for an outgoing publish and owe a PUBREL.
        MQTTPubAckType::MQTTPubrec => (
            if send {
                MQTTPubRelPending
            } else {
                MQTTPubRelSend
            },
            MQTTQoS::MQTTQoS2,
        ),
        // We send PUBREL for an outgoing publish, then wait for PUBCOMP; we
        // receive PUBREL for an incoming publish and owe a PUBCOMP.
        MQTTPubAckType::MQTTPubrel => (
            if send {
                MQTTPubCompPending
            } else {
                MQTTPubCompSend
            },
            MQTTQoS::MQTTQoS2,
        ),
        MQTTPubAckType::MQTTPubcomp => (MQTTPublishDone, MQTTQoS::MQTTQoS2),
    };
    if qos == qos_needed as MQTTQoSRaw {
        state
    } else {
        MQTTStateNull
    }
}

/// Whether the acknowledgement `ack`, travelling in direction `op`, belongs
/// to one of our outgoing publishes (else to an incoming one).
pub fn ack_concerns_outgoing(ack: MQTTPubAckType, op: MQTTStateOperation) -> bool {
    match ack {
        // The server answers our publish with these.
        MQTTPubAckType::MQTTPuback | MQTTPubAckType::MQTTPubrec | MQTTPubAckType::MQTTPubcomp => {
            op == MQTTStateOperation::MQTT_RECEIVE
        }
        // We send PUBREL for our publish; a received one is for the server's.
        MQTTPubAckType::MQTTPubrel => op == MQTTStateOperation::MQTT_SEND,
    }
}

/// Whether a publish may move from `current` to `new` when a PUBLISH is sent
/// or received. An outgoing publish leaves `MQTTPublishSend` (set by the
/// reservation) for the matching pending state; a resend after a session
/// resumption stays in its pending state; an incoming publish starts a new
/// record.
fn publish_transition_valid(
    current: MQTTPublishState,
    new: MQTTPublishState,
    op: MQTTStateOperation,
    qos: MQTTQoS,
) -> bool {
    use MQTTPublishState::*;
    match current {
        MQTTStateNull => {
            op == MQTTStateOperation::MQTT_RECEIVE && matches!(new, MQTTPubAckSend | MQTTPubRecSend)
        }
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

/// Whether a publish may move from `current` to `new` when an acknowledgement
/// is sent or received. The self-transitions cover a session resumption:
/// the server resends a QoS 2 publish we already answered with PUBREC
/// (`MQTTPubRelPending`), resends a PUBREL we already answered
/// (`MQTTPubCompSend`), or we resend a PUBREL (`MQTTPubCompPending`).
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

/// An empty slot, as a deleted record is left.
const FREE_SLOT: MQTTPubAckInfo_t = MQTTPubAckInfo_t {
    packetId: MQTT_PACKET_ID_INVALID,
    qos: MQTTQoS::MQTTQoS0 as MQTTQoSRaw,
    publishState: MQTTPublishState::MQTTStateNull as MQTTPublishStateRaw,
};

/// Slides every used record towards the front, keeping their order, so the
/// free slots end up at the back.
fn compact(records: &mut [MQTTPubAckInfo_t]) {
    let mut next_free = 0;
    for index in 0..records.len() {
        if records[index].packetId != MQTT_PACKET_ID_INVALID {
            if index != next_free {
                records[next_free] = records[index];
                records[index] = FREE_SLOT;
            }
            next_free += 1;
        }
    }
}

/// Adds a record after the last used slot. `MQTTStateCollision` when the
/// packet identifier is already recorded, `MQTTNoMemory` when no slot is
/// free (or the array is empty).
fn add_record(
    records: &mut [MQTTPubAckInfo_t],
    packet_id: u16,
    qos: MQTTQoS,
    state: MQTTPublishState,
) -> MQTTStatus {
    // The collision check comes first: a collision adds nothing, so it must
    // not move records either. `MQTT_Publish(dup = true)` of a stored publish
    // ends here, and compacting would shift the records under a
    // `MQTT_PublishToResend` cursor, which would then skip the publishes
    // that moved and never resend them (coreMQTT compacts first).
    if records.iter().any(|record| record.packetId == packet_id) {
        return MQTTStatus::MQTTStateCollision;
    }
    if records
        .last()
        .is_some_and(|last| last.packetId != MQTT_PACKET_ID_INVALID)
    {
        compact(records);
    }
    // The first free slot after the last used one: earlier holes stay empty
    // so that the array order remains the order of insertion.
    let slot = records
        .iter()
        .rposition(|record| record.packetId != MQTT_PACKET_ID_INVALID)
        .map_or(0, |last_used| last_used + 1);
    match records.get_mut(slot) {
        Some(record) => {
            *record = MQTTPubAckInfo_t {
                packetId: packet_id,
                qos: qos as MQTTQoSRaw,
                publishState: state as MQTTPublishStateRaw,
            };
            MQTTStatus::MQTTSuccess
        }
        None => MQTTStatus::MQTTNoMemory,
    }
}

/// Index of the record holding `packet_id` (never matches a free slot).
fn find(records: &[MQTTPubAckInfo_t], packet_id: u16) -> Option<usize> {
    if packet_id == MQTT_PACKET_ID_INVALID {
        return None;
    }
    records
        .iter()
        .position(|record| record.packetId == packet_id)
}

/// The next record at or after `*cursor` whose state is one of `states`;
/// advances the cursor past it and returns its packet identifier, or 0 and
/// the cursor at the end when there is none.
fn select(records: &[MQTTPubAckInfo_t], states: &[MQTTPublishState], cursor: &mut usize) -> u16 {
    while let Some(record) = records.get(*cursor) {
        *cursor += 1;
        let wanted = MQTTPublishState::from_raw(record.publishState)
            .is_some_and(|state| states.contains(&state));
        if wanted && record.packetId != MQTT_PACKET_ID_INVALID {
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
    /// Errors: packet identifier 0 → `MQTTBadParameter`; identifier in use →
    /// `MQTTStateCollision`; no free slot → `MQTTNoMemory`.
    pub fn reserve(&mut self, packet_id: u16, qos: MQTTQoS) -> MQTTStatus {
        if qos == MQTTQoS::MQTTQoS0 {
            MQTTStatus::MQTTSuccess
        } else if packet_id == MQTT_PACKET_ID_INVALID {
            MQTTStatus::MQTTBadParameter
        } else {
            add_record(
                self.outgoing,
                packet_id,
                qos,
                MQTTPublishState::MQTTPublishSend,
            )
        }
    }

    /// Records that a PUBLISH was sent or received (`MQTT_UpdateStatePublish`)
    /// and returns the publish's new state.
    ///
    /// QoS 0 → `MQTTPublishDone` without touching the records. Packet
    /// identifier 0 → `MQTTBadParameter`. Sending needs a reserved record with
    /// the same QoS (`MQTTBadParameter` otherwise); receiving adds a record
    /// (`MQTTStateCollision` when the server resends a publish we still hold,
    /// `MQTTNoMemory` when full). A transition the state machine forbids →
    /// `MQTTIllegalState`.
    pub fn update_publish(
        &mut self,
        packet_id: u16,
        op: MQTTStateOperation,
        qos: MQTTQoS,
    ) -> Result<MQTTPublishState, MQTTStatus> {
        if qos == MQTTQoS::MQTTQoS0 {
            return Ok(MQTTPublishState::MQTTPublishDone);
        }
        if packet_id == MQTT_PACKET_ID_INVALID {
            return Err(MQTTStatus::MQTTBadParameter);
        }
        let new = calculate_state_publish(op, qos);
        match op {
            MQTTStateOperation::MQTT_SEND => {
                let index = find(self.outgoing, packet_id).ok_or(MQTTStatus::MQTTBadParameter)?;
                let record = &mut self.outgoing[index];
                if record.qos != qos as MQTTQoSRaw {
                    return Err(MQTTStatus::MQTTBadParameter);
                }
                let current = MQTTPublishState::from_raw(record.publishState)
                    .ok_or(MQTTStatus::MQTTIllegalState)?;
                if !publish_transition_valid(current, new, op, qos) {
                    log::error!(
                        "illegal state transition {} -> {} for outgoing publish {packet_id}",
                        current.name(),
                        new.name()
                    );
                    return Err(MQTTStatus::MQTTIllegalState);
                }
                record.publishState = new as MQTTPublishStateRaw;
                Ok(new)
            }
            MQTTStateOperation::MQTT_RECEIVE => {
                // An incoming publish always starts a record: the only
                // transition from the null state.
                match add_record(self.incoming, packet_id, qos, new) {
                    MQTTStatus::MQTTSuccess => Ok(new),
                    error => Err(error),
                }
            }
        }
    }

    /// Records that an acknowledgement was sent or received
    /// (`MQTT_UpdateStateAck`) and returns the publish's new state.
    ///
    /// Packet identifier 0 → `MQTTBadParameter`; no record for it →
    /// `MQTTBadResponse` (the server acknowledged something we never sent);
    /// a transition the state machine forbids → `MQTTIllegalState`. A
    /// completed exchange frees its record. A received PUBREC moves the
    /// record to the back, so that PUBRELs are resent in the order their
    /// PUBRECs arrived.
    pub fn update_ack(
        &mut self,
        packet_id: u16,
        ack: MQTTPubAckType,
        op: MQTTStateOperation,
    ) -> Result<MQTTPublishState, MQTTStatus> {
        if packet_id == MQTT_PACKET_ID_INVALID {
            return Err(MQTTStatus::MQTTBadParameter);
        }
        let records: &mut [MQTTPubAckInfo_t] = if ack_concerns_outgoing(ack, op) {
            self.outgoing
        } else {
            self.incoming
        };
        let Some(index) = find(records, packet_id) else {
            log::error!("no state record for packet identifier {packet_id}");
            return Err(MQTTStatus::MQTTBadResponse);
        };
        let record = records[index];
        let new = calculate_state_ack(ack, op, record.qos);
        let current = MQTTPublishState::from_raw(record.publishState);
        let valid = current.is_some_and(|current| ack_transition_valid(current, new));
        if !valid {
            log::error!(
                "illegal state transition {} -> {} for packet identifier {packet_id}",
                current.map_or("(invalid)", MQTTPublishState::name),
                new.name()
            );
            return Err(MQTTStatus::MQTTIllegalState);
        }
        if current == Some(new) {
            // A repeated acknowledgement after a session resumption.
            return Ok(new);
        }
        match new {
            MQTTPublishState::MQTTPublishDone => records[index] = FREE_SLOT,
            MQTTPublishState::MQTTPubRelSend => {
                records[index] = FREE_SLOT;
                let status = add_record(records, packet_id, MQTTQoS::MQTTQoS2, new);
                if status != MQTTStatus::MQTTSuccess {
                    return Err(status);
                }
            }
            _ => records[index].publishState = new as MQTTPublishStateRaw,
        }
        Ok(new)
    }

    /// Frees the record of an outgoing publish whose send failed
    /// (`MQTT_RemoveStateRecord`). `MQTTBadParameter` when there is no such
    /// record or it is not a QoS 1/2 record.
    pub fn remove_outgoing(&mut self, packet_id: u16) -> MQTTStatus {
        let Some(index) = find(self.outgoing, packet_id) else {
            return MQTTStatus::MQTTBadParameter;
        };
        let record = &mut self.outgoing[index];
        let qos_ok = matches!(
            MQTTQoS::from_raw(record.qos),
            Some(MQTTQoS::MQTTQoS1 | MQTTQoS::MQTTQoS2)
        );
        if record.publishState == MQTTPublishState::MQTTStateNull as MQTTPublishStateRaw || !qos_ok
        {
            return MQTTStatus::MQTTBadParameter;
        }
        *record = FREE_SLOT;
        MQTTStatus::MQTTSuccess
    }
}

/// The next outgoing publish that owes a PUBREL after a session resumption
/// (state `MQTTPubRelSend` or `MQTTPubCompPending`), from `*cursor` on; 0
/// when there is none. Call repeatedly with the same cursor.
pub fn pubrel_to_resend(outgoing: &[MQTTPubAckInfo_t], cursor: &mut MQTTStateCursor_t) -> u16 {
    use MQTTPublishState::*;
    select(outgoing, &[MQTTPubRelSend, MQTTPubCompPending], cursor)
}

/// The next outgoing publish to send again after a session resumption
/// (state `MQTTPublishSend`, `MQTTPubAckPending` or `MQTTPubRecPending`),
/// from `*cursor` on; 0 when there is none.
pub fn publish_to_resend(outgoing: &[MQTTPubAckInfo_t], cursor: &mut MQTTStateCursor_t) -> u16 {
    use MQTTPublishState::*;
    select(
        outgoing,
        &[MQTTPublishSend, MQTTPubAckPending, MQTTPubRecPending],
        cursor,
    )
}

/// Borrows one record array of a C context. NULL with a nonzero count is
/// refused; NULL with count 0 is an empty array.
///
/// # Safety
/// A non-NULL `records` must point to `count` initialised records that
/// nothing else accesses for `'a`.
unsafe fn records_slice<'a>(
    records: *mut MQTTPubAckInfo_t,
    count: usize,
) -> Result<&'a mut [MQTTPubAckInfo_t], MQTTStatus> {
    if records.is_null() {
        if count == 0 {
            Ok(&mut [])
        } else {
            Err(MQTTStatus::MQTTBadParameter)
        }
    } else {
        // SAFETY: non-NULL, and the caller guarantees `count` valid records.
        Ok(unsafe { core::slice::from_raw_parts_mut(records, count) })
    }
}

/// Borrows the record arrays of a C context, as the application handed them
/// to `MQTT_InitStatefulQoS`.
///
/// # Safety
/// `context` must be a valid context whose record pointers and counts
/// describe arrays that nothing else accesses while the result lives.
pub unsafe fn records_of(context: &MQTTContext_t) -> Result<StateRecords<'_>, MQTTStatus> {
    // SAFETY: forwarded from the caller.
    unsafe {
        Ok(StateRecords {
            outgoing: records_slice(
                context.outgoingPublishRecords,
                context.outgoingPublishRecordMaxCount,
            )?,
            incoming: records_slice(
                context.incomingPublishRecords,
                context.incomingPublishRecordMaxCount,
            )?,
        })
    }
}

/// Reserves a state record for an outgoing QoS 1 or QoS 2 publish.
///
/// Returns `MQTTSuccess` (also for QoS 0, which needs none),
/// `MQTTBadParameter` (NULL context, packet identifier 0, QoS not 0..2),
/// `MQTTStateCollision` or `MQTTNoMemory`.
///
/// # Safety
/// `pMqttContext` is NULL or a valid context initialised by `MQTT_Init`.
#[no_mangle]
pub unsafe extern "C" fn MQTT_ReserveState(
    pMqttContext: *mut MQTTContext_t,
    packetId: u16,
    qos: MQTTQoSRaw,
) -> MQTTStatus_t {
    guard(MQTTStatus::MQTTBadParameter, || {
        let Some(qos) = MQTTQoS::from_raw(qos) else {
            return MQTTStatus::MQTTBadParameter;
        };
        if qos == MQTTQoS::MQTTQoS0 {
            return MQTTStatus::MQTTSuccess;
        }
        // SAFETY: NULL is checked by `as_ref`; the caller guarantees validity.
        let Some(context) = (unsafe { pMqttContext.as_ref() }) else {
            return MQTTStatus::MQTTBadParameter;
        };
        // SAFETY: the record arrays are the ones given to MQTT_InitStatefulQoS.
        match unsafe { records_of(context) } {
            Ok(mut records) => records.reserve(packetId, qos),
            Err(status) => status,
        }
    })
}

/// The state a publish enters when sent or received with `qos`;
/// `MQTTStateNull` for an invalid operation or QoS.
///
/// # Safety
/// Always safe to call; `unsafe` only because it is an FFI export.
#[no_mangle]
pub unsafe extern "C" fn MQTT_CalculateStatePublish(
    opType: MQTTStateOperationRaw,
    qos: MQTTQoSRaw,
) -> MQTTPublishState_t {
    guard(MQTTPublishState::MQTTStateNull, || {
        match (MQTTStateOperation::from_raw(opType), MQTTQoS::from_raw(qos)) {
            (Some(op), Some(qos)) => calculate_state_publish(op, qos),
            _ => MQTTPublishState::MQTTStateNull,
        }
    })
}

/// Updates the state record of a PUBLISH that was sent or received and
/// writes the new state to `*pNewState` on success.
///
/// Returns `MQTTSuccess`, `MQTTBadParameter`, `MQTTIllegalState`,
/// `MQTTStateCollision` (the server resent a publish still recorded) or
/// `MQTTNoMemory` (no free incoming record). A QoS outside 0..2 is, as in
/// coreMQTT v3-CodeBase, `MQTTBadParameter` for a send (no record can have
/// that QoS) and `MQTTIllegalState` for a receive (no state to enter).
///
/// # Safety
/// `pMqttContext` is NULL or a valid initialised context; `pNewState` is
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn MQTT_UpdateStatePublish(
    pMqttContext: *mut MQTTContext_t,
    packetId: u16,
    opType: MQTTStateOperationRaw,
    qos: MQTTQoSRaw,
    pNewState: *mut MQTTPublishState_t,
) -> MQTTStatus_t {
    guard(MQTTStatus::MQTTBadParameter, || {
        // SAFETY: NULL is checked by `as_ref`; the caller guarantees validity.
        let context = unsafe { pMqttContext.as_ref() };
        let (Some(context), false) = (context, pNewState.is_null()) else {
            return MQTTStatus::MQTTBadParameter;
        };
        let Some(op) = MQTTStateOperation::from_raw(opType) else {
            return MQTTStatus::MQTTBadParameter;
        };
        let Some(qos) = MQTTQoS::from_raw(qos) else {
            // coreMQTT's order: packet id 0 first, then the record lookup
            // of a send (which finds no record of this QoS), then the
            // transition into the state of this QoS (there is none).
            log::error!("MQTT_UpdateStatePublish: invalid QoS {qos}");
            return if packetId == 0 || op == MQTTStateOperation::MQTT_SEND {
                MQTTStatus::MQTTBadParameter
            } else {
                MQTTStatus::MQTTIllegalState
            };
        };
        // SAFETY: the record arrays are the ones given to MQTT_InitStatefulQoS.
        let result = match unsafe { records_of(context) } {
            Ok(mut records) => records.update_publish(packetId, op, qos),
            Err(status) => Err(status),
        };
        match result {
            Ok(state) => {
                // SAFETY: checked non-NULL above; the caller guarantees it is writable.
                unsafe { pNewState.write(state) };
                MQTTStatus::MQTTSuccess
            }
            Err(status) => status,
        }
    })
}

/// Frees the state record of an outgoing publish, after its send failed.
///
/// Returns `MQTTSuccess`, or `MQTTBadParameter` when the context or its
/// outgoing records are NULL or no QoS 1/2 record has this identifier.
///
/// # Safety
/// `pMqttContext` is NULL or a valid initialised context.
#[no_mangle]
pub unsafe extern "C" fn MQTT_RemoveStateRecord(
    pMqttContext: *const MQTTContext_t,
    packetId: u16,
) -> MQTTStatus_t {
    guard(MQTTStatus::MQTTBadParameter, || {
        // SAFETY: NULL is checked by `as_ref`; the caller guarantees validity.
        let Some(context) = (unsafe { pMqttContext.as_ref() }) else {
            return MQTTStatus::MQTTBadParameter;
        };
        if context.outgoingPublishRecords.is_null() {
            return MQTTStatus::MQTTBadParameter;
        }
        // SAFETY: the record arrays are the ones given to MQTT_InitStatefulQoS;
        // the C API takes the context as const but the records are the
        // application's mutable arrays.
        match unsafe { records_of(context) } {
            Ok(mut records) => records.remove_outgoing(packetId),
            Err(status) => status,
        }
    })
}

/// The state a publish enters when the acknowledgement `packetType` is sent
/// or received for a publish of `qos`; `MQTTStateNull` when they do not fit
/// together or an argument is out of range.
///
/// # Safety
/// Always safe to call; `unsafe` only because it is an FFI export.
#[no_mangle]
pub unsafe extern "C" fn MQTT_CalculateStateAck(
    packetType: MQTTPubAckTypeRaw,
    opType: MQTTStateOperationRaw,
    qos: MQTTQoSRaw,
) -> MQTTPublishState_t {
    guard(MQTTPublishState::MQTTStateNull, || {
        match (
            MQTTPubAckType::from_raw(packetType),
            MQTTStateOperation::from_raw(opType),
        ) {
            (Some(ack), Some(op)) => calculate_state_ack(ack, op, qos),
            _ => MQTTPublishState::MQTTStateNull,
        }
    })
}

/// Updates the state record for an acknowledgement that was sent or
/// received and writes the new state to `*pNewState` on success.
///
/// Returns `MQTTSuccess`, `MQTTBadParameter` (NULL pointer, identifier 0,
/// argument out of range), `MQTTBadResponse` (no record) or
/// `MQTTIllegalState`.
///
/// # Safety
/// `pMqttContext` is NULL or a valid initialised context; `pNewState` is
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn MQTT_UpdateStateAck(
    pMqttContext: *mut MQTTContext_t,
    packetId: u16,
    packetType: MQTTPubAckTypeRaw,
    opType: MQTTStateOperationRaw,
    pNewState: *mut MQTTPublishState_t,
) -> MQTTStatus_t {
    guard(MQTTStatus::MQTTBadParameter, || {
        // SAFETY: NULL is checked by `as_ref`; the caller guarantees validity.
        let context = unsafe { pMqttContext.as_ref() };
        let (Some(context), false) = (context, pNewState.is_null()) else {
            return MQTTStatus::MQTTBadParameter;
        };
        let (Some(ack), Some(op)) = (
            MQTTPubAckType::from_raw(packetType),
            MQTTStateOperation::from_raw(opType),
        ) else {
            return MQTTStatus::MQTTBadParameter;
        };
        // SAFETY: the record arrays are the ones given to MQTT_InitStatefulQoS.
        let result = match unsafe { records_of(context) } {
            Ok(mut records) => records.update_ack(packetId, ack, op),
            Err(status) => Err(status),
        };
        match result {
            Ok(state) => {
                // SAFETY: checked non-NULL above; the caller guarantees it is writable.
                unsafe { pNewState.write(state) };
                MQTTStatus::MQTTSuccess
            }
            Err(status) => status,
        }
    })
}

/// Reads the outgoing records of a context for the resend iterators.
///
/// # Safety
/// Same contract as [`records_of`].
unsafe fn outgoing_of(context: &MQTTContext_t) -> &[MQTTPubAckInfo_t] {
    let (records, count) = (
        context.outgoingPublishRecords,
        context.outgoingPublishRecordMaxCount,
    );
    if records.is_null() {
        &[]
    } else {
        // SAFETY: non-NULL; the caller guarantees `count` valid records.
        unsafe { core::slice::from_raw_parts(records, count) }
    }
}

/// The packet identifier of the next outgoing publish whose PUBREL must be
/// resent after a session resumption, searching from `*pCursor`; sets
/// `*pState` to `MQTTPubRelSend`. Returns 0 when there is none left or an
/// argument is NULL.
///
/// # Safety
/// Each pointer is NULL or valid; the context is initialised.
#[no_mangle]
pub unsafe extern "C" fn MQTT_PubrelToResend(
    pMqttContext: *const MQTTContext_t,
    pCursor: *mut MQTTStateCursor_t,
    pState: *mut MQTTPublishState_t,
) -> u16 {
    guard(MQTT_PACKET_ID_INVALID, || {
        // SAFETY: NULL is checked by `as_ref`/`as_mut`; the caller guarantees validity.
        let (context, cursor) = unsafe { (pMqttContext.as_ref(), pCursor.as_mut()) };
        let (Some(context), Some(cursor), false) = (context, cursor, pState.is_null()) else {
            log::error!("MQTT_PubrelToResend: NULL argument");
            return MQTT_PACKET_ID_INVALID;
        };
        // SAFETY: the record array is the one given to MQTT_InitStatefulQoS.
        let packet_id = pubrel_to_resend(unsafe { outgoing_of(context) }, cursor);
        if packet_id != MQTT_PACKET_ID_INVALID {
            // SAFETY: checked non-NULL above; the caller guarantees it is writable.
            unsafe { pState.write(MQTTPublishState::MQTTPubRelSend) };
        }
        packet_id
    })
}

/// The packet identifier of the next outgoing publish to resend after a
/// session resumption, searching from `*pCursor`. Returns 0 when there is
/// none left or an argument is NULL.
///
/// # Safety
/// Each pointer is NULL or valid; the context is initialised.
#[no_mangle]
pub unsafe extern "C" fn MQTT_PublishToResend(
    pMqttContext: *const MQTTContext_t,
    pCursor: *mut MQTTStateCursor_t,
) -> u16 {
    guard(MQTT_PACKET_ID_INVALID, || {
        // SAFETY: NULL is checked by `as_ref`/`as_mut`; the caller guarantees validity.
        let (context, cursor) = unsafe { (pMqttContext.as_ref(), pCursor.as_mut()) };
        let (Some(context), Some(cursor)) = (context, cursor) else {
            log::error!("MQTT_PublishToResend: NULL argument");
            return MQTT_PACKET_ID_INVALID;
        };
        // SAFETY: the record array is the one given to MQTT_InitStatefulQoS.
        publish_to_resend(unsafe { outgoing_of(context) }, cursor)
    })
}

/// NUL-terminated names of the publish states, indexed by value.
const STATE_NAMES: [&core::ffi::CStr; 11] = [
    c"MQTTStateNull",
    c"MQTTPublishSend",
    c"MQTTPubAckSend",
    c"MQTTPubRecSend",
    c"MQTTPubRelSend",
    c"MQTTPubCompSend",
    c"MQTTPubAckPending",
    c"MQTTPubRecPending",
    c"MQTTPubRelPending",
    c"MQTTPubCompPending",
    c"MQTTPublishDone",
];

/// The name of a publish state ("MQTTPubAckPending", ...), or
/// "Invalid MQTT State" for a value that is not a state. The string is static.
///
/// # Safety
/// Always safe to call; `unsafe` only because it is an FFI export.
#[no_mangle]
pub unsafe extern "C" fn MQTT_State_strerror(state: MQTTPublishStateRaw) -> *const c_char {
    let invalid = c"Invalid MQTT State";
    guard(invalid.as_ptr(), || {
        usize::try_from(state)
            .ok()
            .and_then(|index| STATE_NAMES.get(index))
            .map_or(invalid.as_ptr(), |name| name.as_ptr())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use MQTTPublishState::*;
    use MQTTStateOperation::{MQTT_RECEIVE, MQTT_SEND};
    use MQTTStatus::*;

    fn rec(packet_id: u16, qos: u32, state: MQTTPublishState) -> MQTTPubAckInfo_t {
        MQTTPubAckInfo_t {
            packetId: packet_id,
            qos,
            publishState: state as u32,
        }
    }

    fn ids(records: &[MQTTPubAckInfo_t]) -> Vec<u16> {
        records.iter().map(|r| r.packetId).collect()
    }

    fn records<'a>(
        outgoing: &'a mut [MQTTPubAckInfo_t],
        incoming: &'a mut [MQTTPubAckInfo_t],
    ) -> StateRecords<'a> {
        StateRecords { outgoing, incoming }
    }

    #[test]
    fn calculate_publish_states() {
        assert_eq!(
            calculate_state_publish(MQTT_SEND, MQTTQoS::MQTTQoS0),
            MQTTPublishDone
        );
        assert_eq!(
            calculate_state_publish(MQTT_RECEIVE, MQTTQoS::MQTTQoS0),
            MQTTPublishDone
        );
        assert_eq!(
            calculate_state_publish(MQTT_SEND, MQTTQoS::MQTTQoS1),
            MQTTPubAckPending
        );
        assert_eq!(
            calculate_state_publish(MQTT_RECEIVE, MQTTQoS::MQTTQoS1),
            MQTTPubAckSend
        );
        assert_eq!(
            calculate_state_publish(MQTT_SEND, MQTTQoS::MQTTQoS2),
            MQTTPubRecPending
        );
        assert_eq!(
            calculate_state_publish(MQTT_RECEIVE, MQTTQoS::MQTTQoS2),
            MQTTPubRecSend
        );
        // SAFETY: plain values.
        unsafe {
            assert_eq!(MQTT_CalculateStatePublish(2, 1), MQTTStateNull);
            assert_eq!(MQTT_CalculateStatePublish(0, 3), MQTTStateNull);
            assert_eq!(MQTT_CalculateStatePublish(1, 2), MQTTPubRecSend);
        }
    }

    #[test]
    fn calculate_ack_states() {
        use MQTTPubAckType::*;
        assert_eq!(
            calculate_state_ack(MQTTPuback, MQTT_SEND, 1),
            MQTTPublishDone
        );
        assert_eq!(
            calculate_state_ack(MQTTPuback, MQTT_RECEIVE, 1),
            MQTTPublishDone
        );
        assert_eq!(
            calculate_state_ack(MQTTPuback, MQTT_RECEIVE, 2),
            MQTTStateNull
        );
        assert_eq!(
            calculate_state_ack(MQTTPubrec, MQTT_SEND, 2),
            MQTTPubRelPending
        );
        assert_eq!(
            calculate_state_ack(MQTTPubrec, MQTT_RECEIVE, 2),
            MQTTPubRelSend
        );
        assert_eq!(
            calculate_state_ack(MQTTPubrel, MQTT_SEND, 2),
            MQTTPubCompPending
        );
        assert_eq!(
            calculate_state_ack(MQTTPubrel, MQTT_RECEIVE, 2),
            MQTTPubCompSend
        );
        assert_eq!(
            calculate_state_ack(MQTTPubcomp, MQTT_RECEIVE, 2),
            MQTTPublishDone
        );
        assert_eq!(
            calculate_state_ack(MQTTPubcomp, MQTT_RECEIVE, 1),
            MQTTStateNull
        );
        assert_eq!(
            calculate_state_ack(MQTTPubrec, MQTT_RECEIVE, 0),
            MQTTStateNull
        );
        // SAFETY: plain values.
        unsafe {
            assert_eq!(MQTT_CalculateStateAck(4, 0, 2), MQTTStateNull);
            assert_eq!(MQTT_CalculateStateAck(1, 7, 2), MQTTStateNull);
            assert_eq!(MQTT_CalculateStateAck(3, 1, 2), MQTTPublishDone);
        }
    }

    #[test]
    fn reserve_fills_in_order_and_detects_collision_and_full() {
        let mut out = [FREE_SLOT; 3];
        let mut inc = [FREE_SLOT; 1];
        let mut r = records(&mut out, &mut inc);
        assert_eq!(r.reserve(0, MQTTQoS::MQTTQoS0), MQTTSuccess);
        assert_eq!(r.reserve(0, MQTTQoS::MQTTQoS1), MQTTBadParameter);
        assert_eq!(r.reserve(5, MQTTQoS::MQTTQoS1), MQTTSuccess);
        assert_eq!(r.reserve(5, MQTTQoS::MQTTQoS2), MQTTStateCollision);
        assert_eq!(r.reserve(3, MQTTQoS::MQTTQoS2), MQTTSuccess);
        assert_eq!(r.reserve(9, MQTTQoS::MQTTQoS1), MQTTSuccess);
        assert_eq!(r.reserve(10, MQTTQoS::MQTTQoS1), MQTTNoMemory);
        assert_eq!(ids(&out), [5, 3, 9]);
        assert_eq!(out[1], rec(3, 2, MQTTPublishSend));
        // An empty array has no room.
        let mut r = records(&mut [], &mut []);
        assert_eq!(r.reserve(1, MQTTQoS::MQTTQoS1), MQTTNoMemory);
    }

    #[test]
    fn insertion_goes_after_last_used_and_compacts_when_last_slot_is_used() {
        // A hole at the front stays empty: the new record goes after id 7.
        let mut out = [
            FREE_SLOT,
            rec(7, 1, MQTTPubAckPending),
            FREE_SLOT,
            FREE_SLOT,
        ];
        let mut r = records(&mut out, &mut []);
        assert_eq!(r.reserve(8, MQTTQoS::MQTTQoS1), MQTTSuccess);
        assert_eq!(ids(&out), [0, 7, 8, 0]);
        let mut r = records(&mut out, &mut []);
        assert_eq!(r.reserve(9, MQTTQoS::MQTTQoS1), MQTTSuccess);
        assert_eq!(ids(&out), [0, 7, 8, 9]);
        // Last slot used: compaction slides 7, 8, 9 to the front first.
        let mut r = records(&mut out, &mut []);
        assert_eq!(r.reserve(10, MQTTQoS::MQTTQoS2), MQTTSuccess);
        assert_eq!(ids(&out), [7, 8, 9, 10]);
        assert_eq!(out[0], rec(7, 1, MQTTPubAckPending));
        assert_eq!(out[3], rec(10, 2, MQTTPublishSend));
        // Full and compact: no memory, and a collision is still reported.
        let mut r = records(&mut out, &mut []);
        assert_eq!(r.reserve(11, MQTTQoS::MQTTQoS1), MQTTNoMemory);
        assert_eq!(r.reserve(8, MQTTQoS::MQTTQoS1), MQTTStateCollision);
    }

    #[test]
    fn a_collision_does_not_compact() {
        // Holes at the front and the last slot used: a reservation that
        // collides (MQTT_Publish with dup of a stored publish) must leave the
        // records where a MQTT_PublishToResend cursor expects them.
        let mut out = [
            FREE_SLOT,
            FREE_SLOT,
            rec(4, 1, MQTTPubAckPending),
            rec(5, 1, MQTTPubAckPending),
        ];
        let before = out;
        let mut r = records(&mut out, &mut []);
        assert_eq!(r.reserve(4, MQTTQoS::MQTTQoS1), MQTTStateCollision);
        assert_eq!(out, before);
    }

    #[test]
    fn compaction_clears_moved_slots() {
        let mut out = [
            rec(1, 1, MQTTPubAckPending),
            FREE_SLOT,
            rec(2, 2, MQTTPubRelSend),
            FREE_SLOT,
            rec(3, 1, MQTTPublishSend),
        ];
        compact(&mut out);
        assert_eq!(
            out,
            [
                rec(1, 1, MQTTPubAckPending),
                rec(2, 2, MQTTPubRelSend),
                rec(3, 1, MQTTPublishSend),
                FREE_SLOT,
                FREE_SLOT
            ]
        );
    }

    #[test]
    fn outgoing_qos1_flow() {
        let mut out = [FREE_SLOT; 2];
        let mut r = records(&mut out, &mut []);
        assert_eq!(r.reserve(1, MQTTQoS::MQTTQoS1), MQTTSuccess);
        assert_eq!(
            r.update_publish(1, MQTT_SEND, MQTTQoS::MQTTQoS1),
            Ok(MQTTPubAckPending)
        );
        // Resending after a session resumption keeps the state.
        assert_eq!(
            r.update_publish(1, MQTT_SEND, MQTTQoS::MQTTQoS1),
            Ok(MQTTPubAckPending)
        );
        // A PUBREC is not an answer to a QoS 1 publish.
        assert_eq!(
            r.update_ack(1, MQTTPubAckType::MQTTPubrec, MQTT_RECEIVE),
            Err(MQTTIllegalState)
        );
        assert_eq!(
            r.update_ack(1, MQTTPubAckType::MQTTPuback, MQTT_RECEIVE),
            Ok(MQTTPublishDone)
        );
        assert_eq!(out[0], FREE_SLOT);
        let mut r = records(&mut out, &mut []);
        assert_eq!(
            r.update_ack(1, MQTTPubAckType::MQTTPuback, MQTT_RECEIVE),
            Err(MQTTBadResponse)
        );
    }

    #[test]
    fn outgoing_qos2_flow_moves_record_to_back_on_pubrec() {
        let mut out = [FREE_SLOT; 3];
        let mut r = records(&mut out, &mut []);
        assert_eq!(r.reserve(1, MQTTQoS::MQTTQoS2), MQTTSuccess);
        assert_eq!(r.reserve(2, MQTTQoS::MQTTQoS2), MQTTSuccess);
        assert_eq!(
            r.update_publish(1, MQTT_SEND, MQTTQoS::MQTTQoS2),
            Ok(MQTTPubRecPending)
        );
        assert_eq!(
            r.update_publish(2, MQTT_SEND, MQTTQoS::MQTTQoS2),
            Ok(MQTTPubRecPending)
        );
        // Sending with the wrong QoS, or for an unknown id, is a bad parameter.
        assert_eq!(
            r.update_publish(2, MQTT_SEND, MQTTQoS::MQTTQoS1),
            Err(MQTTBadParameter)
        );
        assert_eq!(
            r.update_publish(4, MQTT_SEND, MQTTQoS::MQTTQoS1),
            Err(MQTTBadParameter)
        );
        assert_eq!(
            r.update_ack(1, MQTTPubAckType::MQTTPubrec, MQTT_RECEIVE),
            Ok(MQTTPubRelSend)
        );
        assert_eq!(ids(&out), [0, 2, 1]);
        let mut r = records(&mut out, &mut []);
        assert_eq!(
            r.update_ack(1, MQTTPubAckType::MQTTPubrel, MQTT_SEND),
            Ok(MQTTPubCompPending)
        );
        // Resending the PUBREL keeps the state.
        assert_eq!(
            r.update_ack(1, MQTTPubAckType::MQTTPubrel, MQTT_SEND),
            Ok(MQTTPubCompPending)
        );
        assert_eq!(out[2], rec(1, 2, MQTTPubCompPending));
        let mut r = records(&mut out, &mut []);
        assert_eq!(
            r.update_ack(1, MQTTPubAckType::MQTTPubcomp, MQTT_RECEIVE),
            Ok(MQTTPublishDone)
        );
        assert_eq!(ids(&out), [0, 2, 0]);
    }

    #[test]
    fn pubrec_move_compacts_when_needed() {
        // 1 is at the front, the array is full: re-adding 1 after deleting it
        // needs a compaction because the last slot is used.
        let mut out = [rec(1, 2, MQTTPubRecPending), rec(2, 2, MQTTPubRecPending)];
        let mut r = records(&mut out, &mut []);
        assert_eq!(
            r.update_ack(1, MQTTPubAckType::MQTTPubrec, MQTT_RECEIVE),
            Ok(MQTTPubRelSend)
        );
        assert_eq!(
            out,
            [rec(2, 2, MQTTPubRecPending), rec(1, 2, MQTTPubRelSend)]
        );
    }

    #[test]
    fn incoming_qos1_and_qos2_flows() {
        let mut inc = [FREE_SLOT; 2];
        let mut r = records(&mut [], &mut inc);
        assert_eq!(
            r.update_publish(0, MQTT_RECEIVE, MQTTQoS::MQTTQoS1),
            Err(MQTTBadParameter)
        );
        assert_eq!(
            r.update_publish(0, MQTT_RECEIVE, MQTTQoS::MQTTQoS0),
            Ok(MQTTPublishDone)
        );
        assert_eq!(
            r.update_publish(1, MQTT_RECEIVE, MQTTQoS::MQTTQoS1),
            Ok(MQTTPubAckSend)
        );
        assert_eq!(
            r.update_publish(2, MQTT_RECEIVE, MQTTQoS::MQTTQoS2),
            Ok(MQTTPubRecSend)
        );
        // The server resends publish 2: collision, the caller treats it as a duplicate.
        assert_eq!(
            r.update_publish(2, MQTT_RECEIVE, MQTTQoS::MQTTQoS2),
            Err(MQTTStateCollision)
        );
        assert_eq!(
            r.update_publish(3, MQTT_RECEIVE, MQTTQoS::MQTTQoS2),
            Err(MQTTNoMemory)
        );
        assert_eq!(
            r.update_ack(1, MQTTPubAckType::MQTTPuback, MQTT_SEND),
            Ok(MQTTPublishDone)
        );
        assert_eq!(
            r.update_ack(2, MQTTPubAckType::MQTTPubrec, MQTT_SEND),
            Ok(MQTTPubRelPending)
        );
        // A duplicate publish answered by another PUBREC stays pending.
        assert_eq!(
            r.update_ack(2, MQTTPubAckType::MQTTPubrec, MQTT_SEND),
            Ok(MQTTPubRelPending)
        );
        assert_eq!(
            r.update_ack(2, MQTTPubAckType::MQTTPubrel, MQTT_RECEIVE),
            Ok(MQTTPubCompSend)
        );
        // A repeated PUBREL keeps the state.
        assert_eq!(
            r.update_ack(2, MQTTPubAckType::MQTTPubrel, MQTT_RECEIVE),
            Ok(MQTTPubCompSend)
        );
        // PUBCOMP before PUBREL would be illegal; here it completes.
        assert_eq!(
            r.update_ack(2, MQTTPubAckType::MQTTPubcomp, MQTT_SEND),
            Ok(MQTTPublishDone)
        );
        assert_eq!(inc, [FREE_SLOT; 2]);
    }

    #[test]
    fn illegal_ack_transitions() {
        let mut out = [rec(1, 2, MQTTPublishSend), rec(2, 2, MQTTPubRecPending)];
        let mut inc = [rec(3, 2, MQTTPubRecSend), rec(4, 7, MQTTPubAckSend)];
        let mut r = records(&mut out, &mut inc);
        // An ack before the publish was sent.
        assert_eq!(
            r.update_ack(1, MQTTPubAckType::MQTTPubrec, MQTT_RECEIVE),
            Err(MQTTIllegalState)
        );
        // PUBCOMP while a PUBREC is awaited.
        assert_eq!(
            r.update_ack(2, MQTTPubAckType::MQTTPubcomp, MQTT_RECEIVE),
            Err(MQTTIllegalState)
        );
        // PUBREL received before we sent PUBREC.
        assert_eq!(
            r.update_ack(3, MQTTPubAckType::MQTTPubrel, MQTT_RECEIVE),
            Err(MQTTIllegalState)
        );
        // A record whose QoS C corrupted never transitions.
        assert_eq!(
            r.update_ack(4, MQTTPubAckType::MQTTPuback, MQTT_SEND),
            Err(MQTTIllegalState)
        );
        assert_eq!(
            r.update_ack(0, MQTTPubAckType::MQTTPuback, MQTT_SEND),
            Err(MQTTBadParameter)
        );
        // A publish already waiting for its PUBREC cannot be "sent" as QoS 2 from PubRelSend.
        out[1] = rec(2, 2, MQTTPubRelSend);
        let mut r = records(&mut out, &mut inc);
        assert_eq!(
            r.update_publish(2, MQTT_SEND, MQTTQoS::MQTTQoS2),
            Err(MQTTIllegalState)
        );
    }

    #[test]
    fn remove_record() {
        let mut out = [rec(1, 1, MQTTPublishSend), rec(2, 0, MQTTPublishSend)];
        let mut r = records(&mut out, &mut []);
        assert_eq!(r.remove_outgoing(3), MQTTBadParameter);
        assert_eq!(r.remove_outgoing(0), MQTTBadParameter);
        assert_eq!(r.remove_outgoing(2), MQTTBadParameter);
        assert_eq!(r.remove_outgoing(1), MQTTSuccess);
        assert_eq!(out[0], FREE_SLOT);
    }

    #[test]
    fn resend_iterators_walk_in_order() {
        let out = [
            rec(4, 2, MQTTPubCompPending),
            FREE_SLOT,
            rec(5, 1, MQTTPubAckPending),
            rec(6, 2, MQTTPubRelSend),
            rec(7, 2, MQTTPubRecPending),
            rec(8, 1, MQTTPublishSend),
        ];
        let mut cursor = 0;
        assert_eq!(pubrel_to_resend(&out, &mut cursor), 4);
        assert_eq!(cursor, 1);
        assert_eq!(pubrel_to_resend(&out, &mut cursor), 6);
        assert_eq!(cursor, 4);
        assert_eq!(pubrel_to_resend(&out, &mut cursor), 0);
        assert_eq!(cursor, 6);
        assert_eq!(pubrel_to_resend(&out, &mut cursor), 0);
        let mut cursor = 0;
        let mut found = Vec::new();
        loop {
            let id = publish_to_resend(&out, &mut cursor);
            if id == 0 {
                break;
            }
            found.push(id);
        }
        assert_eq!(found, [5, 7, 8]);
        // A cursor past the end is harmless.
        let mut cursor = usize::MAX;
        assert_eq!(publish_to_resend(&out, &mut cursor), 0);
    }

    fn context_with(out: &mut [MQTTPubAckInfo_t], inc: &mut [MQTTPubAckInfo_t]) -> MQTTContext_t {
        // SAFETY: all-zero is a valid MQTTContext_t (NULL pointers, None callbacks).
        let mut context: MQTTContext_t = unsafe { core::mem::zeroed() };
        context.outgoingPublishRecords = out.as_mut_ptr();
        context.outgoingPublishRecordMaxCount = out.len();
        context.incomingPublishRecords = inc.as_mut_ptr();
        context.incomingPublishRecordMaxCount = inc.len();
        context
    }

    #[test]
    fn update_publish_with_an_invalid_qos_returns_what_coremqtt_returns() {
        let mut out = [FREE_SLOT; 2];
        let mut inc = [FREE_SLOT; 2];
        let mut context = context_with(&mut out, &mut inc);
        let ctx: *mut MQTTContext_t = &mut context;
        let mut state = MQTTPubAckSend;
        // SAFETY: valid pointers.
        unsafe {
            // A send finds no record of QoS 3; a receive has no state to enter.
            assert_eq!(
                MQTT_UpdateStatePublish(ctx, 1, 0, 3, &mut state),
                MQTTBadParameter
            );
            assert_eq!(
                MQTT_UpdateStatePublish(ctx, 1, 1, 3, &mut state),
                MQTTIllegalState
            );
            assert_eq!(
                MQTT_UpdateStatePublish(ctx, 1, 1, 7, &mut state),
                MQTTIllegalState
            );
            // Packet id 0 is checked first.
            assert_eq!(
                MQTT_UpdateStatePublish(ctx, 0, 1, 3, &mut state),
                MQTTBadParameter
            );
        }
        // Nothing was recorded and the out-parameter was left alone.
        assert_eq!(state, MQTTPubAckSend);
        assert!(out.iter().chain(inc.iter()).all(|r| r.packetId == 0));
    }

    #[test]
    fn c_entry_points_check_arguments() {
        let mut out = [FREE_SLOT; 2];
        let mut inc = [FREE_SLOT; 2];
        let mut context = context_with(&mut out, &mut inc);
        let ctx: *mut MQTTContext_t = &mut context;
        let mut state = MQTTStateNull;
        let mut cursor: MQTTStateCursor_t = 0;
        // SAFETY: pointers are valid or NULL, as each call states.
        unsafe {
            assert_eq!(
                MQTT_ReserveState(core::ptr::null_mut(), 1, 1),
                MQTTBadParameter
            );
            assert_eq!(MQTT_ReserveState(core::ptr::null_mut(), 1, 0), MQTTSuccess);
            assert_eq!(MQTT_ReserveState(ctx, 1, 3), MQTTBadParameter);
            assert_eq!(MQTT_ReserveState(ctx, 1, 2), MQTTSuccess);
            assert_eq!(
                MQTT_UpdateStatePublish(ctx, 1, 0, 2, core::ptr::null_mut()),
                MQTTBadParameter
            );
            assert_eq!(
                MQTT_UpdateStatePublish(ctx, 1, 2, 2, &mut state),
                MQTTBadParameter
            );
            assert_eq!(
                MQTT_UpdateStatePublish(ctx, 1, 0, 2, &mut state),
                MQTTSuccess
            );
            assert_eq!(state, MQTTPubRecPending);
            assert_eq!(
                MQTT_UpdateStateAck(ctx, 1, 9, 1, &mut state),
                MQTTBadParameter
            );
            assert_eq!(MQTT_UpdateStateAck(ctx, 1, 1, 1, &mut state), MQTTSuccess);
            assert_eq!(state, MQTTPubRelSend);
            state = MQTTStateNull;
            assert_eq!(MQTT_PubrelToResend(ctx, &mut cursor, &mut state), 1);
            assert_eq!(state, MQTTPubRelSend);
            assert_eq!(
                MQTT_PubrelToResend(ctx, &mut cursor, core::ptr::null_mut()),
                0
            );
            assert_eq!(MQTT_PublishToResend(core::ptr::null(), &mut cursor), 0);
            assert_eq!(MQTT_RemoveStateRecord(ctx, 1), MQTTSuccess);
            assert_eq!(MQTT_RemoveStateRecord(ctx, 1), MQTTBadParameter);
            assert_eq!(
                MQTT_RemoveStateRecord(core::ptr::null(), 1),
                MQTTBadParameter
            );
        }
        // NULL records with a nonzero count are refused.
        context.outgoingPublishRecords = core::ptr::null_mut();
        // SAFETY: as above.
        unsafe {
            assert_eq!(MQTT_ReserveState(&mut context, 1, 1), MQTTBadParameter);
            let mut cursor = 0;
            assert_eq!(MQTT_PublishToResend(&context, &mut cursor), 0);
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// One operation of the engine on the records.
        #[derive(Clone, Debug)]
        enum Op {
            Reserve(u16, u32),
            Publish(u16, u32, u32),
            Ack(u16, u32, u32),
            Remove(u16),
        }

        fn op() -> impl Strategy<Value = Op> {
            // Small identifiers make collisions and hits likely.
            let id = 0u16..6;
            prop_oneof![
                (id.clone(), 0u32..4).prop_map(|(i, q)| Op::Reserve(i, q)),
                (id.clone(), 0u32..3, 0u32..4).prop_map(|(i, o, q)| Op::Publish(i, o, q)),
                (id.clone(), 0u32..5, 0u32..3).prop_map(|(i, a, o)| Op::Ack(i, a, o)),
                id.prop_map(Op::Remove),
            ]
        }

        fn raw_record() -> impl Strategy<Value = MQTTPubAckInfo_t> {
            (0u16..6, 0u32..5, 0u32..14).prop_map(|(packetId, qos, publishState)| {
                MQTTPubAckInfo_t {
                    packetId,
                    qos,
                    publishState,
                }
            })
        }

        fn no_duplicates(records: &[MQTTPubAckInfo_t]) -> bool {
            let mut seen = std::collections::HashSet::new();
            records
                .iter()
                .filter(|r| r.packetId != 0)
                .all(|r| seen.insert(r.packetId))
        }

        proptest! {
            /// Whatever C stored in the records and whatever the engine asks,
            /// nothing panics, and records the library adds never duplicate
            /// a packet identifier.
            #[test]
            fn any_sequence_is_safe(
                start_out in proptest::collection::vec(raw_record(), 0..5),
                start_in in proptest::collection::vec(raw_record(), 0..5),
                ops in proptest::collection::vec(op(), 0..40),
            ) {
                let clean = no_duplicates(&start_out) && no_duplicates(&start_in);
                let (mut out, mut inc) = (start_out, start_in);
                let mut context = context_with(&mut out, &mut inc);
                let mut state = MQTTStateNull;
                for op in ops {
                    // SAFETY: the context points at the live vectors above.
                    unsafe {
                        match op {
                            Op::Reserve(id, qos) => { MQTT_ReserveState(&mut context, id, qos); }
                            Op::Publish(id, o, q) => { MQTT_UpdateStatePublish(&mut context, id, o, q, &mut state); }
                            Op::Ack(id, a, o) => { MQTT_UpdateStateAck(&mut context, id, a, o, &mut state); }
                            Op::Remove(id) => { MQTT_RemoveStateRecord(&context, id); }
                        }
                    }
                }
                if clean {
                    prop_assert!(no_duplicates(&out));
                    prop_assert!(no_duplicates(&inc));
                }
                let mut cursor = 0;
                while publish_to_resend(&out, &mut cursor) != 0 {}
                prop_assert_eq!(cursor, out.len());
            }
        }
    }

    #[test]
    fn state_names() {
        // SAFETY: the returned pointers are static C strings.
        unsafe {
            let name = |s| {
                core::ffi::CStr::from_ptr(MQTT_State_strerror(s))
                    .to_str()
                    .unwrap()
            };
            assert_eq!(name(0), "MQTTStateNull");
            assert_eq!(name(6), "MQTTPubAckPending");
            assert_eq!(name(10), "MQTTPublishDone");
            assert_eq!(name(11), "Invalid MQTT State");
            assert_eq!(name(u32::MAX), "Invalid MQTT State");
        }
        for raw in 0..11 {
            let state = MQTTPublishState::from_raw(raw).unwrap();
            assert_eq!(STATE_NAMES[raw as usize].to_str().unwrap(), state.name());
        }
    }
}
