import type { IdentityFixture } from '../support/identity-fixture';
import type { Attempt } from './recipes';
import type { CallerWorld } from './callers';
import { effectiveRole } from './expectations';

type Headers = Record<string, string>;

/**
 * Workspaces, changesets in each state, comments and jobs of the target app, made through the API by
 * whoever an attempt needs as their author. States no endpoint reaches yet (`conflicted`, set by
 * queue revalidation) are applied with the repository's transition, as that job will.
 */
export class AuthoringItems {
  private counter = 0;
  private shared: Promise<{ workspaceId: string; changesetId: string; jobId: string }> | undefined;

  constructor(
    private readonly fixture: IdentityFixture,
    private readonly world: CallerWorld,
  ) {}

  /**
   * Who authors the item of an attempt: the caller itself on `owner` attempts when it has a role in
   * the app (others are refused before ownership matters), the app's admin otherwise.
   */
  authorOf({ caller, ownership }: Attempt): Headers {
    return ownership === 'owner' && effectiveRole(caller.profile) !== null
      ? caller.headers()
      : this.world.adminHeaders;
  }

  /** Items read-only operations share: a workspace, a submitted changeset with a comment, a job. */
  sharedItems(): Promise<{ workspaceId: string; changesetId: string; jobId: string }> {
    this.shared ??= (async () => {
      const admin = this.world.adminHeaders;
      const { id: changesetId, workspaceId } = await this.submitted(admin);
      await this.comment(admin, changesetId);
      return { workspaceId, changesetId, jobId: await this.job(admin) };
    })();
    return this.shared;
  }

  async workspace(author: Headers): Promise<string> {
    const workspace = await this.call<{ id: string }>('POST', '/workspaces', author, 201, {
      title: `rbac workspace ${++this.counter}`,
    });
    return workspace.id;
  }

  /** A workspace of `author` with one edit and a draft changeset on it. */
  async draft(author: Headers): Promise<{ id: string; workspaceId: string }> {
    const workspaceId = await this.workspace(author);
    await this.call('PUT', `/workspaces/${workspaceId}/files`, author, 200, {
      path: `entities/rbac-${++this.counter}.json`,
      content: `{"name":"rbac${this.counter}"}\n`,
      encoding: 'utf8',
    });
    const changeset = await this.call<{ id: string }>('POST', '/changesets', author, 201, {
      workspace_id: workspaceId,
      title: `rbac change ${this.counter}`,
    });
    return { id: changeset.id, workspaceId };
  }

  async submitted(author: Headers): Promise<{ id: string; workspaceId: string; gateJobId: string }> {
    const draft = await this.draft(author);
    const submission = await this.call<{ job: { id: string } | null }>(
      'POST',
      `/changesets/${draft.id}/submit`,
      author,
      202,
    );
    if (!submission.job) throw new Error('submit enqueued no gate job');
    return { ...draft, gateJobId: submission.job.id };
  }

  /** Submitted, then reviewed with `action` by the world's reviewer. */
  async reviewed(author: Headers, action: 'request_changes' | 'reject'): Promise<string> {
    const { id } = await this.submitted(author);
    await this.review(id, action);
    return id;
  }

  /** Submitted, its gate passed (playing the worker), approved by the world's reviewer. */
  async approved(author: Headers): Promise<string> {
    const { id, gateJobId } = await this.submitted(author);
    const jobs = this.fixture.services.jobs;
    if (!(await jobs.start(gateJobId, 'rbac-worker', 60_000))) throw new Error('gate job was not queued');
    await jobs.finish(gateJobId, 'rbac-worker', { state: 'succeeded' });
    await this.review(id, 'approve');
    return id;
  }

  /** Queued by the app's admin, then marked conflicted as queue revalidation does. */
  async conflicted(author: Headers): Promise<string> {
    const id = await this.approved(author);
    await this.call('POST', `/changesets/${id}/queue`, this.world.adminHeaders, 200);
    const changesets = this.fixture.services.changesets;
    const queued = await changesets.findById(this.world.targetAppId, id);
    if (!queued) throw new Error('queued changeset vanished');
    await changesets.moveTo(queued, 'conflicted');
    return id;
  }

  async comment(author: Headers, changesetId: string): Promise<string> {
    const comment = await this.call<{ id: string }>(
      'POST',
      `/changesets/${changesetId}/comments`,
      author,
      201,
      {
        body: `rbac comment ${++this.counter}`,
      },
    );
    return comment.id;
  }

  /** A validation job of the integration head, started by `author`. */
  async job(author: Headers): Promise<string> {
    const started = await this.call<{ job: { id: string } }>('POST', '/validate', author, 202, {
      ref: 'main',
    });
    return started.job.id;
  }

  /** The app's queue, first position first. */
  async queueIds(): Promise<string[]> {
    const queue = await this.call<{ id: string }[]>('GET', '/queue', this.world.adminHeaders, 200);
    return queue.map((changeset) => changeset.id);
  }

  private async review(changesetId: string, action: 'approve' | 'request_changes' | 'reject'): Promise<void> {
    await this.call('POST', `/changesets/${changesetId}/review`, this.world.reviewerHeaders, 200, { action });
  }

  private async call<T = unknown>(
    method: string,
    appSuffix: string,
    headers: Headers,
    expected: number,
    body?: unknown,
  ): Promise<T> {
    const response = await fetch(`${this.fixture.api.url}/api/apps/${this.world.targetAppId}${appSuffix}`, {
      method,
      headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status !== expected)
      throw new Error(`setting up: ${method} ${appSuffix} answered ${response.status} ${text.slice(0, 300)}`);
    return (JSON.parse(text) as { data: T }).data;
  }
}
