//! The exported `nxd_mqtt_client_*` services (NetX Duo 6.4.2 declarations).
//!
//! Two symbol sets, as NetX Duo: `_nxde_mqtt_client_*` check their
//! parameters (NULL pointers → `NX_PTR_ERROR`, bad values →
//! `NXD_MQTT_INVALID_PARAMETER`, port 0 → `NX_INVALID_PORT`) and call
//! `_nxd_mqtt_client_*`, which do the work. `nxd_mqtt_client.h` maps the
//! application names to the checking set, or to the core set when
//! `NX_DISABLE_ERROR_CHECKING` is defined. The core set still refuses NULL
//! pointers (with `NX_PTR_ERROR`): skipping checks must never make rsmqtt
//! dereference NULL.
//!
//! Differences from NetX Duo, all on the side of doing more:
//! - QoS 2 works for publish, subscribe and will.
//! - `message_get` with a too-small buffer returns
//!   `NXD_MQTT_INSUFFICIENT_BUFFER_SPACE`, writes the needed topic and
//!   message lengths to `actual_topic_length` / `actual_message_length`, and
//!   keeps the message for the next call.
//! - Every service may be called from several threads at once, and from the
//!   notify callbacks.
//! - On a host, `stack_ptr`/`stack_size`/`mqtt_thread_priority` do not
//!   configure the client thread's memory or priority: the client thread is a
//!   host thread with its own stack of at least 256 KiB (more if
//!   `stack_size` asks for more) at the default priority. `ip_ptr` and
//!   `pool_ptr` must be non-NULL (as NetX Duo checks) and are otherwise
//!   unused: the host TCP/IP stack and heap serve instead.

use core::ffi::{c_void, CStr};

use super::client::{socket_addr, Client, Will};
use super::client_block::*;
use super::nx_types::*;
use super::threadx::{CHAR, TX_MUTEX, UCHAR, UINT, ULONG, USHORT};
use crate::ffi::guard;

/// Bytes at `ptr` as a slice (empty for length 0).
///
/// # Safety
/// `ptr` is valid for `len` bytes when `len > 0`.
unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> Option<&'a [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    if ptr.is_null() {
        return None;
    }
    // SAFETY: caller contract.
    Some(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// Looks up the client or returns `NXD_MQTT_CLIENT_NOT_RUNNING`.
macro_rules! client_or_return {
    ($ptr:expr) => {{
        if $ptr.is_null() {
            return NX_PTR_ERROR;
        }
        match super::client::find($ptr) {
            Some(client) => client,
            None => return NXD_MQTT_CLIENT_NOT_RUNNING,
        }
    }};
}

/// Creates an MQTT client on the application's control block and starts its
/// thread. `client_name` and `client_id` are kept by pointer (they must
/// outlive the client); `client_id` is read again at every connect.
/// `stack_ptr`, `stack_size`, `mqtt_thread_priority`, `memory_ptr` and
/// `memory_size` are accepted for compatibility (see the module notes).
///
/// # Safety
/// Pointers are NULL or valid; `client_ptr` stays valid until delete.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_create(
    client_ptr: *mut NXD_MQTT_CLIENT,
    client_name: *mut CHAR,
    client_id: *mut CHAR,
    client_id_length: UINT,
    ip_ptr: *mut NX_IP,
    pool_ptr: *mut NX_PACKET_POOL,
    stack_ptr: *mut c_void,
    stack_size: ULONG,
    mqtt_thread_priority: UINT,
    memory_ptr: *mut c_void,
    memory_size: ULONG,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe {
        mqtt_client_create(
            client_ptr,
            client_name,
            client_id,
            client_id_length,
            ip_ptr,
            pool_ptr,
            stack_ptr,
            stack_size,
            mqtt_thread_priority,
            memory_ptr,
            memory_size,
        )
    }
}

