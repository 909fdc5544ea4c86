/**
 * Characters refused in user-visible text (titles, names, comments) and in repository paths: they
 * are invisible or reorder what a reviewer sees (Trojan Source bidi attacks), corrupt terminals and
 * logs (ANSI escapes start with ESC), or end strings early in C code (NUL). See docs/api-conventions.md.
 */

// C0 controls, DEL, C1 controls, bidi embeddings/overrides (U+202A–U+202E) and isolates (U+2066–U+2069).
// eslint-disable-next-line no-control-regex
const UNSAFE_SINGLE_LINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
// The same, but tab, line feed and carriage return are ordinary in multi-line text.
// eslint-disable-next-line no-control-regex
const UNSAFE_MULTI_LINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

// In unicode mode a surrogate pair is one code point, so only a lone surrogate is a `Surrogate` match.
const LONE_SURROGATE = /\p{Surrogate}/u;

/** False when `text` holds a lone UTF-16 surrogate, i.e. is not valid Unicode. */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

export type TextKind = 'single_line' | 'multi_line';

/** `U+001B` style name of a code point, safe to echo in an error message. */
export function codePointName(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Why `text` may not be stored, or `undefined` when it may. Lone UTF-16 surrogates are refused rather
 * than stored: MongoDB and Git would silently turn them into U+FFFD, changing what the client sent.
 */
export function unsafeTextReason(text: string, kind: TextKind): string | undefined {
  if (!isWellFormedText(text)) return 'contains a lone UTF-16 surrogate (invalid Unicode)';
  const match = (kind === 'multi_line' ? UNSAFE_MULTI_LINE : UNSAFE_SINGLE_LINE).exec(text);
  if (match) return `contains the control or bidi character ${codePointName(match[0])}`;
  return undefined;
}
