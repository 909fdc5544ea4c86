import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { issueOpaqueToken } from '@conman/auth';
import { OutboxDrainer, createFileTransport } from '@conman/jobs';
import { LOGIN_LIMITS } from '../src/resources/auth';
import { postJson } from './support/harness';
import {
  PASSWORD,
  PUBLIC_URL,
  bearer,
  startIdentityApi,
  type IdentityFixture,
} from './support/identity-fixture';

let fixture: IdentityFixture;
let mailDir: string;
let drainer: OutboxDrainer;
let appId: string;
let admin: { id: string; token: string };
/** Not the default 7: the tests below see CONMAN_INVITE_EXPIRY_DAYS applied. */
const EXPIRY_DAYS = 3;
const DAY_MS = 24 * 60 * 60 * 1000;
const EMAIL_LIMIT = 3;
const TOKEN_LIMIT = 4;

beforeAll(async () => {
  fixture = await startIdentityApi(LOGIN_LIMITS, {
    inviteExpiryDays: EXPIRY_DAYS,
    // Every request comes from 127.0.0.1: the per-email and per-token limits are exercised here.
    acceptInviteLimits: {
      perIp: { name: 'accept-invite:ip', limit: 1000, windowSeconds: 60 },
      perEmail: { name: 'accept-invite:email', limit: EMAIL_LIMIT, windowSeconds: 900 },
      perToken: { name: 'accept-invite:token', limit: TOKEN_LIMIT, windowSeconds: 900 },
    },
  });
  mailDir = await mkdtemp(path.join(os.tmpdir(), 'conman-invite-mail-'));
  drainer = new OutboxDrainer({
    outbox: fixture.outbox,
    transport: createFileTransport(mailDir),
    from: 'conman@localhost',
  });
  appId = await fixture.newApp('invite-app');
  admin = await fixture.newUser('admin@example.com', { appId, role: 'app_admin' });
});

afterAll(async () => {
  await fixture.close();
  await rm(mailDir, { recursive: true, force: true });
});

const seen = new Set<string>();

