import { redactString } from '@conman/core';

/** One dependency readiness depends on (the server passes MongoDB, Redis and Git probes). */
export interface ReadinessProbe {
  readonly name: string;
  /** Resolves when the dependency answers; should stop work when `signal` aborts (timeout). */
  check(signal: AbortSignal): Promise<void>;
}

export type ComponentState = 'ok' | 'down';

export interface ComponentStatus {
  status: ComponentState;
  latency_ms: number;
  error?: string;
}

export interface ReadinessReport {
  status: ComponentState;
  components: Record<string, ComponentStatus>;
}

const MAX_ERROR_LENGTH = 300;

class ProbeTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
  }
}

/** Probe errors are shown to unauthenticated callers: secrets out, length bounded. */
function describeFailure(error: unknown): string {
  const message = error instanceof Error && error.message !== '' ? error.message : 'check failed';
  return redactString(message).slice(0, MAX_ERROR_LENGTH);
}

function elapsedMs(startedAt: number): number {
  return Math.round((performance.now() - startedAt) * 10) / 10;
}

async function runProbe(probe: ReadinessProbe, timeoutMs: number): Promise<ComponentStatus> {
  const controller = new AbortController();
  const startedAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new ProbeTimeoutError(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    await Promise.race([probe.check(controller.signal), timeout]);
    return { status: 'ok', latency_ms: elapsedMs(startedAt) };
  } catch (error) {
    return { status: 'down', latency_ms: elapsedMs(startedAt), error: describeFailure(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every probe in parallel, each bounded by `timeoutMs`; ready only when all are ok. */
export async function checkReadiness(
  probes: readonly ReadinessProbe[],
  timeoutMs: number,
): Promise<ReadinessReport> {
  const results = await Promise.all(
    probes.map(async (probe) => [probe.name, await runProbe(probe, timeoutMs)] as const),
  );
  const components = Object.fromEntries(results);
  const status = results.every(([, result]) => result.status === 'ok') ? 'ok' : 'down';
  return { status, components };
}
