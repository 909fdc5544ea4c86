import type { Logger } from '@conman/core';
import type { MetricsRegistry } from './platform/metrics';
import type { ApiModule } from './platform/route';
import type { AccessGuard } from './platform/access';
import type { ReadinessProbe } from './resources/health/readiness';

export interface HttpSettings {
  /** Largest accepted JSON body; larger ones get 413 `payload_too_large`. */
  bodyLimitBytes: number;
  /** `'*'` or the exact origins allowed to call the API from a browser (empty: none). */
  corsOrigins: readonly string[] | '*';
  /** Express `trust proxy` setting, for the client address behind a reverse proxy. */
  trustProxy?: boolean | string;
  /** Per-probe timeout of GET /api/health/ready; 2000 ms when absent. */
  readinessTimeoutMs?: number;
}

export interface ApiDependencies {
  logger: Logger;
  http: HttpSettings;
  /** Checked by GET /api/health/ready, in parallel. */
  readiness: readonly ReadinessProbe[];
  metrics: MetricsRegistry;
  /** Shown in the OpenAPI document. */
  version: string;
  /** Resource modules mounted under /api besides the always-present health and meta modules. */
  modules: readonly ApiModule[];
  /** Enforces the declared access of every route; needed as soon as one route is not public. */
  guard?: AccessGuard;
  /** Check every reply against its declared schema (500 on mismatch); meant for development and tests. */
  validateResponses?: boolean;
}
