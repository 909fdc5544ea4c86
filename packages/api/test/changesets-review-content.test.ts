import { startChangesetWorld, type ChangesetBody, type ChangesetWorld } from './support/changeset-world';

let world: ChangesetWorld;

beforeAll(async () => {
  world = await startChangesetWorld('cs-content');
});

afterAll(() => world.close());

const path = (id: string, suffix = '') => world.app(`/changesets/${id}${suffix}`);

interface CommentBody {
  id: string;
  parent_id: string | null;
  body: string;
  anchor: { file_path: string; line: number; revision: number } | null;
  resolved: boolean;
  previous_bodies: { body: string }[];
  replies?: CommentBody[];
}

describe('comments', () => {
  it('threads with inline anchors, replies, edits that keep bodies, resolve and reopen', async () => {
    const changeset = await world.submitted();
    const comments = path(changeset.id, '/comments');
    const thread = await world.call<CommentBody>('POST', comments, world.reviewer.token, {
      body: 'Why this field?',
      anchor: { file_path: 'entities/customer.json', line: 2, revision: 1 },
    });
    expect(thread.status).toBe(201);
    const reply = await world.call<CommentBody>('POST', comments, world.author.token, {
      body: 'Because.',
      parent_id: thread.data.id,
    });
    expect(reply.status).toBe(201);
    const nested = await world.call('POST', comments, world.reviewer.token, {
      body: 'x',
      parent_id: reply.data.id,
    });
    expect(nested.status).toBe(400);
    const future = await world.call('POST', comments, world.reviewer.token, {
      body: 'x',
      anchor: { file_path: 'a.json', line: 1, revision: 2 },
    });
    expect(future.status).toBe(400);
    const badPath = await world.call('POST', comments, world.reviewer.token, {
      body: 'x',
      anchor: { file_path: '../etc/passwd', line: 1, revision: 1 },
    });
    expect(badPath.status).toBe(400);
    expect((await world.call('POST', comments, world.outsider.token, { body: 'x' })).status).toBe(404);

    const commentPath = `${comments}/${reply.data.id}`;
    expect((await world.call('PATCH', commentPath, world.reviewer.token, { body: 'hijack' })).status).toBe(
      403,
    );
    await world.call('PATCH', commentPath, world.author.token, { body: 'Because of X.' });
    const edited = await world.call<CommentBody>('PATCH', commentPath, world.author.token, {
      body: 'Because of Y.',
    });
    expect(edited.data.body).toBe('Because of Y.');
    expect(edited.data.previous_bodies.map((entry) => entry.body)).toEqual(['Because.', 'Because of X.']);

    expect(
      (await world.call('POST', `${commentPath}/resolve`, world.reviewer.token, { resolved: true })).status,
    ).toBe(400);
    const resolved = await world.call<CommentBody>(
      'POST',
      `${comments}/${thread.data.id}/resolve`,
      world.reviewer.token,
      {
        resolved: true,
      },
    );
    expect(resolved.data.resolved).toBe(true);
    const reopened = await world.call<CommentBody>(
      'POST',
      `${comments}/${thread.data.id}/resolve`,
      world.author.token,
      {
        resolved: false,
      },
    );
    expect(reopened.data.resolved).toBe(false);

    const list = await world.call<CommentBody[]>('GET', comments, world.otherUser.token);
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).toMatchObject({
      id: thread.data.id,
      anchor: { file_path: 'entities/customer.json', line: 2, revision: 1 },
      replies: [expect.objectContaining({ id: reply.data.id, body: 'Because of Y.' })],
    });

    // A comment id of another changeset is not found under this one.
    const other = await world.draft();
    expect(
      (
        await world.call('PATCH', `${path(other.id, '/comments')}/${reply.data.id}`, world.author.token, {
          body: 'x',
        })
      ).status,
    ).toBe(404);
    const audit = await world.fixture.database.db.collection('audit_events').countDocuments({
      entity_type: 'changeset_comment',
      entity_id: { $in: [thread.data.id, reply.data.id] },
    });
    expect(audit).toBe(6);
  });
});

