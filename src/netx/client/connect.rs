//! Connecting a NetX client: the request hand-off to the client thread, the
//! TCP connection, the optional TLS handshake (with the application's NetX
//! Secure setup) and CONNECT/CONNACK through the engine.

use super::*;

impl Client {
    /// Starts a connection. `tls` is the setup callback for
    /// `secure_connect`. Blocks until done unless `wait_option` is
    /// `NX_NO_WAIT` (then `NX_IN_PROGRESS`; completion goes to
    /// `nxd_mqtt_connect_notify`).
    pub fn connect(
        &self,
        server: SocketAddr,
        tls: Option<NXD_MQTT_TLS_SETUP>,
        keepalive: UINT,
        clean_session: bool,
        wait_option: ULONG,
    ) -> UINT {
        let Ok(keepalive) = u16::try_from(keepalive) else {
            return NXD_MQTT_INVALID_PARAMETER;
        };
        let block = self.block();
        // SAFETY: the block is live; these fields are written by the
        // application before it calls connect.
        let (client_id, notify, notify_context, ack_notify, ack_context, ping_ticks) = unsafe {
            let b = &*block;
            let id = if b.nxd_mqtt_client_id.is_null() || b.nxd_mqtt_client_id_length == 0 {
                Vec::new()
            } else {
                core::slice::from_raw_parts(
                    b.nxd_mqtt_client_id as *const u8,
                    b.nxd_mqtt_client_id_length as usize,
                )
                .to_vec()
            };
            (
                id,
                b.nxd_mqtt_connect_notify,
                b.nxd_mqtt_connect_context as usize,
                b.nxd_mqtt_ack_receive_notify,
                b.nxd_mqtt_ack_receive_context as usize,
                b.nxd_mqtt_ping_timeout,
            )
        };
        if client_id.len() > usize::from(u16::MAX) {
            return NXD_MQTT_INVALID_PARAMETER;
        }
        if self.connecting() {
            return NXD_MQTT_CONNECTING;
        }
        {
            let engine = lock(&self.engine);
            if engine.connected {
                return NXD_MQTT_ALREADY_CONNECTED;
            }
            let mut shared = lock(&self.shared);
            if shared.stop {
                return NXD_MQTT_CLIENT_NOT_RUNNING;
            }
            if shared.connecting {
                return NXD_MQTT_CONNECTING;
            }
            let ping_timeout = Duration::from_millis(u64::from(ping_ticks.max(1)) * MS_PER_TICK);
            shared.ping_timeout = ping_timeout;
            shared.ack_notify = ack_notify;
            shared.ack_context = ack_context;
            shared.connecting = true;
            shared.connect_result = None;
            shared.pending = Some(ConnectRequest {
                server,
                keepalive,
                clean_session,
                deadline: if wait_option == NX_NO_WAIT {
                    Instant::now().checked_add(ASYNC_CONNECT_TIMEOUT)
                } else {
                    deadline_after(wait_option)
                },
                tls,
                client_id,
                blocking: wait_option != NX_NO_WAIT,
                notify,
                notify_context,
            });
        }
        self.set_state(NXD_MQTT_CLIENT_STATE_CONNECTING);
        self.wake.notify_all();
        if wait_option == NX_NO_WAIT {
            return NX_IN_PROGRESS;
        }
        if self.thread_id.get() == Some(&std::thread::current().id()) {
            // Called from a callback on the client thread (say, reconnecting
            // from disconnect_notify): that thread cannot also serve the
            // request, so the connect runs right here.
            let request = lock(&self.shared).pending.take();
            if let Some(request) = request {
                self.do_connect(request);
            }
        }
        let mut shared = lock(&self.shared);
        loop {
            if let Some(result) = shared.connect_result.take() {
                return result;
            }
            if shared.stop && shared.pending.is_none() && !shared.connecting {
                return NXD_MQTT_CLIENT_NOT_RUNNING;
            }
            shared = self
                .wake
                .wait_timeout(shared, POLL_INTERVAL)
                .map(|(g, _)| g)
                .unwrap_or_else(|p| p.into_inner().0);
        }
    }

