import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

type HttpLabel = 'method' | 'route' | 'status';

/**
 * The Prometheus registry of a process. The server creates one and hands it to the API (and later to
 * other packages that add their own metrics), so tests can own separate registries.
 */
export interface MetricsRegistry {
  readonly registry: Registry;
  readonly httpRequestsTotal: Counter<HttpLabel>;
  readonly httpRequestDurationSeconds: Histogram<HttpLabel>;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop lag, GC); on unless a caller opts out. */
  defaultMetrics?: boolean;
  /**
   * Job queue depth per family (`JobQueues.depths()` in the server), read at every scrape so the gauge
   * is never stale; a failing read (Redis down) leaves the family out of that scrape.
   */
  queueDepths?: () => Promise<Readonly<Record<string, number>>>;
}

export function createMetrics(options: MetricsOptions = {}): MetricsRegistry {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const { queueDepths } = options;
  if (queueDepths) {
    new Gauge({
      name: 'job_queue_depth',
      help: 'Jobs waiting, delayed or active in the BullMQ queue of each job family',
      labelNames: ['family'],
      registers: [registry],
      async collect() {
        this.reset();
        const depths = await queueDepths().catch(() => ({}));
        for (const [family, depth] of Object.entries(depths)) this.set({ family }, depth);
      },
    });
  }
  return {
    registry,
    httpRequestsTotal: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpRequestDurationSeconds: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
