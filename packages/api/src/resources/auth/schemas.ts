import { z } from 'zod';
import { COMMIT_MODES, ROLES, type NotificationPreferences, type User } from '@conman/core';

export const userSchema = z
  .object({ id: z.string(), email: z.string(), name: z.string(), is_platform_admin: z.boolean() })
  .meta({ id: 'User' });

export function userView(user: User): z.output<typeof userSchema> {
  return { id: user.id, email: user.email, name: user.name, is_platform_admin: user.isPlatformAdmin };
}

export const loginBody = z.strictObject({
  email: z.string().min(3).max(254),
  password: z.string().min(1).max(1024),
});

export const loginResultSchema = z
  .object({ token: z.string(), expires_at: z.string(), user: userSchema })
  .meta({ id: 'LoginResult' });

export const profileSchema = userSchema
  .extend({ memberships: z.array(z.object({ app_id: z.string(), role: z.enum(ROLES) })) })
  .meta({ id: 'Profile' });

const commitModePreference = z
  .enum(COMMIT_MODES)
  .nullable()
  .meta({ description: "Commit mode of the user's workspaces without their own; null = the app default" });

export const notificationPreferencesSchema = z
  .object({ email_enabled: z.boolean(), commit_mode: commitModePreference })
  .meta({ id: 'NotificationPreferences' });

/** Send either field or both; the other keeps its value. */
export const notificationPreferencesBody = z.strictObject({
  email_enabled: z.boolean().optional(),
  commit_mode: commitModePreference.optional(),
});

export function preferencesView(
  preferences: NotificationPreferences,
): z.output<typeof notificationPreferencesSchema> {
  return { email_enabled: preferences.emailEnabled, commit_mode: preferences.commitMode };
}
