//! Creating and deleting a client (`nxd_mqtt_client_create`, `_delete`).

use super::*;

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
        if crate::netx::client::find(client_ptr).is_some() {
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
