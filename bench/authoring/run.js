// Authoring benchmark (issue 7; targets in bench/README.md): workspace file write and read through the HTTP API (a real
// in-process server: Express app, JWT auth, embedded MongoDB engine, redis-server, LocalGitAdapter)
// against the raw git plumbing doing the same commit work (bench/git/raw.sh: temp index read-tree,
// hash-object, update-index, write-tree, commit-tree, CAS update-ref), on a 10,000-file repository.
//
//   npx turbo run build && node bench/authoring/run.js [iterations]
//
// Targets: write p50 <= 30 ms, p99 <= 100 ms, <= 1.5x raw; read p50 <= 10 ms.
'use strict';

const { execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { cpus, loadavg, tmpdir } = require('node:os');
const { join } = require('node:path');
const { silentLogger } = require('../../packages/core/dist');
const { connectMongo, ensureIndexes, allIndexSpecs } = require('../../packages/db/dist');
const { LocalGitAdapter } = require('../../packages/git/dist');
const { hashPassword } = require('../../packages/auth/dist');
const {
  createApiApp,
  createMetrics,
  conmanModules,
  createAccessGuard,
  createConmanServices,
} = require('../../packages/api/dist');
const { startEmbeddedRedis, connectRedis } = require('../../packages/runtime/dist');
const { startEmbeddedMongo } = require('@conman/mongo-embedded');
const { generateRepository, percentile, time } = require('../shared/repository');

const ITERATIONS = Number(process.argv[2] ?? 200);
const WRITE_PATH = 'd3/s7/file-0042.yaml';
const READ_PATH = 'd5/s2/file-0017.yaml';
const PASSWORD = 'bench password that is long';

function runRaw(gitDir) {
  const output = execFileSync(
    'bash',
    [
      join(__dirname, '..', 'git', 'raw.sh'),
      gitDir,
      String(ITERATIONS),
      WRITE_PATH,
      READ_PATH,
      'main',
      'main',
    ],
    { encoding: 'utf8' },
  );
  const samples = { commit: [], read: [], merge: [] };
  for (const line of output.trim().split('\n')) {
    const [operation, ms] = line.split(' ');
    samples[operation].push(Number(ms));
  }
  return samples;
}

function line(name, samples) {
  return `${name.padEnd(22)} p50 ${percentile(samples, 0.5).toFixed(2).padStart(7)} ms  p99 ${percentile(samples, 0.99).toFixed(2).padStart(7)} ms`;
}

async function startServer(dir, storageRoot) {
  const redis = await startEmbeddedRedis({
    dataDir: dir,
    logFile: join(dir, 'redis.log'),
    persistent: false,
  });
  const embedded = process.env.CONMAN_BENCH_MONGO_URI ? undefined : await startEmbeddedMongo();
  const mongo = await connectMongo({
    uri: process.env.CONMAN_BENCH_MONGO_URI ?? embedded.uri,
    dbName: 'bench_authoring',
    appName: 'bench',
  });
  await mongo.db.dropDatabase();
  await ensureIndexes(mongo.db, allIndexSpecs);
  const redisClient = await connectRedis(redis.url);
  const git = new LocalGitAdapter({ storageRoot });
  const context = {
    mongo,
    redis: redisClient,
    git,
    logger: silentLogger,
    jwtSecret: 'b'.repeat(40),
    publicUrl: 'http://bench.invalid',
  };
  const services = createConmanServices(context);
  const app = createApiApp({
    logger: silentLogger,
    http: { bodyLimitBytes: 16 * 1024 * 1024, corsOrigins: [] },
    readiness: [],
    metrics: createMetrics({ defaultMetrics: false }),
    version: 'bench',
    modules: conmanModules(context, services),
    guard: createAccessGuard(services),
  });
  const server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    services,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await git.close();
      await redisClient.quit();
      await mongo.client.close();
      await embedded?.stop();
      await redis.child.stop();
    },
  };
}

