import type { Stack } from '../support/stack';
import { ADMIN, call, joinByInvite, login, startStackWithAdmin } from '../support/members';

/**
 * Four-eyes through the real server (docs/changesets.md "Review"): approving is a human act counted
 * per person, and nobody who wrote the change approves it.
 */

jest.setTimeout(180_000);

let stack: Stack;

beforeAll(async () => {
  stack = await startStackWithAdmin();
});

afterAll(async () => {
  await stack?.stop();
});

it('keys never approve, a person counts once, authors and editors cannot approve', async () => {
  const admin = await login(stack, ADMIN.email, ADMIN.password);
  const created = await call(stack, 'POST', '/apps', admin, {
    name: 'four-eyes',
    repo_path: 'four-eyes.git',
    seed: true,
  });
  expect(created.status).toBe(201);
  const A = `/apps/${created.json.data.id as string}`;
  const appId = created.json.data.id as string;
  expect((await call(stack, 'PATCH', `${A}/settings`, admin, { required_approvals: 2 })).status).toBe(200);

  const author = await joinByInvite(stack, appId, admin, 'author@example.com', 'user');
  const editor = await joinByInvite(stack, appId, admin, 'editor@example.com', 'app_admin');
  const reviewer = await joinByInvite(stack, appId, admin, 'reviewer@example.com', 'reviewer');
  const adminKey = await call(stack, 'POST', `${A}/api-keys`, admin, { name: 'ci', role: 'app_admin' });
  expect(adminKey.status).toBe(201);
  const key = adminKey.json.data.key as string;

  const workspaceId = (await call(stack, 'GET', `${A}/workspaces`, author)).json.data[0].id as string;
  const W = `${A}/workspaces/${workspaceId}`;
  const write = (who: string, content: string) =>
    call(stack, 'PUT', `${W}/files`, who, { path: 'config/app.json', content, encoding: 'utf8' });
  expect((await write(author, '{"v":1}\n')).status).toBe(200);
  const opened = await call(stack, 'POST', `${A}/changesets`, author, {
    workspace_id: workspaceId,
    title: 'v1',
  });
  expect(opened.status).toBe(201);
  const C = `${A}/changesets/${opened.json.data.id as string}`;
  expect((await call(stack, 'POST', `${C}/submit`, author)).status).toBe(202);
  const review = (who: string, action: string) => call(stack, 'POST', `${C}/review`, who, { action });
  const detail = async () => (await call(stack, 'GET', C, admin)).json.data;

  // An API key comments and requests changes, but never approves.
  const byKey = await review(key, 'approve');
  expect(byKey.status).toBe(403);
  expect(byKey.json.error.message).toMatch(/API keys cannot approve/);

  // Changes requested; the author's edit makes it a draft again, and it is resubmitted.
  expect((await review(reviewer, 'request_changes')).json.data.state).toBe('changes_requested');
  expect((await write(author, '{"v":2}\n')).status).toBe(200);
  expect((await detail()).state).toBe('draft');
  const resubmitted = await call(stack, 'POST', `${C}/resubmit`, author);
  expect(resubmitted.status).toBe(202);
  expect(resubmitted.json.data.changeset).toMatchObject({ state: 'submitted', revision: 2 });

  // An app_admin who edited the author's workspace cannot approve the change they contributed to.
  expect((await write(editor, '{"v":2,"by":"editor"}\n')).status).toBe(200);
  const byEditor = await review(editor, 'approve');
  expect(byEditor.status).toBe(403);
  expect(byEditor.json.error.message).toMatch(/edited/);
  expect((await review(author, 'approve')).status).toBe(403);

  // The platform admin's token and the key they created reach one approval, not two.
  expect((await review(admin, 'approve')).json.data.state).toBe('in_review');
  expect((await review(key, 'approve')).status).toBe(403);
  // The same person approving again is refused: it would not count anyway.
  expect((await review(admin, 'approve')).status).toBe(409);
  expect((await detail()).approvals).toHaveLength(1);

  // A second person completes the approval.
  const approved = await review(reviewer, 'approve');
  expect(approved.status).toBe(200);
  expect(approved.json.data).toMatchObject({ state: 'approved', required_approvals: 2 });
  expect(approved.json.data.approvals).toHaveLength(2);
});
