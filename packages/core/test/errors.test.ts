import {
  ConflictError,
  ERROR_STATUS,
  NotFoundError,
  RateLimitedError,
  ValidationError,
  isConmanError,
} from '@conman/core';

describe('typed errors', () => {
  it('carry the documented code and HTTP status', () => {
    expect(new ValidationError('bad').status).toBe(400);
    expect(new NotFoundError().code).toBe('not_found');
    expect(new ConflictError('stale', { expected: 'a' })).toMatchObject({
      status: 409,
      details: { expected: 'a' },
    });
    expect(new RateLimitedError(30)).toMatchObject({ status: 429, retryAfterSeconds: 30 });
    expect(isConmanError(new Error('plain'))).toBe(false);
    expect(ERROR_STATUS.git_error).toBe(502);
  });
});
