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
use crate::ffi::{c_bytes, guard};

/// Looks up the client or returns `NXD_MQTT_CLIENT_NOT_RUNNING`.
macro_rules! client_or_return {
    ($ptr:expr) => {{
        if $ptr.is_null() {
            return NX_PTR_ERROR;
        }
        match crate::netx::client::find($ptr) {
            Some(client) => client,
            None => return NXD_MQTT_CLIENT_NOT_RUNNING,
        }
    }};
}

mod connect;
mod disconnect;
mod lifecycle;
mod limits;
mod messages;

pub use connect::*;
pub use disconnect::*;
pub use lifecycle::*;
pub use limits::*;
pub use messages::*;