/// The body of [`_nxd_mqtt_client_create`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nxd_mqtt_client_create`].
#[allow(clippy::too_many_arguments)] // the C signature
unsafe fn mqtt_client_create(
    client_ptr: *mut NXD_MQTT_CLIENT,
    client_name: *mut CHAR,
    client_id: *mut CHAR,
    client_id_length: UINT,
    ip_ptr: *mut NX_IP,
    pool_ptr: *mut NX_PACKET_POOL,
    stack_ptr: *mut c_void,
    stack_size: ULONG,
    mqtt_thread_priority: UINT,
    memory_ptr: *mut c_void,
    memory_size: ULONG,
) -> UINT {
    let _ = (stack_ptr, mqtt_thread_priority, memory_ptr, memory_size);
    guard(NXD_MQTT_INTERNAL_ERROR, || {
        if client_ptr.is_null() {
            return NX_PTR_ERROR;
        }
        if super::client::find(client_ptr).is_some() {
            return NXD_MQTT_INVALID_STATE;
        }
        let name = if client_name.is_null() {
            String::from("nxd_mqtt_client")
        } else {
            // SAFETY: a non-NULL name is a NUL-terminated string (NetX
            // object names are).
            unsafe { CStr::from_ptr(client_name) }
                .to_string_lossy()
                .chars()
                .filter(|c| *c != '\0')
                .take(15)
                .collect()
        };
        // SAFETY: an all-zero block is valid for every field (NULL pointers,
        // None callbacks, zero integers); then the creation values go in.
        unsafe {
            core::ptr::write_bytes(client_ptr, 0, 1);
            let b = &mut *client_ptr;
            b.nxd_mqtt_client_name = client_name;
            b.nxd_mqtt_client_id = client_id;
            b.nxd_mqtt_client_id_length = client_id_length;
            b.nxd_mqtt_client_ip_ptr = ip_ptr;
            b.nxd_mqtt_client_packet_pool_ptr = pool_ptr;
            b.nxd_mqtt_client_mutex_ptr =
                core::ptr::addr_of_mut!(b.nxd_mqtt_protection) as *mut TX_MUTEX;
            b.nxd_mqtt_ping_timeout = NX_IP_PERIODIC_RATE as UINT;
            b.nxd_mqtt_client_state = NXD_MQTT_CLIENT_STATE_IDLE;
        }
        match Client::create(client_ptr, name, stack_size as usize) {
            Ok(()) => NXD_MQTT_SUCCESS,
            Err(code) => code,
        }
    })
}

/// Parameter-checking variant of [`_nxd_mqtt_client_create`]: NULL
/// `client_ptr`, `ip_ptr`, `pool_ptr` or `stack_ptr`, or a zero
/// `stack_size`, give `NX_PTR_ERROR`; a client id longer than 65535 bytes or
/// NULL with a non-zero length gives `NXD_MQTT_INVALID_PARAMETER`.
///
/// # Safety
/// As [`_nxd_mqtt_client_create`].
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_create(
    client_ptr: *mut NXD_MQTT_CLIENT,
    client_name: *mut CHAR,
    client_id: *mut CHAR,
    client_id_length: UINT,
    ip_ptr: *mut NX_IP,
    pool_ptr: *mut NX_PACKET_POOL,
    stack_ptr: *mut c_void,
    stack_size: ULONG,
    mqtt_thread_priority: UINT,
    memory_ptr: *mut c_void,
    memory_size: ULONG,
) -> UINT {
    if client_ptr.is_null()
        || ip_ptr.is_null()
        || pool_ptr.is_null()
        || stack_ptr.is_null()
        || stack_size == 0
    {
        return NX_PTR_ERROR;
    }
    if client_id_length > UINT::from(u16::MAX) || (client_id.is_null() && client_id_length > 0) {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    // SAFETY: forwarded caller contract.
    unsafe {
        mqtt_client_create(
            client_ptr,
            client_name,
            client_id,
            client_id_length,
            ip_ptr,
            pool_ptr,
            stack_ptr,
            stack_size,
            mqtt_thread_priority,
            memory_ptr,
            memory_size,
        )
    }
}

/// Disconnects if connected (calling the disconnect notification), stops and
/// joins the client thread, and releases the receive queue, stored
/// publishes and the TLS session configuration. Called from a notify
/// callback, the thread ends once the callback returns.
///
/// # Safety
/// `client_ptr` is NULL or a block given to create.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_delete(client_ptr: *mut NXD_MQTT_CLIENT) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { mqtt_client_delete(client_ptr) }
}

/// The body of [`_nxd_mqtt_client_delete`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nxd_mqtt_client_delete`].
unsafe fn mqtt_client_delete(client_ptr: *mut NXD_MQTT_CLIENT) -> UINT {
    guard(NXD_MQTT_INTERNAL_ERROR, || {
        if client_ptr.is_null() {
            return NX_PTR_ERROR;
        }
        Client::delete(client_ptr)
    })
}

/// Parameter-checking variant of [`_nxd_mqtt_client_delete`].
///
/// # Safety
/// As [`_nxd_mqtt_client_delete`].
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_delete(client_ptr: *mut NXD_MQTT_CLIENT) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { mqtt_client_delete(client_ptr) }
}

