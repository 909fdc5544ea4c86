import { ConflictError, type CommitSha, type FileChange } from '@conman/core';
import { GitError, GitNotFoundError } from '../errors';
import type { CommitFilesRequest, CommitToBranchRequest } from '../adapter';
import { assertObjectId, assertRefName, assertTreePath, assertWritablePath } from '../local/validation';
import { getBlobs } from './blobs';
import { repositoryMessage, scratchRef, userMessage, type GitalyContext } from './context';
import { GitUnsupportedError } from './errors';
import {
  OperationServiceService,
  UserCommitFilesActionHeader_ActionType as ActionType,
  type UserCommitFilesActionHeader,
  type UserCommitFilesRequest,
} from './gen/gitaly/operations';
import { ObjectType } from './gen/gitaly/shared';
import { resolveRef, updateRefs } from './refs';
import { toGitError } from './status';

/** Outgoing content is split so no message comes near a server's receive limit. */
export const UPLOAD_CHUNK_BYTES = 128 * 1024;
const EXECUTABLE_MODE = 0o100755;

/** What the parent holds at a path, updated as the actions are planned. */
type PathState = { kind: 'file'; executable: boolean } | { kind: 'directory' } | { kind: 'absent' };

/** `a/b/c.txt` → `a`, `a/b`: a file at any of them clashes with writing the path. */
function ancestorsOf(path: string): string[] {
  const segments = path.split('/');
  return segments.slice(1).map((_, index) => segments.slice(0, index + 1).join('/'));
}

function touchedPaths(change: FileChange): string[] {
  if (change.action === 'delete') return [change.path];
  const target = change.action === 'move' ? change.to : change.path;
  return [...(change.action === 'move' ? [change.from] : []), target, ...ancestorsOf(target)];
}

async function parentStates(
  context: GitalyContext,
  repoPath: string,
  parent: CommitSha | null,
  changes: FileChange[],
): Promise<Map<string, PathState>> {
  const paths = [...new Set(changes.flatMap(touchedPaths))];
  const states = new Map<string, PathState>(paths.map((path) => [path, { kind: 'absent' }]));
  if (parent === null) return states;
  const metadata = await getBlobs(
    context,
    repoPath,
    paths.map((path) => ({ revision: parent, path })),
    false,
  );
  paths.forEach((path, index) => {
    const entry = metadata[index];
    if (!entry) return;
    states.set(
      path,
      entry.type === ObjectType.TREE
        ? { kind: 'directory' }
        : { kind: 'file', executable: entry.mode === EXECUTABLE_MODE },
    );
  });
  return states;
}

function contentMessages(content: Buffer): UserCommitFilesRequest[] {
  const messages: UserCommitFilesRequest[] = [];
  for (let offset = 0; offset < content.length; offset += UPLOAD_CHUNK_BYTES) {
    const chunk = content.subarray(offset, offset + UPLOAD_CHUNK_BYTES);
    messages.push({
      userCommitFilesRequestPayload: {
        $case: 'action',
        value: { userCommitFilesActionPayload: { $case: 'content', value: chunk } },
      },
    });
  }
  return messages;
}

interface ActionFields {
  action: ActionType;
  filePath: string;
  previousPath?: string;
  executeFilemode?: boolean;
  inferContent?: boolean;
}

function actionHeader(fields: ActionFields): UserCommitFilesRequest {
  const header: UserCommitFilesActionHeader = {
    action: fields.action,
    filePath: Buffer.from(fields.filePath),
    previousPath: Buffer.from(fields.previousPath ?? ''),
    base64Content: false,
    executeFilemode: fields.executeFilemode ?? false,
    inferContent: fields.inferContent ?? false,
  };
  const action = { userCommitFilesActionPayload: { $case: 'header' as const, value: header } };
  return { userCommitFilesRequestPayload: { $case: 'action', value: action } };
}

/**
 * Translates changes into UserCommitFiles actions with the local adapter's semantics: a write creates or
 * updates (keeping the executable bit unless given), a move may replace a file, a delete needs the file.
 * Upstream's CREATE/UPDATE/MOVE are stricter, so the parent's paths are looked up first.
 */
