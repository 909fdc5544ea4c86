import { checkPassword, isPlausibleEmail, normalizeEmail } from '@conman/core';

describe('checkPassword', () => {
  it.each([
    ['exactly 12 characters', 'Zx9!mQ2#vL7p'],
    ['128 characters', 'aB3$'.repeat(32)],
    ['a passphrase with spaces', 'tangerine orbit lantern'],
  ])('accepts %s', (_label, password) => {
    expect(checkPassword(password, 'ann@example.com')).toEqual({ ok: true, reasons: [] });
  });

  it.each([
    ['11 characters', 'Zx9!mQ2#vL7', ['too_short']],
    ['129 characters', 'a'.repeat(129), ['too_long']],
    ['the email', 'Ann.Long@Example.com', ['equals_email']],
    ['a common password', 'Password1234', ['common_password']],
    ['short and common', 'password', ['too_short']],
  ])('rejects %s', (_label, password, reasons) => {
    expect(checkPassword(password, 'ann.long@example.com')).toEqual({ ok: false, reasons });
  });

  it('counts characters, not UTF-16 units', () => {
    expect(checkPassword('🔑'.repeat(12)).ok).toBe(true);
    expect(checkPassword('🔑'.repeat(11)).reasons).toEqual(['too_short']);
  });

  it('compares with the email regardless of case and surrounding spaces', () => {
    expect(checkPassword('someone@example.org', '  SomeOne@Example.ORG ').reasons).toEqual(['equals_email']);
  });
});

describe('emails', () => {
  it('normalizes to trimmed lowercase', () => {
    expect(normalizeEmail('  Ann@Example.COM ')).toBe('ann@example.com');
  });

  it('recognises plausible addresses only', () => {
    expect(isPlausibleEmail('ann@example.com')).toBe(true);
    expect(isPlausibleEmail('ann@localhost')).toBe(false);
    expect(isPlausibleEmail('ann example@x.io')).toBe(false);
    expect(isPlausibleEmail(`${'a'.repeat(250)}@x.io`)).toBe(false);
  });
});
