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
//! The logic lives in the engine ([`crate::engine::records`]: [`StateRecords`]
//! and the `calculate_*` functions, re-exported here), works on slices and
//! never panics. The `extern "C"` functions below are the coreMQTT entry
//! points: they read the record pointers out of the C context, check them
//! and the enum integers C passes, and call the same code.

use core::ffi::c_char;

use super::context::{
    MQTTContext_t, MQTTPubAckInfo_t, MQTTPubAckType, MQTTPubAckTypeRaw, MQTTPublishState,
    MQTTPublishStateRaw, MQTTPublishState_t, MQTT_PACKET_ID_INVALID,
};
use super::serializer_types::{status_of, MQTTQoS, MQTTQoSRaw, MQTTStatus, MQTTStatus_t};
use crate::engine::Error;
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
pub type MQTTStateOperationRaw = super::c_enum::Raw;

impl From<MQTTStateOperation> for Direction {
    fn from(op: MQTTStateOperation) -> Self {
        match op {
            MQTTStateOperation::MQTT_SEND => Direction::Send,
            MQTTStateOperation::MQTT_RECEIVE => Direction::Receive,
        }
    }
}

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

pub use crate::engine::records::*;

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
    } else if !crate::ffi::fits_slice::<MQTTPubAckInfo_t>(count) {
        Err(MQTTStatus::MQTTBadParameter)
    } else {
        // SAFETY: non-NULL, and the caller guarantees `count` valid records
        // (bounded above).
        Ok(unsafe { core::slice::from_raw_parts_mut(records, count) })
    }
}

