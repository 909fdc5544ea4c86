import { ValidationError, type App, type AuditActor, type GitSignature, type Logger } from '@conman/core';
import type { GitAdapter } from '@conman/git';
import { type AppsRepository, type AuditLog, type MembershipsRepository, type UnitOfWork } from '@conman/db';
import type { RoleResolver } from '@conman/auth';
import type { AppListCache } from './app-list';
import type { CreateAppBody } from './schemas';

export interface CreateAppDependencies {
  unitOfWork: UnitOfWork;
  git: GitAdapter;
  apps: AppsRepository;
  memberships: MembershipsRepository;
  roles: Pick<RoleResolver, 'invalidate'>;
  appList: Pick<AppListCache, 'forget'>;
  audit: AuditLog;
  logger: Logger;
}

export interface AppCreator {
  userId: string;
  actor: AuditActor;
  signature: GitSignature;
}

function readme(name: string): Buffer {
  return Buffer.from(`# ${name}\n\nConfiguration repository managed by Conman.\n`, 'utf8');
}

/**
 * App creation (docs/identity.md "Apps and settings"). One transaction inserts the app (its unique name and
 * repo_path indexes claim both before any Git work, so a duplicate never touches the disk), the creator's
 * app_admin membership and the audit event; the Git step runs inside it, last. A Git failure aborts the
 * transaction (no app); a commit failure after the Git step removes the repository this request created. A
 * repository that existed before the request is never removed.
 */
export async function createApp(
  deps: CreateAppDependencies,
  input: CreateAppBody,
  creator: AppCreator,
): Promise<App> {
  const integrationRef = `refs/heads/${input.integration_branch}`;
  // withTransaction may run the callback again on a transient error: the Git step runs once.
  const git = { done: false, createdRepository: false, headSha: null as string | null };

  const gitStep = async (): Promise<void> => {
    if (git.done) return;
    if (input.seed) {
      await deps.git.createRepository(input.repo_path, { defaultBranch: input.integration_branch });
      git.createdRepository = true;
      git.headSha = await deps.git.commitToBranch(input.repo_path, {
        ref: integrationRef,
        expectedOldSha: null,
        parent: null,
        changes: [{ action: 'write', path: 'README.md', content: readme(input.name) }],
        message: `Create ${input.name}`,
        author: creator.signature,
      });
    } else {
      if (!(await deps.git.repositoryExists(input.repo_path))) {
        throw new ValidationError('No Git repository exists at repo_path; send seed: true to create one', {
          fields: [{ path: 'body.repo_path', message: 'No repository here', code: 'not_found' }],
        });
      }
      git.headSha = await deps.git.resolveRef(input.repo_path, integrationRef);
      if (git.headSha === null) {
        throw new ValidationError(`The repository has no branch ${input.integration_branch}`, {
          fields: [{ path: 'body.integration_branch', message: 'No such branch', code: 'not_found' }],
        });
      }
    }
    git.done = true;
  };

  let app: App;
  try {
    app = await deps.unitOfWork.run({ actor: creator.actor }, async ({ session, audit }) => {
      const app = await deps.apps.create(
        { name: input.name, repoPath: input.repo_path, integrationBranch: input.integration_branch },
        session,
      );
      await deps.memberships.add(app.id, creator.userId, 'app_admin', session);
      await gitStep();
      await audit({
        appId: app.id,
        entityType: 'app',
        entityId: app.id,
        action: 'app.created',
        after: {
          name: app.name,
          repo_path: app.repoPath,
          integration_branch: app.integrationBranch,
          seeded: input.seed,
          creator_role: 'app_admin',
        },
        gitSha: git.headSha,
      });
      return app;
    });
  } catch (error) {
    if (git.createdRepository) await removeCreatedRepository(deps, input.repo_path);
    throw error;
  }
  // Cached lists (GET /me, GET /apps) must now include the app, in every process.
  await Promise.all([deps.roles.invalidate(app.id, creator.userId), deps.appList.forget(app.id)]);
  return app;
}

async function removeCreatedRepository(deps: CreateAppDependencies, repoPath: string): Promise<void> {
  try {
    await deps.git.removeRepository(repoPath);
  } catch (error) {
    deps.logger.error('could not remove the repository of a failed app creation', {
      repo_path: repoPath,
      error: (error as Error).message,
    });
  }
}
