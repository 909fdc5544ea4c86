/**
 * A small, pure glob matcher for classification rules (no dependency, no I/O). Supported syntax:
 * `**` (any number of path segments), `*` and `?` (within one segment), `[abc]` / `[!abc]` classes,
 * `{a,b}` alternatives and the extglobs `?(..)`, `*(..)`, `+(..)`, `@(..)` with `|` alternatives
 * (SPEC §6.6 uses `config/tenant.y?(a)ml`). `!(..)` is not supported. Patterns match the whole
 * repository-relative path (`/` separators, no leading slash).
 */
/**
 * Globs come from app settings and become regular expressions, which backtrack: bounding their
 * length and wildcard count keeps matching cheap (a glob beyond the bounds matches nothing).
 */
export const MAX_GLOB_LENGTH = 256;
export const MAX_GLOB_WILDCARDS = 6;

const EXTGLOB_QUANTIFIER: Record<string, string> = { '?': '?', '*': '*', '+': '+', '@': '' };
const REGEX_SPECIAL = /[.+^$()|{}[\]\\*?]/;

export function globToRegExp(glob: string): RegExp | undefined {
  if (glob.length > MAX_GLOB_LENGTH) return undefined;
  // Runs of `*` count once (`**`, `***`); every extglob group counts too.
  if ((glob.match(/\*+|[?*+@]\(/g) ?? []).length > MAX_GLOB_WILDCARDS) return undefined;
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
    } else {
      source += escapeChar(char);
    }
  }
  if (groups.length > 0) return undefined;
  try {
    return new RegExp(`^${source}$`);
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

const cache = new Map<string, RegExp | undefined>();

/** True when `path` matches `glob`; an invalid glob matches nothing. */
export function matchesGlob(path: string, glob: string): boolean {
  if (!cache.has(glob)) {
    if (cache.size > 1000) cache.clear();
    cache.set(glob, globToRegExp(glob));
  }
  return cache.get(glob)?.test(path) ?? false;
}
