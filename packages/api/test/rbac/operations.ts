import { z } from 'zod';
import { CAPABILITIES, OWNERSHIP_RULES, PLATFORM_CAPABILITIES } from '@conman/core';
import type { RouteAccess } from '../../src/platform/route';

/** One operation of the served OpenAPI document, with its `x-conman-access` declaration. */
export interface MountedOperation {
  operationId: string;
  /** `POST /api/apps/{appId}/invites`, as in the document. */
  route: string;
  access: RouteAccess;
  /** The 2xx statuses the document declares. */
  successStatuses: number[];
}

const accessSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('public') }),
  z.strictObject({ kind: z.literal('user') }),
  z.strictObject({ kind: z.literal('authenticated') }),
  z.strictObject({ kind: z.literal('platform'), capability: z.enum(PLATFORM_CAPABILITIES) }),
  z.strictObject({
    kind: z.literal('app'),
    capability: z.enum(CAPABILITIES),
    own: z.enum(OWNERSHIP_RULES).optional(),
  }),
]);

const operationSchema = z.object({
  operationId: z.string(),
  'x-conman-access': z.unknown(),
  responses: z.record(z.string(), z.unknown()),
});

const documentSchema = z.object({
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/**
 * Every operation of the document. An operation without a valid access declaration throws, naming
 * it: an endpoint that does not say who may call it cannot be checked.
 */
export function mountedOperations(document: unknown): MountedOperation[] {
  const operations: MountedOperation[] = [];
  for (const [path, item] of Object.entries(documentSchema.parse(document).paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const operation = operationSchema.parse(raw);
      const route = `${method.toUpperCase()} ${path}`;
      const access = accessSchema.safeParse(operation['x-conman-access']);
      if (!access.success) {
        throw new Error(
          `${operation.operationId} (${route}) has no valid x-conman-access: ${JSON.stringify(operation['x-conman-access'])}`,
        );
      }
      operations.push({
        operationId: operation.operationId,
        route,
        access: access.data,
        successStatuses: Object.keys(operation.responses)
          .filter((status) => /^2\d\d$/.test(status))
          .map(Number),
      });
    }
  }
  return operations.sort((a, b) => a.operationId.localeCompare(b.operationId));
}

/** Whether a concrete request (`POST /api/apps/65f.../invites`) is an instance of a documented route. */
export function routeMatches(route: string, method: string, path: string): boolean {
  const [routeMethod, template = ''] = route.split(' ');
  const pattern = new RegExp(
    `^${template
      .split(/\{[^}]+\}/)
      .map((literal) => literal.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
      .join('[^/]+')}$`,
  );
  // The query string is not part of the route.
  return routeMethod === method.toUpperCase() && pattern.test(path.split('?')[0] ?? '');
}
