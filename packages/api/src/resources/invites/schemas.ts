import { z } from 'zod';
import { ROLES, type Invite } from '@conman/core';
import { singleLineText } from '../../platform/common-schemas';

export const inviteSchema = z
  .object({
    id: z.string(),
    app_id: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    invited_by: z.string(),
    expires_at: z.string(),
    created_at: z.string(),
  })
  .meta({ id: 'Invite' });

export function inviteView(invite: Invite): z.output<typeof inviteSchema> {
  return {
    id: invite.id,
    app_id: invite.appId,
    email: invite.email,
    role: invite.role,
    invited_by: invite.invitedBy,
    expires_at: invite.expiresAt.toISOString(),
    created_at: invite.createdAt.toISOString(),
  };
}

export const createInviteBody = z.strictObject({ email: z.email().max(254), role: z.enum(ROLES) });

export const acceptInviteBody = z.strictObject({
  token: z.string().min(16).max(200),
  name: singleLineText(200).optional(),
  password: z.string().min(1).max(1024),
});

export const acceptedInviteSchema = z
  .object({ user_id: z.string(), app_id: z.string(), role: z.enum(ROLES), account_created: z.boolean() })
  .meta({ id: 'AcceptedInvite' });
