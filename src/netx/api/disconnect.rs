//! Disconnecting and the disconnect notification.

use super::*;

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
