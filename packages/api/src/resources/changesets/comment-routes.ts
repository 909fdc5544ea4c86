import {
  ConflictError,
  NotFoundError,
  ValidationError,
  validateRepoPath,
  type Changeset,
  type ChangesetComment,
} from '@conman/core';
import { paginationQuery } from '../../platform/pagination';
import { created, ok, paginatedSlice } from '../../platform/replies';
import { dataResponse, defineRoute, pageResponse } from '../../platform/route';
import type { ItemSource } from '../../platform/access';
import { changesetItem } from './access';
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
  const changesets = changesetItem(deps);
  /** The comment of `:commentId` on the changeset; its author owns it. */
  const comments: ItemSource<{ changeset: Changeset; comment: ChangesetComment }> = {
    load: async (request, app) => {
      const changeset = await changesets.load(request, app);
      const comment = await deps.comments.findById(changeset.id, request.params.commentId ?? '');
      if (!comment) throw new NotFoundError('Comment not found');
      return { changeset, comment };
    },
    ownerOf: ({ comment }) => comment.authorId,
  };

  return [
    defineRoute({
      method: 'get',
      path: '/apps/:appId/changesets/:changesetId/comments',
      operationId: 'listChangesetComments',
      access: { kind: 'app', capability: 'read_app', item: changesets },
      summary: 'Comment threads of a changeset, oldest first, each with its replies (pages count threads)',
      request: { params: changesetParams, query: paginationQuery },
      responses: { 200: pageResponse(threadSchema, 'A page of the threads') },
      errors: ['unauthorized', 'not_found'],
      handler: async ({ query, item: changeset }) => {
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
      access: { kind: 'app', capability: 'comment_in_review', item: changesets },
      summary: 'Start a thread (optionally anchored to a line of a revision) or reply to one',
      request: { params: changesetParams, body: createCommentBody },
      responses: { 201: dataResponse(commentSchema, 'The new comment') },
      errors: ['unauthorized', 'forbidden', 'not_found'],
      handler: async ({ params, body, actor, item: changeset }) => {
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
        const comment = await deps.unitOfWork.run(
          { appId: params.appId, actor },
          async ({ session, audit }) => {
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
            await audit({
              entityType: 'changeset_comment',
              entityId: comment.id,
              action: 'changeset.comment.created',
              after: {
                changeset_id: changeset.id,
                parent_id: comment.parentId,
                anchor: commentView(comment).anchor,
              },
            });
            return comment;
          },
        );
        return created(commentView(comment));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/apps/:appId/changesets/:changesetId/comments/:commentId',
      operationId: 'editChangesetComment',
      access: { kind: 'app', capability: 'comment_in_review', item: comments, own: 'author' },
      summary: 'Edit your comment; earlier bodies are kept in previous_bodies',
      request: { params: commentParams, body: editCommentBody },
      responses: { 200: dataResponse(commentSchema, 'The edited comment') },
      errors: ['unauthorized', 'forbidden', 'not_found', 'conflict'],
      handler: async ({ params, body, actor, item: { comment } }) => {
        const edited = await deps.unitOfWork.run(
          { appId: params.appId, actor },
          async ({ session, audit }) => {
            const edited = await deps.comments.editBody(comment, body.body, session);
            if (!edited) throw new ConflictError('The comment changed concurrently; reload and retry');
            await audit({
              entityType: 'changeset_comment',
              entityId: comment.id,
              action: 'changeset.comment.edited',
              before: { body: comment.body },
              after: { body: edited.body },
            });
            return edited;
          },
        );
        return ok(commentView(edited));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/apps/:appId/changesets/:changesetId/comments/:commentId/resolve',
      operationId: 'resolveChangesetComment',
      access: { kind: 'app', capability: 'comment_in_review', item: comments },
      summary: 'Resolve (`resolved: true`) or reopen (`resolved: false`) a thread',
      request: { params: commentParams, body: resolveCommentBody },
      responses: { 200: dataResponse(commentSchema, 'The thread comment') },
      errors: ['unauthorized', 'forbidden', 'not_found'],
      handler: async ({ params, body, actor, item: { comment } }) => {
        if (comment.parentId !== null) throw new ValidationError('Resolve the thread, not a reply');
        const updated = await deps.unitOfWork.run(
          { appId: params.appId, actor },
          async ({ session, audit }) => {
            const updated = await deps.comments.setResolved(comment.id, body.resolved, actor.id, session);
            if (!updated) throw new NotFoundError('Comment not found');
            await audit({
              entityType: 'changeset_comment',
              entityId: comment.id,
              action: body.resolved ? 'changeset.comment.resolved' : 'changeset.comment.reopened',
              before: { resolved: comment.resolved },
              after: { resolved: updated.resolved },
            });
            return updated;
          },
        );
        return ok(commentView(updated));
      },
    }),
  ];
}
