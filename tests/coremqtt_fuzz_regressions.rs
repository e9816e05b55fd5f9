//! Inputs the cargo-fuzz targets in `fuzz/` found, replayed through the
//! exported C API with the same kind of in-memory transport and clock the
//! targets use. Each test names the target and what went wrong.

use std::cell::Cell;
use std::sync::Mutex;

use rsmqtt::coremqtt::api::*;
use rsmqtt::coremqtt::context::{MQTTContext_t, MQTTDeserializedInfo_t, MQTTPubAckInfo_t};
use rsmqtt::coremqtt::serializer_types::{
    MQTTConnectInfo_t, MQTTFixedBuffer_t, MQTTPacketInfo_t, MQTTStatus, MQTTSubscribeInfo_t,
};
use rsmqtt::coremqtt::transport_interface::{NetworkContext_t, TransportInterface_t};
use rsmqtt::wire::{self, Packet};

/// The configuration macros are process-wide: tests that change them run one
/// at a time and put the defaults back.
static CONFIG: Mutex<()> = Mutex::new(());

thread_local! {
    static NOW: Cell<u32> = const { Cell::new(1000) };
    static STEP: Cell<u32> = const { Cell::new(0) };
}

extern "C" fn clock() -> u32 {
    NOW.with(|n| {
        n.set(n.get().wrapping_add(STEP.with(Cell::get)));
        n.get()
    })
}

/// The broker's bytes, handed out at most `chunk` per call; what the client
/// sends is kept.
struct Mem {
    rx: Vec<u8>,
    pos: usize,
    chunk: usize,
    sent: Vec<u8>,
    /// Bytes send still takes; afterwards it returns 0 (a stalled link).
    send_allowance: usize,
}

unsafe extern "C" fn mem_recv(
    ctx: *mut NetworkContext_t,
    buf: *mut core::ffi::c_void,
    len: usize,
) -> i32 {
    let mem = unsafe { &mut *ctx.cast::<Mem>() };
    let n = len.min(mem.chunk).min(mem.rx.len() - mem.pos);
    unsafe { std::ptr::copy_nonoverlapping(mem.rx[mem.pos..].as_ptr(), buf.cast::<u8>(), n) };
    mem.pos += n;
    n as i32
}

unsafe extern "C" fn mem_send(
    ctx: *mut NetworkContext_t,
    buf: *const core::ffi::c_void,
    len: usize,
) -> i32 {
    let mem = unsafe { &mut *ctx.cast::<Mem>() };
    let take = len.min(mem.send_allowance);
    mem.send_allowance -= take;
    mem.sent
        .extend_from_slice(unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), take) });
    take as i32
}

unsafe extern "C" fn ignore_event(
    _: *mut MQTTContext_t,
    _: *mut MQTTPacketInfo_t,
    _: *mut MQTTDeserializedInfo_t,
) {
}

/// A context over [`Mem`] as firmware sets it up.
struct Client {
    ctx: Box<MQTTContext_t>,
    mem: Box<Mem>,
    _buffer: Vec<u8>,
    _outgoing: Vec<MQTTPubAckInfo_t>,
    _incoming: Vec<MQTTPubAckInfo_t>,
}

const FREE: MQTTPubAckInfo_t = MQTTPubAckInfo_t {
    packetId: 0,
    qos: 0,
    publishState: 0,
};

impl Client {
    fn new(rx: &[u8], buffer_size: usize, records: usize) -> Client {
        let mut c = Client {
            ctx: Box::new(unsafe { std::mem::zeroed() }),
            mem: Box::new(Mem {
                rx: rx.to_vec(),
                pos: 0,
                chunk: usize::MAX,
                sent: Vec::new(),
                send_allowance: usize::MAX,
            }),
            _buffer: vec![0; buffer_size],
            _outgoing: vec![FREE; records],
            _incoming: vec![FREE; records],
        };
        let transport = TransportInterface_t {
            recv: Some(mem_recv),
            send: Some(mem_send),
            writev: None,
            pNetworkContext: (&mut *c.mem as *mut Mem).cast(),
        };
        let fixed = MQTTFixedBuffer_t {
            pBuffer: c._buffer.as_mut_ptr(),
            size: c._buffer.len(),
        };
        let ctx: *mut MQTTContext_t = &mut *c.ctx;
        // A count of 0 goes with NULL, as in C.
        let (out, inc) = if records == 0 {
            (std::ptr::null_mut(), std::ptr::null_mut())
        } else {
            (c._outgoing.as_mut_ptr(), c._incoming.as_mut_ptr())
        };
        unsafe {
            assert_eq!(
                MQTT_Init(ctx, &transport, Some(clock), Some(ignore_event), &fixed),
                MQTTStatus::MQTTSuccess
            );
            assert_eq!(
                MQTT_InitStatefulQoS(ctx, out, records, inc, records),
                MQTTStatus::MQTTSuccess
            );
        }
        c
    }

