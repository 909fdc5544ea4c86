import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnService, waitFor, type ServiceProcess } from '../support/stack';
import {
  createJobsApp,
  finishedJob,
  jobOf,
  startJobsStack,
  validate,
  type JobsApp,
  type JobsStack,
} from '../support/jobs-app';

const JWT_SECRET = `jwt-marker-${randomBytes(16).toString('hex')}`;
const MASTER_KEY = randomBytes(32).toString('base64');
const ADMIN_PASSWORD = `admin-pw-${randomBytes(12).toString('hex')}`;

jest.setTimeout(120_000);

let jobs: JobsStack;
let app: JobsApp;
let worker: ServiceProcess | undefined;

beforeAll(async () => {
  jobs = await startJobsStack({
    worker: false,
    env: {
      CONMAN_JWT_SECRET: JWT_SECRET,
      CONMAN_SECRETS_MASTER_KEY: MASTER_KEY,
      CONMAN_BOOTSTRAP_ADMIN_EMAIL: 'root@example.com',
      CONMAN_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    },
  });
  app = await createJobsApp(jobs, { 'config/app.json': '{"name": "demo"}' });
});

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});

afterAll(() => jobs?.stop());

/** One worker at a time, so every job of a test is taken by the worker with that test's sandbox setting. */
async function startWorker(sandboxSetting?: string): Promise<ServiceProcess> {
  const env = { ...jobs.stack.env };
  if (sandboxSetting !== undefined) env.CONMAN_COMMAND_SANDBOX = sandboxSetting;
  worker = spawnService('worker', env);
  const started = worker;
  await waitFor(
    () => started.output().includes('worker ready'),
    60_000,
    () => started.output(),
  );
  return started;
}

async function logOf(jobId: string): Promise<string[]> {
  return (await jobOf(app, jobId)).logs.map((line) => line.message);
}

/** Each probe prints `PROBE <name> ok|denied`; the log is then searched for leaked secrets. */
const HOSTILE_SCRIPT = `
probe() { name=$1; shift; if "$@" >/dev/null 2>&1; then echo "PROBE $name ok"; else echo "PROBE $name denied"; fi; }
probe secrets-file cat "$DATA_DIR/secrets.json"
probe data-dir ls "$DATA_DIR"
probe worker-process test -e "/proc/$WORKER_PID"
probe worker-environ cat "/proc/$WORKER_PID/environ"
probe server-environ cat "/proc/$SERVER_PID/environ"
probe root-home ls /root
probe checkout-write sh -c 'echo hi > ./probe.txt && test -s ./probe.txt'
probe tmp-write sh -c 'echo hi > /tmp/probe.txt && test -s /tmp/probe.txt'
probe home-write sh -c 'echo hi > "$HOME/probe.txt" && test -s "$HOME/probe.txt"'
probe network timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/$REDIS_PORT'
echo "PROCESSES $(ls -d /proc/[0-9]* | wc -l)"
for file in /proc/[0-9]*/environ; do tr '\\0' '\\n' < "$file"; done 2>&1
cat "$DATA_DIR/secrets.json" 2>&1
ls -la "$DATA_DIR" / 2>&1
echo "UID $(id -u)"
`;

function probeResults(lines: string[]): Record<string, string> {
  return Object.fromEntries(
    lines.flatMap((line) => {
      const match = /^PROBE (\S+) (ok|denied)$/.exec(line);
      return match ? [[match[1], match[2]]] : [];
    }),
  );
}

describe('gate commands in the bubblewrap sandbox, on a real worker', () => {
  it("cannot see the host's processes, secrets or data directory, yet work in their checkout", async () => {
    const running = await startWorker();
    const dataDir = jobs.stack.dataDir;
    const secretsFile = path.join(dataDir, 'secrets.json');
    expect(existsSync(secretsFile)).toBe(true);
    const generated = JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, string>;
    const scopeEnv = {
      DATA_DIR: dataDir,
      WORKER_PID: String(running.child.pid),
      SERVER_PID: String(jobs.stack.server.child.pid),
      REDIS_PORT: new URL(jobs.redis.url).port,
    };
    await app.setGate({ command: HOSTILE_SCRIPT }, scopeEnv);
    const job = await finishedJob(app, (await validate(app)).id);
    expect(job.state).toBe('succeeded');
    const lines = await logOf(job.id);
    expect(probeResults(lines)).toEqual({
      'secrets-file': 'denied',
      'data-dir': 'denied',
      'worker-process': 'denied',
      'worker-environ': 'denied',
      'server-environ': 'denied',
      'root-home': 'denied',
      'checkout-write': 'ok',
      'tmp-write': 'ok',
      'home-write': 'ok',
      network: 'denied',
    });
    expect(lines).toContain('UID 65534');
    // bwrap's init, the shell and the probe's own pipeline: nothing of the host.
    const processes = Number(lines.find((line) => line.startsWith('PROCESSES '))?.split(' ')[1]);
    expect(processes).toBeGreaterThan(0);
    expect(processes).toBeLessThan(8);
    const dump = lines.join('\n');
    for (const secret of [
      JWT_SECRET,
      MASTER_KEY,
      ADMIN_PASSWORD,
      generated.jwtSecret as string,
      generated.masterKey as string,
      process.env.CONMAN_TEST_RESOLVED_MONGO_URI as string,
      jobs.redis.url,
      'mongodb://',
      'redis://',
    ]) {
      expect(dump).not.toContain(secret);
    }

    // The same probe with the gate's network setting on reaches the port: the setting is applied.
    await app.setGate({ command: HOSTILE_SCRIPT, network: true }, scopeEnv);
    const online = await finishedJob(app, (await validate(app)).id);
    expect(probeResults(await logOf(online.id))).toMatchObject({ network: 'ok', 'secrets-file': 'denied' });
  });

  it('refuse to run commands when bubblewrap is missing, with a clear job error', async () => {
    const running = await startWorker('/nonexistent/bwrap');
    expect(running.output()).toContain('CONMAN_COMMAND_SANDBOX=none');
    await app.setGate({ command: 'echo command-ran' });
    const job = await finishedJob(app, (await validate(app)).id);
    expect(job).toMatchObject({
      state: 'failed',
      error: { code: 'sandbox_unavailable', message: expect.stringContaining('/nonexistent/bwrap') },
    });
    const lines = await logOf(job.id);
    expect(lines).not.toContain('command-ran');
    expect(lines.join('\n')).toContain('Install bubblewrap');

    // Built-in checks need no sandbox and still run when no command is configured.
    await app.setGate({ command: null });
    expect((await finishedJob(app, (await validate(app)).id)).state).toBe('succeeded');
  });

  it('run commands unsandboxed only when the operator says none, warning at worker start', async () => {
    const running = await startWorker('none');
    expect(running.output()).toContain('UNSANDBOXED');
    await app.setGate({ command: 'echo "uid $(id -u)"' });
    const job = await finishedJob(app, (await validate(app)).id);
    expect(job.state).toBe('succeeded');
    expect(await logOf(job.id)).toContain(`uid ${process.getuid?.()}`);
  });
});