function profile() {
  if (!process.env.BENCH_PROFILE) return null;
  const { performance } = require('node:perf_hooks');
  const totals = {};
  const wrap = (proto, name, label) => {
    const fn = proto[name];
    proto[name] = async function (...args) {
      const start = performance.now();
      try {
        return await fn.apply(this, args);
      } finally {
        totals[label] = (totals[label] ?? 0) + performance.now() - start;
      }
    };
  };
  const db = require('../../packages/db/dist');
  wrap(LocalGitAdapter.prototype, 'commitFiles', 'git.commitFiles');
  wrap(LocalGitAdapter.prototype, 'updateRefs', 'git.updateRefs');
  wrap(LocalGitAdapter.prototype, 'resolveRef', 'git.resolveRef');
  wrap(db.WorkspacesRepository.prototype, 'findInApp', 'db.workspace');
  wrap(db.AppsRepository.prototype, 'findById', 'db.app');
  wrap(db.AuditLog.prototype, 'record', 'db.audit.insert');
  wrap(LocalGitAdapter.prototype, 'readBlob', 'git.readBlob');
  const auth = require('../../packages/auth/dist');
  wrap(auth.AccessControl.prototype, 'identify', 'auth.identify');
  wrap(auth.AccessControl.prototype, 'authorize', 'auth.authorize');
  wrap(
    require('../../packages/api/dist/resources/workspaces/service').WorkspaceService.prototype,
    'edit',
    'service.edit',
  );
  return totals;
}

async function main() {
  const totals = profile();
  const dir = mkdtempSync(join(tmpdir(), 'conman-bench-authoring-'));
  const storageRoot = join(dir, 'repos');
  let server;
  try {
    const setupStart = Date.now();
    await generateRepository(join(storageRoot, 'bench.git'));
    server = await startServer(dir, storageRoot);
    const { services } = server;
    const app = await services.apps.create({
      name: 'bench',
      repoPath: 'bench.git',
      integrationBranch: 'main',
    });
    const user = await services.users.create({
      email: 'author@example.com',
      name: 'author',
      passwordHash: await hashPassword(PASSWORD),
    });
    await services.memberships.add(app.id, user.id, 'user');
    const { token } = await services.sessionService.login('author@example.com', PASSWORD);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const base = `${server.url}/api/apps/${app.id}/workspaces`;
    const list = await (await fetch(base, { headers })).json();
    const workspace = list.data[0];
    console.log(
      `repository: 10000 files, setup ${Date.now() - setupStart} ms, ${ITERATIONS} iterations, workspace ${workspace.branch}, ` +
        `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores (wall times stretch under load; the ratio to raw does not)`,
    );

    const write = async (index) => {
      const response = await fetch(`${base}/${workspace.id}/files`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({
          path: WRITE_PATH,
          content: `key: 42\nvalue: api ${index}\n`,
          encoding: 'utf8',
        }),
      });
      if (response.status !== 200)
        throw new Error(`write answered ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    };
    const read = async () => {
      const response = await fetch(`${base}/${workspace.id}/files?path=${READ_PATH}&encoding=utf8`, {
        headers,
      });
      if (response.status !== 200) throw new Error(`read answered ${response.status}`);
      await response.arrayBuffer();
    };
    await time(10, (index) => write(-index - 1)); // warm-up: cat-file processes, JIT, page cache
    await time(10, read);
    if (totals) for (const key of Object.keys(totals)) delete totals[key];
    const writes = await time(ITERATIONS, write);
    if (totals)
      for (const [key, ms] of Object.entries(totals))
        console.log(`  per write: ${key} ${(ms / ITERATIONS).toFixed(2)} ms`);
    if (totals) for (const key of Object.keys(totals)) delete totals[key];
    const reads = await time(ITERATIONS, read);
    if (totals)
      for (const [key, ms] of Object.entries(totals))
        console.log(`  per read: ${key} ${(ms / ITERATIONS).toFixed(2)} ms`);
    const raw = runRaw(join(storageRoot, 'bench.git'));

    const w50 = percentile(writes, 0.5);
    const ratio = w50 / percentile(raw.commit, 0.5);
    console.log(line('API write (PUT)', writes));
    console.log(line('raw git commit', raw.commit));
    console.log(`write ratio API/raw (p50): ${ratio.toFixed(2)}`);
    console.log(line('API read (GET)', reads));
    console.log(line('raw git cat-file -p', raw.read));
    const verdicts = [
      ['write p50 <= 30 ms', w50 <= 30],
      ['write p99 <= 100 ms', percentile(writes, 0.99) <= 100],
      ['write <= 1.5x raw', ratio <= 1.5],
      ['read p50 <= 10 ms', percentile(reads, 0.5) <= 10],
    ];
    for (const [target, ok] of verdicts) console.log(`${ok ? 'PASS' : 'FAIL'} ${target}`);
    process.exitCode = verdicts.every(([, ok]) => ok) ? 0 : 1;
  } finally {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
