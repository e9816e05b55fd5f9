//! Property test of the receive path: whatever bytes a broker sends, in
//! whatever pieces, `MQTT_ProcessLoop` returns one of its documented statuses,
//! never panics (a panic would be caught by the guard at the C boundary, so
//! a panic hook records it), keeps `index` within the buffer and hands the
//! callback pointers that lie inside the network buffer.

mod coremqtt_support;

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, Ordering};

use proptest::prelude::*;
use rsmqtt::coremqtt::api::*;
use rsmqtt::coremqtt::context::{MQTTContext_t, MQTTDeserializedInfo_t, MQTTPubAckInfo_t};
use rsmqtt::coremqtt::serializer_types::{
    MQTTConnectInfo_t, MQTTFixedBuffer_t, MQTTPacketInfo_t, MQTTStatus,
};
use rsmqtt::coremqtt::transport_interface::{NetworkContext_t, TransportInterface_t};

static PANICKED: AtomicBool = AtomicBool::new(false);
static HOOK: std::sync::Once = std::sync::Once::new();

/// An in-memory transport: the broker's bytes, handed out in pieces of at
/// most `chunk` bytes; what the client sends is kept.
struct Mem {
    input: Vec<u8>,
    pos: usize,
    chunk: usize,
    sent: Vec<u8>,
}

unsafe extern "C" fn mem_recv(
    ctx: *mut NetworkContext_t,
    buf: *mut core::ffi::c_void,
    len: usize,
) -> i32 {
    let mem = unsafe { &mut *ctx.cast::<Mem>() };
    let n = len.min(mem.chunk).min(mem.input.len() - mem.pos);
    unsafe { std::ptr::copy_nonoverlapping(mem.input[mem.pos..].as_ptr(), buf.cast::<u8>(), n) };
    mem.pos += n;
    n as i32
}

unsafe extern "C" fn mem_send(
    ctx: *mut NetworkContext_t,
    buf: *const core::ffi::c_void,
    len: usize,
) -> i32 {
    let mem = unsafe { &mut *ctx.cast::<Mem>() };
    mem.sent
        .extend_from_slice(unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), len) });
    len as i32
}

thread_local! {
    static BUFFER_RANGE: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
    static BAD_POINTER: Cell<bool> = const { Cell::new(false) };
    static SEEN: RefCell<usize> = const { RefCell::new(0) };
}

unsafe extern "C" fn check_event(
    _: *mut MQTTContext_t,
    packet: *mut MQTTPacketInfo_t,
    info: *mut MQTTDeserializedInfo_t,
) {
    let (start, end) = BUFFER_RANGE.with(Cell::get);
    let inside = |p: usize, len: usize| p >= start && p.checked_add(len).is_some_and(|e| e <= end);
    let packet = unsafe { &*packet };
    if !inside(packet.pRemainingData as usize, packet.remainingLength) {
        BAD_POINTER.with(|b| b.set(true));
    }
    if let Some(p) = unsafe { (*info).pPublishInfo.as_ref() } {
        if !inside(p.pTopicName as usize, usize::from(p.topicNameLength))
            || !inside(p.pPayload as usize, p.payloadLength)
        {
            BAD_POINTER.with(|b| b.set(true));
        }
    }
    SEEN.with(|s| *s.borrow_mut() += 1);
}

