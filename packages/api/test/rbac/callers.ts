import type { Role } from '@conman/core';
import { hashPassword } from '@conman/auth';
import { PASSWORD, bearer, type IdentityFixture } from '../support/identity-fixture';
import { seedAppRepository } from '../support/workspace-repo';

/**
 * Who calls, as the expectations see it: nothing but the facts the matrix decides on. The platform
 * admin's effective app role is NOT stated here: `expectations.ts` derives it like `RoleResolver` does.
 */
export type CallerProfile =
  | { readonly principal: 'anonymous' }
  | { readonly principal: 'user'; readonly isPlatformAdmin: boolean; readonly membership: Role | null }
  | { readonly principal: 'api_key'; readonly app: 'target' | 'other'; readonly role: Role };

/** Every kind of caller the RBAC test sends to every operation. */
export const CALLER_PROFILES = {
  anonymous: { principal: 'anonymous' },
  non_member: { principal: 'user', isPlatformAdmin: false, membership: null },
  member_user: { principal: 'user', isPlatformAdmin: false, membership: 'user' },
  member_reviewer: { principal: 'user', isPlatformAdmin: false, membership: 'reviewer' },
  member_config_manager: { principal: 'user', isPlatformAdmin: false, membership: 'config_manager' },
  member_app_admin: { principal: 'user', isPlatformAdmin: false, membership: 'app_admin' },
  platform_admin: { principal: 'user', isPlatformAdmin: true, membership: null },
  key_user: { principal: 'api_key', app: 'target', role: 'user' },
  key_reviewer: { principal: 'api_key', app: 'target', role: 'reviewer' },
  key_config_manager: { principal: 'api_key', app: 'target', role: 'config_manager' },
  key_app_admin: { principal: 'api_key', app: 'target', role: 'app_admin' },
  key_of_other_app: { principal: 'api_key', app: 'other', role: 'app_admin' },
} as const satisfies Record<string, CallerProfile>;

export type CallerKind = keyof typeof CALLER_PROFILES;
export const CALLER_KINDS = Object.keys(CALLER_PROFILES) as CallerKind[];

/** A caller with real credentials against the fixture. */
export interface Caller {
  readonly kind: CallerKind;
  readonly profile: CallerProfile;
  /** The user behind the caller (users only). */
  readonly userId: string | null;
  /** The caller's standing credentials (none for `anonymous`). */
  headers(): Record<string, string>;
  /** Credentials of a new session of the same user, for calls that end the session (logout). */
  freshHeaders(): Promise<Record<string, string>>;
}

export interface CallerWorld {
  /** The app every `/apps/:appId` operation targets. */
  targetAppId: string;
  /** Another app: its API key is a non-member of the target app. */
  otherAppId: string;
  /** An app_admin member of the target app who authors the entities the recipes need. */
  adminId: string;
  adminHeaders: Record<string, string>;
  /** A reviewer of the target app who reviews the changesets the recipes need in review states. */
  reviewerHeaders: Record<string, string>;
  /** argon2 hash of the fixture `PASSWORD`, to create accounts without hashing again. */
  passwordHash: string;
  callers: ReadonlyMap<CallerKind, Caller>;
}

/** Creates the apps, users, memberships and API keys behind every caller kind. */
export async function setUpCallers(fixture: IdentityFixture): Promise<CallerWorld> {
  const targetAppId = await fixture.newApp('rbac-target');
  await seedAppRepository(fixture, targetAppId);
  // Checkpoints exist only in manual_checkpoint mode: every caller kind may then try one.
  await fixture.setCommitModeDefault(targetAppId, 'manual_checkpoint');
  const otherAppId = await fixture.newApp('rbac-other');
  const admin = await fixture.newUser('rbac-owner@example.com', { appId: targetAppId, role: 'app_admin' });
  const otherAdmin = await fixture.newUser('rbac-other-owner@example.com', {
    appId: otherAppId,
    role: 'app_admin',
  });
  const reviewer = await fixture.newUser('rbac-reviewer@example.com', {
    appId: targetAppId,
    role: 'reviewer',
  });
  const passwordHash = await hashPassword(PASSWORD);

  const userCaller = async (kind: CallerKind, email: string, userId: string, token: string) => {
    const caller: Caller = {
      kind,
      profile: CALLER_PROFILES[kind],
      userId,
      headers: () => bearer(token),
      freshHeaders: async () => bearer((await fixture.sessionService.login(email, PASSWORD)).token),
    };
    return caller;
  };
  const keyCaller = (kind: CallerKind, key: string): Caller => ({
    kind,
    profile: CALLER_PROFILES[kind],
    userId: null,
    headers: () => ({ 'x-api-key': key }),
    freshHeaders: () => Promise.resolve({ 'x-api-key': key }),
  });

  const callers = new Map<CallerKind, Caller>();
  for (const kind of CALLER_KINDS) {
    const profile: CallerProfile = CALLER_PROFILES[kind];
    const email = `rbac-${kind.replaceAll('_', '-')}@example.com`;
    switch (profile.principal) {
      case 'anonymous':
        callers.set(kind, {
          kind,
          profile,
          userId: null,
          headers: () => ({}),
          freshHeaders: () => Promise.resolve({}),
        });
        break;
      case 'user': {
        if (profile.isPlatformAdmin) {
          const user = await fixture.users.create({
            email,
            name: kind,
            passwordHash,
            isPlatformAdmin: true,
          });
          if (profile.membership) await fixture.memberships.add(targetAppId, user.id, profile.membership);
          const { token } = await fixture.sessionService.login(email, PASSWORD);
          callers.set(kind, await userCaller(kind, email, user.id, token));
        } else {
          const membership = profile.membership && { appId: targetAppId, role: profile.membership };
          const user = await fixture.newUser(email, membership ?? undefined);
          callers.set(kind, await userCaller(kind, email, user.id, user.token));
        }
        break;
      }
      case 'api_key': {
        const [appId, creator] =
          profile.app === 'target' ? [targetAppId, admin.id] : [otherAppId, otherAdmin.id];
        callers.set(kind, keyCaller(kind, await fixture.newApiKey(appId, profile.role, creator)));
        break;
      }
    }
  }
  return {
    targetAppId,
    otherAppId,
    adminId: admin.id,
    adminHeaders: bearer(admin.token),
    reviewerHeaders: bearer(reviewer.token),
    passwordHash,
    callers,
  };
}
