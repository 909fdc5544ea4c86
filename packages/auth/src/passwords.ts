import argon2 from 'argon2';

/**
 * argon2id with the OWASP-recommended floor (19 MiB, t=2; docs/identity.md "Passwords"). The parameters
 * travel inside each encoded hash, so raising them later keeps old hashes verifiable.
 */
export const PASSWORD_HASH_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, PASSWORD_HASH_OPTIONS);
}

/** False for a wrong password and for a malformed stored hash; never throws on bad input. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(storedHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies against `storedHash`, or — when the account does not exist — against a throwaway hash with
 * the same parameters and returns false, so a login for an unknown email costs the same time as one
 * with a wrong password and does not reveal whether the account exists.
 */
export async function verifyPasswordOrDummy(
  storedHash: string | undefined,
  password: string,
): Promise<boolean> {
  if (storedHash !== undefined) return verifyPassword(storedHash, password);
  dummyHash ??= hashPassword('dummy password that is never a real credential');
  await verifyPassword(await dummyHash, password);
  return false;
}