function planActions(changes: FileChange[], states: Map<string, PathState>): UserCommitFilesRequest[] {
  const stateOf = (path: string): PathState => states.get(path) ?? { kind: 'absent' };
  const requireFile = (path: string): { kind: 'file'; executable: boolean } => {
    const state = stateOf(path);
    if (state.kind !== 'file') throw new GitNotFoundError(`File not found: ${path}`, { path });
    return state;
  };
  const refuseClash = (path: string): void => {
    if (stateOf(path).kind === 'directory') throw new ConflictError(`Path is a directory: ${path}`, { path });
    const file = ancestorsOf(path).find((ancestor) => stateOf(ancestor).kind === 'file');
    if (file !== undefined) throw new ConflictError(`Path is a file: ${file}`, { path: file });
  };
  const messages: UserCommitFilesRequest[] = [];
  for (const change of changes) {
    if (change.action === 'delete') {
      assertTreePath(change.path);
      requireFile(change.path);
      messages.push(actionHeader({ action: ActionType.DELETE, filePath: change.path }));
      states.set(change.path, { kind: 'absent' });
    } else if (change.action === 'write') {
      assertWritablePath(change.path);
      refuseClash(change.path);
      const previous = stateOf(change.path);
      const executable = change.executable ?? (previous.kind === 'file' && previous.executable);
      if (previous.kind === 'file') {
        messages.push(
          actionHeader({ action: ActionType.UPDATE, filePath: change.path }),
          ...contentMessages(change.content),
        );
        if (previous.executable !== executable) {
          messages.push(
            actionHeader({ action: ActionType.CHMOD, filePath: change.path, executeFilemode: executable }),
          );
        }
      } else {
        messages.push(
          actionHeader({ action: ActionType.CREATE, filePath: change.path, executeFilemode: executable }),
          ...contentMessages(change.content),
        );
      }
      states.set(change.path, { kind: 'file', executable });
    } else {
      assertTreePath(change.from);
      assertWritablePath(change.to);
      const moved = requireFile(change.from);
      refuseClash(change.to);
      if (stateOf(change.to).kind === 'file')
        messages.push(actionHeader({ action: ActionType.DELETE, filePath: change.to }));
      const header = { action: ActionType.MOVE, filePath: change.to, previousPath: change.from };
      messages.push(actionHeader({ ...header, inferContent: change.content === undefined }));
      if (change.content) messages.push(...contentMessages(change.content));
      states.set(change.from, { kind: 'absent' });
      states.set(change.to, moved);
    }
  }
  return messages;
}

/** Upstream reports invalid actions as a free-text index error. */
function indexError(message: string): Error {
  if (/doesn't exist|does not exist|not found/i.test(message)) return new GitNotFoundError(message);
  if (/already exists/i.test(message)) return new ConflictError(message);
  return new GitError(`Commit rejected: ${message}`);
}

/**
 * Creates the commit on a fresh scratch branch (UserCommitFiles can only write branches) and returns it.
 * The branch name is unique to this call, so finding it after a failed retry proves an earlier attempt
 * landed: that is what makes the call safe to retry.
 */
async function commitOnScratchBranch(
  context: GitalyContext,
  repoPath: string,
  request: CommitFilesRequest,
  scratch: string,
): Promise<CommitSha> {
  if (request.parent !== null) assertObjectId(request.parent);
  const states = await parentStates(context, repoPath, request.parent, request.changes);
  const actions = planActions(request.changes, states);
  const committer = request.committer ?? request.author;
  const header: UserCommitFilesRequest = {
    userCommitFilesRequestPayload: {
      $case: 'header',
      value: {
        repository: repositoryMessage(context, repoPath),
        user: userMessage(context, committer),
        branchName: Buffer.from(scratch.slice('refs/heads/'.length)),
        commitMessage: Buffer.from(request.message),
        commitAuthorName: Buffer.from(request.author.name),
        commitAuthorEmail: Buffer.from(request.author.email),
        startBranchName: Buffer.alloc(0),
        force: false,
        startSha: request.parent ?? '',
        timestamp: request.author.date,
        expectedOldOid: '',
      },
    },
  };
  try {
    const response = await context.transport.clientStream(
      OperationServiceService.userCommitFiles,
      [header, ...actions],
      'cas-write',
    );
    if (response.indexError) throw indexError(response.indexError);
    if (response.preReceiveError)
      throw new GitError(`Commit rejected by a server hook: ${response.preReceiveError}`);
    const sha = response.branchUpdate?.commitId;
    if (!sha) throw new GitUnsupportedError('commitFiles', 'UserCommitFiles answered without a commit id');
    return sha;
  } catch (error) {
    const landed = (error as { retried?: boolean }).retried
      ? await resolveRef(context, repoPath, scratch)
      : null;
    if (landed) return landed;
    throw toGitError(error, 'commitFiles');
  }
}

export async function commitFiles(
  context: GitalyContext,
  repoPath: string,
  request: CommitFilesRequest,
): Promise<CommitSha> {
  const scratch = scratchRef('branch');
  const sha = await commitOnScratchBranch(context, repoPath, request, scratch);
  context.scratchRefs.discard(repoPath, scratch, sha);
  return sha;
}

/** The scratch branch is dropped in the same atomic transaction that moves the target ref. */
export async function commitToBranch(
  context: GitalyContext,
  repoPath: string,
  request: CommitToBranchRequest,
): Promise<CommitSha> {
  assertRefName(request.ref);
  const scratch = scratchRef('branch');
  const sha = await commitOnScratchBranch(context, repoPath, request, scratch);
  try {
    await updateRefs(context, repoPath, [
      { ref: request.ref, newSha: sha, expectedOldSha: request.expectedOldSha },
      { ref: scratch, newSha: null, expectedOldSha: sha },
    ]);
  } catch (error) {
    context.scratchRefs.discard(repoPath, scratch, sha);
    throw error;
  }
  return sha;
}
