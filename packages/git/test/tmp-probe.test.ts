import { GitalyAdapter, LocalGitAdapter, RefConflictError } from '../src';
import { startGitalyTestServer } from './support/gitaly-server';

it('probe', async () => {
  const server = await startGitalyTestServer();
  const adapter = process.env.LOCAL ? new LocalGitAdapter({ storageRoot: server.storageRoot + '/l' }) : new GitalyAdapter({ address: server.address, storageName: server.storageName });
  await adapter.createRepository('r.git');
  const alice = { name: 'A', email: 'a@x' };
  await adapter.commitToBranch('r.git', { ref: 'refs/heads/main', expectedOldSha: null, parent: null, changes: [{ action: 'write', path: 'a', content: Buffer.from('a') }], message: 'm', author: alice });
  const t = Date.now();
  let attemptsTotal = 0;
  const N = Number(process.env.N ?? 20);
  await Promise.all(Array.from({ length: N }, async (_, i) => {
    for (;;) {
      attemptsTotal++;
      const head = await adapter.resolveRef('r.git', 'refs/heads/main');
      const sha = await adapter.commitFiles('r.git', { parent: head, changes: [{ action: 'write', path: `w/${i}`, content: Buffer.from('x') }], message: 'm', author: alice });
      try { await adapter.updateRefs('r.git', [{ ref: 'refs/heads/main', newSha: sha, expectedOldSha: head }]); return; } catch (e) { if (!(e instanceof RefConflictError)) throw e; }
    }
  }));
  console.log(N, 'writers ms', Date.now() - t, 'attempts', attemptsTotal, 'calls', server.calls.length);
  await adapter.close();
  await server.stop();
}, 200000);
