import type { CommitSha, FileChange, GitSignature } from '@conman/core';
import type { CommitFilesRequest } from '../adapter';
import { gitText } from './git-process';
import { MktreeSession } from './mktree-session';
import { signatureEnv, type RawSignature } from './object-format';
import type { ObjectReader } from './object-reader';
import { TreeEditor } from './tree-editor';
import { assertObjectId, assertWritablePath } from './validation';

const REGULAR = '100644';
const EXECUTABLE = '100755';

export async function writeBlob(gitDir: string, content: Buffer): Promise<string> {
  return gitText(['hash-object', '-w', '--stdin'], { gitDir, input: content });
}

export interface CommitObjectRequest {
  tree: string;
  parents: CommitSha[];
  message: string;
  author: GitSignature | RawSignature;
  committer: GitSignature | RawSignature;
}

/** `commit-tree`: the message travels on stdin, identities in the environment, never as arguments. */
export async function writeCommitObject(gitDir: string, request: CommitObjectRequest): Promise<CommitSha> {
  assertObjectId(request.tree);
  request.parents.forEach(assertObjectId);
  const args = ['commit-tree', request.tree, ...request.parents.flatMap((parent) => ['-p', parent])];
  const message = request.message.endsWith('\n') ? request.message : `${request.message}\n`;
  return gitText(args, {
    gitDir,
    input: message,
    env: { ...signatureEnv('AUTHOR', request.author), ...signatureEnv('COMMITTER', request.committer) },
  });
}

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
 * hashed in parallel while the trees on the changed paths load, then only those trees are rewritten.
 */
export async function commitFiles(reader: ObjectReader, request: CommitFilesRequest): Promise<CommitSha> {
  request.changes.flatMap(changedPaths).forEach(assertWritablePath);
  const parent = request.parent === null ? null : await reader.readCommit(request.parent);
  const blobs = request.changes.map((change) => {
    const content = change.action === 'delete' ? undefined : change.content;
    return content ? writeBlob(reader.gitDir, content) : null;
  });
  // Unobserved rejections would crash the process if applying a change fails first.
  blobs.forEach((blob) => blob?.catch(() => undefined));
  const editor = new TreeEditor(reader, parent?.tree ?? null);
  for (const [index, change] of request.changes.entries()) {
    await applyChange(editor, change, () => blobs[index] as Promise<string>);
  }
  const session = new MktreeSession(reader.gitDir);
  let tree: string;
  try {
    tree = await editor.write(session);
    await session.finish();
  } catch (error) {
    session.abort();
    throw error;
  }
  return writeCommitObject(reader.gitDir, {
    tree,
    parents: parent ? [parent.sha] : [],
    message: request.message,
    author: request.author,
    committer: request.committer ?? request.author,
  });
}
