import type { Request } from 'express';
import type { z } from 'zod';
import type { ErrorCode } from '@conman/core';
import { assertAccessDeclaration, type Granted, type RouteAccess } from './access';

export type { RouteAccess } from './access';
import type { AnyReply, DataReply, EmptyReply, FileReply, PageReply, RawReply } from './replies';
import { assertStrictBodySchema } from './validation';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type SuccessStatus = 200 | 201 | 202 | 204;

/** `{data: <schema>}` */
export interface DataResponse<S extends z.ZodType = z.ZodType> {
  readonly kind: 'data';
  readonly schema: S;
  readonly description: string;
}

/** `{data: <item schema>[], pagination}` */
export interface PageResponse<S extends z.ZodType = z.ZodType> {
  readonly kind: 'page';
  readonly schema: S;
  readonly description: string;
}

export interface EmptyResponse {
  readonly kind: 'empty';
  readonly description: string;
}

/** A non-enveloped body of the given content type (handler replies with `raw` or `file`). */
export interface RawResponse {
  readonly kind: 'raw';
  readonly contentType: string;
  readonly description: string;
}

export type ResponseSpec = DataResponse | PageResponse | EmptyResponse | RawResponse;
export type ResponseSpecs = { readonly [S in SuccessStatus]?: ResponseSpec };

export function dataResponse<S extends z.ZodType>(schema: S, description: string): DataResponse<S> {
  return { kind: 'data', schema, description };
}

export function pageResponse<S extends z.ZodType>(itemSchema: S, description: string): PageResponse<S> {
  return { kind: 'page', schema: itemSchema, description };
}

export function emptyResponse(description: string): EmptyResponse {
  return { kind: 'empty', description };
}

export function rawResponse(contentType: string, description: string): RawResponse {
  return { kind: 'raw', contentType, description };
}

type ReplyForSpec<S extends number, Spec> =
  Spec extends DataResponse<infer Schema>
    ? DataReply<S, z.output<Schema>>
    : Spec extends PageResponse<infer Schema>
      ? PageReply<S, z.output<Schema>>
      : Spec extends EmptyResponse
        ? EmptyReply<S>
        : Spec extends RawResponse
          ? RawReply<S> | FileReply<S>
          : never;

/** The replies a handler may return: exactly the statuses and shapes its `responses` declare. */
export type ReplyFor<R extends ResponseSpecs> = {
  [S in keyof R & SuccessStatus]: ReplyForSpec<S, R[S]>;
}[keyof R & SuccessStatus];

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

type ParamsSchema = z.ZodObject | undefined;
type QuerySchema = z.ZodObject | undefined;
type BodySchema = z.ZodType | undefined;

/** What the platform hands a handler before the route's types are applied. */
export interface ParsedRequestContext {
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
  readonly requestId: string;
  /** For headers only; never for params/query/body (use the parsed ones) nor credentials (use the grant). */
  readonly request: Request;
}

export type HandlerContext<P, Q, B, A extends RouteAccess> = ParsedRequestContext & {
  readonly params: Parsed<P>;
  readonly query: Parsed<Q>;
  readonly body: Parsed<B>;
} & Granted<A>;

export interface RouteDefinition<
  P extends ParamsSchema,
  Q extends QuerySchema,
  B extends BodySchema,
  R extends ResponseSpecs,
  A extends RouteAccess,
> {
  readonly method: HttpMethod;
  /** Relative to `/api`, Express syntax with `:name` parameters only, e.g. `/apps/:appId/workspaces`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  /** Enforced by the platform before the handler runs; the handler gets what it grants. */
  readonly access: A;
  /** OpenAPI tags; defaults to the module's name. */
  readonly tags?: readonly string[];
  readonly request?: { readonly params?: P; readonly query?: Q; readonly body?: B };
  readonly responses: R;
  /** Error codes this operation can answer with besides `validation_error` and `internal`, for the docs. */
  readonly errors?: readonly ErrorCode[];
  readonly handler: (context: HandlerContext<P, Q, B, A>) => Promise<ReplyFor<R>> | ReplyFor<R>;
}

/** A route with its types erased, so modules can list routes of different shapes together. */
export interface Route {
  readonly method: HttpMethod;
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description: string | undefined;
  readonly access: RouteAccess;
  readonly tags: readonly string[] | undefined;
  readonly request: {
    readonly params?: z.ZodObject;
    readonly query?: z.ZodObject;
    readonly body?: z.ZodType;
  };
  readonly responses: ResponseSpecs;
  readonly errors: readonly ErrorCode[];
  /** Runs the handler with the parsed request and what the platform's access check granted. */
  readonly handle: (context: ParsedRequestContext, grant: object) => Promise<AnyReply>;
}

/** A named group of routes (one resource); its name is the default OpenAPI tag. */
export interface ApiModule {
  readonly name: string;
  readonly description?: string;
  readonly routes: readonly Route[];
}

const PATH_SEGMENT = /^(?:[A-Za-z0-9._~-]+|:[A-Za-z][A-Za-z0-9_]*)$/;

/** The `:name` parameters of a route path. */
function pathParameters(path: string): string[] {
  return path
    .split('/')
    .filter((segment) => segment.startsWith(':'))
    .map((segment) => segment.slice(1));
}

function assertRoutePath(path: string, params: z.ZodObject | undefined, label: string): void {
  const segments = path.split('/');
  if (
    segments[0] !== '' ||
    segments.length < 2 ||
    !segments.slice(1).every((segment) => PATH_SEGMENT.test(segment))
  ) {
    throw new Error(`${label}: path must be "/" followed by literal or ":name" segments`);
  }
  const declared = Object.keys(params?.shape ?? {}).sort();
  const inPath = pathParameters(path).sort();
  if (declared.join('/') !== inPath.join('/')) {
    throw new Error(
      `${label}: params schema keys [${declared.join(', ')}] must match path parameters [${inPath.join(', ')}]`,
    );
  }
}

/**
 * Declares one operation: the same zod schemas validate the request, type the handler and produce
 * the OpenAPI entry. Definition mistakes (bad path, params not matching the path, lenient body
 * objects) throw here, at startup.
 */
export function defineRoute<
  R extends ResponseSpecs,
  P extends ParamsSchema = undefined,
  Q extends QuerySchema = undefined,
  B extends BodySchema = undefined,
  A extends RouteAccess = RouteAccess,
>(definition: RouteDefinition<P, Q, B, R, A>): Route {
  const label = `${definition.method.toUpperCase()} ${definition.path} (${definition.operationId})`;
  const request = definition.request ?? {};
  assertRoutePath(definition.path, request.params, label);
  if (request.body !== undefined) assertStrictBodySchema(request.body, label);
  assertAccessDeclaration(definition.access, label);
  return {
    method: definition.method,
    path: definition.path,
    operationId: definition.operationId,
    summary: definition.summary,
    description: definition.description,
    access: definition.access,
    tags: definition.tags,
    request,
    responses: definition.responses,
    errors: definition.errors ?? [],
    handle: async (context, grant) =>
      (await definition.handler({ ...context, ...grant } as HandlerContext<P, Q, B, A>)) as AnyReply,
  };
}
