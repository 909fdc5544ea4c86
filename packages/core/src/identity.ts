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

export type BaselineMode = 'integration_head' | 'canonical_env_release';
export type CommitMode = 'submit_commit' | 'manual_checkpoint';
export type RuntimeProfileApprovalPolicy = 'same_as_changeset' | 'stricter_two_approvals';

export interface ValidationGate {
  name: string;
  command: string;
  timeout_seconds: number;
  profile_scope: string;
}

/** Per-app settings of SPEC §6.1, kept in their wire (snake_case) vocabulary. */
export interface AppSettings {
  baseline_mode: BaselineMode;
  canonical_env_id: string | null;
  commit_mode_default: CommitMode;
  blocked_paths: string[];
  file_size_limit_bytes: number;
  required_approvals: number;
  allow_self_approval: boolean;
  runtime_profile_approval_policy: RuntimeProfileApprovalPolicy;
  temp_url_domain: string | null;
  validation_gates: ValidationGate[];
  semantic_diff_rules: Record<string, unknown>[];
}

export const DEFAULT_APP_SETTINGS: Readonly<AppSettings> = Object.freeze({
  baseline_mode: 'canonical_env_release',
  canonical_env_id: null,
  commit_mode_default: 'submit_commit',
  blocked_paths: [],
  file_size_limit_bytes: 5 * 1024 * 1024,
  required_approvals: 1,
  allow_self_approval: false,
  runtime_profile_approval_policy: 'stricter_two_approvals',
  temp_url_domain: null,
  validation_gates: [],
  semantic_diff_rules: [],
});

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

export interface NotificationPreferences {
  userId: string;
  emailEnabled: boolean;
}

export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
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
