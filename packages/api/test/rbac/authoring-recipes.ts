import type { Recipe, RecipeContext, RbacRequest } from './recipes';

/** Recipes of the authoring, review, queue and jobs endpoints (issues 6 and 7). */

const SEEDED_FILE = 'entities/customer.json';

const get = (path: string): RbacRequest => ({ method: 'GET', path });

/** A request on a fresh workspace authored as the attempt needs (owner rules: the caller or not). */
function onOwnWorkspace(
  route: string,
  request: (workspacePath: string) => Omit<RbacRequest, 'path'> & { path?: string },
): Recipe {
  return {
    route,
    success: 200,
    build: async (context, attempt) => {
      const items = context.authoring;
      const workspacePath = context.appPath(`/workspaces/${await items.workspace(items.authorOf(attempt))}`);
      const built = request(workspacePath);
      return { ...built, path: built.path ?? workspacePath };
    },
  };
}

/** A read of the shared submitted changeset (`suffix` after its path). */
function readChangeset(
  route: string,
  suffix: string,
  method: 'GET' | 'POST' = 'GET',
  body?: unknown,
): Recipe {
  return {
    route,
    success: 200,
    build: async (context) => {
      const { changesetId } = await context.authoring.sharedItems();
      return { method, path: context.appPath(`/changesets/${changesetId}${suffix}`), body };
    },
  };
}

async function sharedWorkspacePath(context: RecipeContext, suffix = ''): Promise<string> {
  const { workspaceId } = await context.authoring.sharedItems();
  return context.appPath(`/workspaces/${workspaceId}${suffix}`);
}

