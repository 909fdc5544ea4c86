import { LinearRegExp } from '../linear-regexp';

/**
 * A small, pure glob matcher for every settings glob: semantic diff rules, `blocked_paths`, and the
 * `.conman/schemas.json` globs of the gate checks (no I/O). Supported syntax:
 * `**` (any number of path segments), `*` and `?` (within one segment), `[abc]` / `[!abc]` classes,
 * `{a,b}` alternatives and the extglobs `?(..)`, `*(..)`, `+(..)`, `@(..)` with `|` alternatives
 * (SPEC §6.6 uses `config/tenant.y?(a)ml`). `!(..)` is not supported. Patterns match the whole
 * repository-relative path (`/` separators, no leading slash).
 *
 * Globs come from app settings and `.conman/schemas.json` (member input). They compile to a linear-time
 * engine (`LinearRegExp`), so no path can make matching backtrack; the bounds on length and wildcards
 * keep the compiled program small and are checked when settings are saved.
 */
export const MAX_GLOB_LENGTH = 256;
export const MAX_GLOB_WILDCARDS = 6;

const EXTGLOB_QUANTIFIER: Record<string, string> = { '?': '?', '*': '*', '+': '+', '@': '' };
const REGEX_SPECIAL = /[.+^$()|{}[\]\\*?]/;

/** Why `glob` cannot be used by the settings matcher (length, wildcards, syntax), or null. */
export function globComplexityProblem(glob: string): string | null {
  if (glob.length > MAX_GLOB_LENGTH) return `is longer than ${MAX_GLOB_LENGTH} characters`;
  // Runs of `*` count once (`**`, `***`); every extglob group counts too.
  if (wildcardCount(glob) > MAX_GLOB_WILDCARDS) {
    return `has more than ${MAX_GLOB_WILDCARDS} wildcards (\`*\`, \`**\`, extglob groups)`;
  }
  return globToRegExp(glob) === undefined
    ? 'does not compile (unbalanced brackets, braces or groups, or !(..))'
    : null;
}

function wildcardCount(glob: string): number {
  let count = 0;
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index];
    const starRun = char === '*' && glob[index - 1] !== '*' && glob[index + 1] !== '(';
    if (starRun || ('?*+@'.includes(char ?? '') && glob[index + 1] === '(')) count += 1;
  }
  return count;
}

/** The glob as a whole-path linear-time matcher, or undefined when it is malformed or too complex. */
export function globToRegExp(glob: string): LinearRegExp | undefined {
  if (glob.length > MAX_GLOB_LENGTH || wildcardCount(glob) > MAX_GLOB_WILDCARDS) return undefined;
  const groups: string[] = []; // '{' for braces, or the extglob operator
  let source = '';
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index] ?? '';
    const next = glob[index + 1];
    const top = groups[groups.length - 1];
    if (char === '\\') {
      if (next === undefined) return undefined;
      source += escapeChar(next);
      index += 1;
    } else if (char in EXTGLOB_QUANTIFIER && next === '(') {
      groups.push(char);
      source += '(?:';
      index += 1;
    } else if (char === '*' && next === '*' && atSegmentStart(glob, index) && atSegmentEnd(glob, index + 2)) {
      // `**/` also matches zero segments; a trailing `**` matches everything below.
      if (glob[index + 2] === '/') {
        // `**/**/` is `**/`: repeating the group would only multiply backtracking.
        if (!source.endsWith('(?:.*/)?')) source += '(?:.*/)?';
        index += 2;
      } else {
        source += '.*';
        index += 1;
      }
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '[') {
      const close = glob.indexOf(']', index + 2);
      if (close === -1) return undefined;
      let body = glob.slice(index + 1, close);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      source += `[${negated ? '^/' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      index = close;
    } else if (char === '{') {
      groups.push('{');
      source += '(?:';
    } else if (char === ',' && top === '{') {
      source += '|';
    } else if (char === '}' && top === '{') {
      groups.pop();
      source += ')';
    } else if (char === '|' && top !== undefined && top !== '{') {
      source += '|';
    } else if (char === ')' && top !== undefined && top !== '{') {
      groups.pop();
      source += `)${EXTGLOB_QUANTIFIER[top] ?? ''}`;
    } else if (char === '(' || char === ')') {
      return undefined; // a parenthesis outside an extglob is almost surely a typo (escape it to mean it)
    } else {
      source += escapeChar(char);
    }
  }
  if (groups.length > 0) return undefined;
  try {
    return new LinearRegExp(`^${source}$`);
  } catch {
    return undefined;
  }
}

function escapeChar(char: string): string {
  return REGEX_SPECIAL.test(char) ? `\\${char}` : char;
}

function atSegmentStart(glob: string, index: number): boolean {
  return index === 0 || glob[index - 1] === '/';
}

function atSegmentEnd(glob: string, index: number): boolean {
  return index === glob.length || glob[index] === '/';
}

const cache = new Map<string, LinearRegExp | undefined>();

/** True when `path` matches `glob`; an invalid glob matches nothing. */
export function matchesGlob(path: string, glob: string): boolean {
  if (!cache.has(glob)) {
    if (cache.size > 1000) cache.clear();
    cache.set(glob, globToRegExp(glob));
  }
  return cache.get(glob)?.test(path) ?? false;
}
