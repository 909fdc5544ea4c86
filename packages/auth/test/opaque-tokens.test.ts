import {
  API_KEY_PREFIX,
  hashOpaqueToken,
  issueApiKey,
  issueOpaqueToken,
  looksLikeApiKey,
  tokenMatchesHash,
} from '@conman/auth';

describe('opaque tokens', () => {
  it('are base64url with at least 128 bits and hashed with SHA-256', () => {
    const { token, hash } = issueOpaqueToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(token, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(hashOpaqueToken(token));
    expect(hash).not.toContain(token);
  });

  it('are unique', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => issueOpaqueToken().token));
    expect(tokens.size).toBe(200);
  });

  it('match only their own hash', () => {
    const first = issueOpaqueToken();
    const second = issueOpaqueToken();
    expect(tokenMatchesHash(first.token, first.hash)).toBe(true);
    expect(tokenMatchesHash(first.token, second.hash)).toBe(false);
    expect(tokenMatchesHash(first.token, 'abcd')).toBe(false);
    expect(tokenMatchesHash(first.token, '')).toBe(false);
  });
});

describe('API keys', () => {
  it('carry the cmk_ prefix and are recognised by it', () => {
    const { token, hash } = issueApiKey();
    expect(token.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(looksLikeApiKey(token)).toBe(true);
    expect(looksLikeApiKey('cmk_')).toBe(false);
    expect(looksLikeApiKey(issueOpaqueToken().token)).toBe(false);
    expect(tokenMatchesHash(token, hash)).toBe(true);
  });
});
