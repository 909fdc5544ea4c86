import { performance } from 'node:perf_hooks';
import { postJson } from './support/harness';
import {
  PASSWORD,
  PUBLIC_URL,
  bearer,
  startIdentityApi,
  type IdentityFixture,
} from './support/identity-fixture';

let fixture: IdentityFixture;

beforeAll(async () => {
  fixture = await startIdentityApi();
});

afterAll(() => fixture.close());

const forgot = (email: string) => postJson(`${fixture.api.url}/api/auth/forgot-password`, { email });
const reset = (token: string | undefined, password: string) =>
  postJson(`${fixture.api.url}/api/auth/reset-password`, { token, password });

/** Waits for the reset email to reach the outbox (it is queued after the answer) and returns its token. */
async function resetTokenFor(email: string): Promise<string> {
  for (;;) {
    const claim = await fixture.outbox.claim(60_000);
    if (claim) {
      await fixture.outbox.markSent(claim);
      expect(claim.message.to).toBe(email);
      const token = new RegExp(`${PUBLIC_URL}/reset-password\\?token=([A-Za-z0-9_-]+)`).exec(
        claim.message.text,
      )?.[1];
      if (!token) throw new Error('no reset link in the email');
      return token;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('forgot-password', () => {
  it('answers known and unknown emails with byte-identical responses', async () => {
    await fixture.newUser('known@example.com');
    const known = await forgot('known@example.com');
    const unknown = await forgot('unknown@example.com');
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(await known.text()).toBe(await unknown.text());
    await resetTokenFor('known@example.com');
  });

  it('takes comparable time for known and unknown emails', async () => {
    await fixture.newUser('timing@example.com');
    const time = async (email: string) => {
      const start = performance.now();
      await forgot(email);
      return performance.now() - start;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      known.push(await time('timing@example.com'));
      await resetTokenFor('timing@example.com');
      unknown.push(await time('nobody-timing@example.com'));
    }
    // Both answer before any database work; a known email does not cost a token insert and an email.
    expect(Math.abs(Math.min(...known) - Math.min(...unknown))).toBeLessThan(50);
  });
});

describe('reset-password', () => {
  it('changes the password, revokes every session, and works once', async () => {
    const user = await fixture.newUser('reset@example.com');
    await forgot('reset@example.com');
    const token = await resetTokenFor('reset@example.com');
    expect((await reset(token, 'short')).status).toBe(400);
    expect((await reset(token, 'my brand new passphrase')).status).toBe(204);
    expect((await fetch(`${fixture.api.url}/api/me`, { headers: bearer(user.token) })).status).toBe(401);
    expect((await reset(token, 'yet another passphrase')).status).toBe(401);
    const oldLogin = await postJson(`${fixture.api.url}/api/auth/login`, {
      email: 'reset@example.com',
      password: PASSWORD,
    });
    expect(oldLogin.status).toBe(401);
    const newLogin = await postJson(`${fixture.api.url}/api/auth/login`, {
      email: 'reset@example.com',
      password: 'my brand new passphrase',
    });
    expect(newLogin.status).toBe(200);
    const events = await fixture.database.db
      .collection('audit_events')
      .find({ action: 'user.password_reset' })
      .toArray();
    expect(events.map((event) => event.entity_id)).toEqual([user.id]);
  });

  it('refuses unknown tokens', async () => {
    expect((await reset('x'.repeat(43), 'my brand new passphrase')).status).toBe(401);
  });

  it('is rate limited per email with Retry-After', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1)
      expect((await forgot('flood@example.com')).status).toBe(202);
    const limited = await forgot('FLOOD@example.com');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
