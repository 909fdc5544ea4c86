// Pickup latency (enqueue → running) and throughput of no-op jobs with 2 job-worker PROCESSES
// (bench/jobs/worker-process.js) on a private redis-server and the embedded MongoDB engine (or
// CONMAN_BENCH_MONGO_URI); this process only produces, like the API server.
// Build first:  npx tsc -b packages/jobs packages/runtime packages/mongo-embedded && node bench/jobs/run.js
// Target (issue 6): pickup p50 ≤ 50 ms.
'use strict';
const { fork } = require('node:child_process');
const { once } = require('node:events');
const { mkdtempSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
  connectMongo,
  ensureIndexes,
  jobIndexSpecs,
  jobLogIndexSpecs,
  JobStore,
} = require('../../packages/db/dist');
const { JobProducer, JobQueues, createBullConnection } = require('../../packages/jobs/dist');
const { startEmbeddedRedis } = require('../../packages/runtime/dist');
const { startEmbeddedMongo } = require('@conman/mongo-embedded');

const LATENCY_JOBS = Number(process.env.LATENCY_JOBS ?? 300);
const THROUGHPUT_JOBS = Number(process.env.THROUGHPUT_JOBS ?? 1000);

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

async function waitAllSucceeded(store, expected) {
  for (;;) {
    const { total } = await store.list({ state: 'succeeded' }, { page: 1, limit: 1 });
    if (total >= expected) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'conman-bench-jobs-'));
  const redis = await startEmbeddedRedis({
    dataDir: dir,
    logFile: path.join(dir, 'redis.log'),
    persistent: false,
  });
  const embedded = process.env.CONMAN_BENCH_MONGO_URI ? undefined : await startEmbeddedMongo();
  const mongo = await connectMongo({
    uri: process.env.CONMAN_BENCH_MONGO_URI ?? embedded.uri,
    dbName: 'bench_jobs',
    appName: 'bench',
  });
  await mongo.db.dropDatabase();
  await ensureIndexes(mongo.db, [...jobIndexSpecs, ...jobLogIndexSpecs]);
  const workers = [1, 2].map((n) =>
    fork(path.join(__dirname, 'worker-process.js'), {
      env: {
        ...process.env,
        REDIS_URL: redis.url,
        MONGO_URI: process.env.CONMAN_BENCH_MONGO_URI ?? embedded.uri,
        MONGO_DB: 'bench_jobs',
        WORKER_ID: `bench-${n}`,
      },
    }),
  );
  await Promise.all(workers.map((worker) => once(worker, 'message')));
  const latencies = async () => {
    const reports = await Promise.all(
      workers.map((worker) => {
        const reply = once(worker, 'message');
        worker.send('report');
        return reply;
      }),
    );
    return reports.flatMap(([report]) => report.latencies);
  };
  const connection = createBullConnection(redis.url);
  const queues = new JobQueues(connection);
  const store = new JobStore(mongo.db);
  const producer = new JobProducer(store, queues, connection);

  // Latency: one job at a time, so the figure is pickup, not backlog.
  for (let i = 0; i < LATENCY_JOBS; i += 1) {
    const job = await producer.enqueue({ type: 'notification_delivery', appId: null, payload: { i } });
    while ((await store.get(job.id)).state !== 'succeeded')
      await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const sequential = await latencies();
  const pickup = { p50: percentile(sequential, 50), p99: percentile(sequential, 99) };

  const started = Date.now();
  await Promise.all(
    Array.from({ length: THROUGHPUT_JOBS }, (_, i) =>
      producer.enqueue({ type: 'notification_delivery', appId: null, payload: { i } }),
    ),
  );
  await waitAllSucceeded(store, LATENCY_JOBS + THROUGHPUT_JOBS);
  const seconds = (Date.now() - started) / 1000;
  const backlog = await latencies();

  console.log(
    `pickup latency (enqueue → running), ${LATENCY_JOBS} sequential jobs: p50 ${pickup.p50} ms, p99 ${pickup.p99} ms (target p50 ≤ 50 ms)`,
  );
  if (pickup.p50 > 50) process.exitCode = 1;
  console.log(
    `throughput, ${THROUGHPUT_JOBS} no-op jobs, 2 worker processes × concurrency 8: ${(THROUGHPUT_JOBS / seconds).toFixed(0)} jobs/s (${seconds.toFixed(2)} s); pickup under that backlog p50 ${percentile(backlog, 50)} ms, p99 ${percentile(backlog, 99)} ms`,
  );

  await Promise.all(
    workers.map((worker) => {
      const exited = once(worker, 'exit');
      worker.send('stop');
      return exited;
    }),
  );
  await queues.close();
  await connection.quit();
  await mongo.close();
  await embedded?.stop();
  await redis.child.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
