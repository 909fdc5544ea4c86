// Authenticated read throughput of one server process (target ≥ 1,000 requests/s, bench/README.md).
// Starts the whole system with `conman up` on a temporary data directory (embedded MongoDB engine,
// private redis-server, one server, one worker), signs in as the bootstrap admin and keeps
// CONCURRENCY keep-alive connections busy for DURATION_MS per endpoint.
// Build first:  npx turbo run build && node bench/http/run.js
'use strict';
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const DURATION_MS = Number(process.env.DURATION_MS ?? 10_000);
const WARMUP_MS = Number(process.env.WARMUP_MS ?? 2_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const TARGET_PER_SECOND = 1000;
const CLI = path.resolve(__dirname, '..', '..', 'apps', 'cli', 'dist', 'main.js');
const ADMIN = { email: 'bench-admin@conman.test', password: 'bench password of some length' };

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function call(port, method, route, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: route,
        agent,
        headers: { ...headers, ...(payload && { 'content-type': 'application/json' }) },
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks) }));
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

async function waitReady(port, child) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`conman up exited with ${child.exitCode}`);
    const ready = await call(port, 'GET', '/api/health/ready').catch(() => null);
    if (ready?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('conman up did not become ready within 120 s');
}

/** Keeps CONCURRENCY requests in flight until `until`; returns completed count, errors and latencies. */
async function load(port, route, headers, until) {
  let completed = 0;
  let failures = 0;
  const latencies = [];
  const loop = async () => {
    while (Date.now() < until) {
      const started = process.hrtime.bigint();
      const response = await call(port, 'GET', route, { headers });
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (response.status === 200) completed += 1;
      else failures += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  latencies.sort((a, b) => a - b);
  return { completed, failures, latencies };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'conman-bench-http-'));
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'up', '--port', String(port), '--data-dir', dataDir], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CONMAN_LOG_LEVEL: 'warn',
      CONMAN_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      CONMAN_BOOTSTRAP_ADMIN_NAME: 'Bench Admin',
      CONMAN_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitReady(port, child);
    const login = await call(port, 'POST', '/api/auth/login', { body: ADMIN });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.body}`);
    const token = JSON.parse(login.body).data.token;
    const headers = { authorization: `Bearer ${token}` };
    console.log(`conman up on :${port}; ${CONCURRENCY} connections, ${DURATION_MS} ms per endpoint`);
    for (const route of ['/api/me', '/api/apps']) {
      await load(port, route, headers, Date.now() + WARMUP_MS);
      const started = Date.now();
      const result = await load(port, route, headers, started + DURATION_MS);
      const seconds = (Date.now() - started) / 1000;
      const perSecond = result.completed / seconds;
      console.log(
        `GET ${route.padEnd(10)} ${perSecond.toFixed(0).padStart(6)} req/s` +
          `  p50 ${percentile(result.latencies, 50).toFixed(1)} ms  p99 ${percentile(result.latencies, 99).toFixed(1)} ms` +
          `  errors ${result.failures}  ratio to target ${(perSecond / TARGET_PER_SECOND).toFixed(2)}`,
      );
    }
  } finally {
    agent.destroy();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
