/*
 * rsmqtt: the ThreadX port of the NetX Duo MQTT face (nxd_mqtt_client_*).
 *
 * This file is compiled in the application's build, with its flags and its
 * tx_api.h / nx_api.h / nx_secure_tls_api.h, so NX_SECURE_ENABLE,
 * NXD_MQTT_MAXIMUM_TRANSMIT_QUEUE_DEPTH and the other NXD_MQTT_* settings
 * mean here what they mean for the application. It is the only place that
 * calls ThreadX, NetX Duo and NetX Secure: the client runs on a ThreadX
 * thread made from the caller's stack and priority, guards its control block
 * with nxd_mqtt_protection, sleeps on nxd_mqtt_events, keeps time with
 * tx_time_get and a tx_timer, and talks through the caller's NX_IP and
 * NX_PACKET_POOL (one NX_PACKET chain per MQTT control packet, sent with
 * nx_tcp_socket_send or nx_secure_tls_session_send).
 *
 * It never builds or parses MQTT bytes itself: every packet is encoded,
 * decoded and validated by rsmqtt's Rust codec (rsmqtt_nxd_port.h), which
 * hands back I/O vectors to append to a packet chain, or offsets into one.
 * What stays here is moving bytes between packet chains and that codec, and
 * the session bookkeeping that lives in NX_PACKETs (the transmit queue of
 * unacknowledged packets, the receive queue of PUBLISH packets), which has
 * to stay in the control block's NX_PACKET lists because applications and
 * NetX Duo's own tests look at them.
 */
#define NXD_MQTT_CLIENT_SOURCE_CODE
#include "tx_api.h"
#include "nx_api.h"
#include "nx_ip.h"
#include "nxd_mqtt_client.h"
#include "rsmqtt_nxd_port.h"

#include <string.h>

#ifdef NXD_MQTT_CLOUD_ENABLE
#error "rsmqtt's ThreadX port does not implement NXD_MQTT_CLOUD_ENABLE (the NX_CLOUD helper thread)"
#endif

/* Events that wake the client thread. */
#define EV_TIMEOUT         ((ULONG)0x01) /* keep-alive timer: a PINGREQ may be due */
#define EV_RECEIVE         ((ULONG)0x02) /* the socket has data */
#define EV_DELETE          ((ULONG)0x08) /* nxd_mqtt_client_delete */
#define EV_PING_TIMEOUT    ((ULONG)0x10) /* a PINGREQ went unanswered */
#define EV_NET_DISCONNECT  ((ULONG)0x20) /* the connection is gone (or a malformed packet arrived) */
#define EV_TCP_ESTABLISH   ((ULONG)0x40) /* non-blocking connect: TCP is up */
#define EV_ALL             ((ULONG)0xFFFFFFFF)

/* How many bytes of a received PUBLISH are copied out to find its topic and
   packet identifier: fixed header (5) + topic length (2) + topic + id (2).
   A longer topic closes the connection (documented in docs/netx.md). */
#define RSMQTT_TOPIC_MAX 256u
#define PUBLISH_HEAD_MAX (5u + 2u + RSMQTT_TOPIC_MAX + 2u)
/* Largest non-PUBLISH packet the client accepts (SUBACK for one filter). */
#define SMALL_PACKET_MAX 8u

#define LOCK(c)   tx_mutex_get((c)->nxd_mqtt_client_mutex_ptr, TX_WAIT_FOREVER)
#define UNLOCK(c) tx_mutex_put((c)->nxd_mqtt_client_mutex_ptr)

/* The packet identifier of a queued packet is kept in the first two bytes of
   its buffer, ahead of the headers NetX prepends (as the original does). */
#define QUEUED_ID(p) (*(USHORT *)(VOID *)((p)->nx_packet_data_start))

static VOID process_disconnect(NXD_MQTT_CLIENT *c, UINT drop_messages);

/* ---- packets ---------------------------------------------------------------- */

static UINT packet_allocate(NXD_MQTT_CLIENT *c, NX_PACKET **p, ULONG wait)
{
    UINT status;
#ifdef NX_SECURE_ENABLE
    if (c->nxd_mqtt_client_use_tls)
    {
        /* Leaves room for the TLS record header and IV. */
        status = nx_secure_tls_packet_allocate(&c->nxd_mqtt_tls_session, c->nxd_mqtt_client_packet_pool_ptr, p, wait);
    }
    else
#endif
    if (c->nxd_mqtt_client_socket.nx_tcp_socket_connect_ip.nxd_ip_version == NX_IP_VERSION_V4)
    {
        status = nx_packet_allocate(c->nxd_mqtt_client_packet_pool_ptr, p, NX_IPv4_TCP_PACKET, wait);
    }
    else
    {
        status = nx_packet_allocate(c->nxd_mqtt_client_packet_pool_ptr, p, NX_IPv6_TCP_PACKET, wait);
    }
    return status == NX_SUCCESS ? NXD_MQTT_SUCCESS : NXD_MQTT_PACKET_POOL_FAILURE;
}

static UINT packet_send(NXD_MQTT_CLIENT *c, NX_PACKET *p, ULONG wait)
{
#ifdef NX_SECURE_ENABLE
    if (c->nxd_mqtt_client_use_tls)
    {
        return nx_secure_tls_session_send(&c->nxd_mqtt_tls_session, p, wait);
    }
#endif
    return nx_tcp_socket_send(&c->nxd_mqtt_client_socket, p, wait);
}

static UINT packet_receive(NXD_MQTT_CLIENT *c, NX_PACKET **p, ULONG wait)
{
#ifdef NX_SECURE_ENABLE
    if (c->nxd_mqtt_client_use_tls)
    {
        return nx_secure_tls_session_receive(&c->nxd_mqtt_tls_session, p, wait);
    }
#endif
    return nx_tcp_socket_receive(&c->nxd_mqtt_client_socket, p, wait);
}

/* Appends the codec's vectors to a packet chain (the chain grows from the
   pool as needed). */
static UINT append_vectors(NXD_MQTT_CLIENT *c, NX_PACKET *p, const struct RsmqttNxdSlice *v, uint32_t n, ULONG wait)
{
    uint32_t i;
    for (i = 0; i < n; i++)
    {
        if (v[i].len != 0 &&
            nx_packet_data_append(p, (VOID *)v[i].ptr, v[i].len, c->nxd_mqtt_client_packet_pool_ptr, wait) != NX_SUCCESS)
        {
            return NXD_MQTT_PACKET_POOL_FAILURE;
        }
    }
    return NXD_MQTT_SUCCESS;
}

/* Copies up to `max` bytes from `offset` of a chain; returns how many. */
static ULONG copy_out(NX_PACKET *p, ULONG offset, UCHAR *buf, ULONG max)
{
    ULONG copied = 0;
    ULONG available;
    if (offset >= p->nx_packet_length)
    {
        return 0;
    }
    available = p->nx_packet_length - offset;
    if (max > available)
    {
        max = available;
    }
    if (nx_packet_data_extract_offset(p, offset, buf, max, &copied) != NX_SUCCESS)
    {
        return 0;
    }
    return copied;
}

/* ---- transmit queue (packets waiting for an acknowledgement) ---------------- */

static VOID txq_append(NXD_MQTT_CLIENT *c, NX_PACKET *p)
{
    p->nx_packet_queue_next = NX_NULL;
    if (c->message_transmit_queue_head == NX_NULL)
    {
        c->message_transmit_queue_head = p;
    }
    else
    {
        c->message_transmit_queue_tail->nx_packet_queue_next = p;
    }
    c->message_transmit_queue_tail = p;
}

static VOID txq_remove(NXD_MQTT_CLIENT *c, NX_PACKET *p, NX_PACKET *previous)
{
    if (previous)
    {
        previous->nx_packet_queue_next = p->nx_packet_queue_next;
    }
    else
    {
        c->message_transmit_queue_head = p->nx_packet_queue_next;
    }
    if (c->message_transmit_queue_tail == p)
    {
        c->message_transmit_queue_tail = previous;
    }
    nx_packet_release(p);
#ifdef NXD_MQTT_MAXIMUM_TRANSMIT_QUEUE_DEPTH
    c->message_transmit_queue_depth--;
#endif
}

/* A copy of `p` to keep until acknowledged, tagged with its identifier; with
   `dup` its PUBLISH DUP flag is set, ready for a retransmission. */
static UINT txq_copy(NXD_MQTT_CLIENT *c, NX_PACKET *p, NX_PACKET **copy, USHORT id, UINT dup, ULONG wait)
{
#ifdef NXD_MQTT_MAXIMUM_TRANSMIT_QUEUE_DEPTH
    if (c->message_transmit_queue_depth >= NXD_MQTT_MAXIMUM_TRANSMIT_QUEUE_DEPTH)
    {
        return NX_TX_QUEUE_DEPTH;
    }
#endif
    if (nx_packet_copy(p, copy, c->nxd_mqtt_client_packet_pool_ptr, wait) != NX_SUCCESS)
    {
        return NXD_MQTT_PACKET_POOL_FAILURE;
    }
    QUEUED_ID(*copy) = id;
    if (dup)
    {
        *(*copy)->nx_packet_prepend_ptr |= MQTT_PUBLISH_DUP_FLAG;
    }
#ifdef NXD_MQTT_MAXIMUM_TRANSMIT_QUEUE_DEPTH
    c->message_transmit_queue_depth++;
#endif
    return NXD_MQTT_SUCCESS;
}

static NX_PACKET *txq_find(NXD_MQTT_CLIENT *c, USHORT id, UCHAR type, NX_PACKET **previous)
{
    NX_PACKET *p = c->message_transmit_queue_head;
    *previous = NX_NULL;
    while (p)
    {
        if (QUEUED_ID(p) == id && (*p->nx_packet_prepend_ptr >> 4) == type)
        {
            return p;
        }
        *previous = p;
        p = p->nx_packet_queue_next;
    }
    return NX_NULL;
}

