//! The applications of the reliability tests through the `nxd_mqtt_client_*`
//! face: `nxd_mqtt_client_publish` from an application thread, messages
//! drained from `receive_notify`, and after `disconnect_notify` a new
//! `nxd_mqtt_client_connect` with the session kept, with backoff when a
//! connect fails. Shared by the connection-reset sweep and the broker-kill
//! test, which differ only in the fault they inject.
#![allow(dead_code)]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use crate::common::proxy::*;
use crate::harness::*;
use rsmqtt::netx::client_block::*;
use rsmqtt::netx::nx_types::*;
use rsmqtt::netx::threadx::*;

/// Messages published after the last fault fired.
pub(crate) const TAIL: u64 = 20;
/// Connect wait per attempt: 2 s in ticks.
pub(crate) const CONNECT_WAIT: ULONG = 2 * NX_IP_PERIODIC_RATE;
/// How long an application waits for `disconnect_notify` after a failed
/// call before it reconnects anyway (it never should have to).
pub(crate) const NOTIFY_WAIT: Duration = Duration::from_secs(5);

#[derive(Default)]
pub(crate) struct Shared {
    pub(crate) keep_publishing: AtomicBool,
    pub(crate) sent: AtomicU64,
    pub(crate) published_all: AtomicBool,
    pub(crate) stop: AtomicBool,
}

/// Connect attempts after the first, how many succeeded, and how often the
/// application had to give up waiting for `disconnect_notify`.
#[derive(Default, Debug)]
pub(crate) struct Connects {
    pub(crate) attempts: u64,
    pub(crate) reconnects: u64,
    pub(crate) missed_notifies: u64,
}

/// The client's state as the block shows it.
pub(crate) fn state(app: &App) -> UINT {
    // SAFETY: a field of the live block, which the library updates from its
    // own thread; read as a whole word.
    unsafe { std::ptr::read_volatile(&app.client.nxd_mqtt_client_state) }
}

/// Waits for the `disconnect_notify` of the connection that just failed
/// (`seen` notifications were handled before).
pub(crate) fn await_notify(app: &App, handled: &mut u32, connects: &mut Connects) {
    let got = app
        .rec
        .wait_until(NOTIFY_WAIT, |s| s.disconnects > *handled);
    if !got {
        connects.missed_notifies += 1;
    }
    *handled = app.rec.seen.lock().unwrap().disconnects;
}

/// Connects with backoff between failed attempts; false when told to stop.
pub(crate) fn connect_with_backoff(
    app: &mut App,
    port: u16,
    first: &mut bool,
    connects: &mut Connects,
    shared: &Shared,
) -> bool {
    let mut backoff = Backoff::default();
    loop {
        if shared.stop.load(Ordering::SeqCst) {
            return false;
        }
        if !*first {
            backoff.wait();
            connects.attempts += 1;
        }
        let was_first = std::mem::replace(first, false);
        let status = app.connect(port, 60, NX_FALSE, CONNECT_WAIT);
        if status == NXD_MQTT_SUCCESS {
            if !was_first {
                connects.reconnects += 1;
            }
            return true;
        }
        // A refused or cut connect leaves the client idle; an application
        // just tries again.
        assert_ne!(
            status, NXD_MQTT_ALREADY_CONNECTED,
            "connect while connected"
        );
    }
}

pub(crate) fn publisher(port: u16, topic: &str, qos: UINT, shared: &Shared) -> Connects {
    let mut app = App::create(&format!("sweep-netx-pub-{}", std::process::id()));
    let mut connects = Connects::default();
    let mut first = true;
    let mut handled = 0u32;
    let mut connected = false;
    let mut next = 0u64;
    let mut tail_left = TAIL;
    while !shared.stop.load(Ordering::SeqCst) {
        if !connected {
            if !connect_with_backoff(&mut app, port, &mut first, &mut connects, shared) {
                break;
            }
            connected = true;
        }
        let keep = shared.keep_publishing.load(Ordering::SeqCst);
        if !keep && tail_left == 0 {
            // Everything is handed over; keep the session alive (the client
            // resends what is unacknowledged after each reconnect).
            if state(&app) != NXD_MQTT_CLIENT_STATE_CONNECTED {
                await_notify(&app, &mut handled, &mut connects);
                connected = false;
            } else {
                std::thread::sleep(Duration::from_millis(10));
            }
            continue;
        }
        let status = app.publish(topic, &payload(next), qos);
        match status {
            // A send cut by the connection loss still leaves the publish in
            // the session: the client resends it after the reconnect.
            NXD_MQTT_SUCCESS | NXD_MQTT_COMMUNICATION_FAILURE => {
                next += 1;
                shared.sent.store(next, Ordering::SeqCst);
                if !keep {
                    tail_left -= 1;
                    if tail_left == 0 {
                        shared.published_all.store(true, Ordering::SeqCst);
                    }
                }
            }
            NXD_MQTT_NOT_CONNECTED => {}
            other => panic!("nxd_mqtt_client_publish returned {other:#x}"),
        }
        if status != NXD_MQTT_SUCCESS {
            await_notify(&app, &mut handled, &mut connects);
            connected = false;
            continue;
        }
        if state(&app) != NXD_MQTT_CLIENT_STATE_CONNECTED {
            await_notify(&app, &mut handled, &mut connects);
            connected = false;
            continue;
        }
        // About a thousand messages a second at most.
        std::thread::sleep(Duration::from_millis(1));
    }
    connects
}

pub(crate) fn subscriber(
    direct: u16,
    via: u16,
    topic: &str,
    qos: UINT,
    shared: &Shared,
    app: &mut App,
) -> Connects {
    // The session and its subscription first, straight to the broker.
    assert_eq!(
        app.connect(direct, 60, NX_FALSE, CONNECT_WAIT),
        NXD_MQTT_SUCCESS
    );
    assert_eq!(app.subscribe(topic, qos), NXD_MQTT_SUCCESS);
    app.wait_suback();
    assert_eq!(app.disconnect(), NXD_MQTT_SUCCESS);
    let mut handled = 0;
    await_notify(app, &mut handled, &mut Connects::default());

    let mut connects = Connects::default();
    let mut first = true;
    while !shared.stop.load(Ordering::SeqCst) {
        if !connect_with_backoff(app, via, &mut first, &mut connects, shared) {
            break;
        }
        // Connected: the client thread delivers through receive_notify
        // until the connection is lost.
        while !shared.stop.load(Ordering::SeqCst) {
            if app
                .rec
                .wait_until(Duration::from_millis(50), |s| s.disconnects > handled)
            {
                handled = app.rec.seen.lock().unwrap().disconnects;
                break;
            }
        }
    }
    connects
}
