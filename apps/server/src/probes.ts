import type { Redis } from 'ioredis';
import type { MongoConnection } from '@conman/db';
import type { GitAdapter } from '@conman/git';
import type { ReadinessProbe } from '@conman/api';

/** The readiness checks (docs/operations.md "Health, metrics, logs"), one per external dependency. */
export function dependencyProbes(deps: {
  mongo: MongoConnection;
  redis: Redis;
  git: GitAdapter;
}): ReadinessProbe[] {
  return [
    { name: 'mongodb', check: async () => deps.mongo.ping(1_500) },
    {
      name: 'redis',
      check: async () => {
        const answer = await deps.redis.ping();
        if (answer !== 'PONG') throw new Error(`unexpected PING answer: ${answer}`);
      },
    },
    {
      name: 'git',
      check: async () => {
        const health = await deps.git.checkHealth();
        if (!health.ok) throw new Error(health.detail);
      },
    },
  ];
}
