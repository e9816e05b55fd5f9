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
#[path = "sweep_clients/netx.rs"]
mod sweep_clients;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::proxy::*;
use common::Broker;
use harness::*;
use rsmqtt::netx::threadx::*;
use sweep_clients::*;

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