describe('diff', () => {
  it('raw and semantic diffs of a revision against its merge base', async () => {
    const changeset = await world.draft();
    expect((await world.call('GET', path(changeset.id, '/diff'), world.reviewer.token)).status).toBe(409);
    await world.writeText(
      world.author,
      changeset.workspace_id,
      'entities/customer.json',
      '{\n  "name": "customer",\n  "fields": ["id", "name", "email"]\n}\n',
    );
    const submit = await world.call<{ changeset: ChangesetBody }>(
      'POST',
      path(changeset.id, '/submit'),
      world.author.token,
    );
    const { head_sha, base_sha } = submit.data.changeset;

    const raw = await world.call<{
      mode: string;
      files: { path: string; status: string }[];
      patch: string;
      base_sha: string;
    }>('GET', path(changeset.id, '/diff?mode=raw'), world.reviewer.token);
    expect(raw.status).toBe(200);
    expect(raw.data.base_sha).toBe(base_sha);
    expect(raw.data.files.map((file) => [file.path, file.status]).sort()).toEqual([
      ['entities/customer.json', 'modified'],
      [expect.stringMatching(/^entities\/generated-\d+\.json$/), 'added'],
    ]);
    expect(raw.data.patch).toContain('+  "fields": ["id", "name", "email"]');

    const semantic = await world.call<{
      baseSha: string;
      headSha: string;
      summary: { totalChanges: number; byConfigType: Record<string, number> };
      changes: { configType: string; operation: string; filePath: string }[];
    }>('GET', path(changeset.id, '/diff?mode=semantic'), world.reviewer.token);
    expect(semantic.status).toBe(200);
    expect(semantic.data).toMatchObject({ baseSha: base_sha, headSha: head_sha });
    expect(semantic.data.summary.byConfigType.entity).toBe(semantic.data.summary.totalChanges);
    expect(semantic.data.changes.map((change) => change.filePath)).toContain('entities/customer.json');

    expect(
      (await world.call('GET', path(changeset.id, '/diff?revision=9'), world.reviewer.token)).status,
    ).toBe(404);
    expect(
      (await world.call('GET', path(changeset.id, '/diff?mode=fancy'), world.reviewer.token)).status,
    ).toBe(400);
    expect((await world.call('GET', path(changeset.id, '/diff'), world.outsider.token)).status).toBe(404);
  });
});

describe('analyze and chat', () => {
  it('analyzes the current revision with the built-in analyzer and answers questions about it', async () => {
    const changeset = await world.draft();
    expect((await world.call('POST', path(changeset.id, '/analyze'), world.reviewer.token)).status).toBe(409);
    await world.writeText(
      world.author,
      changeset.workspace_id,
      'entities/order.json',
      '{\n  "name": "order"\n}\n',
    );
    await world.call('POST', path(changeset.id, '/submit'), world.author.token);

    const analysis = await world.call<{
      summary: string;
      findings: { file_path: string; severity: string; message: string }[];
      source: string;
      revision: number;
    }>('POST', path(changeset.id, '/analyze'), world.otherUser.token);
    expect(analysis.status).toBe(200);
    expect(analysis.data).toMatchObject({ source: 'builtin', revision: 1 });
    expect(analysis.data.summary).not.toBe('');
    expect(analysis.data.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ file_path: 'entities/order.json' })]),
    );

    const chat = await world.call<{ answer: string; source: string }>(
      'POST',
      path(changeset.id, '/chat'),
      world.otherUser.token,
      {
        message: 'What changed in entities/order.json?',
      },
    );
    expect(chat.status).toBe(200);
    expect(chat.data.source).toBe('builtin');
    expect(chat.data.answer).toContain('order');
    expect((await world.call('POST', path(changeset.id, '/chat'), world.otherUser.token, {})).status).toBe(
      400,
    );
    expect(
      (await world.call('POST', path(changeset.id, '/chat'), world.outsider.token, { message: 'x' })).status,
    ).toBe(404);
  });
});
