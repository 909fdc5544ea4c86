// The yardstick of bench/http: a bare Express process answering a small JSON document, with the
// Express the API itself uses (resolved through @conman/api) — no middleware, no database, no auth.
// Usage: node bench/http/bare-express.js <port>; prints "ready" once listening.
'use strict';
const path = require('node:path');

const express = require(
  require.resolve('express', { paths: [path.resolve(__dirname, '../../packages/api')] }),
);

const PROFILE = {
  id: '000000000000000000000001',
  email: 'bench-admin@conman.test',
  name: 'Bench Admin',
  is_platform_admin: true,
  memberships: [],
};

const app = express();
app.get('/api/me', (_req, res) => res.json({ data: PROFILE }));
app.listen(Number(process.argv[2]), '127.0.0.1', () => console.log('ready'));
