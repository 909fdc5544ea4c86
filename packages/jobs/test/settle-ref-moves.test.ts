import { silentLogger } from '@conman/core';
import { AUDIT_EVENTS, AuditLog, RefMoveJournal, inTransaction, type RefMove } from '@conman/db';
import { refMoveOutcome, settlePendingRefMoves } from '@conman/jobs';
import { createGitFixture, type GitFixture } from './support/git-fixture';
import { startJobTestServices, type JobTestServices } from './support/services';

let fixture: GitFixture;
let services: JobTestServices;
const REF = 'refs/heads/ws/test';
const OTHER = 'refs/conman/autosave/test';
const author = { name: 'Test', email: 'test@example.com' };

beforeAll(async () => {
  fixture = await createGitFixture();
  services = await startJobTestServices();
});

afterAll(async () => {
  await fixture.cleanup();
  await services.stop();
});

/** A commit on `parent` writing one file. */
const child = (parent: string, name: string) =>
  fixture.git.commitFiles(fixture.repoPath, {
    parent,
    message: name,
    author,
    changes: [{ action: 'write', path: `${name}.txt`, content: Buffer.from(name), executable: false }],
  });

async function pointAt(ref: string, sha: string | null): Promise<void> {
  const current = await fixture.git.resolveRef(fixture.repoPath, ref);
  if (sha === null) {
    if (current !== null)
      await fixture.git.updateRefs(fixture.repoPath, [{ ref, newSha: null, expectedOldSha: current }]);
    return;
  }
  await fixture.git.updateRefs(fixture.repoPath, [{ ref, newSha: sha, expectedOldSha: current }]);
}

const outcome = (refs: RefMove[]) =>
  refMoveOutcome(fixture.git, { id: 'x', repoPath: fixture.repoPath, refs, createdAt: new Date() });

describe('the settle decision', () => {
  it('a forward move happened when the ref holds the new sha or a commit built on it', async () => {
    const old = await fixture.commit({ 'a.txt': 'a' });
    const moved = await child(old, 'edit');
    const move = [{ ref: REF, oldSha: old, newSha: moved }];
    await pointAt(REF, old);
    expect(await outcome(move)).toBe('aborted');
    await pointAt(REF, moved);
    expect(await outcome(move)).toBe('committed');
    await pointAt(REF, await child(moved, 'later'));
    expect(await outcome(move)).toBe('committed');
    // Another process won the CAS: the ref went on from the old sha without this commit.
    await pointAt(REF, await child(old, 'rival'));
    expect(await outcome(move)).toBe('aborted');
    await pointAt(REF, null);
    expect(await outcome(move)).toBe('aborted');
  });

  it('a move back to an ancestor happened only when the ref left the old history', async () => {
    const baseline = await fixture.commit({ 'b.txt': 'b' });
    const head = await child(baseline, 'work');
    const move = [{ ref: REF, oldSha: head, newSha: baseline }];
    await pointAt(REF, head);
    expect(await outcome(move)).toBe('aborted');
    await pointAt(REF, await child(head, 'more-work'));
    expect(await outcome(move)).toBe('aborted');
    await pointAt(REF, baseline);
    expect(await outcome(move)).toBe('committed');
    await pointAt(REF, await child(baseline, 'after-reset'));
    expect(await outcome(move)).toBe('committed');
  });

  it('a move of several refs happened when every ref it changes shows it', async () => {
    const old = await fixture.commit({ 'c.txt': 'c' });
    const moved = await child(old, 'squash');
    const refs = [
      { ref: REF, oldSha: old, newSha: old },
      { ref: OTHER, oldSha: old, newSha: moved },
    ];
    await pointAt(REF, old);
    await pointAt(OTHER, old);
    expect(await outcome(refs)).toBe('aborted');
    await pointAt(OTHER, moved);
    expect(await outcome(refs)).toBe('committed');
    expect(await outcome([...refs, { ref: 'refs/heads/ws/third', oldSha: old, newSha: moved }])).toBe(
      'aborted',
    );
  });
});

describe('settlePendingRefMoves', () => {
  it('settles pending events past the grace period from the refs, and only those', async () => {
    const journal = new RefMoveJournal(services.db.client, new AuditLog(services.db));
    const old = await fixture.commit({ 'd.txt': 'd' });
    const landed = await child(old, 'landed');
    const lost = await child(old, 'lost');
    await pointAt(REF, landed);
    const event = (newSha: string) => ({
      appId: null,
      actor: { type: 'user' as const, id: 'u1' },
      entityType: 'workspace',
      entityId: 'w1',
      action: 'workspace.file_written',
      repoPath: fixture.repoPath,
      refs: [{ ref: REF, oldSha: old, newSha }],
    });
    const [landedId, lostId] = await inTransaction(services.db.client, (session) =>
      journal.begin([event(landed), event(lost)], session),
    );
    // A pass `minutesLater` minutes from now, with a grace of one minute.
    const settle = (minutesLater: number) =>
      settlePendingRefMoves({
        journal,
        git: fixture.git,
        logger: silentLogger,
        graceMs: 60_000,
        now: new Date(Date.now() + minutesLater * 60_000),
      });

    expect(await settle(0)).toEqual({ committed: 0, aborted: 0 });
    expect(await settle(2)).toEqual({ committed: 1, aborted: 1 });
    const statuses = await services.db
      .collection(AUDIT_EVENTS)
      .find({ entity_id: 'w1' })
      .sort({ _id: 1 })
      .toArray();
    expect(statuses.map((doc) => [doc._id.toHexString(), doc.ref_move?.status])).toEqual([
      [landedId, 'committed'],
      [lostId, 'aborted'],
    ]);
    expect(await settle(2)).toEqual({ committed: 0, aborted: 0 });
  });
});
