import { status as GrpcStatus } from '@grpc/grpc-js';
import { ValidationError, type CommitSha, type GitSignature, type MergeResult } from '@conman/core';
import { GitError, MergeConflictError } from '../errors';
import type { CherryPickRequest, CreateMergeCommitRequest, RebaseRequest, RevertRequest } from '../adapter';
import { readCommit } from './commits';
import { isAncestor } from './compare';
import { repositoryMessage, userMessage, type GitalyContext } from './context';
import { GitUnsupportedError } from './errors';
import { ConflictsServiceService } from './gen/gitaly/conflicts';
import { OperationServiceService, UserRevertResponse_CreateTreeError } from './gen/gitaly/operations';
import { resolveCommit } from './refs';
import { viaScratchRef } from './scratch';
import { conflictPathsFromStatus, isRpcError, toGitError } from './status';

// The merge commit behind `mergeCommits` is thrown away; only its tree is returned.
const PROBE_SIGNATURE: GitSignature = { name: 'Conman', email: 'conman@localhost' };

/** Paths a merge of `ours` and `theirs` conflicts on, from ListConflictFiles; `[]` when it cannot tell. */
async function listConflictFiles(
  context: GitalyContext,
  repoPath: string,
  ours: CommitSha,
  theirs: CommitSha,
): Promise<string[]> {
  if (!context.capabilities.conflictFileList) return [];
  const request = {
    repository: repositoryMessage(context, repoPath),
    ourCommitOid: ours,
    theirCommitOid: theirs,
    allowTreeConflicts: true,
    skipContent: true,
  };
  try {
    const responses = await context.transport.serverStream(
      ConflictsServiceService.listConflictFiles,
      request,
      'read',
    );
    const paths = new Set<string>();
    for (const file of responses.flatMap((response) => response.files)) {
      if (file.conflictFilePayload?.$case !== 'header') continue;
      paths.add(
        (file.conflictFilePayload.value.ourPath.length > 0
          ? file.conflictFilePayload.value.ourPath
          : file.conflictFilePayload.value.theirPath
        ).toString('utf8'),
      );
    }
    return [...paths].sort();
  } catch (error) {
    if (isRpcError(error, GrpcStatus.UNIMPLEMENTED)) context.capabilities.conflictFileList = false;
    context.logger.warn('ListConflictFiles failed; conflict paths unknown', {
      repoPath,
      error: String(error),
    });
    return [];
  }
}

/**
 * A conflict reported by a merge-like RPC: typed details when the server sends them, else (plain
 * FAILED_PRECONDITION) the fallback, else `null` when the error is not a conflict.
 */
async function conflictOf(
  error: unknown,
  fallback: () => Promise<string[]>,
): Promise<MergeConflictError | null> {
  if (!isRpcError(error)) return null;
  const typed = conflictPathsFromStatus(error);
  if (typed) return new MergeConflictError(typed);
  if (error.code !== GrpcStatus.FAILED_PRECONDITION) return null;
  return new MergeConflictError(await fallback());
}

async function mergeToScratch(
  context: GitalyContext,
  repoPath: string,
  ours: CommitSha,
  theirs: CommitSha,
  message: string,
  author: GitSignature,
): Promise<CommitSha> {
  try {
    return await viaScratchRef(context, repoPath, 'ref', ours, 'mergeCommits', async (scratch) => {
      const request = {
        repository: repositoryMessage(context, repoPath),
        user: userMessage(context, author),
        sourceSha: theirs,
        targetRef: Buffer.from(scratch),
        message: Buffer.from(message),
        firstParentRef: Buffer.from(scratch),
        timestamp: author.date,
        expectedOldOid: ours,
      };
      return (await context.transport.unary(OperationServiceService.userMergeToRef, request, 'cas-write'))
        .commitId;
    });
  } catch (error) {
    throw (
      (await conflictOf(error, () => listConflictFiles(context, repoPath, ours, theirs))) ??
      toGitError(error, 'merge')
    );
  }
}

export async function mergeCommits(
  context: GitalyContext,
  repoPath: string,
  ours: string,
  theirs: string,
): Promise<MergeResult> {
  const [oursSha, theirsSha] = [
    await resolveCommit(context, repoPath, ours),
    await resolveCommit(context, repoPath, theirs),
  ];
  try {
    const merge = await mergeToScratch(
      context,
      repoPath,
      oursSha,
      theirsSha,
      'Conman merge probe',
      PROBE_SIGNATURE,
    );
    return { clean: true, treeSha: (await readCommit(context, repoPath, merge)).tree, conflictingPaths: [] };
  } catch (error) {
    if (error instanceof MergeConflictError)
      return { clean: false, treeSha: null, conflictingPaths: error.conflictingPaths };
    throw error;
  }
}

