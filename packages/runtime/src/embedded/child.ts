import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** A supervised child process whose output goes to a log file, stopped with SIGTERM then SIGKILL. */
export interface ManagedChild {
  readonly name: string;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  stop(timeoutMs?: number): Promise<void>;
}

export interface StartChildOptions extends Pick<SpawnOptions, 'cwd' | 'env'> {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  /** Called with each stdout chunk until it returns true (readiness marker); resolves `ready`. */
  readyWhen?: (output: string) => boolean;
  readyTimeoutMs?: number;
}

export async function startChild(options: StartChildOptions): Promise<ManagedChild> {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  await once(log, 'open');
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null)));
    child.once('error', () => resolve(null));
  });
  exited.then(
    () => log.end(),
    () => log.end(),
  );
  const managed: ManagedChild = {
    name: options.name,
    process: child,
    exited,
    stop: (timeoutMs = 10_000) => stopChild(child, exited, timeoutMs),
  };
  if (options.readyWhen) await waitUntilReady(managed, options);
  return managed;
}

async function waitUntilReady(managed: ManagedChild, options: StartChildOptions): Promise<void> {
  const readyWhen = options.readyWhen as (output: string) => boolean;
  let buffered = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new Error(
          `${options.name} did not become ready within ${options.readyTimeoutMs ?? 30_000} ms (see ${options.logFile})`,
        ),
      );
    }, options.readyTimeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      buffered = (buffered + chunk.toString('utf8')).slice(-65_536);
      if (readyWhen(buffered)) {
        cleanup();
        resolve();
      }
    };
    const onExit = () => {
      cleanup();
      reject(new Error(`${options.name} exited during startup (see ${options.logFile})`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      managed.process.stdout?.off('data', onData);
      managed.process.off('exit', onExit);
    };
    managed.process.stdout?.on('data', onData);
    managed.process.once('exit', onExit);
  }).catch(async (error: unknown) => {
    await managed.stop(2_000);
    throw error;
  });
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}
