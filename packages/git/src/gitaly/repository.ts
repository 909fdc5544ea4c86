import { status as GrpcStatus } from '@grpc/grpc-js';
import { ConflictError } from '@conman/core';
import type { CreateRepositoryOptions, GitHealth } from '../adapter';
import { assertBranchName } from '../local/validation';
import { repositoryMessage, type GitalyContext } from './context';
import { RepositoryServiceService } from './gen/gitaly/repository';
import { isRpcError, toGitError } from './status';

export async function createRepository(
  context: GitalyContext,
  repoPath: string,
  options: CreateRepositoryOptions = {},
): Promise<void> {
  const defaultBranch = options.defaultBranch ?? 'main';
  assertBranchName(defaultBranch);
  const request = {
    repository: repositoryMessage(context, repoPath),
    defaultBranch: Buffer.from(defaultBranch),
  };
  try {
    await context.transport.unary(RepositoryServiceService.createRepository, request, 'write');
  } catch (error) {
    if (isRpcError(error, GrpcStatus.ALREADY_EXISTS))
      throw new ConflictError('Repository already exists', { repo_path: repoPath });
    throw toGitError(error, 'createRepository');
  }
}

export async function repositoryExists(context: GitalyContext, repoPath: string): Promise<boolean> {
  const request = { repository: repositoryMessage(context, repoPath) };
  try {
    return (await context.transport.unary(RepositoryServiceService.repositoryExists, request, 'read')).exists;
  } catch (error) {
    throw toGitError(error, 'repositoryExists');
  }
}

export async function removeRepository(context: GitalyContext, repoPath: string): Promise<void> {
  const request = { repository: repositoryMessage(context, repoPath) };
  try {
    await context.transport.unary(RepositoryServiceService.removeRepository, request, 'write');
  } catch (error) {
    if (isRpcError(error, GrpcStatus.NOT_FOUND)) return;
    throw toGitError(error, 'removeRepository');
  }
}

// Probed with RepositoryExists on a path nobody uses: cheap, needs no repository, and exercises auth.
const HEALTH_PROBE_REPOSITORY = 'conman-health-probe.git';

export async function checkHealth(context: GitalyContext, address: string): Promise<GitHealth> {
  const request = { repository: repositoryMessage(context, HEALTH_PROBE_REPOSITORY) };
  try {
    await context.transport.unary(RepositoryServiceService.repositoryExists, request, 'health');
    return { ok: true, backend: 'gitaly', detail: address };
  } catch (error) {
    return { ok: false, backend: 'gitaly', detail: error instanceof Error ? error.message : String(error) };
  }
}
