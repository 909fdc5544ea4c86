import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { LogFields, Logger } from '@conman/core';
import { type ApiDependencies, type MetricsRegistry, createApiApp, createMetrics } from '@conman/api';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields;
}

/** A Logger that keeps every line, to assert on what the platform logs. */
export function recordingLogger(lines: LogLine[] = [], bound: LogFields = {}): Logger & { lines: LogLine[] } {
  const record =
    (level: LogLine['level']) =>
    (message: string, fields: LogFields = {}) => {
      lines.push({ level, message, fields: { ...bound, ...fields } });
    };
  return {
    lines,
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    child: (fields) => recordingLogger(lines, { ...bound, ...fields }),
  };
}

export interface RunningApi {
  url: string;
  logger: ReturnType<typeof recordingLogger>;
  metrics: MetricsRegistry;
  close(): Promise<void>;
}

/** Starts the API on 127.0.0.1 with an ephemeral port; every dependency can be overridden. */
export async function startApi(overrides: Partial<ApiDependencies> = {}): Promise<RunningApi> {
  const logger = recordingLogger();
  const metrics = overrides.metrics ?? createMetrics({ defaultMetrics: false });
  const app = createApiApp({
    logger,
    http: { bodyLimitBytes: 1024, corsOrigins: ['https://ui.example'] },
    readiness: [],
    metrics,
    version: '0.0.0-test',
    modules: [],
    validateResponses: true,
    ...overrides,
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    logger,
    metrics,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
