//! The `extern "C"` functions of `core_mqtt.h`.
//!
//! Each function is thin: it runs inside [`guard`], checks pointers, validates
//! every integer C handed over (enums arrive as plain integers), turns the C
//! structs into safe views and calls the engine in [`super::engine`].
//!
//! Return codes are coreMQTT's. Where rsmqtt deliberately behaves better,
//! it does so without changing a signature or a layout:
//!
//! | situation | coreMQTT v2.3.1 | rsmqtt |
//! |---|---|---|
//! | incoming packet larger than the network buffer | drained and silently dropped, `MQTTSuccess` | drained, logged with both sizes, **`MQTTNoMemory`**; the connection stays usable (`engine::process`) |
//! | PUBREL for a packet id without a record (records lost in a reboot) | `MQTTBadParameter` from every loop call, the broker never gets its PUBCOMP | answered with **PUBCOMP** (MQTT 3.1.1 4.3.3), `MQTTSuccess` |
//! | PINGREQ / DISCONNECT | serialized into the network buffer, overwriting a partly received packet | sent from a two-byte stack array; the network buffer only receives |
//! | resending a stored publish on session resumption | sets DUP by writing into the application's stored copy | sends a DUP copy of the first byte, then the stored bytes unchanged |
//! | send times out after part of a packet went out | connection left `MQTTConnected`, the byte stream is corrupt | `MQTTDisconnectPending`, like a transport error |
//! | store callback refuses a QoS 1/2 publish | record left in `MQTTPublishSend` with no stored copy, so a later resumption fails with `MQTTPublishRetrieveFailed` | record freed (nothing was sent), `MQTTPublishStoreFailed` |
//! | outgoing and incoming record arrays overlap | records overwrite each other | `MQTT_InitStatefulQoS` returns `MQTTBadParameter` |
//! | C code wrote an invalid `index`, QoS, state or status | undefined behaviour | `MQTTBadParameter` / `MQTTIllegalState`, never a read outside the buffer |
//! | keep-alive interval 0 | a PINGREQ still goes out after `PACKET_RX_TIMEOUT_MS` of silence | no automatic PINGREQ (3.1.2.10: 0 turns keep-alive off) |
//! | PINGRESP seen by `MQTT_ReceiveLoop` | `waitingForPingResp` stays set | cleared (and still passed to the callback) |
//! | configuration macros | compiled into the library | read at run time, set from the application's `core_mqtt_config.h` by the config shim |
//!
//! Like coreMQTT, a context is not thread-safe: one thread at a time may call
//! into it (the event callback may call `MQTT_Publish`, `MQTT_Subscribe`,
//! `MQTT_Unsubscribe` and `MQTT_Ping`, not the loop functions). Incoming
//! topic and payload pointers are valid only during the callback.
//!
//! Configuration: the values of coreMQTT's config macros are read at run time
//! (see [`engine::config`](super::engine::config)); they are set from the
//! application's `core_mqtt_config.h` by `src/c/core_mqtt_config_shim.c` or
//! directly with [`rsmqtt_coremqtt_config_set`].

use core::ptr::NonNull;

use super::context::{
    MQTTClearPacketForRetransmit, MQTTConnectionStatus, MQTTConnectionStatusRaw, MQTTContext_t,
    MQTTEventCallback_t, MQTTGetCurrentTimeFunc_t, MQTTPubAckInfo_t,
    MQTTRetrievePacketForRetransmit, MQTTStorePacketForRetransmit,
};
use super::port::{arrays_overlap, Ctx};
use super::serializer::{
    c_connect, c_subscription_list, c_subscription_reader, c_will, SubscriptionKind,
};
use super::serializer_types::{
    status_of, MQTTConnectInfo_t, MQTTFixedBuffer_t, MQTTPublishInfo_t, MQTTStatus, MQTTStatus_t,
    MQTTSubscribeInfo_t,
};
use super::transport_interface::TransportInterface_t;
use crate::engine::config::Config;
use crate::engine::connect;
use crate::engine::publish::{self, Publish};
use crate::engine::records::StateRecords;
use crate::engine::{keepalive, process, subscribe};
use crate::ffi::guard;