/// Shared body of connect and secure_connect.
///
/// # Safety
/// Pointers are NULL or valid.
unsafe fn connect_common(
    client_ptr: *mut NXD_MQTT_CLIENT,
    server_ip: *mut NXD_ADDRESS,
    server_port: UINT,
    tls: Option<NXD_MQTT_TLS_SETUP>,
    keepalive: UINT,
    clean_session: UINT,
    wait_option: ULONG,
) -> UINT {
    let client = client_or_return!(client_ptr);
    if server_ip.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: non-NULL address block from the application.
    let address = unsafe { *server_ip };
    let Some(server) = socket_addr(&address, server_port) else {
        return if server_port == 0 || server_port > 0xFFFF {
            NX_INVALID_PORT
        } else {
            NXD_MQTT_INVALID_PARAMETER
        };
    };
    client.connect(server, tls, keepalive, clean_session != 0, wait_option)
}

/// Connects to the broker at `server_ip`:`server_port` over TCP with the
/// given keep-alive (seconds, 0 disables) and clean-session flag. Blocks up
/// to `wait_option` ticks for the CONNACK; with `NX_NO_WAIT` returns
/// `NX_IN_PROGRESS` and reports the result through
/// `nxd_mqtt_connect_notify` (read from the control block when connect is
/// called; a blocking connect also reports there once a CONNACK arrived);
/// such an attempt gives up after 30 s, and `disconnect` aborts it. A
/// refused CONNACK returns `NXD_MQTT_ERROR_CONNECT_RETURN_CODE` + the
/// broker's code; a TCP failure or a missing CONNACK
/// `NXD_MQTT_CONNECT_FAILURE`. May be called from the notify callbacks (for
/// example to reconnect from `disconnect_notify`).
///
/// # Safety
/// Pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_connect(
    client_ptr: *mut NXD_MQTT_CLIENT,
    server_ip: *mut NXD_ADDRESS,
    server_port: UINT,
    keepalive: UINT,
    clean_session: UINT,
    wait_option: ULONG,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe {
        mqtt_client_connect(
            client_ptr,
            server_ip,
            server_port,
            keepalive,
            clean_session,
            wait_option,
        )
    }
}

/// The body of [`_nxd_mqtt_client_connect`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nxd_mqtt_client_connect`].
unsafe fn mqtt_client_connect(
    client_ptr: *mut NXD_MQTT_CLIENT,
    server_ip: *mut NXD_ADDRESS,
    server_port: UINT,
    keepalive: UINT,
    clean_session: UINT,
    wait_option: ULONG,
) -> UINT {
    guard(NXD_MQTT_INTERNAL_ERROR, || {
        // SAFETY: forwarded caller contract.
        unsafe {
            connect_common(
                client_ptr,
                server_ip,
                server_port,
                None,
                keepalive,
                clean_session,
                wait_option,
            )
        }
    })
}

/// Parameter-checking variant of [`_nxd_mqtt_client_connect`].
///
/// # Safety
/// Pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_connect(
    client_ptr: *mut NXD_MQTT_CLIENT,
    server_ip: *mut NXD_ADDRESS,
    server_port: UINT,
    keepalive: UINT,
    clean_session: UINT,
    timeout: ULONG,
) -> UINT {
    if client_ptr.is_null() || server_ip.is_null() {
        return NX_PTR_ERROR;
    }
    if server_port == 0 {
        return NX_INVALID_PORT;
    }
    // SAFETY: forwarded caller contract.
    unsafe {
        mqtt_client_connect(
            client_ptr,
            server_ip,
            server_port,
            keepalive,
            clean_session,
            timeout,
        )
    }
}

/// As [`_nxd_mqtt_client_connect`], over TLS: after the TCP connection is up,
/// the client thread calls `tls_setup` with the session and certificate
/// blocks inside `client_ptr`; the `nx_secure_*` calls it makes configure
/// the rustls handshake that follows. (Declared by `nxd_mqtt_client.h` only
/// with `NX_SECURE_ENABLE`, as in NetX Duo.)
///
/// # Safety
/// Pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_secure_connect(
    client_ptr: *mut NXD_MQTT_CLIENT,
    server_ip: *mut NXD_ADDRESS,
    server_port: UINT,
    tls_setup: NXD_MQTT_TLS_SETUP,
    keepalive: UINT,
    clean_session: UINT,
    wait_option: ULONG,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe {
        mqtt_client_secure_connect(
            client_ptr,
            server_ip,
            server_port,
            tls_setup,
            keepalive,
            clean_session,
            wait_option,
        )
    }
}

