import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '@conman/core';

export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** The error body (docs/api-conventions.md "Envelopes"): `{error: {code, message, request_id, details?}}`. */
export const errorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      request_id: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({
    id: 'ErrorEnvelope',
    description: 'Every error response: a code from the closed list, a message and the request id.',
  });

export type ErrorEnvelope = z.output<typeof errorEnvelopeSchema>;

/** What a client sees for `internal`: the real cause only goes to the logs. */
export const INTERNAL_ERROR_MESSAGE = 'Internal server error';
