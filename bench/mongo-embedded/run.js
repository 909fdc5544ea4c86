// Throughput of the embedded MongoDB engine driven by the official driver in the same process.
// Run after building the package:  npx tsc -b packages/mongo-embedded && node bench/mongo-embedded/run.js
// Prints the median ops/s of several rounds per operation next to the target from issue 3, and the CPU time the
// process spent per operation (driver + engine), which stays meaningful when other work loads the machine.
'use strict';
const { MongoClient } = require('mongodb');
const { startEmbeddedMongo } = require('@conman/mongo-embedded');

const ROUNDS = 5;
const OPS_PER_ROUND = 2000;
const INDEXED_COLLECTION_SIZE = 100_000;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function measure(operation, opsPerRound = OPS_PER_ROUND) {
  const rates = [];
  const cpuPerOp = [];
  let counter = 0;
  // One unmeasured round first, so the medians compare steady states rather than JIT warm-up.
  for (let i = 0; i < opsPerRound; i += 1) await operation(counter++);
  for (let round = 0; round < ROUNDS; round += 1) {
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < opsPerRound; i += 1) await operation(counter++);
    const cpu = process.cpuUsage(cpuBefore);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    rates.push(opsPerRound / seconds);
    cpuPerOp.push((cpu.user + cpu.system) / opsPerRound);
  }
  return { rate: median(rates), cpuMicros: median(cpuPerOp) };
}

async function main() {
  const engine = await startEmbeddedMongo();
  const client = new MongoClient(engine.uri);
  await client.connect();
  const db = client.db('bench');
  const results = [];
  try {
    const docs = db.collection('docs');
    results.push([
      'insertOne',
      await measure((i) => docs.insertOne({ _id: i, n: i, text: 'value ' + i })),
      5000,
    ]);

    const inserted = (ROUNDS + 1) * OPS_PER_ROUND;
    results.push(['find by _id', await measure((i) => docs.findOne({ _id: (i * 7919) % inserted })), 5000]);

    const people = db.collection('people');
    for (let start = 0; start < INDEXED_COLLECTION_SIZE; start += 5000) {
      const batch = [];
      for (let i = start; i < start + 5000; i += 1)
        batch.push({ email: `user${i}@example.com`, age: i % 90 });
      await people.insertMany(batch);
    }
    await people.createIndex({ email: 1 }, { unique: true });
    results.push([
      `find by indexed field (${INDEXED_COLLECTION_SIZE} docs)`,
      await measure((i) =>
        people.findOne({ email: `user${(i * 7919) % INDEXED_COLLECTION_SIZE}@example.com` }),
      ),
      3000,
    ]);

    results.push([
      'updateOne by _id',
      await measure((i) => docs.updateOne({ _id: (i * 7919) % inserted }, { $inc: { n: 1 } })),
      3000,
    ]);

    const session = client.startSession();
    try {
      results.push([
        'withTransaction (one update)',
        await measure(
          (i) =>
            session.withTransaction(() =>
              docs.updateOne({ _id: (i * 7919) % inserted }, { $inc: { n: 1 } }, { session }),
            ),
          500,
        ),
        500,
      ]);
    } finally {
      await session.endSession();
    }
  } finally {
    await client.close();
    await engine.stop();
  }

  console.log(`mongo-embedded, driver in-process, median of ${ROUNDS} rounds after one warm-up round`);
  for (const [name, { rate, cpuMicros }, target] of results) {
    const verdict = rate >= target ? 'ok' : 'BELOW TARGET';
    if (rate < target) process.exitCode = 1;
    console.log(
      `${name.padEnd(40)} ${rate.toFixed(0).padStart(7)} ops/s  ${cpuMicros.toFixed(0).padStart(5)} µs CPU/op` +
        `  target >= ${String(target).padStart(5)}  ${verdict}`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