/// The body of [`_nxd_mqtt_client_secure_connect`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nxd_mqtt_client_secure_connect`].
unsafe fn mqtt_client_secure_connect(
    client_ptr: *mut NXD_MQTT_CLIENT,
    server_ip: *mut NXD_ADDRESS,
    server_port: UINT,
    tls_setup: NXD_MQTT_TLS_SETUP,
    keepalive: UINT,
    clean_session: UINT,
    wait_option: ULONG,
) -> UINT {
    guard(NXD_MQTT_INTERNAL_ERROR, || {
        if tls_setup.is_none() {
            return NX_PTR_ERROR;
        }
        // SAFETY: forwarded caller contract.
        unsafe {
            connect_common(
                client_ptr,
                server_ip,
                server_port,
                Some(tls_setup),
                keepalive,
                clean_session,
                wait_option,
            )
        }
    })
}

/// Parameter-checking variant of [`_nxd_mqtt_client_secure_connect`].
///
/// # Safety
/// Pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_secure_connect(
    client_ptr: *mut NXD_MQTT_CLIENT,
    server_ip: *mut NXD_ADDRESS,
    server_port: UINT,
    tls_setup: NXD_MQTT_TLS_SETUP,
    keepalive: UINT,
    clean_session: UINT,
    timeout: ULONG,
) -> UINT {
    if client_ptr.is_null() || server_ip.is_null() {
        return NX_PTR_ERROR;
    }
    if server_port == 0 {
        return NX_INVALID_PORT;
    }
    // SAFETY: forwarded caller contract.
    unsafe {
        mqtt_client_secure_connect(
            client_ptr,
            server_ip,
            server_port,
            tls_setup,
            keepalive,
            clean_session,
            timeout,
        )
    }
}

/// Sets the user name and password sent with the next connects (copied;
/// `password` may be NULL). Cleared by disconnect.
///
/// # Safety
/// Pointers are NULL or valid for the lengths given.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_login_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    username: *mut CHAR,
    username_length: UINT,
    password: *mut CHAR,
    password_length: UINT,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe {
        mqtt_client_login_set(
            client_ptr,
            username,
            username_length,
            password,
            password_length,
        )
    }
}

/// The body of [`_nxd_mqtt_client_login_set`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nxd_mqtt_client_login_set`].
unsafe fn mqtt_client_login_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    username: *mut CHAR,
    username_length: UINT,
    password: *mut CHAR,
    password_length: UINT,
) -> UINT {
    guard(NXD_MQTT_INTERNAL_ERROR, || {
        let client = client_or_return!(client_ptr);
        if username_length > UINT::from(u16::MAX) || password_length > UINT::from(u16::MAX) {
            return NXD_MQTT_INVALID_PARAMETER;
        }
        // SAFETY: caller contract.
        let (Some(user), Some(pass)) = (
            unsafe { bytes(username as *const u8, username_length as usize) },
            unsafe { bytes(password as *const u8, password_length as usize) },
        ) else {
            return NXD_MQTT_INVALID_PARAMETER;
        };
        let login = if username.is_null() {
            None
        } else {
            Some((user.to_vec(), (!password.is_null()).then(|| pass.to_vec())))
        };
        // SAFETY: the application's block; it does not write these fields
        // concurrently with its own login_set call.
        unsafe {
            let b = &mut *client_ptr;
            b.nxd_mqtt_client_username = username;
            b.nxd_mqtt_client_username_length = username_length as USHORT;
            b.nxd_mqtt_client_password = password;
            b.nxd_mqtt_client_password_length = password_length as USHORT;
        }
        client.set_login(login);
        NXD_MQTT_SUCCESS
    })
}

/// Parameter-checking variant of [`_nxd_mqtt_client_login_set`].
///
/// # Safety
/// As [`_nxd_mqtt_client_login_set`].
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_login_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    username: *mut CHAR,
    username_length: UINT,
    password: *mut CHAR,
    password_length: UINT,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    if (username.is_null() && username_length > 0) || (password.is_null() && password_length > 0) {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    // SAFETY: forwarded caller contract.
    unsafe {
        mqtt_client_login_set(
            client_ptr,
            username,
            username_length,
            password,
            password_length,
        )
    }
}

/// Sets the will message sent with the next connects (copied). QoS 0, 1 and
/// 2 are supported. A NULL topic clears the will. Cleared by disconnect.
///
/// # Safety
/// Pointers are NULL or valid for the lengths given.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_will_message_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    will_topic: *const UCHAR,
    will_topic_length: UINT,
    will_message: *const UCHAR,
    will_message_length: UINT,
    will_retain_flag: UINT,
    will_QoS: UINT,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe {
        mqtt_client_will_message_set(
            client_ptr,
            will_topic,
            will_topic_length,
            will_message,
            will_message_length,
            will_retain_flag,
            will_QoS,
        )
    }
}