    /// Carries out a connect request on the client thread.
    pub(super) fn do_connect(&self, request: ConnectRequest) {
        let (status, connack_seen) = self.establish(&request);
        if status == NXD_MQTT_SUCCESS {
            self.set_state(NXD_MQTT_CLIENT_STATE_CONNECTED);
        } else {
            self.set_state(NXD_MQTT_CLIENT_STATE_IDLE);
        }
        {
            let mut shared = lock(&self.shared);
            shared.connecting = false;
            if request.blocking {
                shared.connect_result = Some(status);
            }
        }
        self.wake.notify_all();
        if !request.blocking || connack_seen {
            if let Some(notify) = request.notify {
                // SAFETY: the application's callback, no lock held.
                unsafe { notify(self.block(), status, request.notify_context as *mut c_void) };
            }
        }
    }

    /// TCP connect, optional TLS handshake, then MQTT CONNECT/CONNACK.
    /// Returns the NetX status and whether a CONNACK arrived.
    pub(super) fn establish(&self, request: &ConnectRequest) -> (UINT, bool) {
        let limit = request
            .deadline
            .map(|_| Duration::from_millis(u64::from(remaining_ms(request.deadline, u32::MAX))));
        let tcp = match tcp::connect_addr(request.server, limit) {
            Ok(tcp) => tcp,
            Err(e) => {
                log::error!("rsmqtt: TCP {e}");
                return (NXD_MQTT_CONNECT_FAILURE, false);
            }
        };
        *lock(&self.interrupt) = tcp.try_clone().ok();
        if self.stopping.load(Ordering::SeqCst) {
            return (NXD_MQTT_CLIENT_NOT_RUNNING, false);
        }
        let stream = match request.tls {
            None => Stream::Plain(tcp),
            Some(setup) => match self.secure(tcp, setup, request) {
                Ok(stream) => stream,
                Err(code) => return (code, false),
            },
        };

        let (username, password, will) = {
            let shared = lock(&self.shared);
            let (u, p) = match &shared.login {
                Some((u, p)) => (Some(u.clone()), p.clone()),
                None => (None, None),
            };
            (u, p, shared.will.clone())
        };
        let fd = stream.raw_fd();
        let mut engine = lock(&self.engine);
        engine.link.install(stream);
        let Some(will_qos) = will
            .as_ref()
            .map_or(Some(MQTTQoS::MQTTQoS0), |w| MQTTQoS::from_raw(w.qos))
        else {
            // will_message_set refuses such a QoS; as the engine would.
            engine.drop_connection();
            *lock(&self.interrupt) = None;
            return (NXD_MQTT_CONNECT_FAILURE, false);
        };
        let params = Connect {
            clean_session: request.clean_session,
            keep_alive_seconds: request.keepalive,
            client_id: &request.client_id,
            user_name: username.as_deref(),
            password: password.as_deref(),
        };
        let will_params = will.as_ref().map(|w| WillParams {
            qos: will_qos,
            retain: w.retain,
            topic: &w.topic,
            payload: &w.message,
        });
        let timeout = remaining_ms(request.deadline, u32::MAX / 2);
        let result = engine::connect::connect(&mut *engine, &params, will_params.as_ref(), timeout);
        // Whether the broker answered with a CONNACK (accepted, refused or
        // malformed); a blocking connect then also reports to connect_notify.
        let connack_seen = matches!(
            result,
            Ok(_) | Err(EngineError::Refused(_) | EngineError::Malformed(_))
        );
        if let Err(error) = result {
            let tls_error = engine.link.tls_error.take();
            engine.drop_connection();
            *lock(&self.interrupt) = None;
            let code = match (error, tls_error) {
                (EngineError::Refused(code), _) => {
                    NXD_MQTT_ERROR_CONNECT_RETURN_CODE + UINT::from(code as u8)
                }
                // The broker ended the TLS session instead of answering, as
                // it does when it rejects the client certificate.
                (EngineError::Malformed(_), _) => NXD_MQTT_SERVER_MESSAGE_FAILURE,
                (_, Some(tls)) => {
                    log::error!("rsmqtt: TLS failure while waiting for CONNACK: {tls}");
                    rustls_config::handshake_error(&ConnectError::from_tls(&tls))
                }
                (EngineError::SendFailed, None) => NXD_MQTT_COMMUNICATION_FAILURE,
                (EngineError::BadResponse, None) => NXD_MQTT_SERVER_MESSAGE_FAILURE,
                (_, None) => NXD_MQTT_CONNECT_FAILURE,
            };
            log::error!("rsmqtt: MQTT connect failed ({error:?}) → {code:#x}");
            return (code, connack_seen);
        }
        if request.clean_session {
            engine.resend.clear();
        }
        engine.connected = true;
        self.fd.store(fd, Ordering::SeqCst);
        drop(engine);
        // SAFETY: fields of the live block.
        unsafe {
            let b = self.block();
            field(core::ptr::addr_of_mut!((*b).nxd_mqtt_keepalive))
                .store(UINT::from(request.keepalive), Ordering::SeqCst);
            field(core::ptr::addr_of_mut!((*b).nxd_mqtt_clean_session))
                .store(UINT::from(request.clean_session), Ordering::SeqCst);
            field(core::ptr::addr_of_mut!((*b).nxd_mqtt_client_use_tls))
                .store(UINT::from(request.tls.is_some()), Ordering::SeqCst);
        }
        (NXD_MQTT_SUCCESS, true)
    }

