import type { Role } from '@conman/core';
import { bearer, startIdentityApi, type IdentityFixture } from './identity-fixture';
import { seedAppRepository, workspaceClient } from './workspace-repo';

export interface Member {
  id: string;
  token: string;
}

export interface ApiResult<T = Record<string, unknown>> {
  status: number;
  data: T;
  error: { code: string; message: string; details?: Record<string, unknown> } | undefined;
  /** Present on lists. */
  pagination?: { page: number; limit: number; total: number };
}

export interface ChangesetBody {
  id: string;
  state: string;
  revision: number;
  head_sha: string | null;
  base_sha: string | null;
  queue_position: number | null;
  author_id: string;
  workspace_id: string;
  cloned_from_id: string | null;
  approvals?: { reviewer_id: string }[];
  gate?: { state: string; job_id: string | null; revision: number } | null;
}

/** One app with a seeded repository and a member of every role, plus helpers for the changeset API. */
export interface ChangesetWorld {
  fixture: IdentityFixture;
  appId: string;
  author: Member;
  otherUser: Member;
  reviewer: Member;
  reviewer2: Member;
  manager: Member;
  admin: Member;
  outsider: Member;
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ): Promise<ApiResult<T>>;
  /** Path under `/api/apps/:appId`. */
  app(path: string): string;
  newWorkspace(owner: Member, title: string): Promise<string>;
  writeText(owner: Member, workspaceId: string, path: string, text: string): Promise<void>;
  /** A workspace of `owner` with one edit and a draft changeset on it. */
  draft(owner?: Member, title?: string): Promise<ChangesetBody>;
  submitted(owner?: Member, title?: string): Promise<ChangesetBody>;
  /** Plays the worker: the job goes running, then ends in `state`. */
  finishJob(jobId: string, state: 'succeeded' | 'failed'): Promise<void>;
  /** Submitted, gate succeeded, approved by `reviewer`. */
  approved(owner?: Member, title?: string): Promise<ChangesetBody>;
  close(): Promise<void>;
}

let counter = 0;

export async function startChangesetWorld(appName: string): Promise<ChangesetWorld> {
  const fixture = await startIdentityApi();
  return changesetWorldOn(fixture, appName, true);
}

/** A second app on the same fixture (cross-app tests). */
export async function changesetWorldOn(
  fixture: IdentityFixture,
  appName: string,
  ownsFixture = false,
  members?: Partial<Record<'author' | 'reviewer', Member>>,
): Promise<ChangesetWorld> {
  const appId = await fixture.newApp(appName);
  await seedAppRepository(fixture, appId);
  const member = async (name: string, role: Role | null): Promise<Member> =>
    fixture.newUser(`${name}-${appName}@example.com`, role ? { appId, role } : undefined);
  const join = async (existing: Member | undefined, name: string, role: Role): Promise<Member> => {
    if (!existing) return member(name, role);
    await fixture.memberships.add(appId, existing.id, role);
    return existing;
  };
  const author = await join(members?.author, 'author', 'user');
  const reviewer = await join(members?.reviewer, 'reviewer', 'reviewer');
  const [otherUser, reviewer2, manager, admin, outsider] = await Promise.all([
    member('other', 'user'),
    member('reviewer2', 'reviewer'),
    member('manager', 'config_manager'),
    member('admin', 'app_admin'),
    member('outsider', null),
  ]);
  const workspaces = workspaceClient(fixture, appId);

  async function call<T>(method: string, path: string, token: string, body?: unknown): Promise<ApiResult<T>> {
    const response = await fetch(`${fixture.api.url}/api${path}`, {
      method,
      headers: { ...bearer(token), ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const json = (text ? JSON.parse(text) : {}) as Pick<ApiResult<T>, 'data' | 'error' | 'pagination'>;
    return {
      status: response.status,
      data: json.data,
      error: json.error,
      ...(json.pagination && { pagination: json.pagination }),
    };
  }
  const app = (path: string) => `/apps/${appId}${path}`;

  async function newWorkspace(owner: Member, title: string): Promise<string> {
    const response = await workspaces.create(owner.token, title);
    if (response.status !== 201)
      throw new Error(`workspace create: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { data: { id: string } }).data.id;
  }
  async function writeText(owner: Member, workspaceId: string, path: string, text: string): Promise<void> {
    const response = await workspaces.writeText(owner.token, workspaceId, path, text);
    if (response.status !== 200) throw new Error(`write: ${response.status} ${await response.text()}`);
  }
  async function draft(owner = author, title = `Change ${++counter}`): Promise<ChangesetBody> {
    const workspaceId = await newWorkspace(owner, title);
    await writeText(owner, workspaceId, `entities/generated-${counter}.json`, `{"name":"g${counter}"}\n`);
    const result = await call<ChangesetBody>('POST', app('/changesets'), owner.token, {
      workspace_id: workspaceId,
      title,
      description: 'test change',
    });
    if (result.status !== 201) throw new Error(`create: ${result.status} ${JSON.stringify(result.error)}`);
    return result.data;
  }
  async function submitted(owner = author, title?: string): Promise<ChangesetBody> {
    const changeset = await draft(owner, title);
    const result = await call<{ changeset: ChangesetBody }>(
      'POST',
      app(`/changesets/${changeset.id}/submit`),
      owner.token,
    );
    if (result.status !== 202) throw new Error(`submit: ${result.status} ${JSON.stringify(result.error)}`);
    return result.data.changeset;
  }
  async function finishJob(jobId: string, state: 'succeeded' | 'failed'): Promise<void> {
    const jobs = fixture.services.jobs;
    if (!(await jobs.start(jobId, 'test-worker', 60_000))) throw new Error('job not queued');
    await jobs.finish(jobId, 'test-worker', { state });
  }
  async function approved(owner = author, title?: string): Promise<ChangesetBody> {
    const changeset = await submitted(owner, title);
    const detail = await call<ChangesetBody>('GET', app(`/changesets/${changeset.id}`), owner.token);
    await finishJob(detail.data.gate!.job_id!, 'succeeded');
    const review = await call<ChangesetBody>(
      'POST',
      app(`/changesets/${changeset.id}/review`),
      reviewer.token,
      {
        action: 'approve',
      },
    );
    if (review.data.state !== 'approved') throw new Error(`approve: ${review.status}`);
    return review.data;
  }

  return {
    fixture,
    appId,
    author,
    otherUser,
    reviewer,
    reviewer2,
    manager,
    admin,
    outsider,
    call,
    app,
    newWorkspace,
    writeText,
    draft,
    submitted,
    finishJob,
    approved,
    close: () => (ownsFixture ? fixture.close() : Promise.resolve()),
  };
}
