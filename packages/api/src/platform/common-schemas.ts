import { z } from 'zod';

/** SPEC §3: ids are MongoDB ObjectIds as 24 lowercase hex characters; anything else is a validation error. */
export const objectId = z
  .string()
  .regex(/^[0-9a-f]{24}$/, 'Must be a 24-character hexadecimal id')
  .meta({ description: 'MongoDB ObjectId (24 hex characters)', example: '665f1c2ab8e4d2a1f0c3b9a7' });