/// The body of [`_nxd_mqtt_client_will_message_set`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nxd_mqtt_client_will_message_set`].
unsafe fn mqtt_client_will_message_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    will_topic: *const UCHAR,
    will_topic_length: UINT,
    will_message: *const UCHAR,
    will_message_length: UINT,
    will_retain_flag: UINT,
    will_QoS: UINT,
) -> UINT {
    guard(NXD_MQTT_INTERNAL_ERROR, || {
        let client = client_or_return!(client_ptr);
        if will_QoS > 2
            || will_topic_length > UINT::from(u16::MAX)
            || will_message_length > UINT::from(u16::MAX)
        {
            return NXD_MQTT_INVALID_PARAMETER;
        }
        // SAFETY: caller contract.
        let (Some(topic), Some(message)) = (
            unsafe { bytes(will_topic, will_topic_length as usize) },
            unsafe { bytes(will_message, will_message_length as usize) },
        ) else {
            return NXD_MQTT_INVALID_PARAMETER;
        };
        let will = (!will_topic.is_null() && !topic.is_empty()).then(|| Will {
            topic: topic.to_vec(),
            message: message.to_vec(),
            retain: will_retain_flag != 0,
            qos: will_QoS,
        });
        // SAFETY: the application's block (see login_set).
        unsafe {
            let b = &mut *client_ptr;
            b.nxd_mqtt_client_will_topic = will_topic;
            b.nxd_mqtt_client_will_topic_length = will_topic_length;
            b.nxd_mqtt_client_will_message = will_message;
            b.nxd_mqtt_client_will_message_length = will_message_length;
            b.nxd_mqtt_client_will_qos_retain =
                ((will_QoS as UCHAR) << 3) | if will_retain_flag != 0 { 1 << 5 } else { 0 };
        }
        client.set_will(will);
        NXD_MQTT_SUCCESS
    })
}

/// Parameter-checking variant of [`_nxd_mqtt_client_will_message_set`]: a
/// NULL or empty topic or a QoS above 2 give `NXD_MQTT_INVALID_PARAMETER`.
///
/// # Safety
/// As [`_nxd_mqtt_client_will_message_set`].
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_will_message_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    will_topic: *const UCHAR,
    will_topic_length: UINT,
    will_message: *const UCHAR,
    will_message_length: UINT,
    will_retain_flag: UINT,
    will_QoS: UINT,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    if will_topic.is_null()
        || will_topic_length == 0
        || will_QoS > 2
        || (will_message.is_null() && will_message_length > 0)
    {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    // SAFETY: forwarded caller contract.
    unsafe {
        mqtt_client_will_message_set(
            client_ptr,
            will_topic,
            will_topic_length,
            will_message,
            will_message_length,
            will_retain_flag,
            will_QoS,
        )
    }
}

/// Publishes `message` on `topic_name` at QoS 0, 1 or 2; returns once the
/// PUBLISH is sent (acknowledgements arrive through
/// `nxd_mqtt_ack_receive_notify`). With many QoS 1/2 messages in flight it
/// waits up to `wait_option` ticks for one to be acknowledged
/// (`NXD_MQTT_PACKET_POOL_EMPTY` if none is).
///
/// # Safety
/// Pointers are NULL or valid for the lengths given.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_publish(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_name: *mut CHAR,
    topic_name_length: UINT,
    message: *mut CHAR,
    message_length: UINT,
    retain: UINT,
    QoS: UINT,
    wait_option: ULONG,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe {
        mqtt_client_publish(
            client_ptr,
            topic_name,
            topic_name_length,
            message,
            message_length,
            retain,
            QoS,
            wait_option,
        )
    }
}

/// The body of [`_nxd_mqtt_client_publish`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nxd_mqtt_client_publish`].
#[allow(clippy::too_many_arguments)] // the C signature
unsafe fn mqtt_client_publish(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_name: *mut CHAR,
    topic_name_length: UINT,
    message: *mut CHAR,
    message_length: UINT,
    retain: UINT,
    QoS: UINT,
    wait_option: ULONG,
) -> UINT {
    guard(NXD_MQTT_INTERNAL_ERROR, || {
        let client = client_or_return!(client_ptr);
        if QoS > 2 || topic_name.is_null() || topic_name_length == 0 {
            return NXD_MQTT_INVALID_PARAMETER;
        }
        // SAFETY: caller contract.
        let (Some(topic), Some(payload)) = (
            unsafe { bytes(topic_name as *const u8, topic_name_length as usize) },
            unsafe { bytes(message as *const u8, message_length as usize) },
        ) else {
            return NXD_MQTT_INVALID_PARAMETER;
        };
        client.publish(topic, payload, retain != 0, QoS, wait_option)
    })
}

