import { ValidationError, checkPassword, isPlausibleEmail, normalizeEmail, type User } from '@conman/core';
import { hashPassword } from './passwords';

export interface AdminAccountStore {
  findByEmail(email: string): Promise<User | null>;
  create(input: {
    email: string;
    name: string;
    passwordHash: string;
    isPlatformAdmin: boolean;
  }): Promise<User>;
  update(
    id: string,
    changes: { name: string; passwordHash: string; isPlatformAdmin: boolean },
  ): Promise<User | null>;
}

export interface SessionRevoker {
  revokeAllForUser(userId: string): Promise<number>;
}

export interface BootstrapAdminInput {
  email: string;
  name: string;
  password: string;
}

/**
 * `conman bootstrap-admin`: creates a platform admin, or turns an existing account into one with the
 * new name and password and signs it out everywhere. The password policy applies.
 */
export async function bootstrapAdmin(
  stores: { users: AdminAccountStore; sessions: SessionRevoker },
  input: BootstrapAdminInput,
): Promise<{ user: User; created: boolean }> {
  const email = normalizeEmail(input.email);
  const name = input.name.trim();
  if (!isPlausibleEmail(email)) throw new ValidationError('Invalid email', { fields: ['email'] });
  if (name.length === 0) throw new ValidationError('Name is required', { fields: ['name'] });
  const policy = checkPassword(input.password, email);
  if (!policy.ok) throw new ValidationError('Password does not meet the policy', { reasons: policy.reasons });
  const passwordHash = await hashPassword(input.password);
  const existing = await stores.users.findByEmail(email);
  if (!existing) {
    return {
      user: await stores.users.create({ email, name, passwordHash, isPlatformAdmin: true }),
      created: true,
    };
  }
  const user = await stores.users.update(existing.id, { name, passwordHash, isPlatformAdmin: true });
  if (!user) throw new Error(`user ${existing.id} vanished during bootstrap-admin`);
  await stores.sessions.revokeAllForUser(user.id);
  return { user, created: false };
}
