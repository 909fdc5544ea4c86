import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { UnauthorizedError } from '@conman/core';

export const DEFAULT_SESSION_TTL_SECONDS = 24 * 60 * 60;
const ALGORITHM = 'HS256';
const MIN_SECRET_BYTES = 32;

export interface SessionClaims {
  /** User id. */
  sub: string;
  /** Session id; the session document decides whether the token is still alive. */
  sid: string;
  iat: number;
  exp: number;
}

export interface SignSessionTokenInput {
  userId: string;
  sessionId: string;
  secret: string;
  ttlSeconds?: number;
  /** Seconds since the epoch; tests pass it to mint already-expired tokens. */
  issuedAt?: number;
}

function assertSecret(secret: string): void {
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    throw new Error(`JWT secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
}

const secretKeys = new Map<string, KeyObject>();

/**
 * The secret as a KeyObject, made once per secret. Given a string, jsonwebtoken first tries to parse it
 * as a PEM public key on every call; that failed parse cost about a third of an authenticated request.
 */
function keyOf(secret: string): KeyObject {
  let key = secretKeys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    secretKeys.set(secret, key);
  }
  return key;
}

export function signSessionToken(input: SignSessionTokenInput): string {
  assertSecret(input.secret);
  const iat = input.issuedAt ?? Math.floor(Date.now() / 1000);
  const exp = iat + (input.ttlSeconds ?? DEFAULT_SESSION_TTL_SECONDS);
  return jwt.sign({ sub: input.userId, sid: input.sessionId, iat, exp }, keyOf(input.secret), {
    algorithm: ALGORITHM,
  });
}

/**
 * Verifies signature (HS256 only — `none` and every other algorithm are refused), expiry and claim
 * shapes. Every failure is the same `UnauthorizedError`: a caller learns nothing about why.
 */
export function verifySessionToken(token: string, secret: string): SessionClaims {
  assertSecret(secret);
  let payload: unknown;
  try {
    payload = jwt.verify(token, keyOf(secret), { algorithms: [ALGORITHM] });
  } catch {
    throw new UnauthorizedError('Invalid or expired token');
  }
  if (!isSessionClaims(payload)) throw new UnauthorizedError('Invalid or expired token');
  return { sub: payload.sub, sid: payload.sid, iat: payload.iat, exp: payload.exp };
}

function isSessionClaims(payload: unknown): payload is SessionClaims {
  if (typeof payload !== 'object' || payload === null) return false;
  const claims = payload as Record<string, unknown>;
  return (
    typeof claims.sub === 'string' &&
    claims.sub.length > 0 &&
    typeof claims.sid === 'string' &&
    claims.sid.length > 0 &&
    typeof claims.iat === 'number' &&
    typeof claims.exp === 'number'
  );
}