/// Parameter-checking variant of [`_nxd_mqtt_client_publish`]: a NULL or
/// empty topic, a non-NULL message with length 0, NULL message with a length,
/// or a QoS above 2 give `NXD_MQTT_INVALID_PARAMETER`.
///
/// # Safety
/// As [`_nxd_mqtt_client_publish`].
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_publish(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_name: *mut CHAR,
    topic_name_length: UINT,
    message: *mut CHAR,
    message_length: UINT,
    retain: UINT,
    QoS: UINT,
    timeout: ULONG,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    if topic_name.is_null()
        || topic_name_length == 0
        || (!message.is_null() && message_length == 0)
        || (message.is_null() && message_length > 0)
        || QoS > 2
    {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    // SAFETY: forwarded caller contract.
    unsafe {
        mqtt_client_publish(
            client_ptr,
            topic_name,
            topic_name_length,
            message,
            message_length,
            retain,
            QoS,
            timeout,
        )
    }
}

/// Subscribes to `topic_name` (a topic filter) at QoS 0, 1 or 2; returns
/// once the SUBSCRIBE is sent.
///
/// # Safety
/// Pointers are NULL or valid for the lengths given.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_subscribe(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_name: *mut CHAR,
    topic_name_length: UINT,
    QoS: UINT,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { mqtt_client_subscribe(client_ptr, topic_name, topic_name_length, QoS) }
}

/// The body of [`_nxd_mqtt_client_subscribe`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nxd_mqtt_client_subscribe`].
unsafe fn mqtt_client_subscribe(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_name: *mut CHAR,
    topic_name_length: UINT,
    QoS: UINT,
) -> UINT {
    guard(NXD_MQTT_INTERNAL_ERROR, || {
        let client = client_or_return!(client_ptr);
        if QoS > 2 || topic_name_length == 0 {
            return NXD_MQTT_INVALID_PARAMETER;
        }
        // SAFETY: caller contract.
        let Some(filter) = (unsafe { bytes(topic_name as *const u8, topic_name_length as usize) })
        else {
            return NXD_MQTT_INVALID_PARAMETER;
        };
        client.sub_unsub(true, filter, QoS)
    })
}

/// Parameter-checking variant of [`_nxd_mqtt_client_subscribe`].
///
/// # Safety
/// As [`_nxd_mqtt_client_subscribe`].
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_subscribe(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_name: *mut CHAR,
    topic_name_length: UINT,
    QoS: UINT,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    if topic_name.is_null() || topic_name_length == 0 || QoS > 2 {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    // SAFETY: forwarded caller contract.
    unsafe { mqtt_client_subscribe(client_ptr, topic_name, topic_name_length, QoS) }
}

/// Unsubscribes from `topic_name`; returns once the UNSUBSCRIBE is sent.
///
/// # Safety
/// Pointers are NULL or valid for the lengths given.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_unsubscribe(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_name: *mut CHAR,
    topic_name_length: UINT,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { mqtt_client_unsubscribe(client_ptr, topic_name, topic_name_length) }
}

/// The body of [`_nxd_mqtt_client_unsubscribe`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nxd_mqtt_client_unsubscribe`].
unsafe fn mqtt_client_unsubscribe(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_name: *mut CHAR,
    topic_name_length: UINT,
) -> UINT {
    guard(NXD_MQTT_INTERNAL_ERROR, || {
        let client = client_or_return!(client_ptr);
        if topic_name_length == 0 {
            return NXD_MQTT_INVALID_PARAMETER;
        }
        // SAFETY: caller contract.
        let Some(filter) = (unsafe { bytes(topic_name as *const u8, topic_name_length as usize) })
        else {
            return NXD_MQTT_INVALID_PARAMETER;
        };
        client.sub_unsub(false, filter, 0)
    })
}

/// Parameter-checking variant of [`_nxd_mqtt_client_unsubscribe`].
///
/// # Safety
/// As [`_nxd_mqtt_client_unsubscribe`].
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_unsubscribe(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_name: *mut CHAR,
    topic_name_length: UINT,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    if topic_name.is_null() || topic_name_length == 0 {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    // SAFETY: forwarded caller contract.
    unsafe { mqtt_client_unsubscribe(client_ptr, topic_name, topic_name_length) }
}

/// Sets the function called (on the client thread) when messages are
/// queued; it may call `message_get`. NULL removes it.
///
/// # Safety
/// `client_ptr` is NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_receive_notify_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    receive_notify: NXD_MQTT_RECEIVE_NOTIFY,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { mqtt_client_receive_notify_set(client_ptr, receive_notify) }
}

