import { LinearRegExp } from '../linear-regexp';

/**
 * Detects secret-looking plaintext values. Used by the built-in analyzer (findings) and by the AI
 * assistant (redaction before anything is sent to a model), so both agree on what a secret is.
 */
export type SecretKind =
  'private_key' | 'aws_access_key' | 'known_token' | 'secret_key_name' | 'high_entropy';

export const SECRET_KIND_LABELS: Record<SecretKind, string> = {
  private_key: 'PEM private key',
  aws_access_key: 'AWS access key id',
  known_token: 'access token',
  secret_key_name: 'value of a secret-named key',
  high_entropy: 'high-entropy string',
};

// Every detector runs on member-supplied text: linear-time matching only (see docs/security.md).
const PEM_PRIVATE_KEY = new LinearRegExp(String.raw`-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----`);
const AWS_ACCESS_KEY = new LinearRegExp(
  String.raw`\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b`,
);
const KNOWN_TOKENS = [
  String.raw`\bgh[pousr]_[A-Za-z0-9]{36,}\b`, // GitHub
  String.raw`\bgithub_pat_[A-Za-z0-9_]{22,}\b`,
  String.raw`\bglpat-[A-Za-z0-9_-]{20,}\b`, // GitLab
  String.raw`\bxox[abposr]-[A-Za-z0-9-]{10,}\b`, // Slack
  String.raw`\b[rs]k_live_[A-Za-z0-9]{16,}\b`, // Stripe
  String.raw`\bAIza[0-9A-Za-z_-]{35}\b`, // Google API key
  String.raw`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b`, // JWT
].map((source) => new LinearRegExp(source));
const TOKEN_CANDIDATE = new LinearRegExp('[A-Za-z0-9+/=_-]{24,}');
/** `key: value`, `key=value`, `"key": "value"` in free text (a quoted value may hold spaces). */
const KEY_VALUE = new LinearRegExp(
  String.raw`\b((?:[A-Za-z0-9]+[_.-])*[A-Za-z0-9]+)(["']?[ \t]*[:=][ \t]*)("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|\$\{[^}\s]*\}|[^\s"',;}\]]+)`,
);

/** "the password is hunt3r!" in prose: a secret word, maybe a verb, then one credential-like word. */
const PROSE_SECRET = new LinearRegExp(
  String.raw`\b((?:password|passwd|passphrase|secret|token|api[ _-]?key|private[ _-]?key)s?\s+(?:(?:is|was|of|=)\s+)?)([^\s"',;]{6,})`,
  { ignoreCase: true },
);

function unquote(quoted: string): string {
  return /^["']/.test(quoted) ? quoted.slice(1, -1) : quoted;
}

/** A word that is not plain prose: it has a digit, a symbol, or upper case after the first letter. */
function looksLikeCredential(word: string): boolean {
  // A loop, not `/[.?!)]+$/`: that pattern retries at every position of a long run of dots.
  let end = word.length;
  while (end > 0 && '.?!)'.includes(word[end - 1] ?? '')) end -= 1;
  const trimmed = word.slice(0, end);
  return /[0-9]/.test(trimmed) || /[^A-Za-z0-9]/.test(trimmed) || /.[A-Z]/.test(trimmed);
}

/** Last word(s) of a key name that mark its value as a secret (`db_password`, `apiKey`, `client-secret`). */
const SECRET_LAST_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'token',
  'credential',
  'credentials',
]);
const SECRET_LAST_TWO_WORDS = new Set([
  'api_key',
  'private_key',
  'secret_key',
  'access_key',
  'auth_key',
  'signing_key',
  'encryption_key',
  'master_key',
  'client_secret',
]);
const SECRET_SINGLE_WORDS = new Set(['apikey', 'privatekey', 'secretkey', 'accesskey']);

/** Values that point at a secret instead of holding it: `${DB_PASSWORD}`, `{{ vault }}`, `env:X`, `****`. */
const REFERENCE_PATTERNS = [
  String.raw`^\$\{[^}]+\}$`,
  String.raw`^\$[A-Za-z_][A-Za-z0-9_]*$`,
  String.raw`^\{\{[\s\S]*\}\}$`,
  String.raw`^<[^>]+>$`,
  String.raw`^(?:env|vault|secret|secrets|secretref|ref|file|op|aws-sm|gcp-sm|azure-kv)(?::|://)`,
  String.raw`^[*xX•.]+$`,
  String.raw`^\[?redacted\]?$`,
].map((source) => new LinearRegExp(source, { ignoreCase: true }));

export function isSecretKeyName(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
  const last = words[words.length - 1];
  if (last === undefined) return false;
  if (SECRET_LAST_WORDS.has(last) || SECRET_SINGLE_WORDS.has(last)) return true;
  return words.length >= 2 && SECRET_LAST_TWO_WORDS.has(`${words[words.length - 2]}_${last}`);
}

export function isSecretReference(value: string): boolean {
  const trimmed = value.trim();
  return REFERENCE_PATTERNS.some((pattern) => pattern.test(trimmed));
}

function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const probability = count / text.length;
    entropy -= probability * Math.log2(probability);
  }
  return entropy;
}

/**
 * A random-looking token: ≥ 24 characters of the base64/base64url alphabet mixing upper case, lower
 * case and digits, Shannon entropy ≥ 3.9 bits/char (≥ 4.3 from 32 characters), and not made mostly of
 * words (`CustomerAddressProvider2024` is an identifier, not a key). Hex-only strings (commit SHAs,
 * checksums, UUIDs) are not flagged.
 */
