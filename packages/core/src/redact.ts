/**
 * Removes secrets from anything about to be logged or audited: values under sensitive keys, bearer
 * tokens and JWTs inside strings, and passwords inside connection URIs.
 */
export const REDACTED = '[REDACTED]';

const SENSITIVE_KEY =
  /(pass(word|wd)?|secret|token|api[_-]?key|authorization|cookie|credential|private[_-]?key|master[_-]?key|session[_-]?id|^sid$)/i;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const URI_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):[^@/?#\s]+@/gi;

/** An API key's id names the key (logs and audit context carry it); only the key itself is secret. */
const API_KEY_ID = /^api[_-]?key[_-]?id$/i;

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key) && !API_KEY_ID.test(key);
}

export function redactString(text: string): string {
  return text
    .replace(JWT, REDACTED)
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(URI_PASSWORD, `$1:${REDACTED}@`);
}

export function redact<T>(value: T): T {
  return redactValue(value, new WeakSet()) as T;
}

function redactValue(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, seen));
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactString(value.message),
      stack: value.stack && redactString(value.stack),
    };
  }
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  const output: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    output[key] =
      isSensitiveKey(key) && item !== undefined && item !== null ? REDACTED : redactValue(item, seen);
  }
  return output;
}
