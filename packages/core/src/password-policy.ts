/**
 * Password rules (docs/identity.md "Passwords"), shared by accept-invite, reset-password and bootstrap-admin.
 */

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * Frequent leaked passwords that already satisfy the length rule (shorter ones are refused by length
 * anyway). Compared case-insensitively.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456789abc',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  'aaaaaaaaaaaa',
  'abc123456789',
  'abcdefghijkl',
  'administrator',
  'changeme1234',
  'iloveyou1234',
  'letmein12345',
  'password1234',
  'password12345',
  'password123!',
  'passw0rd1234',
  'p@ssw0rd1234',
  'qwerty123456',
  'qwertyuiop12',
  'qwertyuiopas',
  'qazwsxedcrfv',
  'welcome12345',
  'welcome123!!',
  'trustno1trustno1',
  'superman1234',
  'football1234',
  'baseball1234',
  'monkey123456',
  'dragon123456',
  'sunshine1234',
  'princess1234',
  'passwordpassword',
  'correcthorsebatterystaple',
  '000000000000',
  '111111111111',
  '987654321098',
]);

export type PasswordRejection = 'too_short' | 'too_long' | 'equals_email' | 'common_password';

export interface PasswordCheck {
  ok: boolean;
  reasons: PasswordRejection[];
}

/** Checks a candidate password; `reasons` lists every rule it breaks (empty when `ok`). */
export function checkPassword(password: string, email?: string): PasswordCheck {
  const reasons: PasswordRejection[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) reasons.push('too_short');
  if (length > PASSWORD_MAX_LENGTH) reasons.push('too_long');
  const lowered = password.toLowerCase();
  if (email !== undefined && lowered === normalizeEmail(email)) reasons.push('equals_email');
  if (COMMON_PASSWORDS.has(lowered)) reasons.push('common_password');
  return { ok: reasons.length === 0, reasons };
}

/** Emails are compared and stored trimmed and lowercased (docs/identity.md "Database invariants"). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isPlausibleEmail(email: string): boolean {
  const normalized = normalizeEmail(email);
  return normalized.length <= 254 && EMAIL_SHAPE.test(normalized);
}
