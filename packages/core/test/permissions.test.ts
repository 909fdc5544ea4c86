import {
  CAPABILITIES,
  OWNERSHIP_RULES,
  PERMISSION_MATRIX,
  ROLES,
  can,
  canOnItem,
  canOnPlatform,
  grantOf,
  isRole,
  roleAtLeast,
  type Capability,
  type Grant,
  type Role,
} from '@conman/core';

/**
 * The matrix of docs/identity.md transcribed independently of the implementation: user, reviewer,
 * config_manager, app_admin.
 */
const DOCUMENTED_MATRIX: Record<Capability, [Grant, Grant, Grant, Grant]> = {
  read_app: ['Y', 'Y', 'Y', 'Y'],
  edit_own_workspace: ['Y', 'Y', 'Y', 'Y'],
  modify_own_changeset: ['Y', 'Y', 'Y', 'Y'],
  submit_changeset: ['Y', 'Y', 'Y', 'Y'],
  comment_in_review: ['Y', 'Y', 'Y', 'Y'],
  review_changeset: ['N', 'Y', 'Y', 'Y'],
  move_to_draft: ['own', 'own', 'Y', 'Y'],
  assemble_release: ['N', 'N', 'Y', 'Y'],
  publish_release: ['N', 'N', 'Y', 'Y'],
  deploy_release: ['N', 'N', 'Y', 'Y'],
  approve_deployment_exception: ['N', 'Y', 'Y', 'Y'],
  invite_users: ['N', 'N', 'N', 'Y'],
  manage_app: ['N', 'N', 'N', 'Y'],
  manage_runtime_profiles: ['N', 'N', 'N', 'Y'],
  reveal_secret: ['N', 'N', 'N', 'Y'],
  // Conman's own row (docs/jobs.md "HTTP API"): own jobs, or any from config_manager up.
  cancel_job: ['own', 'own', 'Y', 'Y'],
};

const cells = CAPABILITIES.flatMap((capability) =>
  ROLES.map((role, index) => ({ capability, role, grant: DOCUMENTED_MATRIX[capability][index] as Grant })),
);

describe('permission matrix', () => {
  it('has exactly the documented capabilities and roles in rank order', () => {
    expect(Object.keys(PERMISSION_MATRIX).sort()).toEqual(Object.keys(DOCUMENTED_MATRIX).sort());
    expect(ROLES).toEqual(['user', 'reviewer', 'config_manager', 'app_admin']);
  });

  it.each(cells)('$role / $capability is $grant', ({ capability, role, grant }) => {
    expect(grantOf(role, capability)).toBe(grant);
    if (grant === 'Y') {
      expect(can(role, capability)).toBe(true);
      expect(can(role, capability, { isOwner: false })).toBe(true);
    } else if (grant === 'N') {
      expect(can(role, capability)).toBe(false);
      expect(can(role, capability, { isOwner: true })).toBe(false);
    } else {
      expect(can(role, capability)).toBe(false);
      expect(can(role, capability, { isOwner: false })).toBe(false);
      expect(can(role, capability, { isOwner: true })).toBe(true);
    }
  });

  it('never grants a lower role something a higher role lacks', () => {
    for (const capability of CAPABILITIES) {
      for (let low = 0; low < ROLES.length; low += 1) {
        for (let high = low + 1; high < ROLES.length; high += 1) {
          const lowRole = ROLES[low] as Role;
          const highRole = ROLES[high] as Role;
          for (const isOwner of [true, false]) {
            if (can(lowRole, capability, { isOwner }))
              expect(can(highRole, capability, { isOwner })).toBe(true);
          }
        }
      }
    }
  });
});

describe('canOnItem', () => {
  it('matrix: the own cells decide, and Y cells allow any item', () => {
    expect(canOnItem('user', 'move_to_draft', 'matrix', true)).toBe(true);
    expect(canOnItem('user', 'move_to_draft', 'matrix', false)).toBe(false);
    expect(canOnItem('config_manager', 'move_to_draft', 'matrix', false)).toBe(true);
  });

  it('author: only the author, whatever the role', () => {
    for (const role of ROLES) {
      expect(canOnItem(role, 'modify_own_changeset', 'author', true)).toBe(true);
      expect(canOnItem(role, 'modify_own_changeset', 'author', false)).toBe(false);
    }
  });

  it('author_or_app_admin: the author, or an app_admin on any item', () => {
    expect(canOnItem('config_manager', 'edit_own_workspace', 'author_or_app_admin', false)).toBe(false);
    expect(canOnItem('user', 'edit_own_workspace', 'author_or_app_admin', true)).toBe(true);
    expect(canOnItem('app_admin', 'edit_own_workspace', 'author_or_app_admin', false)).toBe(true);
  });

  it('never lets an item rule grant what the matrix refuses', () => {
    for (const rule of OWNERSHIP_RULES)
      for (const role of ROLES) expect(canOnItem(role, 'review_changeset', rule, true)).toBe(role !== 'user');
  });
});

describe('roles', () => {
  it('orders roles for roleAtLeast', () => {
    expect(roleAtLeast('app_admin', 'user')).toBe(true);
    expect(roleAtLeast('reviewer', 'reviewer')).toBe(true);
    expect(roleAtLeast('reviewer', 'config_manager')).toBe(false);
    expect(roleAtLeast('user', 'reviewer')).toBe(false);
  });

  it('recognises only the four role names', () => {
    expect(ROLES.every(isRole)).toBe(true);
    expect(isRole('admin')).toBe(false);
    expect(isRole('App_Admin')).toBe(false);
    expect(isRole(undefined)).toBe(false);
  });
});

describe('platform capabilities', () => {
  it('lets only platform admins create apps', () => {
    expect(canOnPlatform({ isPlatformAdmin: true }, 'create_app')).toBe(true);
    expect(canOnPlatform({ isPlatformAdmin: false }, 'create_app')).toBe(false);
  });
});
