import { isDependencyUnavailableError, UnavailableError } from '@conman/core';

/** An error shaped like a driver's: drivers set `name` to their class name. */
function named(name: string, message = 'boom'): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

describe('isDependencyUnavailableError', () => {
  it.each([
    named('MongoServerSelectionError', 'Server selection timed out after 2000 ms'),
    named('MongoNetworkTimeoutError', 'connection 3 to 127.0.0.1:27017 timed out'),
    named('MongoNetworkError', 'connection closed'),
    named('MongoPoolClearedError'),
    named('MongoTopologyClosedError'),
    new Error('Command timed out'),
    new Error('Connection is closed.'),
    new Error("Stream isn't writeable and enableOfflineQueue options is false"),
    named('MaxRetriesPerRequestError', 'Reached the max retries per request limit (which is 1).'),
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }),
  ])('recognises %s', (error) => {
    expect(isDependencyUnavailableError(error)).toBe(true);
  });

  it('follows the cause of a wrapping error', () => {
    const wrapped = new Error('loading the session failed', { cause: named('MongoNetworkTimeoutError') });
    expect(isDependencyUnavailableError(wrapped)).toBe(true);
  });

  it.each([
    new Error('E11000 duplicate key error'),
    named('MongoServerError', 'Document failed validation'),
    new UnavailableError('Rate limiting is unavailable'),
    new TypeError('Command timed out while parsing'),
    'Command timed out',
    undefined,
  ])('does not mistake %p for an unavailable dependency', (error) => {
    expect(isDependencyUnavailableError(error)).toBe(false);
  });

  it('stops on a cause cycle', () => {
    const first = new Error('first');
    const second = new Error('second', { cause: first });
    Object.assign(first, { cause: second });
    expect(isDependencyUnavailableError(first)).toBe(false);
  });
});