export function isHighEntropyToken(token: string): boolean {
  if (token.length < 24 || !/^[A-Za-z0-9+/=_-]+$/.test(token)) return false;
  if (!/[A-Z]/.test(token) || !/[a-z]/.test(token) || !/[0-9]/.test(token)) return false;
  if (shannonEntropy(token) < (token.length >= 32 ? 4.3 : 3.9)) return false;
  const wordLength = (token.match(/[A-Z]?[a-z]{3,}/g) ?? []).join('').length;
  return wordLength / token.length <= 0.5;
}

/** What makes `value` look like a secret, or undefined. `keyName` is the key holding it, when known. */
export function detectSecret(value: string, keyName?: string): SecretKind | undefined {
  if (PEM_PRIVATE_KEY.test(value)) return 'private_key';
  if (AWS_ACCESS_KEY.test(value)) return 'aws_access_key';
  if (KNOWN_TOKENS.some((pattern) => pattern.test(value))) return 'known_token';
  if (keyName !== undefined && isSecretKeyName(keyName) && value.trim() !== '' && !isSecretReference(value)) {
    return 'secret_key_name';
  }
  return TOKEN_CANDIDATE.matchAll(value).some((match) => isHighEntropyToken(match.text))
    ? 'high_entropy'
    : undefined;
}

/**
 * PEM private key blocks, each through its matching END line (or the end of the text). The END line
 * is found with `indexOf`: a backreference to the label would need a backtracking engine.
 */
function redactPemBlocks(text: string): string {
  let output = '';
  let copied = 0;
  for (;;) {
    const rest = text.slice(copied);
    const begin = PEM_PRIVATE_KEY.exec(rest);
    if (!begin) return output + rest;
    const endLine = `-----END ${begin.groups[0] ?? ''}-----`;
    const searchFrom = copied + begin.index + begin.text.length;
    const end = text.indexOf(endLine, searchFrom);
    output += rest.slice(0, begin.index) + SECRET_PLACEHOLDER;
    if (end === -1) return output;
    copied = end + endLine.length;
  }
}

const replaceAll = (pattern: LinearRegExp, text: string) => pattern.replace(text, () => SECRET_PLACEHOLDER);

/** Shows the shape of a secret, never the secret: `hu****** (12 characters)`. */
export function maskSecret(value: string): string {
  const visible = value.length >= 12 ? value.slice(0, 2) : '';
  return `${visible}${'*'.repeat(6)} (${value.length} characters)`;
}

export const SECRET_PLACEHOLDER = '[REDACTED]';

/** Replaces secret-looking substrings of free text (PEM blocks, AWS keys, known tokens, random tokens). */
export function redactSecretsInText(text: string): string {
  let output = replaceAll(AWS_ACCESS_KEY, redactPemBlocks(text));
  for (const pattern of KNOWN_TOKENS) output = replaceAll(pattern, output);
  output = KEY_VALUE.replace(output, ({ text: all, groups: [key = '', separator = '', quoted = ''] }) => {
    const value = unquote(quoted);
    if (!isSecretKeyName(key) || value.trim() === '' || isSecretReference(value)) return all;
    const quote = /^["']/.test(quoted) ? quoted[0] : '';
    return `${key}${separator}${quote}${SECRET_PLACEHOLDER}${quote}`;
  });
  output = PROSE_SECRET.replace(output, ({ text: all, groups: [lead = '', value = ''] }) =>
    looksLikeCredential(value) && !isSecretReference(value) ? `${lead}${SECRET_PLACEHOLDER}` : all,
  );
  return TOKEN_CANDIDATE.replace(output, ({ text: token }) =>
    isHighEntropyToken(token) ? SECRET_PLACEHOLDER : token,
  );
}

/**
 * Deep copy of a JSON-like value with every secret-looking string replaced: strings under a
 * secret-named key, and secret-looking substrings of any other string.
 */
export function redactSecretValues(value: unknown, keyName?: string): unknown {
  const secretKey = keyName !== undefined && isSecretKeyName(keyName);
  if (typeof value === 'string') {
    if (secretKey && value.trim() !== '' && !isSecretReference(value)) return SECRET_PLACEHOLDER;
    return redactSecretsInText(value);
  }
  if (typeof value === 'number' && secretKey) return SECRET_PLACEHOLDER;
  if (Array.isArray(value)) return value.map((item) => redactSecretValues(item, keyName));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactSecretValues(item, key)]),
    );
  }
  return value;
}

/** The first secret-looking value on one line of free text (for files compared line by line). */
export function findSecretInLine(line: string): { kind: SecretKind; value: string } | undefined {
  const pem = PEM_PRIVATE_KEY.exec(line);
  if (pem) return { kind: 'private_key', value: pem.text };
  for (const [kind, patterns] of [
    ['aws_access_key', [AWS_ACCESS_KEY]],
    ['known_token', KNOWN_TOKENS],
  ] as const) {
    for (const pattern of patterns) {
      const found = pattern.exec(line);
      if (found) return { kind, value: found.text };
    }
  }
  for (const { groups } of KEY_VALUE.matchAll(line)) {
    const [key = '', , quoted = ''] = groups;
    const value = unquote(quoted);
    if (isSecretKeyName(key) && value.trim() !== '' && !isSecretReference(value)) {
      return { kind: 'secret_key_name', value };
    }
  }
  const token = TOKEN_CANDIDATE.matchAll(line).find((match) => isHighEntropyToken(match.text));
  return token === undefined ? undefined : { kind: 'high_entropy', value: token.text };
}
