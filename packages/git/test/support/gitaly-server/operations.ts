import * as grpc from '@grpc/grpc-js';
import { ConflictError, NotFoundError, type CommitSha, type FileChange } from '@conman/core';
import { MergeConflictError, RefConflictError, type LocalGitAdapter } from '../../../src';
import {
  OperationServiceService,
  UserCommitFilesActionHeader_ActionType as ActionType,
  type OperationServiceServer,
  type UserCommitFilesActionHeader,
  type UserCommitFilesRequest,
  type UserCommitFilesRequestHeader,
} from '../../../src/gitaly/gen/gitaly/operations';
import type { ServiceContext } from './context';
import { required, signatureOf } from './convert';
import { mergeConflictDetail, revertConflictDetail, RpcStatusError } from './status';

interface ParsedAction {
  header: UserCommitFilesActionHeader;
  content: Buffer;
}

/** Header first, then per action its header and content chunks — anything else is a protocol error. */
function parseCommitFilesStream(requests: UserCommitFilesRequest[]): {
  header: UserCommitFilesRequestHeader;
  actions: ParsedAction[];
} {
  const [first, ...rest] = requests;
  if (first?.userCommitFilesRequestPayload?.$case !== 'header') {
    throw new RpcStatusError(grpc.status.INVALID_ARGUMENT, 'the first message must be the header');
  }
  const actions: { header: UserCommitFilesActionHeader; chunks: Buffer[] }[] = [];
  for (const request of rest) {
    const payload = request.userCommitFilesRequestPayload;
    const action = payload?.$case === 'action' ? payload.value.userCommitFilesActionPayload : undefined;
    if (action?.$case === 'header') actions.push({ header: action.value, chunks: [] });
    else if (action?.$case === 'content' && actions.length > 0) actions.at(-1)?.chunks.push(action.value);
    else throw new RpcStatusError(grpc.status.INVALID_ARGUMENT, 'unexpected message in the action stream');
  }
  const parsed = actions.map(({ header, chunks }) => {
    const raw = Buffer.concat(chunks);
    return { header, content: header.base64Content ? Buffer.from(raw.toString(), 'base64') : raw };
  });
  return { header: first.userCommitFilesRequestPayload.value, actions: parsed };
}

/** Upstream's per-action existence rules, checked against the parent plus the earlier actions. */
async function toFileChanges(
  local: LocalGitAdapter,
  repoPath: string,
  parent: CommitSha | null,
  actions: ParsedAction[],
): Promise<FileChange[]> {
  const written = new Map<string, { content: Buffer; present: boolean }>();
  const exists = async (path: string): Promise<boolean> =>
    written.get(path)?.present ??
    (parent !== null && (await local.readBlob(repoPath, parent, path)) !== null);
  const changes: FileChange[] = [];
  for (const { header, content } of actions) {
    const path = header.filePath.toString();
    switch (header.action) {
      case ActionType.CREATE:
        if (await exists(path)) throw new ConflictError('A file with this name already exists');
        changes.push({ action: 'write', path, content, executable: header.executeFilemode });
        written.set(path, { content, present: true });
        break;
      case ActionType.UPDATE:
        if (!(await exists(path))) throw new NotFoundError("A file with this name doesn't exist");
        changes.push({ action: 'write', path, content });
        written.set(path, { content, present: true });
        break;
      case ActionType.CHMOD: {
        const current =
          written.get(path)?.content ??
          (parent !== null ? (await local.readBlob(repoPath, parent, path))?.content : undefined);
        if (!current) throw new NotFoundError("A file with this name doesn't exist");
        changes.push({ action: 'write', path, content: current, executable: header.executeFilemode });
        break;
      }
      case ActionType.MOVE: {
        const from = header.previousPath.toString();
        if (await exists(path)) throw new ConflictError('A file with this name already exists');
        changes.push(
          header.inferContent
            ? { action: 'move', from, to: path }
            : { action: 'move', from, to: path, content },
        );
        written.set(from, { content: Buffer.alloc(0), present: false });
        written.set(path, { content, present: true });
        break;
      }
      case ActionType.DELETE:
        changes.push({ action: 'delete', path });
        written.set(path, { content: Buffer.alloc(0), present: false });
        break;
      default:
        throw new RpcStatusError(
          grpc.status.INVALID_ARGUMENT,
          `action ${header.action} is not supported by this server`,
        );
    }
  }
  return changes;
}

async function currentValue(
  local: LocalGitAdapter,
  repoPath: string,
  ref: string,
): Promise<CommitSha | null> {
  return local.resolveRef(repoPath, ref);
}

/** Moves `ref` to `target`, guarded by `expectedOldOid` when given (else by its current value). */
async function writeRef(
  local: LocalGitAdapter,
  repoPath: string,
  ref: string,
  target: CommitSha,
  expectedOldOid: string,
): Promise<void> {
  const old = expectedOldOid !== '' ? expectedOldOid : await currentValue(local, repoPath, ref);
  await local.updateRefs(repoPath, [{ ref, newSha: target, expectedOldSha: old }]);
}