export const AUTHORING_RECIPES: Readonly<Record<string, Recipe>> = {
  // workspaces
  listWorkspaces: {
    route: 'GET /api/apps/{appId}/workspaces',
    success: 200,
    build: (context) => get(context.appPath('/workspaces')),
  },
  createWorkspace: {
    route: 'POST /api/apps/{appId}/workspaces',
    success: 201,
    build: (context) => ({
      method: 'POST',
      path: context.appPath('/workspaces'),
      body: { title: context.unique('rbac workspace') },
    }),
  },
  getWorkspace: {
    route: 'GET /api/apps/{appId}/workspaces/{wsId}',
    success: 200,
    build: async (context) => get(await sharedWorkspacePath(context)),
  },
  listWorkspaceTree: {
    route: 'GET /api/apps/{appId}/workspaces/{wsId}/tree',
    success: 200,
    build: async (context) => get(await sharedWorkspacePath(context, '/tree?recursive=true')),
  },
  readWorkspaceFile: {
    route: 'GET /api/apps/{appId}/workspaces/{wsId}/files',
    success: 200,
    build: async (context) =>
      get(await sharedWorkspacePath(context, `/files?path=${encodeURIComponent(SEEDED_FILE)}`)),
  },
  updateWorkspace: onOwnWorkspace('PATCH /api/apps/{appId}/workspaces/{wsId}', () => ({
    method: 'PATCH',
    body: { title: 'renamed by rbac' },
  })),
  resetWorkspace: onOwnWorkspace('POST /api/apps/{appId}/workspaces/{wsId}/reset', (path) => ({
    method: 'POST',
    path: `${path}/reset`,
  })),
  syncWorkspaceWithIntegration: onOwnWorkspace(
    'POST /api/apps/{appId}/workspaces/{wsId}/sync-integration',
    (path) => ({ method: 'POST', path: `${path}/sync-integration` }),
  ),
  createWorkspaceCheckpoint: onOwnWorkspace(
    'POST /api/apps/{appId}/workspaces/{wsId}/checkpoints',
    (path) => ({
      method: 'POST',
      path: `${path}/checkpoints`,
      body: { message: 'rbac checkpoint' },
    }),
  ),
  writeWorkspaceFile: onOwnWorkspace('PUT /api/apps/{appId}/workspaces/{wsId}/files', (path) => ({
    method: 'PUT',
    path: `${path}/files`,
    body: { path: 'entities/rbac-written.json', content: '{"name":"written"}\n', encoding: 'utf8' },
  })),
  deleteWorkspaceFile: onOwnWorkspace('DELETE /api/apps/{appId}/workspaces/{wsId}/files', (path) => ({
    method: 'DELETE',
    path: `${path}/files?path=${encodeURIComponent(SEEDED_FILE)}`,
  })),
  moveWorkspaceFile: onOwnWorkspace('POST /api/apps/{appId}/workspaces/{wsId}/files/move', (path) => ({
    method: 'POST',
    path: `${path}/files/move`,
    body: { from: SEEDED_FILE, to: 'entities/customer-moved.json' },
  })),

  // changesets
  listChangesets: {
    route: 'GET /api/apps/{appId}/changesets',
    success: 200,
    build: (context) => get(context.appPath('/changesets')),
  },
  createChangeset: {
    route: 'POST /api/apps/{appId}/changesets',
    success: 201,
    // The `author` rule applies to the workspace: only its owner opens a changeset on it.
    build: async (context, attempt) => {
      const items = context.authoring;
      const workspaceId = await items.workspace(items.authorOf(attempt));
      return {
        method: 'POST',
        path: context.appPath('/changesets'),
        body: { workspace_id: workspaceId, title: 'rbac changeset' },
      };
    },
  },
  getChangeset: readChangeset('GET /api/apps/{appId}/changesets/{changesetId}', ''),
  listChangesetRevisions: readChangeset(
    'GET /api/apps/{appId}/changesets/{changesetId}/revisions',
    '/revisions',
  ),
  getChangesetDiff: readChangeset(
    'GET /api/apps/{appId}/changesets/{changesetId}/diff',
    '/diff?mode=semantic',
  ),
  analyzeChangeset: readChangeset(
    'POST /api/apps/{appId}/changesets/{changesetId}/analyze',
    '/analyze',
    'POST',
  ),
  chatAboutChangeset: readChangeset('POST /api/apps/{appId}/changesets/{changesetId}/chat', '/chat', 'POST', {
    message: 'What does this change?',
  }),
  listChangesetComments: readChangeset(
    'GET /api/apps/{appId}/changesets/{changesetId}/comments',
    '/comments',
  ),
  updateChangeset: {
    route: 'PATCH /api/apps/{appId}/changesets/{changesetId}',
    success: 200,
    build: async (context, attempt) => {
      const { id } = await context.authoring.draft(context.authoring.authorOf(attempt));
      return { method: 'PATCH', path: context.appPath(`/changesets/${id}`), body: { title: 'retitled' } };
    },
  },
  submitChangeset: {
    route: 'POST /api/apps/{appId}/changesets/{changesetId}/submit',
    success: 202,
    build: async (context, attempt) => {
      const { id } = await context.authoring.draft(context.authoring.authorOf(attempt));
      return { method: 'POST', path: context.appPath(`/changesets/${id}/submit`) };
    },
  },
  resubmitChangeset: {
    route: 'POST /api/apps/{appId}/changesets/{changesetId}/resubmit',
    success: 202,
    build: async (context, attempt) => {
      const id = await context.authoring.reviewed(context.authoring.authorOf(attempt), 'request_changes');
      return { method: 'POST', path: context.appPath(`/changesets/${id}/resubmit`) };
    },
  },
  reviewChangeset: {
    route: 'POST /api/apps/{appId}/changesets/{changesetId}/review',
    success: 200,
    build: async (context) => {
      const { id } = await context.authoring.submitted(context.world.adminHeaders);
      return {
        method: 'POST',
        path: context.appPath(`/changesets/${id}/review`),
        body: { action: 'request_changes', comment: 'Please split this change' },
      };
    },
  },
  moveChangesetToDraft: {
    route: 'POST /api/apps/{appId}/changesets/{changesetId}/move-to-draft',
    success: 200,
    build: async (context, attempt) => {
      const id = await context.authoring.conflicted(context.authoring.authorOf(attempt));
      return { method: 'POST', path: context.appPath(`/changesets/${id}/move-to-draft`) };
    },
  },
  cloneChangeset: {
    route: 'POST /api/apps/{appId}/changesets/{changesetId}/clone',
    success: 201,
    build: async (context, attempt) => {
      const id = await context.authoring.reviewed(context.authoring.authorOf(attempt), 'reject');
      return { method: 'POST', path: context.appPath(`/changesets/${id}/clone`), body: {} };
    },
  },
  createChangesetComment: {
    route: 'POST /api/apps/{appId}/changesets/{changesetId}/comments',
    success: 201,
    build: async (context) => {
      const { changesetId } = await context.authoring.sharedItems();
      return {
        method: 'POST',
        path: context.appPath(`/changesets/${changesetId}/comments`),
        body: { body: 'Looks fine to me' },
      };
    },
  },
  editChangesetComment: {
    route: 'PATCH /api/apps/{appId}/changesets/{changesetId}/comments/{commentId}',
    success: 200,
    build: async (context, attempt) => {
      const { changesetId } = await context.authoring.sharedItems();
      const commentId = await context.authoring.comment(context.authoring.authorOf(attempt), changesetId);
      return {
        method: 'PATCH',
        path: context.appPath(`/changesets/${changesetId}/comments/${commentId}`),
        body: { body: 'Edited wording' },
      };
    },
  },
  resolveChangesetComment: {
    route: 'POST /api/apps/{appId}/changesets/{changesetId}/comments/{commentId}/resolve',
    success: 200,
    build: async (context) => {
      const { changesetId } = await context.authoring.sharedItems();
      const commentId = await context.authoring.comment(context.world.adminHeaders, changesetId);
      return {
        method: 'POST',
        path: context.appPath(`/changesets/${changesetId}/comments/${commentId}/resolve`),
        body: { resolved: true },
      };
    },
  },

  // queue
  queueChangeset: {
    route: 'POST /api/apps/{appId}/changesets/{changesetId}/queue',
    success: 200,
    build: async (context) => {
      const id = await context.authoring.approved(context.world.adminHeaders);
      return { method: 'POST', path: context.appPath(`/changesets/${id}/queue`) };
    },
  },
  getQueue: {
    route: 'GET /api/apps/{appId}/queue',
    success: 200,
    build: (context) => get(context.appPath('/queue')),
  },
  reorderQueue: {
    route: 'POST /api/apps/{appId}/queue/reorder',
    success: 200,
    build: async (context) => ({
      method: 'POST',
      path: context.appPath('/queue/reorder'),
      body: { changeset_ids: (await context.authoring.queueIds()).reverse() },
    }),
  },

  // jobs
  listJobs: {
    route: 'GET /api/apps/{appId}/jobs',
    success: 200,
    build: (context) => get(context.appPath('/jobs')),
  },
  getJob: {
    route: 'GET /api/apps/{appId}/jobs/{jobId}',
    success: 200,
    build: async (context) => get(context.appPath(`/jobs/${(await context.authoring.sharedItems()).jobId}`)),
  },
  cancelJob: {
    route: 'POST /api/apps/{appId}/jobs/{jobId}/cancel',
    success: 200,
    build: async (context, attempt) => {
      const jobId = await context.authoring.job(context.authoring.authorOf(attempt));
      return { method: 'POST', path: context.appPath(`/jobs/${jobId}/cancel`) };
    },
  },
  validateCommit: {
    route: 'POST /api/apps/{appId}/validate',
    success: 202,
    build: (context) => ({ method: 'POST', path: context.appPath('/validate'), body: { ref: 'main' } }),
  },
};
