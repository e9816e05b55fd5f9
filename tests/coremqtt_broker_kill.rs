//! Broker kills with persistent sessions through the `MQTT_*` face (issue
//! 11, item 1).
//!
//! A persistent publisher and a persistent subscriber (clean session off,
//! the applications of the connection-reset sweep) talk to a real Mosquitto
//! that saves its database after every change; the test kills it with
//! SIGKILL and restarts it on the same port and directory at least five
//! times while messages flow. The publisher resends what is unacknowledged
//! with `MQTT_PublishToResend` after each reconnect, as coreMQTT
//! applications do. Each client talks through a relaying [`FaultProxy`]
//! with no fault planned, whose ledger records what the broker and the
//! clients acknowledged, so that a message the broker acknowledged and then
//! lost in a kill is told apart from one a client lost.
//!
//! CI runs five kills a second apart; `RSMQTT_KILLS=full`
//! (`scripts/broker-kills.sh`) publishes 10,000 messages per QoS.

mod common;
mod coremqtt_support;
#[path = "sweep_clients/coremqtt.rs"]
mod sweep_clients;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::kills::{check_and_report, KillPlan};
use common::proxy::*;
use common::{Broker, BrokerOptions};
use sweep_clients::*;

fn kill_run(qos: u32, mode: Resend) {
    let plan = KillPlan::from_env();
    let label = format!("coremqtt/{mode:?}");
    println!("{label} QoS {qos}: {plan:?}");
    let mut broker = Broker::start_with(BrokerOptions {
        durable: true,
        ..BrokerOptions::default()
    });
    let pub_proxy = FaultProxy::start(broker.addr());
    let sub_proxy = FaultProxy::start(broker.addr());
    let topic = format!("kills/coremqtt/{mode:?}/q{qos}");
    let deadline = Instant::now() + plan.deadline;

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

    let mut kills = 0u32;
    let mut timed_out = false;
    while kills < plan.kills || shared.sent.load(Ordering::SeqCst) < plan.messages {
        let next_kill = Instant::now() + plan.interval;
        while Instant::now() < next_kill {
            if Instant::now() > deadline || publ.is_finished() || sub.is_finished() {
                timed_out = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        if timed_out {
            break;
        }
        broker.kill_and_restart();
        kills += 1;
    }
    shared.keep_publishing.store(false, Ordering::SeqCst);
    // Wait for the tail and every message; a message the broker lost never
    // comes, so give up once nothing new arrived for 10 s.
    let mut last = (0, Instant::now());
    if !timed_out {
        loop {
            let received = shared.deliveries.lock().unwrap().distinct();
            if shared.published_all.load(Ordering::SeqCst)
                && received >= shared.sent.load(Ordering::SeqCst)
            {
                break;
            }
            if received != last.0 {
                last = (received, Instant::now());
            }
            if last.1.elapsed() > Duration::from_secs(10)
                || Instant::now() > deadline
                || publ.is_finished()
                || sub.is_finished()
            {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    timed_out |= Instant::now() > deadline;
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
    println!("  publisher {pub_connects:?}");
    println!("  subscriber {sub_connects:?}");
    check_and_report(
        &label,
        qos,
        kills,
        &tally,
        &missing,
        &ps,
        &ss,
        (pub_connects.reconnects, sub_connects.reconnects),
    );
    assert!(
        !timed_out,
        "{label} QoS {qos}: the run did not finish in time ({kills} kills)"
    );
    assert!(kills >= plan.kills);
    assert!(sent >= plan.messages, "{label}: only {sent} messages sent");
}

#[test]
fn broker_kills_qos1_application_resend() {
    kill_run(1, Resend::Application);
}

#[test]
fn broker_kills_qos2_application_resend() {
    kill_run(2, Resend::Application);
}