export function operationService(
  context: ServiceContext,
): [typeof OperationServiceService, Partial<OperationServiceServer>] {
  const { local, handlers, settings } = context;
  const conflictDetail = (paths: string[], wrap: typeof mergeConflictDetail) =>
    settings.typedConflictDetails ? wrap(paths) : undefined;
  const asConflictStatus = (error: unknown, wrap: typeof mergeConflictDetail): unknown =>
    error instanceof MergeConflictError
      ? new RpcStatusError(
          grpc.status.FAILED_PRECONDITION,
          error.message,
          conflictDetail(error.conflictingPaths, wrap),
        )
      : error;
  return [
    OperationServiceService,
    {
      userCommitFiles: handlers.clientStream(
        'UserCommitFiles',
        async (requests: UserCommitFilesRequest[]) => {
          const { header, actions } = parseCommitFilesStream(requests);
          const repoPath = context.repoPath(header.repository);
          const branch = `refs/heads/${header.branchName.toString()}`;
          const old = await currentValue(local, repoPath, branch);
          const startBranch = header.startBranchName.toString();
          const parent =
            header.startSha ||
            (startBranch ? await currentValue(local, repoPath, `refs/heads/${startBranch}`) : old);
          const committer = signatureOf(header.user, header.timestamp);
          const author = {
            name: header.commitAuthorName.toString() || committer.name,
            email: header.commitAuthorEmail.toString() || committer.email,
            date: committer.date,
          };
          let sha: CommitSha;
          try {
            const changes = await toFileChanges(local, repoPath, parent, actions);
            sha = await local.commitFiles(repoPath, {
              parent,
              changes,
              message: header.commitMessage.toString(),
              author,
              committer,
            });
          } catch (error) {
            if (
              error instanceof RefConflictError ||
              !(error instanceof ConflictError || error instanceof NotFoundError)
            )
              throw error;
            return { branchUpdate: undefined, indexError: error.message, preReceiveError: '' };
          }
          if (old !== null && !header.force && !(await local.isAncestor(repoPath, old, sha))) {
            throw new RpcStatusError(
              grpc.status.FAILED_PRECONDITION,
              `Could not update ${branch}. Please refresh and try again.`,
            );
          }
          // Only a root commit can be the first one of the repository.
          const repoCreated = parent === null && (await local.listRefs(repoPath, 'refs/')).length === 0;
          await local.updateRefs(repoPath, [
            { ref: branch, newSha: sha, expectedOldSha: header.expectedOldOid || old },
          ]);
          return {
            branchUpdate: { commitId: sha, repoCreated, branchCreated: old === null },
            indexError: '',
            preReceiveError: '',
          };
        },
      ),
      userMergeToRef: handlers.unary('UserMergeToRef', async (request) => {
        const repoPath = context.repoPath(request.repository);
        const ours = await currentValue(local, repoPath, request.firstParentRef.toString());
        if (!ours) throw new RpcStatusError(grpc.status.INVALID_ARGUMENT, 'Invalid merge source');
        const author = signatureOf(request.user, request.timestamp);
        const merge = await local
          .createMergeCommit(repoPath, {
            ours,
            theirs: request.sourceSha,
            message: request.message.toString(),
            author,
          })
          .catch((error: unknown) => Promise.reject(asConflictStatus(error, mergeConflictDetail)));
        await writeRef(local, repoPath, request.targetRef.toString(), merge, request.expectedOldOid);
        return { commitId: merge };
      }),
      userRebaseToRef: handlers.unary('UserRebaseToRef', async (request) => {
        const repoPath = context.repoPath(request.repository);
        const onto = await currentValue(local, repoPath, request.firstParentRef.toString());
        if (!onto) throw new RpcStatusError(grpc.status.INVALID_ARGUMENT, 'invalid FirstParentRef');
        const committer = signatureOf(request.user, undefined);
        const rebased = await local
          .rebase(repoPath, { head: request.sourceSha, onto, committer })
          .catch((error: unknown) => Promise.reject(asConflictStatus(error, mergeConflictDetail)));
        await writeRef(local, repoPath, request.targetRef.toString(), rebased, request.expectedOldOid);
        return { commitId: rebased };
      }),
      userRevert: handlers.unary('UserRevert', async (request) => {
        const repoPath = context.repoPath(request.repository);
        const branch = `refs/heads/${request.branchName.toString()}`;
        const startBranch = request.startBranchName.toString();
        const onto =
          (await currentValue(local, repoPath, branch)) ??
          (startBranch ? await currentValue(local, repoPath, `refs/heads/${startBranch}`) : null);
        if (!onto) throw new RpcStatusError(grpc.status.NOT_FOUND, 'branch not found');
        const commit = required(request.commit, 'Commit');
        const author = signatureOf(request.user, request.timestamp);
        const reverted = await local
          .revert(repoPath, { commit: commit.id, onto, message: request.message.toString(), author })
          .catch((error: unknown) => Promise.reject(asConflictStatus(error, revertConflictDetail)));
        await writeRef(local, repoPath, branch, reverted, request.expectedOldOid);
        return {
          branchUpdate: { commitId: reverted, repoCreated: false, branchCreated: false },
          createTreeError: '',
          commitError: '',
          createTreeErrorCode: 0,
        };
      }),
    },
  ];
}