/// Borrows one record array of a C context (the outgoing one when
/// `outgoing`), as the application handed it to `MQTT_InitStatefulQoS`.
///
/// The state functions borrow only the array they work on, as coreMQTT's
/// do: one pointer and count chosen, one slice checked (smaller on a
/// Cortex-M4 than borrowing both arrays and picking one).
///
/// # Safety
/// `context` must be a valid context whose record pointer and count
/// describe an array that nothing else accesses while the result lives.
// The array is the application's, reached through a raw pointer in the
// context, not part of the context's own memory (`records_of` returns the
// same kind of borrow inside `StateRecords`); the C API passes the context
// as const to some of these functions.
#[allow(clippy::mut_from_ref)]
pub(crate) unsafe fn record_array(
    context: &MQTTContext_t,
    outgoing: bool,
) -> Option<&mut [MQTTPubAckInfo_t]> {
    let (records, count) = if outgoing {
        (
            context.outgoingPublishRecords,
            context.outgoingPublishRecordMaxCount,
        )
    } else {
        (
            context.incomingPublishRecords,
            context.incomingPublishRecordMaxCount,
        )
    };
    // An `Option` (two registers on a Cortex-M4, the refusal being always
    // `MQTTBadParameter`) rather than a `Result` returned through memory.
    // SAFETY: forwarded from the caller.
    unsafe { records_slice(records, count) }.ok()
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
            outgoing: record_array(context, true).ok_or(MQTTStatus::MQTTBadParameter)?,
            incoming: record_array(context, false).ok_or(MQTTStatus::MQTTBadParameter)?,
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
        // SAFETY: the record array is the one given to MQTT_InitStatefulQoS.
        match unsafe { record_array(context, true) } {
            Some(records) => status_of(Outgoing(records).reserve(packetId, qos)),
            None => MQTTStatus::MQTTBadParameter,
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
        publish_state_raw(
            super::c_enum::to_index(opType),
            super::c_enum::to_index(qos),
        )
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
        // SAFETY: the record array is the one given to MQTT_InitStatefulQoS.
        let result = unsafe { record_array(context, op == MQTTStateOperation::MQTT_SEND) }
            .ok_or(Error::BadParameter)
            .and_then(|records| update_publish(records, packetId, op.into(), qos));
        match result {
            Ok(state) => {
                // SAFETY: checked non-NULL above; the caller guarantees it is writable.
                unsafe { pNewState.write(state) };
                MQTTStatus::MQTTSuccess
            }
            Err(e) => e.into(),
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
        // SAFETY: the record array is the one given to MQTT_InitStatefulQoS;
        // the C API takes the context as const but the records are the
        // application's mutable arrays.
        match unsafe { record_array(context, true) } {
            Some(records) => status_of(Outgoing(records).remove(packetId)),
            None => MQTTStatus::MQTTBadParameter,
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
        // The engine's transition table, indexed by the raw values.
        match ack_step_raw(
            super::c_enum::to_index(packetType),
            super::c_enum::to_index(opType),
        ) {
            Some(step) if qos == step.qos as MQTTQoSRaw => step.new,
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
        let step = ack_step(ack.into(), op.into());
        // SAFETY: the record array is the one given to MQTT_InitStatefulQoS.
        let result = unsafe { record_array(context, step.outgoing) }
            .ok_or(Error::BadParameter)
            .and_then(|records| update_ack_in(records, packetId, step));
        match result {
            Ok(state) => {
                // SAFETY: checked non-NULL above; the caller guarantees it is writable.
                unsafe { pNewState.write(state) };
                MQTTStatus::MQTTSuccess
            }
            Err(e) => e.into(),
        }
    })
}

/// Reads the outgoing records of a context for the resend iterators.
///
/// # Safety
/// Same contract as [`records_of`].
unsafe fn outgoing_of(context: &MQTTContext_t) -> &[MQTTPubAckInfo_t] {
    // The one check of the state functions (smaller than a second copy
    // here); an array no slice can describe reads as empty, as before.
    // SAFETY: forwarded from the caller.
    match unsafe { record_array(context, true) } {
        Some(records) => records,
        None => &[],
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
        STATE_NAMES
            .get(super::c_enum::to_index(state))
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
            publishState: state as MQTTPublishStateRaw,
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
    fn a_record_count_no_array_can_have_is_refused_before_borrowing() {
        let mut one = [rec(0, 0, MQTTPublishDone)];
        // SAFETY: a valid one-record array; the huge counts are refused
        // before anything is borrowed.
        let huge = unsafe { records_slice(one.as_mut_ptr(), usize::MAX) };
        assert_eq!(huge.err(), Some(MQTTBadParameter));
        let past_isize = isize::MAX as usize / core::mem::size_of::<MQTTPubAckInfo_t>() + 1;
        // SAFETY: as above.
        let huge = unsafe { records_slice(one.as_mut_ptr(), past_isize) };
        assert_eq!(huge.err(), Some(MQTTBadParameter));
        // SAFETY: the array and its real length.
        let fine = unsafe { records_slice(one.as_mut_ptr(), 1) };
        assert_eq!(fine.map(|r| r.len()), Ok(1));
    }

    #[test]
    fn the_calculate_exports_agree_with_the_engine_functions_for_every_raw_value() {
        // The exports index tables with the raw values; the engine's
        // functions match on the enums. Every raw value from 0 to 255 (the
        // out-of-range ones must give MQTTStateNull).
        let ops = [MQTT_SEND, MQTT_RECEIVE];
        let qoses = [MQTTQoS::MQTTQoS0, MQTTQoS::MQTTQoS1, MQTTQoS::MQTTQoS2];
        let acks = [
            MQTTPubAckType::MQTTPuback,
            MQTTPubAckType::MQTTPubrec,
            MQTTPubAckType::MQTTPubrel,
            MQTTPubAckType::MQTTPubcomp,
        ];
        for op in 0..=255 {
            for qos in 0..=255 {
                let want = match (ops.get(op as usize), qoses.get(qos as usize)) {
                    (Some(&op), Some(&qos)) => calculate_state_publish(op.into(), qos),
                    _ => MQTTStateNull,
                };
                // SAFETY: plain values.
                assert_eq!(unsafe { MQTT_CalculateStatePublish(op, qos) }, want);
                for ack in 0..=4 {
                    let want = match (acks.get(ack as usize), ops.get(op as usize)) {
                        (Some(&ack), Some(&op)) => calculate_state_ack(ack, op.into(), qos),
                        _ => MQTTStateNull,
                    };
                    // SAFETY: plain values.
                    assert_eq!(unsafe { MQTT_CalculateStateAck(ack, op, qos) }, want);
                }
            }
        }
    }

    #[test]
    fn calculate_publish_states() {
        assert_eq!(
            calculate_state_publish(MQTT_SEND.into(), MQTTQoS::MQTTQoS0),
            MQTTPublishDone
        );
        assert_eq!(
            calculate_state_publish(MQTT_RECEIVE.into(), MQTTQoS::MQTTQoS0),
            MQTTPublishDone
        );
        assert_eq!(
            calculate_state_publish(MQTT_SEND.into(), MQTTQoS::MQTTQoS1),
            MQTTPubAckPending
        );
        assert_eq!(
            calculate_state_publish(MQTT_RECEIVE.into(), MQTTQoS::MQTTQoS1),
            MQTTPubAckSend
        );
        assert_eq!(
            calculate_state_publish(MQTT_SEND.into(), MQTTQoS::MQTTQoS2),
            MQTTPubRecPending
        );
        assert_eq!(
            calculate_state_publish(MQTT_RECEIVE.into(), MQTTQoS::MQTTQoS2),
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
            calculate_state_ack(MQTTPuback, MQTT_SEND.into(), 1),
            MQTTPublishDone
        );
        assert_eq!(
            calculate_state_ack(MQTTPuback, MQTT_RECEIVE.into(), 1),
            MQTTPublishDone
        );
        assert_eq!(
            calculate_state_ack(MQTTPuback, MQTT_RECEIVE.into(), 2),
            MQTTStateNull
        );
        assert_eq!(
            calculate_state_ack(MQTTPubrec, MQTT_SEND.into(), 2),
            MQTTPubRelPending
        );
        assert_eq!(
            calculate_state_ack(MQTTPubrec, MQTT_RECEIVE.into(), 2),
            MQTTPubRelSend
        );
        assert_eq!(
            calculate_state_ack(MQTTPubrel, MQTT_SEND.into(), 2),
            MQTTPubCompPending
        );
        assert_eq!(
            calculate_state_ack(MQTTPubrel, MQTT_RECEIVE.into(), 2),
            MQTTPubCompSend
        );
        assert_eq!(
            calculate_state_ack(MQTTPubcomp, MQTT_RECEIVE.into(), 2),
            MQTTPublishDone
        );
        assert_eq!(
            calculate_state_ack(MQTTPubcomp, MQTT_RECEIVE.into(), 1),
            MQTTStateNull
        );
        assert_eq!(
            calculate_state_ack(MQTTPubrec, MQTT_RECEIVE.into(), 0),
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
        assert_eq!(r.reserve(0, MQTTQoS::MQTTQoS0), Ok(()));
        assert_eq!(r.reserve(0, MQTTQoS::MQTTQoS1), Err(Error::BadParameter));
        assert_eq!(r.reserve(5, MQTTQoS::MQTTQoS1), Ok(()));
        assert_eq!(r.reserve(5, MQTTQoS::MQTTQoS2), Err(Error::StateCollision));
        assert_eq!(r.reserve(3, MQTTQoS::MQTTQoS2), Ok(()));
        assert_eq!(r.reserve(9, MQTTQoS::MQTTQoS1), Ok(()));
        assert_eq!(r.reserve(10, MQTTQoS::MQTTQoS1), Err(Error::NoMemory));
        assert_eq!(ids(&out), [5, 3, 9]);
        assert_eq!(out[1], rec(3, 2, MQTTPublishSend));
        // An empty array has no room.
        let mut r = records(&mut [], &mut []);
        assert_eq!(r.reserve(1, MQTTQoS::MQTTQoS1), Err(Error::NoMemory));
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
        assert_eq!(r.reserve(8, MQTTQoS::MQTTQoS1), Ok(()));
        assert_eq!(ids(&out), [0, 7, 8, 0]);
        let mut r = records(&mut out, &mut []);
        assert_eq!(r.reserve(9, MQTTQoS::MQTTQoS1), Ok(()));
        assert_eq!(ids(&out), [0, 7, 8, 9]);
        // Last slot used: compaction slides 7, 8, 9 to the front first.
        let mut r = records(&mut out, &mut []);
        assert_eq!(r.reserve(10, MQTTQoS::MQTTQoS2), Ok(()));
        assert_eq!(ids(&out), [7, 8, 9, 10]);
        assert_eq!(out[0], rec(7, 1, MQTTPubAckPending));
        assert_eq!(out[3], rec(10, 2, MQTTPublishSend));
        // Full and compact: no memory, and a collision is still reported.
        let mut r = records(&mut out, &mut []);
        assert_eq!(r.reserve(11, MQTTQoS::MQTTQoS1), Err(Error::NoMemory));
        assert_eq!(r.reserve(8, MQTTQoS::MQTTQoS1), Err(Error::StateCollision));
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
        assert_eq!(r.reserve(4, MQTTQoS::MQTTQoS1), Err(Error::StateCollision));
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
        assert_eq!(r.reserve(1, MQTTQoS::MQTTQoS1), Ok(()));
        assert_eq!(
            r.update_publish(1, MQTT_SEND.into(), MQTTQoS::MQTTQoS1),
            Ok(MQTTPubAckPending)
        );
        // Resending after a session resumption keeps the state.
        assert_eq!(
            r.update_publish(1, MQTT_SEND.into(), MQTTQoS::MQTTQoS1),
            Ok(MQTTPubAckPending)
        );
        // A PUBREC is not an answer to a QoS 1 publish.
        assert_eq!(
            r.update_ack(1, MQTTPubAckType::MQTTPubrec, MQTT_RECEIVE.into()),
            Err(Error::IllegalState)
        );
        assert_eq!(
            r.update_ack(1, MQTTPubAckType::MQTTPuback, MQTT_RECEIVE.into()),
            Ok(MQTTPublishDone)
        );
        assert_eq!(out[0], FREE_SLOT);
        let mut r = records(&mut out, &mut []);
        assert_eq!(
            r.update_ack(1, MQTTPubAckType::MQTTPuback, MQTT_RECEIVE.into()),
            Err(Error::BadResponse)
        );
    }

    #[test]
    fn outgoing_qos2_flow_moves_record_to_back_on_pubrec() {
        let mut out = [FREE_SLOT; 3];
        let mut r = records(&mut out, &mut []);
        assert_eq!(r.reserve(1, MQTTQoS::MQTTQoS2), Ok(()));
        assert_eq!(r.reserve(2, MQTTQoS::MQTTQoS2), Ok(()));
        assert_eq!(
            r.update_publish(1, MQTT_SEND.into(), MQTTQoS::MQTTQoS2),
            Ok(MQTTPubRecPending)
        );
        assert_eq!(
            r.update_publish(2, MQTT_SEND.into(), MQTTQoS::MQTTQoS2),
            Ok(MQTTPubRecPending)
        );
        // Sending with the wrong QoS, or for an unknown id, is a bad parameter.
        assert_eq!(
            r.update_publish(2, MQTT_SEND.into(), MQTTQoS::MQTTQoS1),
            Err(Error::BadParameter)
        );
        assert_eq!(
            r.update_publish(4, MQTT_SEND.into(), MQTTQoS::MQTTQoS1),
            Err(Error::BadParameter)
        );
        assert_eq!(
            r.update_ack(1, MQTTPubAckType::MQTTPubrec, MQTT_RECEIVE.into()),
            Ok(MQTTPubRelSend)
        );
        assert_eq!(ids(&out), [0, 2, 1]);
        let mut r = records(&mut out, &mut []);
        assert_eq!(
            r.update_ack(1, MQTTPubAckType::MQTTPubrel, MQTT_SEND.into()),
            Ok(MQTTPubCompPending)
        );
        // Resending the PUBREL keeps the state.
        assert_eq!(
            r.update_ack(1, MQTTPubAckType::MQTTPubrel, MQTT_SEND.into()),
            Ok(MQTTPubCompPending)
        );
        assert_eq!(out[2], rec(1, 2, MQTTPubCompPending));
        let mut r = records(&mut out, &mut []);
        assert_eq!(
            r.update_ack(1, MQTTPubAckType::MQTTPubcomp, MQTT_RECEIVE.into()),
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
            r.update_ack(1, MQTTPubAckType::MQTTPubrec, MQTT_RECEIVE.into()),
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
            r.update_publish(0, MQTT_RECEIVE.into(), MQTTQoS::MQTTQoS1),
            Err(Error::BadParameter)
        );
        assert_eq!(
            r.update_publish(0, MQTT_RECEIVE.into(), MQTTQoS::MQTTQoS0),
            Ok(MQTTPublishDone)
        );
        assert_eq!(
            r.update_publish(1, MQTT_RECEIVE.into(), MQTTQoS::MQTTQoS1),
            Ok(MQTTPubAckSend)
        );
        assert_eq!(
            r.update_publish(2, MQTT_RECEIVE.into(), MQTTQoS::MQTTQoS2),
            Ok(MQTTPubRecSend)
        );
        // The server resends publish 2: collision, the caller treats it as a duplicate.
        assert_eq!(
            r.update_publish(2, MQTT_RECEIVE.into(), MQTTQoS::MQTTQoS2),
            Err(Error::StateCollision)
        );
        assert_eq!(
            r.update_publish(3, MQTT_RECEIVE.into(), MQTTQoS::MQTTQoS2),
            Err(Error::NoMemory)
        );
        assert_eq!(
            r.update_ack(1, MQTTPubAckType::MQTTPuback, MQTT_SEND.into()),
            Ok(MQTTPublishDone)
        );
        assert_eq!(
            r.update_ack(2, MQTTPubAckType::MQTTPubrec, MQTT_SEND.into()),
            Ok(MQTTPubRelPending)
        );
        // A duplicate publish answered by another PUBREC stays pending.
        assert_eq!(
            r.update_ack(2, MQTTPubAckType::MQTTPubrec, MQTT_SEND.into()),
            Ok(MQTTPubRelPending)
        );
        assert_eq!(
            r.update_ack(2, MQTTPubAckType::MQTTPubrel, MQTT_RECEIVE.into()),
            Ok(MQTTPubCompSend)
        );
        // A repeated PUBREL keeps the state.
        assert_eq!(
            r.update_ack(2, MQTTPubAckType::MQTTPubrel, MQTT_RECEIVE.into()),
            Ok(MQTTPubCompSend)
        );
        // PUBCOMP before PUBREL would be illegal; here it completes.
        assert_eq!(
            r.update_ack(2, MQTTPubAckType::MQTTPubcomp, MQTT_SEND.into()),
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
            r.update_ack(1, MQTTPubAckType::MQTTPubrec, MQTT_RECEIVE.into()),
            Err(Error::IllegalState)
        );
        // PUBCOMP while a PUBREC is awaited.
        assert_eq!(
            r.update_ack(2, MQTTPubAckType::MQTTPubcomp, MQTT_RECEIVE.into()),
            Err(Error::IllegalState)
        );
        // PUBREL received before we sent PUBREC.
        assert_eq!(
            r.update_ack(3, MQTTPubAckType::MQTTPubrel, MQTT_RECEIVE.into()),
            Err(Error::IllegalState)
        );
        // A record whose QoS C corrupted never transitions.
        assert_eq!(
            r.update_ack(4, MQTTPubAckType::MQTTPuback, MQTT_SEND.into()),
            Err(Error::IllegalState)
        );
        assert_eq!(
            r.update_ack(0, MQTTPubAckType::MQTTPuback, MQTT_SEND.into()),
            Err(Error::BadParameter)
        );
        // A publish already waiting for its PUBREC cannot be "sent" as QoS 2 from PubRelSend.
        out[1] = rec(2, 2, MQTTPubRelSend);
        let mut r = records(&mut out, &mut inc);
        assert_eq!(
            r.update_publish(2, MQTT_SEND.into(), MQTTQoS::MQTTQoS2),
            Err(Error::IllegalState)
        );
    }

    #[test]
    fn remove_record() {
        let mut out = [rec(1, 1, MQTTPublishSend), rec(2, 0, MQTTPublishSend)];
        let mut r = records(&mut out, &mut []);
        assert_eq!(r.remove_outgoing(3), Err(Error::BadParameter));
        assert_eq!(r.remove_outgoing(0), Err(Error::BadParameter));
        assert_eq!(r.remove_outgoing(2), Err(Error::BadParameter));
        assert_eq!(r.remove_outgoing(1), Ok(()));
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
