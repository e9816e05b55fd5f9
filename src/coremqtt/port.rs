//! The coreMQTT face's [`Port`]: the engine's session lives in the
//! application's `MQTTContext_t`, and its transport, clock and callbacks are
//! the C functions the application registered.
//!
//! The engine never holds a Rust reference to the `MQTTContext_t` across a
//! call into C. The event callback receives the context pointer and may call
//! back into the library (coreMQTT allows `MQTT_Publish` from the callback),
//! so every access goes through [`Ctx`], which hands out short-lived borrows
//! tied to `&mut self`: the borrow checker then guarantees no borrow of the
//! context, its records or its network buffer is alive while C runs.

use core::ffi::c_void;
use core::ptr::NonNull;

use crate::coremqtt::context::{MQTTContext, MQTTDeserializedInfo, MQTTPubAckInfo_t, MQTTVec};
use crate::coremqtt::serializer_types::{MQTTPacketInfo, MQTTPublishInfo, MQTTQoSRaw, MQTTStatus};
use crate::coremqtt::transport_interface::TransportOutVector;
use crate::engine::config::SUB_UNSUB_VECTORS_CAP;
use crate::engine::process::mqtt_qos;
use crate::engine::records::StateRecords;
use crate::engine::{Event, Port, Session};

/// A validated pointer to the application's `MQTTContext_t`.
pub(crate) struct Ctx {
    ptr: NonNull<MQTTContext>,
}

impl Ctx {
    /// Wraps the application's context pointer.
    ///
    /// # Safety
    /// `ptr` must point to a valid, initialised `MQTTContext_t` that nothing
    /// else accesses for the duration of the API call, except the application's
    /// own callbacks invoked through this `Ctx`. Its record and buffer pointers
    /// must be valid for the sizes stored next to them (the coreMQTT contract
    /// for `MQTT_Init` and `MQTT_InitStatefulQoS`).
    pub(crate) unsafe fn new(ptr: NonNull<MQTTContext>) -> Self {
        Ctx { ptr }
    }

    /// The pointer handed to C callbacks.
    pub(crate) fn raw(&self) -> *mut MQTTContext {
        self.ptr.as_ptr()
    }

    /// A short-lived view of the context's fields.
    pub(crate) fn get(&mut self) -> &mut MQTTContext {
        // SAFETY: `new`'s contract makes the pointer valid and exclusive for the
        // call; the borrow is tied to `&mut self`, so it ends before any other
        // method of `Ctx` (and thus before any call into C).
        unsafe { self.ptr.as_mut() }
    }

    fn recv_raw(&mut self, dst: *mut c_void, len: usize) -> i32 {
        let transport = self.get().transportInterface;
        let Some(recv) = transport.recv else {
            return -1;
        };
        // SAFETY: the application's receive function with its own network
        // context; `dst` is valid for `len` writable bytes (checked by callers).
        let got = unsafe { recv(transport.pNetworkContext, dst, len) };
        if got > 0 && got as usize > len {
            log::error!("transport recv returned {got} bytes for a {len}-byte request");
            return -1;
        }
        got
    }
}

