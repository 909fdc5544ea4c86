import { spawn } from 'node:child_process';

export type CommandSpec = string | readonly string[];

export interface ProcessGroupRun {
  command: CommandSpec;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Time between SIGTERM and SIGKILL when the group has to be stopped. */
  killGraceMs?: number;
  signal?: AbortSignal;
  onOutput(stream: 'stdout' | 'stderr', chunk: Buffer): void;
  /** Called once the child exists, with the pid that is also its process group id. */
  onSpawn?(pid: number): void;
}

export interface ProcessGroupOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  pid: number | undefined;
  durationMs: number;
  /** Set when the command could not be started at all (e.g. not found). */
  spawnError?: string;
}

/** An argv array runs without a shell; a string runs through `sh -c`, as the msuite contract says. */
export function argvOf(command: CommandSpec): string[] {
  if (typeof command === 'string') return ['sh', '-c', command];
  if (!command[0]) throw new Error('A command needs at least one argv element');
  return [...command];
}

/** Signals every process of the group; a group that is already gone is not an error. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Runs a command as the leader of its own process group (`detached`), so a timeout, a cancel or the
 * end of the leader can stop everything it started — including background children that would
 * otherwise outlive the job and keep its output pipes open.
 */
export function runInProcessGroup(run: ProcessGroupRun): Promise<ProcessGroupOutcome> {
  const [program = '', ...args] = argvOf(run.command);
  const startedAt = Date.now();
  const graceMs = run.killGraceMs ?? 2000;
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      cwd: run.cwd,
      env: run.env,
      detached: true,
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stopGroup = () => {
      if (child.pid === undefined || killTimer) return;
      signalGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(child.pid as number, 'SIGKILL'), graceMs);
    };
    const timeout = setTimeout(() => {
      timedOut = true;
      stopGroup();
    }, run.timeoutMs);
    const onAbort = () => {
      aborted = true;
      stopGroup();
    };
    if (run.signal?.aborted) onAbort();
    run.signal?.addEventListener('abort', onAbort);
    if (child.pid !== undefined) run.onSpawn?.(child.pid);
    child.stdout.on('data', (chunk: Buffer) => run.onOutput('stdout', chunk));
    child.stderr.on('data', (chunk: Buffer) => run.onOutput('stderr', chunk));
    // Leftover background processes would hold the pipes open and delay `close` forever.
    child.on('exit', () => {
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    });
    let spawnError: string | undefined;
    child.on('error', (error) => {
      spawnError = error.message;
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timeout);
      if (killTimer) clearTimeout(killTimer);
      run.signal?.removeEventListener('abort', onAbort);
      resolve({
        exitCode,
        signal,
        timedOut,
        aborted,
        pid: child.pid,
        durationMs: Date.now() - startedAt,
        ...(spawnError === undefined ? {} : { spawnError }),
      });
    });
  });
}
