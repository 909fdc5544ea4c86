import { DEFAULT_BLOCKED_PATHS, type FileChange } from '@conman/core';
import type { GitAdapter } from '@conman/git';
import { bearer, type IdentityFixture } from './identity-fixture';

export const AUTHOR = { name: 'Seeder', email: 'seed@example.com' };

/** DxFlow-style configuration files the workspace tests start from. */
export const SEED_FILES: Record<string, string> = {
  'entities/customer.json': '{\n  "name": "customer",\n  "fields": ["id", "name"]\n}\n',
  'entities/order.json': '{\n  "name": "order",\n  "fields": ["id", "total"]\n}\n',
  'entities/product.json': '{\n  "name": "product",\n  "fields": ["id", "sku"]\n}\n',
  'pages/home.json': '{\n  "title": "Home"\n}\n',
  'pages/orders.json': '{\n  "title": "Orders"\n}\n',
  'config/tenant.yml': 'tenant: acme\nregion: eu\nlocale: en\n',
  '.gitignore': 'node_modules\n',
};

/** Creates the app's repository through the GitAdapter with the seed files on `main`. */
export async function seedAppRepository(fixture: IdentityFixture, appId: string): Promise<string> {
  const app = await fixture.apps.findById(appId);
  if (!app) throw new Error('no app');
  await fixture.git.createRepository(app.repoPath, { defaultBranch: 'main' });
  const sha = await fixture.git.commitFiles(app.repoPath, {
    parent: null,
    changes: Object.entries(SEED_FILES).map(([path, text]) => ({
      action: 'write',
      path,
      content: Buffer.from(text),
    })),
    message: 'seed',
    author: AUTHOR,
  });
  await fixture.git.updateRefs(app.repoPath, [{ ref: 'refs/heads/main', newSha: sha, expectedOldSha: null }]);
  await fixture.apps.updateSettings(appId, { ...app.settings, blocked_paths: [...DEFAULT_BLOCKED_PATHS] });
  return sha;
}

/** Moves `main` forward by one commit (what a release publish does). */
export async function commitToMain(
  git: GitAdapter,
  repoPath: string,
  changes: FileChange[],
  message = 'published change',
): Promise<string> {
  const parent = await git.resolveRef(repoPath, 'refs/heads/main');
  const sha = await git.commitFiles(repoPath, { parent, changes, message, author: AUTHOR });
  await git.updateRefs(repoPath, [{ ref: 'refs/heads/main', newSha: sha, expectedOldSha: parent }]);
  return sha;
}

export interface WorkspaceView {
  id: string;
  app_id: string;
  owner_id: string;
  title: string;
  is_default: boolean;
  branch: string;
  base_sha: string;
  base_ref_type: string;
  head_sha: string;
  working_sha: string | null;
  dirty: boolean;
  commit_mode: string | null;
}

/** Small HTTP client for the workspace endpoints of one app. */
export function workspaceClient(fixture: IdentityFixture, appId: string) {
  const base = () => `${fixture.api.url}/api/apps/${appId}/workspaces`;
  const send = (method: string, url: string, token: string, body?: unknown) =>
    fetch(url, {
      method,
      headers: { ...bearer(token), ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  return {
    base,
    list: (token: string) => send('GET', base(), token),
    create: (token: string, title: string) => send('POST', base(), token, { title }),
    get: (token: string, wsId: string) => send('GET', `${base()}/${wsId}`, token),
    patch: (token: string, wsId: string, body: unknown) => send('PATCH', `${base()}/${wsId}`, token, body),
    write: (token: string, wsId: string, body: Record<string, unknown>) =>
      send('PUT', `${base()}/${wsId}/files`, token, body),
    writeText: (
      token: string,
      wsId: string,
      path: string,
      text: string,
      extra: Record<string, unknown> = {},
    ) => send('PUT', `${base()}/${wsId}/files`, token, { path, content: text, encoding: 'utf8', ...extra }),
    read: (token: string, wsId: string, path: string, encoding = 'utf8') =>
      send('GET', `${base()}/${wsId}/files?path=${encodeURIComponent(path)}&encoding=${encoding}`, token),
    remove: (token: string, wsId: string, path: string) =>
      send('DELETE', `${base()}/${wsId}/files?path=${encodeURIComponent(path)}`, token),
    move: (token: string, wsId: string, body: unknown) =>
      send('POST', `${base()}/${wsId}/files/move`, token, body),
    tree: (token: string, wsId: string, query = 'recursive=true') =>
      send('GET', `${base()}/${wsId}/tree?${query}`, token),
    reset: (token: string, wsId: string) => send('POST', `${base()}/${wsId}/reset`, token),
    sync: (token: string, wsId: string) => send('POST', `${base()}/${wsId}/sync-integration`, token),
    checkpoint: (token: string, wsId: string, message: string) =>
      send('POST', `${base()}/${wsId}/checkpoints`, token, { message }),
  };
}

export async function dataOf<T>(response: Response): Promise<T> {
  const body = (await response.json()) as { data: T };
  return body.data;
}
