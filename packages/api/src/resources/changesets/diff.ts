import {
  ConflictError,
  NotFoundError,
  SEMANTIC_CONFIG_TYPES,
  type App,
  type Changeset,
  type ChangesetRevision,
  type DiffEntry,
  type SemanticDiffRule,
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

/** The app's `semantic_diff_rules` that are well-formed (settings validation owns the rest). */
export function semanticRulesOf(app: App): SemanticDiffRule[] {
  const rules: unknown[] = app.settings.semantic_diff_rules ?? [];
  return rules.filter(
    (rule): rule is SemanticDiffRule =>
      typeof rule === 'object' &&
      rule !== null &&
      typeof (rule as { glob?: unknown }).glob === 'string' &&
      (SEMANTIC_CONFIG_TYPES as readonly unknown[]).includes((rule as { config_type?: unknown }).config_type),
  );
}

/**
 * The changed files between the revision's merge base and head with their text, as the semantic diff
 * and the analyzer read them. A rename is a removal plus an addition (the semantic diff pairs equal
 * contents back into a move); binary files carry no contents.
 */
export async function changedFiles(
  deps: ChangesetsModuleDependencies,
  app: App,
  revision: ChangesetRevision,
): Promise<{ entries: DiffEntry[]; files: SemanticFileChange[] }> {
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
  return { entries, files };
}
