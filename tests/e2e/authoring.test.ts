import path from 'node:path';
import { LocalGitAdapter } from '@conman/git';
import { waitFor, type Stack, type TestResponse } from '../support/stack';
import {
  ADMIN,
  call as callApi,
  joinByInvite as join,
  login as signIn,
  startStackWithAdmin,
} from '../support/members';

/**
 * The authoring path end to end on real server and worker processes (docs/workspaces.md, docs/changesets.md):
 * an admin creates the app, members join through mailed invites, the author edits a workspace and proposes a
 * changeset, the submit gate runs in the worker, review goes one round of changes, and a config manager
 * queues the approved result.
 */

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** DxFlow-style configuration the integration branch starts with. */
const SEED: Record<string, string> = {
  'entities/customer.json': json({ name: 'customer', fields: { id: 'string', name: 'string' } }),
  'entities/order.json': json({ name: 'order', fields: { id: 'string', total: 'number' } }),
  'entities/legacy.json': json({ name: 'legacy', fields: { code: 'string' } }),
  'pages/home.json': json({ id: 'home', title: 'Home', widgets: ['welcome'] }),
  'config/tenant.yml': 'tenant: acme\nregion: eu\nlocale: en\n',
};

// Real processes, two gate runs and mail delivery: well beyond jest's default 5 s.
jest.setTimeout(180_000);

let stack: Stack;

beforeAll(async () => {
  stack = await startStackWithAdmin();
});

afterAll(async () => {
  await stack?.stop();
});

function call(method: string, route: string, token: string, body?: unknown): Promise<TestResponse> {
  return callApi(stack, method, route, token, body);
}

const login = (email: string, password: string) => signIn(stack, email, password);

const joinByInvite = (appId: string, adminToken: string, email: string, role: string) =>
  join(stack, appId, adminToken, email, role);

/** Polls the job until it ends; resolves when it succeeded (with the command actually run). */
async function gateSucceeded(appId: string, token: string, jobId: string): Promise<void> {
  let last: TestResponse | undefined;
  await waitFor(
    async () => {
      last = await call('GET', `/apps/${appId}/jobs/${jobId}`, token);
      const state = last.json?.data?.job?.state;
      if (state === 'failed' || state === 'canceled') throw new Error(`gate ${state}: ${last.text}`);
      return state === 'succeeded';
    },
    60_000,
    () => `${last?.text ?? ''}\n${stack.worker?.output() ?? ''}`,
  );
  expect(last?.json.data.job).toMatchObject({ type: 'msuite_submit', result: { outcome: 'passed' } });
  expect(last?.json.data.job.result.command).toMatchObject({ exitCode: 0 });
}

