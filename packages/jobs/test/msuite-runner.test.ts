import { readFileSync, readdirSync } from 'node:fs';
import { MemoryLogSink, executeGate, type GateResult } from '@conman/jobs';
import { createGitFixture, type GitFixture } from './support/git-fixture';

let fixture: GitFixture;
let commitSha: string;
beforeAll(async () => {
  fixture = await createGitFixture();
  commitSha = await fixture.commit({
    'config/app.json': '{"port": 8080}',
    'check.sh': '#!/bin/sh\necho checked "$1"\n',
  });
});
afterAll(() => fixture.cleanup());

interface RunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  scopeEnv?: Record<string, string>;
  onSpawn?(pid: number): void;
}

async function runCommand(
  command: string | string[],
  options: RunOptions = {},
): Promise<{ result: GateResult; log: MemoryLogSink }> {
  const log = new MemoryLogSink();
  const result = await executeGate({
    git: fixture.git,
    repoPath: fixture.repoPath,
    context: {
      jobId: 'job-7',
      appId: 'app-3',
      gate: 'merge',
      commitSha,
      baseSha: 'b'.repeat(40),
      changesetId: 'cs-9',
    },
    command,
    scopeEnv: options.scopeEnv ?? {},
    // These tests watch host process groups; the sandbox itself is tested in sandbox*.test.ts.
    sandbox: { kind: 'none' },
    timeoutMs: options.timeoutMs ?? 10_000,
    killGraceMs: 200,
    log,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
  });
  return { result, log };
}

/** A killed process whose parent died may linger as a zombie until init reaps it: that is not alive. */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Live (non-zombie) members of a process group. */
function groupMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return fields[0] !== 'Z' && Number(fields[2]) === pgid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

function pidsFrom(log: MemoryLogSink, prefix: string): number[] {
  return log.lines
    .filter((line) => line.message.startsWith(prefix))
    .map((line) => Number(line.message.slice(prefix.length)));
}

describe('msuite runner', () => {
  it('passes a command that exits 0, run without a shell in the materialized commit', async () => {
    const { result, log } = await runCommand(['./check.sh', 'config/app.json']);
    expect(result.outcome).toBe('passed');
    expect(result.command).toMatchObject({
      outcome: 'passed',
      exitCode: 0,
      outputTail: 'checked config/app.json\n',
    });
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: 'checked config/app.json',
        fields: { stream: 'stdout' },
      }),
    );
  });

  it('fails a command that exits 3 and keeps its output tail', async () => {
    const { result, log } = await runCommand('cat config/app.json; echo "broken: port" >&2; exit 3');
    expect(result.outcome).toBe('failed');
    expect(result.command?.exitCode).toBe(3);
    expect(result.command?.outputTail).toContain('{"port": 8080}');
    expect(result.command?.outputTail).toContain('broken: port');
    expect(log.lines).toContainEqual(expect.objectContaining({ level: 'warn', message: 'broken: port' }));
  });

  it('kills the whole process group on timeout', async () => {
    const { result, log } = await runCommand('sleep 30 & echo "bg=$!"; echo "leader=$$"; wait', {
      timeoutMs: 1000,
    });
    expect(result.outcome).toBe('timeout');
    const [background] = pidsFrom(log, 'bg=');
    const [leader] = pidsFrom(log, 'leader=');
    expect(background).toBeGreaterThan(0);
    expect(isAlive(leader as number)).toBe(false);
    expect(isAlive(background as number)).toBe(false);
    expect(groupMembers(leader as number)).toEqual([]);
  });

  it('kills the process group when the job is canceled', async () => {
    const controller = new AbortController();
    let leader = 0;
    const run = runCommand('sleep 30 & echo "bg=$!"; wait', {
      signal: controller.signal,
      onSpawn: (pid) => (leader = pid),
    });
    // Cancel once the command has really started its background child.
    const started = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (leader > 0) {
          clearInterval(poll);
          resolve();
        }
      }, 5);
    });
    await started;
    controller.abort();
    const { result, log } = await run;
    expect(result.outcome).toBe('canceled');
    for (const pid of pidsFrom(log, 'bg=')) expect(isAlive(pid)).toBe(false);
    expect(groupMembers(leader)).toEqual([]);
  });

  it('gives the command only the minimal environment, the context and the scope variables', async () => {
    process.env.CONMAN_JWT_SECRET = 'server-jwt-secret-that-must-not-leak-000000';
    process.env.CONMAN_SECRETS_MASTER_KEY = 'server-master-key';
    process.env.CONMAN_MONGO_URI = 'mongodb://server-only';
    process.env.CONMAN_REDIS_URL = 'redis://server-only';
    try {
      const { result } = await runCommand(['env'], {
        scopeEnv: { FEATURE_FLAG: 'on', CONMAN_JOB_ID: 'spoofed' },
      });
      const env = Object.fromEntries(
        (result.command?.outputTail ?? '')
          .trim()
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      expect(Object.keys(env).sort()).toEqual(
        [
          'CONMAN_APP_ID',
          'CONMAN_BASE_SHA',
          'CONMAN_CHANGESET_ID',
          'CONMAN_COMMIT_SHA',
          'CONMAN_GATE',
          'CONMAN_JOB_ID',
          'FEATURE_FLAG',
          'HOME',
          'LANG',
          'PATH',
        ].sort(),
      );
      expect(env).toMatchObject({
        CONMAN_JOB_ID: 'job-7',
        CONMAN_GATE: 'merge',
        CONMAN_COMMIT_SHA: commitSha,
        FEATURE_FLAG: 'on',
      });
      expect(result.command?.outputTail).not.toMatch(/server-only|server-jwt|server-master/);
    } finally {
      delete process.env.CONMAN_JWT_SECRET;
      delete process.env.CONMAN_SECRETS_MASTER_KEY;
      delete process.env.CONMAN_MONGO_URI;
      delete process.env.CONMAN_REDIS_URL;
    }
  });

  it('reports a command that cannot start as failed', async () => {
    const { result } = await runCommand(['./does-not-exist']);
    expect(result.outcome).toBe('failed');
    expect(result.command?.spawnError).toContain('ENOENT');
  });

  it('does not run the command when the built-in checks fail', async () => {
    const broken = await fixture.commit({ 'bad.json': '{' });
    const log = new MemoryLogSink();
    const result = await executeGate({
      git: fixture.git,
      repoPath: fixture.repoPath,
      context: { jobId: 'j', appId: 'a', gate: 'submit', commitSha: broken },
      command: 'echo should-not-run',
      scopeEnv: {},
      sandbox: { kind: 'none' },
      timeoutMs: 5000,
      log,
    });
    expect(result).toMatchObject({ outcome: 'failed', command: null });
    expect(log.lines.some((line) => line.message === 'should-not-run')).toBe(false);
  });
});
