import { z } from 'zod';

export const livenessSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Liveness' });

export const componentStatusSchema = z
  .object({
    status: z.enum(['ok', 'down']),
    latency_ms: z.number(),
    error: z.string().optional().meta({ description: 'Why the component is down (secrets removed)' }),
  })
  .meta({ id: 'ComponentStatus' });

export const readinessSchema = z
  .object({
    status: z.literal('ok'),
    components: z.record(z.string(), componentStatusSchema),
  })
  .meta({ id: 'Readiness' });
