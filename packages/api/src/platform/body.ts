import { isUtf8 } from 'node:buffer';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import {
  type ConmanError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
  isWellFormedText,
} from '@conman/core';
import { requestValidationError } from './validation';

const JSON_CONTENT_TYPES = ['application/json', 'application/*+json'];
const UTF8_CHARSETS = new Set(['utf-8', 'utf8']);
// What a JSON text in UTF-16 or UTF-32 starts with when its writer marked the encoding.
const WIDE_BYTE_ORDER_MARKS = [
  Buffer.from([0x00, 0x00, 0xfe, 0xff]),
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xfe, 0xff]),
];
/** `type` of the error our body check raises inside the parser, mapped below like the parser's own. */
const NOT_UTF8 = 'body.not.utf8';

/** type-is counts `Content-Length: 0` as a body; an empty request is simply a request without one. */
function hasBody(req: Request): boolean {
  const length = req.get('content-length');
  return req.get('transfer-encoding') !== undefined || (length !== undefined && length !== '0');
}

/** The `charset` parameter of the Content-Type, lower-cased, if any (type-is has validated the syntax). */
function declaredCharset(req: Request): string | undefined {
  for (const parameter of (req.get('content-type') ?? '').split(';').slice(1)) {
    const [name = '', value = ''] = parameter.split('=', 2).map((part) => part.trim());
    if (name.toLowerCase() === 'charset') return value.replace(/^"(.*)"$/, '$1').toLowerCase();
  }
  return undefined;
}

/**
 * The API takes UTF-8 JSON only. A body of another type is a `validation_error` (400), one code for
 * every unreadable body; a JSON body declared in another charset is 415: the media type is right but
 * its encoding is one the API does not read (RFC 8259 makes UTF-8 the only interoperable one).
 */
function requireJsonBodies(): RequestHandler {
  return (req, _res, next) => {
    if (!hasBody(req)) return next();
    if (!req.is(JSON_CONTENT_TYPES)) {
      return next(
        new ValidationError('Request bodies must be JSON (Content-Type: application/json)', {
          content_type: req.get('content-type')?.slice(0, 200) ?? null,
        }),
      );
    }
    const charset = declaredCharset(req);
    if (charset !== undefined && !UTF8_CHARSETS.has(charset)) {
      return next(
        new UnsupportedMediaTypeError('JSON bodies must be UTF-8', { charset: charset.slice(0, 40) }),
      );
    }
    next();
  };
}

/** Runs on the raw (decompressed) bytes before parsing: invalid UTF-8 would be decoded to U+FFFD. */
function verifyUtf8(_req: Request, _res: Response, body: Buffer): void {
  if (isUtf8(body)) return;
  const wide = WIDE_BYTE_ORDER_MARKS.some((mark) => body.subarray(0, mark.length).equals(mark));
  throw Object.assign(new Error('body is not UTF-8'), { type: wide ? 'charset.unsupported' : NOT_UTF8 });
}

/** Errors raised while reading a body (body-parser, raw-body, zlib) carry an HTTP `status`. */
interface BodyReadError {
  status: number;
  type?: string;
  limit?: number;
}

function isBodyReadError(error: unknown): error is BodyReadError {
  return typeof error === 'object' && error !== null && typeof (error as BodyReadError).status === 'number';
}

/** The client error for a failed body read; `undefined` for a server-side failure (rendered as 500). */
function bodyReadError(error: unknown, req: Request): ConmanError | undefined {
  if (!isBodyReadError(error) || error.status >= 500) return undefined;
  const contentEncoding = req.get('content-encoding')?.slice(0, 40);
  switch (error.type) {
    case 'entity.too.large':
      return new PayloadTooLargeError(`Request body is larger than the limit of ${error.limit} bytes`, {
        limit_bytes: error.limit,
      });
    case 'entity.parse.failed':
      return new ValidationError('Malformed JSON in request body');
    case 'encoding.unsupported':
      return new UnsupportedMediaTypeError('Unsupported Content-Encoding; use gzip, deflate, br or none', {
        content_encoding: contentEncoding ?? null,
      });
    case 'charset.unsupported':
      return new UnsupportedMediaTypeError('JSON bodies must be UTF-8');
    case NOT_UTF8:
      return new ValidationError('Request body is not valid UTF-8');
  }
  // Corrupt gzip/deflate/br data surfaces as a zlib error the reader marked 400, with no `type`.
  if (contentEncoding !== undefined && contentEncoding.toLowerCase() !== 'identity') {
    return new ValidationError('Request body could not be decompressed', {
      content_encoding: contentEncoding,
    });
  }
  return new ValidationError('Unreadable request body');
}

/** JSON path (`body.items[2].name`) of the first string or key holding a lone surrogate. */
function malformedStringPath(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return isWellFormedText(value) ? undefined : path;
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = malformedStringPath(item, `${path}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    if (!isWellFormedText(key)) return path;
    const found = malformedStringPath(item, `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Parses UTF-8 JSON with the server's size limit (on the decompressed size), turning every failure
 * into the client error it is, and refuses strings with lone surrogates (`"\ud800"` escapes), which
 * MongoDB and Git would silently store as U+FFFD.
 */
function parseJson(limitBytes: number): RequestHandler {
  const parser = express.json({
    limit: limitBytes,
    type: JSON_CONTENT_TYPES,
    strict: true,
    verify: verifyUtf8,
  });
  return (req, res, next: NextFunction) => {
    parser(req, res, (error?: unknown) => {
      if (error !== undefined) return next(bodyReadError(error, req) ?? error);
      const malformed = malformedStringPath(req.body, 'body');
      if (malformed === undefined) return next();
      next(
        requestValidationError([
          { path: malformed, message: 'Contains a lone UTF-16 surrogate', code: 'invalid_string' },
        ]),
      );
    });
  };
}

/** JSON-only, UTF-8-only bodies with the size limit; every failure is a 4xx in the envelope. */
export function jsonBodies(limitBytes: number): RequestHandler[] {
  return [requireJsonBodies(), parseJson(limitBytes)];
}