static VOID rxq_release_all(NXD_MQTT_CLIENT *c)
{
    while (c->message_receive_queue_head)
    {
        NX_PACKET *p = c->message_receive_queue_head;
        c->message_receive_queue_head = p->nx_packet_queue_next;
        nx_packet_release(p);
    }
    c->message_receive_queue_tail = NX_NULL;
    c->message_receive_queue_depth = 0;
}

static UINT next_packet_id(NXD_MQTT_CLIENT *c)
{
    UINT id = c->nxd_mqtt_client_packet_identifier & 0xFFFF;
    if (id == 0)
    {
        id = 1;
    }
    c->nxd_mqtt_client_packet_identifier = (id + 1) & 0xFFFF;
    if (c->nxd_mqtt_client_packet_identifier == 0)
    {
        c->nxd_mqtt_client_packet_identifier = 1;
    }
    return id;
}

static VOID keepalive_restart(NXD_MQTT_CLIENT *c)
{
    c->nxd_mqtt_timeout = tx_time_get() + c->nxd_mqtt_keepalive;
}

/* ---- helpers white-box tests call ------------------------------------------- */

UINT _nxd_mqtt_client_set_fixed_header(NXD_MQTT_CLIENT *client_ptr, NX_PACKET *packet_ptr, UCHAR control_header,
                                       UINT length, UINT wait_option)
{
    UCHAR header[5];
    uint32_t used = 0;
    header[0] = control_header;
    if (rsmqtt_nxd_remaining_length_encode(length, &header[1], &used) != RSMQTT_NXD_OK)
    {
        return NXD_MQTT_INTERNAL_ERROR;
    }
    return nx_packet_data_append(packet_ptr, header, used + 1, client_ptr->nxd_mqtt_client_packet_pool_ptr, wait_option);
}

UINT _nxd_mqtt_read_remaining_length(NX_PACKET *packet_ptr, UINT *remaining_length, ULONG *offset_ptr)
{
    UCHAR bytes[4];
    ULONG copied = copy_out(packet_ptr, 1, bytes, sizeof(bytes));
    uint32_t value = 0;
    uint32_t used = 0;
    switch (rsmqtt_nxd_remaining_length_decode(bytes, (uint32_t)copied, &value, &used))
    {
    case RSMQTT_NXD_OK:
        break;
    case RSMQTT_NXD_PARTIAL:
        return NXD_MQTT_PARTIAL_PACKET;
    default:
        return NXD_MQTT_INTERNAL_ERROR;
    }
    if ((ULONG)1 + used + value > packet_ptr->nx_packet_length)
    {
        return NXD_MQTT_PARTIAL_PACKET;
    }
    *remaining_length = value;
    *offset_ptr = 1 + used;
    return NXD_MQTT_SUCCESS;
}

/* ---- connection ---------------------------------------------------------------- */

/* Ends the TLS session (if any) and the TCP connection. The state change
   and the TLS teardown happen under the mutex, and the client thread reads
   the socket only under the mutex and only while the state is not IDLE
   (receive_process): so no nx_secure_tls_session_receive runs during or
   after nx_secure_tls_session_end. One that did could put the server's
   close_notify record (and its decrypted alert) into the session after
   session_end had emptied it and before its reset; session_reset and
   session_delete do not release those packets, and they were lost to the
   pool for good (seen as 2 IP pool packets short after disconnect in the
   threadx/qemu_mps2_mtls test). What arrives once the state is IDLE stays
   in the TCP receive queue, which nx_tcp_client_socket_unbind releases. */
static VOID connection_end(NXD_MQTT_CLIENT *c, ULONG wait)
{
    LOCK(c);
    c->nxd_mqtt_client_state = NXD_MQTT_CLIENT_STATE_IDLE;
#ifdef NX_SECURE_ENABLE
    if (c->nxd_mqtt_client_use_tls)
    {
        nx_secure_tls_session_end(&c->nxd_mqtt_tls_session, wait);
        nx_secure_tls_session_delete(&c->nxd_mqtt_tls_session);
    }
#endif
    UNLOCK(c);
    nx_tcp_socket_disconnect(&c->nxd_mqtt_client_socket, wait);
    nx_tcp_client_socket_unbind(&c->nxd_mqtt_client_socket);
    if (c->nxd_mqtt_keepalive)
    {
        tx_timer_delete(&c->nxd_mqtt_timer);
    }
}

