import { z } from 'zod';
import { ValidationError } from '@conman/core';

export type RequestPart = 'params' | 'query' | 'body';

/** One entry of `details.fields` in a `validation_error` envelope. */
export interface FieldError {
  path: string;
  message: string;
  code: string;
}

function formatPath(part: RequestPart, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`),
    part,
  );
}

export function fieldErrors(part: RequestPart, issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((issue): FieldError[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: formatPath(part, [...issue.path, key]),
          message: 'Unknown field',
          code: issue.code,
        }))
      : [{ path: formatPath(part, issue.path), message: issue.message, code: issue.code }],
  );
}

export function requestValidationError(fields: FieldError[]): ValidationError {
  return new ValidationError('Request validation failed', { fields });
}

/**
 * Unknown body fields are rejected (docs/api-conventions.md "Decisions"), which only strict objects do.
 * Checked when a route is defined, so a module that forgets `z.strictObject` fails at startup instead of
 * silently dropping fields.
 */
export function assertStrictBodySchema(schema: z.ZodType, routeLabel: string): void {
  const jsonSchema = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  const lenient = lenientObjectPointers(jsonSchema, '#');
  if (lenient.length > 0) {
    throw new Error(
      `${routeLabel}: request body objects must reject unknown fields (use z.strictObject); lenient at ${lenient.join(', ')}`,
    );
  }
}

function lenientObjectPointers(node: unknown, pointer: string): string[] {
  if (Array.isArray(node))
    return node.flatMap((item, index) => lenientObjectPointers(item, `${pointer}/${index}`));
  if (node === null || typeof node !== 'object') return [];
  const record = node as Record<string, unknown>;
  const isLenientObject =
    record.type === 'object' && 'properties' in record && record.additionalProperties === undefined;
  const nested = Object.entries(record).flatMap(([key, value]) =>
    lenientObjectPointers(value, `${pointer}/${key}`),
  );
  return isLenientObject ? [pointer, ...nested] : nested;
}
