/**
 * The permission matrix (docs/identity.md "Permission matrix"), held once as data. Every endpoint asks
 * `can()`; the RBAC test generates its expectations from `PERMISSION_MATRIX`, so the two can never drift
 * apart.
 */

/** Per-app roles, lowest to highest. */
export const ROLES = ['user', 'reviewer', 'config_manager', 'app_admin'] as const;
export type Role = (typeof ROLES)[number];

/** `Y`: allowed; `N`: refused; `own`: allowed only on items the caller authored. */
export type Grant = 'Y' | 'N' | 'own';

export const CAPABILITIES = [
  'read_app',
  'edit_own_workspace',
  'modify_own_changeset',
  'submit_changeset',
  'comment_in_review',
  'review_changeset',
  'move_to_draft',
  'assemble_release',
  'publish_release',
  'deploy_release',
  'approve_deployment_exception',
  'invite_users',
  'manage_app',
  'manage_runtime_profiles',
  'reveal_secret',
  'cancel_job',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

type Row = Readonly<Record<Role, Grant>>;

const ALL: Row = { user: 'Y', reviewer: 'Y', config_manager: 'Y', app_admin: 'Y' };
const REVIEWER_UP: Row = { user: 'N', reviewer: 'Y', config_manager: 'Y', app_admin: 'Y' };
const CONFIG_MANAGER_UP: Row = { user: 'N', reviewer: 'N', config_manager: 'Y', app_admin: 'Y' };
const ADMIN_ONLY: Row = { user: 'N', reviewer: 'N', config_manager: 'N', app_admin: 'Y' };

/**
 * The documented matrix row by row. "create/edit own workspace" and "create/modify own changeset" are `Y` for
 * every role in the matrix: ownership of those items is enforced by the endpoints (a workspace is always its
 * author's), not by the role.
 */
export const PERMISSION_MATRIX: Readonly<Record<Capability, Row>> = {
  read_app: ALL,
  edit_own_workspace: ALL,
  modify_own_changeset: ALL,
  submit_changeset: ALL,
  comment_in_review: ALL,
  review_changeset: REVIEWER_UP,
  move_to_draft: { user: 'own', reviewer: 'own', config_manager: 'Y', app_admin: 'Y' },
  assemble_release: CONFIG_MANAGER_UP,
  publish_release: CONFIG_MANAGER_UP,
  deploy_release: CONFIG_MANAGER_UP,
  approve_deployment_exception: REVIEWER_UP,
  invite_users: ADMIN_ONLY,
  manage_app: ADMIN_ONLY,
  manage_runtime_profiles: ADMIN_ONLY,
  reveal_secret: ADMIN_ONLY,
  // Conman's own row (docs/identity.md "Permission matrix"): members cancel the jobs they started,
  // config_manager and above any job of the app (docs/jobs.md).
  cancel_job: { user: 'own', reviewer: 'own', config_manager: 'Y', app_admin: 'Y' },
};

/** Capabilities that belong to the platform, not to an app role. */
export const PLATFORM_CAPABILITIES = ['create_app'] as const;
export type PlatformCapability = (typeof PLATFORM_CAPABILITIES)[number];

export interface Actor {
  isPlatformAdmin: boolean;
}

export function canOnPlatform(actor: Actor, capability: PlatformCapability): boolean {
  switch (capability) {
    case 'create_app':
      return actor.isPlatformAdmin;
  }
}

export interface CanOptions {
  /** Whether the caller authored the item; required to pass an `own` cell. */
  isOwner?: boolean;
}

export function grantOf(role: Role, capability: Capability): Grant {
  return PERMISSION_MATRIX[capability][role];
}

export function can(role: Role, capability: Capability, options: CanOptions = {}): boolean {
  const grant = grantOf(role, capability);
  if (grant === 'own') return options.isOwner === true;
  return grant === 'Y';
}

/**
 * Owner checks on one item (declared by the routes that need them, docs/identity.md), applied on top of the
 * matrix:
 * - `matrix`: the capability's `own` cells decide (move_to_draft: author, or config_manager and up);
 * - `author`: only the item's author, whatever the role (edit or submit a changeset, edit a comment);
 * - `author_or_app_admin`: the author or an app_admin (modify a workspace, docs/workspaces.md "Access").
 */
export const OWNERSHIP_RULES = ['matrix', 'author', 'author_or_app_admin'] as const;
export type OwnershipRule = (typeof OWNERSHIP_RULES)[number];

export function canOnItem(
  role: Role,
  capability: Capability,
  rule: OwnershipRule,
  isAuthor: boolean,
): boolean {
  if (!can(role, capability, { isOwner: isAuthor })) return false;
  switch (rule) {
    case 'matrix':
      return true;
    case 'author':
      return isAuthor;
    case 'author_or_app_admin':
      return isAuthor || role === 'app_admin';
  }
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return roleRank(role) >= roleRank(minimum);
}
