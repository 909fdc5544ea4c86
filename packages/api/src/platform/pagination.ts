import { z } from 'zod';
import { fieldErrors, requestValidationError } from './validation';

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;

/** `page` (1-based) and `limit` query parameters of every list endpoint; extend it with the list's filters. */
export const paginationQuery = z.object({
  page: z.coerce.number().int().min(1).default(1).meta({ description: '1-based page number' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_LIMIT)
    .default(DEFAULT_PAGE_LIMIT)
    .meta({ description: `Items per page (max ${MAX_PAGE_LIMIT})` }),
});

export type PaginationQuery = z.output<typeof paginationQuery>;

/** What a repository needs to fetch one page. */
export interface PageWindow {
  page: number;
  limit: number;
  skip: number;
}

export function pageWindow({ page, limit }: PaginationQuery): PageWindow {
  return { page, limit, skip: (page - 1) * limit };
}

/** Parses raw query values into a page window; bad values become a `validation_error`. */
export function parsePagination(query: unknown): PageWindow {
  const result = paginationQuery.safeParse(query);
  if (!result.success) throw requestValidationError(fieldErrors('query', result.error.issues));
  return pageWindow(result.data);
}

export const paginationSchema = z
  .object({ page: z.number().int(), limit: z.number().int(), total: z.number().int() })
  .meta({ id: 'Pagination' });

export type Pagination = z.output<typeof paginationSchema>;
