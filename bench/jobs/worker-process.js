// One job-worker PROCESS of the jobs benchmark (started by run.js through fork): no-op handlers for
// notification jobs, pickup latencies recorded through the same metrics hook the worker's
// job_pickup_latency_seconds histogram uses, and reported to the parent on request.
'use strict';
const { silentLogger } = require('../../packages/core/dist');
const { connectMongo } = require('../../packages/db/dist');
const { startJobWorkers } = require('../../packages/jobs/dist');

async function main() {
  const { REDIS_URL, MONGO_URI, MONGO_DB, WORKER_ID } = process.env;
  const mongo = await connectMongo({ uri: MONGO_URI, dbName: MONGO_DB, appName: WORKER_ID });
  const latencies = [];
  const workers = await startJobWorkers({
    redisUrl: REDIS_URL,
    db: mongo.db,
    handlers: { notification_delivery: async () => ({ state: 'succeeded' }) },
    concurrency: { notification: 8 },
    logger: silentLogger,
    metrics: { jobStarted() {}, jobFinished() {}, pickupLatency: (_family, ms) => latencies.push(ms) },
    workerId: WORKER_ID,
    reconcileIntervalMs: null,
  });
  process.on('message', async (message) => {
    if (message === 'report') process.send({ latencies: latencies.splice(0) });
    if (message === 'stop') {
      await workers.close();
      await mongo.close();
      process.disconnect();
    }
  });
  process.send('ready');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
