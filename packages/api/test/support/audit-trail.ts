import { randomUUID } from 'node:crypto';
import { NOTIFICATION_OUTBOX } from '@conman/db';
import { auditEventView } from '../../src/resources/audit';
import { PUBLIC_URL, bearer, type IdentityFixture } from './identity-fixture';

/** An audit event as `GET A/audit` shows it. */
export interface AuditView {
  id: string;
  app_id: string | null;
  actor: { type: string; id: string };
  entity_type: string;
  entity_id: string;
  action: string;
  before: unknown;
  after: unknown;
  context: { request_id: string | null; client_ip: string | null; user_agent: string | null };
}

export interface Call {
  status: number;
  text: string;
  /** The parsed JSON body; tests read it field by field. */
  json: any;
  /** The `X-Request-Id` sent, so the call's audit event can be found. */
  requestId: string;
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
}

/** An HTTP client that gives each call its own request id and keeps every response body for leak scans. */
export class RecordingClient {
  readonly responses: { step: string; text: string }[] = [];

  constructor(private readonly baseUrl: string) {}

  async call(step: string, method: string, path: string, options: CallOptions = {}): Promise<Call> {
    const requestId = `seq-${step}-${randomUUID()}`;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        'x-request-id': requestId,
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    this.responses.push({ step, text });
    const json: unknown = text.startsWith('{') ? JSON.parse(text) : undefined;
    return { status: response.status, text, json, requestId };
  }
}

/** Tokens of the links mailed so far (`accept-invite` or `reset-password`), per recipient, oldest first. */
export async function mailedTokens(
  fixture: IdentityFixture,
  link: 'accept-invite' | 'reset-password',
): Promise<Map<string, string[]>> {
  const pattern = new RegExp(`${PUBLIC_URL}/${link}\\?token=([A-Za-z0-9_-]+)`);
  const mails = await fixture.database.db
    .collection<{ to: string; text: string; created_at: Date }>(NOTIFICATION_OUTBOX)
    .find()
    .sort({ created_at: 1, _id: 1 })
    .toArray();
  const tokens = new Map<string, string[]>();
  for (const mail of mails) {
    const token = pattern.exec(mail.text)?.[1];
    if (token) tokens.set(mail.to, [...(tokens.get(mail.to) ?? []), token]);
  }
  return tokens;
}

/** Polls until `probe` yields a value (work done after a response, e.g. the reset mail of forgot-password). */
export async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The session id (`sid` claim) a session JWT names. */
export function sessionIdOf(jwt: string): string {
  const payload = Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8');
  return (JSON.parse(payload) as { sid: string }).sid;
}

/** Every page of `GET A/audit` for one app, read with a token allowed to. */
export async function appAuditEvents(
  client: RecordingClient,
  appId: string,
  token: string,
): Promise<AuditView[]> {
  const events: AuditView[] = [];
  for (let page = 1; ; page += 1) {
    const result = await client.call('read-audit', 'GET', `/api/apps/${appId}/audit?page=${page}&limit=100`, {
      headers: bearer(token),
    });
    if (result.status !== 200) throw new Error(`GET A/audit answered ${result.status}: ${result.text}`);
    events.push(...(result.json.data as AuditView[]));
    if (page * 100 >= (result.json.pagination.total as number)) return events;
  }
}

/** The events tied to no app (sessions, accounts, preferences), from the repository. */
export async function platformAuditEvents(fixture: IdentityFixture): Promise<AuditView[]> {
  const { events } = await fixture.services.audit.list({ appId: null, page: 1, limit: 1000 });
  return events.map(auditEventView);
}
