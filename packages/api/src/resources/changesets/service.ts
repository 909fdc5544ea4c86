import {
  ConflictError,
  ForbiddenError,
  InvalidTransitionError,
  NotFoundError,
  approvalRefusal,
  reviewActionOf,
  transitionChangeset,
  type App,
  type AuditActor,
  type Changeset,
  type ChangesetAction,
  type ReviewAction,
  type Workspace,
} from '@conman/core';
import { isDuplicateKeyError, type ChangesetTransitionFields, type ScopedAuditRecord } from '@conman/db';
import type { ChangesetsModuleDependencies } from './dependencies';
import { gateOf } from './detail';
import { changesetView } from './schemas';
import { freezeRevision, submissionActionFor, submitChangeset, type Submission } from './submission';

/** A duplicate position can only come from a counter out of step with the index; try a few times. */
const QUEUE_ATTEMPTS = 5;

export interface ReviewInput {
  action: ReviewAction;
  comment: string | null;
}

/**
 * Every state change of a changeset (docs/changesets.md): the one caller of the core machine, once
 * per transition, each change written with its audit event in one transaction. Handlers call one
 * method; the rules (four-eyes, approval counting) are pure functions in core.
 */
export class ChangesetService {
  constructor(readonly dependencies: ChangesetsModuleDependencies) {}

  private get deps(): ChangesetsModuleDependencies {
    return this.dependencies;
  }

  async create(
    app: App,
    workspace: Workspace,
    actor: AuditActor,
    details: { title: string; description: string },
  ): Promise<Changeset> {
    return this.deps.unitOfWork.run({ appId: app.id, actor }, async ({ session, audit }) => {
      const changeset = await this.deps.changesets.create(
        { appId: app.id, workspaceId: workspace.id, authorId: actor.id, ...details },
        session,
      );
      await audit(changesetEvent(changeset, 'changeset.created', null, changesetView(changeset)));
      return changeset;
    });
  }

  /** A rejected changeset's author opens a new draft on the same workspace. */
  async clone(
    app: App,
    changeset: Changeset,
    actor: AuditActor,
    details: { title?: string | undefined; description?: string | undefined },
  ): Promise<Changeset> {
    if (changeset.state !== 'rejected') {
      throw new InvalidTransitionError('Only a rejected changeset can be cloned', {
        from: changeset.state,
        action: 'clone',
      });
    }
    return this.deps.unitOfWork.run({ appId: app.id, actor }, async ({ session, audit }) => {
      const clone = await this.deps.changesets.create(
        {
          appId: app.id,
          workspaceId: changeset.workspaceId,
          authorId: actor.id,
          title: details.title ?? changeset.title,
          description: details.description ?? changeset.description,
          clonedFromId: changeset.id,
        },
        session,
      );
      const before = { cloned_from_id: changeset.id };
      await audit(changesetEvent(clone, 'changeset.cloned', before, changesetView(clone)));
      return clone;
    });
  }

  /** Title and description, while the changeset is neither released nor rejected. */
  async updateDetails(
    app: App,
    changeset: Changeset,
    actor: AuditActor,
    details: { title?: string | undefined; description?: string | undefined },
  ): Promise<Changeset> {
    if (changeset.state === 'released' || changeset.state === 'rejected') {
      throw new InvalidTransitionError(`A ${changeset.state} changeset can no longer be edited`, {
        from: changeset.state,
        action: 'edit_details',
      });
    }
    return this.deps.unitOfWork.run({ appId: app.id, actor }, async ({ session, audit }) => {
      const updated = await this.deps.changesets.updateDetails(changeset, details, session);
      await audit(
        changesetEvent(
          changeset,
          'changeset.updated',
          { title: changeset.title, description: changeset.description },
          { title: updated.title, description: updated.description },
        ),
      );
      return updated;
    });
  }

  /** Submit a draft, resubmit after requested changes, or freeze new commits as the next revision. */
  submit(
    app: App,
    changeset: Changeset,
    actor: AuditActor,
    kind: 'submit' | 'resubmit',
  ): Promise<Submission> {
    const action = submissionActionFor(changeset, kind);
    return submitChangeset(
      this.deps,
      app,
      changeset,
      action,
      transitionChangeset(changeset.state, { type: action }),
      actor,
    );
  }

