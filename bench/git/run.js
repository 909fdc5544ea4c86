// Git layer benchmark (issue 4; targets in bench/README.md): LocalGitAdapter against raw git plumbing on a generated
// repository of 10,000 files in nested directories.
//
//   npx tsc -b packages/git && node bench/git/run.js [iterations]
//
// Measures a one-file commit with its CAS ref move, a blob read through the cat-file pool and a
// merge-tree of two branches, then the same operations with plain git commands (bench/git/raw.sh),
// and prints p50/p99 and the adapter/raw ratio of the medians.
// Targets: commit p50 <= 30 ms and ratio <= 1.5; blob read p50 <= 5 ms.
'use strict';

const { execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { LocalGitAdapter } = require('../../packages/git/dist');
const { FILE_COUNT, generateRepository, percentile, time } = require('../shared/repository');

const ITERATIONS = Number(process.argv[2] ?? 200);
const WRITE_PATH = 'd3/s7/file-0042.yaml';
const READ_PATH = 'd5/s2/file-0017.yaml';
const author = { name: 'bench', email: 'bench@example.com' };

/** One commit on `ref` from its known head, with the CAS move: the operation a workspace write performs. */
function advance(adapter, repo, ref, head, changes, message) {
  return adapter.commitToBranch(repo, { ref, expectedOldSha: head, parent: head, changes, message, author });
}

async function branchWithChanges(adapter, repo, ref, base, directory) {
  await adapter.updateRefs(repo, [{ ref, newSha: base, expectedOldSha: null }]);
  let head = base;
  for (let round = 0; round < 3; round++) {
    const changes = Array.from({ length: 10 }, (_, index) => ({
      action: 'write',
      path: `${directory}/file-${String(index * 3 + round).padStart(4, '0')}.yaml`,
      content: Buffer.from(`${ref} round ${round}\n`),
    }));
    head = await advance(adapter, repo, ref, head, changes, `round ${round}`);
  }
  return head;
}

function runRaw(gitDir, ours, theirs) {
  const output = execFileSync(
    'bash',
    [join(__dirname, 'raw.sh'), gitDir, String(ITERATIONS), WRITE_PATH, READ_PATH, ours, theirs],
    {
      encoding: 'utf8',
    },
  );
  const samples = { commit: [], read: [], merge: [] };
  for (const line of output.trim().split('\n')) {
    const [operation, ms] = line.split(' ');
    samples[operation].push(Number(ms));
  }
  return samples;
}

function report(name, adapterSamples, rawSamples) {
  const a50 = percentile(adapterSamples, 0.5);
  const r50 = percentile(rawSamples, 0.5);
  console.log(
    `${name.padEnd(8)} adapter p50 ${a50.toFixed(2).padStart(7)} ms  p99 ${percentile(adapterSamples, 0.99).toFixed(2).padStart(7)} ms` +
      ` | raw p50 ${r50.toFixed(2).padStart(7)} ms  p99 ${percentile(rawSamples, 0.99).toFixed(2).padStart(7)} ms` +
      ` | ratio ${(a50 / r50).toFixed(2)}`,
  );
  return { a50, ratio: a50 / r50 };
}

async function main() {
  const storageRoot = mkdtempSync(join(tmpdir(), 'conman-bench-git-'));
  const adapter = new LocalGitAdapter({ storageRoot });
  const repo = 'bench.git';
  try {
    const setupStart = Date.now();
    await generateRepository(join(storageRoot, repo));
    const base = await adapter.resolveRef(repo, 'refs/heads/main');
    const ours = await branchWithChanges(adapter, repo, 'refs/heads/merge-ours', base, 'd1/s1');
    const theirs = await branchWithChanges(adapter, repo, 'refs/heads/merge-theirs', base, 'd8/s8');
    console.log(
      `repository: ${FILE_COUNT} files, setup ${Date.now() - setupStart} ms, ${ITERATIONS} iterations`,
    );

    const raw = runRaw(join(storageRoot, repo), ours, theirs);

    const ref = 'refs/heads/adapter-bench';
    await adapter.updateRefs(repo, [{ ref, newSha: base, expectedOldSha: null }]);
    let head = base;
    const commit = async (index) => {
      const changes = [
        { action: 'write', path: WRITE_PATH, content: Buffer.from(`adapter content ${index}\n`) },
      ];
      head = await advance(adapter, repo, ref, head, changes, `adapter ${index}`);
    };
    await time(5, (index) => commit(-index - 1)); // warm-up: cat-file processes, page cache
    const commits = await time(ITERATIONS, commit);
    const reads = await time(ITERATIONS, () => adapter.readBlob(repo, head, READ_PATH));
    const merges = await time(Math.floor(ITERATIONS / 10) + 1, () =>
      adapter.mergeCommits(repo, ours, theirs),
    );

    const commitResult = report('commit', commits, raw.commit);
    const readResult = report('read', reads, raw.read);
    report('merge', merges, raw.merge);
    const verdicts = [
      ['commit p50 <= 30 ms', commitResult.a50 <= 30],
      ['commit ratio <= 1.5', commitResult.ratio <= 1.5],
      ['blob read p50 <= 5 ms', readResult.a50 <= 5],
    ];
    for (const [target, ok] of verdicts) console.log(`${ok ? 'PASS' : 'FAIL'} ${target}`);
    process.exitCode = verdicts.every(([, ok]) => ok) ? 0 : 1;
  } finally {
    await adapter.close();
    rmSync(storageRoot, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
