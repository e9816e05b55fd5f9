//! Connection-reset sweep through the `nxd_mqtt_client_*` face (issues 11
//! and 13).
//!
//! A persistent publisher and a persistent subscriber (clean session off)
//! talk to a real Mosquitto through two [`FaultProxy`]s that cut their
//! connections after N bytes: every N of the first 150 bytes in each
//! direction, then random later positions. The applications are what a NetX
//! Duo application is: `nxd_mqtt_client_publish` from an application thread,
//! messages drained from `receive_notify`, and after `disconnect_notify`
//! a new `nxd_mqtt_client_connect` with the session kept (the client resends
//! unacknowledged publishes itself), with backoff when a connect fails.
//!
//! Nothing may be lost, QoS 2 may not deliver a duplicate, and each fault
//! costs one reconnect (no storm). CI runs a spread of positions;
//! `RSMQTT_SWEEP=full` (`scripts/reset-sweep.sh`) runs all of them.
//! `RSMQTT_SWEEP_SEED` repeats a run's random positions.

mod common;
#[path = "netx/harness.rs"]
mod harness;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::proxy::*;
use common::Broker;
use harness::*;
use rsmqtt::netx::client_block::*;
use rsmqtt::netx::nx_types::*;
use rsmqtt::netx::threadx::*;

/// Messages published after the last fault fired.
const TAIL: u64 = 20;
/// Connect wait per attempt: 2 s in ticks.
const CONNECT_WAIT: ULONG = 2 * NX_IP_PERIODIC_RATE;
/// How long an application waits for `disconnect_notify` after a failed
/// call before it reconnects anyway (it never should have to).
const NOTIFY_WAIT: Duration = Duration::from_secs(5);

#[derive(Default)]
struct Shared {
    keep_publishing: AtomicBool,
    sent: AtomicU64,
    published_all: AtomicBool,
    stop: AtomicBool,
}

/// Connect attempts after the first, how many succeeded, and how often the
/// application had to give up waiting for `disconnect_notify`.
#[derive(Default, Debug)]
struct Connects {
    attempts: u64,
    reconnects: u64,
    missed_notifies: u64,
}

/// The client's state as the block shows it.
fn state(app: &App) -> UINT {
    // SAFETY: a field of the live block, which the library updates from its
    // own thread; read as a whole word.
    unsafe { std::ptr::read_volatile(&app.client.nxd_mqtt_client_state) }
}

/// Waits for the `disconnect_notify` of the connection that just failed
/// (`seen` notifications were handled before).
fn await_notify(app: &App, handled: &mut u32, connects: &mut Connects) {
    let got = app
        .rec
        .wait_until(NOTIFY_WAIT, |s| s.disconnects > *handled);
    if !got {
        connects.missed_notifies += 1;
    }
    *handled = app.rec.seen.lock().unwrap().disconnects;
}

/// Connects with backoff between failed attempts; false when told to stop.
fn connect_with_backoff(
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

fn publisher(port: u16, topic: &str, qos: UINT, shared: &Shared) -> Connects {
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

fn subscriber(
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

fn sweep(qos: UINT) {
    let size = SweepSize::from_env();
    let seed = sweep_seed();
    let label = "netx";
    println!("{label} QoS {qos}: {size:?} sweep, RSMQTT_SWEEP_SEED={seed}");
    let mut rng = Rng::new(seed);
    let broker = Broker::start();
    let pub_proxy = FaultProxy::start(broker.addr());
    let sub_proxy = FaultProxy::start(broker.addr());
    let pub_plan = sweep_plan(size, &mut rng);
    let sub_plan = sweep_plan(size, &mut rng);
    let planned = (pub_plan.len() + sub_plan.len()) as u64;
    pub_proxy.push_plan(pub_plan);
    sub_proxy.push_plan(sub_plan);
    let topic = format!("sweep/netx/q{qos}");
    let deadline = Instant::now()
        + match size {
            SweepSize::Full => Duration::from_secs(900),
            SweepSize::Short => Duration::from_secs(90),
        };

    let shared = Arc::new(Shared::default());
    shared.keep_publishing.store(true, Ordering::SeqCst);
    let (rec_tx, rec_rx) = std::sync::mpsc::channel();
    let sub = {
        let (shared, topic) = (shared.clone(), topic.clone());
        let (direct, via) = (broker.port, sub_proxy.addr.port());
        std::thread::spawn(move || {
            let mut app = App::create(&format!("sweep-netx-sub-{}", std::process::id()));
            rec_tx.send(app.rec.clone()).unwrap();
            subscriber(direct, via, &topic, qos, &shared, &mut app)
        })
    };
    let rec = rec_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("subscriber created");
    // Wait for the subscription before anything is published.
    assert!(
        rec.wait_until(Duration::from_secs(10), |s| s.disconnects >= 1),
        "subscriber session set up"
    );
    let publ = {
        let (shared, topic, port) = (shared.clone(), topic.clone(), pub_proxy.addr.port());
        std::thread::spawn(move || publisher(port, &topic, qos, &shared))
    };

    let distinct = || {
        let seen = rec.seen.lock().unwrap();
        let mut d = Deliveries::default();
        for (_, body) in &seen.messages {
            d.note(message_number(body).expect("a sweep payload"));
        }
        d
    };
    let fired = || pub_proxy.stats().faults + sub_proxy.stats().faults;
    let mut timed_out = false;
    while fired() < planned {
        if Instant::now() > deadline || publ.is_finished() || sub.is_finished() {
            timed_out = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    shared.keep_publishing.store(false, Ordering::SeqCst);
    let all_delivered = || {
        shared.published_all.load(Ordering::SeqCst)
            && distinct().distinct() >= shared.sent.load(Ordering::SeqCst)
    };
    while !timed_out && !all_delivered() {
        if Instant::now() > deadline || publ.is_finished() || sub.is_finished() {
            timed_out = true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // Late duplicates would show up now.
    std::thread::sleep(Duration::from_millis(300));
    shared.stop.store(true, Ordering::SeqCst);
    let pub_connects = publ.join().expect("publisher thread");
    let sub_connects = sub.join().expect("subscriber thread");
    let sent = shared.sent.load(Ordering::SeqCst);
    let d = distinct();
    let missing = d.missing(sent);
    let tally = Tally {
        sent,
        received: d.distinct(),
        duplicates: d.duplicates,
        lost: missing.len() as u64,
        reconnect_attempts: pub_connects.attempts + sub_connects.attempts,
        reconnects: pub_connects.reconnects + sub_connects.reconnects,
    };
    let (ps, ss) = (pub_proxy.stats(), sub_proxy.stats());
    println!("  publisher {pub_connects:?} proxy {ps:?}");
    println!("  subscriber {sub_connects:?} proxy {ss:?}");
    check_and_report(
        label,
        qos,
        &tally,
        &[&ps, &ss],
        &missing,
        Duration::from_secs(5),
    );
    assert_eq!(
        pub_connects.missed_notifies + sub_connects.missed_notifies,
        0,
        "a lost connection without disconnect_notify"
    );
    assert!(
        !timed_out,
        "{label} QoS {qos}: the sweep did not finish in time ({} of {planned} faults fired)",
        ps.faults + ss.faults
    );
    assert_eq!(ps.faults + ss.faults, planned);
}

#[test]
fn reset_sweep_qos1() {
    sweep(1);
}

#[test]
fn reset_sweep_qos2() {
    sweep(2);
}
