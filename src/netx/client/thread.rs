//! The client thread: waits for data without the engine lock, lets the
//! engine handle what arrived and keep the connection alive, and delivers
//! the resulting messages and acknowledgements to the application.

use super::*;

impl Client {
    /// The client thread.
    pub(super) fn run(self: Arc<Self>) {
        loop {
            let request = {
                let mut shared = lock(&self.shared);
                if shared.stop {
                    break;
                }
                shared.pending.take()
            };
            if let Some(request) = request {
                self.do_connect(request);
                continue;
            }
            self.service();
        }
        let mut shared = lock(&self.shared);
        shared.connecting = false;
        if shared.connect_result.is_none() {
            shared.connect_result = Some(NXD_MQTT_CLIENT_NOT_RUNNING);
        }
        drop(shared);
        self.wake.notify_all();
    }

    /// One round of the client thread while no connect is pending: wait for
    /// data (without the lock), then let the engine process what arrived,
    /// send keep-alives and detect a dead connection.
    pub(super) fn service(&self) {
        let (full, ping_timeout) = {
            let shared = lock(&self.shared);
            (shared.queue.is_full(), shared.ping_timeout)
        };
        let fd = self.fd.load(Ordering::SeqCst);
        if fd < 0 || full {
            // Nothing to read, or the queue is full: leave the data in the
            // socket so TCP flow control holds the broker back.
            let shared = lock(&self.shared);
            if !shared.stop && shared.pending.is_none() {
                let _ = self.wake.wait_timeout(shared, POLL_INTERVAL);
            }
            return;
        }
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd; a stale descriptor only yields a spurious
        // wake-up, after which the engine (under its lock) decides.
        unsafe { libc::poll(&mut pfd, 1, POLL_INTERVAL.as_millis() as libc::c_int) };

        let mut lost = false;
        let mut events = Vec::new();
        {
            let mut engine = lock(&self.engine);
            if !engine.connected {
                return;
            }
            for _ in 0..PACKETS_PER_ROUND {
                let (queued, limit) = {
                    let shared = lock(&self.shared);
                    (shared.queue.len(), shared.queue.limit())
                };
                if queued + events_publishes(&events) + engine_publishes(&engine) >= limit {
                    break;
                }
                engine.link.bytes_in = 0;
                if let Err(error) = engine::process::run(&mut *engine, true) {
                    // A malformed packet carries `wire`'s reason.
                    log::warn!("rsmqtt: connection lost ({error:?})");
                    lost = true;
                    break;
                }
                let more = engine.link.bytes_in > 0
                    || engine
                        .link
                        .stream
                        .as_mut()
                        .is_some_and(Stream::has_buffered_plaintext);
                if !more {
                    break;
                }
            }
            let ping = engine.ping_outstanding();
            if let (false, Some(sent)) = (lost, ping) {
                let waited = now_ms().wrapping_sub(sent);
                self.set_block_field(
                    // SAFETY: field of the live block.
                    |b| unsafe { core::ptr::addr_of_mut!((*b).nxd_mqtt_ping_not_responded) },
                    1,
                );
                if u128::from(waited) > ping_timeout.as_millis() {
                    log::warn!("rsmqtt: no PINGRESP within {ping_timeout:?}; disconnecting");
                    lost = true;
                }
            } else {
                self.set_block_field(
                    // SAFETY: field of the live block.
                    |b| unsafe { core::ptr::addr_of_mut!((*b).nxd_mqtt_ping_not_responded) },
                    0,
                );
            }
            events.append(&mut engine.events);
            if lost {
                engine.drop_connection();
                self.fd.store(-1, Ordering::SeqCst);
                *lock(&self.interrupt) = None;
            }
        }
        self.deliver(events);
        if lost {
            self.set_state(NXD_MQTT_CLIENT_STATE_IDLE);
            let notify = lock(&self.shared).disconnect_notify;
            if let Some(notify) = notify {
                // SAFETY: the application's callback, no lock held.
                unsafe { notify(self.block()) };
            }
        }
    }

    /// Queues received messages and runs the application's notifications
    /// (no lock held while they run).
    pub(super) fn deliver(&self, events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        let mut acked = false;
        for event in events {
            match event {
                Event::Publish(message) => {
                    let (notify, depth) = {
                        let mut shared = lock(&self.shared);
                        shared.queue.push(message);
                        (shared.receive_notify, shared.queue.len() as UINT)
                    };
                    self.set_block_field(
                        // SAFETY: field of the live block.
                        |b| unsafe { core::ptr::addr_of_mut!((*b).message_receive_queue_depth) },
                        depth,
                    );
                    if let Some(notify) = notify {
                        // SAFETY: the application's callback, no lock held.
                        unsafe { notify(self.block(), depth) };
                    }
                }
                Event::Ack { kind, packet_id } => {
                    acked = true;
                    let (notify, context) = {
                        let shared = lock(&self.shared);
                        (shared.ack_notify, shared.ack_context)
                    };
                    if let Some(notify) = notify {
                        // SAFETY: the application's callback, no lock held.
                        unsafe {
                            notify(
                                self.block(),
                                kind,
                                packet_id as USHORT,
                                core::ptr::null_mut(),
                                context as *mut c_void,
                            )
                        };
                    }
                }
            }
        }
        if acked {
            // A publisher may be waiting for a free state record.
            self.wake.notify_all();
        }
    }
}

pub(super) fn events_publishes(events: &[Event]) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, Event::Publish(_)))
        .count()
}

pub(super) fn engine_publishes(engine: &Engine) -> usize {
    events_publishes(&engine.events)
}
