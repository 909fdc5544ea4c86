import { z } from 'zod';
import { DEFAULT_INVITE_EXPIRY_DAYS, NotFoundError, inviteTtlMs, type Invite, type Role } from '@conman/core';
import { issueOpaqueToken } from '@conman/auth';
import {
  type AppsRepository,
  type AuditLog,
  type InvitesRepository,
  type MailOutbox,
  type UnitOfWork,
} from '@conman/db';
import { objectId } from '../../platform/common-schemas';
import { paginationQuery } from '../../platform/pagination';
import { created, noContent, ok, paginatedSlice } from '../../platform/replies';
import { dataResponse, defineRoute, emptyResponse, pageResponse, type ApiModule } from '../../platform/route';
import { requireApp } from '../apps/require-app';
import { inviteMail } from './invite-mail';
import { createInviteBody, inviteSchema, inviteView } from './schemas';

export interface InvitesModuleDependencies {
  /** Writes each change with its audit events in one transaction. */
  unitOfWork: UnitOfWork;
  /** CONMAN_INVITE_EXPIRY_DAYS: how long a (re)sent invite stays valid; 7 when absent. */
  expiryDays?: number;
  apps: AppsRepository;
  invites: InvitesRepository;
  outbox: MailOutbox;
  audit: AuditLog;
  /** CONMAN_PUBLIC_URL, without a trailing slash: accept links point there. */
  publicUrl: string;
}

const appParams = z.object({ appId: objectId });
const inviteParams = z.object({ appId: objectId, inviteId: objectId });

/** Invites of an app (app_admin): create, list, resend (new token, old one dead), revoke. */
export function invitesModule(deps: InvitesModuleDependencies): ApiModule {
  const expiryDays = deps.expiryDays ?? DEFAULT_INVITE_EXPIRY_DAYS;
  const newExpiry = () => new Date(Date.now() + inviteTtlMs(expiryDays));
  const mailFor = async (appId: string, email: string, role: Role, token: string) => {
    const app = await requireApp(deps.apps, appId);
    return inviteMail({ to: email, appName: app.name, role, publicUrl: deps.publicUrl, token, expiryDays });
  };
  const auditedInvite = (invite: Invite) => ({
    email: invite.email,
    role: invite.role,
    expires_at: invite.expiresAt,
  });

  return {
    name: 'invites',
    description: 'Invitations to join an app',
    routes: [
      defineRoute({
        method: 'post',
        path: '/apps/:appId/invites',
        operationId: 'createInvite',
        access: { kind: 'app', capability: 'invite_users' },
        summary: 'Invite someone by email (the token is only sent by email)',
        request: { params: appParams, body: createInviteBody },
        responses: { 201: dataResponse(inviteSchema, 'The pending invite') },
        errors: ['unauthorized', 'forbidden', 'not_found', 'conflict'],
        handler: async ({ params, body, actor }) => {
          const { token, hash } = issueOpaqueToken();
          const mail = await mailFor(params.appId, body.email, body.role, token);
          const invite = await deps.unitOfWork.run(
            { appId: params.appId, actor },
            async ({ session, audit }) => {
              const createdInvite = await deps.invites.create(
                {
                  appId: params.appId,
                  email: body.email,
                  role: body.role,
                  tokenHash: hash,
                  invitedBy: actor.id,
                  expiresAt: newExpiry(),
                },
                session,
              );
              await deps.outbox.enqueue(mail, session);
              await audit({
                entityType: 'invite',
                entityId: createdInvite.id,
                action: 'invite.created',
                after: auditedInvite(createdInvite),
              });
              return createdInvite;
            },
          );
          return created(inviteView(invite));
        },
      }),
      defineRoute({
        method: 'get',
        path: '/apps/:appId/invites',
        operationId: 'listInvites',
        access: { kind: 'app', capability: 'invite_users' },
        summary: 'Pending invites of an app',
        request: { params: appParams, query: paginationQuery },
        responses: { 200: pageResponse(inviteSchema, 'A page of pending invites') },
        errors: ['unauthorized', 'forbidden', 'not_found'],
        handler: async ({ params, query }) =>
          paginatedSlice(await deps.invites.listForApp(params.appId), query, inviteView),
      }),
      defineRoute({
        method: 'post',
        path: '/apps/:appId/invites/:inviteId/resend',
        operationId: 'resendInvite',
        access: { kind: 'app', capability: 'invite_users' },
        summary: 'Send the invite again with a new token; the previous token stops working',
        request: { params: inviteParams },
        responses: { 200: dataResponse(inviteSchema, 'The invite with its new expiry') },
        errors: ['unauthorized', 'forbidden', 'not_found'],
        handler: async ({ params, actor }) => {
          const { token, hash } = issueOpaqueToken();
          const invite = await deps.unitOfWork.run(
            { appId: params.appId, actor },
            async ({ session, audit }) => {
              const before = await deps.invites.findInApp(params.appId, params.inviteId, session);
              const after = await deps.invites.replaceToken(
                params.appId,
                params.inviteId,
                hash,
                newExpiry(),
                session,
              );
              if (!before || !after) throw new NotFoundError('Invite not found');
              await deps.outbox.enqueue(await mailFor(params.appId, after.email, after.role, token), session);
              await audit({
                entityType: 'invite',
                entityId: after.id,
                action: 'invite.resent',
                before: auditedInvite(before),
                after: auditedInvite(after),
              });
              return after;
            },
          );
          return ok(inviteView(invite));
        },
      }),
      defineRoute({
        method: 'delete',
        path: '/apps/:appId/invites/:inviteId',
        operationId: 'revokeInvite',
        access: { kind: 'app', capability: 'invite_users' },
        summary: 'Revoke a pending invite',
        request: { params: inviteParams },
        responses: { 204: emptyResponse('The invite is deleted') },
        errors: ['unauthorized', 'forbidden', 'not_found'],
        handler: async ({ params, actor }) => {
          await deps.unitOfWork.run({ appId: params.appId, actor }, async ({ session, audit }) => {
            const revoked = await deps.invites.revoke(params.appId, params.inviteId, session);
            if (!revoked) throw new NotFoundError('Invite not found');
            await audit({
              entityType: 'invite',
              entityId: revoked.id,
              action: 'invite.revoked',
              before: auditedInvite(revoked),
            });
          });
          return noContent();
        },
      }),
    ],
  };
}
