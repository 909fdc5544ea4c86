import { ConflictError, type App, type WorkspaceBaseRefType } from '@conman/core';
import type { GitAdapter } from '@conman/git';

export interface Baseline {
  refType: WorkspaceBaseRefType;
  /** Release tag or integration branch name. */
  refValue: string;
  sha: string;
}

/**
 * The seam for `baseline_mode = canonical_env_release` (docs/workspaces.md "Baseline"): the release currently deployed to
 * the app's canonical environment. Deployments do not exist yet, so the default source answers
 * `null` and the baseline falls back to the integration head; the deployments work plugs in here.
 */
export interface CanonicalReleaseSource {
  deployedOnCanonical(app: App): Promise<{ tag: string; sha: string } | null>;
}

export const NO_DEPLOYMENTS: CanonicalReleaseSource = { deployedOnCanonical: async () => null };

export async function integrationHead(git: GitAdapter, app: App): Promise<string> {
  const sha = await git.resolveRef(app.repoPath, `refs/heads/${app.integrationBranch}`);
  if (sha === null) {
    throw new ConflictError(`The integration branch ${app.integrationBranch} has no commit yet`, {
      branch: app.integrationBranch,
    });
  }
  return sha;
}

/** What new (and reset) workspaces start from, per the app's `baseline_mode`. */
export async function resolveBaseline(
  git: GitAdapter,
  app: App,
  releases: CanonicalReleaseSource,
): Promise<Baseline> {
  if (app.settings.baseline_mode === 'canonical_env_release') {
    const release = await releases.deployedOnCanonical(app);
    if (release) return { refType: 'release', refValue: release.tag, sha: release.sha };
  }
  return {
    refType: 'integration_head',
    refValue: app.integrationBranch,
    sha: await integrationHead(git, app),
  };
}