    fn connect(&mut self) -> MQTTStatus {
        let id = "fuzz-client";
        let info = MQTTConnectInfo_t {
            cleanSession: true,
            keepAliveSeconds: 0,
            pClientIdentifier: id.as_ptr().cast(),
            clientIdentifierLength: id.len() as u16,
            pUserName: std::ptr::null(),
            userNameLength: 0,
            pPassword: std::ptr::null(),
            passwordLength: 0,
        };
        let mut present = false;
        unsafe { MQTT_Connect(&mut *self.ctx, &info, std::ptr::null(), 0, &mut present) }
    }
}

/// Sets the configuration macros, runs `body`, restores the defaults.
fn with_config(change: impl FnOnce(&mut RsmqttCoreMqttConfig_t), body: impl FnOnce()) {
    let _lock = CONFIG.lock().unwrap_or_else(|e| e.into_inner());
    let mut config = RsmqttCoreMqttConfig_t {
        pingrespTimeoutMs: 0,
        packetTxTimeoutMs: 0,
        packetRxTimeoutMs: 0,
        recvPollingTimeoutMs: 0,
        sendTimeoutMs: 0,
        subUnsubMaxVectors: 0,
        maxConnackReceiveRetryCount: 0,
    };
    unsafe { rsmqtt_coremqtt_config_get(&mut config) };
    let defaults = config;
    change(&mut config);
    unsafe { rsmqtt_coremqtt_config_set(&config) };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body));
    unsafe { rsmqtt_coremqtt_config_set(&defaults) };
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// coremqtt_receive, empty input (all configuration macros 0): with
/// `MQTT_SEND_TIMEOUT_MS` 0 and no writev, CONNECT (one send call per
/// vector) timed out after its first vector, although the clock had not
/// moved; coreMQTT only gives up once *more* than the timeout has passed.
#[test]
fn send_timeout_zero_still_sends_a_multi_vector_packet() {
    with_config(
        |c| c.sendTimeoutMs = 0,
        || {
            STEP.with(|s| s.set(0));
            let mut client = Client::new(&[0x20, 2, 0, 0], 8, 0);
            assert_eq!(client.connect(), MQTTStatus::MQTTSuccess);
            match wire::decode(&client.mem.sent) {
                Ok((Packet::Connect(c), used)) => {
                    assert_eq!(used, client.mem.sent.len());
                    assert_eq!(c.client_id, "fuzz-client");
                }
                other => panic!("not a CONNECT: {other:?}"),
            }
        },
    );
}

/// coremqtt_receive, crash-b9dea0883682bd19c8815e8b1455bc3d5e082f84: an
/// UNSUBSCRIBE goes out in batches of `MQTT_SUB_UNSUB_MAX_VECTORS` vectors.
/// The first batch went out, the second timed out before its first byte, and
/// the connection stayed `MQTTConnected` with half a packet on the wire (the
/// broker would read the next packet as the rest of it). A packet cut short
/// must leave the connection `MQTTDisconnectPending`.
#[test]
fn subscription_cut_between_batches_marks_disconnect_pending() {
    with_config(
        |c| {
            c.sendTimeoutMs = 100;
            c.subUnsubMaxVectors = 4;
        },
        || {
            STEP.with(|s| s.set(10));
            let mut client = Client::new(&[0x20, 2, 0, 0], 64, 2);
            assert_eq!(client.connect(), MQTTStatus::MQTTSuccess);
            let connect_len = client.mem.sent.len();
            // Fixed header, packet id, and the first filter: the first batch
            // (header vector plus two vectors per filter fill 3 of 4).
            client.mem.send_allowance = 4 + 2 + "a/#".len();
            for unsubscribe in [true, false] {
                let filters = ["a/#", "+/b", "sensors/+/temp"];
                let list: Vec<MQTTSubscribeInfo_t> = filters
                    .iter()
                    .map(|f| MQTTSubscribeInfo_t {
                        qos: 0,
                        pTopicFilter: f.as_ptr().cast(),
                        topicFilterLength: f.len() as u16,
                    })
                    .collect();
                let ctx: *mut MQTTContext_t = &mut *client.ctx;
                let status = unsafe {
                    if unsubscribe {
                        MQTT_Unsubscribe(ctx, list.as_ptr(), list.len(), 1)
                    } else {
                        MQTT_Subscribe(ctx, list.as_ptr(), list.len(), 2)
                    }
                };
                if unsubscribe {
                    assert_eq!(status, MQTTStatus::MQTTSendFailed);
                    assert_eq!(client.mem.sent.len(), connect_len + 9, "first batch only");
                } else {
                    // Nothing more goes out on the corrupt stream.
                    assert_eq!(status, MQTTStatus::MQTTStatusDisconnectPending);
                }
                assert_eq!(
                    unsafe { MQTT_CheckConnectStatus(ctx) },
                    MQTTStatus::MQTTStatusDisconnectPending
                );
            }
        },
    );
}
