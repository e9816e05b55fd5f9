//! The broker-kill test's plan and report (issue 11, item 1): how many kills
//! and messages a run makes, and who lost what when the counts disagree.
#![allow(dead_code)]

use std::time::Duration;

use super::proxy::{ProxyStats, Tally};

/// How long a kill run is: `RSMQTT_KILLS=full` publishes 10,000 messages
/// and kills the broker every 2 s on the way; otherwise (CI) five kills a
/// second apart and at least 300 messages.
#[derive(Clone, Copy, Debug)]
pub struct KillPlan {
    /// Kills at least.
    pub kills: u32,
    /// Time between kills.
    pub interval: Duration,
    /// Messages published at least before the publisher stops.
    pub messages: u64,
    /// The whole run must end by then.
    pub deadline: Duration,
}

impl KillPlan {
    /// From `RSMQTT_KILLS`.
    pub fn from_env() -> KillPlan {
        match std::env::var("RSMQTT_KILLS").as_deref() {
            Ok("full") => KillPlan {
                kills: 5,
                interval: Duration::from_secs(2),
                messages: 10_000,
                deadline: Duration::from_secs(900),
            },
            _ => KillPlan {
                kills: 5,
                interval: Duration::from_secs(1),
                messages: 300,
                deadline: Duration::from_secs(60),
            },
        }
    }
}

/// Messages missing at the subscriber, split by who had them last.
#[derive(Debug, Default)]
pub struct Losses {
    /// Never acknowledged by the broker: the publishing client should have
    /// sent them again.
    pub publisher: Vec<u64>,
    /// Acknowledged by the subscribing client but never handed to its
    /// application.
    pub subscriber: Vec<u64>,
    /// Acknowledged by the broker and never acknowledged by the subscriber:
    /// the broker lost them (a kill before its database was saved).
    pub broker: Vec<u64>,
    /// Of those, the ones the broker sent under a packet id the subscriber
    /// may still have held for another message (see
    /// `ProxyStats::sent_on_held_id`).
    pub broker_on_held_id: usize,
}

/// Splits `missing` with what the two proxies saw.
pub fn classify(missing: &[u64], publisher: &ProxyStats, subscriber: &ProxyStats) -> Losses {
    let mut losses = Losses::default();
    for &n in missing {
        if !publisher.broker_acknowledged.contains(&n) {
            losses.publisher.push(n);
        } else if subscriber.sent_on_held_id.contains(&n) {
            losses.broker.push(n);
            losses.broker_on_held_id += 1;
        } else if subscriber.client_acknowledged.contains(&n) {
            losses.subscriber.push(n);
        } else {
            losses.broker.push(n);
        }
    }
    losses
}

/// Prints the run's KILLS line and checks that the clients lost nothing,
/// delivered no QoS 2 duplicate that the broker did not cause, and came
/// back after every kill. Losses the broker caused are reported, not
/// failed: Mosquitto acknowledges before it saves, and a SIGKILL between
/// the two takes the message with it.
#[allow(clippy::too_many_arguments)]
pub fn check_and_report(
    label: &str,
    qos: u32,
    kills: u32,
    tally: &Tally,
    missing: &[u64],
    publisher: &ProxyStats,
    subscriber: &ProxyStats,
    reconnects: (u64, u64),
) {
    let losses = classify(missing, publisher, subscriber);
    let broker_dups =
        subscriber.qos2_publish_after_pubrel + subscriber.qos2_redelivered_after_pubrec;
    println!(
        "KILLS {label} qos={qos}: sent={} received={} duplicates={} lost={} \
         (client={} broker={} of which on a held packet id {}) kills={kills} reconnect_attempts={} reconnects={} \
         (publisher={} subscriber={}) broker_acknowledged={} broker_qos2_redeliveries={broker_dups}",
        tally.sent,
        tally.received,
        tally.duplicates,
        tally.lost,
        losses.publisher.len() + losses.subscriber.len(),
        losses.broker.len(),
        losses.broker_on_held_id,
        tally.reconnect_attempts,
        tally.reconnects,
        reconnects.0,
        reconnects.1,
        publisher.broker_acknowledged.len(),
    );
    assert!(
        losses.publisher.is_empty(),
        "{label} QoS {qos}: the publisher lost {} messages the broker never acknowledged, \
         first {:?}",
        losses.publisher.len(),
        &losses.publisher[..losses.publisher.len().min(20)]
    );
    assert!(
        losses.subscriber.is_empty(),
        "{label} QoS {qos}: the subscriber acknowledged {} messages it never delivered, \
         first {:?}",
        losses.subscriber.len(),
        &losses.subscriber[..losses.subscriber.len().min(20)]
    );
    if qos == 2 {
        assert!(
            tally.duplicates <= broker_dups,
            "{label}: {} QoS 2 duplicates delivered, only {broker_dups} explained by the \
             broker sending a message again after the subscriber had completed it",
            tally.duplicates
        );
    }
    assert!(
        reconnects.0 >= u64::from(kills) && reconnects.1 >= u64::from(kills),
        "{label} QoS {qos}: {kills} kills but reconnects {reconnects:?}"
    );
}