impl Port for Ctx {
    fn session(&mut self) -> Session<'_> {
        let c = self.get();
        Session {
            next_packet_id: &mut c.nextPacketId,
            link: &mut c.connectStatus,
            last_tx: &mut c.lastPacketTxTime,
            last_rx: &mut c.lastPacketRxTime,
            control_sent: &mut c.controlPacketSent,
            held: &mut c.index,
            keep_alive_s: &mut c.keepAliveIntervalSec,
            ping_sent: &mut c.pingReqSendTimeMs,
            waiting_ping: &mut c.waitingForPingResp,
        }
    }

    /// The current time from the application's clock; 0 without a clock
    /// (the API layer refuses to run without one).
    fn now(&mut self) -> u32 {
        match self.get().getTime {
            // SAFETY: a clock function the application registered with
            // `MQTT_Init`; it takes no arguments.
            Some(clock) => unsafe { clock() },
            None => 0,
        }
    }

    /// The network buffer, or an empty slice when there is none.
    fn buffer(&mut self) -> &mut [u8] {
        let buf = self.get().networkBuffer;
        if buf.pBuffer.is_null() || buf.size == 0 || !crate::ffi::fits_slice::<u8>(buf.size) {
            return &mut [];
        }
        // SAFETY: `MQTT_Init` stored the application's buffer of `size` bytes;
        // the borrow ends before the next call into C (see `get`).
        unsafe { core::slice::from_raw_parts_mut(buf.pBuffer, buf.size) }
    }

    /// Both record arrays, for the state machine in `state.rs`. Arrays that
    /// overlap (which `MQTT_InitStatefulQoS` refuses, but C may write the
    /// fields directly) would alias, so then the incoming side is left empty.
    fn records(&mut self) -> StateRecords<'_> {
        let ctx = self.get();
        let (out_ptr, out_len) = (
            ctx.outgoingPublishRecords,
            ctx.outgoingPublishRecordMaxCount,
        );
        let (in_ptr, in_len) = (
            ctx.incomingPublishRecords,
            ctx.incomingPublishRecordMaxCount,
        );
        let overlap = arrays_overlap(out_ptr, out_len, in_ptr, in_len);
        // SAFETY: the context's own pointers and counts (see `records`); the
        // two slices are disjoint because overlapping arrays are not formed.
        unsafe {
            StateRecords {
                outgoing: records(out_ptr, out_len),
                incoming: if overlap {
                    &mut []
                } else {
                    records(in_ptr, in_len)
                },
            }
        }
    }

    /// One record array without looking at the other: a single slice cannot
    /// alias, so no overlap check is needed (`records` needs one). With this
    /// the engine never calls `records`, and firmware links neither it nor
    /// `arrays_overlap` unless `MQTT_InitStatefulQoS` is used.
    ///
    /// Through `state::record_array`, the coreMQTT state functions' borrow of
    /// one array, so that an image with both carries one copy (40 bytes less
    /// on a Cortex-M4 for the whole API, 8 more for an image without the
    /// state functions). Its refusals (a NULL array with a count, a count no
    /// slice can hold) are an empty array here, as before.
    fn record_array(&mut self, outgoing: bool) -> &mut [MQTTPubAckInfo_t] {
        // SAFETY: the context's own pointer and count, which `new`'s
        // contract makes valid; the borrow is tied to `&mut self`.
        unsafe { crate::coremqtt::state::record_array(self.get(), outgoing) }.unwrap_or_default()
    }

    /// Receives into `network buffer[offset .. offset + len]`; a transport
    /// returning more than asked is reported as an error (-1).
    fn recv_into_buffer(&mut self, offset: usize, len: usize) -> i32 {
        let buf = self.get().networkBuffer;
        let fits = offset.checked_add(len).is_some_and(|end| end <= buf.size);
        if buf.pBuffer.is_null() || !fits || len == 0 {
            return 0;
        }
        // SAFETY: `offset + len <= size` was checked above, so the pointer stays
        // inside the application's buffer.
        let dst = unsafe { buf.pBuffer.add(offset) };
        self.recv_raw(dst.cast(), len)
    }

    /// Receives into a local buffer of the engine.
    fn recv_into(&mut self, dst: &mut [u8]) -> i32 {
        if dst.is_empty() {
            return 0;
        }
        self.recv_raw(dst.as_mut_ptr().cast(), dst.len())
    }

    /// Sends what `parts` hold with one transport call: `writev` over all of
    /// them when the application provided it, else `send` of the first
    /// non-empty part.
    ///
    /// Inlined into the send loop; the `writev` path, with its vector arrays
    /// on the stack, stays a separate function so that the plain `send` path
    /// needs no large frame (fewer instructions per call).
    #[inline]
    fn send_once(&mut self, parts: &[&[u8]]) -> i32 {
        let transport = self.get().transportInterface;
        if transport.writev.is_some() {
            return writev_all(&transport, parts);
        }
        let Some(first) = parts.iter().find(|p| !p.is_empty()) else {
            return 0;
        };
        let Some(send) = transport.send else {
            return -1;
        };
        // SAFETY: the application's send with its own context; the pointer
        // and length describe a live slice.
        let sent = unsafe {
            send(
                transport.pNetworkContext,
                first.as_ptr().cast(),
                first.len(),
            )
        };
        if sent > 0 && sent.unsigned_abs() as usize > first.len() {
            log::error!(
                "transport send reported {sent} bytes for a {}-byte request",
                first.len()
            );
            return -1;
        }
        sent
    }

    /// Calls the application's event callback with the packet's
    /// `MQTTPacketInfo_t` and `MQTTDeserializedInfo_t`, built from positions
    /// in the network buffer so that no Rust borrow of it is alive while C
    /// runs.
    fn deliver(&mut self, event: &Event) {
        let Some(cb) = self.get().appCallback else {
            return;
        };
        let base = self.get().networkBuffer.pBuffer;
        let body = base.wrapping_add(event.frame.header_len);
        let mut packet = MQTTPacketInfo {
            r#type: event.frame.first_byte,
            pRemainingData: body,
            remainingLength: event.frame.remaining_len,
            headerLength: event.frame.header_len,
        };
        let mut publish = event.publish.as_ref().map(|p| MQTTPublishInfo {
            qos: mqtt_qos(p.qos) as MQTTQoSRaw,
            retain: p.retain,
            dup: p.dup,
            pTopicName: base.wrapping_add(p.topic.start).cast_const().cast(),
            // `wire` bounds a topic by its two-byte length prefix. The
            // engine builds each range as start..start + length (wrapping),
            // so the wrapping difference is that length: no check for a
            // backwards range as `len` has.
            topicNameLength: p.topic.end.wrapping_sub(p.topic.start) as u16,
            pPayload: base.wrapping_add(p.payload.start).cast_const().cast(),
            payloadLength: p.payload.end.wrapping_sub(p.payload.start),
        });
        let mut info = MQTTDeserializedInfo {
            packetIdentifier: event.packet_id,
            pPublishInfo: publish
                .as_mut()
                .map_or(core::ptr::null_mut(), |p| p as *mut MQTTPublishInfo),
            deserializationResult: if event.refused {
                MQTTStatus::MQTTServerRefused
            } else {
                MQTTStatus::MQTTSuccess
            },
        };
        let ctx = self.raw();
        // SAFETY: the callback registered with `MQTT_Init`, called with the
        // application's own context and structs living on our stack, whose
        // pointers lie inside the network buffer (positions `wire` checked
        // against the received packet). No Rust borrow of the context is
        // alive (all are tied to `&mut self`).
        unsafe { cb(ctx, &mut packet, &mut info) }
    }

    /// Offers an outgoing publish to the store callback; `None` without one.
    fn store(&mut self, packet_id: u16, parts: &[&[u8]]) -> Option<bool> {
        let store = self.get().storeFunction?;
        // A PUBLISH, the one packet stored, is four vectors: an array of
        // exactly that many is cleared in a few stores (no loop).
        let mut vectors = [EMPTY_VECTOR; PUBLISH_VECTORS];
        for (vector, part) in vectors.iter_mut().zip(parts) {
            *vector = TransportOutVector {
                iov_base: part.as_ptr().cast(),
                iov_len: part.len(),
            };
        }
        let mut vec = MQTTVec {
            pVector: vectors.as_mut_ptr(),
            vectorLen: parts.len().min(PUBLISH_VECTORS),
        };
        let ctx = self.raw();
        // SAFETY: the application's store callback; `vec` and the vectors it
        // points to live on our stack for the whole call and describe live
        // slices.
        Some(unsafe { store(ctx, packet_id, &mut vec) })
    }

    type Stored = CStored;

    /// Asks the retrieve callback for a stored publish; `None` without a
    /// callback, when it fails, or for fewer than two bytes.
    fn retrieve(&mut self, packet_id: u16) -> Option<CStored> {
        let retrieve = self.get().retrieveFunction?;
        let mut data: *mut u8 = core::ptr::null_mut();
        let mut len: usize = 0;
        let ctx = self.raw();
        // SAFETY: the application's retrieve callback with two out-pointers to
        // our locals.
        let ok = unsafe { retrieve(ctx, packet_id, &mut data, &mut len) };
        if !ok || data.is_null() || len < 2 || !crate::ffi::fits_slice::<u8>(len) {
            return None;
        }
        Some(CStored { data, len })
    }

    /// Tells the clear callback a stored publish is no longer needed.
    fn clear(&mut self, packet_id: u16) {
        if let Some(clear) = self.get().clearFunction {
            let ctx = self.raw();
            // SAFETY: the application's clear callback with its own context.
            unsafe { clear(ctx, packet_id) }
        }
    }

    /// Whether the retransmit callbacks are registered.
    fn has_retransmit(&mut self) -> bool {
        self.get().retrieveFunction.is_some()
    }
}