  /**
   * Approve, request changes or reject the current revision. Four-eyes first (core
   * `approvalRefusal`); the approvals are counted per person inside the transaction, so the machine
   * is asked once, with the count that includes this approval.
   */
  async review(app: App, changeset: Changeset, actor: AuditActor, input: ReviewInput): Promise<Changeset> {
    if (input.action === 'approve') {
      const workspace = await this.deps.workspaces.get(app.id, changeset.workspaceId);
      const refusal = approvalRefusal({
        reviewer: actor,
        authorId: changeset.authorId,
        editorIds: workspace.editorIds,
        allowSelfApproval: app.settings.allow_self_approval,
      });
      if (refusal) throw new ForbiddenError(refusal);
    }
    return this.deps.unitOfWork.run({ appId: app.id, actor }, async ({ session, audit }) => {
      // Read inside the transaction: a retried transaction must decide on the state it sees.
      const current = await this.deps.changesets.findById(app.id, changeset.id, session);
      if (!current) throw new NotFoundError('Changeset not found');
      const approvals =
        input.action === 'approve'
          ? await this.deps.reviews.approvalsOf(current.id, current.revision, session)
          : [];
      const action = reviewActionOf(input.action, {
        approverIds: approvals.map((approval) => approval.reviewerId),
        reviewerId: actor.id,
        required: app.settings.required_approvals,
      });
      const next = transitionChangeset(current.state, action);
      await this.deps.reviews.create(
        {
          appId: app.id,
          changesetId: current.id,
          revision: current.revision,
          reviewerId: actor.id,
          action: input.action,
          comment: input.comment,
        },
        session,
      );
      const updated = await this.deps.changesets.moveTo(current, next, {}, session);
      await audit(
        changesetEvent(
          current,
          `changeset.review.${input.action}`,
          { state: current.state, revision: current.revision },
          { state: updated.state, revision: updated.revision, comment: input.comment },
        ),
      );
      return updated;
    });
  }

  /** Back to draft: changes requested, conflicted or needing revalidation (the owner rule is the route's). */
  moveToDraft(app: App, changeset: Changeset, actor: AuditActor): Promise<Changeset> {
    return this.transition(app, changeset, actor, { type: 'move_to_draft' }, 'changeset.moved_to_draft');
  }

  /**
   * The author edited the workspace of a changeset whose changes were requested: it is a draft
   * again (docs/changesets.md). Anybody else's edit, or another state, changes nothing.
   */
  async authorEdited(app: App, workspace: Workspace, actor: AuditActor): Promise<void> {
    const changeset = await this.deps.changesets.findOpenForWorkspace(workspace.id);
    if (changeset?.state !== 'changes_requested' || changeset.authorId !== actor.id) return;
    await this.transition(app, changeset, actor, { type: 'edit' }, 'changeset.moved_to_draft');
  }

  /** Approved with a passed submit gate on the current revision → the next position of the queue. */
  async queue(app: App, changeset: Changeset, actor: AuditActor): Promise<Changeset> {
    const next = transitionChangeset(changeset.state, { type: 'queue' });
    const revision = await this.deps.revisions.get(changeset.id, changeset.revision);
    if (!revision) throw new ConflictError('The changeset has no frozen revision');
    const gate = await gateOf(this.deps, revision);
    if (gate.state !== 'succeeded') {
      throw new ConflictError('The submit gate has not passed for the current revision', { gate });
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.deps.unitOfWork.run({ appId: app.id, actor }, async ({ session, audit }) => {
          const current = await this.deps.changesets.findById(app.id, changeset.id, session);
          if (!current) throw new NotFoundError('Changeset not found');
          if (current.revision !== changeset.revision) {
            throw new ConflictError('A new revision was frozen meanwhile; its gate must pass first');
          }
          const position = await this.deps.queueCounters.next(app.id, session);
          const queued = await this.deps.changesets.moveTo(
            current,
            next,
            { queuePosition: position },
            session,
          );
          await audit(
            changesetEvent(
              current,
              'changeset.queued',
              { state: current.state },
              { state: queued.state, queue_position: queued.queuePosition },
            ),
          );
          return queued;
        });
      } catch (error) {
        if (!isDuplicateKeyError(error) || attempt >= QUEUE_ATTEMPTS) throw error;
      }
    }
  }

  /** A new workspace head while in review becomes the next revision (the head-moved listener). */
  newRevision(app: App, changeset: Changeset, headSha: string, actor: AuditActor): Promise<Submission> {
    const next = transitionChangeset(changeset.state, { type: 'new_revision' });
    return freezeRevision(this.deps, { app, changeset, action: 'new_revision', next, headSha, actor });
  }

  private async transition(
    app: App,
    changeset: Changeset,
    actor: AuditActor,
    action: ChangesetAction,
    event: string,
    fields: ChangesetTransitionFields = {},
  ): Promise<Changeset> {
    const next = transitionChangeset(changeset.state, action);
    return this.deps.unitOfWork.run({ appId: app.id, actor }, async ({ session, audit }) => {
      const updated = await this.deps.changesets.moveTo(changeset, next, fields, session);
      await audit(changesetEvent(changeset, event, { state: changeset.state }, { state: updated.state }));
      return updated;
    });
  }
}

/** The audit event of a change to a changeset. */
function changesetEvent(
  changeset: Changeset,
  action: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
): ScopedAuditRecord {
  return { entityType: 'changeset', entityId: changeset.id, action, before, after };
}
