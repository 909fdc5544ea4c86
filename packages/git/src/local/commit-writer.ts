import type { CommitSha, FileChange } from '@conman/core';
import type { CommitFilesRequest } from '../adapter';
import type { ObjectStore } from './object-store';
import { TreeEditor } from './tree-editor';
import { assertWritablePath } from './validation';

const REGULAR = '100644';
const EXECUTABLE = '100755';

function changedPaths(change: FileChange): string[] {
  return change.action === 'move' ? [change.from, change.to] : [change.path];
}

function fileMode(executable: boolean | undefined, previous: string | undefined): string {
  if (executable !== undefined) return executable ? EXECUTABLE : REGULAR;
  return previous === EXECUTABLE ? EXECUTABLE : REGULAR;
}

async function applyChange(
  editor: TreeEditor,
  change: FileChange,
  blobOid: () => Promise<string>,
): Promise<void> {
  if (change.action === 'delete') {
    await editor.remove(change.path);
    return;
  }
  if (change.action === 'write') {
    const previous = await editor.get(change.path);
    await editor.set(change.path, {
      mode: fileMode(change.executable, previous?.mode),
      type: 'blob',
      oid: await blobOid(),
    });
    return;
  }
  const moved = await editor.remove(change.from);
  const oid = change.content ? await blobOid() : moved.oid;
  await editor.set(change.to, { mode: moved.mode, type: 'blob', oid });
}

/**
 * Builds a commit from a parent and a list of changes without index or working tree: blobs are
 * written in parallel while the trees on the changed paths load, then only those trees are rewritten.
 */
export async function commitFiles(store: ObjectStore, request: CommitFilesRequest): Promise<CommitSha> {
  request.changes.flatMap(changedPaths).forEach(assertWritablePath);
  const parent = request.parent === null ? null : await store.readCommit(request.parent);
  const blobs = request.changes.map((change) => {
    const content = change.action === 'delete' ? undefined : change.content;
    return content ? store.writeBlob(content) : null;
  });
  // Unobserved rejections would crash the process if applying a change fails first.
  blobs.forEach((blob) => blob?.catch(() => undefined));
  const editor = new TreeEditor(store, parent?.tree ?? null);
  for (const [index, change] of request.changes.entries()) {
    await applyChange(editor, change, () => blobs[index] as Promise<string>);
  }
  return store.writeCommit({
    tree: await editor.write(),
    parents: parent ? [parent.sha] : [],
    message: request.message,
    author: request.author,
    committer: request.committer ?? request.author,
  });
}