/// Vectors on the stack for most packets (a CONNECT has 11, a PUBLISH 4),
/// in the non-size builds' `writev_all`.
#[cfg(not(rsmqtt_small))]
const SMALL_VECTORS: usize = 11;

/// A PUBLISH's vectors: fixed header, topic, packet identifier, payload.
const PUBLISH_VECTORS: usize = 4;

const EMPTY_VECTOR: TransportOutVector = TransportOutVector {
    iov_base: core::ptr::null(),
    iov_len: 0,
};

/// One `writev` call over `parts`, with the vectors for C on the stack: a
/// CONNECT needs 11, a SUBSCRIBE batch at most `SUB_UNSUB_VECTORS_CAP`.
///
/// Built for size (`cfg(rsmqtt_small)`, see build.rs) one array of the
/// larger size serves every packet (one code path, ~60 bytes less on a
/// Cortex-M4); other builds give the common small packets a small array to
/// clear (fewer instructions per message).
#[cfg(rsmqtt_small)]
#[inline(never)]
fn writev_all(
    transport: &crate::coremqtt::transport_interface::TransportInterface_t,
    parts: &[&[u8]],
) -> i32 {
    let mut iov = [EMPTY_VECTOR; SUB_UNSUB_VECTORS_CAP];
    writev_parts(transport, parts, &mut iov)
}

