import type { Logger } from '@conman/core';
import { AUDIT_EVENTS } from '@conman/db';
import { openTestDatabase, type TestDatabase } from '@conman/test-support';
import { BOOTSTRAP_ADMIN_ACTOR, auditedBootstrapAdmin, ensureBootstrapAdmin } from '../src/bootstrap-admin';

const FIRST_PASSWORD = 'juniper anchor velvet 12';
const SECOND_PASSWORD = 'walnut comet harbor 34';

let database: TestDatabase;

beforeAll(async () => {
  database = await openTestDatabase();
});

afterAll(() => database.close());

const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silent,
};

describe('bootstrap-admin', () => {
  it('audits the creation and the reset of a platform admin, without the password', async () => {
    const input = { email: 'Boot@example.com', name: 'Boot', password: FIRST_PASSWORD };
    const created = await auditedBootstrapAdmin(database, input, 'cli');
    const reset = await auditedBootstrapAdmin(database, { ...input, password: SECOND_PASSWORD }, 'cli');
    expect([created.created, reset.created]).toEqual([true, false]);

    const events = await database.db
      .collection(AUDIT_EVENTS)
      .find({ entity_id: created.user.id })
      .sort({ _id: 1 })
      .toArray();
    expect(
      events.map(({ action, actor, app_id, entity_type, after }) => ({
        action,
        actor,
        app_id,
        entity_type,
        after,
      })),
    ).toEqual(
      ['user.platform_admin_created', 'user.platform_admin_reset'].map((action) => ({
        action,
        actor: BOOTSTRAP_ADMIN_ACTOR,
        app_id: null,
        entity_type: 'user',
        after: { email: 'boot@example.com', name: 'Boot', is_platform_admin: true, source: 'cli' },
      })),
    );
    const stored = JSON.stringify(events);
    expect(stored).not.toContain(FIRST_PASSWORD);
    expect(stored).not.toContain(SECOND_PASSWORD);
    expect(stored).not.toContain(created.user.passwordHash);
  });

  it('audits the account CONMAN_BOOTSTRAP_ADMIN_* creates at startup, once', async () => {
    const config = {
      bootstrapAdmin: { email: 'startup@example.com', name: 'Startup', password: FIRST_PASSWORD },
    };
    await ensureBootstrapAdmin(config, database, silent);
    await ensureBootstrapAdmin(config, database, silent);
    const events = await database.db
      .collection(AUDIT_EVENTS)
      .find({ 'after.email': 'startup@example.com' })
      .toArray();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'user.platform_admin_created',
      after: { source: 'startup' },
    });
  });
});
