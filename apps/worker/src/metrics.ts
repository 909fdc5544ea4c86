import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from '@conman/core';
import type { JobMetrics } from '@conman/jobs';

const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** prom-client backing of the job runtime's `JobMetrics` hooks, in the worker's own registry. */
export function createWorkerMetrics(): { registry: Registry; jobMetrics: JobMetrics } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const started = new Counter({
    name: 'jobs_started_total',
    help: 'Job attempts started by this worker, by type and family',
    labelNames: ['type', 'family'],
    registers: [registry],
  });
  const finished = new Counter({
    name: 'jobs_finished_total',
    help: 'Job attempts ended by this worker, by type and outcome (succeeded, failed, canceled, retried, handed_back)',
    labelNames: ['type', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'job_duration_seconds',
    help: 'Run time of a job attempt in seconds, by type and outcome',
    labelNames: ['type', 'outcome'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const pickup = new Histogram({
    name: 'job_pickup_latency_seconds',
    help: 'Time from enqueue to running in seconds, by job family',
    labelNames: ['family'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  return {
    registry,
    jobMetrics: {
      jobStarted: (type, family) => started.inc({ type, family }),
      jobFinished: (type, outcome, durationMs) => {
        finished.inc({ type, outcome });
        duration.observe({ type, outcome }, durationMs / 1000);
      },
      pickupLatency: (family, latencyMs) => pickup.observe({ family }, latencyMs / 1000),
    },
  };
}

/** `GET /metrics` (Prometheus text) on a small listener of its own; everything else is a 404. */
export async function startMetricsListener(
  registry: Registry,
  host: string,
  port: number,
  logger: Logger,
): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => {
        logger.error('metrics collection failed', { error: String(error) });
        response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address();
  logger.info('worker metrics listening', {
    url: `http://${host}:${typeof address === 'object' && address ? address.port : port}/metrics`,
  });
  return server;
}
