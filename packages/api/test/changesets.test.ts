import {
  changesetWorldOn,
  startChangesetWorld,
  type ChangesetBody,
  type ChangesetWorld,
} from './support/changeset-world';

let world: ChangesetWorld;

beforeAll(async () => {
  world = await startChangesetWorld('cs-life');
});

afterAll(() => world.close());

const path = (id: string, suffix = '') => world.app(`/changesets/${id}${suffix}`);

describe('create', () => {
  it('opens a draft on the caller’s workspace and audits it', async () => {
    const workspaceId = await world.newWorkspace(world.author, 'Create');
    const result = await world.call<ChangesetBody>('POST', world.app('/changesets'), world.author.token, {
      workspace_id: workspaceId,
      title: 'Add customer',
      description: 'why',
    });
    expect(result.status).toBe(201);
    expect(result.data).toMatchObject({
      state: 'draft',
      revision: 0,
      head_sha: null,
      author_id: world.author.id,
      workspace_id: workspaceId,
    });
    const audit = await world.fixture.database.db
      .collection('audit_events')
      .findOne({ action: 'changeset.created', entity_id: result.data.id });
    expect(audit).not.toBeNull();
  });

  it('refuses a second open changeset on a workspace (409), also when two creates race', async () => {
    const workspaceId = await world.newWorkspace(world.author, 'Race');
    const body = { workspace_id: workspaceId, title: 'Racer' };
    const results = await Promise.all([
      world.call('POST', world.app('/changesets'), world.author.token, body),
      world.call('POST', world.app('/changesets'), world.author.token, body),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual([201, 409]);
    const again = await world.call('POST', world.app('/changesets'), world.author.token, body);
    expect(again.status).toBe(409);
    expect(again.error?.code).toBe('conflict');
  });

  it('only the workspace owner may open a changeset on it; strangers get 404, bad bodies 400', async () => {
    const workspaceId = await world.newWorkspace(world.author, 'Not yours');
    const body = { workspace_id: workspaceId, title: 'Mine' };
    expect((await world.call('POST', world.app('/changesets'), world.otherUser.token, body)).status).toBe(
      403,
    );
    expect((await world.call('POST', world.app('/changesets'), world.outsider.token, body)).status).toBe(404);
    const missing = { workspace_id: 'a'.repeat(24), title: 'x' };
    expect((await world.call('POST', world.app('/changesets'), world.author.token, missing)).status).toBe(
      404,
    );
    const bad = await world.call('POST', world.app('/changesets'), world.author.token, { ...body, extra: 1 });
    expect(bad.status).toBe(400);
    expect(
      (await world.call('POST', world.app('/changesets'), world.author.token, { title: 'x' })).status,
    ).toBe(400);
  });
});

describe('service accounts', () => {
  it('an API key owns its workspace, authors a changeset on it and cannot approve it', async () => {
    const key = await world.fixture.newApiKey(world.appId, 'reviewer', world.admin.id);
    const headers = { 'x-api-key': key, 'content-type': 'application/json' };
    const send = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${world.fixture.api.url}/api${route}`, {
        method,
        headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return { status: response.status, json: (await response.json()) as { data: Record<string, unknown> } };
    };
    const workspace = await send('POST', world.app('/workspaces'), { title: 'CI' });
    expect(workspace.status).toBe(201);
    const workspaceId = workspace.json.data.id as string;
    const keyId = workspace.json.data.owner_id as string;
    expect(
      (
        await send('PUT', world.app(`/workspaces/${workspaceId}/files`), {
          path: 'entities/ci.json',
          content: '{"name":"ci"}\n',
          encoding: 'utf8',
        })
      ).status,
    ).toBe(200);
    const created = await send('POST', world.app('/changesets'), {
      workspace_id: workspaceId,
      title: 'From CI',
    });
    expect(created.status).toBe(201);
    expect(created.json.data.author_id).toBe(keyId);
    const id = created.json.data.id as string;
    expect((await send('POST', path(id, '/submit'))).status).toBe(202);
    expect((await send('POST', path(id, '/review'), { action: 'approve' })).status).toBe(403);
    const approved = await world.call<ChangesetBody>('POST', path(id, '/review'), world.reviewer.token, {
      action: 'approve',
    });
    expect(approved.data.state).toBe('approved');
  });
});

describe('list, get and patch', () => {
  it('lists with state and author filters and pagination', async () => {
    const mine = await world.draft(world.otherUser, 'Other draft');
    const all = await world.call<ChangesetBody[]>(
      'GET',
      world.app(`/changesets?author=${world.otherUser.id}`),
      world.reviewer.token,
    );
    expect(all.status).toBe(200);
    expect(all.data.map((changeset) => changeset.id)).toEqual([mine.id]);
    const drafts = await world.call<ChangesetBody[]>(
      'GET',
      world.app('/changesets?state=draft&limit=1'),
      world.reviewer.token,
    );
    expect(drafts.data).toHaveLength(1);
    expect(drafts.data[0]!.state).toBe('draft');
    expect((await world.call('GET', world.app('/changesets?state=bogus'), world.reviewer.token)).status).toBe(
      400,
    );
    expect((await world.call('GET', world.app('/changesets'), world.outsider.token)).status).toBe(404);
  });

  it('answers 404 for ids of another app', async () => {
    const other = await changesetWorldOn(world.fixture, 'cs-life-b', false, {
      author: world.author,
      reviewer: world.reviewer,
    });
    const foreign = await other.draft(world.author, 'Foreign');
    expect((await world.call('GET', path(foreign.id), world.author.token)).status).toBe(404);
    expect((await world.call('POST', path(foreign.id, '/submit'), world.author.token)).status).toBe(404);
    expect((await world.call('GET', other.app(`/changesets/${foreign.id}`), world.author.token)).status).toBe(
      200,
    );
    // A workspace of the other app cannot carry a changeset of this one.
    const foreignWorkspace = await other.newWorkspace(world.author, 'Foreign ws');
    const created = await world.call('POST', world.app('/changesets'), world.author.token, {
      workspace_id: foreignWorkspace,
      title: 'x',
    });
    expect(created.status).toBe(404);
  });

  it('the author edits title and description; others get 403', async () => {
    const changeset = await world.draft();
    const patched = await world.call<ChangesetBody & { title: string }>(
      'PATCH',
      path(changeset.id),
      world.author.token,
      {
        title: 'Renamed',
      },
    );
    expect(patched.status).toBe(200);
    expect(patched.data.title).toBe('Renamed');
    expect((await world.call('PATCH', path(changeset.id), world.reviewer.token, { title: 'x' })).status).toBe(
      403,
    );
    expect((await world.call('PATCH', path(changeset.id), world.admin.token, { title: 'x' })).status).toBe(
      403,
    );
    expect(
      (await world.call('PATCH', path(changeset.id), world.author.token, { state: 'approved' })).status,
    ).toBe(400);
  });
});

describe('submit, review, resubmit', () => {
  it('submit commits the working state, freezes revision 1 and starts the submit gate', async () => {
    const changeset = await world.draft();
    expect((await world.call('POST', path(changeset.id, '/submit'), world.otherUser.token)).status).toBe(403);
    const result = await world.call<{
      changeset: ChangesetBody;
      job: { type: string; state: string; entity_id: string };
      included_profile_overrides: unknown[];
    }>('POST', path(changeset.id, '/submit'), world.author.token);
    expect(result.status).toBe(202);
    expect(result.data.included_profile_overrides).toEqual([]);
    expect(result.data.job).toMatchObject({
      type: 'msuite_submit',
      state: 'queued',
      entity_id: changeset.id,
    });
    const submitted = result.data.changeset;
    expect(submitted).toMatchObject({ state: 'submitted', revision: 1 });
    const workspace = await world.fixture.services.workspaceService.get(world.appId, changeset.workspace_id);
    expect(workspace.workingSha).toBeNull();
    expect(submitted.head_sha).toBe(workspace.headSha);
    const repoPath = (await world.fixture.apps.findById(world.appId))!.repoPath;
    const main = await world.fixture.git.resolveRef(repoPath, 'refs/heads/main');
    expect(submitted.base_sha).toBe(main);
    const detail = await world.call<ChangesetBody>('GET', path(changeset.id), world.reviewer.token);
    expect(detail.data.gate).toMatchObject({ state: 'queued', revision: 1 });
    expect(detail.data.approvals).toEqual([]);
    const revisions = await world.call<{ number: number; reason: string }[]>(
      'GET',
      path(changeset.id, '/revisions'),
      world.reviewer.token,
    );
    expect(revisions.data).toMatchObject([{ number: 1, reason: 'submit' }]);
  });

  it('a workspace without changes against the integration branch has nothing to submit (409)', async () => {
    const workspaceId = await world.newWorkspace(world.author, 'Empty');
    const created = await world.call<ChangesetBody>('POST', world.app('/changesets'), world.author.token, {
      workspace_id: workspaceId,
      title: 'Nothing',
    });
    const result = await world.call('POST', path(created.data.id, '/submit'), world.author.token);
    expect(result.status).toBe(409);
    expect(result.error?.code).toBe('conflict');
    expect(
      (await world.call<ChangesetBody>('GET', path(created.data.id), world.author.token)).data.state,
    ).toBe('draft');
  });

  it('four-eyes: the author cannot approve; users cannot review', async () => {
    const changeset = await world.submitted(world.reviewer2, 'Reviewer2 own');
    const self = await world.call('POST', path(changeset.id, '/review'), world.reviewer2.token, {
      action: 'approve',
    });
    expect(self.status).toBe(403);
    const user = await world.call('POST', path(changeset.id, '/review'), world.otherUser.token, {
      action: 'approve',
    });
    expect(user.status).toBe(403);
    const stranger = await world.call('POST', path(changeset.id, '/review'), world.outsider.token, {
      action: 'approve',
    });
    expect(stranger.status).toBe(404);
    const bad = await world.call('POST', path(changeset.id, '/review'), world.reviewer.token, {
      action: 'merge',
    });
    expect(bad.status).toBe(400);
  });

  it('request changes, resubmit as revision 2 with approvals reset, then approve', async () => {
    const changeset = await world.submitted();
    const requested = await world.call<ChangesetBody>(
      'POST',
      path(changeset.id, '/review'),
      world.reviewer.token,
      {
        action: 'request_changes',
        comment: 'rename it',
      },
    );
    expect(requested.data.state).toBe('changes_requested');
    await world.writeText(world.author, changeset.workspace_id, 'pages/home.json', '{"title":"Home 2"}\n');
    const resubmitted = await world.call<{ changeset: ChangesetBody }>(
      'POST',
      path(changeset.id, '/resubmit'),
      world.author.token,
    );
    expect(resubmitted.status).toBe(202);
    expect(resubmitted.data.changeset).toMatchObject({ state: 'submitted', revision: 2 });
    expect(resubmitted.data.changeset.head_sha).not.toBe(changeset.head_sha);
    const approved = await world.call<ChangesetBody>(
      'POST',
      path(changeset.id, '/review'),
      world.reviewer.token,
      {
        action: 'approve',
      },
    );
    expect(approved.data).toMatchObject({ state: 'approved', revision: 2 });
    expect(approved.data.approvals).toEqual([expect.objectContaining({ reviewer_id: world.reviewer.id })]);
    const revisions = await world.call<{ number: number; reason: string }[]>(
      'GET',
      path(changeset.id, '/revisions'),
      world.author.token,
    );
    expect(revisions.data.map((revision) => revision.reason)).toEqual(['submit', 'resubmit']);
  });

  it('with required_approvals 2 one approval leaves it in review; a second approval by the same reviewer is 409', async () => {
    const settings = (await world.fixture.apps.findById(world.appId))!.settings;
    await world.fixture.apps.updateSettings(world.appId, { ...settings, required_approvals: 2 });
    try {
      const changeset = await world.submitted();
      const first = await world.call<ChangesetBody>(
        'POST',
        path(changeset.id, '/review'),
        world.reviewer.token,
        {
          action: 'approve',
        },
      );
      expect(first.data.state).toBe('in_review');
      const twice = await world.call('POST', path(changeset.id, '/review'), world.reviewer.token, {
        action: 'approve',
      });
      expect(twice.status).toBe(409);
      expect(twice.error?.code).toBe('conflict');
      const second = await world.call<ChangesetBody>(
        'POST',
        path(changeset.id, '/review'),
        world.reviewer2.token,
        {
          action: 'approve',
        },
      );
      expect(second.data.state).toBe('approved');
      expect(second.data.approvals).toHaveLength(2);
    } finally {
      await world.fixture.apps.updateSettings(world.appId, settings);
    }
  });

  it('two reviewers approving at once both count: the changeset ends approved', async () => {
    const settings = (await world.fixture.apps.findById(world.appId))!.settings;
    await world.fixture.apps.updateSettings(world.appId, { ...settings, required_approvals: 2 });
    try {
      const changeset = await world.submitted();
      const results = await Promise.all(
        [world.reviewer, world.reviewer2].map((reviewer) =>
          world.call('POST', path(changeset.id, '/review'), reviewer.token, { action: 'approve' }),
        ),
      );
      expect(results.map((result) => result.status)).toEqual([200, 200]);
      const detail = await world.call<ChangesetBody>('GET', path(changeset.id), world.author.token);
      expect(detail.data.state).toBe('approved');
      expect(detail.data.approvals).toHaveLength(2);
    } finally {
      await world.fixture.apps.updateSettings(world.appId, settings);
    }
  });

  it('allow_self_approval lets the author approve', async () => {
    const settings = (await world.fixture.apps.findById(world.appId))!.settings;
    await world.fixture.apps.updateSettings(world.appId, { ...settings, allow_self_approval: true });
    try {
      const changeset = await world.submitted(world.reviewer2, 'Self approval');
      const self = await world.call<ChangesetBody>(
        'POST',
        path(changeset.id, '/review'),
        world.reviewer2.token,
        {
          action: 'approve',
        },
      );
      expect(self.data.state).toBe('approved');
    } finally {
      await world.fixture.apps.updateSettings(world.appId, settings);
    }
  });

  it('a checkpoint while in review freezes the next revision and resets approvals', async () => {
    const settings = (await world.fixture.apps.findById(world.appId))!.settings;
    await world.fixture.apps.updateSettings(world.appId, {
      ...settings,
      required_approvals: 2,
      commit_mode_default: 'manual_checkpoint',
    });
    try {
      const changeset = await world.submitted();
      await world.call('POST', path(changeset.id, '/review'), world.reviewer.token, { action: 'approve' });
      await world.writeText(world.author, changeset.workspace_id, 'pages/orders.json', '{"title":"O"}\n');
      const response = await fetch(
        `${world.fixture.api.url}/api${world.app(`/workspaces/${changeset.workspace_id}/checkpoints`)}`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${world.author.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ message: 'more' }),
        },
      );
      expect(response.status).toBe(200);
      const detail = await world.call<ChangesetBody>('GET', path(changeset.id), world.author.token);
      expect(detail.data).toMatchObject({ state: 'submitted', revision: 2, approvals: [] });
      expect(detail.data.gate).toMatchObject({ revision: 2, state: 'queued' });
      // Nothing new since: a resubmit has nothing to freeze.
      const again = await world.call('POST', path(changeset.id, '/resubmit'), world.author.token);
      expect(again.status).toBe(409);
      expect(again.error?.code).toBe('conflict');
    } finally {
      await world.fixture.apps.updateSettings(world.appId, settings);
    }
  });

  it('reject is terminal; the author clones the rejected changeset onto the same workspace', async () => {
    const changeset = await world.submitted();
    const rejected = await world.call<ChangesetBody>(
      'POST',
      path(changeset.id, '/review'),
      world.reviewer.token,
      {
        action: 'reject',
      },
    );
    expect(rejected.data.state).toBe('rejected');
    expect((await world.call('POST', path(changeset.id, '/clone'), world.otherUser.token, {})).status).toBe(
      403,
    );
    const clone = await world.call<ChangesetBody>('POST', path(changeset.id, '/clone'), world.author.token, {
      title: 'Second try',
    });
    expect(clone.status).toBe(201);
    expect(clone.data).toMatchObject({
      state: 'draft',
      cloned_from_id: changeset.id,
      workspace_id: changeset.workspace_id,
    });
    expect((await world.call('POST', path(changeset.id, '/clone'), world.author.token, {})).status).toBe(409);
  });
});

describe('move-to-draft', () => {
  it('the author (own) or a config manager (any) moves changes_requested back to draft', async () => {
    const first = await world.submitted();
    await world.call('POST', path(first.id, '/review'), world.reviewer.token, { action: 'request_changes' });
    expect((await world.call('POST', path(first.id, '/move-to-draft'), world.otherUser.token)).status).toBe(
      403,
    );
    expect((await world.call('POST', path(first.id, '/move-to-draft'), world.reviewer.token)).status).toBe(
      403,
    );
    const own = await world.call<ChangesetBody>('POST', path(first.id, '/move-to-draft'), world.author.token);
    expect(own.data.state).toBe('draft');

    const second = await world.submitted();
    await world.call('POST', path(second.id, '/review'), world.reviewer.token, { action: 'request_changes' });
    const managed = await world.call<ChangesetBody>(
      'POST',
      path(second.id, '/move-to-draft'),
      world.manager.token,
    );
    expect(managed.data.state).toBe('draft');
    const resubmitted = await world.call<{ changeset: ChangesetBody }>(
      'POST',
      path(second.id, '/submit'),
      world.author.token,
    );
    expect(resubmitted.data.changeset).toMatchObject({ state: 'submitted', revision: 2 });
  });
});

describe('forbidden transitions through the API', () => {
  type Attempt = 'submit' | 'resubmit' | 'approve' | 'request_changes' | 'reject' | 'queue' | 'move_to_draft';

  const attempt = (changeset: ChangesetBody, action: Attempt) => {
    switch (action) {
      case 'submit':
      case 'resubmit':
        return world.call('POST', path(changeset.id, `/${action}`), world.author.token);
      case 'queue':
        return world.call('POST', path(changeset.id, '/queue'), world.manager.token);
      case 'move_to_draft':
        return world.call('POST', path(changeset.id, '/move-to-draft'), world.manager.token);
      default:
        return world.call('POST', path(changeset.id, '/review'), world.reviewer.token, { action });
    }
  };

  /** Every API action each reachable state must refuse with 409 invalid_transition (SPEC §7). */
  const FORBIDDEN: Record<string, Attempt[]> = {
    draft: ['resubmit', 'approve', 'request_changes', 'reject', 'queue', 'move_to_draft'],
    submitted: ['submit', 'queue', 'move_to_draft'],
    in_review: ['submit', 'queue', 'move_to_draft'],
    approved: ['submit', 'resubmit', 'approve', 'request_changes', 'reject', 'move_to_draft'],
    changes_requested: ['submit', 'approve', 'request_changes', 'reject', 'queue'],
    rejected: ['submit', 'resubmit', 'approve', 'request_changes', 'reject', 'queue', 'move_to_draft'],
    queued: ['submit', 'resubmit', 'approve', 'request_changes', 'reject', 'queue', 'move_to_draft'],
  };

  async function inState(state: string): Promise<ChangesetBody> {
    if (state === 'draft') return world.draft();
    if (state === 'approved' || state === 'queued') {
      const approved = await world.approved();
      if (state === 'approved') return approved;
      const queued = await world.call<ChangesetBody>(
        'POST',
        path(approved.id, '/queue'),
        world.manager.token,
      );
      expect(queued.data.state).toBe('queued');
      return queued.data;
    }
    const submitted = await world.submitted();
    if (state === 'submitted') return submitted;
    if (state === 'in_review') {
      const settings = (await world.fixture.apps.findById(world.appId))!.settings;
      await world.fixture.apps.updateSettings(world.appId, { ...settings, required_approvals: 2 });
      const reviewed = await world.call<ChangesetBody>(
        'POST',
        path(submitted.id, '/review'),
        world.reviewer.token,
        {
          action: 'approve',
        },
      );
      await world.fixture.apps.updateSettings(world.appId, settings);
      return reviewed.data;
    }
    const action = state === 'rejected' ? 'reject' : 'request_changes';
    return (
      await world.call<ChangesetBody>('POST', path(submitted.id, '/review'), world.reviewer.token, { action })
    ).data;
  }

  for (const [state, actions] of Object.entries(FORBIDDEN)) {
    it(`${state}: ${actions.join(', ')} → 409 invalid_transition, state unchanged`, async () => {
      const changeset = await inState(state);
      expect(changeset.state).toBe(state);
      for (const action of actions) {
        const result = await attempt(changeset, action);
        expect({ action, status: result.status, code: result.error?.code }).toEqual({
          action,
          status: 409,
          code: 'invalid_transition',
        });
      }
      const after = await world.call<ChangesetBody>('GET', path(changeset.id), world.author.token);
      expect(after.data.state).toBe(state);
    });
  }

  it('a released or rejected changeset’s details cannot be edited', async () => {
    const rejected = await inState('rejected');
    const result = await world.call('PATCH', path(rejected.id), world.author.token, { title: 'late' });
    expect(result.status).toBe(409);
    expect(result.error?.code).toBe('invalid_transition');
  });
});
