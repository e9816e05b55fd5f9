//! Keep-alive (MQTT 3.1.1 3.1.2.10): a PINGREQ when the link has been quiet,
//! and `MQTTKeepAliveTimeout` when its PINGRESP does not come back.

use crate::coremqtt::context::MQTTConnectionStatus;
use crate::coremqtt::serializer::PINGREQ_PACKET;
use crate::coremqtt::serializer_types::MQTTStatus;

use super::config::Config;
use super::port::Ctx;
use super::send::send_bytes;

/// Sends a PINGREQ now (`MQTT_Ping`).
pub(crate) fn ping(ctx: &mut Ctx) -> MQTTStatus {
    if let Some(refusal) = require_connected(ctx) {
        return refusal;
    }
    // Built on the stack: the network buffer may hold part of a received packet.
    if send_bytes(ctx, &PINGREQ_PACKET).is_err() {
        return MQTTStatus::MQTTSendFailed;
    }
    let c = ctx.get();
    c.pingReqSendTimeMs = c.lastPacketTxTime;
    c.waitingForPingResp = true;
    MQTTStatus::MQTTSuccess
}

/// The check `MQTT_ProcessLoop` runs when the transport had nothing to read.
///
/// With a PINGREQ outstanding, more than `MQTT_PINGRESP_TIMEOUT_MS` without its
/// PINGRESP is `MQTTKeepAliveTimeout`. Otherwise a PINGREQ goes out when
/// nothing was sent for the keep-alive interval (capped at
/// `PACKET_TX_TIMEOUT_MS`) or nothing was received for `PACKET_RX_TIMEOUT_MS`.
/// A keep-alive interval of 0 turns the mechanism off, as 3.1.2.10 says.
pub(crate) fn check(ctx: &mut Ctx) -> MQTTStatus {
    let cfg = Config::current();
    let now = ctx.now();
    let c = ctx.get();
    if c.waitingForPingResp {
        let waited = now.wrapping_sub(c.pingReqSendTimeMs);
        if waited > cfg.pingresp_timeout_ms {
            log::error!(
                "no PINGRESP within {} ms (waited {waited} ms)",
                cfg.pingresp_timeout_ms
            );
            return MQTTStatus::MQTTKeepAliveTimeout;
        }
        return MQTTStatus::MQTTSuccess;
    }
    if c.keepAliveIntervalSec == 0 {
        return MQTTStatus::MQTTSuccess;
    }
    let tx_limit = (u32::from(c.keepAliveIntervalSec) * 1000).min(cfg.packet_tx_timeout_ms);
    let tx_quiet = now.wrapping_sub(c.lastPacketTxTime);
    let rx_quiet = now.wrapping_sub(c.lastPacketRxTime);
    if tx_quiet >= tx_limit || rx_quiet >= cfg.packet_rx_timeout_ms {
        log::debug!("keep-alive PINGREQ: {tx_quiet} ms since the last send, {rx_quiet} ms since the last receive");
        let status = ping(ctx);
        if status == MQTTStatus::MQTTSuccess {
            ctx.get().controlPacketSent = true;
        }
        return status;
    }
    MQTTStatus::MQTTSuccess
}

/// `None` when connected, else the status coreMQTT returns for a call that
/// needs a connection.
pub(crate) fn require_connected(ctx: &mut Ctx) -> Option<MQTTStatus> {
    let status = ctx.get().connectStatus;
    if status == MQTTConnectionStatus::MQTTConnected as u32 {
        None
    } else if status == MQTTConnectionStatus::MQTTDisconnectPending as u32 {
        Some(MQTTStatus::MQTTStatusDisconnectPending)
    } else {
        Some(MQTTStatus::MQTTStatusNotConnected)
    }
}