/// The values of coreMQTT's configuration macros, for
/// [`rsmqtt_coremqtt_config_set`]. Each field carries the macro's name.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RsmqttCoreMqttConfig {
    /// `MQTT_PINGRESP_TIMEOUT_MS` (default 5000).
    pub pingrespTimeoutMs: u32,
    /// `PACKET_TX_TIMEOUT_MS` (default 30000).
    pub packetTxTimeoutMs: u32,
    /// `PACKET_RX_TIMEOUT_MS` (default 30000).
    pub packetRxTimeoutMs: u32,
    /// `MQTT_RECV_POLLING_TIMEOUT_MS` (default 10).
    pub recvPollingTimeoutMs: u32,
    /// `MQTT_SEND_TIMEOUT_MS` (default 20000).
    pub sendTimeoutMs: u32,
    /// `MQTT_SUB_UNSUB_MAX_VECTORS` (default 4; used within 4..=64).
    pub subUnsubMaxVectors: u32,
    /// `MQTT_MAX_CONNACK_RECEIVE_RETRY_COUNT` (default 5).
    pub maxConnackReceiveRetryCount: u32,
}

/// `RsmqttCoreMqttConfig_t`, the typedef C code uses.
pub type RsmqttCoreMqttConfig_t = RsmqttCoreMqttConfig;

impl From<Config> for RsmqttCoreMqttConfig {
    fn from(c: Config) -> Self {
        RsmqttCoreMqttConfig {
            pingrespTimeoutMs: c.pingresp_timeout_ms,
            packetTxTimeoutMs: c.packet_tx_timeout_ms,
            packetRxTimeoutMs: c.packet_rx_timeout_ms,
            recvPollingTimeoutMs: c.recv_polling_timeout_ms,
            sendTimeoutMs: c.send_timeout_ms,
            subUnsubMaxVectors: c.sub_unsub_max_vectors,
            maxConnackReceiveRetryCount: c.max_connack_receive_retry_count,
        }
    }
}

impl From<RsmqttCoreMqttConfig> for Config {
    fn from(c: RsmqttCoreMqttConfig) -> Self {
        Config {
            pingresp_timeout_ms: c.pingrespTimeoutMs,
            packet_tx_timeout_ms: c.packetTxTimeoutMs,
            packet_rx_timeout_ms: c.packetRxTimeoutMs,
            recv_polling_timeout_ms: c.recvPollingTimeoutMs,
            send_timeout_ms: c.sendTimeoutMs,
            sub_unsub_max_vectors: c.subUnsubMaxVectors,
            max_connack_receive_retry_count: c.maxConnackReceiveRetryCount,
        }
    }
}

/// Sets the values of coreMQTT's configuration macros for every connection.
///
/// Normally called before `main` by `core_mqtt_config_shim.c`, which the
/// CMake target compiles into the application with the application's
/// `core_mqtt_config.h`; call it yourself to change values at run time.
/// `MQTTBadParameter` when `pConfig` is NULL.
///
/// # Safety
/// `pConfig` is NULL or points to a readable `RsmqttCoreMqttConfig_t`.
#[no_mangle]
pub unsafe extern "C" fn rsmqtt_coremqtt_config_set(
    pConfig: *const RsmqttCoreMqttConfig_t,
) -> MQTTStatus_t {
    guard(MQTTStatus::MQTTBadParameter, || {
        // SAFETY: NULL or a readable struct, per this function's contract.
        let Some(config) = (unsafe { pConfig.as_ref() }) else {
            return MQTTStatus::MQTTBadParameter;
        };
        Config::from(*config).apply();
        MQTTStatus::MQTTSuccess
    })
}

/// Reads the configuration values in effect. `MQTTBadParameter` when
/// `pConfig` is NULL.
///
/// # Safety
/// `pConfig` is NULL or points to a writable `RsmqttCoreMqttConfig_t`.
#[no_mangle]
pub unsafe extern "C" fn rsmqtt_coremqtt_config_get(
    pConfig: *mut RsmqttCoreMqttConfig_t,
) -> MQTTStatus_t {
    guard(MQTTStatus::MQTTBadParameter, || {
        if pConfig.is_null() {
            return MQTTStatus::MQTTBadParameter;
        }
        // SAFETY: non-NULL and writable per this function's contract.
        unsafe { pConfig.write(Config::current().into()) };
        MQTTStatus::MQTTSuccess
    })
}

/// The engine's handle on a context pointer, or `None` for NULL.
///
/// # Safety
/// `p` is NULL or points to an `MQTTContext_t` the caller owns for the call.
unsafe fn ctx(p: *mut MQTTContext_t) -> Option<Ctx> {
    // SAFETY: forwarded from the caller (see above).
    NonNull::new(p).map(|p| unsafe { Ctx::new(p) })
}

