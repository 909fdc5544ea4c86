import express, { type Request, type RequestHandler } from 'express';
import { ValidationError } from '@conman/core';

const JSON_CONTENT_TYPES = ['application/json', 'application/*+json'];

/** type-is counts `Content-Length: 0` as a body; an empty request is simply a request without one. */
function hasBody(req: Request): boolean {
  const length = req.get('content-length');
  return req.get('transfer-encoding') !== undefined || (length !== undefined && length !== '0');
}

/**
 * The API takes JSON only (SPEC §3). A body of another type is a `validation_error` (400): SPEC §3's
 * code table has no 415, and one code for every unreadable body keeps clients simple.
 */
function requireJsonBodies(): RequestHandler {
  return (req, _res, next) => {
    if (hasBody(req) && !req.is(JSON_CONTENT_TYPES)) {
      next(
        new ValidationError('Request bodies must be JSON (Content-Type: application/json)', {
          content_type: req.get('content-type') ?? null,
        }),
      );
      return;
    }
    next();
  };
}

/** JSON parsing with the server's size limit; parse and size errors are rendered by `renderErrors`. */
export function jsonBodies(limitBytes: number): RequestHandler[] {
  return [requireJsonBodies(), express.json({ limit: limitBytes, type: JSON_CONTENT_TYPES, strict: true })];
}
