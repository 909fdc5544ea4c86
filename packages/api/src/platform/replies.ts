import type { Pagination, PaginationQuery } from './pagination';

/** What a handler returns; the platform turns it into the SPEC §3 success envelope. */
export interface DataReply<S extends number, T> {
  readonly kind: 'data';
  readonly status: S;
  readonly data: T;
}

export interface PageReply<S extends number, T> {
  readonly kind: 'page';
  readonly status: S;
  readonly items: readonly T[];
  readonly pagination: Pagination;
}

export interface EmptyReply<S extends number> {
  readonly kind: 'empty';
  readonly status: S;
}

/** A body sent as-is (Prometheus text, the OpenAPI document, docs HTML): no envelope. */
export interface RawReply<S extends number> {
  readonly kind: 'raw';
  readonly status: S;
  readonly contentType: string;
  readonly body: string | Buffer;
}

/** A file streamed from disk; the path must come from the code, never from the request. */
export interface FileReply<S extends number> {
  readonly kind: 'file';
  readonly status: S;
  readonly absolutePath: string;
}

export type AnyReply =
  | DataReply<number, unknown>
  | PageReply<number, unknown>
  | EmptyReply<number>
  | RawReply<number>
  | FileReply<number>;

/** 200 `{data}` */
export function ok<T>(data: T): DataReply<200, T> {
  return { kind: 'data', status: 200, data };
}

/** 201 `{data}` for a created entity. */
export function created<T>(data: T): DataReply<201, T> {
  return { kind: 'data', status: 201, data };
}

/** 202 `{data}` for asynchronous work (SPEC §3: `{<entity>, job}`). */
export function accepted<T>(data: T): DataReply<202, T> {
  return { kind: 'data', status: 202, data };
}

/** 200 `{data: items, pagination: {page, limit, total}}` */
export function paginated<T>(items: readonly T[], pagination: Pagination): PageReply<200, T> {
  return {
    kind: 'page',
    status: 200,
    items,
    pagination: { page: pagination.page, limit: pagination.limit, total: pagination.total },
  };
}

/**
 * One page of a list the repository returns whole (per-app lists bounded by their nature: environments,
 * API keys, the queue, a changeset's comments and revisions), mapped to its views.
 */
export function paginatedSlice<T, V>(
  all: readonly T[],
  { page, limit }: PaginationQuery,
  view: (item: T) => V,
): PageReply<200, V> {
  const skip = (page - 1) * limit;
  return paginated(all.slice(skip, skip + limit).map(view), { page, limit, total: all.length });
}

/** 204 without a body. */
export function noContent(): EmptyReply<204> {
  return { kind: 'empty', status: 204 };
}

export function raw(body: string | Buffer, contentType: string): RawReply<200> {
  return { kind: 'raw', status: 200, contentType, body };
}

export function file(absolutePath: string): FileReply<200> {
  return { kind: 'file', status: 200, absolutePath };
}
