"""A throwaway amqtt broker for rsmqtt's tests (tests/other_brokers.rs).

Listens on 127.0.0.1 on a port the kernel picks, prints "PORT=<n>" once it
accepts connections, logs "CONNECT <client id>" and "DISCONNECT <client id>"
on stderr when a client's session goes online and offline, and exits when its standard input closes (the test dropped it,
or died). Sessions and queued messages live in memory.
"""

import asyncio
from dataclasses import dataclass
import logging
import sys

from amqtt.broker import Broker
from amqtt.plugins.base import BaseAuthPlugin, BasePlugin


class AcceptEveryClient(BaseAuthPlugin):
    """Accepts every CONNECT as an identified (not anonymous) client.

    amqtt refuses a CONNECT unless an authentication plugin says yes, and
    its AnonymousAuthPlugin marks the session anonymous: an anonymous
    session is dropped as soon as it disconnects and gets no messages
    queued while away, whatever its clean-session flag. The tests need
    MQTT 3.1.1 persistent sessions without a user name, hence this plugin.
    """

    @dataclass
    class Config:
        """No options."""

    async def authenticate(self, *, session):
        del session
        return True


class ConnectLog(BasePlugin):
    """Tells the test which clients the broker accepted and let go."""

    async def on_broker_client_connected(self, *, client_id, client_session):
        del client_session
        sys.stderr.write(f"CONNECT {client_id}\n")
        sys.stderr.flush()

    async def on_broker_client_disconnected(self, *, client_id, client_session):
        del client_session
        sys.stderr.write(f"DISCONNECT {client_id}\n")
        sys.stderr.flush()


async def main():
    config = {
        "listeners": {"default": {"type": "tcp", "bind": "127.0.0.1:0"}},
        # No $SYS plugin: its periodic publishes are noise for the tests.
        "plugins": {
            "__main__.AcceptEveryClient": {},
            "__main__.ConnectLog": {},
        },
    }
    broker = Broker(config)
    await broker.start()
    # The listener was bound to port 0: read back the port the kernel chose.
    server = broker._servers["default"].instance
    port = server.sockets[0].getsockname()[1]
    sys.stdout.write(f"PORT={port}\n")
    sys.stdout.flush()
    loop = asyncio.get_running_loop()
    # Standard input closing is the signal to stop.
    await loop.run_in_executor(None, sys.stdin.read)
    await broker.shutdown()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.run(main())
