//! Messages: publish, subscribe, unsubscribe, the receive notification and
//! `message_get`.

use super::*;

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
            unsafe { c_bytes(topic_name as *const u8, topic_name_length as usize) },
            unsafe { c_bytes(message as *const u8, message_length as usize) },
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
        let Some(filter) =
            (unsafe { c_bytes(topic_name as *const u8, topic_name_length as usize) })
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
        let Some(filter) =
            (unsafe { c_bytes(topic_name as *const u8, topic_name_length as usize) })
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
        // A size no buffer can have (past isize::MAX bytes, possible with a
        // 32-bit UINT on a 32-bit host) is a corrupted integer.
        if !crate::ffi::fits_slice::<u8>(topic_buffer_size as usize)
            || !crate::ffi::fits_slice::<u8>(message_buffer_size as usize)
        {
            log::error!("nxd_mqtt_client_message_get: buffer size out of range");
            return NXD_MQTT_INVALID_PARAMETER;
        }
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
