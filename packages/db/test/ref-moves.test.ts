import { ObjectId } from 'mongodb';
import {
  AUDIT_EVENTS,
  AuditLog,
  RefMoveJournal,
  UnitOfWork,
  WorkspacesRepository,
  inTransaction,
  type RefMoveRecord,
} from '@conman/db';
import { openTestDatabase, type TestDatabase } from '@conman/test-support';

let database: TestDatabase;
let audit: AuditLog;
let journal: RefMoveJournal;
const appId = new ObjectId().toHexString();
const OLD = 'a'.repeat(40);
const NEW = 'b'.repeat(40);

beforeAll(async () => {
  database = await openTestDatabase();
  audit = new AuditLog(database.db);
  journal = new RefMoveJournal(database.client, audit);
});

afterAll(() => database.close());

function move(entityId: string, overrides: Partial<RefMoveRecord> = {}): RefMoveRecord {
  return {
    appId,
    actor: { type: 'user', id: 'u1' },
    entityType: 'workspace',
    entityId,
    action: 'workspace.file_written',
    gitSha: NEW,
    repoPath: 'app.git',
    refs: [{ ref: 'refs/conman/autosave/w1', oldSha: OLD, newSha: NEW }],
    ...overrides,
  };
}

const statusOf = async (id: string) =>
  (await database.db.collection(AUDIT_EVENTS).findOne({ _id: new ObjectId(id) }))?.ref_move?.status;

const listed = async (entityId: string) =>
  (await audit.list({ appId, entityId, page: 1, limit: 50 })).events.map((event) => event.id);

describe('RefMoveJournal', () => {
  it('writes events pending in the caller transaction and settles each once', async () => {
    const [committed, aborted] = await inTransaction(database.client, (session) =>
      journal.begin([move('e1'), move('e1')], session),
    );
    expect([await statusOf(committed!), await statusOf(aborted!)]).toEqual(['pending', 'pending']);
    expect(await listed('e1')).toEqual([]);

    expect(await journal.settle([committed!], 'committed')).toBe(1);
    expect(await journal.settle([aborted!], 'aborted')).toBe(1);
    // Settled events stay as they are: a late process or a second reconciler changes nothing.
    expect(await journal.settle([committed!, aborted!], 'aborted')).toBe(0);
    expect([await statusOf(committed!), await statusOf(aborted!)]).toEqual(['committed', 'aborted']);
    expect(await listed('e1')).toEqual([committed]);
  });

  it('leaves no event when the transaction that began it aborts', async () => {
    const failure = new Error('change failed');
    await expect(
      inTransaction(database.client, async (session) => {
        await journal.begin([move('e2')], session);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await database.db.collection(AUDIT_EVENTS).countDocuments({ entity_id: 'e2' })).toBe(0);
  });

  it('lists pending events older than the cutoff, oldest first, with their refs', async () => {
    const [first, second] = await inTransaction(database.client, (session) =>
      journal.begin([move('e3'), move('e3')], session),
    );
    const later = new Date(Date.now() + 60_000);
    const pending = (await journal.listPending(later)).filter((entry) => [first, second].includes(entry.id));
    expect(pending.map((entry) => entry.id)).toEqual([first, second]);
    expect(pending[0]).toMatchObject({
      repoPath: 'app.git',
      refs: [{ ref: 'refs/conman/autosave/w1', oldSha: OLD, newSha: NEW }],
    });
    const earlier = new Date(Date.now() - 60_000);
    expect((await journal.listPending(earlier)).map((entry) => entry.id)).not.toContain(first);
    await journal.settle([first!, second!], 'committed');
    expect((await journal.listPending(later)).map((entry) => entry.id)).not.toContain(first);
  });

  it('puts back the fields of an aborted change unless someone wrote them since', async () => {
    const workspaces = new WorkspacesRepository(database.db);
    const created = await workspaces.create({
      appId,
      ownerId: new ObjectId().toHexString(),
      title: 'Undo',
      isDefault: false,
      branch: 'ws/undo/app',
      baseRefType: 'integration_head',
      baseRefValue: 'main',
      baseSha: OLD,
    });
    if ('clash' in created) throw new Error('fixture clashed');
    await workspaces.addEditor(created.id, 'alice');
    const unitOfWork = new UnitOfWork(database.client, audit);
    const reset = (newSha: string) =>
      unitOfWork.moveRefs(
        { appId, actor: { type: 'user', id: 'u1' } },
        {
          repoPath: 'app.git',
          refs: [{ ref: 'refs/heads/ws/undo/app', oldSha: OLD, newSha }],
          apply: () => Promise.reject(new Error('cas lost')),
          movedNothing: () => true,
        },
        async (tx) => {
          const result = await workspaces.updateUndoable(
            created.id,
            { baseSha: newSha, headSha: newSha, editorIds: [] },
            tx.session,
          );
          tx.undoOnAbort(result!.undo);
          await tx.audit({ entityType: 'workspace', entityId: created.id, action: 'workspace.reset' });
        },
      );
    await expect(reset(NEW)).rejects.toThrow('cas lost');
    expect(await workspaces.findInApp(appId, created.id)).toMatchObject({
      baseSha: OLD,
      headSha: OLD,
      editorIds: ['alice'],
    });
    const [event] = await database.db.collection(AUDIT_EVENTS).find({ entity_id: created.id }).toArray();
    expect(event?.ref_move).toMatchObject({ status: 'aborted', refs: [{ new_sha: NEW }] });

    // A later writer changed the record between the write-ahead and the abort: its value stays.
    const [pendingId] = await inTransaction(database.client, async (session) => {
      const result = await workspaces.updateUndoable(created.id, { baseSha: NEW }, session);
      return journal.begin([move(created.id, { undo: result!.undo })], session);
    });
    const LATER = 'c'.repeat(40);
    await workspaces.update(created.id, { baseSha: LATER });
    expect(await journal.settle([pendingId!], 'aborted')).toBe(1);
    expect((await workspaces.findInApp(appId, created.id))?.baseSha).toBe(LATER);
  });

  it('keeps ordinary events visible to audit reads', async () => {
    const event = await inTransaction(database.client, (session) =>
      audit.record(
        { appId, actor: { type: 'system', id: 'x' }, entityType: 'app', entityId: 'e5', action: 'a' },
        session,
      ),
    );
    expect(await listed('e5')).toEqual([event.id]);
  });
});
