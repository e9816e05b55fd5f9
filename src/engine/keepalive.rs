//! Keep-alive (MQTT 3.1.1 3.1.2.10): a PINGREQ when the link has been quiet,
//! and [`Error::KeepAliveTimeout`] when its PINGRESP does not come back.

use super::error::Error;

use super::config::Config;
use super::port::{Link, Port};
use super::send::{clock, send_bytes};

/// PINGREQ: no variable header, no payload (MQTT 3.1.1 3.12).
pub const PINGREQ: [u8; 2] = crate::wire::raw::empty_packet(0xC0);

/// Sends a PINGREQ now (`MQTT_Ping`).
pub fn ping<P: Port>(ctx: &mut P) -> Result<(), Error> {
    require_connected(ctx)?;
    // Built on the stack: the network buffer may hold part of a received packet.
    if send_bytes(ctx, &PINGREQ).is_err() {
        return Err(Error::SendFailed);
    }
    let c = ctx.session();
    *c.ping_sent = *c.last_tx;
    *c.waiting_ping = true;
    Ok(())
}

/// The check `MQTT_ProcessLoop` runs when the transport had nothing to read.
///
/// With a PINGREQ outstanding, more than `MQTT_PINGRESP_TIMEOUT_MS` without its
/// PINGRESP is [`Error::KeepAliveTimeout`]. Otherwise a PINGREQ goes out when
/// nothing was sent for the keep-alive interval (capped at
/// `PACKET_TX_TIMEOUT_MS`) or nothing was received for `PACKET_RX_TIMEOUT_MS`.
/// A keep-alive interval of 0 turns the mechanism off, as 3.1.2.10 says.
pub fn check<P: Port>(ctx: &mut P) -> Result<(), Error> {
    let now = clock(ctx);
    let c = ctx.session();
    if *c.waiting_ping {
        let waited = now.wrapping_sub(*c.ping_sent);
        let timeout = Config::pingresp_timeout_ms();
        if waited > timeout {
            log::error!("no PINGRESP within {timeout} ms (waited {waited} ms)");
            return Err(Error::KeepAliveTimeout);
        }
        return Ok(());
    }
    if (*c.keep_alive_s) == 0 {
        return Ok(());
    }
    let tx_limit = (u32::from(*c.keep_alive_s) * 1000).min(Config::packet_tx_timeout_ms());
    let tx_quiet = now.wrapping_sub(*c.last_tx);
    let rx_quiet = now.wrapping_sub(*c.last_rx);
    if tx_quiet >= tx_limit || rx_quiet >= Config::packet_rx_timeout_ms() {
        log::debug!("keep-alive PINGREQ: {tx_quiet} ms since the last send, {rx_quiet} ms since the last receive");
        ping(ctx)?;
        *ctx.session().control_sent = true;
    }
    Ok(())
}

/// `Ok` when connected, else why a call that needs a connection cannot run.
// Size builds keep one copy: the two compares and the selects inlined at
// each of its callers take more flash than a call does.
#[cfg_attr(rsmqtt_small, inline(never))]
pub fn require_connected<P: Port>(ctx: &mut P) -> Result<(), Error> {
    let status = *ctx.session().link;
    if status == Link::UP {
        Ok(())
    } else if status == Link::BROKEN {
        Err(Error::DisconnectPending)
    } else {
        Err(Error::NotConnected)
    }
}
