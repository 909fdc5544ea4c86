import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { GitError, GitUnavailableError } from '../errors';

/**
 * Every git process starts from this environment, never from the parent's: no system or user config,
 * no prompts, no inherited GIT_DIR/GIT_INDEX_FILE, stable C-locale messages.
 */
function hardenedEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_NO_REPLACE_OBJECTS: '1',
    LC_ALL: 'C',
    ...extra,
  };
}

/** Options before the subcommand: no hooks ever run, no fsmonitor, no lazy-fetch surprises. */
const HARDENED_CONFIG = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false'];

export interface GitCommandOptions {
  /** Absolute path of the bare repository; omitted for repository-less commands. */
  gitDir?: string;
  input?: Buffer | string;
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (e.g. 1 for `merge-base --is-ancestor`). */
  okExitCodes?: number[];
  timeoutMs?: number;
}

export interface GitCommandResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;

export function gitArgs(gitDir: string | undefined, args: string[]): string[] {
  return [...HARDENED_CONFIG, ...(gitDir ? [`--git-dir=${gitDir}`] : []), ...args];
}

/** Starts git without a shell; callers own the streams. */
export function spawnGit(
  gitDir: string | undefined,
  args: string[],
  options: SpawnOptions = {},
  env: Record<string, string> = {},
): ChildProcess {
  return spawn('git', gitArgs(gitDir, args), { ...options, shell: false, env: hardenedEnv(env) });
}

/** Maps a failure to start a process (missing binary, fd exhaustion) to a typed error. */
export function spawnFailure(error: Error): GitUnavailableError {
  return new GitUnavailableError(`git could not be started: ${error.message}`);
}

/** Runs git to completion and collects its output; a non-accepted exit code throws `GitError`. */
export function runGit(args: string[], options: GitCommandOptions = {}): Promise<GitCommandResult> {
  const okExitCodes = options.okExitCodes ?? [0];
  return new Promise((resolve, reject) => {
    const child = spawnGit(options.gitDir, args, { stdio: ['pipe', 'pipe', 'pipe'] }, options.env);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(spawnFailure(error));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = {
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr).toString('utf8'),
        exitCode: code ?? -1,
      };
      if (code !== null && okExitCodes.includes(code)) {
        resolve(result);
        return;
      }
      const reason = timedOut ? 'timed out' : signal ? `killed by ${signal}` : `exit ${code}`;
      reject(
        new GitError(`git ${args[0] ?? ''} failed (${reason}): ${result.stderr.trim()}`, {
          command: args[0],
          exit_code: code,
        }),
      );
    });
    // A process that exits before reading all input makes stdin emit EPIPE; the exit code tells the story.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}

/** Runs git and returns its trimmed stdout as text. */
export async function gitText(args: string[], options: GitCommandOptions = {}): Promise<string> {
  const { stdout } = await runGit(args, options);
  return stdout.toString('utf8').trim();
}
