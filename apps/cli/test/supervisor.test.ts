import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startChild } from '@conman/runtime';
import { Supervisor, type SupervisedChildSpec } from '../src/supervision/supervisor';

const logDir = mkdtempSync(path.join(tmpdir(), 'conman-supervisor-'));

/** A real child process running `script` under node; counts its starts. */
function nodeChild(name: string, script: string): SupervisedChildSpec & { starts: number } {
  const spec = {
    name,
    starts: 0,
    start: () => {
      spec.starts += 1;
      return startChild({
        name,
        command: process.execPath,
        args: ['-e', script],
        logFile: path.join(logDir, `${name}.log`),
      });
    },
  };
  return spec;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const FAST = { maxCrashes: 3, windowMs: 60_000, initialBackoffMs: 20, maxBackoffMs: 100 };
const LONG_RUNNING = 'setInterval(() => undefined, 1000)';

describe('Supervisor', () => {
  it('restarts a killed child while its sibling keeps running, and stops both for good', async () => {
    const reports: string[] = [];
    const supervisor = new Supervisor((line) => reports.push(line), FAST);
    const worker = await supervisor.supervise(nodeChild('worker', LONG_RUNNING));
    const server = await supervisor.supervise(nodeChild('server', LONG_RUNNING));
    const serverPid = server.pid() as number;
    const firstWorkerPid = worker.pid() as number;

    process.kill(firstWorkerPid, 'SIGKILL');
    await until(() => worker.pid() !== undefined && worker.pid() !== firstWorkerPid);

    expect(isAlive(worker.pid() as number)).toBe(true);
    expect(server.pid()).toBe(serverPid);
    expect(isAlive(serverPid)).toBe(true);
    expect(reports.join('\n')).toMatch(/worker exited unexpectedly .*restarting in \d+ ms/);
    expect(reports.join('\n')).toMatch(/worker restarted/);

    const pids = [worker.pid() as number, serverPid];
    await Promise.all([worker.stop(), server.stop()]);
    await until(() => pids.every((pid) => !isAlive(pid)));
    expect(worker.pid()).toBeUndefined();
  });

  it('reports a crash loop naming the child, and restarts nothing after stop', async () => {
    const reports: string[] = [];
    const supervisor = new Supervisor((line) => reports.push(line), FAST);
    const crashing = nodeChild('redis', 'process.exit(3)');
    const child = await supervisor.supervise(crashing);

    await expect(supervisor.crashLoop).resolves.toEqual({
      name: 'redis',
      crashesInWindow: 3,
      windowMs: 60_000,
    });
    expect(crashing.starts).toBe(3);
    expect(reports.filter((line) => line.includes('restarting in'))).toHaveLength(2);
    expect(reports.at(-1)).toMatch(/^redis exited unexpectedly \(code 3\)$/);

    await child.stop();
    expect(crashing.starts).toBe(3);
  });

  it('cancels a restart that is still waiting out its backoff when stopped', async () => {
    const supervisor = new Supervisor(() => undefined, { ...FAST, initialBackoffMs: 60_000 });
    const crashing = nodeChild('mongodb', LONG_RUNNING);
    const child = await supervisor.supervise(crashing);
    process.kill(child.pid() as number, 'SIGKILL');
    await until(() => child.pid() === undefined);
    await child.stop();
    expect(crashing.starts).toBe(1);
  });
});