/// Initialises a context with its transport, clock, event callback and
/// receive buffer (`MQTT_Init`).
///
/// As in coreMQTT v3-CodeBase, an empty network buffer (`{NULL, 0}` or a
/// size of 0) is accepted here; the calls that use the connection then
/// return `MQTTBadParameter` for a NULL buffer, where coreMQTT asserts or
/// dereferences it. A NULL buffer with a non-zero size is refused with
/// `MQTTBadParameter` (coreMQTT accepts it and writes through NULL later).
///
/// # Safety
/// Non-NULL pointers must be valid; the buffer must outlive the context.
#[no_mangle]
pub unsafe extern "C" fn MQTT_Init(
    pContext: *mut MQTTContext_t,
    pTransportInterface: *const TransportInterface_t,
    getTimeFunction: MQTTGetCurrentTimeFunc_t,
    userCallback: MQTTEventCallback_t,
    pNetworkBuffer: *const MQTTFixedBuffer_t,
) -> MQTTStatus_t {
    guard(MQTTStatus::MQTTBadParameter, || {
        if pContext.is_null() || pTransportInterface.is_null() || pNetworkBuffer.is_null() {
            log::error!("MQTT_Init: NULL context, transport or network buffer");
            return MQTTStatus::MQTTBadParameter;
        }
        // SAFETY: both checked non-NULL; the caller passes readable structs.
        let (transport, buffer) = unsafe { (*pTransportInterface, *pNetworkBuffer) };
        if getTimeFunction.is_none()
            || userCallback.is_none()
            || transport.recv.is_none()
            || transport.send.is_none()
        {
            log::error!("MQTT_Init: the clock, the event callback, recv and send are required");
            return MQTTStatus::MQTTBadParameter;
        }
        if buffer.pBuffer.is_null() && buffer.size != 0 {
            log::error!(
                "MQTT_Init: a network buffer of {} bytes at NULL",
                buffer.size
            );
            return MQTTStatus::MQTTBadParameter;
        }
        let fresh = MQTTContext_t {
            outgoingPublishRecords: core::ptr::null_mut(),
            incomingPublishRecords: core::ptr::null_mut(),
            outgoingPublishRecordMaxCount: 0,
            incomingPublishRecordMaxCount: 0,
            transportInterface: transport,
            networkBuffer: buffer,
            // Packet identifier 0 is invalid; the first one handed out is 1.
            nextPacketId: 1,
            connectStatus: MQTTConnectionStatus::MQTTNotConnected as MQTTConnectionStatusRaw,
            getTime: getTimeFunction,
            appCallback: userCallback,
            lastPacketTxTime: 0,
            lastPacketRxTime: 0,
            controlPacketSent: false,
            index: 0,
            keepAliveIntervalSec: 0,
            pingReqSendTimeMs: 0,
            waitingForPingResp: false,
            storeFunction: None,
            retrieveFunction: None,
            clearFunction: None,
        };
        // SAFETY: checked non-NULL; the caller provides writable memory for a
        // context. `write` does not read the (possibly uninitialised) old value.
        unsafe { pContext.write(fresh) };
        MQTTStatus::MQTTSuccess
    })
}

/// Gives the context its state-record arrays for QoS 1/2
/// (`MQTT_InitStatefulQoS`). A count of 0 goes with a NULL array.
///
/// # Safety
/// Non-NULL arrays hold the given number of records and outlive the context.
#[no_mangle]
pub unsafe extern "C" fn MQTT_InitStatefulQoS(
    pContext: *mut MQTTContext_t,
    pOutgoingPublishRecords: *mut MQTTPubAckInfo_t,
    outgoingPublishCount: usize,
    pIncomingPublishRecords: *mut MQTTPubAckInfo_t,
    incomingPublishCount: usize,
) -> MQTTStatus_t {
    guard(MQTTStatus::MQTTBadParameter, || {
        // SAFETY: NULL or the application's context.
        let Some(mut ctx) = (unsafe { ctx(pContext) }) else {
            return MQTTStatus::MQTTBadParameter;
        };
        if (outgoingPublishCount == 0) != pOutgoingPublishRecords.is_null()
            || (incomingPublishCount == 0) != pIncomingPublishRecords.is_null()
        {
            log::error!("MQTT_InitStatefulQoS: each record array and its count must be both set or both empty");
            return MQTTStatus::MQTTBadParameter;
        }
        // Shared memory would make one publish's record overwrite another's.
        if arrays_overlap(
            pOutgoingPublishRecords,
            outgoingPublishCount,
            pIncomingPublishRecords,
            incomingPublishCount,
        ) {
            log::error!("MQTT_InitStatefulQoS: the outgoing and incoming record arrays overlap");
            return MQTTStatus::MQTTBadParameter;
        }
        let c = ctx.get();
        if c.appCallback.is_none() {
            log::error!("MQTT_InitStatefulQoS: call MQTT_Init first");
            return MQTTStatus::MQTTBadParameter;
        }
        c.outgoingPublishRecords = pOutgoingPublishRecords;
        c.outgoingPublishRecordMaxCount = outgoingPublishCount;
        c.incomingPublishRecords = pIncomingPublishRecords;
        c.incomingPublishRecordMaxCount = incomingPublishCount;
        MQTTStatus::MQTTSuccess
    })
}