/// A packet a broker might send: a valid-looking one with random fields, or
/// random bytes.
fn packet() -> impl Strategy<Value = Vec<u8>> {
    let publish = (
        0u8..16,
        "[a-z/+#]{0,12}",
        any::<u16>(),
        prop::collection::vec(any::<u8>(), 0..80),
    )
        .prop_map(|(flags, topic, id, payload)| {
            let mut body = (topic.len() as u16).to_be_bytes().to_vec();
            body.extend_from_slice(topic.as_bytes());
            if flags & 0x06 != 0 {
                body.extend_from_slice(&id.to_be_bytes());
            }
            body.extend(payload);
            let mut v = vec![0x30 | flags, body.len() as u8];
            if body.len() > 127 {
                v = vec![
                    0x30 | flags,
                    0x80 | (body.len() % 128) as u8,
                    (body.len() / 128) as u8,
                ];
            }
            v.extend(body);
            v
        });
    let ack = (
        prop::sample::select(vec![
            0x40u8, 0x50, 0x62, 0x70, 0x90, 0xB0, 0xD0, 0x20, 0x60, 0xE0,
        ]),
        0u16..6,
    )
        .prop_flat_map(|(t, _)| (Just(t), prop::collection::vec(any::<u8>(), 0..5)))
        .prop_map(|(t, body)| {
            let mut v = vec![t, body.len() as u8];
            v.extend(body);
            v
        });
    prop_oneof![publish, ack, prop::collection::vec(any::<u8>(), 0..40)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn process_loop_survives_any_byte_stream(
        packets in prop::collection::vec(packet(), 0..12),
        chunk in 1usize..40,
        buffer_size in 8usize..200,
    ) {
        HOOK.call_once(|| {
            let default = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                PANICKED.store(true, Ordering::SeqCst);
                default(info);
            }));
        });
        // Time passes on every clock read, so every wait ends.
        coremqtt_support::AUTO_ADVANCE.with(|a| a.set(250));
        let mut input = vec![0x20, 2, 0, 0];
        for p in &packets {
            input.extend_from_slice(p);
        }
        let mut mem = Box::new(Mem { input, pos: 0, chunk, sent: Vec::new() });
        let mut buffer = vec![0u8; buffer_size];
        BUFFER_RANGE.with(|r| r.set((buffer.as_ptr() as usize, buffer.as_ptr() as usize + buffer.len())));
        let free = MQTTPubAckInfo_t { packetId: 0, qos: 0, publishState: 0 };
        let (mut out, mut inc) = ([free; 3], [free; 3]);
        let mut ctx: Box<MQTTContext_t> = Box::new(unsafe { std::mem::zeroed() });
        let transport = TransportInterface_t {
            recv: Some(mem_recv),
            send: Some(mem_send),
            writev: None,
            pNetworkContext: (&mut *mem as *mut Mem).cast(),
        };
        let fixed = MQTTFixedBuffer_t { pBuffer: buffer.as_mut_ptr(), size: buffer.len() };
        let c: *mut MQTTContext_t = &mut *ctx;
        let id = "fuzz";
        let info = MQTTConnectInfo_t {
            cleanSession: true,
            keepAliveSeconds: 0,
            pClientIdentifier: id.as_ptr().cast(),
            clientIdentifierLength: 4,
            pUserName: std::ptr::null(),
            userNameLength: 0,
            pPassword: std::ptr::null(),
            passwordLength: 0,
        };
        let mut present = false;
        unsafe {
            prop_assert_eq!(MQTT_Init(c, &transport, Some(coremqtt_support::fake_time), Some(check_event), &fixed), MQTTStatus::MQTTSuccess);
            prop_assert_eq!(MQTT_InitStatefulQoS(c, out.as_mut_ptr(), 3, inc.as_mut_ptr(), 3), MQTTStatus::MQTTSuccess);
            prop_assert_eq!(MQTT_Connect(c, &info, std::ptr::null(), 0, &mut present), MQTTStatus::MQTTSuccess);
            for _ in 0..200 {
                let status = MQTT_ProcessLoop(c);
                prop_assert!(matches!(
                    status,
                    MQTTStatus::MQTTSuccess
                        | MQTTStatus::MQTTNeedMoreBytes
                        | MQTTStatus::MQTTBadResponse
                        | MQTTStatus::MQTTNoMemory
                        | MQTTStatus::MQTTRecvFailed
                        | MQTTStatus::MQTTIllegalState
                        | MQTTStatus::MQTTBadParameter
                        | MQTTStatus::MQTTStateCollision
                ), "unexpected {:?}", status);
                prop_assert!((*c).index <= buffer_size);
                if status == MQTTStatus::MQTTBadResponse {
                    // The stream is garbage from here on; an application disconnects.
                    break;
                }
            }
        }
        prop_assert!(!PANICKED.load(Ordering::SeqCst), "a panic was caught at the C boundary");
        prop_assert!(!BAD_POINTER.with(Cell::get), "callback got a pointer outside the network buffer");
        // CONNECT (18 bytes) plus whole 4-byte acknowledgements.
        prop_assert_eq!((mem.sent.len() - 18) % 4, 0);
        for o in out.iter().chain(inc.iter()) {
            prop_assert!(o.publishState <= 10);
        }
    }
}
