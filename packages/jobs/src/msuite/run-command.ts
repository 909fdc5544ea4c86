import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { JobLogSink } from '../log-sink';
import { buildGateEnvironment, type GateContext } from './environment';
import { OutputCapture } from './output-capture';
import { runInProcessGroup, type CommandSpec } from './process-group';

export interface MsuiteCommandRequest {
  command: CommandSpec;
  /** The materialized commit; the command's working directory. */
  workdir: string;
  context: GateContext;
  scopeEnv: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  log: JobLogSink;
  maxLogBytes?: number;
  tailBytes?: number;
  killGraceMs?: number;
  onSpawn?(pid: number): void;
}

export type CommandOutcome = 'passed' | 'failed' | 'timeout' | 'canceled';

export interface CommandResult {
  outcome: CommandOutcome;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  outputTail: string;
  pid: number | null;
  spawnError?: string;
}

const DEFAULT_MAX_LOG_BYTES = 256 * 1024;
const DEFAULT_TAIL_BYTES = 4096;

function outcomeOf(run: { timedOut: boolean; aborted: boolean; exitCode: number | null }): CommandOutcome {
  if (run.aborted) return 'canceled';
  if (run.timedOut) return 'timeout';
  return run.exitCode === 0 ? 'passed' : 'failed';
}

/** Runs the gate's msuite command in `workdir` under the SPEC §8 contract; HOME is a fresh temp dir. */
export async function runMsuiteCommand(request: MsuiteCommandRequest): Promise<CommandResult> {
  const homeDir = await mkdtemp(path.join(os.tmpdir(), 'conman-msuite-home-'));
  const capture = new OutputCapture(request.log, {
    maxLogBytes: request.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES,
    tailBytes: request.tailBytes ?? DEFAULT_TAIL_BYTES,
  });
  try {
    const env = buildGateEnvironment({ context: request.context, scopeEnv: request.scopeEnv, homeDir });
    request.log.append('info', 'running msuite command', {
      command: request.command,
      timeout_ms: request.timeoutMs,
    });
    const run = await runInProcessGroup({
      command: request.command,
      cwd: request.workdir,
      env,
      timeoutMs: request.timeoutMs,
      ...(request.killGraceMs === undefined ? {} : { killGraceMs: request.killGraceMs }),
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.onSpawn ? { onSpawn: request.onSpawn } : {}),
      onOutput: (stream, chunk) => capture.write(stream, chunk),
    });
    capture.finish();
    const result: CommandResult = {
      outcome: outcomeOf(run),
      exitCode: run.exitCode,
      signal: run.signal,
      durationMs: run.durationMs,
      outputTail: capture.outputTail(),
      pid: run.pid ?? null,
      ...(run.spawnError === undefined ? {} : { spawnError: run.spawnError }),
    };
    request.log.append(result.outcome === 'passed' ? 'info' : 'error', `msuite command ${result.outcome}`, {
      exit_code: result.exitCode,
      signal: result.signal,
      duration_ms: result.durationMs,
    });
    return result;
  } finally {
    await rm(homeDir, { recursive: true, force: true });
  }
}
