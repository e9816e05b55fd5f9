//! Connecting: `nxd_mqtt_client_connect`, `_secure_connect`, and the login
//! and will settings that go into the CONNECT.

use super::*;

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
    if let Some(status) = connect_arguments_error(client_ptr, server_ip, server_port) {
        return status;
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
    if let Some(status) = connect_arguments_error(client_ptr, server_ip, server_port) {
        return status;
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
            unsafe { c_bytes(username as *const u8, username_length as usize) },
            unsafe { c_bytes(password as *const u8, password_length as usize) },
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
            unsafe { c_bytes(will_topic, will_topic_length as usize) },
            unsafe { c_bytes(will_message, will_message_length as usize) },
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

/// The argument checks both `_nxde_` connect front-ends make before the
/// work: NULL client or address, then port 0 (NetX Duo's order and codes).
fn connect_arguments_error(
    client_ptr: *const NXD_MQTT_CLIENT,
    server_ip: *const NXD_ADDRESS,
    server_port: UINT,
) -> Option<UINT> {
    if client_ptr.is_null() || server_ip.is_null() {
        Some(NX_PTR_ERROR)
    } else if server_port == 0 {
        Some(NX_INVALID_PORT)
    } else {
        None
    }
}
