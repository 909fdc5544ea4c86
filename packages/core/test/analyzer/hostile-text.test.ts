import { findSecretInLine, redactSecretsInText } from '../../src/analyzer/secrets';
import { LinearRegExp } from '../../src/linear-regexp';

/**
 * Shapes of ~120 KB that took a backtracking engine from 30 s to minutes on the analyzer's old
 * patterns. The detectors now match in linear time; the bound below is generous for a loaded machine.
 */
const HOSTILE_LINES: Record<string, string> = {
  'key=value run of separators': `${'a.'.repeat(60_000)}:`,
  'secret word then a run of dots': `password is ${'.'.repeat(120_000)}x`,
  'unterminated PEM headers': '-----BEGIN A '.repeat(9_000),
  'PEM blocks without END lines': '-----BEGIN RSA PRIVATE KEY-----\n'.repeat(4_000),
};

describe('secret detectors on hostile text', () => {
  it.each(Object.entries(HOSTILE_LINES))('finish quickly on %s', (_shape, text) => {
    const started = performance.now();
    findSecretInLine(text);
    redactSecretsInText(text);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('still redact PEM blocks through their END line, and an unterminated one to the end', () => {
    const block = '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----';
    expect(redactSecretsInText(`a ${block} b`)).toBe('a [REDACTED] b');
    expect(redactSecretsInText('x -----BEGIN EC PRIVATE KEY-----\nabc')).toBe('x [REDACTED]');
  });
});

describe('LinearRegExp', () => {
  it('matches, captures and replaces like RegExp, and refuses backreferences', () => {
    const pattern = new LinearRegExp('(a)(b)?');
    expect(pattern.exec('xxab')).toEqual({ text: 'ab', index: 2, groups: ['a', 'b'] });
    expect(pattern.matchAll('a ab').map((match) => match.groups)).toEqual([
      ['a', undefined],
      ['a', 'b'],
    ]);
    expect(pattern.replace('a-ab-c', (match) => `<${match.text}>`)).toBe('<a>-<ab>-c');
    expect(new LinearRegExp('foo', { ignoreCase: true }).test('FOO')).toBe(true);
    expect(() => new LinearRegExp('(a)\\1')).toThrow();
  });
});