/** Message bodies are quoted-printable: soft line breaks and `=3D` hide the link otherwise. */
function decodeQuotedPrintable(raw: string): string {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Delivers pending mail to files and returns the accept tokens of the messages new since the last call. */
async function deliveredTokens(): Promise<{ to: string; token: string; text: string }[]> {
  await drainer.drainOnce();
  const files = (await readdir(mailDir)).filter((file) => file.endsWith('.eml') && !seen.has(file));
  const found = [];
  for (const file of files) {
    seen.add(file);
    const raw = decodeQuotedPrintable(await readFile(path.join(mailDir, file), 'utf8'));
    const link = new RegExp(`${PUBLIC_URL}/accept-invite\\?token=([A-Za-z0-9_-]+)`).exec(raw);
    const to = /^To: (.+)$/m.exec(raw)?.[1] ?? '';
    if (link?.[1]) found.push({ to, token: link[1], text: raw });
  }
  return found;
}

function invite(email: string, role = 'reviewer', token = admin.token): Promise<Response> {
  return postJson(`${fixture.api.url}/api/apps/${appId}/invites`, { email, role }, bearer(token));
}

function accept(body: Record<string, unknown>): Promise<Response> {
  return postJson(`${fixture.api.url}/api/auth/accept-invite`, body);
}

describe('invites', () => {
  it('are emailed with an accept link from CONMAN_PUBLIC_URL and never returned by the API', async () => {
    const response = await invite('new.person@example.com');
    expect(response.status).toBe(201);
    const text = await response.text();
    const [mail] = await deliveredTokens();
    expect(mail?.to).toBe('new.person@example.com');
    expect(text).not.toContain(mail?.token);
    const listing = await fetch(`${fixture.api.url}/api/apps/${appId}/invites`, {
      headers: bearer(admin.token),
    });
    expect(await listing.text()).not.toContain(mail?.token);

    const accepted = await accept({ token: mail?.token, name: 'New Person', password: 'a fresh passphrase' });
    expect(accepted.status).toBe(200);
    expect(((await accepted.json()) as { data: unknown }).data).toMatchObject({
      app_id: appId,
      role: 'reviewer',
      account_created: true,
    });
    const login = await postJson(`${fixture.api.url}/api/auth/login`, {
      email: 'new.person@example.com',
      password: 'a fresh passphrase',
    });
    expect(login.status).toBe(200);
    expect((await accept({ token: mail?.token, name: 'Again', password: 'a fresh passphrase' })).status).toBe(
      401,
    );
  });

  it('expire after CONMAN_INVITE_EXPIRY_DAYS, when created and when resent', async () => {
    const expectExpiryFromNow = async (response: Response, sentAfter: number) => {
      const expiresAt = Date.parse(
        ((await response.json()) as { data: { expires_at: string } }).data.expires_at,
      );
      expect(expiresAt).toBeGreaterThanOrEqual(sentAfter + EXPIRY_DAYS * DAY_MS);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + EXPIRY_DAYS * DAY_MS);
    };
    const createdAfter = Date.now();
    const created = await invite('expiry@example.com');
    expect(created.status).toBe(201);
    const inviteId = ((await created.clone().json()) as { data: { id: string } }).data.id;
    await expectExpiryFromNow(created, createdAfter);
    const [mail] = await deliveredTokens();
    expect(mail?.text).toContain(`valid for ${EXPIRY_DAYS} days`);

    const resentAfter = Date.now();
    const resent = await postJson(
      `${fixture.api.url}/api/apps/${appId}/invites/${inviteId}/resend`,
      {},
      bearer(admin.token),
    );
    expect(resent.status).toBe(200);
    await expectExpiryFromNow(resent, resentAfter);
    const [resentMail] = await deliveredTokens();
    expect(resentMail?.to).toBe('expiry@example.com');
    expect(resentMail?.text).toContain(`valid for ${EXPIRY_DAYS} days`);
  });

  it('are for app_admin only', async () => {
    const reviewer = await fixture.newUser('reviewer@example.com', { appId, role: 'reviewer' });
    const stranger = await fixture.newUser('stranger@example.com');
    expect((await invite('x@example.com', 'user', reviewer.token)).status).toBe(403);
    expect((await invite('x@example.com', 'user', stranger.token)).status).toBe(404);
    expect((await invite('not-an-email', 'user')).status).toBe(400);
    expect((await invite('x@example.com', 'owner')).status).toBe(400);
  });

  it('invalidate the old token on resend', async () => {
    const created = (await (await invite('resend@example.com')).json()) as { data: { id: string } };
    const [first] = await deliveredTokens();
    const resend = await postJson(
      `${fixture.api.url}/api/apps/${appId}/invites/${created.data.id}/resend`,
      {},
      bearer(admin.token),
    );
    expect(resend.status).toBe(200);
    const [second] = await deliveredTokens();
    expect(second?.token).not.toBe(first?.token);
    expect((await accept({ token: first?.token, name: 'R', password: 'another passphrase' })).status).toBe(
      401,
    );
    expect((await accept({ token: second?.token, name: 'R', password: 'another passphrase' })).status).toBe(
      200,
    );
  });

  it('for an existing account require its password, and a failed attempt leaves the invite usable', async () => {
    await fixture.newUser('existing@example.com');
    await invite('existing@example.com', 'config_manager');
    const [mail] = await deliveredTokens();
    expect((await accept({ token: mail?.token, password: 'not their password' })).status).toBe(401);
    const accepted = await accept({ token: mail?.token, password: PASSWORD });
    expect(accepted.status).toBe(200);
    expect(((await accepted.json()) as { data: { account_created: boolean } }).data.account_created).toBe(
      false,
    );
  });

  it('enforce the password policy for new accounts without consuming the invite', async () => {
    await invite('policy@example.com');
    const [mail] = await deliveredTokens();
    const weak = await accept({ token: mail?.token, name: 'P', password: 'password1234' });
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as { error: { details: unknown } }).error.details).toEqual({
      reasons: ['common_password'],
    });
    expect((await accept({ token: mail?.token, name: 'P', password: 'a decent passphrase' })).status).toBe(
      200,
    );
  });

  it('are dead once revoked or expired', async () => {
    const created = (await (await invite('revoked@example.com')).json()) as { data: { id: string } };
    const [mail] = await deliveredTokens();
    const url = `${fixture.api.url}/api/apps/${appId}/invites/${created.data.id}`;
    expect((await fetch(url, { method: 'DELETE', headers: bearer(admin.token) })).status).toBe(204);
    expect((await fetch(url, { method: 'DELETE', headers: bearer(admin.token) })).status).toBe(404);
    expect((await accept({ token: mail?.token, name: 'R', password: 'a decent passphrase' })).status).toBe(
      401,
    );

    const expired = issueOpaqueToken();
    await fixture.invites.create({
      appId,
      email: 'late@example.com',
      role: 'user',
      tokenHash: expired.hash,
      invitedBy: admin.id,
      expiresAt: new Date(Date.now() - 1000),
    });
    expect((await accept({ token: expired.token, name: 'L', password: 'a decent passphrase' })).status).toBe(
      401,
    );
  });

  it('are audited without their tokens', async () => {
    const events = await fetch(`${fixture.api.url}/api/apps/${appId}/audit?entity_type=invite&limit=100`, {
      headers: bearer(admin.token),
    });
    const body = (await events.json()) as { data: { action: string }[] };
    expect(new Set(body.data.map((event) => event.action))).toEqual(
      new Set(['invite.created', 'invite.resent', 'invite.accepted', 'invite.revoked']),
    );
    const stored = JSON.stringify(await fixture.database.db.collection('audit_events').find().toArray());
    for (const file of seen) {
      const raw = decodeQuotedPrintable(await readFile(path.join(mailDir, file), 'utf8'));
      const token = /token=([A-Za-z0-9_-]+)/.exec(raw)?.[1] ?? 'missing';
      expect(stored).not.toContain(token);
    }
  });
});