/** UserMergeToRef has one identity for author and committer: the author's (with the author's date). */
export async function createMergeCommit(
  context: GitalyContext,
  repoPath: string,
  request: CreateMergeCommitRequest,
): Promise<CommitSha> {
  const ours = await resolveCommit(context, repoPath, request.ours);
  const theirs = await resolveCommit(context, repoPath, request.theirs);
  return mergeToScratch(context, repoPath, ours, theirs, request.message, request.author);
}

/** UserRebaseToRef replays `onto..head` onto `onto` (never the other way round) into a scratch ref. */
export async function rebase(
  context: GitalyContext,
  repoPath: string,
  request: RebaseRequest,
): Promise<CommitSha> {
  const head = await resolveCommit(context, repoPath, request.head);
  const onto = await resolveCommit(context, repoPath, request.onto);
  try {
    return await viaScratchRef(context, repoPath, 'ref', onto, 'rebase', async (scratch) => {
      const rpcRequest = {
        repository: repositoryMessage(context, repoPath),
        user: userMessage(context, request.committer),
        sourceSha: head,
        targetRef: Buffer.from(scratch),
        firstParentRef: Buffer.from(scratch),
        expectedOldOid: onto,
      };
      return (await context.transport.unary(OperationServiceService.userRebaseToRef, rpcRequest, 'cas-write'))
        .commitId;
    });
  } catch (error) {
    // Which replayed commit conflicted is unknown here, so without typed details the paths stay unknown.
    throw (await conflictOf(error, async () => [])) ?? toGitError(error, 'rebase');
  }
}

/**
 * The subset has no cherry-pick RPC. Rebasing the commit onto the target replays exactly that commit
 * when its parent is already in the target's history; other picks are refused as unsupported.
 */
export async function cherryPick(
  context: GitalyContext,
  repoPath: string,
  request: CherryPickRequest,
): Promise<CommitSha> {
  const commit = await readCommit(context, repoPath, request.commit);
  if (commit.parents.length > 1)
    throw new ValidationError('Merge commits cannot be replayed', { commit: commit.sha });
  const [parent] = commit.parents;
  const onto = await resolveCommit(context, repoPath, request.onto);
  if (parent !== undefined && !(await isAncestor(context, repoPath, parent, onto))) {
    throw new GitUnsupportedError('cherryPick', "the commit's parent is not in the target's history");
  }
  return rebase(context, repoPath, { head: commit.sha, onto, committer: request.committer });
}

/** UserRevert writes a branch, so it reverts onto a scratch branch created at `onto` (a start branch is never used). */
export async function revert(
  context: GitalyContext,
  repoPath: string,
  request: RevertRequest,
): Promise<CommitSha> {
  const commit = await readCommit(context, repoPath, request.commit);
  if (commit.parents.length !== 1)
    throw new ValidationError('Only a commit with one parent can be reverted', { commit: commit.sha });
  const onto = await resolveCommit(context, repoPath, request.onto);
  const subject = commit.message.split('\n', 1)[0] ?? '';
  const message = request.message ?? `Revert "${subject}"\n\nThis reverts commit ${commit.sha}.`;
  try {
    return await viaScratchRef(context, repoPath, 'branch', onto, 'revert', async (scratch) => {
      const rpcRequest = {
        repository: repositoryMessage(context, repoPath),
        user: userMessage(context, request.author),
        commit: {
          id: commit.sha,
          subject: Buffer.alloc(0),
          body: Buffer.alloc(0),
          parentIds: commit.parents,
          treeId: commit.tree,
        },
        branchName: Buffer.from(scratch.slice('refs/heads/'.length)),
        message: Buffer.from(message),
        startBranchName: Buffer.alloc(0),
        timestamp: request.author.date,
        expectedOldOid: onto,
      };
      const response = await context.transport.unary(
        OperationServiceService.userRevert,
        rpcRequest,
        'cas-write',
      );
      if (response.createTreeErrorCode === UserRevertResponse_CreateTreeError.CONFLICT)
        throw new MergeConflictError([]);
      if (response.createTreeError || response.commitError) {
        throw new GitError(`Revert failed: ${response.createTreeError || response.commitError}`);
      }
      return response.branchUpdate?.commitId ?? '';
    });
  } catch (error) {
    throw (await conflictOf(error, async () => [])) ?? toGitError(error, 'revert');
  }
}