/// See the size build's version.
#[cfg(not(rsmqtt_small))]
#[inline(never)]
fn writev_all(
    transport: &crate::coremqtt::transport_interface::TransportInterface_t,
    parts: &[&[u8]],
) -> i32 {
    if parts.len() <= SMALL_VECTORS {
        let mut iov = [EMPTY_VECTOR; SMALL_VECTORS];
        return writev_parts(transport, parts, &mut iov);
    }
    let mut iov = [EMPTY_VECTOR; SUB_UNSUB_VECTORS_CAP];
    writev_parts(transport, parts, &mut iov)
}

fn writev_parts(
    transport: &crate::coremqtt::transport_interface::TransportInterface_t,
    parts: &[&[u8]],
    iov: &mut [TransportOutVector],
) -> i32 {
    let Some(writev) = transport.writev else {
        return -1;
    };
    for (vector, part) in iov.iter_mut().zip(parts) {
        *vector = TransportOutVector {
            iov_base: part.as_ptr().cast(),
            iov_len: part.len(),
        };
    }
    let count = parts.len().min(iov.len());
    // SAFETY: the application's writev with its own context; the first
    // `count` vectors describe live slices for the whole call.
    unsafe { writev(transport.pNetworkContext, iov.as_mut_ptr(), count) }
}

/// A publish the retrieve callback gave back: the application's memory,
/// valid (the coreMQTT contract) until the clear callback releases it.
pub(crate) struct CStored {
    data: *mut u8,
    len: usize,
}

impl AsRef<[u8]> for CStored {
    fn as_ref(&self) -> &[u8] {
        // SAFETY: `retrieve` checked the pointer non-NULL; the application
        // keeps `len` bytes there until it is told to clear them, which the
        // engine does only after it stopped using this value.
        unsafe { core::slice::from_raw_parts(self.data, self.len) }
    }
}

/// A record array from the context's pointer and count.
///
/// # Safety
/// `ptr`/`len` must come from the context (set by `MQTT_InitStatefulQoS`),
/// and the caller must bind the result to a `&mut Ctx` borrow.
unsafe fn records<'a>(ptr: *mut MQTTPubAckInfo_t, len: usize) -> &'a mut [MQTTPubAckInfo_t] {
    if ptr.is_null() || len == 0 || !crate::ffi::fits_slice::<MQTTPubAckInfo_t>(len) {
        return &mut [];
    }
    // SAFETY: `MQTT_InitStatefulQoS` stored the application's array with its
    // length; callers bind the lifetime to a `&mut Ctx` borrow.
    unsafe { core::slice::from_raw_parts_mut(ptr, len) }
}

/// Whether two record arrays share memory.
pub(crate) fn arrays_overlap(
    a: *const MQTTPubAckInfo_t,
    a_len: usize,
    b: *const MQTTPubAckInfo_t,
    b_len: usize,
) -> bool {
    if a.is_null() || b.is_null() || a_len == 0 || b_len == 0 {
        return false;
    }
    let size = core::mem::size_of::<MQTTPubAckInfo_t>();
    let (a0, b0) = (a as usize, b as usize);
    let a1 = a0.saturating_add(a_len.saturating_mul(size));
    let b1 = b0.saturating_add(b_len.saturating_mul(size));
    a0 < b1 && b0 < a1
}
