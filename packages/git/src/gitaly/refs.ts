import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  isCommitSha,
  ValidationError,
  ZERO_SHA,
  type CommitSha,
  type RefInfo,
  type RefUpdate,
  type TagInfo,
} from '@conman/core';
import { GitNotFoundError, RefConflictError } from '../errors';
import { assertObjectId, assertRefName, assertRevision, refNameProblem } from '../local/validation';
import { isScratchRef, repositoryMessage, type GitalyContext } from './context';
import { CommitServiceService, type FindCommitResponse } from './gen/gitaly/commit';
import { RefServiceService } from './gen/gitaly/ref';
import { isRpcError, toGitError } from './status';

/** Orders like `git for-each-ref` (bytewise), whatever order the server streams in. */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export async function findCommit(
  context: GitalyContext,
  repoPath: string,
  revision: string,
): Promise<FindCommitResponse> {
  assertRevision(revision);
  const request = { repository: repositoryMessage(context, repoPath), revision: Buffer.from(revision) };
  try {
    return await context.transport.unary(CommitServiceService.findCommit, request, 'read');
  } catch (error) {
    throw toGitError(error, 'readCommit');
  }
}

export async function resolveRef(
  context: GitalyContext,
  repoPath: string,
  revision: string,
): Promise<CommitSha | null> {
  const { commit } = await findCommit(context, repoPath, revision);
  return commit?.id || null;
}

/** A full commit sha for `revision`; shas are taken as they are (the RPC that uses them checks existence). */
export async function resolveCommit(
  context: GitalyContext,
  repoPath: string,
  revision: string,
): Promise<CommitSha> {
  if (isCommitSha(revision)) return revision;
  const sha = await resolveRef(context, repoPath, revision);
  if (!sha) throw new GitNotFoundError(`Revision not found: ${revision}`, { revision });
  return sha;
}

/** Current values of the given refs (absent refs are missing from the map). */
async function readRefValues(
  context: GitalyContext,
  repoPath: string,
  refs: string[],
): Promise<Map<string, CommitSha>> {
  const request = {
    repository: repositoryMessage(context, repoPath),
    patterns: refs.map((ref) => Buffer.from(ref)),
  };
  const responses = await context.transport.serverStream(RefServiceService.listRefs, request, 'read');
  const values = new Map<string, CommitSha>();
  for (const { references } of responses) {
    for (const reference of references)
      values.set(reference.name.toString(), reference.peeledTarget || reference.target);
  }
  return values;
}

export async function listRefs(context: GitalyContext, repoPath: string, prefix: string): Promise<RefInfo[]> {
  // for-each-ref patterns match whole path components, so ask for the directory and filter the rest here.
  const directory = prefix.slice(0, prefix.lastIndexOf('/'));
  const problem = refNameProblem(directory);
  if (problem && directory !== 'refs')
    throw new ValidationError(`Invalid ref prefix: ${problem}`, { prefix });
  try {
    const values = await readRefValues(context, repoPath, [`${directory}/`]);
    return [...values]
      .filter(([ref]) => ref.startsWith(prefix) && !isScratchRef(ref))
      .map(([ref, sha]) => ({ ref, sha }))
      .sort((a, b) => byteOrder(a.ref, b.ref));
  } catch (error) {
    throw toGitError(error, 'listRefs');
  }
}

function validateUpdates(updates: RefUpdate[]): void {
  for (const update of updates) {
    assertRefName(update.ref);
    if (update.newSha !== null) assertObjectId(update.newSha);
    if (update.expectedOldSha !== null) assertObjectId(update.expectedOldSha);
    if (update.newSha === null && update.expectedOldSha === null) {
      throw new ValidationError('Deleting a ref requires its expected old value', { ref: update.ref });
    }
  }
  if (new Set(updates.map((update) => update.ref)).size !== updates.length) {
    throw new ValidationError('A ref may appear only once per transaction');
  }
}

// Upstream reports a lost compare-and-swap as ABORTED or FAILED_PRECONDITION depending on the version,
// and an existing ref that must not exist as ALREADY_EXISTS.
const CAS_FAILURE_CODES = [GrpcStatus.ABORTED, GrpcStatus.FAILED_PRECONDITION, GrpcStatus.ALREADY_EXISTS];

/**
 * One UpdateReferences call: atomic across refs, always with an explicit old value (40 zeros = must not
 * exist), since servers disagree on what an empty old value means.
 */
export async function updateRefs(
  context: GitalyContext,
  repoPath: string,
  updates: RefUpdate[],
): Promise<void> {
  validateUpdates(updates);
  if (updates.length === 0) return;
  const request = {
    repository: repositoryMessage(context, repoPath),
    updates: updates.map((update) => ({
      reference: Buffer.from(update.ref),
      oldObjectId: Buffer.from(update.expectedOldSha ?? ZERO_SHA),
      newObjectId: Buffer.from(update.newSha ?? ZERO_SHA),
    })),
  };
  try {
    await context.transport.clientStream(RefServiceService.updateReferences, [request], 'cas-write');
  } catch (error) {
    if (!isRpcError(error, ...CAS_FAILURE_CODES)) throw toGitError(error, 'updateRefs');
    // A single fresh update names its stale ref without another round trip.
    if (updates.length === 1 && !error.retried)
      throw new RefConflictError(updates.map((update) => update.ref));
    const refs = updates.map((update) => update.ref);
    const current = await readRefValues(context, repoPath, refs).catch((readError: unknown) => {
      throw toGitError(readError, 'updateRefs');
    });
    const valueOf = (ref: string): CommitSha | null => current.get(ref) ?? null;
    // A retried call can lose against its own first attempt, which landed although its reply was lost.
    if (error.retried && updates.every((update) => valueOf(update.ref) === update.newSha)) return;
    const stale = updates
      .filter((update) => valueOf(update.ref) !== update.expectedOldSha)
      .map((update) => update.ref);
    throw new RefConflictError(stale.length > 0 ? stale : updates.map((update) => update.ref));
  }
}

export async function listTags(context: GitalyContext, repoPath: string): Promise<TagInfo[]> {
  try {
    const request = { repository: repositoryMessage(context, repoPath) };
    const responses = await context.transport.serverStream(RefServiceService.findAllTags, request, 'read');
    return responses
      .flatMap((response) => response.tags)
      .map((tag) => ({ name: tag.name.toString(), sha: tag.targetCommit?.id || tag.id }))
      .sort((a, b) => byteOrder(a.name, b.name));
  } catch (error) {
    throw toGitError(error, 'listTags');
  }
}

/** A lightweight tag is a ref that must not exist yet: one hookless CAS instead of UserCreateTag. */
export async function createTag(
  context: GitalyContext,
  repoPath: string,
  name: string,
  target: CommitSha,
): Promise<void> {
  await updateRefs(context, repoPath, [{ ref: `refs/tags/${name}`, newSha: target, expectedOldSha: null }]);
}
