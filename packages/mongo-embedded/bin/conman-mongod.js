#!/usr/bin/env node
// Runs the embedded MongoDB-compatible server as its own process (the built dist/ is required).
// Usage: conman-mongod [--port N] [--bind_ip HOST] [--dbpath DIR] [--replSet NAME]
// Prints "listening <uri>" on stdout once ready; exits cleanly on SIGTERM/SIGINT.
'use strict';
const { parseArgs } = require('node:util');
const { startEmbeddedMongo } = require('../dist/index.js');

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      bind_ip: { type: 'string' },
      dbpath: { type: 'string' },
      replSet: { type: 'string' },
    },
    strict: true,
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}`);
  const server = await startEmbeddedMongo({
    port,
    host: values.bind_ip,
    dbPath: values.dbpath,
    replicaSet: values.replSet,
  });
  process.stdout.write(`listening ${server.uri}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.stop().then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`conman-mongod: ${error && error.message ? error.message : error}\n`);
  process.exit(1);
});
