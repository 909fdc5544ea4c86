import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 bits of randomness: beyond guessing, and double the usual 128-bit floor (docs/identity.md "Tokens"). */
const TOKEN_BYTES = 32;

/** Recognizable prefix so leaked keys are easy to spot in logs and by secret scanners. */
export const API_KEY_PREFIX = 'cmk_';

export interface IssuedToken {
  /** Sent to the user once (email or API response); never stored. */
  token: string;
  /** Stored and looked up instead of the token. */
  hash: string;
}

export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A random base64url token for invites and password resets. */
export function issueOpaqueToken(): IssuedToken {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, hash: hashOpaqueToken(token) };
}

export function issueApiKey(): IssuedToken {
  const token = `${API_KEY_PREFIX}${randomBytes(TOKEN_BYTES).toString('base64url')}`;
  return { token, hash: hashOpaqueToken(token) };
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX) && value.length > API_KEY_PREFIX.length;
}

/** Compares a presented token with a stored hash without leaking the position of the first difference. */
export function tokenMatchesHash(token: string, storedHash: string): boolean {
  const presented = Buffer.from(hashOpaqueToken(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
