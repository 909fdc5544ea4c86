import { ObjectId } from 'mongodb';
import { REDACTED, runWithRequestContext } from '@conman/core';
import { AuditLog, inTransaction, type AuditRecord } from '@conman/db';
import { openTestDatabase, type TestDatabase } from '@conman/test-support';

let database: TestDatabase;
let audit: AuditLog;
const appId = new ObjectId().toHexString();
const otherAppId = new ObjectId().toHexString();

beforeAll(async () => {
  database = await openTestDatabase();
  audit = new AuditLog(database.db);
});

afterAll(() => database.close());

function event(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    appId,
    actor: { type: 'user', id: 'u1' },
    entityType: 'app',
    entityId: appId,
    action: 'app.settings_updated',
    ...overrides,
  };
}

describe('audit log', () => {
  it('records actor, entity, masked before/after and the request context', async () => {
    const recorded = await runWithRequestContext(
      { requestId: 'req-1', clientIp: '192.0.2.7', userAgent: 'jest' },
      () =>
        inTransaction(database.client, (session) =>
          audit.record(
            event({
              entityType: 'api_key',
              entityId: 'k1',
              action: 'api_key.created',
              before: null,
              after: {
                name: 'ci',
                token_hash: 'abc',
                password: 'hunter2hunter2',
                note: 'Bearer eyJhbGciOi.eyJzdWIi.sig',
              },
              gitSha: 'a'.repeat(40),
            }),
            session,
          ),
        ),
    );
    const [stored] = (await audit.list({ appId, entityId: 'k1', page: 1, limit: 10 })).events;
    expect(stored).toEqual(recorded);
    expect(stored).toMatchObject({
      actor: { type: 'user', id: 'u1' },
      entityType: 'api_key',
      action: 'api_key.created',
      before: null,
      after: { name: 'ci', token_hash: REDACTED, password: REDACTED },
      gitSha: 'a'.repeat(40),
      context: { requestId: 'req-1', clientIp: '192.0.2.7', userAgent: 'jest' },
    });
    expect(JSON.stringify(stored)).not.toMatch(/hunter2|eyJ/);
  });

  it('is written with the change or not at all', async () => {
    await expect(
      inTransaction(database.client, async (session) => {
        await audit.record(event({ entityId: 'rolled-back' }), session);
        throw new Error('change failed');
      }),
    ).rejects.toThrow('change failed');
    expect((await audit.list({ appId, entityId: 'rolled-back', page: 1, limit: 10 })).total).toBe(0);
  });

  it('filters by entity, action and actor within one app, newest first, paginated', async () => {
    await inTransaction(database.client, async (session) => {
      for (let index = 0; index < 5; index += 1) {
        await audit.record(event({ entityType: 'env', entityId: 'e1', action: `env.step${index}` }), session);
      }
      await audit.record(
        event({ entityType: 'env', entityId: 'e1', actor: { type: 'api_key', id: 'k9' } }),
        session,
      );
      await audit.record(event({ appId: otherAppId, entityType: 'env', entityId: 'e1' }), session);
    });
    const firstPage = await audit.list({ appId, entityType: 'env', entityId: 'e1', page: 1, limit: 4 });
    expect(firstPage.total).toBe(6);
    expect(firstPage.events).toHaveLength(4);
    const secondPage = await audit.list({ appId, entityType: 'env', entityId: 'e1', page: 2, limit: 4 });
    expect(secondPage.events).toHaveLength(2);
    const ids = [...firstPage.events, ...secondPage.events].map((e) => e.id);
    expect(new Set(ids).size).toBe(6);
    expect((await audit.list({ appId, action: 'env.step3', page: 1, limit: 10 })).events).toHaveLength(1);
    expect((await audit.list({ appId, actorId: 'k9', page: 1, limit: 10 })).events[0]?.actor).toEqual({
      type: 'api_key',
      id: 'k9',
    });
    expect((await audit.list({ appId: otherAppId, page: 1, limit: 10 })).total).toBe(1);
  });

  it('lists the events tied to no app separately from every app', async () => {
    await inTransaction(database.client, async (session) => {
      await audit.record(
        event({ appId: null, entityType: 'session', entityId: 's-only', action: 'session.revoked' }),
        session,
      );
      await audit.record(
        event({ entityType: 'session', entityId: 's-only', action: 'session.revoked' }),
        session,
      );
    });
    const platform = await audit.list({ appId: null, entityId: 's-only', page: 1, limit: 10 });
    expect(platform.total).toBe(1);
    expect(platform.events[0]?.appId).toBeNull();
    expect((await audit.list({ appId, entityId: 's-only', page: 1, limit: 10 })).events[0]?.appId).toBe(
      appId,
    );
  });
});
