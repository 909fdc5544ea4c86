import { REDACTED, redact, redactString } from '@conman/core';

describe('redact', () => {
  it('masks values under sensitive keys at any depth without touching the input', () => {
    const input = {
      user: 'ann@example.com',
      password: 'correct horse battery staple',
      nested: {
        apiKey: 'k-123',
        api_key: 'k-456',
        api_key_id: '0123456789abcdef01234567',
        refresh_token: 'rt',
        headers: { authorization: 'Bearer abc' },
      },
      list: [{ secret: 'x' }, 'plain'],
    };
    expect(redact(input)).toEqual({
      user: 'ann@example.com',
      password: REDACTED,
      nested: {
        apiKey: REDACTED,
        api_key: REDACTED,
        api_key_id: '0123456789abcdef01234567',
        refresh_token: REDACTED,
        headers: { authorization: REDACTED },
      },
      list: [{ secret: REDACTED }, 'plain'],
    });
    expect(input.password).toBe('correct horse battery staple');
  });

  it('removes JWTs, bearer tokens and URI passwords from free text', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl';
    const text = `token ${jwt} via Bearer abc.def and mongodb://admin:hunter2@db:27017/x`;
    const clean = redactString(text);
    expect(clean).not.toContain(jwt);
    expect(clean).not.toContain('abc.def');
    expect(clean).not.toContain('hunter2');
    expect(clean).toContain('mongodb://admin:[REDACTED]@db:27017/x');
  });

  it('handles cycles and errors', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(redact(cyclic)).toEqual({ name: 'loop', self: '[Circular]' });
    const error = redact({ error: new Error('failed for redis://u:pw@host') }) as {
      error: { message: string };
    };
    expect(error.error.message).toBe('failed for redis://u:[REDACTED]@host');
  });
});