/// The body of [`_nxd_mqtt_client_receive_notify_set`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nxd_mqtt_client_receive_notify_set`].
unsafe fn mqtt_client_receive_notify_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    receive_notify: NXD_MQTT_RECEIVE_NOTIFY,
) -> UINT {
    guard(NXD_MQTT_INTERNAL_ERROR, || {
        let client = client_or_return!(client_ptr);
        client.set_receive_notify(receive_notify);
        // SAFETY: the application's block; the field mirrors the setting.
        unsafe { (*client_ptr).nxd_mqtt_client_receive_notify = receive_notify };
        NXD_MQTT_SUCCESS
    })
}

/// Parameter-checking variant of [`_nxd_mqtt_client_receive_notify_set`]
/// (a NULL function gives `NX_PTR_ERROR`, as in NetX Duo).
///
/// # Safety
/// `client_ptr` is NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_receive_notify_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    receive_notify: NXD_MQTT_RECEIVE_NOTIFY,
) -> UINT {
    if client_ptr.is_null() || receive_notify.is_none() {
        return NX_PTR_ERROR;
    }
    // SAFETY: forwarded caller contract.
    unsafe { mqtt_client_receive_notify_set(client_ptr, receive_notify) }
}

/// Copies the oldest received message: its topic into `topic_buffer` and
/// its payload into `message_buffer` (no NUL terminators), with their
/// lengths in `actual_topic_length` / `actual_message_length` (either may be
/// NULL). Never blocks: `NXD_MQTT_NO_MESSAGE` when the queue is empty. When a
/// buffer is too small: `NXD_MQTT_INSUFFICIENT_BUFFER_SPACE`, the needed
/// lengths in the `actual_*` outputs, and the message stays queued.
///
/// # Safety
/// Buffers are NULL or valid for their sizes; outputs are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_message_get(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_buffer: *mut UCHAR,
    topic_buffer_size: UINT,
    actual_topic_length: *mut UINT,
    message_buffer: *mut UCHAR,
    message_buffer_size: UINT,
    actual_message_length: *mut UINT,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe {
        mqtt_client_message_get(
            client_ptr,
            topic_buffer,
            topic_buffer_size,
            actual_topic_length,
            message_buffer,
            message_buffer_size,
            actual_message_length,
        )
    }
}

/// The body of [`_nxd_mqtt_client_message_get`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nxd_mqtt_client_message_get`].
unsafe fn mqtt_client_message_get(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_buffer: *mut UCHAR,
    topic_buffer_size: UINT,
    actual_topic_length: *mut UINT,
    message_buffer: *mut UCHAR,
    message_buffer_size: UINT,
    actual_message_length: *mut UINT,
) -> UINT {
    guard(NXD_MQTT_INTERNAL_ERROR, || {
        let client = client_or_return!(client_ptr);
        let topic: &mut [u8] = if topic_buffer.is_null() {
            &mut []
        } else {
            // SAFETY: caller contract: `topic_buffer_size` writable bytes.
            unsafe { core::slice::from_raw_parts_mut(topic_buffer, topic_buffer_size as usize) }
        };
        let payload: &mut [u8] = if message_buffer.is_null() {
            &mut []
        } else {
            // SAFETY: caller contract: `message_buffer_size` writable bytes.
            unsafe { core::slice::from_raw_parts_mut(message_buffer, message_buffer_size as usize) }
        };
        let (status, topic_len, payload_len) = client.message_get(topic, payload);
        if status != NXD_MQTT_NO_MESSAGE {
            if !actual_topic_length.is_null() {
                // SAFETY: non-NULL output from the application.
                unsafe { *actual_topic_length = topic_len as UINT };
            }
            if !actual_message_length.is_null() {
                // SAFETY: non-NULL output from the application.
                unsafe { *actual_message_length = payload_len as UINT };
            }
        }
        status
    })
}

/// Parameter-checking variant of [`_nxd_mqtt_client_message_get`]: NULL
/// buffers give `NXD_MQTT_INVALID_PARAMETER`, as in NetX Duo.
///
/// # Safety
/// As [`_nxd_mqtt_client_message_get`].
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_message_get(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_buffer: *mut UCHAR,
    topic_buffer_size: UINT,
    actual_topic_length: *mut UINT,
    message_buffer: *mut UCHAR,
    message_buffer_size: UINT,
    actual_message_length: *mut UINT,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    if topic_buffer.is_null() || message_buffer.is_null() {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    // SAFETY: forwarded caller contract.
    unsafe {
        mqtt_client_message_get(
            client_ptr,
            topic_buffer,
            topic_buffer_size,
            actual_topic_length,
            message_buffer,
            message_buffer_size,
            actual_message_length,
        )
    }
}

/// Sends DISCONNECT and closes the connection; queued messages, login and
/// will are dropped and the disconnect notification runs (on the calling
/// thread). Unacknowledged QoS 1/2 publishes are kept for a later
/// `clean_session = NX_FALSE` connect.
///
/// # Safety
/// `client_ptr` is NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_disconnect(client_ptr: *mut NXD_MQTT_CLIENT) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { mqtt_client_disconnect(client_ptr) }
}

