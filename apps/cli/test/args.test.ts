import { optionalPort, parseArgs, UsageError } from '../src/args';

const OPTIONS = { port: 'value', 'data-dir': 'value', verbose: 'flag' } as const;

describe('parseArgs', () => {
  it('reads the command, spaced and inline values, and flags', () => {
    expect(parseArgs(['up', '--port', '4000', '--data-dir=/tmp/x=y', '--verbose'], OPTIONS)).toEqual({
      command: 'up',
      options: { port: '4000', 'data-dir': '/tmp/x=y', verbose: true },
    });
  });

  it.each([[['up', '--nope']], [['up', '--port']], [['up', '--port', '--data-dir', 'x']], [['up', 'stray']]])(
    'rejects %p',
    (argv) => {
      expect(() => parseArgs(argv, OPTIONS)).toThrow(UsageError);
    },
  );

  it('validates ports', () => {
    expect(optionalPort('0')).toBe(0);
    expect(optionalPort(undefined)).toBeUndefined();
    expect(() => optionalPort('70000')).toThrow(UsageError);
    expect(() => optionalPort('abc')).toThrow(UsageError);
  });
});