describe('accept-invite rate limits', () => {
  async function expectRateLimited(response: Response): Promise<void> {
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await response.json()) as { error: { code: string; request_id: string } };
    expect(body.error).toMatchObject({ code: 'rate_limited', request_id: expect.any(String) });
  }

  it('limit guesses per invited email, whichever invite token carries them', async () => {
    await fixture.newUser('guessed@example.com');
    await invite('guessed@example.com');
    const [first] = await deliveredTokens();
    for (let attempt = 0; attempt < EMAIL_LIMIT; attempt += 1) {
      expect((await accept({ token: first?.token, password: `guess number ${attempt}` })).status).toBe(401);
    }
    await expectRateLimited(await accept({ token: first?.token, password: PASSWORD }));

    // A second invite to the same email (another app) shares the email's budget.
    const otherApp = await fixture.newApp('invite-app-2');
    await fixture.memberships.add(otherApp, admin.id, 'app_admin');
    const response = await postJson(
      `${fixture.api.url}/api/apps/${otherApp}/invites`,
      { email: 'guessed@example.com', role: 'user' },
      bearer(admin.token),
    );
    expect(response.status).toBe(201);
    const [second] = await deliveredTokens();
    await expectRateLimited(await accept({ token: second?.token, password: PASSWORD }));
    // The refused attempts consumed nothing: both invites are still pending.
    expect(await fixture.invites.listForApp(otherApp)).toHaveLength(1);
  });

  it('limit attempts per token, even one that matches no invite', async () => {
    const { token } = issueOpaqueToken();
    for (let attempt = 0; attempt < TOKEN_LIMIT; attempt += 1) {
      expect((await accept({ token, name: 'Nobody', password: 'a fresh passphrase' })).status).toBe(401);
    }
    await expectRateLimited(await accept({ token, name: 'Nobody', password: 'a fresh passphrase' }));
  });
});
