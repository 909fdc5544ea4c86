import { mongoError } from '../errors';
import { bsonTypeName, isRegexValue } from './bson-types';
import { regexFlags, regexPattern } from './compare';

const SUPPORTED_OPTIONS = /^[imsxu]*$/;
const cache = new Map<string, RegExp>();

/** PCRE's extended mode (`x`) ignores unescaped whitespace and `#` comments; JS has no such flag. */
function stripExtended(pattern: string): string {
  let result = '';
  let inClass = false;
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index] as string;
    if (char === '\\') {
      result += char + (pattern[index + 1] ?? '');
      index += 1;
    } else if (inClass) {
      if (char === ']') inClass = false;
      result += char;
    } else if (char === '[') {
      inClass = true;
      result += char;
    } else if (char === '#') {
      while (index < pattern.length && pattern[index] !== '\n') index += 1;
    } else if (!/\s/.test(char)) {
      result += char;
    }
  }
  return result;
}

export function buildRegex(pattern: string, options: string): RegExp {
  const key = `${options}/${pattern}`;
  const cached = cache.get(key);
  if (cached) return cached;
  if (!SUPPORTED_OPTIONS.test(options)) {
    const bad = [...options].find((flag) => !'imsxu'.includes(flag));
    throw mongoError(51108, `invalid flag in regex options: ${bad}`);
  }
  // PCRE allows leading inline options such as `(?i)`; JavaScript only takes them as flags.
  const inline = /^\(\?([imsx]+)\)/.exec(pattern);
  const allOptions = options + (inline?.[1] ?? '');
  const body = inline ? pattern.slice(inline[0].length) : pattern;
  const source = allOptions.includes('x') ? stripExtended(body) : body;
  const flags = [...new Set(allOptions.replace(/[xu]/g, ''))].join('');
  let regex: RegExp;
  try {
    regex = new RegExp(source, flags);
  } catch (error) {
    throw mongoError(51091, `Regular expression is invalid: ${(error as Error).message}`);
  }
  if (cache.size > 1000) cache.clear();
  cache.set(key, regex);
  return regex;
}

/** A JS RegExp for a stored regex value (BSONRegExp or RegExp), ignoring JS-only flags like `g`. */
export function regexFromValue(value: unknown): RegExp {
  return buildRegex(regexPattern(value), regexFlags(value).replace(/[^imsxu]/g, ''));
}

/** Query regex semantics: strings and symbols match by pattern; stored regexes match when identical. */
export function regexMatches(regex: unknown, value: unknown): boolean {
  if (typeof value === 'string') return regexFromValue(regex).test(value);
  if (bsonTypeName(value) === 'symbol') return regexFromValue(regex).test(String(value));
  if (isRegexValue(value)) {
    return regexPattern(value) === regexPattern(regex) && regexFlags(value) === regexFlags(regex);
  }
  return false;
}
