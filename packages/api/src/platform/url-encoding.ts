import type { RequestHandler } from 'express';
import { ValidationError } from '@conman/core';

function decodes(component: string): boolean {
  try {
    decodeURIComponent(component);
    return true;
  } catch {
    return false;
  }
}

/**
 * Refuses URLs whose percent-encoding does not decode to UTF-8 (`/api/apps/%`, `?path=%ED%A0%80`)
 * with a 400, before routing: the router would throw while decoding a path id (a 500 with a stack
 * trace), and the query parser would silently replace the bytes with U+FFFD.
 */
export function requireWellFormedUrls(): RequestHandler {
  return (req, _res, next) => {
    const queryStart = req.url.indexOf('?');
    const path = queryStart === -1 ? req.url : req.url.slice(0, queryStart);
    const query = queryStart === -1 ? '' : req.url.slice(queryStart + 1);
    const components = [path, ...query.split(/[&=]/).map((part) => part.replaceAll('+', ' '))];
    if (components.every(decodes)) return next();
    next(new ValidationError('The URL contains malformed percent-encoding (not UTF-8)'));
  };
}
