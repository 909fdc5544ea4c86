import { MailOutbox, inTransaction, retryDelayMs } from '@conman/db';
import { openTestDatabase, type TestDatabase } from '@conman/test-support';

let database: TestDatabase;
let outbox: MailOutbox;

beforeAll(async () => {
  database = await openTestDatabase();
  outbox = new MailOutbox(database.db, { baseDelayMs: 1000, maxDelayMs: 8000 });
});

afterAll(() => database.close());

const mail = { to: 'ann@example.com', subject: 'Hello', text: 'Body' };

/** Claims everything due at `now` so each test starts from an empty queue. */
async function drainAll(now: Date): Promise<void> {
  for (let claim = await outbox.claim(60_000, now); claim; claim = await outbox.claim(60_000, now)) {
    await outbox.markSent(claim, now);
  }
}

describe('mail outbox', () => {
  beforeEach(() => drainAll(new Date(Date.now() + 86_400_000)));

  it('enqueues inside a transaction and only when it commits', async () => {
    await expect(
      inTransaction(database.client, async (session) => {
        await outbox.enqueue({ ...mail, subject: 'rolled back' }, session);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await inTransaction(database.client, (session) => outbox.enqueue(mail, session));
    const claim = await outbox.claim(60_000);
    expect(claim?.message).toMatchObject({ subject: 'Hello', state: 'sending', attempts: 0 });
    expect(await outbox.claim(60_000)).toBeNull();
  });

  it('hands one message to exactly one of several concurrent claimers', async () => {
    await outbox.enqueue(mail);
    const claims = await Promise.all(Array.from({ length: 5 }, () => outbox.claim(60_000)));
    expect(claims.filter((claim) => claim !== null)).toHaveLength(1);
  });

  it('marks sent with the attempt counted', async () => {
    const { id } = await outbox.enqueue(mail);
    const claim = await outbox.claim(60_000);
    expect(claim && (await outbox.markSent(claim))).toBe(true);
    expect(await outbox.findById(id)).toMatchObject({ state: 'sent', attempts: 1, lastError: null });
  });

  it('reschedules failures with exponential backoff', async () => {
    const { id } = await outbox.enqueue(mail);
    let now = new Date();
    for (const expectedDelay of [1000, 2000, 4000, 8000, 8000]) {
      const claim = await outbox.claim(60_000, now);
      expect(claim?.message.id).toBe(id);
      await outbox.markFailed(claim!, 'ECONNREFUSED', now);
      const stored = await outbox.findById(id);
      expect(stored?.state).toBe('pending');
      expect(stored?.lastError).toBe('ECONNREFUSED');
      expect(stored!.nextAttemptAt.getTime() - now.getTime()).toBe(expectedDelay);
      expect(await outbox.claim(60_000, new Date(now.getTime() + expectedDelay - 1))).toBeNull();
      now = new Date(now.getTime() + expectedDelay);
    }
    expect((await outbox.findById(id))?.attempts).toBe(5);
  });

  it('lets another drainer take over an expired lease and ignores the stale one', async () => {
    const { id } = await outbox.enqueue(mail);
    const now = new Date();
    const stale = await outbox.claim(1000, now);
    expect(await outbox.claim(1000, new Date(now.getTime() + 999))).toBeNull();
    const takeover = await outbox.claim(1000, new Date(now.getTime() + 1000));
    expect(takeover?.message.id).toBe(id);
    expect(await outbox.markSent(stale!)).toBe(false);
    expect(await outbox.markSent(takeover!)).toBe(true);
  });

  it('computes capped exponential delays', () => {
    expect([1, 2, 3, 20].map((attempt) => retryDelayMs(attempt, { baseDelayMs: 5, maxDelayMs: 18 }))).toEqual(
      [5, 10, 18, 18],
    );
  });
});
