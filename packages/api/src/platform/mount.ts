import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { AnyReply } from './replies';
import type { ResponseSpec, Route } from './route';
import type { AccessGuard, ItemRequest } from './access';
import { requestIdOf, setRouteTemplate } from './locals';
import { type FieldError, type RequestPart, fieldErrors, requestValidationError } from './validation';
import { paginationSchema } from './pagination';

/** A route without a body schema accepts no body, or `{}`: any field in it is unknown. */
const NO_BODY = z.strictObject({}).optional();

export interface MountOptions {
  /** Prefix of every route, `/api`; part of the route template used in metrics and logs. */
  basePath: string;
  /** Check each reply against its declared schema and fail with 500 on a mismatch (development aid). */
  validateResponses: boolean;
  /** Enforces each route's declared access before its handler runs. */
  guard: AccessGuard;
}

interface ParsedRequest {
  params: unknown;
  query: unknown;
  body: unknown;
}

function parseRequest(route: Route, req: Request): ParsedRequest {
  const fields: FieldError[] = [];
  const parsePart = (part: RequestPart, schema: z.ZodType | undefined, value: unknown): unknown => {
    if (schema === undefined) return undefined;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    fields.push(...fieldErrors(part, result.error.issues));
    return undefined;
  };
  const parsed = {
    params: parsePart('params', route.request.params, req.params),
    query: parsePart('query', route.request.query, req.query),
    body: parsePart('body', route.request.body ?? NO_BODY, req.body),
  };
  if (fields.length > 0) throw requestValidationError(fields);
  return route.request.body === undefined ? { ...parsed, body: undefined } : parsed;
}

function assertReplyMatches(route: Route, spec: ResponseSpec, reply: AnyReply): void {
  let checked: { schema: z.ZodType; value: unknown } | undefined;
  if (spec.kind === 'data' && reply.kind === 'data') checked = { schema: spec.schema, value: reply.data };
  if (spec.kind === 'page' && reply.kind === 'page') {
    checked = {
      schema: z.object({ data: z.array(spec.schema), pagination: paginationSchema }),
      value: { data: reply.items, pagination: reply.pagination },
    };
  }
  if (checked === undefined) return;
  const result = checked.schema.safeParse(checked.value);
  if (!result.success) {
    throw new Error(
      `${route.operationId}: ${reply.status} reply does not match its schema: ${z.prettifyError(result.error)}`,
    );
  }
}

function specFor(route: Route, reply: AnyReply): ResponseSpec {
  const spec = route.responses[reply.status as keyof Route['responses']];
  const kindMatches =
    spec !== undefined && (spec.kind === reply.kind || (spec.kind === 'raw' && reply.kind === 'file'));
  if (!kindMatches) {
    throw new Error(
      `${route.operationId}: handler replied ${reply.kind} ${reply.status}, which is not declared`,
    );
  }
  return spec;
}

function sendFile(res: Response, absolutePath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    res.sendFile(absolutePath, { dotfiles: 'allow' }, (error) => (error ? reject(error) : resolve()));
  });
}

async function sendReply(res: Response, reply: AnyReply): Promise<void> {
  res.status(reply.status);
  switch (reply.kind) {
    case 'data':
      res.json({ data: reply.data });
      return;
    case 'page':
      res.json({ data: reply.items, pagination: reply.pagination });
      return;
    case 'empty':
      res.end();
      return;
    case 'raw':
      res.type(reply.contentType).send(reply.body);
      return;
    case 'file':
      await sendFile(res, reply.absolutePath);
      return;
  }
}

export function mountRoute(router: Router, route: Route, options: MountOptions): void {
  const template = `${options.basePath}${route.path}`;
  router[route.method](route.path, async (req, res) => {
    setRouteTemplate(res, template);
    const parsed = parseRequest(route, req);
    const grant = await options.guard.grant(route.access, req, parsed as ItemRequest);
    const reply = await route.handle({ ...parsed, request: req, requestId: requestIdOf(res) ?? '' }, grant);
    const spec = specFor(route, reply);
    if (options.validateResponses) assertReplyMatches(route, spec, reply);
    await sendReply(res, reply);
  });
}