/// The body of [`_nxd_mqtt_client_disconnect`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nxd_mqtt_client_disconnect`].
unsafe fn mqtt_client_disconnect(client_ptr: *mut NXD_MQTT_CLIENT) -> UINT {
    guard(NXD_MQTT_INTERNAL_ERROR, || {
        let client = client_or_return!(client_ptr);
        client.disconnect()
    })
}

/// Parameter-checking variant of [`_nxd_mqtt_client_disconnect`].
///
/// # Safety
/// `client_ptr` is NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_disconnect(client_ptr: *mut NXD_MQTT_CLIENT) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { mqtt_client_disconnect(client_ptr) }
}

/// Sets the function called when the connection ends (broker or network
/// drop, PINGRESP timeout, or the application's own disconnect). NULL
/// removes it. Safe to call while the client runs.
///
/// # Safety
/// `client_ptr` is NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_disconnect_notify_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    disconnect_notify: NXD_MQTT_DISCONNECT_NOTIFY,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { mqtt_client_disconnect_notify_set(client_ptr, disconnect_notify) }
}

/// The body of [`_nxd_mqtt_client_disconnect_notify_set`], which its parameter-checking variant shares.
///
/// # Safety
/// As [`_nxd_mqtt_client_disconnect_notify_set`].
unsafe fn mqtt_client_disconnect_notify_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    disconnect_notify: NXD_MQTT_DISCONNECT_NOTIFY,
) -> UINT {
    guard(NXD_MQTT_INTERNAL_ERROR, || {
        let client = client_or_return!(client_ptr);
        client.set_disconnect_notify(disconnect_notify);
        // SAFETY: the application's block; the field mirrors the setting.
        unsafe { (*client_ptr).nxd_mqtt_disconnect_notify = disconnect_notify };
        NXD_MQTT_SUCCESS
    })
}

/// Parameter-checking variant of [`_nxd_mqtt_client_disconnect_notify_set`].
///
/// # Safety
/// `client_ptr` is NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_disconnect_notify_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    disconnect_notify: NXD_MQTT_DISCONNECT_NOTIFY,
) -> UINT {
    // SAFETY: forwarded caller contract.
    unsafe { mqtt_client_disconnect_notify_set(client_ptr, disconnect_notify) }
}

/// rsmqtt extension: sets how many received messages the client queues
/// (default `RSMQTT_NXD_MQTT_RECEIVE_QUEUE_LIMIT`). When the queue is full
/// the client stops reading the socket until `message_get` makes room, so
/// nothing is dropped; the broker may end the connection if that lasts
/// longer than 1.5 keep-alive periods. `limit` 0 gives
/// `NXD_MQTT_INVALID_PARAMETER`.
///
/// # Safety
/// `client_ptr` is NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn rsmqtt_nxd_mqtt_client_receive_queue_limit_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    limit: UINT,
) -> UINT {
    guard(NXD_MQTT_INTERNAL_ERROR, || {
        let client = client_or_return!(client_ptr);
        if limit == 0 {
            return NXD_MQTT_INVALID_PARAMETER;
        }
        client.set_queue_limit(limit as usize);
        NXD_MQTT_SUCCESS
    })
}

/// rsmqtt extension: sets how many outgoing QoS 1/2 publishes may await
/// acknowledgement at once (default `RSMQTT_NXD_MQTT_MAX_INFLIGHT`, at most
/// 64). Keep it at or below the broker's in-flight window: an MQTT 3.1.1
/// broker silently drops publishes beyond it. `limit` 0 gives
/// `NXD_MQTT_INVALID_PARAMETER`.
///
/// # Safety
/// `client_ptr` is NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn rsmqtt_nxd_mqtt_client_inflight_limit_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    limit: UINT,
) -> UINT {
    guard(NXD_MQTT_INTERNAL_ERROR, || {
        let client = client_or_return!(client_ptr);
        if limit == 0 {
            return NXD_MQTT_INVALID_PARAMETER;
        }
        client.set_inflight_limit(limit as usize);
        NXD_MQTT_SUCCESS
    })
}