/// Registers the callbacks that keep copies of outgoing QoS 1/2 publishes so
/// a resumed session can resend them (`MQTT_InitRetransmits`). All three are
/// required.
///
/// # Safety
/// `pContext` is NULL or an initialised context.
#[no_mangle]
pub unsafe extern "C" fn MQTT_InitRetransmits(
    pContext: *mut MQTTContext_t,
    storeFunction: MQTTStorePacketForRetransmit,
    retrieveFunction: MQTTRetrievePacketForRetransmit,
    clearFunction: MQTTClearPacketForRetransmit,
) -> MQTTStatus_t {
    guard(MQTTStatus::MQTTBadParameter, || {
        // SAFETY: NULL or the application's context.
        let Some(mut ctx) = (unsafe { ctx(pContext) }) else {
            return MQTTStatus::MQTTBadParameter;
        };
        if storeFunction.is_none() || retrieveFunction.is_none() || clearFunction.is_none() {
            log::error!("MQTT_InitRetransmits: store, retrieve and clear are all required");
            return MQTTStatus::MQTTBadParameter;
        }
        let c = ctx.get();
        c.storeFunction = storeFunction;
        c.retrieveFunction = retrieveFunction;
        c.clearFunction = clearFunction;
        MQTTStatus::MQTTSuccess
    })
}

/// The connection status as a status code (`MQTT_CheckConnectStatus`):
/// `MQTTStatusConnected`, `MQTTStatusNotConnected` or
/// `MQTTStatusDisconnectPending`; `MQTTBadParameter` for NULL or a corrupt
/// status value.
///
/// # Safety
/// `pContext` is NULL or an initialised context.
#[no_mangle]
pub unsafe extern "C" fn MQTT_CheckConnectStatus(pContext: *const MQTTContext_t) -> MQTTStatus_t {
    guard(MQTTStatus::MQTTBadParameter, || {
        // SAFETY: NULL or the application's readable context.
        let Some(c) = (unsafe { pContext.as_ref() }) else {
            return MQTTStatus::MQTTBadParameter;
        };
        match c.connectStatus {
            0 => MQTTStatus::MQTTStatusNotConnected,
            1 => MQTTStatus::MQTTStatusConnected,
            2 => MQTTStatus::MQTTStatusDisconnectPending,
            _ => MQTTStatus::MQTTBadParameter,
        }
    })
}

/// Checks the context fields the engine relies on: the clock, the transport
/// and `index` within the buffer (C code may have written any of them).
fn usable(ctx: &mut Ctx) -> bool {
    let c = ctx.get();
    let ok = c.getTime.is_some()
        && c.appCallback.is_some()
        && c.transportInterface.recv.is_some()
        && c.transportInterface.send.is_some()
        && !c.networkBuffer.pBuffer.is_null()
        && c.index <= c.networkBuffer.size
        && c.connectStatus
            <= MQTTConnectionStatus::MQTTDisconnectPending as MQTTConnectionStatusRaw;
    if !ok {
        log::error!("context not initialised by MQTT_Init, or corrupted");
    }
    ok
}

