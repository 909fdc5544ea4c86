import {
  ConflictError,
  NotFoundError,
  type App,
  type Changeset,
  type ChangesetRevision,
  type SemanticDiffResponse,
  type SemanticFileChange,
} from '@conman/core';
import type { ChangesetsModuleDependencies } from './dependencies';

/** The revision a diff is about: `number`, or the current one (409 before the first submit). */
export async function revisionFor(
  deps: ChangesetsModuleDependencies,
  changeset: Changeset,
  number?: number,
): Promise<ChangesetRevision> {
  if (changeset.revision === 0) {
    throw new ConflictError('The changeset has no revision yet: submit it first', { state: changeset.state });
  }
  const revision = await deps.revisions.get(changeset.id, number ?? changeset.revision);
  if (!revision) throw new NotFoundError('Revision not found', { revision: number });
  return revision;
}

/**
 * The changed files between the revision's merge base and head with their text, as the semantic diff
 * and the analyzer read them. A rename is a removal plus an addition (the semantic diff pairs equal
 * contents back into a move); binary files carry no contents.
 */
async function changedFiles(
  deps: ChangesetsModuleDependencies,
  app: App,
  revision: ChangesetRevision,
): Promise<SemanticFileChange[]> {
  const entries = await deps.git.diffFiles(app.repoPath, revision.baseSha, revision.headSha);
  const wanted: { side: 'old' | 'new'; path: string; file: SemanticFileChange }[] = [];
  const files: SemanticFileChange[] = [];
  const add = (
    status: SemanticFileChange['status'],
    path: string,
    sides: ('old' | 'new')[],
    binary: boolean,
  ) => {
    const file: SemanticFileChange = { status, path };
    files.push(file);
    if (!binary) for (const side of sides) wanted.push({ side, path, file });
  };
  for (const entry of entries) {
    switch (entry.status) {
      case 'added':
      case 'copied':
        add('added', entry.path, ['new'], entry.binary);
        break;
      case 'deleted':
        add('removed', entry.path, ['old'], entry.binary);
        break;
      case 'renamed':
        add('removed', entry.oldPath ?? entry.path, ['old'], entry.binary);
        add('added', entry.path, ['new'], entry.binary);
        break;
      default:
        add('modified', entry.path, ['old', 'new'], entry.binary);
    }
  }
  const blobs = await deps.git.readBlobs(
    app.repoPath,
    wanted.map(({ side, path }) => ({
      revision: side === 'old' ? revision.baseSha : revision.headSha,
      path,
    })),
  );
  wanted.forEach(({ side, file }, index) => {
    const content = blobs[index]?.content.toString('utf8');
    if (content === undefined) return;
    if (side === 'old') file.oldContent = content;
    else file.newContent = content;
  });
  return files;
}

/** The semantic diff of a revision (SPEC §6.6) with the app's rules, and the files it was computed from. */
export async function semanticDiffOf(
  deps: ChangesetsModuleDependencies,
  app: App,
  revision: ChangesetRevision,
): Promise<{ diff: SemanticDiffResponse; files: SemanticFileChange[] }> {
  const files = await changedFiles(deps, app, revision);
  const diff = await deps.analysis.semanticDiff({
    baseSha: revision.baseSha,
    headSha: revision.headSha,
    files,
    rules: app.settings.semantic_diff_rules,
  });
  return { diff, files };
}
