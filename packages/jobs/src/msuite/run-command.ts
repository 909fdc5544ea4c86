import type { JobLogSink } from '../log-sink';
import { runSandboxedCommand } from '../sandbox/run-sandboxed';
import type { CommandSandbox } from '../sandbox/command-sandbox';
import { buildGateEnvironment, type GateContext } from './environment';
import { OutputCapture } from './output-capture';
import type { CommandSpec } from './process-group';

export interface MsuiteCommandRequest {
  command: CommandSpec;
  /** The materialized commit; the command's working directory. */
  workdir: string;
  context: GateContext;
  scopeEnv: Record<string, string>;
  sandbox: CommandSandbox;
  /** Whether the command may reach the network (the gate's `network` setting). */
  network: boolean;
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

/** Runs the gate's msuite command in `workdir` under the SPEC §8 contract, in the command sandbox. */
export async function runMsuiteCommand(request: MsuiteCommandRequest): Promise<CommandResult> {
  const capture = new OutputCapture(request.log, {
    maxLogBytes: request.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES,
    tailBytes: request.tailBytes ?? DEFAULT_TAIL_BYTES,
  });
  const env = buildGateEnvironment({ context: request.context, scopeEnv: request.scopeEnv });
  request.log.append('info', 'running msuite command', {
    command: request.command,
    timeout_ms: request.timeoutMs,
    sandbox: request.sandbox.kind,
    network: request.network,
  });
  const run = await runSandboxedCommand({
    sandbox: request.sandbox,
    command: request.command,
    checkoutDir: request.workdir,
    network: request.network,
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
}