it('author edits, submits, gets changes requested, resubmits; reviewer approves; manager queues', async () => {
  // The platform admin creates the app with a seeded repository.
  const adminToken = await login(ADMIN.email, ADMIN.password);
  const created = await call('POST', '/apps', adminToken, {
    name: 'dxflow',
    repo_path: 'dxflow.git',
    seed: true,
  });
  expect(created.status).toBe(201);
  const appId = created.json.data.id as string;
  const A = `/apps/${appId}`;

  // DxFlow files land on the integration branch before any workspace exists.
  const git = new LocalGitAdapter({ storageRoot: path.join(stack.dataDir, 'repos') });
  try {
    const parent = await git.resolveRef('dxflow.git', 'refs/heads/main');
    expect(parent).not.toBeNull();
    const seeded = await git.commitFiles('dxflow.git', {
      parent,
      changes: Object.entries(SEED).map(([file, text]) => ({
        action: 'write',
        path: file,
        content: Buffer.from(text),
      })),
      message: 'DxFlow configuration',
      author: { name: 'Seeder', email: 'seed@example.com' },
    });
    await git.updateRefs('dxflow.git', [{ ref: 'refs/heads/main', newSha: seeded, expectedOldSha: parent }]);
  } finally {
    await git.close();
  }

  // The submit gate runs a real msuite command in the worker, on a checkout of the frozen head.
  const settings = await call('PATCH', `${A}/settings`, adminToken, {
    validation_gates: [
      {
        name: 'msuite_submit',
        command: ['sh', '-c', 'grep -q "tenant: acme" config/tenant.yml && test -n "$CONMAN_CHANGESET_ID"'],
        timeout_seconds: 60,
        profile_scope: 'temp',
      },
    ],
  });
  expect(settings.status).toBe(200);

  // Members join through the mailed invitations.
  const authorToken = await joinByInvite(appId, adminToken, 'author@example.com', 'user');
  const reviewerToken = await joinByInvite(appId, adminToken, 'reviewer@example.com', 'reviewer');
  const managerToken = await joinByInvite(appId, adminToken, 'manager@example.com', 'config_manager');

  // The author edits three files and deletes one in the default workspace.
  const workspaces = await call('GET', `${A}/workspaces`, authorToken);
  expect(workspaces.status).toBe(200);
  const workspaceId = workspaces.json.data[0].id as string;
  const W = `${A}/workspaces/${workspaceId}`;
  const write = async (file: string, text: string) => {
    const response = await call('PUT', `${W}/files`, authorToken, {
      path: file,
      content: text,
      encoding: 'utf8',
    });
    expect(response.status).toBe(200);
  };
  await write(
    'entities/customer.json',
    json({ name: 'customer', fields: { id: 'string', name: 'string', email: 'string' } }),
  );
  await write('pages/home.json', json({ id: 'home', title: 'Start', widgets: ['welcome'] }));
  await write('config/tenant.yml', 'tenant: acme\nregion: us\nlocale: en\n');
  const deleted = await call(
    'DELETE',
    `${W}/files?path=${encodeURIComponent('entities/legacy.json')}`,
    authorToken,
  );
  expect(deleted.status).toBe(200);

  const tree = await call('GET', `${W}/tree?recursive=true`, authorToken);
  expect(tree.status).toBe(200);
  const changed = (tree.json.data.entries as { path: string; type: string; changed: boolean }[])
    .filter((entry) => entry.type === 'blob' && entry.changed)
    .map((entry) => entry.path)
    .sort();
  expect(changed).toEqual(['config/tenant.yml', 'entities/customer.json', 'pages/home.json']);
  expect(tree.json.data.removed_paths).toEqual(['entities/legacy.json']);

  // Create and submit: the submit gate runs in the worker.
  const draft = await call('POST', `${A}/changesets`, authorToken, {
    workspace_id: workspaceId,
    title: 'Customer email, start page, US region',
    description: 'Adds the customer email and renames the home page.',
  });
  expect(draft.status).toBe(201);
  const C = `${A}/changesets/${draft.json.data.id}`;
  const submitted = await call('POST', `${C}/submit`, authorToken);
  expect(submitted.status).toBe(202);
  expect(submitted.json.data.changeset).toMatchObject({ state: 'submitted', revision: 1 });
  expect(submitted.json.data.included_profile_overrides).toEqual([]);
  await gateSucceeded(appId, authorToken, submitted.json.data.job.id);

  // Four-eyes: the author cannot approve (and a plain user cannot review at all).
  expect((await call('POST', `${C}/review`, authorToken, { action: 'approve' })).status).toBe(403);

  const requested = await call('POST', `${C}/review`, reviewerToken, {
    action: 'request_changes',
    comment: 'Orders need decimal totals too.',
  });
  expect(requested.status).toBe(200);
  expect(requested.json.data.state).toBe('changes_requested');

  // The author fixes it and resubmits: revision 2, approvals reset, the gate reruns.
  await write('entities/order.json', json({ name: 'order', fields: { id: 'string', total: 'decimal' } }));
  const resubmitted = await call('POST', `${C}/resubmit`, authorToken);
  expect(resubmitted.status).toBe(202);
  expect(resubmitted.json.data.changeset).toMatchObject({ state: 'submitted', revision: 2 });
  const revision2 = await call('GET', C, reviewerToken);
  expect(revision2.json.data).toMatchObject({ revision: 2, approvals: [] });
  await gateSucceeded(appId, authorToken, resubmitted.json.data.job.id);

  const approved = await call('POST', `${C}/review`, reviewerToken, { action: 'approve' });
  expect(approved.status).toBe(200);
  expect(approved.json.data).toMatchObject({ state: 'approved', revision: 2, gate: { state: 'succeeded' } });

  const queued = await call('POST', `${C}/queue`, managerToken);
  expect(queued.status).toBe(200);
  expect(queued.json.data).toMatchObject({ state: 'queued', queue_position: 1 });
  const queue = await call('GET', `${A}/queue`, authorToken);
  expect(queue.json.data.map((entry: { id: string }) => entry.id)).toEqual([draft.json.data.id]);

  // The semantic diff of the queued revision, exactly.
  const diff = await call('GET', `${C}/diff?mode=semantic`, reviewerToken);
  expect(diff.status).toBe(200);
  const { baseSha, headSha, summary, changes } = diff.json.data;
  expect({ baseSha, headSha }).toEqual({
    baseSha: queued.json.data.base_sha,
    headSha: queued.json.data.head_sha,
  });
  expect(summary).toEqual(EXPECTED_SUMMARY);
  expect(changes.map(({ id: _id, ...change }: { id: string }) => change)).toEqual(EXPECTED_CHANGES);
});

/** Revision 2 against its merge base: one change per changed key, the deleted file as one removal. */
const EXPECTED_SUMMARY = {
  totalChanges: 5,
  byConfigType: {
    entity: 3,
    page: 1,
    queue: 0,
    provider: 0,
    workflow: 0,
    tenant: 1,
    menu: 0,
    asset: 0,
    script: 0,
  },
};

const EXPECTED_CHANGES = [
  {
    configType: 'tenant',
    operation: 'modified',
    target: 'tenant',
    description: 'Changed region in tenant "tenant"',
    filePath: 'config/tenant.yml',
    lineStart: 2,
    lineEnd: 2,
    details: { pointer: '/region', oldValue: 'eu', newValue: 'us' },
  },
  {
    configType: 'entity',
    operation: 'added',
    target: 'customer',
    description: 'Added fields.email to entity "customer"',
    filePath: 'entities/customer.json',
    lineStart: 6,
    lineEnd: 6,
    details: { pointer: '/fields/email', newValue: 'string' },
  },
  {
    configType: 'entity',
    operation: 'removed',
    target: 'legacy',
    description: 'Removed entity "legacy" (entities/legacy.json)',
    filePath: 'entities/legacy.json',
    lineStart: 1,
    lineEnd: 6,
    details: { pointer: '', oldValue: { name: 'legacy', fields: { code: 'string' } } },
  },
  {
    configType: 'entity',
    operation: 'modified',
    target: 'order',
    description: 'Changed fields.total in entity "order"',
    filePath: 'entities/order.json',
    lineStart: 5,
    lineEnd: 5,
    details: { pointer: '/fields/total', oldValue: 'number', newValue: 'decimal' },
  },
  {
    configType: 'page',
    operation: 'modified',
    target: 'home',
    description: 'Changed title in page "home"',
    filePath: 'pages/home.json',
    lineStart: 3,
    lineEnd: 3,
    details: { pointer: '/title', oldValue: 'Home', newValue: 'Start' },
  },
];