static UINT connect_packet_send(NXD_MQTT_CLIENT *c, ULONG wait)
{
    struct RsmqttNxdConnect fields;
    struct RsmqttNxdSlice v[RSMQTT_NXD_CONNECT_VECTORS];
    UCHAR scratch[RSMQTT_NXD_CONNECT_SCRATCH];
    uint32_t n = 0;
    NX_PACKET *p;
    UINT status;
    UINT seconds = c->nxd_mqtt_keepalive / NX_IP_PERIODIC_RATE;

    if (c->nxd_mqtt_clean_session == NX_TRUE)
    {
        /* A clean session forgets what the last one left unacknowledged. */
        while (c->message_transmit_queue_head)
        {
            txq_remove(c, c->message_transmit_queue_head, NX_NULL);
        }
    }
    memset(&fields, 0, sizeof(fields));
    fields.client_id = (const uint8_t *)c->nxd_mqtt_client_id;
    fields.client_id_len = c->nxd_mqtt_client_id_length;
    fields.username = (const uint8_t *)c->nxd_mqtt_client_username;
    fields.username_len = c->nxd_mqtt_client_username_length;
    fields.password = (const uint8_t *)c->nxd_mqtt_client_password;
    fields.password_len = c->nxd_mqtt_client_password_length;
    fields.will_topic = c->nxd_mqtt_client_will_topic;
    fields.will_topic_len = c->nxd_mqtt_client_will_topic_length;
    fields.will_message = c->nxd_mqtt_client_will_message;
    fields.will_message_len = c->nxd_mqtt_client_will_message_length;
    fields.will_qos = (uint8_t)(c->nxd_mqtt_client_will_qos_retain & 0x3);
    fields.will_retain = (uint8_t)((c->nxd_mqtt_client_will_qos_retain & 0x80) != 0);
    fields.clean_session = (uint8_t)(c->nxd_mqtt_clean_session == NX_TRUE);
    fields.keep_alive = (uint16_t)(seconds > 0xFFFF ? 0xFFFF : seconds);
    if (rsmqtt_nxd_connect_encode(&fields, scratch, sizeof(scratch), v, RSMQTT_NXD_CONNECT_VECTORS, &n) != RSMQTT_NXD_OK)
    {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    status = packet_allocate(c, &p, wait);
    if (status)
    {
        return status;
    }
    if (append_vectors(c, p, v, n, wait))
    {
        nx_packet_release(p);
        return NXD_MQTT_PACKET_POOL_FAILURE;
    }
    status = packet_send(c, p, wait);
    if (status)
    {
        nx_packet_release(p);
    }
    keepalive_restart(c);
    return status;
}

/* Sends the PUBLISH and PUBREL packets the last session left unacknowledged
   (clean session off). Called with the mutex held. */
static UINT retransmit(NXD_MQTT_CLIENT *c, ULONG wait)
{
    NX_PACKET *queued = c->message_transmit_queue_head;
    NX_PACKET *p;
    UINT status = NXD_MQTT_SUCCESS;
    while (queued)
    {
        UCHAR type = (UCHAR)(*queued->nx_packet_prepend_ptr >> 4);
        if (type == MQTT_CONTROL_PACKET_TYPE_PUBLISH || type == MQTT_CONTROL_PACKET_TYPE_PUBREL)
        {
            if (nx_packet_copy(queued, &p, c->nxd_mqtt_client_packet_pool_ptr, wait) != NX_SUCCESS)
            {
                return NXD_MQTT_PACKET_POOL_FAILURE;
            }
            UNLOCK(c);
            status = packet_send(c, p, wait);
            if (status)
            {
                nx_packet_release(p);
                status = NXD_MQTT_COMMUNICATION_FAILURE;
            }
            if (tx_mutex_get(c->nxd_mqtt_client_mutex_ptr, wait) != TX_SUCCESS)
            {
                return NXD_MQTT_MUTEX_FAILURE;
            }
            if (status)
            {
                return status;
            }
        }
        queued = queued->nx_packet_queue_next;
    }
    keepalive_restart(c);
    return status;
}

/* A CONNACK at the start of `p`: the connect's verdict. */
static UINT process_connack(NXD_MQTT_CLIENT *c, NX_PACKET *p, ULONG wait)
{
    UCHAR bytes[4];
    UCHAR session_present = 0;
    UCHAR code = 0;
    UINT ret;
    if (p->nx_packet_length != sizeof(bytes) || copy_out(p, 0, bytes, sizeof(bytes)) != sizeof(bytes) ||
        rsmqtt_nxd_connack_decode(bytes, sizeof(bytes), &session_present, &code) != RSMQTT_NXD_OK)
    {
        ret = NXD_MQTT_SERVER_MESSAGE_FAILURE;
    }
    else if (c->nxd_mqtt_clean_session && session_present)
    {
        /* 3.2.2.2: a clean session cannot be present on the server. */
        ret = NXD_MQTT_SERVER_MESSAGE_FAILURE;
    }
    else if (code != 0)
    {
        ret = NXD_MQTT_ERROR_CONNECT_RETURN_CODE + code;
    }
    else
    {
        ret = NXD_MQTT_SUCCESS;
        LOCK(c);
        c->nxd_mqtt_client_state = NXD_MQTT_CLIENT_STATE_CONNECTED;
        c->nxd_mqtt_client_packet_identifier = NXD_MQTT_INITIAL_PACKET_ID_VALUE ? NXD_MQTT_INITIAL_PACKET_ID_VALUE : 1;
        UNLOCK(c);
    }
    if (c->nxd_mqtt_connect_notify)
    {
        c->nxd_mqtt_connect_notify(c, ret, c->nxd_mqtt_connect_context);
    }
    if (ret == NXD_MQTT_SUCCESS)
    {
        if (c->nxd_mqtt_clean_session != NX_TRUE && c->message_transmit_queue_head)
        {
            LOCK(c);
            ret = retransmit(c, wait);
            UNLOCK(c);
        }
    }
    else
    {
        connection_end(c, NX_NO_WAIT);
    }
    return ret;
}

/* ---- received packets ------------------------------------------------------------ */

/* Sends a 2- or 4-byte packet (PUBACK, PUBREC, PUBREL, PUBCOMP, PINGREQ,
   DISCONNECT) built by the codec; `queue` keeps a copy until acknowledged.
   Called with the mutex held, which is released around the send. */
static UINT send_short(NXD_MQTT_CLIENT *c, UCHAR type, USHORT id, UINT queue)
{
    UCHAR bytes[4];
    uint32_t len = 0;
    NX_PACKET *p;
    NX_PACKET *copy;
    UINT status;
    if (rsmqtt_nxd_short_encode(type, id, bytes, &len) != RSMQTT_NXD_OK)
    {
        return NXD_MQTT_INTERNAL_ERROR;
    }
    if (packet_allocate(c, &p, NX_WAIT_FOREVER))
    {
        return NXD_MQTT_INTERNAL_ERROR;
    }
    if (nx_packet_data_append(p, bytes, len, c->nxd_mqtt_client_packet_pool_ptr, NX_WAIT_FOREVER) != NX_SUCCESS)
    {
        nx_packet_release(p);
        return NX_SIZE_ERROR;
    }
    if (queue)
    {
        if (txq_copy(c, p, &copy, id, NX_FALSE, NX_WAIT_FOREVER))
        {
            nx_packet_release(p);
            return NXD_MQTT_PACKET_POOL_FAILURE;
        }
        txq_append(c, copy);
    }
    UNLOCK(c);
    status = packet_send(c, p, NX_WAIT_FOREVER);
    LOCK(c);
    if (status)
    {
        nx_packet_release(p);
        return NXD_MQTT_COMMUNICATION_FAILURE;
    }
    if (type == MQTT_CONTROL_PACKET_TYPE_PINGREQ && c->nxd_mqtt_ping_not_responded != 1)
    {
        c->nxd_mqtt_ping_sent_time = tx_time_get();
        c->nxd_mqtt_ping_not_responded = 1;
    }
    keepalive_restart(c);
    return NXD_MQTT_SUCCESS;
}

/* A new packet from the client's pool holding the first `len` bytes of the
   chain `p`. (nx_packet_copy copies the headroom before the data too and
   puts the copy's prepend pointer at the source's offset: when the client's
   pool has smaller packets than the one a segment came in, that offset lies
   past the copy's first packet and the copy reads as garbage.) */
static UINT copy_front(NXD_MQTT_CLIENT *c, NX_PACKET *p, ULONG len, NX_PACKET **copy)
{
    NX_PACKET *part;
    UINT status = nx_packet_allocate(c->nxd_mqtt_client_packet_pool_ptr, copy, NX_RECEIVE_PACKET, NX_NO_WAIT);
    if (status != NX_SUCCESS)
    {
        return status;
    }
    for (part = p; status == NX_SUCCESS && part != NX_NULL && len > 0; part = part->nx_packet_next)
    {
        ULONG chunk = (ULONG)(part->nx_packet_append_ptr - part->nx_packet_prepend_ptr);
        if (chunk > len)
        {
            chunk = len;
        }
        status = nx_packet_data_append(*copy, part->nx_packet_prepend_ptr, chunk, c->nxd_mqtt_client_packet_pool_ptr,
                                       NX_NO_WAIT);
        len -= chunk;
    }
    if (status == NX_SUCCESS && len != 0)
    {
        status = NX_INVALID_PACKET;
    }
    if (status != NX_SUCCESS)
    {
        nx_packet_release(*copy);
        *copy = NX_NULL;
    }
    return status;
}

/* A PUBLISH of `packet_len` bytes at the start of `p`: queue it for
   nxd_mqtt_client_message_get and acknowledge it. Returns NX_TRUE when `p`
   itself went into the receive queue (the caller must not touch it again),
   NX_FALSE when the caller still owns it, or NXD_MQTT_INVALID_PACKET for a
   malformed packet. */
static UINT process_publish(NXD_MQTT_CLIENT *c, NX_PACKET *p, ULONG packet_len)
{
    UCHAR head[PUBLISH_HEAD_MAX];
    struct RsmqttNxdPublishInfo info;
    /* Only this packet's bytes: more packets may follow in the chain. */
    ULONG n = copy_out(p, 0, head, packet_len < sizeof(head) ? packet_len : sizeof(head));
    NX_PACKET *previous;
    NX_PACKET *queued = p;
    UINT consumed = NX_FALSE;
    UINT deliver = NX_TRUE;

    if (rsmqtt_nxd_publish_decode(head, (uint32_t)n, (uint32_t)packet_len, &info) != RSMQTT_NXD_OK)
    {
        return NXD_MQTT_INVALID_PACKET;
    }
    if (info.qos == 2 && txq_find(c, info.packet_id, MQTT_CONTROL_PACKET_TYPE_PUBREC, &previous))
    {
        /* Already delivered, PUBREL not received yet: a retransmission. */
        deliver = NX_FALSE;
    }
    if (deliver)
    {
        if (p->nx_packet_length > packet_len)
        {
            /* More packets follow in this chain: queue a copy of this one. */
            if (copy_front(c, p, packet_len, &queued) != NX_SUCCESS)
            {
                return NX_FALSE;
            }
        }
        else
        {
            consumed = NX_TRUE;
        }
        queued->nx_packet_queue_next = NX_NULL;
        if (c->message_receive_queue_head == NX_NULL)
        {
            c->message_receive_queue_head = queued;
        }
        else
        {
            c->message_receive_queue_tail->nx_packet_queue_next = queued;
        }
        c->message_receive_queue_tail = queued;
        c->message_receive_queue_depth++;
        if (c->nxd_mqtt_client_receive_notify)
        {
            c->nxd_mqtt_client_receive_notify(c, c->message_receive_queue_depth);
        }
    }
    if (info.qos == 1)
    {
        send_short(c, MQTT_CONTROL_PACKET_TYPE_PUBACK, info.packet_id, NX_FALSE);
    }
    else if (info.qos == 2)
    {
        /* The PUBREC stays queued until the PUBREL: it marks the identifier
           as delivered. A retransmitted PUBLISH is answered again. */
        send_short(c, MQTT_CONTROL_PACKET_TYPE_PUBREC, info.packet_id, deliver);
    }
    return consumed;
}

static VOID ack_notify(NXD_MQTT_CLIENT *c, UINT type, USHORT id, NX_PACKET *queued)
{
    if (c->nxd_mqtt_ack_receive_notify)
    {
        c->nxd_mqtt_ack_receive_notify(c, type, id, queued, c->nxd_mqtt_ack_receive_context);
    }
}

/* PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK (decoded bytes in `bytes`). */
static UINT process_ack(NXD_MQTT_CLIENT *c, UCHAR type, const UCHAR *bytes, ULONG len)
{
    USHORT id = 0;
    NX_PACKET *previous;
    NX_PACKET *queued;
    if (rsmqtt_nxd_ack_decode(bytes, (uint32_t)len, &id) != RSMQTT_NXD_OK)
    {
        return NXD_MQTT_INVALID_PACKET;
    }
    switch (type)
    {
    case MQTT_CONTROL_PACKET_TYPE_PUBACK:
        queued = txq_find(c, id, MQTT_CONTROL_PACKET_TYPE_PUBLISH, &previous);
        if (queued && (*queued->nx_packet_prepend_ptr & MQTT_PUBLISH_QOS_LEVEL_FIELD) == MQTT_PUBLISH_QOS_LEVEL_1)
        {
            ack_notify(c, type, id, queued);
            txq_remove(c, queued, previous);
        }
        break;
    case MQTT_CONTROL_PACKET_TYPE_PUBREC:
        queued = txq_find(c, id, MQTT_CONTROL_PACKET_TYPE_PUBLISH, &previous);
        if (queued && (*queued->nx_packet_prepend_ptr & MQTT_PUBLISH_QOS_LEVEL_FIELD) == MQTT_PUBLISH_QOS_LEVEL_2)
        {
            ack_notify(c, type, id, queued);
            txq_remove(c, queued, previous);
            /* The PUBREL takes the PUBLISH's place until PUBCOMP. */
            send_short(c, MQTT_CONTROL_PACKET_TYPE_PUBREL, id, NX_TRUE);
        }
        else if (txq_find(c, id, MQTT_CONTROL_PACKET_TYPE_PUBREL, &previous))
        {
            /* Our PUBREL was lost: send it again. */
            send_short(c, MQTT_CONTROL_PACKET_TYPE_PUBREL, id, NX_FALSE);
        }
        break;
    case MQTT_CONTROL_PACKET_TYPE_PUBCOMP:
        queued = txq_find(c, id, MQTT_CONTROL_PACKET_TYPE_PUBREL, &previous);
        if (queued)
        {
            ack_notify(c, type, id, queued);
            txq_remove(c, queued, previous);
        }
        break;
    case MQTT_CONTROL_PACKET_TYPE_PUBREL:
        queued = txq_find(c, id, MQTT_CONTROL_PACKET_TYPE_PUBREC, &previous);
        if (queued)
        {
            send_short(c, MQTT_CONTROL_PACKET_TYPE_PUBCOMP, id, NX_FALSE);
            queued = txq_find(c, id, MQTT_CONTROL_PACKET_TYPE_PUBREC, &previous);
            if (queued)
            {
                ack_notify(c, type, id, queued);
                txq_remove(c, queued, previous);
            }
        }
        break;
    case MQTT_CONTROL_PACKET_TYPE_UNSUBACK:
        queued = txq_find(c, id, MQTT_CONTROL_PACKET_TYPE_UNSUBSCRIBE, &previous);
        if (queued)
        {
            ack_notify(c, type, id, queued);
            txq_remove(c, queued, previous);
        }
        break;
    default:
        break;
    }
    return NXD_MQTT_SUCCESS;
}

static UINT process_suback(NXD_MQTT_CLIENT *c, const UCHAR *bytes, ULONG len)
{
    USHORT id = 0;
    UCHAR code = 0;
    NX_PACKET *previous;
    NX_PACKET *queued;
    if (rsmqtt_nxd_suback_decode(bytes, (uint32_t)len, &id, &code) != RSMQTT_NXD_OK)
    {
        return NXD_MQTT_INVALID_PACKET;
    }
    queued = txq_find(c, id, MQTT_CONTROL_PACKET_TYPE_SUBSCRIBE, &previous);
    if (queued)
    {
        ack_notify(c, MQTT_CONTROL_PACKET_TYPE_SUBACK, id, queued);
        txq_remove(c, queued, previous);
    }
    return NXD_MQTT_SUCCESS;
}

/* Reads everything the socket has and handles each MQTT packet in it.
   Called by the client thread with the mutex held, which it keeps across
   each (non-blocking) receive: connection_end takes the mutex to end the
   TLS session, so the two never overlap, and once the state is IDLE the
   session is ended (or deleted) and must not be read (see connection_end). */
static VOID receive_process(NXD_MQTT_CLIENT *c)
{
    NX_PACKET *p;
    UINT status;
    for (;;)
    {
        UINT consumed = NX_FALSE;
        UINT broken = NX_FALSE;
        if (c->nxd_mqtt_client_state == NXD_MQTT_CLIENT_STATE_IDLE)
        {
            return;
        }
        status = packet_receive(c, &p, NX_NO_WAIT);
        if (status != NX_SUCCESS)
        {
            if (status != NX_NO_PACKET && status != NX_CONTINUE)
            {
                tx_event_flags_set(&c->nxd_mqtt_events, EV_NET_DISCONNECT, TX_OR);
            }
            return;
        }
        if (c->nxd_mqtt_client_processing_packet)
        {
            /* Complete the packet that started in an earlier segment. */
            NX_PACKET *head = c->nxd_mqtt_client_processing_packet;
            if (head->nx_packet_last)
            {
                head->nx_packet_last->nx_packet_next = p;
            }
            else
            {
                head->nx_packet_next = p;
            }
            head->nx_packet_last = p->nx_packet_last ? p->nx_packet_last : p;
            head->nx_packet_length += p->nx_packet_length;
            p = head;
            c->nxd_mqtt_client_processing_packet = NX_NULL;
        }
        if (c->nxd_mqtt_packet_receive_notify &&
            c->nxd_mqtt_packet_receive_notify(c, p, c->nxd_mqtt_packet_receive_context) == NX_TRUE)
        {
            continue;
        }
        while (p)
        {
            UCHAR bytes[SMALL_PACKET_MAX];
            struct RsmqttNxdHeader header;
            ULONG n = copy_out(p, 0, bytes, 5);
            ULONG packet_len = 0;
            UINT verdict = rsmqtt_nxd_fixed_header(bytes, (uint32_t)n, &header);
            if (verdict == RSMQTT_NXD_OK)
            {
                packet_len = header.header_len + header.remaining_length;
                if (packet_len > p->nx_packet_length)
                {
                    verdict = RSMQTT_NXD_PARTIAL;
                }
            }
            if (verdict == RSMQTT_NXD_PARTIAL)
            {
                c->nxd_mqtt_client_processing_packet = p;
                consumed = NX_TRUE;
                break;
            }
            if (verdict != RSMQTT_NXD_OK)
            {
                broken = NX_TRUE;
                break;
            }
            if (header.packet_type == MQTT_CONTROL_PACKET_TYPE_PUBLISH)
            {
                status = process_publish(c, p, packet_len);
                if (status == NXD_MQTT_INVALID_PACKET)
                {
                    broken = NX_TRUE;
                    break;
                }
                consumed = status;
            }
            else if (header.packet_type == MQTT_CONTROL_PACKET_TYPE_CONNACK)
            {
                if (packet_len != 4 || p->nx_packet_length != 4)
                {
                    broken = NX_TRUE;
                    break;
                }
                process_connack(c, p, NX_NO_WAIT);
            }
            else
            {
                if (packet_len > SMALL_PACKET_MAX)
                {
                    broken = NX_TRUE;
                    break;
                }
                n = copy_out(p, 0, bytes, packet_len);
                switch (header.packet_type)
                {
                case MQTT_CONTROL_PACKET_TYPE_PUBACK:
                case MQTT_CONTROL_PACKET_TYPE_PUBREC:
                case MQTT_CONTROL_PACKET_TYPE_PUBREL:
                case MQTT_CONTROL_PACKET_TYPE_PUBCOMP:
                case MQTT_CONTROL_PACKET_TYPE_UNSUBACK:
                    status = process_ack(c, header.packet_type, bytes, n);
                    break;
                case MQTT_CONTROL_PACKET_TYPE_SUBACK:
                    status = process_suback(c, bytes, n);
                    break;
                case MQTT_CONTROL_PACKET_TYPE_PINGRESP:
                    status = NXD_MQTT_SUCCESS;
                    if (c->nxd_mqtt_ping_not_responded == NX_TRUE)
                    {
                        c->nxd_mqtt_ping_not_responded = NX_FALSE;
                        c->nxd_mqtt_ping_sent_time = 0;
                    }
                    break;
                case MQTT_CONTROL_PACKET_TYPE_DISCONNECT:
                    status = NXD_MQTT_SUCCESS;
                    process_disconnect(c, NX_FALSE);
                    break;
                default:
                    /* CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ: a server never
                       sends them (4.8: protocol violation). */
                    status = NXD_MQTT_INVALID_PACKET;
                    break;
                }
                if (status == NXD_MQTT_INVALID_PACKET)
                {
                    broken = NX_TRUE;
                    break;
                }
            }
            if (consumed)
            {
                break;
            }
            /* Drop this MQTT packet's bytes from the front of the chain. */
            if (p->nx_packet_length <= packet_len)
            {
                break;
            }
            {
                ULONG rest = p->nx_packet_length - packet_len;
                ULONG skip = packet_len;
                while (p && (ULONG)(p->nx_packet_append_ptr - p->nx_packet_prepend_ptr) <= skip)
                {
                    NX_PACKET *done = p;
                    skip -= (ULONG)(p->nx_packet_append_ptr - p->nx_packet_prepend_ptr);
                    p = p->nx_packet_next;
                    done->nx_packet_next = NX_NULL;
                    nx_packet_release(done);
                }
                if (p)
                {
                    p->nx_packet_prepend_ptr += skip;
                    p->nx_packet_length = rest;
                }
            }
        }
        if (!consumed && p)
        {
            nx_packet_release(p);
        }
        if (broken)
        {
            /* A malformed packet: MQTT 3.1.1 (4.8) says close the connection. */
            tx_event_flags_set(&c->nxd_mqtt_events, EV_NET_DISCONNECT, TX_OR);
            return;
        }
    }
}

/* Ends the connection (the server, the network or a timeout ended it, or the
   application asked) and tells the application. Called with the mutex held.
   Messages already received (and acknowledged to the server, which for QoS 2
   means the server has let go of them) stay readable with message_get after
   a connection loss; `drop_messages` discards them (the application's own
   disconnect, and delete). */
static VOID process_disconnect(NXD_MQTT_CLIENT *c, UINT drop_messages)
{
    NX_PACKET *previous = NX_NULL;
    NX_PACKET *queued;
    UINT was_connected;
    UINT status;

    if (c->nxd_mqtt_client_state == NXD_MQTT_CLIENT_STATE_CONNECTED)
    {
        was_connected = NX_TRUE;
    }
    else if (c->nxd_mqtt_client_state == NXD_MQTT_CLIENT_STATE_CONNECTING)
    {
        was_connected = NX_FALSE;
    }
    else
    {
        return;
    }
    UNLOCK(c);
    connection_end(c, NXD_MQTT_SOCKET_TIMEOUT);
    status = tx_mutex_get(c->nxd_mqtt_client_mutex_ptr, TX_WAIT_FOREVER);

    /* SUBSCRIBE/UNSUBSCRIBE are not resent in a new connection; PUBLISH and
       PUBREL are (clean session off). */
    queued = c->message_transmit_queue_head;
    while (queued)
    {
        NX_PACKET *next = queued->nx_packet_queue_next;
        UCHAR type = (UCHAR)(*queued->nx_packet_prepend_ptr >> 4);
        if (type == MQTT_CONTROL_PACKET_TYPE_SUBSCRIBE || type == MQTT_CONTROL_PACKET_TYPE_UNSUBSCRIBE)
        {
            txq_remove(c, queued, previous);
        }
        else
        {
            previous = queued;
        }
        queued = next;
    }
    if (was_connected && c->nxd_mqtt_disconnect_notify)
    {
        c->nxd_mqtt_disconnect_notify(c);
    }
    if (!was_connected && c->nxd_mqtt_connect_notify)
    {
        c->nxd_mqtt_connect_notify(c, NXD_MQTT_CONNECT_FAILURE, c->nxd_mqtt_connect_context);
    }
    if (status == TX_SUCCESS)
    {
        if (drop_messages)
        {
            rxq_release_all(c);
        }
        tx_event_flags_set(&c->nxd_mqtt_events, ~EV_RECEIVE, TX_AND);
    }
    if (c->nxd_mqtt_keepalive)
    {
        c->nxd_mqtt_ping_not_responded = 0;
        c->nxd_mqtt_ping_sent_time = 0;
    }
    /* Login and will are per connection in this API. */
    c->nxd_mqtt_client_username = NX_NULL;
    c->nxd_mqtt_client_password = NX_NULL;
    c->nxd_mqtt_client_will_topic = NX_NULL;
    c->nxd_mqtt_client_will_message = NX_NULL;
    c->nxd_mqtt_client_will_qos_retain = 0;
    if (c->nxd_mqtt_client_processing_packet)
    {
        nx_packet_release(c->nxd_mqtt_client_processing_packet);
        c->nxd_mqtt_client_processing_packet = NX_NULL;
    }
}

/* Non-blocking connect: TCP is up, start TLS or send CONNECT. */
static VOID tcp_established(NXD_MQTT_CLIENT *c)
{
    UINT status;
#ifdef NX_SECURE_ENABLE
    if (c->nxd_mqtt_client_use_tls)
    {
        status = nx_secure_tls_session_start(&c->nxd_mqtt_tls_session, &c->nxd_mqtt_client_socket, NX_NO_WAIT);
        if (status != NX_CONTINUE)
        {
            connection_end(c, NX_NO_WAIT);
            if (c->nxd_mqtt_connect_notify)
            {
                c->nxd_mqtt_connect_notify(c, status, c->nxd_mqtt_connect_context);
            }
            return;
        }
        c->nxd_mqtt_tls_in_progress = NX_TRUE;
        return;
    }
#endif
    status = connect_packet_send(c, NX_NO_WAIT);
    if (status)
    {
        connection_end(c, NX_NO_WAIT);
        if (c->nxd_mqtt_connect_notify)
        {
            c->nxd_mqtt_connect_notify(c, status, c->nxd_mqtt_connect_context);
        }
    }
}

#ifdef NX_SECURE_ENABLE
/* NetX Secure's non-blocking handshake step (declared in nx_secure_tls.h). */
UINT _nx_secure_tls_handshake_process(NX_SECURE_TLS_SESSION *tls_session, UINT wait_option);

static VOID tls_handshake_step(NXD_MQTT_CLIENT *c)
{
    UINT status = _nx_secure_tls_handshake_process(&c->nxd_mqtt_tls_session, NX_NO_WAIT);
    if (status == NX_CONTINUE)
    {
        return;
    }
    if (status == NX_SUCCESS)
    {
        c->nxd_mqtt_tls_in_progress = NX_FALSE;
        status = connect_packet_send(c, NX_NO_WAIT);
    }
    if (status)
    {
        connection_end(c, NX_NO_WAIT);
        if (c->nxd_mqtt_connect_notify)
        {
            c->nxd_mqtt_connect_notify(c, status, c->nxd_mqtt_connect_context);
        }
    }
}
#endif

/* ---- the client thread and its timer ----------------------------------------- */

static VOID keepalive_timer(ULONG arg)
{
    NXD_MQTT_CLIENT *c = (NXD_MQTT_CLIENT *)(ALIGN_TYPE)arg;
    if (c->nxd_mqtt_ping_not_responded &&
        (tx_time_get() - c->nxd_mqtt_ping_sent_time) >= c->nxd_mqtt_ping_timeout)
    {
        tx_event_flags_set(&c->nxd_mqtt_events, EV_PING_TIMEOUT, TX_OR);
        return;
    }
    /* Unsigned difference: due when the deadline is at most one period away. */
    if ((c->nxd_mqtt_timeout - tx_time_get()) <= c->nxd_mqtt_timer_value)
    {
        tx_event_flags_set(&c->nxd_mqtt_events, EV_TIMEOUT, TX_OR);
    }
}

static VOID handle_events(NXD_MQTT_CLIENT *c, ULONG events)
{
    LOCK(c);
    if ((events & EV_TIMEOUT) && c->nxd_mqtt_client_state == NXD_MQTT_CLIENT_STATE_CONNECTED)
    {
        send_short(c, MQTT_CONTROL_PACKET_TYPE_PINGREQ, 0, NX_FALSE);
    }
    if (events & EV_TCP_ESTABLISH)
    {
        tcp_established(c);
    }
    if (events & EV_RECEIVE)
    {
#ifdef NX_SECURE_ENABLE
        if (c->nxd_mqtt_tls_in_progress)
        {
            tls_handshake_step(c);
        }
        else
#endif
        {
            receive_process(c);
        }
    }
    if (events & (EV_PING_TIMEOUT | EV_NET_DISCONNECT))
    {
        process_disconnect(c, NX_FALSE);
    }
    if (events & EV_DELETE)
    {
        if (c->nxd_mqtt_client_state == NXD_MQTT_CLIENT_STATE_CONNECTED)
        {
            process_disconnect(c, NX_TRUE);
        }
        if (c->nxd_mqtt_timer.tx_timer_id != 0)
        {
            tx_timer_delete(&c->nxd_mqtt_timer);
        }
        if (c->nxd_mqtt_events.tx_event_flags_group_id != 0)
        {
            tx_event_flags_delete(&c->nxd_mqtt_events);
        }
        rxq_release_all(c);
        while (c->message_transmit_queue_head)
        {
            txq_remove(c, c->message_transmit_queue_head, NX_NULL);
        }
        UNLOCK(c);
        tx_mutex_delete(&c->nxd_mqtt_protection);
        /* nxd_mqtt_client_delete waits for this. */
        nx_tcp_socket_delete(&c->nxd_mqtt_client_socket);
        return;
    }
    UNLOCK(c);
}

static VOID client_thread(ULONG arg)
{
    NXD_MQTT_CLIENT *c = (NXD_MQTT_CLIENT *)(ALIGN_TYPE)arg;
    ULONG events;
    for (;;)
    {
        tx_event_flags_get(&c->nxd_mqtt_events, EV_ALL, TX_OR_CLEAR, &events, TX_WAIT_FOREVER);
        handle_events(c, events);
        if (events & EV_DELETE)
        {
            return;
        }
    }
}

static VOID socket_disconnected(NX_TCP_SOCKET *socket_ptr)
{
    NXD_MQTT_CLIENT *c = (NXD_MQTT_CLIENT *)socket_ptr->nx_tcp_socket_reserved_ptr;
    tx_event_flags_set(&c->nxd_mqtt_events, EV_NET_DISCONNECT, TX_OR);
}

static VOID socket_established(NX_TCP_SOCKET *socket_ptr)
{
    NXD_MQTT_CLIENT *c = (NXD_MQTT_CLIENT *)socket_ptr->nx_tcp_socket_reserved_ptr;
    if (&c->nxd_mqtt_client_socket == socket_ptr)
    {
        tx_event_flags_set(&c->nxd_mqtt_events, EV_TCP_ESTABLISH, TX_OR);
    }
}

static VOID socket_receive(NX_TCP_SOCKET *socket_ptr)
{
    NXD_MQTT_CLIENT *c = (NXD_MQTT_CLIENT *)socket_ptr->nx_tcp_socket_reserved_ptr;
    if (&c->nxd_mqtt_client_socket == socket_ptr)
    {
        tx_event_flags_set(&c->nxd_mqtt_events, EV_RECEIVE, TX_OR);
    }
}

/* ---- the API: services ------------------------------------------------------------ */

UINT _nxd_mqtt_client_create(NXD_MQTT_CLIENT *client_ptr, CHAR *client_name, CHAR *client_id, UINT client_id_length,
                             NX_IP *ip_ptr, NX_PACKET_POOL *pool_ptr, VOID *stack_ptr, ULONG stack_size,
                             UINT mqtt_thread_priority, VOID *memory_ptr, ULONG memory_size)
{
    NXD_MQTT_CLIENT *c = client_ptr;
    NX_PARAMETER_NOT_USED(memory_ptr);
    NX_PARAMETER_NOT_USED(memory_size);

    memset(c, 0, sizeof(*c));
    if (tx_mutex_create(&c->nxd_mqtt_protection, client_name, TX_NO_INHERIT) != TX_SUCCESS)
    {
        return NXD_MQTT_INTERNAL_ERROR;
    }
    c->nxd_mqtt_client_mutex_ptr = &c->nxd_mqtt_protection;
    if (tx_thread_create(&c->nxd_mqtt_thread, client_name, client_thread, (ULONG)(ALIGN_TYPE)c, stack_ptr, stack_size,
                         mqtt_thread_priority, mqtt_thread_priority, NXD_MQTT_CLIENT_THREAD_TIME_SLICE,
                         TX_DONT_START) != TX_SUCCESS)
    {
        tx_mutex_delete(&c->nxd_mqtt_protection);
        return NXD_MQTT_INTERNAL_ERROR;
    }
    if (tx_event_flags_create(&c->nxd_mqtt_events, client_name) != TX_SUCCESS)
    {
        tx_mutex_delete(&c->nxd_mqtt_protection);
        tx_thread_delete(&c->nxd_mqtt_thread);
        return NXD_MQTT_INTERNAL_ERROR;
    }
    c->nxd_mqtt_client_id = client_id;
    c->nxd_mqtt_client_id_length = client_id_length;
    c->nxd_mqtt_client_ip_ptr = ip_ptr;
    c->nxd_mqtt_client_packet_pool_ptr = pool_ptr;
    c->nxd_mqtt_client_name = client_name;
    nx_tcp_socket_create(ip_ptr, &c->nxd_mqtt_client_socket, client_name, NX_IP_NORMAL, NX_DONT_FRAGMENT, 0x80,
                         NXD_MQTT_CLIENT_SOCKET_WINDOW_SIZE, NX_NULL, socket_disconnected);
    c->nxd_mqtt_client_socket.nx_tcp_socket_reserved_ptr = (VOID *)c;
    tx_thread_resume(&c->nxd_mqtt_thread);
    c->nxd_mqtt_client_state = NXD_MQTT_CLIENT_STATE_IDLE;
    return NXD_MQTT_SUCCESS;
}

UINT _nxd_mqtt_client_login_set(NXD_MQTT_CLIENT *client_ptr, CHAR *username, UINT username_length, CHAR *password,
                                UINT password_length)
{
    if (tx_mutex_get(client_ptr->nxd_mqtt_client_mutex_ptr, NX_WAIT_FOREVER) != TX_SUCCESS)
    {
        return NXD_MQTT_MUTEX_FAILURE;
    }
    client_ptr->nxd_mqtt_client_username = username;
    client_ptr->nxd_mqtt_client_username_length = (USHORT)username_length;
    client_ptr->nxd_mqtt_client_password = password;
    client_ptr->nxd_mqtt_client_password_length = (USHORT)password_length;
    UNLOCK(client_ptr);
    return NX_SUCCESS;
}

UINT _nxd_mqtt_client_will_message_set(NXD_MQTT_CLIENT *client_ptr, const UCHAR *will_topic, UINT will_topic_length,
                                       const UCHAR *will_message, UINT will_message_length, UINT will_retain_flag,
                                       UINT will_QoS)
{
    if (tx_mutex_get(client_ptr->nxd_mqtt_client_mutex_ptr, NX_WAIT_FOREVER) != TX_SUCCESS)
    {
        return NXD_MQTT_MUTEX_FAILURE;
    }
    client_ptr->nxd_mqtt_client_will_topic = will_topic;
    client_ptr->nxd_mqtt_client_will_topic_length = will_topic_length;
    client_ptr->nxd_mqtt_client_will_message = will_message;
    client_ptr->nxd_mqtt_client_will_message_length = will_message_length;
    client_ptr->nxd_mqtt_client_will_qos_retain =
        (UCHAR)((will_retain_flag == NX_TRUE ? 0x80 : 0) | (will_QoS & 0x3));
    UNLOCK(client_ptr);
    return NX_SUCCESS;
}

UINT _nxd_mqtt_client_connect(NXD_MQTT_CLIENT *client_ptr, NXD_ADDRESS *server_ip, UINT server_port, UINT keepalive,
                              UINT clean_session, ULONG wait_option)
{
    NXD_MQTT_CLIENT *c = client_ptr;
    NX_PACKET *p;
    UINT status;
    UINT priority = 0;
    UINT old_priority = 0;

    if (tx_mutex_get(c->nxd_mqtt_client_mutex_ptr, NX_WAIT_FOREVER) != TX_SUCCESS)
    {
#ifdef NX_SECURE_ENABLE
        if (c->nxd_mqtt_client_use_tls)
        {
            nx_secure_tls_session_delete(&c->nxd_mqtt_tls_session);
        }
#endif
        return NXD_MQTT_MUTEX_FAILURE;
    }
    if (c->nxd_mqtt_client_state == NXD_MQTT_CLIENT_STATE_CONNECTED)
    {
        UNLOCK(c);
        return NXD_MQTT_ALREADY_CONNECTED;
    }
    if (c->nxd_mqtt_client_state == NXD_MQTT_CLIENT_STATE_CONNECTING)
    {
        UNLOCK(c);
        return NXD_MQTT_CONNECTING;
    }
    if (c->nxd_mqtt_client_state != NXD_MQTT_CLIENT_STATE_IDLE)
    {
#ifdef NX_SECURE_ENABLE
        if (c->nxd_mqtt_client_use_tls)
        {
            nx_secure_tls_session_delete(&c->nxd_mqtt_tls_session);
        }
#endif
        UNLOCK(c);
        return NXD_MQTT_INVALID_STATE;
    }
#ifdef NXD_MQTT_REQUIRE_TLS
    if (!c->nxd_mqtt_client_use_tls)
    {
        UNLOCK(c);
        return NXD_MQTT_CONNECT_FAILURE;
    }
#endif
    c->nxd_mqtt_keepalive = keepalive * NX_IP_PERIODIC_RATE;
    if (keepalive)
    {
        c->nxd_mqtt_timer_value = NXD_MQTT_KEEPALIVE_TIMER_RATE;
        c->nxd_mqtt_ping_timeout = NXD_MQTT_PING_TIMEOUT_DELAY;
        tx_timer_create(&c->nxd_mqtt_timer, "MQTT Timer", keepalive_timer, (ULONG)(ALIGN_TYPE)c,
                        c->nxd_mqtt_timer_value, c->nxd_mqtt_timer_value, TX_AUTO_ACTIVATE);
    }
    else
    {
        c->nxd_mqtt_timer_value = 0;
        c->nxd_mqtt_ping_timeout = 0;
    }
    c->nxd_mqtt_clean_session = clean_session;
    if (wait_option == 0)
    {
        /* Non-blocking: the client thread carries on from the TCP
           establish callback and reports through connect_notify. */
        nx_tcp_socket_establish_notify(&c->nxd_mqtt_client_socket, socket_established);
        nx_tcp_socket_receive_notify(&c->nxd_mqtt_client_socket, socket_receive);
    }
    else
    {
        /* Blocking: this thread reads the CONNACK itself. */
        c->nxd_mqtt_client_socket.nx_tcp_receive_callback = NX_NULL;
    }
    UNLOCK(c);

    nx_tcp_client_socket_bind(&c->nxd_mqtt_client_socket, NX_ANY_PORT, wait_option);
    LOCK(c);
    c->nxd_mqtt_client_state = NXD_MQTT_CLIENT_STATE_CONNECTING;
    UNLOCK(c);
    status = nxd_tcp_client_socket_connect(&c->nxd_mqtt_client_socket, server_ip, server_port, wait_option);
    if (status != NX_SUCCESS && status != NX_IN_PROGRESS)
    {
        LOCK(c);
        c->nxd_mqtt_client_state = NXD_MQTT_CLIENT_STATE_IDLE;
        UNLOCK(c);
#ifdef NX_SECURE_ENABLE
        if (c->nxd_mqtt_client_use_tls)
        {
            nx_secure_tls_session_delete(&c->nxd_mqtt_tls_session);
        }
#endif
        nx_tcp_client_socket_unbind(&c->nxd_mqtt_client_socket);
        tx_timer_delete(&c->nxd_mqtt_timer);
        return NXD_MQTT_CONNECT_FAILURE;
    }
    if (wait_option == 0)
    {
        return NX_IN_PROGRESS;
    }

    /* Run at the client thread's priority while connecting, so that the
       handshake is not overtaken by the client thread's own work. */
    tx_thread_info_get(&c->nxd_mqtt_thread, NX_NULL, NX_NULL, NX_NULL, &priority, NX_NULL, NX_NULL, NX_NULL, NX_NULL);
    tx_thread_priority_change(tx_thread_identify(), priority, &old_priority);
#ifdef NX_SECURE_ENABLE
    if (c->nxd_mqtt_client_use_tls)
    {
        status = nx_secure_tls_session_start(&c->nxd_mqtt_tls_session, &c->nxd_mqtt_client_socket, wait_option);
        if (status != NX_SUCCESS)
        {
            tx_thread_priority_change(tx_thread_identify(), old_priority, &old_priority);
            connection_end(c, NX_NO_WAIT);
            return NXD_MQTT_CONNECT_FAILURE;
        }
    }
#endif
    status = connect_packet_send(c, wait_option);
    if (status != NX_SUCCESS)
    {
        tx_thread_priority_change(tx_thread_identify(), old_priority, &old_priority);
        connection_end(c, NX_NO_WAIT);
        return NXD_MQTT_CONNECT_FAILURE;
    }
    status = packet_receive(c, &p, wait_option);
    tx_thread_priority_change(tx_thread_identify(), old_priority, &old_priority);
    if (status)
    {
        connection_end(c, NX_NO_WAIT);
        return NXD_MQTT_COMMUNICATION_FAILURE;
    }
    status = process_connack(c, p, wait_option);
    nx_packet_release(p);
    if (status == NX_SUCCESS)
    {
        nx_tcp_socket_receive_notify(&c->nxd_mqtt_client_socket, socket_receive);
    }
    return status;
}

#ifdef NX_SECURE_ENABLE
UINT _nxd_mqtt_client_secure_connect(NXD_MQTT_CLIENT *client_ptr, NXD_ADDRESS *server_ip, UINT server_port,
                                     RSMQTT_NXD_TLS_SETUP tls_setup, UINT keepalive, UINT clean_session,
                                     ULONG wait_option)
{
    UINT status;
    client_ptr->nxd_mqtt_tls_setup = tls_setup;
    status = tls_setup(client_ptr, &client_ptr->nxd_mqtt_tls_session, &client_ptr->nxd_mqtt_tls_certificate,
                       &client_ptr->nxd_mqtt_tls_trusted_certificate);
    if (status)
    {
        return status;
    }
    client_ptr->nxd_mqtt_client_use_tls = 1;
    return _nxd_mqtt_client_connect(client_ptr, server_ip, server_port, keepalive, clean_session, wait_option);
}
#endif

UINT _nxd_mqtt_client_publish(NXD_MQTT_CLIENT *client_ptr, CHAR *topic_name, UINT topic_name_length, CHAR *message,
                              UINT message_length, UINT retain, UINT QoS, ULONG wait_option)
{
    NXD_MQTT_CLIENT *c = client_ptr;
    struct RsmqttNxdSlice v[RSMQTT_NXD_PUBLISH_VECTORS];
    UCHAR scratch[RSMQTT_NXD_PUBLISH_SCRATCH];
    uint32_t n = 0;
    NX_PACKET *p;
    NX_PACKET *copy = NX_NULL;
    USHORT id = 0;
    UINT status;

    if (QoS > 2)
    {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    if (c->nxd_mqtt_client_state != NXD_MQTT_CLIENT_STATE_CONNECTED)
    {
        return NXD_MQTT_NOT_CONNECTED;
    }
    if (packet_allocate(c, &p, wait_option))
    {
        return NXD_MQTT_PACKET_POOL_FAILURE;
    }
    if (QoS != 0)
    {
        if (tx_mutex_get(c->nxd_mqtt_client_mutex_ptr, NX_WAIT_FOREVER) != TX_SUCCESS)
        {
            nx_packet_release(p);
            return NXD_MQTT_MUTEX_FAILURE;
        }
        id = (USHORT)next_packet_id(c);
        UNLOCK(c);
    }
    if (rsmqtt_nxd_publish_encode((const uint8_t *)topic_name, topic_name_length, (const uint8_t *)message,
                                  message ? message_length : 0, (uint8_t)QoS, (uint8_t)(retain != 0), 0, id,
                                  scratch, sizeof(scratch), v, RSMQTT_NXD_PUBLISH_VECTORS, &n) != RSMQTT_NXD_OK)
    {
        nx_packet_release(p);
        return NXD_MQTT_INVALID_PARAMETER;
    }
    if (append_vectors(c, p, v, n, wait_option))
    {
        nx_packet_release(p);
        return NXD_MQTT_INTERNAL_ERROR;
    }
    if (QoS != 0)
    {
        /* Kept, with DUP set, until PUBACK (QoS 1) or PUBREC (QoS 2). */
        if (txq_copy(c, p, &copy, id, NX_TRUE, wait_option))
        {
            nx_packet_release(p);
            return NXD_MQTT_PACKET_POOL_FAILURE;
        }
    }
    if (tx_mutex_get(c->nxd_mqtt_client_mutex_ptr, NX_WAIT_FOREVER) != TX_SUCCESS)
    {
        if (copy)
        {
            nx_packet_release(copy);
#ifdef NXD_MQTT_MAXIMUM_TRANSMIT_QUEUE_DEPTH
            c->message_transmit_queue_depth--;
#endif
        }
        nx_packet_release(p);
        return NXD_MQTT_MUTEX_FAILURE;
    }
    if (copy)
    {
        txq_append(c, copy);
    }
    keepalive_restart(c);
    UNLOCK(c);
    status = packet_send(c, p, wait_option);
    if (status)
    {
        nx_packet_release(p);
        return NXD_MQTT_COMMUNICATION_FAILURE;
    }
    return NXD_MQTT_SUCCESS;
}

/* SUBSCRIBE (with QoS) or UNSUBSCRIBE for one filter. */
static UINT sub_unsub(NXD_MQTT_CLIENT *c, UINT subscribe, CHAR *filter, UINT filter_length, UINT QoS)
{
    struct RsmqttNxdSlice v[RSMQTT_NXD_SUB_VECTORS];
    UCHAR scratch[RSMQTT_NXD_SUB_SCRATCH];
    uint32_t n = 0;
    NX_PACKET *p;
    NX_PACKET *copy;
    USHORT id;
    UINT status;

    if (tx_mutex_get(c->nxd_mqtt_client_mutex_ptr, NX_WAIT_FOREVER) != TX_SUCCESS)
    {
        return NXD_MQTT_MUTEX_FAILURE;
    }
    if (c->nxd_mqtt_client_state != NXD_MQTT_CLIENT_STATE_CONNECTED)
    {
        UNLOCK(c);
        return NXD_MQTT_NOT_CONNECTED;
    }
    status = packet_allocate(c, &p, NX_WAIT_FOREVER);
    if (status)
    {
        UNLOCK(c);
        return status;
    }
    id = (USHORT)(c->nxd_mqtt_client_packet_identifier & 0xFFFF);
    if (id == 0)
    {
        id = 1;
    }
    status = subscribe ? rsmqtt_nxd_subscribe_encode((const uint8_t *)filter, filter_length, (uint8_t)QoS, id, scratch,
                                                     sizeof(scratch), v, RSMQTT_NXD_SUB_VECTORS, &n)
                       : rsmqtt_nxd_unsubscribe_encode((const uint8_t *)filter, filter_length, id, scratch,
                                                       sizeof(scratch), v, RSMQTT_NXD_SUB_VECTORS, &n);
    if (status != RSMQTT_NXD_OK)
    {
        UNLOCK(c);
        nx_packet_release(p);
        return NXD_MQTT_INVALID_PARAMETER;
    }
    if (append_vectors(c, p, v, n, NX_WAIT_FOREVER) ||
        txq_copy(c, p, &copy, id, NX_FALSE, NX_WAIT_FOREVER))
    {
        UNLOCK(c);
        nx_packet_release(p);
        return NXD_MQTT_PACKET_POOL_FAILURE;
    }
    txq_append(c, copy);
    next_packet_id(c);
    keepalive_restart(c);
    UNLOCK(c);
    if (packet_send(c, p, NX_WAIT_FOREVER))
    {
        nx_packet_release(p);
        return NXD_MQTT_COMMUNICATION_FAILURE;
    }
    return NXD_MQTT_SUCCESS;
}

UINT _nxd_mqtt_client_subscribe(NXD_MQTT_CLIENT *client_ptr, CHAR *topic_name, UINT topic_name_length, UINT QoS)
{
    return sub_unsub(client_ptr, NX_TRUE, topic_name, topic_name_length, QoS);
}

UINT _nxd_mqtt_client_unsubscribe(NXD_MQTT_CLIENT *client_ptr, CHAR *topic_name, UINT topic_name_length)
{
    return sub_unsub(client_ptr, NX_FALSE, topic_name, topic_name_length, 0);
}

UINT _nxd_mqtt_client_disconnect(NXD_MQTT_CLIENT *client_ptr)
{
    if (tx_mutex_get(client_ptr->nxd_mqtt_client_mutex_ptr, TX_WAIT_FOREVER) != TX_SUCCESS)
    {
        if (client_ptr->nxd_mqtt_keepalive)
        {
            tx_timer_delete(&client_ptr->nxd_mqtt_timer);
        }
        return NXD_MQTT_MUTEX_FAILURE;
    }
    if (client_ptr->nxd_mqtt_client_state == NXD_MQTT_CLIENT_STATE_CONNECTED)
    {
        send_short(client_ptr, MQTT_CONTROL_PACKET_TYPE_DISCONNECT, 0, NX_FALSE);
    }
    process_disconnect(client_ptr, NX_TRUE);
    /* Also what a lost connection left unread. */
    rxq_release_all(client_ptr);
    UNLOCK(client_ptr);
    return NXD_MQTT_SUCCESS;
}

UINT _nxd_mqtt_client_delete(NXD_MQTT_CLIENT *client_ptr)
{
    tx_event_flags_set(&client_ptr->nxd_mqtt_events, EV_DELETE, TX_OR);
    /* The client thread deletes the socket last. */
    while (client_ptr->nxd_mqtt_client_socket.nx_tcp_socket_id != 0)
    {
        tx_thread_sleep(NX_IP_PERIODIC_RATE);
    }
    tx_thread_delete(&client_ptr->nxd_mqtt_thread);
    return NXD_MQTT_SUCCESS;
}

UINT _nxd_mqtt_client_receive_notify_set(NXD_MQTT_CLIENT *client_ptr,
                                         VOID (*receive_notify)(NXD_MQTT_CLIENT *client_ptr, UINT count))
{
    LOCK(client_ptr);
    client_ptr->nxd_mqtt_client_receive_notify = receive_notify;
    UNLOCK(client_ptr);
    return NXD_MQTT_SUCCESS;
}

UINT _nxd_mqtt_client_disconnect_notify_set(NXD_MQTT_CLIENT *client_ptr,
                                            VOID (*disconnect_notify)(NXD_MQTT_CLIENT *client_ptr))
{
    client_ptr->nxd_mqtt_disconnect_notify = disconnect_notify;
    return NXD_MQTT_SUCCESS;
}

UINT _nxd_mqtt_client_message_get(NXD_MQTT_CLIENT *client_ptr, UCHAR *topic_buffer, UINT topic_buffer_size,
                                  UINT *actual_topic_length, UCHAR *message_buffer, UINT message_buffer_size,
                                  UINT *actual_message_length)
{
    NXD_MQTT_CLIENT *c = client_ptr;
    LOCK(c);
    while (c->message_receive_queue_head)
    {
        NX_PACKET *p = c->message_receive_queue_head;
        UCHAR head[PUBLISH_HEAD_MAX];
        struct RsmqttNxdPublishInfo info;
        struct RsmqttNxdHeader header;
        ULONG n = copy_out(p, 0, head, sizeof(head));
        UINT ok = rsmqtt_nxd_fixed_header(head, (uint32_t)n, &header) == RSMQTT_NXD_OK &&
                  rsmqtt_nxd_publish_decode(head, (uint32_t)(n < header.header_len + header.remaining_length
                                                                  ? n
                                                                  : header.header_len + header.remaining_length),
                                            header.header_len + header.remaining_length, &info) == RSMQTT_NXD_OK;
        if (ok && (topic_buffer_size < info.topic_len || message_buffer_size < info.payload_len))
        {
            /* The message stays queued for a bigger buffer. */
            UNLOCK(c);
            return NXD_MQTT_INSUFFICIENT_BUFFER_SPACE;
        }
        c->message_receive_queue_head = p->nx_packet_queue_next;
        if (c->message_receive_queue_tail == p)
        {
            c->message_receive_queue_tail = NX_NULL;
        }
        c->message_receive_queue_depth--;
        if (ok)
        {
            ULONG copied = 0;
            *actual_topic_length = 0;
            *actual_message_length = 0;
            if (info.topic_len)
            {
                nx_packet_data_extract_offset(p, info.topic_offset, topic_buffer, info.topic_len, &copied);
                *actual_topic_length = (UINT)copied;
            }
            copied = 0;
            if (info.payload_len)
            {
                nx_packet_data_extract_offset(p, info.payload_offset, message_buffer, info.payload_len, &copied);
                *actual_message_length = (UINT)copied;
            }
            nx_packet_release(p);
            UNLOCK(c);
            return NXD_MQTT_SUCCESS;
        }
        nx_packet_release(p);
    }
    UNLOCK(c);
    return NXD_MQTT_NO_MESSAGE;
}

#ifdef NXD_MQTT_OVER_WEBSOCKET
UINT _nxd_mqtt_client_websocket_set(NXD_MQTT_CLIENT *client_ptr, UCHAR *host, UINT host_length, UCHAR *uri_path,
                                    UINT uri_path_length)
{
    NX_PARAMETER_NOT_USED(client_ptr);
    NX_PARAMETER_NOT_USED(host);
    NX_PARAMETER_NOT_USED(host_length);
    NX_PARAMETER_NOT_USED(uri_path);
    NX_PARAMETER_NOT_USED(uri_path_length);
    return NXD_MQTT_INVALID_PARAMETER;
}

UINT _nxde_mqtt_client_websocket_set(NXD_MQTT_CLIENT *client_ptr, UCHAR *host, UINT host_length, UCHAR *uri_path,
                                     UINT uri_path_length)
{
    if (client_ptr == NX_NULL)
    {
        return NX_PTR_ERROR;
    }
    return _nxd_mqtt_client_websocket_set(client_ptr, host, host_length, uri_path, uri_path_length);
}
#endif

/* ---- the API: argument-checking front-ends (_nxde_) ------------------------------ */

UINT _nxde_mqtt_client_create(NXD_MQTT_CLIENT *client_ptr, CHAR *client_name, CHAR *client_id, UINT client_id_length,
                              NX_IP *ip_ptr, NX_PACKET_POOL *pool_ptr, VOID *stack_ptr, ULONG stack_size,
                              UINT mqtt_thread_priority, VOID *memory_ptr, ULONG memory_size)
{
    if (client_ptr == NX_NULL || ip_ptr == NX_NULL || ip_ptr->nx_ip_id != NX_IP_ID || stack_ptr == NX_NULL ||
        stack_size == 0 || pool_ptr == NX_NULL)
    {
        return NX_PTR_ERROR;
    }
    return _nxd_mqtt_client_create(client_ptr, client_name, client_id, client_id_length, ip_ptr, pool_ptr, stack_ptr,
                                   stack_size, mqtt_thread_priority, memory_ptr, memory_size);
}

UINT _nxde_mqtt_client_login_set(NXD_MQTT_CLIENT *client_ptr, CHAR *username, UINT username_length, CHAR *password,
                                 UINT password_length)
{
    if (client_ptr == NX_NULL || (username == NX_NULL && username_length != 0) ||
        (password == NX_NULL && password_length != 0))
    {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    return _nxd_mqtt_client_login_set(client_ptr, username, username_length, password, password_length);
}

UINT _nxde_mqtt_client_will_message_set(NXD_MQTT_CLIENT *client_ptr, const UCHAR *will_topic, UINT will_topic_length,
                                        const UCHAR *will_message, UINT will_message_length, UINT will_retain_flag,
                                        UINT will_QoS)
{
    if (client_ptr == NX_NULL || will_topic == NX_NULL || will_topic_length == 0 ||
        (will_retain_flag != NX_TRUE && will_retain_flag != NX_FALSE) || will_QoS > 2)
    {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    return _nxd_mqtt_client_will_message_set(client_ptr, will_topic, will_topic_length, will_message,
                                             will_message_length, will_retain_flag, will_QoS);
}

UINT _nxde_mqtt_client_delete(NXD_MQTT_CLIENT *client_ptr)
{
    if (client_ptr == NX_NULL)
    {
        return NX_PTR_ERROR;
    }
    return _nxd_mqtt_client_delete(client_ptr);
}

UINT _nxde_mqtt_client_connect(NXD_MQTT_CLIENT *client_ptr, NXD_ADDRESS *server_ip, UINT server_port, UINT keepalive,
                               UINT clean_session, ULONG wait_option)
{
    if (client_ptr == NX_NULL || server_ip == NX_NULL)
    {
        return NX_PTR_ERROR;
    }
    if (server_ip->nxd_ip_version != 4 && server_ip->nxd_ip_version != 6)
    {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    if (server_port == 0)
    {
        return NX_INVALID_PORT;
    }
    return _nxd_mqtt_client_connect(client_ptr, server_ip, server_port, keepalive, clean_session, wait_option);
}

#ifdef NX_SECURE_ENABLE
UINT _nxde_mqtt_client_secure_connect(NXD_MQTT_CLIENT *client_ptr, NXD_ADDRESS *server_ip, UINT server_port,
                                      RSMQTT_NXD_TLS_SETUP tls_setup, UINT keepalive, UINT clean_session,
                                      ULONG wait_option)
{
    if (client_ptr == NX_NULL || server_ip == NX_NULL || tls_setup == NX_NULL)
    {
        return NX_PTR_ERROR;
    }
    if (server_port == 0)
    {
        return NX_INVALID_PORT;
    }
    return _nxd_mqtt_client_secure_connect(client_ptr, server_ip, server_port, tls_setup, keepalive, clean_session,
                                           wait_option);
}
#endif

UINT _nxde_mqtt_client_publish(NXD_MQTT_CLIENT *client_ptr, CHAR *topic_name, UINT topic_name_length, CHAR *message,
                               UINT message_length, UINT retain, UINT QoS, ULONG wait_option)
{
    if (client_ptr == NX_NULL)
    {
        return NX_PTR_ERROR;
    }
    if (topic_name == NX_NULL || topic_name_length == 0 || (message && message_length == 0) || QoS > 2)
    {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    return _nxd_mqtt_client_publish(client_ptr, topic_name, topic_name_length, message, message_length, retain, QoS,
                                    wait_option);
}

UINT _nxde_mqtt_client_subscribe(NXD_MQTT_CLIENT *client_ptr, CHAR *topic_name, UINT topic_name_length, UINT QoS)
{
    if (client_ptr == NX_NULL)
    {
        return NX_PTR_ERROR;
    }
    if (topic_name == NX_NULL || topic_name_length == 0 || QoS > 2)
    {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    return _nxd_mqtt_client_subscribe(client_ptr, topic_name, topic_name_length, QoS);
}

UINT _nxde_mqtt_client_unsubscribe(NXD_MQTT_CLIENT *client_ptr, CHAR *topic_name, UINT topic_name_length)
{
    if (client_ptr == NX_NULL)
    {
        return NX_PTR_ERROR;
    }
    if (topic_name == NX_NULL || topic_name_length == 0)
    {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    return _nxd_mqtt_client_unsubscribe(client_ptr, topic_name, topic_name_length);
}

UINT _nxde_mqtt_client_disconnect(NXD_MQTT_CLIENT *client_ptr)
{
    if (client_ptr == NX_NULL)
    {
        return NX_PTR_ERROR;
    }
    return _nxd_mqtt_client_disconnect(client_ptr);
}

UINT _nxde_mqtt_client_message_get(NXD_MQTT_CLIENT *client_ptr, UCHAR *topic_buffer, UINT topic_buffer_size,
                                   UINT *actual_topic_length, UCHAR *message_buffer, UINT message_buffer_size,
                                   UINT *actual_message_length)
{
    if (client_ptr == NX_NULL)
    {
        return NX_PTR_ERROR;
    }
    if (message_buffer == NX_NULL || topic_buffer == NX_NULL || actual_topic_length == NX_NULL ||
        actual_message_length == NX_NULL)
    {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    return _nxd_mqtt_client_message_get(client_ptr, topic_buffer, topic_buffer_size, actual_topic_length,
                                        message_buffer, message_buffer_size, actual_message_length);
}

UINT _nxde_mqtt_client_receive_notify_set(NXD_MQTT_CLIENT *client_ptr,
                                          VOID (*receive_notify)(NXD_MQTT_CLIENT *client_ptr, UINT count))
{
    if (client_ptr == NX_NULL || receive_notify == NX_NULL)
    {
        return NX_PTR_ERROR;
    }
    return _nxd_mqtt_client_receive_notify_set(client_ptr, receive_notify);
}

UINT _nxde_mqtt_client_disconnect_notify_set(NXD_MQTT_CLIENT *client_ptr,
                                             VOID (*disconnect_notify)(NXD_MQTT_CLIENT *client_ptr))
{
    if (client_ptr == NX_NULL)
    {
        return NX_PTR_ERROR;
    }
    return _nxd_mqtt_client_disconnect_notify_set(client_ptr, disconnect_notify);
}
