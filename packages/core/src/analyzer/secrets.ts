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

const PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;
const PEM_PRIVATE_KEY_BLOCK =
  /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----[\s\S]*?(?:-----END \1-----|$)/g;
const AWS_ACCESS_KEY = /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g;
const KNOWN_TOKENS = [
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, // GitHub
  /\bgithub_pat_[A-Za-z0-9_]{22,}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g, // GitLab
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, // Slack
  /\b[rs]k_live_[A-Za-z0-9]{16,}\b/g, // Stripe
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API key
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g, // JWT
];
const TOKEN_CANDIDATE = /[A-Za-z0-9+/=_-]{24,}/g;
/** `key: value`, `key=value`, `"key": "value"` in free text (a quoted value may hold spaces). */
const KEY_VALUE =
  /\b((?:[A-Za-z0-9]+[_.-])*[A-Za-z0-9]+)(["']?[ \t]*[:=][ \t]*)("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|\$\{[^}\s]*\}|[^\s"',;}\]]+)/g;

/** "the password is hunt3r!" in prose: a secret word, maybe a verb, then one credential-like word. */
const PROSE_SECRET =
  /\b((?:password|passwd|passphrase|secret|token|api[ _-]?key|private[ _-]?key)s?\s+(?:(?:is|was|of|=)\s+)?)([^\s"',;]{6,})/gi;

/** A word that is not plain prose: it has a digit, a symbol, or upper case after the first letter. */
function looksLikeCredential(word: string): boolean {
  const trimmed = word.replace(/[.?!)]+$/, '');
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
  /^\$\{[^}]+\}$/,
  /^\$[A-Za-z_][A-Za-z0-9_]*$/,
  /^\{\{[\s\S]*\}\}$/,
  /^<[^>]+>$/,
  /^(?:env|vault|secret|secrets|secretref|ref|file|op|aws-sm|gcp-sm|azure-kv)(?::|:\/\/)/i,
  /^[*xX•.]+$/,
  /^\[?redacted\]?$/i,
];

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
  if (matches(AWS_ACCESS_KEY, value)) return 'aws_access_key';
  if (KNOWN_TOKENS.some((pattern) => matches(pattern, value))) return 'known_token';
  if (keyName !== undefined && isSecretKeyName(keyName) && value.trim() !== '' && !isSecretReference(value)) {
    return 'secret_key_name';
  }
  return (value.match(TOKEN_CANDIDATE) ?? []).some(isHighEntropyToken) ? 'high_entropy' : undefined;
}

function matches(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  const found = pattern.test(text);
  pattern.lastIndex = 0;
  return found;
}

/** Shows the shape of a secret, never the secret: `hu****** (12 characters)`. */
export function maskSecret(value: string): string {
  const visible = value.length >= 12 ? value.slice(0, 2) : '';
  return `${visible}${'*'.repeat(6)} (${value.length} characters)`;
}

export const SECRET_PLACEHOLDER = '[REDACTED]';

/** Replaces secret-looking substrings of free text (PEM blocks, AWS keys, known tokens, random tokens). */
export function redactSecretsInText(text: string): string {
  let output = text
    .replace(PEM_PRIVATE_KEY_BLOCK, SECRET_PLACEHOLDER)
    .replace(AWS_ACCESS_KEY, SECRET_PLACEHOLDER);
  for (const pattern of KNOWN_TOKENS) output = output.replace(pattern, SECRET_PLACEHOLDER);
  output = output.replace(KEY_VALUE, (all, key: string, separator: string, quoted: string) => {
    const value = /^["']/.test(quoted) ? quoted.slice(1, -1) : quoted;
    if (!isSecretKeyName(key) || value.trim() === '' || isSecretReference(value)) return all;
    const quote = /^["']/.test(quoted) ? quoted[0] : '';
    return `${key}${separator}${quote}${SECRET_PLACEHOLDER}${quote}`;
  });
  output = output.replace(PROSE_SECRET, (all, lead: string, value: string) =>
    looksLikeCredential(value) && !isSecretReference(value) ? `${lead}${SECRET_PLACEHOLDER}` : all,
  );
  return output.replace(TOKEN_CANDIDATE, (token) => (isHighEntropyToken(token) ? SECRET_PLACEHOLDER : token));
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
  if (pem) return { kind: 'private_key', value: pem[0] };
  for (const [kind, patterns] of [
    ['aws_access_key', [AWS_ACCESS_KEY]],
    ['known_token', KNOWN_TOKENS],
  ] as const) {
    for (const pattern of patterns) {
      pattern.lastIndex = 0;
      const found = pattern.exec(line);
      pattern.lastIndex = 0;
      if (found) return { kind, value: found[0] };
    }
  }
  KEY_VALUE.lastIndex = 0;
  for (const match of line.matchAll(KEY_VALUE)) {
    const key = match[1] ?? '';
    const quoted = match[3] ?? '';
    const value = /^["']/.test(quoted) ? quoted.slice(1, -1) : quoted;
    if (isSecretKeyName(key) && value.trim() !== '' && !isSecretReference(value)) {
      return { kind: 'secret_key_name', value };
    }
  }
  const token = (line.match(TOKEN_CANDIDATE) ?? []).find(isHighEntropyToken);
  return token === undefined ? undefined : { kind: 'high_entropy', value: token };
}
