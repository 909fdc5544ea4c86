import { ConflictError, NotFoundError, ValidationError, validateRepoPath } from '@conman/core';
import { inTransaction } from '@conman/db';
import { paginationQuery } from '../../platform/pagination';
import { created, ok, paginatedSlice } from '../../platform/replies';
import { dataResponse, defineRoute, pageResponse } from '../../platform/route';
import { actorOf } from '../auth/caller';
import { callerAndChangeset, requireAuthor } from './access';
import type { ChangesetsModuleDependencies } from './dependencies';
import {
  changesetParams,
  commentParams,
  commentSchema,
  commentView,
  createCommentBody,
  editCommentBody,
  resolveCommentBody,
  threadSchema,
} from './schemas';

/** Review threads: inline anchors, replies, edits that keep old bodies, resolve/unresolve (SPEC §6.3). */
export function commentRoutes(deps: ChangesetsModuleDependencies) {
  async function commentOf(changesetId: string, commentId: string) {
    const comment = await deps.comments.findById(changesetId, commentId);
    if (!comment) throw new NotFoundError('Comment not found');
    return comment;
  }

  return [
    defineRoute({
      method: 'get',
      path: '/apps/:appId/changesets/:changesetId/comments',
      operationId: 'listChangesetComments',
      access: { kind: 'app', capability: 'read_app' },
      summary: 'Comment threads of a changeset, oldest first, each with its replies (pages count threads)',
      request: { params: changesetParams, query: paginationQuery },
      responses: { 200: pageResponse(threadSchema, 'A page of the threads') },
      errors: ['unauthorized', 'not_found'],
      handler: async ({ params, query, request }) => {
        const { changeset } = await callerAndChangeset(deps, request, params, 'read_app');
        const comments = await deps.comments.list(changeset.id);
        const roots = comments.filter((comment) => comment.parentId === null);
        return paginatedSlice(roots, query, (root) => ({
          ...commentView(root),
          replies: comments.filter((comment) => comment.parentId === root.id).map(commentView),
        }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/apps/:appId/changesets/:changesetId/comments',
      operationId: 'createChangesetComment',
      access: { kind: 'app', capability: 'comment_in_review' },
      summary: 'Start a thread (optionally anchored to a line of a revision) or reply to one',
      request: { params: changesetParams, body: createCommentBody },
      responses: { 201: dataResponse(commentSchema, 'The new comment') },
      errors: ['unauthorized', 'forbidden', 'not_found'],
      handler: async ({ params, body, request }) => {
        const { caller, changeset } = await callerAndChangeset(deps, request, params, 'comment_in_review');
        if (body.parent_id !== undefined) {
          const parent = await deps.comments.findById(changeset.id, body.parent_id);
          if (!parent) throw new NotFoundError('Parent comment not found');
          if (parent.parentId !== null) throw new ValidationError('Reply to the thread, not to a reply');
          if (body.anchor) throw new ValidationError('Replies take the anchor of their thread');
        }
        let anchor = null;
        if (body.anchor) {
          if (body.anchor.revision > changeset.revision) {
            throw new ValidationError('The anchor names a revision that does not exist', {
              revision: body.anchor.revision,
              current_revision: changeset.revision,
            });
          }
          anchor = {
            filePath: validateRepoPath(body.anchor.file_path),
            line: body.anchor.line,
            revision: body.anchor.revision,
          };
        }
        const actor = actorOf(caller);
        const comment = await inTransaction(deps.client, async (session) => {
          const comment = await deps.comments.create(
            {
              appId: params.appId,
              changesetId: changeset.id,
              authorId: actor.id,
              parentId: body.parent_id ?? null,
              body: body.body,
              anchor,
            },
            session,
          );
          await deps.audit.record(
            {
              appId: params.appId,
              actor,
              entityType: 'changeset_comment',
              entityId: comment.id,
              action: 'changeset.comment.created',
              after: {
                changeset_id: changeset.id,
                parent_id: comment.parentId,
                anchor: commentView(comment).anchor,
              },
            },
            session,
          );
          return comment;
        });
        return created(commentView(comment));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/apps/:appId/changesets/:changesetId/comments/:commentId',
      operationId: 'editChangesetComment',
      access: { kind: 'app', capability: 'comment_in_review', own: 'author' },
      summary: 'Edit your comment; earlier bodies are kept in previous_bodies',
      request: { params: commentParams, body: editCommentBody },
      responses: { 200: dataResponse(commentSchema, 'The edited comment') },
      errors: ['unauthorized', 'forbidden', 'not_found', 'conflict'],
      handler: async ({ params, body, request }) => {
        const { caller, changeset } = await callerAndChangeset(deps, request, params, 'comment_in_review');
        const comment = await commentOf(changeset.id, params.commentId);
        requireAuthor(caller, comment.authorId, 'edit a comment');
        const actor = actorOf(caller);
        const edited = await inTransaction(deps.client, async (session) => {
          const edited = await deps.comments.editBody(comment, body.body, session);
          if (!edited) throw new ConflictError('The comment changed concurrently; reload and retry');
          await deps.audit.record(
            {
              appId: params.appId,
              actor,
              entityType: 'changeset_comment',
              entityId: comment.id,
              action: 'changeset.comment.edited',
              before: { body: comment.body },
              after: { body: edited.body },
            },
            session,
          );
          return edited;
        });
        return ok(commentView(edited));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/apps/:appId/changesets/:changesetId/comments/:commentId/resolve',
      operationId: 'resolveChangesetComment',
      access: { kind: 'app', capability: 'comment_in_review' },
      summary: 'Resolve (`resolved: true`) or reopen (`resolved: false`) a thread',
      request: { params: commentParams, body: resolveCommentBody },
      responses: { 200: dataResponse(commentSchema, 'The thread comment') },
      errors: ['unauthorized', 'forbidden', 'not_found'],
      handler: async ({ params, body, request }) => {
        const { caller, changeset } = await callerAndChangeset(deps, request, params, 'comment_in_review');
        const comment = await commentOf(changeset.id, params.commentId);
        if (comment.parentId !== null) throw new ValidationError('Resolve the thread, not a reply');
        const actor = actorOf(caller);
        const updated = await inTransaction(deps.client, async (session) => {
          const updated = await deps.comments.setResolved(comment.id, body.resolved, actor.id, session);
          if (!updated) throw new NotFoundError('Comment not found');
          await deps.audit.record(
            {
              appId: params.appId,
              actor,
              entityType: 'changeset_comment',
              entityId: comment.id,
              action: body.resolved ? 'changeset.comment.resolved' : 'changeset.comment.reopened',
              before: { resolved: comment.resolved },
              after: { resolved: updated.resolved },
            },
            session,
          );
          return updated;
        });
        return ok(commentView(updated));
      },
    }),
  ];
}
