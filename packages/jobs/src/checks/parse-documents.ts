import { LineCounter, parseAllDocuments } from 'yaml';
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
  try {
    return { ok: true, documents: [JSON.parse(text) as unknown] };
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message)?.[1];
    // V8 names no position when the text ends early: the problem is at the end.
    const offset =
      position !== undefined ? Number(position) : message.includes('end of JSON') ? text.length : undefined;
    const where = offset === undefined ? {} : lineAndColumn(text, offset);
    return { ok: false, failure: { check: 'parse', file, ...where, message } };
  }
}

function parseYaml(file: string, text: string): ParseOutcome {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { prettyErrors: false, lineCounter });
  const list = Array.isArray(documents) ? documents : [documents];
  for (const document of list) {
    const [error] = document.errors;
    if (error) {
      const where = lineCounter.linePos(error.pos[0]);
      return {
        ok: false,
        failure: {
          check: 'parse',
          file,
          line: where.line,
          column: where.col,
          message: error.message,
        },
      };
    }
  }
  return { ok: true, documents: list.map((document) => document.toJS() as unknown) };
}

/** Parses a JSON or YAML file; a YAML file may hold several documents. */
export function parseDocument(file: string, format: DocumentFormat, text: string): ParseOutcome {
  return format === 'json' ? parseJson(file, text) : parseYaml(file, text);
}
