//! Helpers shared by the NetX client tests: an application-allocated client
//! block, and a recorder of everything the callbacks saw.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use rsmqtt::netx::api::*;
use rsmqtt::netx::client_block::*;
use rsmqtt::netx::nx_types::*;
use rsmqtt::netx::threadx::*;

/// What the callbacks of one client observed.
#[derive(Default, Debug)]
pub struct Seen {
    pub messages: Vec<(Vec<u8>, Vec<u8>)>,
    pub disconnects: u32,
    pub connect_results: Vec<UINT>,
    pub acks: Vec<(UINT, u16)>,
    pub notify_counts: Vec<UINT>,
}

/// A recorder with a condition variable to wait on.
#[derive(Default)]
pub struct Recorder {
    pub seen: Mutex<Seen>,
    pub changed: Condvar,
    /// When false, receive_notify does not drain the queue.
    pub drain: std::sync::atomic::AtomicBool,
}

impl Recorder {
    pub fn wait_until(&self, timeout: Duration, mut done: impl FnMut(&Seen) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        let mut seen = self.seen.lock().unwrap();
        loop {
            if done(&seen) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            seen = self.changed.wait_timeout(seen, left).unwrap().0;
        }
    }
}

fn recorders() -> &'static Mutex<HashMap<usize, Arc<Recorder>>> {
    static R: OnceLock<Mutex<HashMap<usize, Arc<Recorder>>>> = OnceLock::new();
    R.get_or_init(Default::default)
}

fn recorder_of(client: *mut NXD_MQTT_CLIENT) -> Option<Arc<Recorder>> {
    recorders().lock().unwrap().get(&(client as usize)).cloned()
}

/// Drains the queue from inside the callback, as applications do.
pub unsafe extern "C" fn on_receive(client: *mut NXD_MQTT_CLIENT, count: UINT) {
    let Some(rec) = recorder_of(client) else {
        return;
    };
    rec.seen.lock().unwrap().notify_counts.push(count);
    if !rec.drain.load(std::sync::atomic::Ordering::SeqCst) {
        rec.changed.notify_all();
        return;
    }
    loop {
        let mut topic = [0u8; 256];
        let mut payload = vec![0u8; 70_000];
        let (mut tl, mut pl) = (0u32, 0u32);
        let status = unsafe {
            _nxde_mqtt_client_message_get(
                client,
                topic.as_mut_ptr(),
                topic.len() as UINT,
                &mut tl,
                payload.as_mut_ptr(),
                payload.len() as UINT,
                &mut pl,
            )
        };
        if status != NXD_MQTT_SUCCESS {
            assert_eq!(status, NXD_MQTT_NO_MESSAGE);
            break;
        }
        rec.seen.lock().unwrap().messages.push((
            topic[..tl as usize].to_vec(),
            payload[..pl as usize].to_vec(),
        ));
    }
    rec.changed.notify_all();
}

pub unsafe extern "C" fn on_disconnect(client: *mut NXD_MQTT_CLIENT) {
    if let Some(rec) = recorder_of(client) {
        rec.seen.lock().unwrap().disconnects += 1;
        rec.changed.notify_all();
    }
}

pub unsafe extern "C" fn on_connect(
    client: *mut NXD_MQTT_CLIENT,
    status: UINT,
    _ctx: *mut core::ffi::c_void,
) {
    if let Some(rec) = recorder_of(client) {
        rec.seen.lock().unwrap().connect_results.push(status);
        rec.changed.notify_all();
    }
}

pub unsafe extern "C" fn on_ack(
    client: *mut NXD_MQTT_CLIENT,
    kind: UINT,
    id: USHORT,
    _packet: *mut NX_PACKET,
    _ctx: *mut core::ffi::c_void,
) {
    if let Some(rec) = recorder_of(client) {
        rec.seen.lock().unwrap().acks.push((kind, id));
        rec.changed.notify_all();
    }
}

/// An application's objects: the client block, IP instance, pool and stack.
pub struct App {
    pub client: Box<NXD_MQTT_CLIENT>,
    pub ip: Box<NX_IP>,
    pub pool: Box<NX_PACKET_POOL>,
    pub stack: Vec<u8>,
    pub id: Vec<u8>,
    pub rec: Arc<Recorder>,
}

