import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { GitAdapter } from '@conman/git';
import { runBuiltInChecks } from '../checks/run-checks';
import type { ChecksResult } from '../checks/types';
import type { JobLogSink } from '../log-sink';
import type { GateContext } from '../msuite/environment';
import type { CommandSandbox } from '../sandbox/command-sandbox';
import { SANDBOX_NETWORK_DEFAULTS } from '../sandbox/run-sandboxed';
import type { CommandSpec } from '../msuite/process-group';
import { runMsuiteCommand, type CommandResult } from '../msuite/run-command';

export interface ExecuteGateRequest {
  git: GitAdapter;
  repoPath: string;
  context: GateContext;
  /** The app's configured msuite command for this gate; absent means built-in checks only. */
  command?: CommandSpec;
  scopeEnv: Record<string, string>;
  /** Where the command runs (docs/security.md); required so no caller runs one unsandboxed by accident. */
  sandbox: CommandSandbox;
  /** The gate's `network` setting; msuite commands are offline unless it says otherwise. */
  network?: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  log: JobLogSink;
  /** Parent of the temporary checkout (default the OS temp dir; the worker uses `<data>/tmp`). */
  tmpRoot?: string;
  killGraceMs?: number;
  onSpawn?(pid: number): void;
}

export type GateOutcome = 'passed' | 'failed' | 'timeout' | 'canceled';

export interface GateResult {
  outcome: GateOutcome;
  gate: GateContext['gate'];
  commitSha: string;
  checks: ChecksResult;
  /** `null` when no command is configured or the checks already failed. */
  command: CommandResult | null;
}

/**
 * One gate run (SPEC §8): materialize the exact commit, run the built-in checks, then — only if they
 * pass — the configured msuite command. The checkout is removed whatever happens.
 */
export async function executeGate(request: ExecuteGateRequest): Promise<GateResult> {
  const workdir = await mkdtemp(path.join(request.tmpRoot ?? os.tmpdir(), 'conman-gate-'));
  try {
    await request.git.materialize(request.repoPath, request.context.commitSha, workdir);
    request.log.append('info', 'commit materialized', { commit_sha: request.context.commitSha });
    const checks = await runBuiltInChecks(workdir, request.log);
    const base = { gate: request.context.gate, commitSha: request.context.commitSha, checks };
    if (!checks.passed || request.command === undefined) {
      return { ...base, outcome: checks.passed ? 'passed' : 'failed', command: null };
    }
    const command = await runMsuiteCommand({
      command: request.command,
      workdir,
      context: request.context,
      scopeEnv: request.scopeEnv,
      sandbox: request.sandbox,
      network: request.network ?? SANDBOX_NETWORK_DEFAULTS.msuite,
      timeoutMs: request.timeoutMs,
      log: request.log,
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.killGraceMs === undefined ? {} : { killGraceMs: request.killGraceMs }),
      ...(request.onSpawn ? { onSpawn: request.onSpawn } : {}),
    });
    return { ...base, outcome: command.outcome, command };
  } finally {
    await rm(workdir, { recursive: true, force: true });
  }
}
