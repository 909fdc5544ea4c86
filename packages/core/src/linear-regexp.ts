import { RE2JS } from 're2js';

/**
 * A regular expression matched in time linear in the input (RE2 semantics through the pure-JS
 * `re2js`: no backreferences, no lookaround). Every pattern that runs on member-supplied content
 * (analyzer detectors, JSON Schema `pattern`s, settings globs) uses this instead of `RegExp`, whose
 * backtracking can take exponential time on a hostile input (see docs/security.md).
 */
export class LinearRegExp {
  private readonly compiled: RE2JS;

  /** Throws when `source` is not valid RE2 syntax (e.g. a backreference). */
  constructor(
    readonly source: string,
    options: { ignoreCase?: boolean } = {},
  ) {
    this.compiled = RE2JS.compile(source, options.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  }

  /** Like `RegExp`: ajv, for one, caches compiled patterns by this string. */
  toString(): string {
    return `/${this.source}/`;
  }

  test(text: string): boolean {
    return this.compiled.test(text);
  }

  /** The first match (groups that did not take part are undefined), or null. */
  exec(text: string): LinearMatch | null {
    const found = this.compiled.exec(text) as (string | null)[] | null;
    return found ? toMatch(found, (found as unknown as { index: number }).index) : null;
  }

  /** Every non-overlapping match, left to right. */
  matchAll(text: string): LinearMatch[] {
    return [...this.compiled.matchAll(text)].map((found) =>
      toMatch(found as unknown as (string | null)[], found.index ?? 0),
    );
  }

  /** Replaces every match with what `replacer` returns for it. */
  replace(text: string, replacer: (match: LinearMatch) => string): string {
    let output = '';
    let copied = 0;
    for (const match of this.matchAll(text)) {
      output += text.slice(copied, match.index) + replacer(match);
      copied = match.index + match.text.length;
    }
    return output + text.slice(copied);
  }
}

export interface LinearMatch {
  text: string;
  index: number;
  /** Capture groups from 1; `groups[0]` is group 1. */
  groups: (string | undefined)[];
}

function toMatch(found: (string | null)[], index: number): LinearMatch {
  return {
    text: found[0] ?? '',
    index,
    groups: found.slice(1).map((group) => group ?? undefined),
  };
}
