import path from 'node:path';
import { isDependencyUnavailableError } from '@conman/core';
import { connectMongo, inTransaction } from '@conman/db';
import {
  startEmbeddedEngine,
  startEmbeddedRedis,
  type EmbeddedRedis,
  type MongoBackend,
} from '@conman/runtime';
import { startStack, waitFor, type Stack, type TestResponse } from '../support/stack';

const ADMIN = { email: 'stalls@example.com', password: 'copper meadow signal 7' };
/** The bound the issue demands; the server's own bound (CONMAN_DEPENDENCY_TIMEOUT_MS) is 2 s. */
const ANSWER_WITHIN_MS = 5_000;

/**
 * A dependency that stops answering without closing its connections (SIGSTOP: a hung host, a full
 * disk, a GC pause) must turn into a prompt 503 `unavailable`, never a request that hangs.
 */
describe('requests while a dependency stalls', () => {
  let redis: EmbeddedRedis;
  let mongo: MongoBackend;
  let stack: Stack;

  beforeAll(async () => {
    // Private dependencies: stopping the shared test services would stall every other test file.
    const dir = process.env.CONMAN_TEST_DATA_DIR as string;
    redis = await startEmbeddedRedis({
      dataDir: dir,
      logFile: path.join(dir, `stalls-redis-${process.pid}.log`),
      persistent: false,
    });
    mongo = await startEmbeddedEngine({ logFile: path.join(dir, `stalls-mongo-${process.pid}.log`) });
    stack = await startStack({
      env: {
        CONMAN_MONGO_URI: mongo.uri,
        CONMAN_REDIS_URL: redis.url,
        CONMAN_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
        CONMAN_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      },
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await Promise.all([redis?.child.stop(), mongo?.stop()]);
  });

  const login = () => stack.request('POST', '/api/auth/login', { body: ADMIN });
  const me = (token: string) =>
    stack.request('GET', '/api/me', { headers: { authorization: `Bearer ${token}` } });

  async function timed(call: () => Promise<TestResponse>): Promise<TestResponse & { elapsedMs: number }> {
    const started = Date.now();
    const response = await call();
    return { ...response, elapsedMs: Date.now() - started };
  }

  function expectUnavailable(response: TestResponse & { elapsedMs: number }): void {
    expect(response.elapsedMs).toBeLessThan(ANSWER_WITHIN_MS);
    expect(response.status).toBe(503);
    expect(response.json.error).toMatchObject({ code: 'unavailable' });
    expect(response.json.error.request_id).toEqual(expect.any(String));
    // No address of the dependency leaks to the client.
    expect(response.text).not.toContain('127.0.0.1');
  }

  async function withStopped(pid: number, body: () => Promise<void>): Promise<void> {
    process.kill(pid, 'SIGSTOP');
    try {
      await body();
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  }

  async function expectRecovered(): Promise<string> {
    let token = '';
    await waitFor(
      async () => {
        const session = await login();
        token = session.json?.data?.token ?? '';
        return session.status === 200 && (await me(token)).status === 200;
      },
      30_000,
      () => stack.server.output().slice(-3_000),
    );
    return token;
  }

  it('answers 503 within 5 s while Redis is stopped, and recovers after SIGCONT', async () => {
    const token = await expectRecovered();
    await withStopped(redis.child.process.pid as number, async () => {
      // Login counts attempts in Redis (rate limiting refuses rather than failing open).
      expectUnavailable(await timed(login));
      expectUnavailable(await timed(login));
      // Reading one's own account needs only MongoDB: it keeps working, promptly.
      const read = await timed(() => me(token));
      expect(read.elapsedMs).toBeLessThan(ANSWER_WITHIN_MS);
      expect(read.status).toBe(200);
    });
    await expectRecovered();
  }, 90_000);

  it('answers 503 within 5 s while the MongoDB engine is stopped, and recovers after SIGCONT', async () => {
    const token = await expectRecovered();
    const enginePid = mongo.child?.process.pid as number;
    await withStopped(enginePid, async () => {
      expectUnavailable(await timed(login));
      // Past the 2 s session cache: the read has to reach the database.
      expectUnavailable(await timed(() => me(token)));
      expectUnavailable(await timed(() => me(token)));
    });
    await expectRecovered();
  }, 90_000);

  it('fails a transaction at once instead of retrying it while the MongoDB engine is stopped', async () => {
    const connection = await connectMongo({
      uri: mongo.uri,
      dbName: `${stack.dbName}_txn`,
      appName: 'stalls-test',
      operationTimeoutMs: 2_000,
    });
    const markers = connection.db.collection('markers');
    const write = (marker: string) =>
      inTransaction(connection.client, async (session) => {
        await markers.insertOne({ marker }, { session });
      });
    try {
      await write('before');
      let failure: unknown;
      let elapsedMs = 0;
      await withStopped(mongo.child?.process.pid as number, async () => {
        const started = Date.now();
        failure = await write('during').catch((error: unknown) => error);
        elapsedMs = Date.now() - started;
      });
      expect(isDependencyUnavailableError(failure)).toBe(true);
      expect(elapsedMs).toBeLessThan(ANSWER_WITHIN_MS);
      await waitFor(async () => (await write('after').then(() => true)) === true, 30_000);
      expect(await markers.countDocuments({ marker: { $in: ['before', 'after'] } })).toBeGreaterThanOrEqual(
        2,
      );
    } finally {
      await connection.close();
    }
  }, 90_000);
});
