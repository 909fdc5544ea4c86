import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { UnauthorizedError } from '@conman/core';
import { signSessionToken, verifySessionToken } from '@conman/auth';

const SECRET = 'a'.repeat(48);
const OTHER_SECRET = 'b'.repeat(48);

function encode(part: object): string {
  return Buffer.from(JSON.stringify(part)).toString('base64url');
}

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { sub: 'user-1', sid: 'session-1', iat: now, exp: now + 60, ...overrides };
}

function expectUnauthorized(token: string, secret = SECRET): void {
  expect(() => verifySessionToken(token, secret)).toThrow(UnauthorizedError);
}

describe('session tokens', () => {
  it('round-trips sub, sid, iat and exp with a 24 h default lifetime', () => {
    const token = signSessionToken({ userId: 'user-1', sessionId: 'session-1', secret: SECRET });
    const verified = verifySessionToken(token, SECRET);
    expect(verified).toMatchObject({ sub: 'user-1', sid: 'session-1' });
    expect(verified.exp - verified.iat).toBe(24 * 60 * 60);
    expect(JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString())).toEqual({
      alg: 'HS256',
      typ: 'JWT',
    });
  });

  it('rejects an expired token', () => {
    const issuedAt = Math.floor(Date.now() / 1000) - 7200;
    expectUnauthorized(
      signSessionToken({ userId: 'u', sessionId: 's', secret: SECRET, issuedAt, ttlSeconds: 3600 }),
    );
  });

  it('rejects a token signed with another secret', () => {
    expectUnauthorized(signSessionToken({ userId: 'u', sessionId: 's', secret: OTHER_SECRET }));
  });

  it('rejects a tampered payload', () => {
    const token = signSessionToken({ userId: 'user-1', sessionId: 's', secret: SECRET });
    const [header, , signature] = token.split('.');
    expectUnauthorized(`${header}.${encode(claims({ sub: 'admin' }))}.${signature}`);
  });

  it('rejects alg none, with or without a signature', () => {
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims())}`;
    expectUnauthorized(`${unsigned}.`);
    expectUnauthorized(unsigned);
  });

  it('rejects other HMAC algorithms even with the right secret', () => {
    expectUnauthorized(jwt.sign(claims(), SECRET, { algorithm: 'HS512' }));
    const header = encode({ alg: 'HS384', typ: 'JWT' });
    const body = encode(claims());
    const signature = createHmac('sha384', SECRET).update(`${header}.${body}`).digest('base64url');
    expectUnauthorized(`${header}.${body}.${signature}`);
  });

  it('rejects tokens without the session claims', () => {
    expectUnauthorized(jwt.sign(claims({ sid: undefined }), SECRET, { algorithm: 'HS256' }));
    expectUnauthorized(jwt.sign(claims({ sub: 42 }), SECRET, { algorithm: 'HS256' }));
  });

  it('rejects garbage', () => {
    for (const token of ['', 'abc', 'a.b.c', 'Bearer x']) expectUnauthorized(token);
  });

  it('refuses short secrets', () => {
    expect(() => signSessionToken({ userId: 'u', sessionId: 's', secret: 'short' })).toThrow(
      /at least 32 bytes/,
    );
  });
});
