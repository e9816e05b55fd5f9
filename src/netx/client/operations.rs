//! The NetX calls that act on a connected client: publish, subscribe and
//! unsubscribe, taking a received message, and disconnecting.

use super::*;

impl Client {
    /// Publishes; returns once the PUBLISH is sent. QoS 1/2 wait up to
    /// `wait_option` for a free state record when many are in flight.
    pub fn publish(
        &self,
        topic: &[u8],
        payload: &[u8],
        retain: bool,
        qos: u32,
        wait_option: ULONG,
    ) -> UINT {
        if u16::try_from(topic.len()).is_err() {
            return NXD_MQTT_INVALID_PARAMETER;
        }
        let deadline = deadline_after(wait_option);
        loop {
            if self.connecting() {
                return NXD_MQTT_NOT_CONNECTED;
            }
            let mut engine = lock(&self.engine);
            if !engine.connected {
                return NXD_MQTT_NOT_CONNECTED;
            }
            let in_flight = engine.outgoing.iter().filter(|r| r.packetId != 0).count();
            let status = if qos > 0 && in_flight >= self.inflight_limit.load(Ordering::Relaxed) {
                // The window is full: wait like for a full record table.
                (Err(EngineError::NoMemory), 0)
            } else {
                match MQTTQoS::from_raw(qos) {
                    None => (Err(EngineError::BadParameter), 0),
                    Some(qos) => {
                        let id = if qos == MQTTQoS::MQTTQoS0 {
                            0
                        } else {
                            engine::next_packet_id(&mut *engine)
                        };
                        let publish = Publish {
                            qos,
                            retain,
                            dup: false,
                            topic,
                            payload,
                        };
                        (engine::publish::publish(&mut *engine, &publish, id), id)
                    }
                }
            };
            drop(engine);
            let (status, id) = status;
            if status == Err(EngineError::NoMemory) && qos > 0 {
                let expired = deadline.is_some_and(|d| Instant::now() >= d);
                if expired {
                    return NXD_MQTT_PACKET_POOL_EMPTY;
                }
                // Wait for an acknowledgement to free a record.
                let shared = lock(&self.shared);
                let _ = self.wake.wait_timeout(shared, Duration::from_millis(5));
                continue;
            }
            let result = send_status(status);
            if result == NXD_MQTT_SUCCESS && qos > 0 {
                self.set_block_field(
                    // SAFETY: field of the live block.
                    |b| unsafe { core::ptr::addr_of_mut!((*b).nxd_mqtt_client_packet_identifier) },
                    UINT::from(id),
                );
            }
            return result;
        }
    }

    /// Subscribes (`subscribe` true) or unsubscribes one topic filter;
    /// returns once the packet is sent.
    pub fn sub_unsub(&self, subscribe: bool, filter: &[u8], qos: u32) -> UINT {
        if u16::try_from(filter.len()).is_err() {
            return NXD_MQTT_INVALID_PARAMETER;
        }
        if self.connecting() {
            return NXD_MQTT_NOT_CONNECTED;
        }
        let mut engine = lock(&self.engine);
        if !engine.connected {
            return NXD_MQTT_NOT_CONNECTED;
        }
        let Some(qos) = MQTTQoS::from_raw(qos) else {
            return NXD_MQTT_INVALID_PARAMETER;
        };
        let kind = if subscribe {
            SubscriptionKind::Subscribe
        } else {
            SubscriptionKind::Unsubscribe
        };
        let id = engine::next_packet_id(&mut *engine);
        let entry = Subscription { qos, filter };
        let status = engine::subscribe::send(&mut *engine, kind, 1, &|_| Some(entry), id);
        drop(engine);
        let result = send_status(status);
        if result == NXD_MQTT_SUCCESS {
            self.set_block_field(
                // SAFETY: field of the live block.
                |b| unsafe { core::ptr::addr_of_mut!((*b).nxd_mqtt_client_packet_identifier) },
                UINT::from(id),
            );
        }
        result
    }

    /// Copies the oldest queued message out (see [`ReceiveQueue::take`]).
    pub fn message_get(&self, topic: &mut [u8], payload: &mut [u8]) -> (UINT, usize, usize) {
        let mut shared = lock(&self.shared);
        let was_full = shared.queue.is_full();
        let result = match shared.queue.take(topic, payload) {
            crate::netx::queue::Take::Empty => (NXD_MQTT_NO_MESSAGE, 0, 0),
            crate::netx::queue::Take::TooSmall {
                topic_len,
                payload_len,
            } => (NXD_MQTT_INSUFFICIENT_BUFFER_SPACE, topic_len, payload_len),
            crate::netx::queue::Take::Copied {
                topic_len,
                payload_len,
            } => (NXD_MQTT_SUCCESS, topic_len, payload_len),
        };
        let depth = shared.queue.len() as UINT;
        drop(shared);
        self.set_block_field(
            // SAFETY: field of the live block.
            |b| unsafe { core::ptr::addr_of_mut!((*b).message_receive_queue_depth) },
            depth,
        );
        if was_full {
            // The client thread may resume reading the socket.
            self.wake.notify_all();
        }
        result
    }

    /// The application's disconnect: sends DISCONNECT, closes the
    /// connection, drops queued messages and the login and will settings,
    /// then calls the disconnect notification.
    pub fn disconnect(&self) -> UINT {
        if self.connecting() {
            // Abort the attempt: its socket is cut, the connect fails and
            // reports as usual (its caller or connect_notify).
            if let Some(tcp) = lock(&self.interrupt).take() {
                let _ = tcp.shutdown(std::net::Shutdown::Both);
                return NXD_MQTT_SUCCESS;
            }
            return NXD_MQTT_NOT_CONNECTED;
        }
        let mut engine = lock(&self.engine);
        if !engine.connected {
            return NXD_MQTT_NOT_CONNECTED;
        }
        let _ = engine::connect::disconnect(&mut *engine);
        engine.drop_connection();
        self.fd.store(-1, Ordering::SeqCst);
        *lock(&self.interrupt) = None;
        let notify = {
            let mut shared = lock(&self.shared);
            shared.queue.clear();
            shared.login = None;
            shared.will = None;
            shared.disconnect_notify
        };
        drop(engine);
        self.clear_login_fields();
        self.set_block_field(
            // SAFETY: field of the live block.
            |b| unsafe { core::ptr::addr_of_mut!((*b).message_receive_queue_depth) },
            0,
        );
        self.set_state(NXD_MQTT_CLIENT_STATE_IDLE);
        if let Some(notify) = notify {
            // SAFETY: the application's registered callback, called with its
            // own block and no lock held.
            unsafe { notify(self.block()) };
        }
        NXD_MQTT_SUCCESS
    }

    pub(super) fn clear_login_fields(&self) {
        // SAFETY: the block is live; these pointer fields are only written by
        // the application's own login_set/will_message_set calls, which it
        // does not run concurrently with disconnect.
        unsafe {
            let b = &mut *self.block();
            b.nxd_mqtt_client_username = core::ptr::null_mut();
            b.nxd_mqtt_client_username_length = 0;
            b.nxd_mqtt_client_password = core::ptr::null_mut();
            b.nxd_mqtt_client_password_length = 0;
            b.nxd_mqtt_client_will_topic = core::ptr::null();
            b.nxd_mqtt_client_will_topic_length = 0;
            b.nxd_mqtt_client_will_message = core::ptr::null();
            b.nxd_mqtt_client_will_message_length = 0;
            b.nxd_mqtt_client_will_qos_retain = 0;
        }
    }
}