fn zeroed<T>() -> Box<T> {
    // SAFETY: the NetX blocks are plain C data, valid when all-zero.
    unsafe { Box::new(core::mem::zeroed()) }
}

impl App {
    /// Creates a client with every notify callback installed.
    pub fn create(client_id: &str) -> App {
        let mut app = App {
            client: zeroed(),
            ip: zeroed(),
            pool: zeroed(),
            stack: vec![0; 4096],
            id: client_id.as_bytes().to_vec(),
            rec: Arc::new(Recorder::default()),
        };
        app.rec
            .drain
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let status = unsafe {
            _nxde_mqtt_client_create(
                app.ptr(),
                c"test client".as_ptr() as *mut CHAR,
                app.id.as_mut_ptr() as *mut CHAR,
                app.id.len() as UINT,
                &mut *app.ip,
                &mut *app.pool,
                app.stack.as_mut_ptr().cast(),
                app.stack.len() as ULONG,
                2,
                core::ptr::null_mut(),
                0,
            )
        };
        assert_eq!(status, NXD_MQTT_SUCCESS);
        recorders()
            .lock()
            .unwrap()
            .insert(app.ptr() as usize, app.rec.clone());
        unsafe {
            assert_eq!(
                _nxde_mqtt_client_receive_notify_set(app.ptr(), Some(on_receive)),
                NXD_MQTT_SUCCESS
            );
            assert_eq!(
                _nxde_mqtt_client_disconnect_notify_set(app.ptr(), Some(on_disconnect)),
                NXD_MQTT_SUCCESS
            );
        }
        app.client.nxd_mqtt_connect_notify = Some(on_connect);
        app.client.nxd_mqtt_ack_receive_notify = Some(on_ack);
        app
    }

    pub fn ptr(&mut self) -> *mut NXD_MQTT_CLIENT {
        &mut *self.client
    }

    pub fn connect(&mut self, port: u16, keepalive: UINT, clean: UINT, wait: ULONG) -> UINT {
        let mut addr = ipv4(127, 0, 0, 1);
        unsafe {
            _nxde_mqtt_client_connect(self.ptr(), &mut addr, port as UINT, keepalive, clean, wait)
        }
    }

    pub fn publish(&mut self, topic: &str, payload: &[u8], qos: UINT) -> UINT {
        unsafe {
            _nxde_mqtt_client_publish(
                self.ptr(),
                topic.as_ptr() as *mut CHAR,
                topic.len() as UINT,
                if payload.is_empty() {
                    core::ptr::null_mut()
                } else {
                    payload.as_ptr() as *mut CHAR
                },
                payload.len() as UINT,
                0,
                qos,
                NX_WAIT_FOREVER,
            )
        }
    }

    pub fn subscribe(&mut self, filter: &str, qos: UINT) -> UINT {
        unsafe {
            _nxde_mqtt_client_subscribe(
                self.ptr(),
                filter.as_ptr() as *mut CHAR,
                filter.len() as UINT,
                qos,
            )
        }
    }

    pub fn unsubscribe(&mut self, filter: &str) -> UINT {
        unsafe {
            _nxde_mqtt_client_unsubscribe(
                self.ptr(),
                filter.as_ptr() as *mut CHAR,
                filter.len() as UINT,
            )
        }
    }

    pub fn disconnect(&mut self) -> UINT {
        unsafe { _nxde_mqtt_client_disconnect(self.ptr()) }
    }

    /// Waits for the SUBACK of the last subscribe.
    pub fn wait_suback(&self) {
        assert!(
            self.rec.wait_until(Duration::from_secs(5), |s| s
                .acks
                .iter()
                .any(|(k, _)| *k == MQTT_CONTROL_PACKET_TYPE_SUBACK)),
            "no SUBACK"
        );
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let ptr = self.ptr();
        unsafe { _nxde_mqtt_client_delete(ptr) };
        recorders().lock().unwrap().remove(&(ptr as usize));
    }
}

/// `NXD_ADDRESS` for an IPv4 address, as `IP_ADDRESS(a, b, c, d)` builds it.
pub fn ipv4(a: u8, b: u8, c: u8, d: u8) -> NXD_ADDRESS {
    NXD_ADDRESS {
        nxd_ip_version: NX_IP_VERSION_V4,
        nxd_ip_address: NXD_ADDRESS_UNION {
            v4: u32::from_be_bytes([a, b, c, d]) as ULONG,
        },
    }
}
