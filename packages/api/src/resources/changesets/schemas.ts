import { z } from 'zod';
import {
  CHANGESET_STATES,
  JOB_STATES,
  REVIEW_ACTIONS,
  type Changeset,
  type ChangesetComment,
  type ChangesetReview,
  type ChangesetRevision,
} from '@conman/core';
import { paginationQuery } from '../../platform/pagination';
import { jobSchema } from '../jobs/schemas';
import { multiLineText, objectId, singleLineText } from '../../platform/common-schemas';

export const changesetParams = z.object({ appId: objectId, changesetId: objectId });

export const changesetSchema = z
  .object({
    id: z.string(),
    app_id: z.string(),
    workspace_id: z.string(),
    author_id: z.string(),
    title: z.string(),
    description: z.string(),
    state: z.enum(CHANGESET_STATES),
    revision: z.number().int().meta({ description: 'Current revision number; 0 until the first submit' }),
    head_sha: z.string().nullable(),
    base_sha: z.string().nullable(),
    queue_position: z.number().int().nullable(),
    cloned_from_id: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Changeset' });

export const gateStatusSchema = z
  .object({
    name: z.literal('msuite_submit'),
    revision: z.number().int(),
    job_id: z.string().nullable(),
    state: z.enum([...JOB_STATES, 'missing']),
  })
  .meta({ id: 'ChangesetGateStatus' });

export const approvalSchema = z.object({ reviewer_id: z.string(), created_at: z.string() });

export const reviewSchema = z
  .object({
    id: z.string(),
    revision: z.number().int(),
    reviewer_id: z.string(),
    action: z.enum(REVIEW_ACTIONS),
    comment: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: 'ChangesetReview' });

export const changesetDetailSchema = changesetSchema
  .extend({
    approvals: z.array(approvalSchema).meta({ description: 'Approvals on the current revision' }),
    required_approvals: z.number().int(),
    gate: gateStatusSchema.nullable().meta({ description: 'The submit gate of the current revision' }),
    reviews: z.array(reviewSchema),
  })
  .meta({ id: 'ChangesetDetail' });

export const revisionSchema = z
  .object({
    number: z.number().int(),
    head_sha: z.string(),
    base_sha: z.string(),
    reason: z.enum(['submit', 'resubmit', 'new_revision']),
    gate_job_id: z.string().nullable(),
    created_by: z.string(),
    created_at: z.string(),
  })
  .meta({ id: 'ChangesetRevision' });

export const submissionSchema = z
  .object({
    changeset: changesetSchema,
    job: jobSchema
      .nullable()
      .meta({ description: 'The msuite_submit gate job (null if it could not be enqueued)' }),
    included_profile_overrides: z
      .array(z.record(z.string(), z.unknown()))
      .meta({ description: 'Profile overrides frozen with the revision (SPEC §6.8)' }),
  })
  .meta({ id: 'ChangesetSubmission' });

export const listQuery = paginationQuery.extend({
  state: z.enum(CHANGESET_STATES).optional(),
  author: objectId.optional().meta({ description: 'Author user id' }),
});

export const createBody = z.strictObject({
  workspace_id: objectId,
  title: singleLineText(200),
  description: multiLineText(20_000, { allowEmpty: true }).default(''),
});

export const patchBody = z.strictObject({
  title: singleLineText(200).optional(),
  description: multiLineText(20_000, { allowEmpty: true }).optional(),
});

export const cloneBody = z.strictObject({
  title: singleLineText(200).optional(),
  description: multiLineText(20_000, { allowEmpty: true }).optional(),
});

export const reviewBody = z.strictObject({
  action: z.enum(REVIEW_ACTIONS),
  comment: multiLineText(20_000).optional(),
});

const iso = (date: Date): string => date.toISOString();

export function changesetView(changeset: Changeset): z.output<typeof changesetSchema> {
  return {
    id: changeset.id,
    app_id: changeset.appId,
    workspace_id: changeset.workspaceId,
    author_id: changeset.authorId,
    title: changeset.title,
    description: changeset.description,
    state: changeset.state,
    revision: changeset.revision,
    head_sha: changeset.headSha,
    base_sha: changeset.baseSha,
    queue_position: changeset.queuePosition,
    cloned_from_id: changeset.clonedFromId,
    created_at: iso(changeset.createdAt),
    updated_at: iso(changeset.updatedAt),
  };
}

export function reviewView(review: ChangesetReview): z.output<typeof reviewSchema> {
  return {
    id: review.id,
    revision: review.revision,
    reviewer_id: review.reviewerId,
    action: review.action,
    comment: review.comment,
    created_at: iso(review.createdAt),
  };
}

export function revisionView(revision: ChangesetRevision): z.output<typeof revisionSchema> {
  return {
    number: revision.number,
    head_sha: revision.headSha,
    base_sha: revision.baseSha,
    reason: revision.reason,
    gate_job_id: revision.gateJobId,
    created_by: revision.createdBy,
    created_at: iso(revision.createdAt),
  };
}

// --- comments

export const commentParams = changesetParams.extend({ commentId: objectId });

const anchorSchema = z.object({ file_path: z.string(), line: z.number().int(), revision: z.number().int() });

export const commentSchema = z
  .object({
    id: z.string(),
    author_id: z.string(),
    parent_id: z.string().nullable(),
    body: z.string(),
    anchor: anchorSchema.nullable(),
    resolved: z.boolean(),
    resolved_by: z.string().nullable(),
    resolved_at: z.string().nullable(),
    previous_bodies: z.array(z.object({ body: z.string(), replaced_at: z.string() })),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'ChangesetComment' });

export const threadSchema = commentSchema
  .extend({ replies: z.array(commentSchema) })
  .meta({ id: 'CommentThread' });

const commentText = multiLineText(20_000);

export const createCommentBody = z.strictObject({
  body: commentText,
  parent_id: objectId.optional().meta({ description: 'Reply to this thread' }),
  anchor: z
    .strictObject({
      file_path: z.string().min(1).max(4096),
      line: z.number().int().min(1),
      revision: z.number().int().min(1),
    })
    .optional(),
});

export const editCommentBody = z.strictObject({ body: commentText });

export const resolveCommentBody = z.strictObject({
  resolved: z.boolean().meta({ description: 'true resolves the thread, false reopens it' }),
});

export function commentView(comment: ChangesetComment): z.output<typeof commentSchema> {
  return {
    id: comment.id,
    author_id: comment.authorId,
    parent_id: comment.parentId,
    body: comment.body,
    anchor: comment.anchor
      ? { file_path: comment.anchor.filePath, line: comment.anchor.line, revision: comment.anchor.revision }
      : null,
    resolved: comment.resolved,
    resolved_by: comment.resolvedBy,
    resolved_at: comment.resolvedAt ? iso(comment.resolvedAt) : null,
    previous_bodies: comment.previousBodies.map((entry) => ({
      body: entry.body,
      replaced_at: iso(entry.replacedAt),
    })),
    created_at: iso(comment.createdAt),
    updated_at: iso(comment.updatedAt),
  };
}
