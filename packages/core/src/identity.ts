import type { AppSettings, CommitMode } from './app-settings';
import type { Role } from './permissions';

/** Domain objects of SPEC §4 and §6.1 as repositories return them (ids are 24-char hex strings). */

export interface User {
  id: string;
  /** Lowercased; unique. */
  email: string;
  name: string;
  passwordHash: string;
  isPlatformAdmin: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface Session {
  id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  clientIp?: string;
  userAgent?: string;
}

// The settings types live with their validation; re-exported here where they were first declared.
export type {
  AppSettings,
  BaselineMode,
  CommitMode,
  RuntimeProfileApprovalPolicy,
  ValidationGate,
} from './app-settings';
export { DEFAULT_APP_SETTINGS } from './app-settings';

export interface App {
  id: string;
  name: string;
  /** Relative to the storage root; unique. */
  repoPath: string;
  integrationBranch: string;
  settings: AppSettings;
  createdAt: Date;
  updatedAt: Date;
}

export interface AppMembership {
  id: string;
  appId: string;
  userId: string;
  role: Role;
  createdAt: Date;
  updatedAt: Date;
}

export interface Invite {
  id: string;
  appId: string;
  email: string;
  role: Role;
  invitedBy: string;
  expiresAt: Date;
  createdAt: Date;
}

export interface PasswordResetToken {
  id: string;
  userId: string;
  expiresAt: Date;
  createdAt: Date;
}

export interface ApiKey {
  id: string;
  appId: string;
  name: string;
  role: Role;
  /** First characters of the key, shown in lists so owners can tell keys apart. */
  displayPrefix: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}

/** A user's own settings (the `notification_preferences` document, SPEC §9). */
export interface NotificationPreferences {
  userId: string;
  emailEnabled: boolean;
  /** The user's commit mode for their workspaces; null = the app default (SPEC §5.3). */
  commitMode: CommitMode | null;
}

/** CONMAN_INVITE_EXPIRY_DAYS when unset. */
export const DEFAULT_INVITE_EXPIRY_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

/** How long an invite (created or resent) stays valid, from CONMAN_INVITE_EXPIRY_DAYS. */
export function inviteTtlMs(expiryDays: number = DEFAULT_INVITE_EXPIRY_DAYS): number {
  return expiryDays * DAY_MS;
}

export const INVITE_TTL_MS = inviteTtlMs();
export const PASSWORD_RESET_TTL_MS = 60 * 60 * 1000;

/** An ordered deployment stage of an app (SPEC §6.1); ids stay stable across updates of the set. */
export interface Environment {
  id: string;
  appId: string;
  name: string;
  position: number;
  isCanonical: boolean;
  runtimeProfileId: string | null;
  createdAt: Date;
  updatedAt: Date;
}
