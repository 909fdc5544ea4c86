// Authenticated read throughput of one server process (target ≥ 1,000 requests/s, bench/README.md), and its ratio
// to a bare Express endpoint loaded by the same client in the same run (bench/http/bare-express.js),
// which makes the result comparable on a loaded or slower machine (target ≥ RATIO_TARGET for /api/me).
// Starts the whole system with `conman up` on a temporary data directory (embedded MongoDB engine,
// private redis-server, one server, one worker), signs in as the bootstrap admin and keeps
// CONCURRENCY keep-alive connections busy for DURATION_MS per endpoint. Exits 1 when a target is missed.
// Build first:  npx turbo run build && node bench/http/run.js
'use strict';
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, readdirSync, rmSync } = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const DURATION_MS = Number(process.env.DURATION_MS ?? 10_000);
const WARMUP_MS = Number(process.env.WARMUP_MS ?? 2_000);
// Targets are measured in alternating rounds, so a change of machine load hits all of them alike.
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const CLOCK_TICKS_PER_SECOND = 100;
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const TARGET_PER_SECOND = 1000;
const RATIO_TARGET = 0.35;
const BARE_EXPRESS = path.join(__dirname, 'bare-express.js');
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

async function waitReady(port, child, route, name) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    const ready = await call(port, 'GET', route).catch(() => null);
    if (ready?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} did not become ready within 120 s`);
}

async function stop(child) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
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

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); null elsewhere. */
function cpuSecondsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** The `conman serve` child of the `conman up` supervisor, whose CPU time is measured. */
function serverPidOf(supervisorPid) {
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const parent = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1];
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (Number(parent) === supervisorPid && command.includes('serve')) return Number(entry);
    } catch {
      // The process ended while being read.
    }
  }
  return null;
}

/** A measured endpoint: where it is served, by which process, and what its rounds added up to. */
function target(label, port, route, headers, pid) {
  return {
    label,
    port,
    route,
    headers,
    pid,
    completed: 0,
    failures: 0,
    seconds: 0,
    cpuSeconds: 0,
    latencies: [],
  };
}

async function measureRound(entry, durationMs) {
  const cpuBefore = cpuSecondsOf(entry.pid);
  const started = Date.now();
  const result = await load(entry.port, entry.route, entry.headers, started + durationMs);
  entry.seconds += (Date.now() - started) / 1000;
  const cpuAfter = cpuSecondsOf(entry.pid);
  if (cpuBefore !== null && cpuAfter !== null) entry.cpuSeconds += cpuAfter - cpuBefore;
  entry.completed += result.completed;
  entry.failures += result.failures;
  entry.latencies.push(...result.latencies);
}

function report(entry) {
  entry.latencies.sort((a, b) => a - b);
  entry.perSecond = entry.completed / entry.seconds;
  entry.cpuMsPerRequest = (entry.cpuSeconds * 1000) / entry.completed;
  console.log(
    `${entry.label.padEnd(26)} ${entry.perSecond.toFixed(0).padStart(6)} req/s` +
      `  p50 ${percentile(entry.latencies, 50).toFixed(1)} ms  p99 ${percentile(entry.latencies, 99).toFixed(1)} ms` +
      `  server CPU ${entry.cpuMsPerRequest.toFixed(3)} ms/request  errors ${entry.failures}`,
  );
}

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'conman-bench-http-'));
  const [port, barePort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [CLI, 'up', '--port', String(port), '--data-dir', dataDir], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CONMAN_LOG_LEVEL: process.env.CONMAN_LOG_LEVEL ?? 'info',
      CONMAN_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      CONMAN_BOOTSTRAP_ADMIN_NAME: 'Bench Admin',
      CONMAN_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      // BENCH_CPU_PROFILE_DIR=<dir>: the server process writes a .cpuprofile there when it stops.
      ...(process.env.BENCH_CPU_PROFILE_DIR && {
        BENCH_CPU_PROFILE_DIR: path.resolve(process.env.BENCH_CPU_PROFILE_DIR),
        NODE_OPTIONS: `--require ${path.join(__dirname, 'cpu-profile.js')}`,
      }),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const bare = spawn(process.execPath, [BARE_EXPRESS, String(barePort)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let missed = false;
  try {
    await waitReady(port, child, '/api/health/ready', 'conman up');
    await waitReady(barePort, bare, '/api/me', 'bare Express');
    const login = await call(port, 'POST', '/api/auth/login', { body: ADMIN });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.body}`);
    const token = JSON.parse(login.body).data.token;
    const headers = { authorization: `Bearer ${token}` };
    console.log(
      `conman up on :${port}, bare Express on :${barePort}; ${CONCURRENCY} connections, ${DURATION_MS} ms per endpoint`,
    );
    const serverPid = serverPidOf(child.pid);
    const me = target('GET /api/me', port, '/api/me', headers, serverPid);
    const apps = target('GET /api/apps', port, '/api/apps', headers, serverPid);
    const bareMe = target('bare Express GET /api/me', barePort, '/api/me', {}, bare.pid);
    const targets = [me, apps, bareMe];
    for (const entry of targets) await load(entry.port, entry.route, entry.headers, Date.now() + WARMUP_MS);
    for (let round = 0; round < ROUNDS; round++) {
      for (const entry of targets) await measureRound(entry, DURATION_MS / ROUNDS);
    }
    targets.forEach(report);
    const ratio = me.perSecond / bareMe.perSecond;
    console.log(
      `ratio to bare Express: /api/me ${ratio.toFixed(2)} (target ≥ ${RATIO_TARGET}), /api/apps ` +
        `${(apps.perSecond / bareMe.perSecond).toFixed(2)}; by server CPU per request: /api/me ` +
        `${(bareMe.cpuMsPerRequest / me.cpuMsPerRequest).toFixed(2)}, /api/apps ` +
        `${(bareMe.cpuMsPerRequest / apps.cpuMsPerRequest).toFixed(2)}; ratio to ${TARGET_PER_SECOND} req/s: ` +
        `/api/me ${(me.perSecond / TARGET_PER_SECOND).toFixed(2)}, /api/apps ${(apps.perSecond / TARGET_PER_SECOND).toFixed(2)}`,
    );
    missed = ratio < RATIO_TARGET || Math.min(me.perSecond, apps.perSecond) < TARGET_PER_SECOND;
    if (missed) console.log('TARGET MISSED');
  } finally {
    agent.destroy();
    await Promise.all([stop(child), stop(bare)]);
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (missed) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
