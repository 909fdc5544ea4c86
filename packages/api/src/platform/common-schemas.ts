import { z } from 'zod';
import { type TextKind, unsafeTextReason } from '@conman/core';

/** SPEC §3: ids are MongoDB ObjectIds as 24 lowercase hex characters; anything else is a validation error. */
export const objectId = z
  .string()
  .regex(/^[0-9a-f]{24}$/, 'Must be a 24-character hexadecimal id')
  .meta({ description: 'MongoDB ObjectId (24 hex characters)', example: '665f1c2ab8e4d2a1f0c3b9a7' });

/** Refuses control and bidi characters and lone surrogates (core's `unsafeTextReason`). */
function safeText(schema: z.ZodString, kind: TextKind) {
  return schema.superRefine((value, context) => {
    const reason = unsafeTextReason(value, kind);
    if (reason !== undefined) context.addIssue({ code: 'custom', message: `Text ${reason}` });
  });
}

/**
 * Every free-text field people read in a UI or log goes through these two helpers (docs/api-conventions.md):
 * titles and names are one trimmed, non-empty line; descriptions, comments and messages may span lines
 * (tab, LF and CR allowed). Both refuse NUL, ANSI escapes, other C0/C1 controls, bidi overrides and
 * isolates, and lone surrogates with a 400.
 */
export function singleLineText(maxLength: number) {
  return safeText(z.string().trim().min(1).max(maxLength), 'single_line');
}

/** Multi-line text; `allowEmpty: true` allows the empty string (a description that may be blank). */
export function multiLineText(maxLength: number, options: { allowEmpty?: boolean } = {}) {
  const base = options.allowEmpty ? z.string().max(maxLength) : z.string().trim().min(1).max(maxLength);
  return safeText(base, 'multi_line');
}