    /// Runs the application's TLS setup callback and the handshake.
    pub(super) fn secure(
        &self,
        tcp: TcpStream,
        setup: NXD_MQTT_TLS_SETUP,
        request: &ConnectRequest,
    ) -> Result<Stream, UINT> {
        let Some(setup) = setup else {
            return Err(NXD_MQTT_INVALID_PARAMETER);
        };
        let block = self.block();
        // SAFETY: the block is live; the callback receives pointers to the
        // session and certificate blocks inside it, as with NetX Duo.
        let (session, cert, trusted) = unsafe {
            (
                core::ptr::addr_of_mut!((*block).nxd_mqtt_tls_session),
                core::ptr::addr_of_mut!((*block).nxd_mqtt_tls_certificate),
                core::ptr::addr_of_mut!((*block).nxd_mqtt_tls_trusted_certificate),
            )
        };
        self.set_block_field(
            // SAFETY: field of the live block.
            |b| unsafe { core::ptr::addr_of_mut!((*b).nxd_mqtt_tls_in_progress) },
            1,
        );
        // SAFETY: the application's callback with pointers into its block.
        let status = unsafe { setup(block, session, cert, trusted) };
        let result = if status != NX_SUCCESS {
            log::error!("rsmqtt: TLS setup callback failed with {status:#x}");
            Err(status)
        } else {
            let built = store::with(session as usize, |s| {
                rustls_config::build(s, session as usize, request.server.ip())
            });
            match built {
                None => Err(crate::netx::secure::tls_types::NX_SECURE_TLS_SESSION_UNINITIALIZED),
                Some(Err(code)) => Err(code),
                Some(Ok((config, name))) => {
                    let timeout =
                        Duration::from_millis(u64::from(remaining_ms(request.deadline, 30_000)));
                    TlsSession::handshake(
                        tcp,
                        config,
                        name,
                        Some(link::SEND_TIMEOUT),
                        Some(timeout),
                    )
                    .map(|session| Stream::Tls(Box::new(session)))
                    .map_err(|e| {
                        log::error!("rsmqtt: {e}");
                        rustls_config::handshake_error(&e)
                    })
                }
            }
        };
        self.set_block_field(
            // SAFETY: field of the live block.
            |b| unsafe { core::ptr::addr_of_mut!((*b).nxd_mqtt_tls_in_progress) },
            0,
        );
        if result.is_ok() {
            // SAFETY: field of the live block.
            unsafe {
                field(core::ptr::addr_of_mut!(
                    (*session).nx_secure_tls_session_active
                ))
            }
            .store(1, Ordering::SeqCst);
        }
        result
    }
}