/// Connects: sends CONNECT and waits for CONNACK (`MQTT_Connect`).
///
/// `timeoutMs` bounds the wait for CONNACK; 0 polls the transport
/// `MQTT_MAX_CONNACK_RECEIVE_RETRY_COUNT` + 1 times instead. On a resumed
/// session (`*pSessionPresent` true) PUBRELs of unfinished QoS 2 publishes go
/// out again, and unacknowledged publishes too (with DUP) when
/// `MQTT_InitRetransmits` was called; otherwise all records are cleared.
/// Already connected: `MQTTStatusConnected`; disconnect pending:
/// `MQTTStatusDisconnectPending`; CONNACK refusal: `MQTTServerRefused`; no
/// CONNACK in time: `MQTTNoDataAvailable`.
///
/// # Safety
/// Non-NULL pointers must be valid; the strings they reference hold the given
/// lengths.
#[no_mangle]
pub unsafe extern "C" fn MQTT_Connect(
    pContext: *mut MQTTContext_t,
    pConnectInfo: *const MQTTConnectInfo_t,
    pWillInfo: *const MQTTPublishInfo_t,
    timeoutMs: u32,
    pSessionPresent: *mut bool,
) -> MQTTStatus_t {
    guard(MQTTStatus::MQTTBadParameter, || {
        // SAFETY: NULL or the application's context.
        let Some(mut ctx) = (unsafe { ctx(pContext) }) else {
            return MQTTStatus::MQTTBadParameter;
        };
        // SAFETY: NULL or readable structs supplied by the caller.
        let (Some(info), will) = (unsafe { (pConnectInfo.as_ref(), pWillInfo.as_ref()) }) else {
            return MQTTStatus::MQTTBadParameter;
        };
        if pSessionPresent.is_null() || !usable(&mut ctx) {
            return MQTTStatus::MQTTBadParameter;
        }
        // The serializer's reader of the same structs, straight into wire
        // form: one copy of this code in firmware that also links
        // `MQTT_SerializeConnect`. The result is used in place (by
        // reference), never moved: a move of it is a `memcpy` call, which a
        // minimal firmware would link for this alone.
        // SAFETY: the strings are the caller's, valid for the call with the
        // lengths it gives (coreMQTT's contract); NULL means absent.
        let packet = unsafe { c_connect(info, will) };
        let Some(packet) = packet.as_ref() else {
            log::error!(
                "MQTT_Connect: client identifier length and string disagree, or a will \
                 with a NULL topic or payload or an invalid QoS"
            );
            return MQTTStatus::MQTTBadParameter;
        };
        // As coreMQTT: once a CONNACK with valid flags arrived its
        // session-present bit is written, also when the connection then
        // fails (a refused CONNACK writes false).
        let mut seen = None;
        let result = connect::connect_packet(&mut ctx, packet, timeoutMs, &mut seen);
        if let Some(session_present) = seen {
            // SAFETY: checked non-NULL; a writable bool of the caller.
            unsafe { pSessionPresent.write(session_present) };
        }
        status_of(result.map(|_| ()))
    })
}

/// Sends a PUBLISH (`MQTT_Publish`); QoS 1/2 completion arrives through the
/// event callback from `MQTT_ProcessLoop`.
///
/// # Safety
/// Non-NULL pointers must be valid; topic and payload hold the given lengths.
#[no_mangle]
pub unsafe extern "C" fn MQTT_Publish(
    pContext: *mut MQTTContext_t,
    pPublishInfo: *const MQTTPublishInfo_t,
    packetId: u16,
) -> MQTTStatus_t {
    guard(MQTTStatus::MQTTBadParameter, || {
        // SAFETY: NULL or the application's context.
        let Some(mut ctx) = (unsafe { ctx(pContext) }) else {
            return MQTTStatus::MQTTBadParameter;
        };
        // SAFETY: NULL or a readable struct supplied by the caller.
        let Some(info) = (unsafe { pPublishInfo.as_ref() }) else {
            return MQTTStatus::MQTTBadParameter;
        };
        if !usable(&mut ctx) {
            return MQTTStatus::MQTTBadParameter;
        }
        // A PUBLISH's C struct is the will's: the same reader (one copy of
        // the checks in firmware), used in place.
        // SAFETY: the caller's topic and payload, valid for the call.
        let read = unsafe { c_will(info) };
        let Some(w) = read.as_ref() else {
            log::error!(
                "MQTT_Publish: NULL topic or payload with a non-zero length, or invalid QoS"
            );
            return MQTTStatus::MQTTBadParameter;
        };
        let p = Publish {
            qos: w.qos,
            retain: w.retain,
            dup: info.dup,
            topic: w.topic,
            payload: w.payload,
        };
        status_of(publish::publish(&mut ctx, &p, packetId))
    })
}

