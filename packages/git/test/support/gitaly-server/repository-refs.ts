import * as grpc from '@grpc/grpc-js';
import { ConflictError } from '@conman/core';
import {
  RepositoryServiceService,
  type RepositoryServiceServer,
} from '../../../src/gitaly/gen/gitaly/repository';
import {
  RefServiceService,
  type RefServiceServer,
  type UpdateReferencesRequest,
} from '../../../src/gitaly/gen/gitaly/ref';
import type { ServiceContext } from './context';
import { gitCommitOf, shaOrNull } from './convert';
import { RpcStatusError } from './status';

export function repositoryService(
  context: ServiceContext,
): [typeof RepositoryServiceService, RepositoryServiceServer] {
  const { local, handlers } = context;
  return [
    RepositoryServiceService,
    {
      createRepository: handlers.unary('CreateRepository', async (request) => {
        const repoPath = context.repoPath(request.repository);
        const defaultBranch = request.defaultBranch.toString() || undefined;
        try {
          await local.createRepository(repoPath, defaultBranch ? { defaultBranch } : {});
        } catch (error) {
          if (error instanceof ConflictError)
            throw new RpcStatusError(grpc.status.ALREADY_EXISTS, 'repository exists already');
          throw error;
        }
        return {};
      }),
      repositoryExists: handlers.unary('RepositoryExists', async (request) => ({
        exists: await local.repositoryExists(context.repoPath(request.repository)),
      })),
      removeRepository: handlers.unary('RemoveRepository', async (request) => {
        const repoPath = context.repoPath(request.repository);
        if (!(await local.repositoryExists(repoPath)))
          throw new RpcStatusError(grpc.status.NOT_FOUND, 'repository does not exist');
        await local.removeRepository(repoPath);
        return {};
      }),
      findMergeBase: handlers.unary('FindMergeBase', async (request) => {
        const [first, second] = request.revisions.map((revision) => revision.toString());
        if (first === undefined || second === undefined || request.revisions.length !== 2) {
          throw new RpcStatusError(grpc.status.INVALID_ARGUMENT, 'at least 2 revisions are required');
        }
        return { base: (await local.mergeBase(context.repoPath(request.repository), first, second)) ?? '' };
      }),
    },
  ];
}

/** for-each-ref pattern semantics: a pattern names a ref or a whole directory of refs. */
function matchesPattern(ref: string, pattern: string): boolean {
  return pattern.endsWith('/') ? ref.startsWith(pattern) : ref === pattern || ref.startsWith(`${pattern}/`);
}

export function refService(context: ServiceContext): [typeof RefServiceService, Partial<RefServiceServer>] {
  const { local, handlers } = context;
  return [
    RefServiceService,
    {
      findAllTags: handlers.serverStream('FindAllTags', async (request) => {
        const repoPath = context.repoPath(request.repository);
        const tags = await local.listTags(repoPath);
        const withCommits = await Promise.all(
          tags.map(async (tag) => ({
            name: Buffer.from(tag.name),
            id: tag.sha,
            targetCommit: gitCommitOf(await local.readCommit(repoPath, tag.sha)),
            message: Buffer.alloc(0),
          })),
        );
        return [{ tags: withCommits }];
      }),
      listRefs: handlers.serverStream('ListRefs', async (request) => {
        const repoPath = context.repoPath(request.repository);
        const patterns = request.patterns.map((pattern) => pattern.toString());
        const all = await local.listRefs(repoPath, 'refs/');
        const matching = all.filter((info) => patterns.some((pattern) => matchesPattern(info.ref, pattern)));
        return [
          {
            references: matching.map((info) => ({
              name: Buffer.from(info.ref),
              target: info.sha,
              peeledTarget: '',
            })),
          },
        ];
      }),
      updateReferences: handlers.clientStream(
        'UpdateReferences',
        async (requests: UpdateReferencesRequest[]) => {
          const [first] = requests;
          const repoPath = context.repoPath(first?.repository);
          const updates = requests.flatMap((request) => request.updates);
          if (updates.some((update) => update.oldObjectId.length === 0)) {
            throw new RpcStatusError(
              grpc.status.INVALID_ARGUMENT,
              'this server requires an explicit old object id',
            );
          }
          await local.updateRefs(
            repoPath,
            updates.map((update) => ({
              ref: update.reference.toString(),
              newSha: shaOrNull(update.newObjectId.toString()),
              expectedOldSha: shaOrNull(update.oldObjectId.toString()),
            })),
          );
          return {};
        },
      ),
    },
  ];
}
