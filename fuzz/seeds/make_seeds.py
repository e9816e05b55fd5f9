#!/usr/bin/env python3
"""Writes the seed inputs of the coreMQTT fuzz targets from real packets.

    python3 fuzz/seeds/make_seeds.py

coremqtt_receive: the input layout of fuzz_targets/coremqtt_receive.rs (an
11-byte setup header, then operations); coremqtt_deserialize: the packets a
server sends; topic_match: a length byte, a topic name, a topic filter.
Files named regression_*.bin are inputs that once crashed a target; they are
kept by hand (this script does not write them) so every run replays them.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(HERE, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name + ".bin"), "wb") as f:
        f.write(bytes(data))


def rl(n):
    out = []
    while True:
        b = n % 128
        n //= 128
        out.append(b | (0x80 if n else 0))
        if not n:
            return out


def s(text):
    b = text.encode()
    return list(struct.pack(">H", len(b))) + list(b)


def publish(topic, payload, qos=0, pid=0, dup=False, retain=False):
    body = s(topic) + (list(struct.pack(">H", pid)) if qos else []) + list(payload)
    first = 0x30 | (qos << 1) | (8 if dup else 0) | (1 if retain else 0)
    return [first] + rl(len(body)) + body


def ack(kind, pid):
    return [kind, 2] + list(struct.pack(">H", pid))


def suback(pid, codes):
    return [0x90, 2 + len(codes)] + list(struct.pack(">H", pid)) + list(codes)


CONNACK = [0x20, 2, 0, 0]
PINGRESP = [0xD0, 0]

# --- coremqtt_receive --------------------------------------------------------
# Setup header: flags, buffer size - 8, clock, records, 7 config bytes.
F_CONNACK_INPUT, F_CLEAN, F_RETRANSMIT, F_WRITEV, F_REENTER, F_PREFILL = 1, 2, 4, 8, 16, 32
KEEPALIVE_60 = 0xC0
CONFIG = [250, 250, 250, 10, 250, 0, 5]  # 5 s, 10 s, 10 s, 10 ms, 5 s, 4 vectors, 5


def header(flags=F_CLEAN, size=128, step=10, out=2, inc=2, extra=0, config=CONFIG):
    return [flags, size - 8, step - 1, out | (inc << 2) | extra] + config


def data(packet, chunk=255):
    out = []
    for i in range(0, len(packet), chunk):
        part = packet[i:i + chunk]
        out += [0, len(part)] + part
    return out


PROCESS, RECEIVE, NOTHING, ERROR, PING, DISCONNECT = [9], [11], [7], [8], [15], [18]


def pub_op(qos, payload, pid, topic_index=0, dup=False):
    flags = qos | (8 if dup else 0) | (topic_index << 4)
    return [12, flags, len(payload)] + list(payload) + [pid]


def sub_op(filter_index, count, qos, pid, unsubscribe=False):
    flags = (count - 1) | (filter_index << 3) | (qos << 6)
    return [14 if unsubscribe else 13, flags, pid]


def advance(ms):
    return [16] + list(struct.pack(">H", ms // 4))


def tx_plan(*entries):
    return [17, len(entries)] + list(entries)


def connect_op(clean=True, timeout_zero=True, will=False):
    return [19, (1 if clean else 0) | (2 if timeout_zero else 0) | (0x80 if will else 0)]


session = (
    sub_op(0, 2, 1, 1) + data(suback(1, [1, 0x80])) + PROCESS
    + data(publish("a/b", b"hello")) + PROCESS
    + data(publish("a/b", b"at least once", qos=1, pid=7)) + PROCESS
    + data(publish("sensors/1/temp", b"21.5", qos=2, pid=8)) + PROCESS
    + data(ack(0x62, 8)) + PROCESS
    + pub_op(1, b"q1", 2) + data(ack(0x40, 2)) + PROCESS
    + pub_op(2, b"q2", 3) + data(ack(0x50, 3)) + PROCESS + data(ack(0x70, 3)) + PROCESS
    + PING + data(PINGRESP) + PROCESS
    + sub_op(0, 1, 0, 4, unsubscribe=True) + data(ack(0xB0, 4)) + RECEIVE
    + DISCONNECT
)
write("coremqtt_receive", "session", header() + session)
write("coremqtt_receive", "session_writev_reenter",
      header(flags=F_CLEAN | F_WRITEV | F_REENTER, extra=0x40) + session)

big = publish("a/b", bytes(range(256)) + b"x" * 44)
write("coremqtt_receive", "oversized",
      header() + data(big[:100]) + PROCESS + data(big[100:]) + PROCESS
      + data(publish("t", b"after", qos=1, pid=9)) + PROCESS)

write("coremqtt_receive", "byte_by_byte",
      header(flags=F_CLEAN | KEEPALIVE_60, size=32)
      + sum(([0, 1, b] + NOTHING + PROCESS for b in publish("a", b"xyz", qos=1, pid=5)), [])
      + advance(61000) + PROCESS + data(PINGRESP) + PROCESS
      + advance(61000) + PROCESS + advance(6000) + PROCESS)

write("coremqtt_receive", "resume_session",
      header(flags=F_RETRANSMIT | F_PREFILL, out=3, inc=2)
      + data(ack(0x40, 1)) + PROCESS + data(ack(0x50, 3)) + PROCESS
      + data(ack(0x70, 2)) + PROCESS + data(ack(0x70, 3)) + PROCESS
      + data(ack(0x62, 5)) + PROCESS + data(ack(0x62, 6)) + PROCESS)

write("coremqtt_receive", "connack_from_input",
      header(flags=F_CONNACK_INPUT | F_RETRANSMIT | F_PREFILL, out=3, inc=1)
      + data([0x20, 2, 1, 0]) + NOTHING + NOTHING + NOTHING
      + data(ack(0x40, 1)) + PROCESS + DISCONNECT
      + data([0x20, 2, 0, 5]) + connect_op(clean=False)
      + data(CONNACK) + connect_op(clean=True, will=True)
      + pub_op(1, b"again", 1) + data(ack(0x40, 1)) + PROCESS)

write("coremqtt_receive", "transport_faults",
      header(flags=F_CLEAN | F_RETRANSMIT, size=64)
      + tx_plan(3, 0xF0, 2, 0xFF) + pub_op(1, b"partial", 1) + pub_op(2, b"then fail", 2)
      + DISCONNECT + data(CONNACK) + connect_op()
      + data(publish("a", b"p", qos=2, pid=3)[:4]) + ERROR + PROCESS + PROCESS
      + DISCONNECT + data(CONNACK) + connect_op()
      + tx_plan(0xF5, 0xF5, 0xF5) + PING + advance(30000) + PROCESS)

write("coremqtt_receive", "duplicates_and_collisions",
      header(flags=F_CLEAN, out=1, inc=1)
      + data(publish("a", b"1", qos=2, pid=4)) + PROCESS
      + data(publish("a", b"1", qos=2, pid=4, dup=True)) + PROCESS
      + data(publish("a", b"2", qos=1, pid=5)) + PROCESS
      + data(ack(0x62, 4)) + PROCESS + data(ack(0x62, 4)) + PROCESS
      + pub_op(1, b"x", 1) + pub_op(1, b"y", 1, dup=True) + pub_op(2, b"z", 2)
      + data(ack(0x50, 1)) + PROCESS + data(ack(0x40, 6)) + PROCESS)

# --- coremqtt_deserialize ----------------------------------------------------
for name, packet in [
    ("connack", CONNACK),
    ("connack_present", [0x20, 2, 1, 0]),
    ("connack_refused", [0x20, 2, 0, 5]),
    ("publish_qos0", publish("a/b", b"hello")),
    ("publish_qos1", publish("a/b", b"hi", qos=1, pid=10)),
    ("publish_qos2_dup_retain", publish("sensors/1", b"\xff", qos=2, pid=0x1234, dup=True, retain=True)),
    ("publish_empty_payload", publish("t", b"", qos=1, pid=1)),
    ("publish_2byte_len", publish("t", b"Z" * 200)),
    ("puback", ack(0x40, 10)),
    ("pubrec", ack(0x50, 10)),
    ("pubrel", ack(0x62, 10)),
    ("pubcomp", ack(0x70, 10)),
    ("suback", suback(10, [0, 1, 2])),
    ("suback_refused", suback(10, [0x80, 1])),
    ("unsuback", ack(0xB0, 10)),
    ("pingresp", PINGRESP),
]:
    write("coremqtt_deserialize", name, packet)

# --- topic_match -------------------------------------------------------------
for name, (topic, filt) in {
    "plus": ("sport/tennis/player1", "sport/tennis/+"),
    "hash": ("sport/tennis/player1/ranking", "sport/#"),
    "hash_parent": ("sport", "sport/#"),
    "sys": ("$SYS/broker/load", "#"),
    "sys_explicit": ("$SYS/monitor/Clients", "$SYS/monitor/+"),
    "empty_levels": ("/finance", "+/+"),
    "exact": ("a/b/c", "a/b/c"),
    "misplaced": ("a/b", "a/#/b"),
}.items():
    t = topic.encode()
    write("topic_match", name, [len(t)] + list(t) + list(filt.encode()))