/// SUBSCRIBE and UNSUBSCRIBE share their checks and their vector batching.
///
/// # Safety
/// As for `MQTT_Subscribe`.
unsafe fn sub_unsub(
    pContext: *mut MQTTContext_t,
    list: *const MQTTSubscribeInfo_t,
    count: usize,
    packetId: u16,
    kind: SubscriptionKind,
) -> MQTTStatus {
    // SAFETY: NULL or the application's context.
    let Some(mut ctx) = (unsafe { ctx(pContext) }) else {
        return MQTTStatus::MQTTBadParameter;
    };
    // SAFETY: the caller's list of `count` entries (NULL and empty refused).
    let list = unsafe { c_subscription_list(list, count) };
    let (Some(list), true) = (list, usable(&mut ctx)) else {
        log::error!("{kind:?}: NULL or empty subscription list");
        return MQTTStatus::MQTTBadParameter;
    };
    // SAFETY: the filters are valid for their lengths (caller contract). The
    // same reader as the serializer functions': a NULL filter or (SUBSCRIBE)
    // an invalid QoS is `None`, which the engine's check refuses.
    let filter = unsafe { c_subscription_reader(list, kind) };
    status_of(subscribe::send(
        &mut ctx,
        kind,
        list.len(),
        &filter,
        packetId,
    ))
}

/// Sends a SUBSCRIBE for `subscriptionCount` filters (`MQTT_Subscribe`); the
/// SUBACK arrives through the event callback.
///
/// # Safety
/// Non-NULL pointers must be valid; the list has `subscriptionCount` entries.
#[no_mangle]
pub unsafe extern "C" fn MQTT_Subscribe(
    pContext: *mut MQTTContext_t,
    pSubscriptionList: *const MQTTSubscribeInfo_t,
    subscriptionCount: usize,
    packetId: u16,
) -> MQTTStatus_t {
    guard(MQTTStatus::MQTTBadParameter, || {
        // SAFETY: forwarded contract.
        unsafe {
            sub_unsub(
                pContext,
                pSubscriptionList,
                subscriptionCount,
                packetId,
                SubscriptionKind::Subscribe,
            )
        }
    })
}

/// Sends an UNSUBSCRIBE for `unsubscriptionCount` filters
/// (`MQTT_Unsubscribe`); the UNSUBACK arrives through the event callback.
///
/// # Safety
/// Non-NULL pointers must be valid; the list has `unsubscriptionCount` entries.
#[no_mangle]
pub unsafe extern "C" fn MQTT_Unsubscribe(
    pContext: *mut MQTTContext_t,
    pSubscriptionList: *const MQTTSubscribeInfo_t,
    unsubscriptionCount: usize,
    packetId: u16,
) -> MQTTStatus_t {
    guard(MQTTStatus::MQTTBadParameter, || {
        // SAFETY: forwarded contract.
        unsafe {
            sub_unsub(
                pContext,
                pSubscriptionList,
                unsubscriptionCount,
                packetId,
                SubscriptionKind::Unsubscribe,
            )
        }
    })
}

/// Forgets the outgoing record of `packetId`, so no completion is reported
/// for it (`MQTT_CancelCallback`). `MQTTBadParameter` when there is no such
/// record or no outgoing records at all.
///
/// # Safety
/// `pContext` is NULL or an initialised context.
#[no_mangle]
pub unsafe extern "C" fn MQTT_CancelCallback(
    pContext: *const MQTTContext_t,
    packetId: u16,
) -> MQTTStatus_t {
    guard(MQTTStatus::MQTTBadParameter, || {
        // SAFETY: NULL or the application's context. It is `const` in the C
        // signature, so it is only read; the records it points to are written.
        let Some(c) = (unsafe { pContext.as_ref() }) else {
            return MQTTStatus::MQTTBadParameter;
        };
        let (out, out_len) = (c.outgoingPublishRecords, c.outgoingPublishRecordMaxCount);
        if out.is_null() || out_len == 0 {
            log::error!("MQTT_CancelCallback: no outgoing records (MQTT_InitStatefulQoS)");
            return MQTTStatus::MQTTBadParameter;
        }
        if !crate::ffi::fits_slice::<MQTTPubAckInfo_t>(out_len) {
            log::error!("MQTT_CancelCallback: outgoing record count {out_len} is corrupted");
            return MQTTStatus::MQTTBadParameter;
        }
        // SAFETY: the array and count `MQTT_InitStatefulQoS` stored; only the
        // outgoing array is borrowed, so nothing aliases it.
        let outgoing = unsafe { core::slice::from_raw_parts_mut(out, out_len) };
        status_of(
            StateRecords {
                outgoing,
                incoming: &mut [],
            }
            .remove_outgoing(packetId),
        )
    })
}

