import type { Response } from 'express';

/**
 * Per-request facts the platform middleware records on `res.locals` so later middleware (error
 * rendering, access log, metrics) can read them without re-deriving them from the raw request.
 */
interface PlatformLocals {
  requestId?: string;
  routeTemplate?: string;
}

/** The label used for requests no route matched, so metrics never carry raw paths. */
export const UNMATCHED_ROUTE = 'unmatched';

function platformLocals(res: Response): PlatformLocals {
  return res.locals as PlatformLocals;
}

export function setRequestId(res: Response, requestId: string): void {
  platformLocals(res).requestId = requestId;
}

export function requestIdOf(res: Response): string | undefined {
  return platformLocals(res).requestId;
}

export function setRouteTemplate(res: Response, template: string): void {
  platformLocals(res).routeTemplate = template;
}

export function routeTemplateOf(res: Response): string {
  return platformLocals(res).routeTemplate ?? UNMATCHED_ROUTE;
}
