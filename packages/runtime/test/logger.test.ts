import { PassThrough } from 'node:stream';
import { runWithRequestContext } from '@conman/core';
import { createLogger } from '@conman/runtime';

function capture(): { stream: PassThrough; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return {
    stream,
    lines: () =>
      text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes JSON lines with the request context and without secrets', async () => {
    const output = capture();
    const logger = createLogger({ level: 'info', service: 'test', stream: output.stream });
    runWithRequestContext({ requestId: 'req-1', userId: 'user-9', appId: 'app-3' }, () => {
      logger.info('login attempt', { email: 'a@example.com', password: 'hunter2hunter2', token: 'tok' });
    });
    logger.child({ component: 'jobs' }).warn('connecting to redis://user:pw@host:6379');
    logger.debug('below the level');
    await new Promise((resolve) => setImmediate(resolve));
    const [first, second, third] = output.lines();
    expect(first).toMatchObject({
      level: 'info',
      message: 'login attempt',
      service: 'test',
      request_id: 'req-1',
      user_id: 'user-9',
      app_id: 'app-3',
      email: 'a@example.com',
      password: '[REDACTED]',
      token: '[REDACTED]',
    });
    expect(typeof first?.timestamp).toBe('string');
    expect(second).toMatchObject({
      component: 'jobs',
      message: 'connecting to redis://user:[REDACTED]@host:6379',
    });
    expect(third).toBeUndefined();
  });
});
