//! Connection-reset sweep through the `MQTT_*` face (issues 11 and 13).
//!
//! A persistent publisher and a persistent subscriber (clean session off)
//! talk to a real Mosquitto through two [`FaultProxy`]s that cut their
//! connections after N bytes: every N of the first 150 bytes in each
//! direction, then random later positions. The applications are what a
//! coreMQTT application is: one thread per context, `MQTT_ProcessLoop`,
//! and on any failure `MQTT_Disconnect`, a new socket after a backoff and
//! `MQTT_Connect` with the session kept. The publisher either registers
//! `MQTT_InitRetransmits` (the library resends on resumption) or resends
//! itself with `MQTT_PublishToResend` and `MQTT_Publish(dup = true)`.
//!
//! Nothing may be lost, QoS 2 may not deliver a duplicate, and each fault
//! costs one reconnect (no storm). CI runs a spread of positions;
//! `RSMQTT_SWEEP=full` (`scripts/reset-sweep.sh`) runs all of them.
//! `RSMQTT_SWEEP_SEED` repeats a run's random positions.

mod common;
mod coremqtt_support;
#[path = "sweep_clients/coremqtt.rs"]
mod sweep_clients;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::proxy::*;
use common::Broker;
use sweep_clients::*;

fn sweep(qos: u32, mode: Resend) {
    let size = SweepSize::from_env();
    let seed = sweep_seed();
    let label = format!("coremqtt/{mode:?}");
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
    let topic = format!("sweep/coremqtt/{mode:?}/q{qos}");
    let deadline = Instant::now()
        + match size {
            SweepSize::Full => Duration::from_secs(900),
            SweepSize::Short => Duration::from_secs(90),
        };

    let shared = Arc::new(Shared::default());
    shared.keep_publishing.store(true, Ordering::SeqCst);
    let (ready_tx, ready) = std::sync::mpsc::channel();
    let sub = {
        let (shared, topic, via) = (shared.clone(), topic.clone(), sub_proxy.addr);
        let direct = broker.addr();
        std::thread::spawn(move || subscriber(direct, via, &topic, qos, &shared, ready_tx))
    };
    ready
        .recv_timeout(Duration::from_secs(10))
        .expect("subscriber session set up");
    let publ = {
        let (shared, topic, addr) = (shared.clone(), topic.clone(), pub_proxy.addr);
        std::thread::spawn(move || publisher(addr, &topic, qos, mode, &shared))
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
            && shared.deliveries.lock().unwrap().distinct() >= shared.sent.load(Ordering::SeqCst)
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
    let d = shared.deliveries.lock().unwrap();
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
        &label,
        qos,
        &tally,
        &[&ps, &ss],
        &missing,
        Duration::from_secs(5),
    );
    assert!(
        !timed_out,
        "{label} QoS {qos}: the sweep did not finish in time ({} of {planned} faults fired)",
        ps.faults + ss.faults
    );
    assert_eq!(ps.faults + ss.faults, planned);
}

#[test]
fn reset_sweep_qos1_retransmit_callbacks() {
    sweep(1, Resend::Callbacks);
}

#[test]
fn reset_sweep_qos2_retransmit_callbacks() {
    sweep(2, Resend::Callbacks);
}

#[test]
fn reset_sweep_qos1_application_resend() {
    sweep(1, Resend::Application);
}

#[test]
fn reset_sweep_qos2_application_resend() {
    sweep(2, Resend::Application);
}
