import { UnavailableError } from '@conman/core';
import { type ApiModule, dataResponse, defineRoute } from '../../platform/route';
import { ok } from '../../platform/replies';
import { type ReadinessProbe, checkReadiness } from './readiness';
import { livenessSchema, readinessSchema } from './schemas';

export interface HealthModuleOptions {
  probes: readonly ReadinessProbe[];
  probeTimeoutMs: number;
}

/**
 * docs/operations.md "Health, metrics, logs": liveness (always 200 while serving) and readiness (every
 * dependency answers).
 */
export function healthModule({ probes, probeTimeoutMs }: HealthModuleOptions): ApiModule {
  return {
    name: 'health',
    description: 'Liveness and readiness of the server process',
    routes: [
      defineRoute({
        method: 'get',
        path: '/health',
        operationId: 'getHealth',
        access: { kind: 'public' },
        summary: 'Liveness: 200 while the process serves requests',
        responses: { 200: dataResponse(livenessSchema, 'The process is serving') },
        handler: () => ok({ status: 'ok' as const }),
      }),
      defineRoute({
        method: 'get',
        path: '/health/ready',
        operationId: 'getReadiness',
        access: { kind: 'public' },
        summary: 'Readiness: checks every dependency with a short timeout',
        description:
          'Answers 503 `unavailable` with per-component status in `details.components` when one is down.',
        responses: { 200: dataResponse(readinessSchema, 'Every dependency answered') },
        errors: ['unavailable'],
        handler: async () => {
          const report = await checkReadiness(probes, probeTimeoutMs);
          if (report.status !== 'ok') {
            const down = Object.entries(report.components).filter(
              ([, component]) => component.status === 'down',
            );
            throw new UnavailableError(`Not ready: ${down.map(([name]) => name).join(', ')} down`, {
              components: report.components,
            });
          }
          return ok({ status: 'ok' as const, components: report.components });
        },
      }),
    ],
  };
}
