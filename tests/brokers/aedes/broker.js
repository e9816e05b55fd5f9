// A throwaway Aedes broker for rsmqtt's tests (tests/other_brokers.rs):
// listens on 127.0.0.1 on a port the kernel picks, prints "PORT=<n>" once
// it accepts connections, and exits when its standard input closes (the
// test dropped it, or died). Sessions and queued messages live in memory.
'use strict';
const { Aedes } = require('aedes');
const net = require('net');

async function main() {
  const broker = await Aedes.createBroker();
  const server = net.createServer(broker.handle);
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`PORT=${server.address().port}\n`);
  });
  broker.on('client', (c) => process.stderr.write(`CONNECT ${c.id}\n`));
  broker.on('clientDisconnect', (c) => process.stderr.write(`DISCONNECT ${c.id}\n`));
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

main().catch((e) => {
  process.stderr.write(`aedes failed: ${e.stack || e}\n`);
  process.exit(1);
});
