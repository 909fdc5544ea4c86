import { z } from 'zod';
import { repoPathProblem, type App } from '@conman/core';
import { refNameProblem } from '@conman/git';

export const appSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    repo_path: z.string(),
    integration_branch: z.string(),
    settings: z
      .record(z.string(), z.unknown())
      .meta({ description: 'The app settings; see the updateAppSettings body for each one' }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'App' });

export function appView(app: App): z.output<typeof appSchema> {
  return {
    id: app.id,
    name: app.name,
    repo_path: app.repoPath,
    integration_branch: app.integrationBranch,
    settings: { ...app.settings },
    created_at: app.createdAt.toISOString(),
    updated_at: app.updatedAt.toISOString(),
  };
}

const repoPath = z
  .string()
  .superRefine((value, context) => {
    const problem = repoPathProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: `repo_path ${problem}` });
  })
  .meta({
    description:
      'Relative to the Git storage root, /-separated, normalized, ending with <name>.git (e.g. team/shop.git)',
    example: 'team/shop.git',
  });

const branchName = z
  .string()
  .min(1)
  .max(200)
  .superRefine((value, context) => {
    const problem = refNameProblem(`refs/heads/${value}`);
    if (problem) context.addIssue({ code: 'custom', message: `Not a valid branch name: ${problem}` });
  });

export const createAppBody = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'Letters, digits, space, dot, dash and underscore'),
  repo_path: repoPath,
  integration_branch: branchName.default('main'),
  seed: z
    .boolean()
    .default(false)
    .meta({ description: 'Create the repository with a README commit; otherwise register an existing one' }),
});
export type CreateAppBody = z.output<typeof createAppBody>;
