import type { ReadinessProbe } from '@conman/api';
import { startApi } from './support/harness';

const healthy = (name: string): ReadinessProbe => ({ name, check: async () => undefined });

interface ComponentBody {
  status: string;
  latency_ms: number;
  error?: string;
}

async function readiness(probes: ReadinessProbe[], readinessTimeoutMs?: number) {
  const api = await startApi({
    readiness: probes,
    http: { bodyLimitBytes: 1024, corsOrigins: [], readinessTimeoutMs },
  });
  try {
    const response = await fetch(`${api.url}/api/health/ready`);
    return {
      status: response.status,
      body: (await response.json()) as Record<string, Record<string, unknown>>,
    };
  } finally {
    await api.close();
  }
}

describe('GET /api/health', () => {
  it('answers 200 ok even when a dependency is down', async () => {
    const api = await startApi({
      readiness: [{ name: 'redis', check: () => Promise.reject(new Error('down')) }],
    });
    try {
      const response = await fetch(`${api.url}/api/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { status: 'ok' } });
    } finally {
      await api.close();
    }
  });
});

describe('GET /api/health/ready', () => {
  it('answers 200 with every component ok and its latency', async () => {
    const { status, body } = await readiness([healthy('mongodb'), healthy('redis'), healthy('git')]);
    expect(status).toBe(200);
    expect(body.data?.status).toBe('ok');
    const components = body.data?.components as Record<string, ComponentBody>;
    expect(Object.keys(components).sort()).toEqual(['git', 'mongodb', 'redis']);
    for (const component of Object.values(components)) {
      expect(component.status).toBe('ok');
      expect(component.latency_ms).toBeGreaterThanOrEqual(0);
    }
  });

  it('answers 503 unavailable with per-component status, secrets removed from errors', async () => {
    const { status, body } = await readiness([
      healthy('mongodb'),
      {
        name: 'redis',
        check: () => Promise.reject(new Error('connect ECONNREFUSED redis://:hunter2@127.0.0.1:6390')),
      },
      healthy('git'),
    ]);
    expect(status).toBe(503);
    expect(body.error).toMatchObject({ code: 'unavailable', message: 'Not ready: redis down' });
    const components = (body.error?.details as { components: Record<string, ComponentBody> }).components;
    expect(components.mongodb?.status).toBe('ok');
    expect(components.git?.status).toBe('ok');
    expect(components.redis?.status).toBe('down');
    expect(components.redis?.error).toMatch(/ECONNREFUSED/);
    expect(JSON.stringify(body)).not.toContain('hunter2');
  });

  it('marks a hanging probe down after the timeout and aborts its signal', async () => {
    let aborted: unknown;
    const hanging: ReadinessProbe = {
      name: 'git',
      check: (signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted = signal.reason;
            reject(signal.reason);
          });
        }),
    };
    const { status, body } = await readiness([healthy('mongodb'), hanging], 150);
    expect(status).toBe(503);
    const components = (body.error?.details as { components: Record<string, ComponentBody> }).components;
    expect(components.git).toMatchObject({ status: 'down', error: 'timed out after 150 ms' });
    expect(components.git?.latency_ms).toBeGreaterThanOrEqual(140);
    expect(components.mongodb?.status).toBe('ok');
    expect(aborted).toBeInstanceOf(Error);
  });

  it('runs the probes in parallel', async () => {
    // Each probe only succeeds once all three have started: run one after another, they would time out.
    let started = 0;
    let allStarted: () => void = () => undefined;
    const barrier = new Promise<void>((resolve) => {
      allStarted = resolve;
    });
    const waitForOthers = (name: string): ReadinessProbe => ({
      name,
      check: () => {
        started += 1;
        if (started === 3) allStarted();
        return barrier;
      },
    });
    const { status } = await readiness(
      [waitForOthers('mongodb'), waitForOthers('redis'), waitForOthers('git')],
      1000,
    );
    expect(status).toBe(200);
  });

  it('treats a probe that throws synchronously as down', async () => {
    const { status, body } = await readiness([
      {
        name: 'mongodb',
        check: () => {
          throw new Error('not connected');
        },
      },
    ]);
    expect(status).toBe(503);
    const components = (body.error?.details as { components: Record<string, ComponentBody> }).components;
    expect(components.mongodb).toMatchObject({ status: 'down', error: 'not connected' });
  });
});
