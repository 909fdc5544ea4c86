import { isWellFormedText, unsafeTextReason } from '@conman/core';

describe('unsafe text characters', () => {
  it.each(['Plain title', 'Ünïcode — “quotes” 👩‍💻', 'right\u200fto-left mark', 'a\u00a0b'])(
    'accepts %j on one line',
    (text) => {
      expect(unsafeTextReason(text, 'single_line')).toBeUndefined();
    },
  );

  it.each([
    ['nul\u0000', 'U+0000'],
    ['ansi \u001b[2J', 'U+001B'],
    ['tab\there', 'U+0009'],
    ['line\nbreak', 'U+000A'],
    ['del\u007f', 'U+007F'],
    ['c1 \u0085', 'U+0085'],
    ['override \u202e', 'U+202E'],
    ['embedding \u202a', 'U+202A'],
    ['isolate \u2067', 'U+2067'],
    ['pop isolate \u2069', 'U+2069'],
  ])('refuses %j on one line, naming %s', (text, codePoint) => {
    expect(unsafeTextReason(text, 'single_line')).toContain(codePoint);
  });

  it('allows tab, line feed and carriage return only in multi-line text', () => {
    expect(unsafeTextReason('a\tb\r\nc\n', 'multi_line')).toBeUndefined();
    expect(unsafeTextReason('a\u000bb', 'multi_line')).toContain('U+000B');
    expect(unsafeTextReason('bell\u0007', 'multi_line')).toContain('U+0007');
    expect(unsafeTextReason('\u2066x\u2069', 'multi_line')).toContain('U+2066');
  });

  it('refuses lone surrogates and keeps surrogate pairs', () => {
    expect(isWellFormedText('👍')).toBe(true);
    expect(isWellFormedText('a\ud83d')).toBe(false);
    expect(isWellFormedText('\udc4da')).toBe(false);
    expect(unsafeTextReason('x\ud800', 'multi_line')).toContain('surrogate');
  });
});
