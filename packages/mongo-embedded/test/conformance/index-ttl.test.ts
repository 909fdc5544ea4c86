import { useConformanceConnection } from './harness';

const connection = useConformanceConnection();

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('TTL indexes', () => {
  // A real mongod sweeps every 60 s, so the wait allows for one full sweep period.
  it('removes documents whose date is older than expireAfterSeconds and keeps the rest', async () => {
    const collection = connection.db.collection('sessions');
    await collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await collection.insertMany([
      { name: 'expired', expiresAt: new Date(Date.now() - 60_000) },
      { name: 'future', expiresAt: new Date(Date.now() + 3_600_000) },
      { name: 'not a date', expiresAt: 'soon' },
    ]);
    await waitFor(async () => (await collection.countDocuments({ name: 'expired' })) === 0, 75_000);
    const left = (await collection.find({}).toArray()).map((doc) => doc.name).sort();
    expect(left).toEqual(['future', 'not a date']);
  }, 80_000);
});
