// A worker process for the crash test: it takes jobs and holds them until killed. Runs the built dist.
const { connectMongo } = require('@conman/db');
const { silentLogger } = require('@conman/core');
const { startJobWorkers } = require('../../dist');

async function main() {
  const mongo = await connectMongo({
    uri: process.env.MONGO_URI,
    dbName: process.env.DB_NAME,
    appName: 'crash-worker',
  });
  await startJobWorkers({
    redisUrl: process.env.REDIS_URL,
    db: mongo.db,
    workerId: 'crash-child',
    leaseMs: Number(process.env.LEASE_MS),
    reconcileIntervalMs: null,
    logger: silentLogger,
    handlers: {
      temp_env_provision: ({ signal }) =>
        new Promise((resolve) => signal.addEventListener('abort', () => resolve({ state: 'succeeded' }))),
    },
  });
  process.stdout.write('ready\n');
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
