import { parseJsonWithinLimits, parseYamlWithinLimits } from '@conman/core';
import { LineCounter } from 'yaml';
import type { CheckFailure } from './types';

export type DocumentFormat = 'json' | 'yaml';

export function documentFormatOf(file: string): DocumentFormat | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  return undefined;
}

export type ParseOutcome = { ok: true; documents: unknown[] } | { ok: false; failure: CheckFailure };

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function parseJson(file: string, text: string): ParseOutcome {
  const outcome = parseJsonWithinLimits(text);
  if (outcome.ok) return { ok: true, documents: [outcome.value] };
  if (outcome.breach) return { ok: false, failure: { check: 'parse', file, message: outcome.error } };
  const message = outcome.error;
  const position = /at position (\d+)/.exec(message)?.[1];
  // V8 names no position when the text ends early: the problem is at the end.
  const offset =
    position !== undefined ? Number(position) : message.includes('end of JSON') ? text.length : undefined;
  const where = offset === undefined ? {} : lineAndColumn(text, offset);
  return { ok: false, failure: { check: 'parse', file, ...where, message } };
}

function parseYaml(file: string, text: string): ParseOutcome {
  const lineCounter = new LineCounter();
  const outcome = parseYamlWithinLimits(text, { lineCounter });
  if (outcome.ok) return { ok: true, documents: outcome.values };
  const where = outcome.syntaxError ? lineCounter.linePos(outcome.syntaxError.pos[0]) : undefined;
  return {
    ok: false,
    failure: {
      check: 'parse',
      file,
      ...(where && { line: where.line, column: where.col }),
      message: outcome.error,
    },
  };
}

/**
 * Parses a JSON or YAML file (a YAML file may hold several documents) within the limits on untrusted
 * content (`STRUCTURED_LIMITS`): a file past them fails the parse check, saying which limit.
 */
export function parseDocument(file: string, format: DocumentFormat, text: string): ParseOutcome {
  return format === 'json' ? parseJson(file, text) : parseYaml(file, text);
}