/// Sends a PINGREQ (`MQTT_Ping`).
///
/// # Safety
/// `pContext` is NULL or an initialised context.
#[no_mangle]
pub unsafe extern "C" fn MQTT_Ping(pContext: *mut MQTTContext_t) -> MQTTStatus_t {
    guard(MQTTStatus::MQTTBadParameter, || {
        // SAFETY: NULL or the application's context.
        let Some(mut ctx) = (unsafe { ctx(pContext) }) else {
            return MQTTStatus::MQTTBadParameter;
        };
        if !usable(&mut ctx) {
            return MQTTStatus::MQTTBadParameter;
        }
        status_of(keepalive::ping(&mut ctx))
    })
}

/// Sends DISCONNECT and marks the context not connected (`MQTT_Disconnect`).
/// With a disconnect pending nothing is sent and the call succeeds.
///
/// # Safety
/// `pContext` is NULL or an initialised context.
#[no_mangle]
pub unsafe extern "C" fn MQTT_Disconnect(pContext: *mut MQTTContext_t) -> MQTTStatus_t {
    guard(MQTTStatus::MQTTBadParameter, || {
        // SAFETY: NULL or the application's context.
        let Some(mut ctx) = (unsafe { ctx(pContext) }) else {
            return MQTTStatus::MQTTBadParameter;
        };
        if !usable(&mut ctx) {
            return MQTTStatus::MQTTBadParameter;
        }
        status_of(connect::disconnect(&mut ctx))
    })
}

fn run_loop(pContext: *mut MQTTContext_t, manage_keep_alive: bool) -> MQTTStatus {
    // SAFETY: the exported callers pass the application's context or NULL.
    let Some(mut ctx) = (unsafe { ctx(pContext) }) else {
        return MQTTStatus::MQTTBadParameter;
    };
    if !usable(&mut ctx) {
        return MQTTStatus::MQTTBadParameter;
    }
    match process::run(&mut ctx, manage_keep_alive) {
        // Only part of a packet: coreMQTT's "call again".
        Ok(process::Progress::Partial) => MQTTStatus::MQTTNeedMoreBytes,
        Ok(process::Progress::Idle | process::Progress::Handled) => MQTTStatus::MQTTSuccess,
        Err(e) => e.into(),
    }
}

/// Receives and handles at most one packet, and keeps the connection alive
/// (`MQTT_ProcessLoop`). `MQTTNeedMoreBytes` when only part of a packet has
/// arrived (call again); see `engine::process` for the full contract.
///
/// # Safety
/// `pContext` is NULL or an initialised context.
#[no_mangle]
pub unsafe extern "C" fn MQTT_ProcessLoop(pContext: *mut MQTTContext_t) -> MQTTStatus_t {
    guard(MQTTStatus::MQTTBadParameter, || run_loop(pContext, true))
}

/// Like `MQTT_ProcessLoop` without keep-alive: PINGRESPs reach the event
/// callback and no PINGREQ is sent (`MQTT_ReceiveLoop`).
///
/// # Safety
/// `pContext` is NULL or an initialised context.
#[no_mangle]
pub unsafe extern "C" fn MQTT_ReceiveLoop(pContext: *mut MQTTContext_t) -> MQTTStatus_t {
    guard(MQTTStatus::MQTTBadParameter, || run_loop(pContext, false))
}

/// Hands out the next packet identifier, never 0 (`MQTT_GetPacketId`);
/// returns 0 for a NULL context.
///
/// # Safety
/// `pContext` is NULL or an initialised context.
#[no_mangle]
pub unsafe extern "C" fn MQTT_GetPacketId(pContext: *mut MQTTContext_t) -> u16 {
    guard(0, || {
        // SAFETY: NULL or the application's context.
        let Some(mut ctx) = (unsafe { ctx(pContext) }) else {
            return 0;
        };
        crate::engine::next_packet_id(&mut ctx)
    })
}
